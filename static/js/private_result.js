// Result page of a private result (analysed on the device, no photo kept):
// where this tab still holds the small picture of the face that the upload
// page drew (private_upload.js, sessionStorage), show it in place of the
// hero's emblem and offer to keep it with the result. Nothing is sent unless
// the person presses the button.
(function () {
  "use strict";
  var section = document.getElementById("private-face");
  var form = document.getElementById("keep-face-form");
  if (!section || !form || section.getAttribute("data-kept")) return;
  var key = "mlh-private-face:" + window.location.pathname;
  var dataUrl = null;
  try { dataUrl = window.sessionStorage.getItem(key); } catch (error) { dataUrl = null; }
  if (!dataUrl || dataUrl.indexOf("data:image/jpeg;base64,") !== 0) return;

  var face = document.getElementById("private-local-face");
  var emblem = document.getElementById("private-emblem");
  var button = document.getElementById("keep-face-button");
  var status = document.getElementById("keep-face-status");
  face.src = dataUrl;
  face.hidden = false;
  if (emblem) emblem.hidden = true;
  form.hidden = false;

  function blobFrom(url) {
    var bytes = atob(url.slice(url.indexOf(",") + 1));
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: "image/jpeg" });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector('[name="csrfmiddlewaretoken"]').value);
    data.append("face", blobFrom(dataUrl), "face.jpg");
    button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: data
    }).then(function (response) {
      return response.json().catch(function () { return {}; });
    }).then(function (reply) {
      if (reply.kept) {
        status.textContent = reply.message;
        button.hidden = true;
        try { window.sessionStorage.removeItem(key); } catch (error) { /* kept anyway */ }
      } else {
        status.textContent = reply.error || form.getAttribute("data-failed");
        button.disabled = false;
      }
    }).catch(function () {
      status.textContent = form.getAttribute("data-failed");
      button.disabled = false;
    });
  });
})();
