// Follow the system's light or dark mode: most cramps are logged at night.
// Loaded in <head> (not deferred) so the first paint already has the right colours.
// A theme chosen on the account page is already in the HTML (data-theme-chosen): keep it.
(function () {
  if (document.documentElement.hasAttribute("data-theme-chosen")) return;
  var query = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", query.matches ? "dark" : "light");
  }
  apply();
  query.addEventListener("change", apply);
})();
