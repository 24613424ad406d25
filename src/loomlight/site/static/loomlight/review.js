// The review list: a checkbox with data-check-all="NAME" ticks or unticks every checkbox named NAME of its form.
// Without JavaScript each month is ticked on its own.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!(all instanceof HTMLInputElement) || !all.hasAttribute("data-check-all") || !all.form) {
      return;
    }
    var name = all.getAttribute("data-check-all");
    Array.prototype.forEach.call(all.form.querySelectorAll("input[type=checkbox]"), function (box) {
      if (box.name === name) {
        box.checked = all.checked;
      }
    });
  });
})();
