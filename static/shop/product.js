// The product page: "Use my current location" fills in the coordinates and sends the form.
(function () {
  var button = document.getElementById("locate");
  if (!("geolocation" in navigator) || !button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var form = button.form;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(5);
      form.elements.lon.value = position.coords.longitude.toFixed(5);
      form.elements.near.value = "";
      form.submit();
    }, function () {
      button.disabled = false;
      document.getElementById("locate-error").hidden = false;
    }, {timeout: 10000, maximumAge: 600000});
  });
})();
