// The header's "More" menu (templates/base.html) is a <details> disclosure that works without
// JavaScript; this only closes it on Escape (focus back on its summary) or a click outside.
(function () {
  "use strict";
  function openMenus() {
    return document.querySelectorAll(".nav-more details[open]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (details) {
      var hadFocus = details.contains(document.activeElement);
      details.open = false;
      if (hadFocus) details.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (details) {
      if (!details.contains(event.target)) details.open = false;
    });
  });
})();
