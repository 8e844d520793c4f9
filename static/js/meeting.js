/* ConsultTeam: the run page's timer. Served as a file (the CSP allows no inline script).
   Counts from when this item was first shown in this browser tab (kept in sessionStorage, so
   saving minutes or an action does not reset it) and shows elapsed against the time box.
   Without script the page shows the time box alone. */
(function () {
  "use strict";

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function startedAt(item) {
    var key = "meeting-timer-" + item;
    var now = Date.now();
    try {
      var stored = parseInt(window.sessionStorage.getItem(key) || "", 10);
      if (stored && stored <= now) {
        return stored;
      }
      window.sessionStorage.setItem(key, String(now));
    } catch (e) {
      // Storage refused (private mode): count from this page load.
    }
    return now;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.querySelector("[data-timer]");
    if (!timer) {
      return;
    }
    var output = timer.querySelector(".timer-elapsed");
    var over = timer.querySelector(".timer-over");
    var box = parseInt(timer.getAttribute("data-minutes"), 10) * 60;
    var start = startedAt(timer.getAttribute("data-item"));
    timer.hidden = false;

    function elapsed() {
      return Math.max(0, Math.floor((Date.now() - start) / 1000));
    }

    function tick() {
      var seconds = elapsed();
      output.textContent = format(seconds);
      var past = seconds > box;
      timer.classList.toggle("timer-past", past);
      over.hidden = !past;
    }

    tick();
    window.setInterval(tick, 1000);

    // "Discussed" without minutes typed: the timer's count (rounded up) is what it took.
    var minutes = document.querySelector("[data-timer-minutes]");
    if (minutes && minutes.form) {
      minutes.form.addEventListener("submit", function () {
        if (!minutes.value) {
          minutes.value = String(Math.max(1, Math.ceil(elapsed() / 60)));
        }
      });
    }
  });
})();
