// The checkout page.
// A refused order: the summary of what to correct comes into view first, read out by a screen
// reader, each item a link to its field.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
// One order per tap: a second tap while the first is on its way would place a second order.
document.querySelector("form.checkout").addEventListener("submit", function (event) {
  event.target.querySelector("button[type=submit]").disabled = true;
});
// The account fields belong to direct debit only.
(function () {
  var form = document.querySelector("form.checkout");
  var sepa = document.getElementById("sepa-fields");
  function show() { sepa.hidden = form.elements.payment_method.value !== "sepa_debit"; }
  form.addEventListener("change", function (event) {
    if (event.target.name === "payment_method") { show(); }
  });
  show();
})();
// Stock, ready-by time and pickup times belong to the chosen store: show those of the new one.
document.getElementById("id_store").addEventListener("change", function (event) {
  var form = event.target.form;
  var query = new URLSearchParams({store: event.target.value, quantity: form.elements.quantity.value});
  if (form.elements.campaign.value) { query.set("campaign", form.elements.campaign.value); }
  window.location.search = query.toString();
});
