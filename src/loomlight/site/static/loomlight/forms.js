// Behaviour of forms, kept out of the templates (the Content-Security-Policy allows no inline handlers).
// A <select data-autosubmit> sends its form when its value changes (the language picker, list filters);
// a <noscript> button beside it does the same without JavaScript.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
