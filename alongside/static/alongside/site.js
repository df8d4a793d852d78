// Alongside: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var exitUrl = document.body.getAttribute("data-quick-exit");
  var exitForm = document.getElementById("quick-exit-form");
  function leave() {
    try { document.body.style.display = "none"; } catch (e) { /* ignore */ }
    // A check-in kept while offline (offline.js) stays on no borrowed phone.
    try { localStorage.removeItem("alongside-offline-checkin"); } catch (e) { /* ignore */ }
    // Tell the server first (sign out, or lock the session, as the person chose), in the
    // background so leaving is not delayed; the page without JavaScript posts the form.
    try {
      if (exitForm && navigator.sendBeacon) {
        var data = new FormData(exitForm);
        data.append("beacon", "1");  // answered with "204 No Content", not the redirect
        navigator.sendBeacon(exitForm.action, data);
      }
    } catch (e) { /* leave anyway */ }
    // replace(): this page is swapped for the other site in the history.
    window.location.replace(exitUrl);
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1500) { leave(); }
    lastEscape = now;
  });
  if (exitForm) {
    exitForm.addEventListener("submit", function (event) { event.preventDefault(); leave(); });
  }
  // A page brought back from the browser's back/forward cache is asked for again, so a
  // session signed out or locked by a quick exit shows nothing from before.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  // Wide charts (and the table of days) scroll sideways on a phone: start at the most
  // recent days. A table of people starts at its first columns, the ones read first.
  // A heat-map that is only a little too wide (a week-by-week one on a small phone)
  // shrinks a touch to fit, labels and squares alike; a wider one starts at its latest
  // days with a whole column first beside the row labels, and the first date, which
  // would show cut, is hidden (each square still says its date).
  Array.prototype.forEach.call(document.querySelectorAll(".scroll-x > .heat"), function (heat) {
    var box = heat.parentNode;
    var svgs = heat.querySelectorAll("svg");
    var squares = svgs[svgs.length - 1];
    var cells = squares.querySelectorAll("rect.cell");
    var over = box.scrollWidth - box.clientWidth;
    if (over <= 0 || svgs.length < 2 || cells.length < 2) { return; }
    var fit = box.clientWidth / box.scrollWidth;
    if (fit >= 0.92) {
      Array.prototype.forEach.call(svgs, function (svg) {
        svg.style.width = (svg.getBoundingClientRect().width * fit - 0.5) + "px";
        svg.style.height = "auto";
      });
      return;
    }
    var step = cells[1].x.baseVal.value - cells[0].x.baseVal.value;
    var shift = step > 0 ? Math.ceil(over / step) * step : over;
    heat.style.paddingRight = (shift - over) + "px";
    box.scrollLeft = shift;
    var first = squares.querySelector("text.axis");
    if (first && first.getBBox().width + first.getBBox().x > shift) {
      first.style.visibility = "hidden";
    }
  });
  var wide = ".scroll-x:not(:has(> table:not(.compliance-days))):not(:has(> .heat))";
  Array.prototype.forEach.call(document.querySelectorAll(wide), function (el) {
    el.scrollLeft = el.scrollWidth;
  });
  // The table of days, started at its latest days, shows its first visible day whole
  // beside the sticky study IDs (never "ay 3" half under them).
  Array.prototype.forEach.call(document.querySelectorAll(".scroll-x > table.compliance-days"), function (table) {
    var box = table.parentNode;
    var head = table.querySelectorAll("thead th");
    if (head.length < 2 || box.scrollWidth <= box.clientWidth) { return; }
    var left = box.scrollLeft + head[0].getBoundingClientRect().width;
    for (var i = 1; i < head.length; i++) {
      var shift = table.offsetLeft + head[i].offsetLeft - left;
      if (shift >= -0.5) {
        if (shift > 0.5) {
          box.style.paddingRight = shift + "px";
          box.scrollLeft = box.scrollWidth;
        }
        break;
      }
    }
  });
  // A sub-menu that scrolls sideways on a phone shows the page's own pill.
  Array.prototype.forEach.call(document.querySelectorAll(".subnav-scroll"), function (nav) {
    var here = nav.querySelector("[aria-current]");
    if (here && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = here.offsetLeft - (nav.clientWidth - here.offsetWidth) / 2;
    }
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
