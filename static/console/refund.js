// The courier fields matter only when a courier collects; a second click opens nothing twice.
(function () {
  const form = document.getElementById("refund-form");
  const courier = document.getElementById("step-courier");
  function follow() {
    const chosen = form.querySelector("input[name=how]:checked");
    courier.hidden = chosen !== null && chosen.value === "store";
  }
  form.querySelectorAll("input[name=how]").forEach(function (input) { input.addEventListener("change", follow); });
  follow();
  form.addEventListener("submit", function () {
    form.querySelectorAll("input[type=submit]").forEach(function (button) { button.disabled = true; });
  });
})();
