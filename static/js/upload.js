// Upload page: drag and drop, preview, size check before sending, and an
// "analysing" state while the server works. The form works without it.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll('input[type="file"]'));
  var input = inputs[0];  // the gallery input; a second one opens the camera
  var chosenName = document.getElementById("chosen-name");
  var zone = document.getElementById("dropzone");
  var preview = document.getElementById("preview");
  var errors = document.getElementById(input.id + "_error");
  var button = document.getElementById("upload-button");
  var analysing = document.getElementById("analysing");
  var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;

  function showError(message) {
    errors.innerHTML = "";
    if (message) {
      var p = document.createElement("p");
      p.textContent = message;
      errors.appendChild(p);
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  function check(file) {
    if (!file) return false;
    if (file.type && file.type.indexOf("image/") !== 0) {
      showError(errors.getAttribute("data-not-image"));
      return false;
    }
    if (maxBytes && file.size > maxBytes) {
      showError(errors.getAttribute("data-too-large"));
      return false;
    }
    showError("");
    return true;
  }

  function showPreview(file) {
    if (!file || !window.URL || !file.type || file.type === "image/heic" || file.type === "image/heif") {
      preview.hidden = true;
      return;
    }
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
  }

  function chosenFile() {
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].files && inputs[i].files[0]) return inputs[i].files[0];
    }
    return null;
  }

  inputs.forEach(function (each) {
    each.addEventListener("change", function () {
      // One photo at a time: choosing in one input clears the other.
      inputs.forEach(function (other) { if (other !== each) other.value = ""; });
      var file = each.files && each.files[0];
      if (chosenName) chosenName.textContent = file ? file.name : "";
      if (check(file)) showPreview(file); else preview.hidden = true;
    });
  });

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
    });
  });
  zone.addEventListener("drop", function (event) {
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    input.files = files;
    input.dispatchEvent(new Event("change"));
  });

  form.addEventListener("submit", function (event) {
    var file = chosenFile();
    if (!file) {
      event.preventDefault();
      showError(input.getAttribute("data-required") || errors.getAttribute("data-not-image"));
      return;
    }
    if (!check(file)) {
      event.preventDefault();
      return;
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    analysing.hidden = false;
  });
})();
