// Progressive enhancement for the results page: ticking a facet checkbox applies it at
// once, so a phone user needs one tap per filter. Without JavaScript the form's
// "apply" button does the same.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var boxes = document.querySelectorAll("form[data-autosubmit] .facet input[type=checkbox]");
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      box.form.submit();
    });
  });
});
