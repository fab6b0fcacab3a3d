// A filter box above a long list of people (a <select multiple data-searchable>): typing
// hides the people who do not match; the ones already chosen always stay visible. The box's
// label comes from this script element's data-label (translated on the server).
(function () {
  "use strict";
  var label = document.currentScript ? document.currentScript.getAttribute("data-label") : "";

  function attach(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = label;
    box.setAttribute("aria-label", label);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden =
          words !== "" && !option.selected && option.text.toLowerCase().indexOf(words) === -1;
      });
    });
    select.parentNode.insertBefore(box, select);
  }

  function start() {
    document.querySelectorAll("select[data-searchable]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
