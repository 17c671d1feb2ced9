// Result page: preview a runner-up in the main spot (labelled for what it is,
// restored cleanly), share the result (Web Share API with the card image on
// phones, copy the link elsewhere) without reloading, draw the face box.
// Everything here is an enhancement: the page works without it.
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  // --- the face box over the photo (position from data attributes: no inline styles)
  document.querySelectorAll(".face-box[data-left]").forEach(function (box) {
    ["left", "top", "width", "height"].forEach(function (name) {
      box.style[name] = box.dataset[name] + "%";
    });
    box.hidden = false;
  });

  // --- runner-up preview
  var main = byId("hero-main");
  var parts = {
    eyebrow: byId("main-eyebrow"),
    name: byId("main-name"),
    portrait: byId("main-portrait"),
    description: byId("main-description"),
    tie: byId("main-tie"),
    strength: byId("main-strength"),
    value: byId("main-strength-value"),
    words: byId("main-strength-words"),
    figure: byId("main-strength-figure"),
    meter: byId("main-strength-meter"),
    sentence: byId("main-sentence"),
    restore: byId("main-restore")
  };
  var original = null;
  if (main && parts.name) {
    original = {
      eyebrow: parts.eyebrow.textContent,
      name: parts.name.textContent,
      portrait: parts.portrait.getAttribute("src"),
      alt: parts.portrait.getAttribute("alt"),
      description: parts.description.textContent,
      tieHidden: parts.tie.hidden,
      strengthHidden: parts.strength.hidden,
      value: parts.value.textContent,
      words: parts.words.textContent,
      figureHidden: parts.figure.hidden,
      meter: parts.meter.getAttribute("value"),
      sentenceHidden: parts.sentence.hidden,
      band: main.dataset.band
    };
  }
  var cards = Array.prototype.slice.call(document.querySelectorAll(".runner-card"));

  function restore() {
    if (!original) return;
    parts.eyebrow.textContent = original.eyebrow;
    parts.name.textContent = original.name;
    parts.portrait.src = original.portrait;
    parts.portrait.alt = original.alt;
    parts.description.textContent = original.description;
    parts.tie.hidden = original.tieHidden;
    parts.strength.hidden = original.strengthHidden;
    parts.value.textContent = original.value;
    parts.words.textContent = original.words;
    parts.figure.hidden = original.figureHidden;
    parts.meter.hidden = original.figureHidden;
    parts.meter.value = original.meter;
    parts.sentence.hidden = original.sentenceHidden;
    parts.restore.hidden = true;
    main.classList.remove("is-preview");
    main.dataset.band = original.band;
    cards.forEach(function (card) { card.setAttribute("aria-pressed", "false"); });
  }

  function preview(card) {
    parts.eyebrow.textContent = card.dataset.label;
    parts.name.textContent = card.dataset.name;
    parts.portrait.src = card.dataset.portrait;
    parts.portrait.alt = card.dataset.name;
    parts.description.textContent = card.dataset.description;
    parts.tie.hidden = true;
    parts.sentence.hidden = true;  // the sentence is about the top hero only
    // Words first; the number only where the page shows one (data-strength).
    parts.strength.hidden = !card.dataset.words;
    parts.words.textContent = card.dataset.words;
    parts.figure.hidden = !card.dataset.strength;
    parts.meter.hidden = !card.dataset.strength;
    if (card.dataset.strength) {
      parts.value.textContent = card.dataset.strength;
      parts.meter.value = card.dataset.strength;
    }
    parts.restore.hidden = false;
    main.classList.add("is-preview");
    main.dataset.band = "preview";
    cards.forEach(function (other) { other.setAttribute("aria-pressed", other === card ? "true" : "false"); });
  }

  cards.forEach(function (card) {
    card.addEventListener("click", function () {
      if (!original) return;
      if (card.getAttribute("aria-pressed") === "true") {
        restore();
      } else {
        preview(card);
        if (main.getBoundingClientRect().top < 0) main.scrollIntoView({ block: "start" });
      }
    });
  });
  var restoreButton = byId("restore-top");
  if (restoreButton) restoreButton.addEventListener("click", restore);

  // --- copy buttons
  function copyText(text, field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      if (!field) { reject(new Error("no field")); return; }
      field.select();
      try { document.execCommand("copy") ? resolve() : reject(new Error("copy refused")); }
      catch (error) { reject(error); }
    });
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = byId(button.dataset.copy);
      field.select();
      copyText(field.value, field).then(function () { button.textContent = button.dataset.copied; }, function () {});
    });
  });

  // --- share: make the link in the background, then share or copy it
  var form = byId("share-form");
  if (!form || !window.fetch) return;
  var status = byId("share-status");
  var linkRow = byId("share-link-row");
  var urlField = byId("share-url");
  var button = byId("share-button");

  function makeLink() {
    // form.action would be the hidden input named "action", not the URL
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.ok) return response.json();
      // The server's words when it has some ({"error": message, "code"}).
      return response.json().catch(function () { return {}; }).then(function (reply) {
        var failure = new Error("HTTP " + response.status);
        failure.said = reply && reply.error;
        throw failure;
      });
    });
  }

  function cardFile(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.blob();
    }).then(function (blob) {
      return new File([blob], "mylittlehero.png", { type: "image/png" });
    });
  }

  function showLink(url) {
    urlField.value = url;
    linkRow.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    status.textContent = "";
    var title = form.dataset.title;
    makeLink().then(function (data) {
      showLink(data.share_url);
      var canShare = typeof navigator.share === "function";
      var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
      if (!(canShare && touch)) {
        return copyText(data.share_url, urlField).then(function () {
          status.textContent = form.dataset.copied;
        }, function () {
          urlField.select();
        });
      }
      return cardFile(data.card_url).then(function (file) {
        var withFile = { title: title, text: title, url: data.share_url, files: [file] };
        if (navigator.canShare && navigator.canShare(withFile)) return navigator.share(withFile);
        return navigator.share({ title: title, text: title, url: data.share_url });
      }, function () {
        return navigator.share({ title: title, text: title, url: data.share_url });
      }).catch(function (error) {
        if (error && error.name === "AbortError") return;  // the person closed the sheet
        return copyText(data.share_url, urlField).then(function () {
          status.textContent = form.dataset.copied;
        }, function () {});
      });
    }, function (error) {
      status.textContent = (error && error.said) || form.dataset.failed;
    }).then(function () {
      button.disabled = false;
    });
  });
})();
