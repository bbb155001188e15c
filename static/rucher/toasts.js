// Toasts (templates/includes/_toasts.html): CSS shows them, then fades them out by itself
// (hovering or focusing them pauses it), so nothing here is needed for them to work. This adds
// a close button to each and removes the faded ones, whether the page brought them or an htmx
// response added them.
(function () {
  "use strict";
  function removeToast(toast) {
    var list = toast.parentNode;
    toast.remove();
    if (list && !list.querySelector(".toast")) list.remove();
  }
  function decorate() {
    var region = document.getElementById("toasts");
    if (!region) return;
    var label = region.getAttribute("data-close-label") || "Close";
    region.querySelectorAll(".toast:not([data-ready])").forEach(function (toast) {
      toast.setAttribute("data-ready", "");
      var close = document.createElement("button");
      close.type = "button";
      close.className = "toast-close";
      close.setAttribute("aria-label", label);
      close.textContent = "×";
      close.addEventListener("click", function () { removeToast(toast); });
      toast.appendChild(close);
      toast.addEventListener("animationend", function (event) {
        if (event.animationName === "toast-out") removeToast(toast);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", decorate);
  else decorate();
  document.addEventListener("htmx:afterSettle", decorate);
  document.addEventListener("htmx:oobAfterSwap", decorate);
})();
