// The pick list's "Print" button (a script file: the Content-Security-Policy allows no inline handler).
(function () {
  var button = document.getElementById("cc-print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
