// The check-in's steppers: − and + buttons beside a number (or an amount of water) so a usual
// day needs no keyboard. Without this script the fields are typed as usual.
(function () {
  var GLASS_ML = 250;
  var UNITS = { ml: 1, l: 1000, litre: 1000, litres: 1000, liter: 1000, liters: 1000,
    glass: GLASS_ML, glasses: GLASS_ML, gl: GLASS_ML };

  // The amount in the field, or null when it is blank or not a plain amount we can step from.
  function read(input) {
    var text = input.value.trim().toLowerCase().replace(",", ".");
    if (!text) return null;
    var match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(text);
    if (!match) return NaN;
    var amount = parseFloat(match[1]);
    if (input.dataset.stepperUnit !== "ml") return match[2] ? NaN : amount;
    var unit = match[2] || "ml";
    return unit in UNITS ? amount * UNITS[unit] : NaN;
  }

  function write(input, value) {
    if (input.dataset.stepperUnit === "ml") {
      input.value = Math.round(value) + " ml";
    } else {
      input.value = String(Math.round(value * 10) / 10);
    }
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function glasses(input, output) {
    var ml = read(input);
    output.textContent = ml === null || isNaN(ml) ? "" :
      "= " + Math.round(ml / GLASS_ML * 10) / 10 + " glass" + (ml === GLASS_ML ? "" : "es");
  }

  function button(label, name) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-outline-primary stepper-button";
    element.textContent = label;
    element.setAttribute("aria-label", name);
    return element;
  }

  document.querySelectorAll("input[data-stepper]").forEach(function (input) {
    var step = parseFloat(input.dataset.stepper);
    var start = parseFloat(input.dataset.stepperStart);
    var min = parseFloat(input.dataset.stepperMin);
    var max = parseFloat(input.dataset.stepperMax);
    var label = document.querySelector("label[for='" + input.id + "']");
    var name = label ? label.textContent.replace("*", "").trim() : input.name;
    var unit = input.dataset.stepperUnit === "ml" ? "a glass" : step;
    var less = button("−", name + ": " + (unit === "a glass" ? "a glass less" : "less by " + step));
    var more = button("+", name + ": " + (unit === "a glass" ? "a glass more" : "more by " + step));
    var group = document.createElement("div");
    group.className = "input-group stepper";
    input.parentNode.insertBefore(group, input);
    group.appendChild(less);
    group.appendChild(input);
    group.appendChild(more);
    input.classList.add("text-center");

    function change(direction) {
      var value = read(input);
      if (isNaN(value)) return; // typed text we can't step from: leave it to the server
      // A blank field's first tap lands on a usual amount (or one step below it).
      var next = value === null ? (direction > 0 ? start : start - step) : value + direction * step;
      write(input, Math.min(max, Math.max(min, next)));
    }
    less.addEventListener("click", function () { change(-1); });
    more.addEventListener("click", function () { change(1); });

    if (input.dataset.stepperUnit === "ml") {
      var output = document.createElement("output");
      output.className = "form-text d-block stepper-glasses";
      output.setAttribute("aria-live", "polite");
      output.setAttribute("for", input.id);
      group.parentNode.insertBefore(output, group.nextSibling);
      input.addEventListener("input", function () { glasses(input, output); });
      glasses(input, output);
    }
  });
})();
