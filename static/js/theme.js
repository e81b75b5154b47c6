// Follow the system's light or dark mode: most cramps are logged at night.
// Loaded in <head> (not deferred) so the first paint already has the right colours.
(function () {
  var query = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", query.matches ? "dark" : "light");
  }
  apply();
  query.addEventListener("change", apply);
})();
