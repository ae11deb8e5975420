// Runs before the page paints: apply the theme the reader chose, if any (no flash of the other one).
(function () {
  try {
    var chosen = localStorage.getItem("newsdesk-theme");
    if (chosen === "dark" || chosen === "light") document.documentElement.dataset.theme = chosen;
  } catch (error) { /* storage blocked: follow the system */ }
})();
