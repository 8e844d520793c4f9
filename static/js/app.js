/* ConsultTeam: small progressive enhancements for pages that load htmx. Served as a file:
   the Content-Security-Policy allows no inline script. Every page works without it. */
(function () {
  "use strict";

  // htmx leaves 4xx answers unswapped by default. Ours (400: a field needs changing; 409:
  // someone else saved first) are the failed form itself, with what was typed and why, so
  // show them in place like any other answer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // htmx puts keyboard focus back on an element whose id survives the swap (the button just
  // pressed). When that element is gone (a removed link), focus the place the answer marks,
  // so a keyboard or screen-reader user is not dropped at the top of the page.
  document.addEventListener("htmx:afterSettle", function () {
    var marked = document.querySelectorAll("[data-autofocus]");
    var active = document.activeElement;
    var lost = !active || active === document.body || !document.body.contains(active);
    if (lost && marked.length) {
      marked[0].focus();
    }
    marked.forEach(function (element) {
      element.removeAttribute("data-autofocus");
    });
  });
})();
