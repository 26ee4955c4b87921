// Live availability: the store list follows the quantities as they are typed.
(function () {
  const form = document.getElementById("exchange-form");
  const box = document.getElementById("replacement-stores");
  let timer;
  function refresh() {
    const params = new URLSearchParams();
    form.querySelectorAll("input.hotline-quantity").forEach(function (input) {
      params.set(input.name, input.value || "0");
    });
    const chosen = form.querySelector("input[name=replacement_store]:checked");
    if (chosen) { params.set("replacement_store", chosen.value); }
    fetch(box.dataset.url + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { box.innerHTML = html; } });
  }
  form.querySelectorAll("input.hotline-quantity").forEach(function (input) {
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 250); });
  });
  // A second click while the first submit is on its way must not open a second exchange.
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.name !== "refresh") {
      form.querySelectorAll("input[type=submit]").forEach(function (button) { button.disabled = true; });
    }
  });
})();
