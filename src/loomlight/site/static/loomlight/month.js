// The month form's live check (reporting/month.html): when a value or its unit changes, ask the server's history
// check (reporting:month_check, which writes nothing) and show its warning beside the field, before saving.
// Without JavaScript the same warning is shown beside the value once it is saved. One small request per change.
(function () {
  "use strict";
  var form = document.querySelector("form[data-check-url]");
  if (!form || !window.fetch) {
    return;
  }
  var url = form.getAttribute("data-check-url");
  function field(row, suffix) {
    return row.querySelector("[name$='-" + suffix + "']");
  }
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.hasAttribute || !target.hasAttribute("data-check")) {
      return;
    }
    var row = target.closest(".month-row");
    var slot = row && row.querySelector("[data-warning]");
    if (!slot) {
      return;
    }
    var query = new URLSearchParams({
      metric: field(row, "metric").value, qualifier: field(row, "qualifier").value,
      value: field(row, "value").value, unit: field(row, "unit").value
    });
    // answers may come back out of order (a unit changed, then a value typed): only the row's latest check counts
    var asked = (row.checkSeq || 0) + 1;
    row.checkSeq = asked;
    fetch(url + "?" + query.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && row.checkSeq === asked) {
          slot.textContent = data.error || data.message || "";
          row.classList.toggle("flagged", Boolean(data.flag || data.error));
        }
      })
      .catch(function () { /* offline or slow: the warning comes with the saved page */ });
  });
})();
