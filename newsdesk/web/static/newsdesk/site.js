// Enhancements only: every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function isDark() {
    return root.dataset.theme ? root.dataset.theme === "dark" : systemDark.matches;
  }

  function setUpThemeToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var show = function () { button.setAttribute("aria-pressed", String(isDark())); };
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var theme = isDark() ? "light" : "dark";
      root.dataset.theme = theme;
      try { localStorage.setItem("newsdesk-theme", theme); } catch (error) { /* kept for this page only */ }
      show();
    });
    systemDark.addEventListener("change", show);
  }

  // j/k move between the items of a list (stories, coverage), o opens the current one.
  var current = -1;

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-nav-item]"));
  }

  function primaryLink(item) {
    return item.querySelector("h2 a, h3 a, a");
  }

  function move(step) {
    var all = items();
    if (!all.length) return;
    var focused = all.findIndex(function (item) { return item.contains(document.activeElement); });
    if (focused >= 0) current = focused;
    current = Math.min(Math.max(current + step, 0), all.length - 1);
    all.forEach(function (item, index) { item.classList.toggle("is-current", index === current); });
    var link = primaryLink(all[current]);
    if (link) link.focus();
    all[current].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(current < 0 ? 1 : -1); event.preventDefault(); }
    else if (event.key === "o") {
      var all = items();
      var link = current >= 0 && all[current] ? primaryLink(all[current]) : null;
      if (link) { window.location.assign(link.href); event.preventDefault(); }
    }
  });

  // After htmx adds more stories, keyboard and screen-reader users land on the first new one.
  document.addEventListener("htmx:beforeRequest", function () { document.body.dataset.itemsBefore = String(items().length); });
  document.addEventListener("htmx:afterSettle", function () {
    var before = Number(document.body.dataset.itemsBefore || 0);
    var first = items()[before];
    if (first && primaryLink(first)) { current = before; primaryLink(first).focus(); }
  });

  // A publisher image that could not be fetched leaves no broken-image box behind.
  function proxied(image) {
    return image.tagName === "IMG" && (image.getAttribute("src") || "").indexOf("/img/?") === 0;
  }
  document.addEventListener("error", function (event) {
    if (proxied(event.target)) event.target.remove();
  }, true);
  Array.prototype.forEach.call(document.images, function (image) {
    if (proxied(image) && image.complete && image.naturalWidth === 0 && image.loading !== "lazy") image.remove();
  });

  setUpThemeToggle();
})();
