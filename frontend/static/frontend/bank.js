// Question editor: show only the parts of the form the chosen type uses (options for choice
// questions, the True/False answer, accepted answers for fill in the blank, a reference
// answer for short answer). Without this script every part is shown, each labelled with the
// types it is for, and the server reads only the parts of the chosen type.
(function () {
  "use strict";

  var form = document.getElementById("question-form");
  if (!form) {
    return;
  }
  var type = form.querySelector("select[name=type]");
  if (!type) {
    return;
  }

  function showSections() {
    Array.prototype.forEach.call(
      form.querySelectorAll("[data-question-types]"),
      function (section) {
        var types = section.getAttribute("data-question-types").split(" ");
        section.hidden = types.indexOf(type.value) === -1;
      }
    );
  }

  type.addEventListener("change", showSections);
  showSections();
})();
