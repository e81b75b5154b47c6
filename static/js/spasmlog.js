// Small behaviours shared by every page. No inline scripts anywhere: a strict CSP stays possible.
(function () {
  // Pre-select the device's time zone on a blank form (the form marks only a fresh select, so
  // a zone the person already picked survives a form sent back with an error).
  document.querySelectorAll("select[data-detect-time-zone]").forEach(function (select) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
    if (option) select.value = zone;
  });

  // Show the number next to a range input (intensity, stress) as it moves.
  document.querySelectorAll("input[type=range][data-show-value]").forEach(function (range) {
    var output = document.getElementById(range.dataset.showValue);
    if (!output) return;
    var update = function () { output.textContent = range.value; };
    range.addEventListener("input", update);
    update();
  });
})();
