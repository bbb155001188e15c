// @-mention autocomplete for the text boxes marked data-mentions="<suggestions URL>": typing
// "@" and two letters lists colleagues (photo or initials, name, job title) found by name,
// accents and case folded; arrows move, Enter or Tab picks, Escape closes; a pick writes
// "@username", the syntax rucher.content.mentions links. Without JavaScript one types
// "@username" by hand.
(function () {
  "use strict";
  var DELAY = 250;
  // "@" at the start or after a space or an opening mark, then the letters typed so far.
  var TYPED = /(^|[\s([{"'«>])@([^\s@]{2,40})$/u;
  var counter = 0;

  function setUp(box) {
    if (box.hasAttribute("data-mentions-ready")) return;
    box.setAttribute("data-mentions-ready", "");
    var url = box.getAttribute("data-mentions");
    counter += 1;
    var listId = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", box.getAttribute("data-mentions-label") || "@");
    list.hidden = true;
    box.insertAdjacentElement("afterend", list);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", listId);
    var timer = null;
    var asked = 0;
    var active = -1;
    var range = null; // [start, end] of "@typed" in the text

    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }
    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      box.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      box.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function pick(option) {
      if (!range) return;
      var text = "@" + option.getAttribute("data-username") + " ";
      box.value = box.value.slice(0, range[0]) + text + box.value.slice(range[1]);
      var caret = range[0] + text.length;
      box.setSelectionRange(caret, caret);
      close();
      box.focus();
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function ask() {
      var before = box.value.slice(0, box.selectionStart);
      var match = TYPED.exec(before);
      if (!match || box.selectionStart !== box.selectionEnd) { close(); return; }
      range = [before.length - match[2].length - 1, box.selectionStart];
      var ticket = ++asked;
      fetch(url + "?q=" + encodeURIComponent(match[2]), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (ticket !== asked) return; // a later keystroke asked again
          list.innerHTML = html;
          var all = options();
          if (!all.length) { close(); return; }
          all.forEach(function (option, i) {
            option.id = listId + "-" + i;
            option.addEventListener("mousedown", function (event) { event.preventDefault(); pick(option); });
          });
          list.hidden = false;
          highlight(0);
        })
        .catch(close);
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    box.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" || event.key === "Tab") {
        var all = options();
        if (active >= 0 && all[active]) { event.preventDefault(); pick(all[active]); }
      } else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  function init() { document.querySelectorAll("textarea[data-mentions]").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  // The comment forms come back in htmx responses.
  document.addEventListener("htmx:afterSettle", init);
})();
