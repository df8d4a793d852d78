// Alongside: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var exitUrl = document.body.getAttribute("data-quick-exit");
  function leave() {
    // replace(): the back button should not bring the person back here.
    try { document.body.style.display = "none"; } catch (e) { /* ignore */ }
    window.location.replace(exitUrl);
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1500) { leave(); }
    lastEscape = now;
  });
  var button = document.getElementById("quick-exit");
  if (button) {
    button.addEventListener("click", function (event) { event.preventDefault(); leave(); });
  }
  // Wide charts scroll sideways on a phone: start at the most recent days.
  Array.prototype.forEach.call(document.querySelectorAll(".scroll-x"), function (el) {
    el.scrollLeft = el.scrollWidth;
  });
  // Offer the browser's time zone on the profile page.
  var suggest = document.getElementById("tz-suggest");
  var select = document.getElementById("id_time_zone");
  if (suggest && select && window.Intl) {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && select.value !== tz && select.querySelector('option[value="' + tz + '"]')) {
      suggest.querySelector("[data-tz]").textContent = tz.replace(/_/g, " ");
      suggest.hidden = false;
      suggest.querySelector("[data-use-tz]").addEventListener("click", function () {
        select.value = tz;
        suggest.hidden = true;
      });
    }
  }
})();
