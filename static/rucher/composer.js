// The composer's small enhancements (served from /static: the CSP allows no inline script).
// Without JavaScript everything still works: the community list scrolls, each picked community
// shows its answer-time promise through CSS, the title field appears with CSS :has().
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function setUpPicker(picker) {
    var filter = picker.querySelector(".picker-filter");
    var none = picker.querySelector(".picker-none");
    var options = Array.prototype.slice.call(picker.querySelectorAll(".picker-option"));
    if (!filter || picker.hasAttribute("data-ready")) return;
    picker.setAttribute("data-ready", "");
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var wanted = fold(filter.value);
      var shown = 0;
      options.forEach(function (option) {
        var box = option.querySelector("input");
        var name = fold(option.querySelector(".picker-name").textContent);
        // A picked community stays in sight whatever is typed.
        var visible = !wanted || box.checked || name.indexOf(wanted) !== -1;
        option.hidden = !visible;
        if (visible) shown += 1;
      });
      if (none) none.hidden = shown > 0;
    });
    // Enter in the filter must not publish the post.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }
  function setUpPromise(form) {
    var line = form.querySelector(".composer-promise");
    if (!line || form.hasAttribute("data-enhanced")) return;
    form.setAttribute("data-enhanced", "");
    function update() {
      var question = form.querySelector('input[name="kind"][value="question"]:checked');
      var best = null;
      form.querySelectorAll('input[name="communities"]:checked').forEach(function (box) {
        var hours = parseInt(box.getAttribute("data-promise-hours") || "", 10);
        if (hours && (best === null || hours < best.hours)) best = { hours: hours, box: box };
      });
      if (question && best) {
        line.textContent = best.box.closest("label").querySelector(".promise").textContent;
        line.hidden = false;
      } else {
        line.hidden = true;
      }
    }
    form.addEventListener("change", update);
    update();
  }
  function init() {
    document.querySelectorAll("[data-picker]").forEach(setUpPicker);
    document.querySelectorAll(".composer form").forEach(setUpPromise);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  // Joining a community brings its stream, composer included, in an htmx response.
  document.addEventListener("htmx:afterSettle", init);
})();
