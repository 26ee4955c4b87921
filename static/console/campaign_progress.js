// The bar follows the workers while the campaign is being sent.
(function () {
  var box = document.getElementById("campaign-progress");
  if (!box) { return; }
  function refresh() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (answer) {
      return answer.json();
    }).then(function (data) {
      box.querySelector(".cc-progress-bar").style.width = data.percent + "%";
      box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", data.percent);
      ["percent", "sent", "skipped", "failed", "total"].forEach(function (name) {
        box.querySelector("[data-field=" + name + "]").textContent = data[name];
      });
      if (data.state === "scheduled" || data.state === "sending") { setTimeout(refresh, 2000); }
    }).catch(function () { setTimeout(refresh, 5000); });
  }
  if (box.dataset.running === "true") { setTimeout(refresh, 2000); }
})();
