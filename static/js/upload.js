// Upload page: drag and drop, preview, size check, then the photo is shrunk
// in the browser to the engine's working size (upright: EXIF orientation
// applied) and sent with a progress bar (bytes sent, then "analysing") and a
// cancel button. Where the browser cannot decode the file (HEIC on Chrome,
// no createImageBitmap) the original is sent. Without this script the form
// posts the original file as a plain form. Private mode hands the file to
// static/js/private_upload.js instead, which sends no photo.
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
  var panel = document.getElementById("analysing");
  var progressText = document.getElementById("upload-progress-text");
  var progressWords = document.getElementById("upload-progress-words");
  var progressBar = document.getElementById("upload-progress-bar");
  var progressBytes = document.getElementById("upload-progress-bytes");
  var cancelButton = document.getElementById("upload-cancel");
  var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
  var maxSide = parseInt(form.getAttribute("data-max-side"), 10) || 1024;
  var quality = parseFloat(form.getAttribute("data-jpeg-quality")) || 0.8;
  var canShrink = typeof window.createImageBitmap === "function" &&
    typeof window.Promise === "function" && typeof window.FormData === "function" &&
    typeof HTMLCanvasElement !== "undefined" && !!HTMLCanvasElement.prototype.toBlob;
  var request = null;  // the XMLHttpRequest in flight
  var attempt = "";  // its id: Cancel takes the photo back with it
  var cancelled = false;

  function csrfToken() {
    return form.querySelector('[name="csrfmiddlewaretoken"]').value;
  }

  // A random (version 4) UUID naming one send (history/attempts.py).
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  function attemptId() {
    if (!window.crypto || !window.crypto.getRandomValues) return "";
    if (typeof window.crypto.randomUUID === "function" && window.isSecureContext) {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  // The send may have reached the server already (or still will): the
  // server deletes what this attempt stores. Fire and forget; keepalive
  // lets it go even as the person leaves the page.
  function takeBack(id) {
    if (!id || typeof window.fetch !== "function") return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    data.append("attempt", id);
    window.fetch(cancelButton.getAttribute("data-post"), {
      method: "POST", body: data, credentials: "same-origin", keepalive: true
    }).catch(function () {});
  }

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
    // A big photo the browser can shrink is fine: the size is checked again
    // on what is sent.
    if (maxBytes && file.size > maxBytes && !canShrink) {
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

  // The photo as sent: upright, at most maxSide px on the long side, JPEG.
  // Resolves to null where the browser cannot decode it (the original is
  // sent then) or where shrinking would not make it smaller.
  function shrink(file) {
    if (!canShrink) return Promise.resolve(null);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
      var width = Math.max(1, Math.round(bitmap.width * scale));
      var height = Math.max(1, Math.round(bitmap.height * scale));
      var canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      var context = canvas.getContext("2d");
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, 0, 0, width, height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob && blob.size < file.size ? blob : null);
        }, "image/jpeg", quality);
      });
    }).catch(function () { return null; });
  }

  function kilobytes(bytes) { return Math.max(1, Math.round(bytes / 1024)); }

  function showPhase(words, percent, bytesLine) {
    if (progressWords.textContent !== words) progressWords.textContent = words;
    if (percent === null) progressBar.removeAttribute("value");
    else progressBar.value = percent;
    progressBytes.textContent = bytesLine || "";
  }

  function busy(on) {
    button.disabled = on;
    if (on) button.setAttribute("aria-busy", "true"); else button.removeAttribute("aria-busy");
    panel.hidden = !on;
    if (on) cancelButton.disabled = false;
    inputs.forEach(function (each) { each.disabled = on; });
  }

  function fail(message) {
    busy(false);
    request = null;
    showError(message);
    errors.scrollIntoView({ block: "center" });
  }

  function send(body, name) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    data.append("photo", body, name);
    attempt = attemptId();
    if (attempt) data.append("attempt", attempt);
    var xhr = new XMLHttpRequest();
    request = xhr;
    xhr.open("POST", form.getAttribute("action") || window.location.pathname);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.round(100 * event.loaded / event.total);
      showPhase(progressText.getAttribute("data-sending"), percent,
        kilobytes(event.loaded) + " / " + kilobytes(event.total) + " KB");
    });
    xhr.upload.addEventListener("load", function () {
      // Every byte is sent: the server is working now.
      showPhase(progressText.getAttribute("data-analysing"), null, "");
    });
    xhr.addEventListener("load", function () {
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (error) { reply = null; }
      if (reply && reply.redirect) {
        // Kept: too late to cancel now.
        request = null;
        cancelButton.disabled = true;
        window.location.assign(reply.redirect);
        return;
      }
      if (reply && reply.error) { fail(reply.error); return; }
      fail(xhr.status === 413 ? errors.getAttribute("data-too-large")
                              : progressText.getAttribute("data-failed"));
    });
    xhr.addEventListener("error", function () { fail(progressText.getAttribute("data-failed")); });
    xhr.addEventListener("abort", function () {
      if (cancelled) fail(progressText.getAttribute("data-cancelled"));
    });
    xhr.send(data);
  }

  cancelButton.addEventListener("click", function () {
    cancelled = true;
    if (request) {
      request.abort();
      takeBack(attempt);
    } else {
      fail(progressText.getAttribute("data-cancelled"));
    }
    button.focus();
  });

  form.addEventListener("submit", function (event) {
    var file = chosenFile();
    event.preventDefault();
    if (!file) {
      showError(input.getAttribute("data-required") || errors.getAttribute("data-not-image"));
      return;
    }
    if (!check(file)) return;
    cancelled = false;
    busy(true);
    // Private mode (static/js/private_upload.js), when chosen: analysed here,
    // only the ranking is sent.
    if (window.mlhPrivateUpload && window.mlhPrivateUpload(file, {
      phase: showPhase,
      fail: fail,
      cancelled: function () { return cancelled; }
    })) return;
    showPhase(progressText.getAttribute("data-sending"), 0, "");
    shrink(file).then(function (small) {
      if (cancelled) return;
      var body = small || file;
      if (maxBytes && body.size > maxBytes) {
        fail(errors.getAttribute("data-too-large"));
        return;
      }
      var name = small ? (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg" : file.name;
      send(body, name);
    });
  });
})();
