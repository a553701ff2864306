// The explorer's "Filters" (templates/pages/incidents.html) arrive open. On a narrow screen
// they would fill the first screen, above the results: closed there, a tap opens them. The
// script runs where it stands, right after the form's <details>, before the page is painted.
"use strict";

(function () {
  const filters = document.querySelector(".explorer details.more-filters");
  // The width at which the explorer becomes one column (css/tessera.css).
  if (filters && window.matchMedia("(max-width: 44rem)").matches) filters.open = false;
})();
