// Document uploads (rucher.documents): drop a file on the form, or choose one, and it is sent
// with a progress bar; the page then opens the document. Without JavaScript the form posts.
(function () {
  "use strict";
  function setup(form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    var status = form.querySelector("[data-upload-status]");
    var hint = form.querySelector(".doc-drop-hint");
    var button = form.querySelector("button[type=submit]");
    if (!input || !bar || !window.FormData) return;
    if (hint) hint.hidden = false;
    form.classList.add("doc-drop-ready");

    function send(file) {
      var data = new FormData(form);
      data.set("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      bar.hidden = false;
      bar.value = 0;
      button.disabled = true;
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
        if (xhr.status === 201 && answer.url) {
          bar.value = 100;
          window.location.assign(answer.url);
          return;
        }
        bar.hidden = true;
        button.disabled = false;
        status.textContent = answer.detail || form.dataset.errorText || xhr.statusText;
        status.classList.add("error");
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        button.disabled = false;
        status.textContent = form.dataset.errorText || "Error";
        status.classList.add("error");
      });
      xhr.send(data);
    }

    form.addEventListener("submit", function (event) {
      if (!input.files || !input.files.length) return;
      event.preventDefault();
      send(input.files[0]);
    });
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        event.preventDefault();
        form.classList.add("doc-drag-over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { form.classList.remove("doc-drag-over"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) send(files[0]);
    });
  }
  document.querySelectorAll("form[data-drop-zone]").forEach(setup);
})();
