/* Progress bars carry their width in data-sz-width: the Content-Security-Policy refuses inline
 * style attributes, while a width set through the CSSOM is allowed. htmx.onLoad runs on the page
 * and again on every swapped-in fragment (the import progress polls). */
(function () {
  "use strict";
  function widths(root) {
    var els = Array.prototype.slice.call(root.querySelectorAll("[data-sz-width]"));
    if (root.matches && root.matches("[data-sz-width]")) els.push(root);
    els.forEach(function (el) {
      var pct = parseFloat(el.getAttribute("data-sz-width")) || 0;
      el.style.width = Math.min(100, Math.max(0, pct)) + "%";
    });
  }
  if (window.htmx) {
    htmx.onLoad(widths);
  } else {
    document.addEventListener("DOMContentLoaded", function () { widths(document); });
  }
})();

/* A table wider than the phone scrolls inside its .table-responsive box; a keyboard user can
 * only scroll a box that takes focus, so each one is made focusable (WCAG 2.1.1). */
(function () {
  "use strict";
  function focusable(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".table-responsive"), function (el) {
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    });
  }
  if (window.htmx) {
    htmx.onLoad(focusable);
  } else {
    document.addEventListener("DOMContentLoaded", function () { focusable(document); });
  }
})();
