// Upload page, private mode: the photo is analysed in this browser by the
// site's own engine (static/js/private/, docs/private-mode.md) and only the
// ranking is posted; never the photo, nor anything computed from the face.
//
// A module script: browsers without modules never see the choice. The
// choice is offered only where WebAssembly runs, and remembered in this
// browser; a first visit gets the server path (quicker the first time: the
// engine downloads about 12 MB once). upload.js calls
// window.mlhPrivateUpload(file, ui) when the person chose this device.
//
// The engine (and onnxruntime-web) is imported only once private mode is
// chosen. A small picture of the face is kept in this tab's sessionStorage
// so the result page can show it; it is sent only if the person asks to keep
// it there (static/js/private_result.js).

const CHOICE_KEY = "mlh-analyse-where";
const FACE_KEY_PREFIX = "mlh-private-face:";
const FACE_SIDE = 160;
const FACE_MARGIN = 0.45; // the share card's and the thumbnail's margin around a face

const fieldset = document.getElementById("analyse-where");
const form = document.getElementById("upload-form");
const canRun =
  typeof WebAssembly === "object" &&
  typeof WebAssembly.instantiate === "function" &&
  typeof window.createImageBitmap === "function" &&
  typeof window.fetch === "function";

function remembered() {
  try {
    return window.localStorage.getItem(CHOICE_KEY);
  } catch (error) {
    return null; // storage blocked: the default, server
  }
}

function remember(value) {
  try {
    window.localStorage.setItem(CHOICE_KEY, value);
  } catch (error) {
    // not remembered; the choice still applies to this page
  }
}

// A message for a code (the engine's refusals, load_failed, send_failed),
// from the fieldset's data-text-<code> attributes.
function said(code) {
  return fieldset.getAttribute(`data-text-${code}`) || fieldset.getAttribute("data-text-corrupt_image");
}

let engineReady = null; // one load per page, shared by every try
const download = { received: 0, total: 0, listener: null };

function onProgress(received, total) {
  download.received = received;
  download.total = total;
  if (download.listener) download.listener(received, total);
}

// Starts as soon as private mode is chosen (or was remembered), so the
// download runs while the person picks a photo.
function engineLoad() {
  if (!engineReady) {
    engineReady = import(fieldset.dataset.engine)
      .then((module) =>
        module.PrivateEngine.load(fieldset.dataset.manifest, { onProgress }).then((engine) => ({
          module,
          engine,
        })),
      )
      .catch((error) => {
        engineReady = null; // a later try loads again
        throw error;
      });
  }
  return engineReady;
}

// A small square JPEG around the face (as a data: URL), drawn from the photo
// here; null where the browser cannot.
async function faceDataUrl(file, box) {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const [fx, fy, fw, fh] = box;
    const side = Math.max(fw * bitmap.width, fh * bitmap.height) * (1 + 2 * FACE_MARGIN);
    const cx = (fx + fw / 2) * bitmap.width;
    const cy = (fy + fh / 2) * bitmap.height;
    const canvas = document.createElement("canvas");
    canvas.width = FACE_SIDE;
    canvas.height = FACE_SIDE;
    const context = canvas.getContext("2d");
    context.imageSmoothingQuality = "high";
    context.fillStyle = "#1c1e30";
    context.fillRect(0, 0, FACE_SIDE, FACE_SIDE);
    context.drawImage(bitmap, cx - side / 2, cy - side / 2, side, side, 0, 0, FACE_SIDE, FACE_SIDE);
    if (bitmap.close) bitmap.close();
    return canvas.toDataURL("image/jpeg", 0.85);
  } catch (error) {
    return null;
  }
}

function megabytes(bytes) {
  return (bytes / 1e6).toFixed(1);
}

async function post(payload) {
  const token = form.querySelector('[name="csrfmiddlewaretoken"]').value;
  const response = await fetch(fieldset.dataset.post, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
    body: JSON.stringify(payload),
  });
  let reply = null;
  try {
    reply = await response.json();
  } catch (error) {
    reply = null;
  }
  return reply || {};
}

// Called by upload.js with the chosen file and its progress panel:
// ui.phase(words, percent|null, detail), ui.fail(message), ui.cancelled().
async function analyseHere(file, ui) {
  const data = fieldset.dataset;
  ui.phase(data.loading, null, "");
  download.listener = (received, total) => {
    if (!ui.cancelled() && total) {
      const percent = Math.round((100 * received) / total);
      ui.phase(data.loading, percent, `${megabytes(received)} / ${megabytes(total)} MB`);
    }
  };
  if (download.total) download.listener(download.received, download.total);
  let loaded;
  try {
    loaded = await engineLoad();
  } catch (error) {
    ui.fail(said("load_failed"));
    return;
  } finally {
    download.listener = null;
  }
  if (ui.cancelled()) return;
  ui.phase(data.analysing, null, "");
  let result;
  try {
    result = await loaded.engine.analyse(file);
  } catch (error) {
    ui.fail(said(error && error.code));
    return;
  }
  if (ui.cancelled()) return;
  const payload = loaded.module.privateRanking(result, data.heroes.split(" "));
  const face = await faceDataUrl(file, result.face_box);
  ui.phase(data.saving, null, "");
  let reply;
  try {
    reply = await post(payload);
  } catch (error) {
    ui.fail(said("send_failed"));
    return;
  }
  if (!reply.redirect) {
    ui.fail(reply.error || said("send_failed"));
    return;
  }
  if (face) {
    try {
      window.sessionStorage.setItem(FACE_KEY_PREFIX + reply.redirect, face);
    } catch (error) {
      // no room: the result page shows the hero's emblem instead
    }
  }
  window.location.assign(reply.redirect);
}

if (fieldset && form && canRun) {
  const device = document.getElementById("where-device");
  const server = document.getElementById("where-server");
  const warm = () => engineLoad().catch(() => null); // a failure is said at submit
  if (remembered() === "device") {
    device.checked = true;
    warm();
  }
  [device, server].forEach((radio) =>
    radio.addEventListener("change", () => {
      if (!radio.checked) return;
      remember(radio.value);
      if (radio === device) warm();
    }),
  );
  fieldset.hidden = false;
  window.mlhPrivateUpload = (file, ui) => (device.checked ? analyseHere(file, ui) : null);
}
