// Behaviour of forms, kept out of the templates (the Content-Security-Policy allows no inline handlers).
// A <select data-autosubmit> sends its form when its value changes (the language picker, list filters);
// a <noscript> button beside it does the same without JavaScript.
// A unit field with data-unit-defaults (JSON {metric code: usual unit}) follows the select of its form named by its
// data-metric-field: when the metric changes, a unit left empty or still at the previous metric's usual unit becomes
// the new metric's usual unit; a unit the user typed stays. Without JavaScript the unit starts as the first metric's.
(function () {
  "use strict";
  function unitFields(select) {
    if (!select.form) {
      return [];
    }
    return Array.prototype.filter.call(select.form.querySelectorAll("input[data-unit-defaults]"), function (input) {
      return input.getAttribute("data-metric-field") === select.name;
    });
  }
  function metricOf(input) {
    var select = input.form && input.form.elements.namedItem(input.getAttribute("data-metric-field"));
    return select instanceof HTMLSelectElement ? select.value : "";
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-unit-defaults]"), function (input) {
    input.setAttribute("data-metric-shown", metricOf(input));
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
    if (field instanceof HTMLSelectElement) {
      unitFields(field).forEach(function (input) {
        var defaults = JSON.parse(input.getAttribute("data-unit-defaults"));
        var previous = defaults[input.getAttribute("data-metric-shown")] || "";
        if (input.value.trim() === "" || input.value.trim() === previous) {
          input.value = defaults[field.value] || "";
        }
        input.setAttribute("data-metric-shown", field.value);
      });
    }
  });
})();
