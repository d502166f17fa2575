// The gate page: after every answer the scan field is emptied and focused again for the next
// person, and Enter sends a scan once it looks whole (a boarding pass from a QR reader, or the
// last line of a passport zone), so a reader that ends with Enter needs no tap. Shift+Enter
// always starts a new line. Without this script the page works with the Read button.
(function () {
  "use strict";
  function field() { return document.getElementById("scanned"); }
  function whole(text) {
    var value = text.trim();
    if (/^RP/i.test(value)) { return true; }
    var lines = value.split(/\r?\n/);
    var first = lines[0].length;
    if (first === 30) { return lines.length >= 3 && lines[2].length >= 30; }
    return lines.length >= 2 && lines[1].length >= Math.min(first, 36);
  }
  document.addEventListener("keydown", function (event) {
    var scanned = field();
    if (event.target !== scanned || event.key !== "Enter" || event.shiftKey) { return; }
    if (whole(scanned.value)) {
      event.preventDefault();
      scanned.form.requestSubmit();
    }
  });
  document.addEventListener("htmx:afterRequest", function () {
    var scanned = field();
    if (!scanned) { return; }
    scanned.value = "";
    scanned.focus();
  });
})();
