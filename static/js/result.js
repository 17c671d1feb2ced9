// Result page: a runner-up card swaps into the main spot; copy the share link.
(function () {
  "use strict";
  var main = {
    name: document.getElementById("main-name"),
    percent: document.getElementById("main-percent"),
    description: document.getElementById("main-description"),
    portrait: document.getElementById("main-portrait")
  };
  document.querySelectorAll(".runner-card").forEach(function (card) {
    card.addEventListener("click", function () {
      if (!main.name) return;
      var current = {
        name: main.name.textContent,
        percent: main.percent.textContent,
        description: main.description.textContent,
        portrait: main.portrait.getAttribute("src")
      };
      main.name.textContent = card.dataset.name;
      main.percent.textContent = card.dataset.percent;
      main.description.textContent = card.dataset.description;
      main.portrait.src = card.dataset.portrait;
      main.portrait.alt = card.dataset.name;
      card.dataset.name = current.name;
      card.dataset.percent = current.percent;
      card.dataset.description = current.description;
      card.dataset.portrait = current.portrait;
      card.querySelector(".runner-name").textContent = current.name;
      card.querySelector(".runner-score").textContent = current.percent + "%";
      card.querySelector("img").src = current.portrait;
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      field.select();
      var done = function () { button.textContent = button.dataset.copied; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
