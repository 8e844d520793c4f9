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

  // The text checks, live while typing. A field marked `data-text-check="<url>"` is sent to
  // the check (POST /api/v1/text-checks/) once the person pauses typing; what it finds is
  // shown under the field in a polite live region: the words, the behavioural reframe naming
  // the assumption or agreement, and for an identifier a clear warning. Nothing is stored.
  // Offsets count Unicode code points, so the text is sliced with Array.from.
  var PAUSE_MS = 600;
  var timers = new WeakMap();
  var asked = new WeakMap();
  var teamRefused = false;

  function csrfToken(field) {
    var holder = (field.form && field.form.querySelector("[name=csrfmiddlewaretoken]")) ||
      document.querySelector("[name=csrfmiddlewaretoken]");
    return holder ? holder.value : "";
  }

  function teamOf(field) {
    var chosen = field.form && field.form.querySelector("select[name=team]");
    if (chosen && chosen.value) {
      return chosen.value;
    }
    var meta = document.querySelector('meta[name="text-check-team"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function regionFor(field) {
    var id = (field.id || field.name) + "-text-check";
    var region = document.getElementById(id);
    if (!region) {
      region = document.createElement("div");
      region.id = id;
      region.className = "text-check-live";
      region.setAttribute("aria-live", "polite");
      var place = field.closest(".field") || field;
      place.insertAdjacentElement("afterend", region);
    }
    return region;
  }

  function paragraph(className, parts) {
    var p = document.createElement("p");
    p.className = className;
    parts.forEach(function (part) {
      if (typeof part === "string") {
        p.appendChild(document.createTextNode(part));
      } else {
        p.appendChild(part);
      }
    });
    return p;
  }

  function words(text, flag) {
    var mark = document.createElement("mark");
    mark.textContent = Array.from(text).slice(flag.start, flag.end).join("");
    return mark;
  }

  function show(field, text, flags) {
    var region = regionFor(field);
    region.textContent = "";
    flags.forEach(function (flag) {
      if (flag.check === "identifier") {
        region.appendChild(paragraph("text-check-identifier", [
          "Warning: this may identify a client (“", words(text, flag), "”). ",
          flag.suggestion, " Remove it, or you will be asked for a reason to save it.",
        ]));
      } else {
        region.appendChild(paragraph("text-check-language", [
          "“", words(text, flag), "”: ", flag.suggestion,
        ]));
      }
    });
  }

  function check(field) {
    var text = field.value;
    if (!text.trim()) {
      show(field, text, []);
      return;
    }
    var seq = (asked.get(field) || 0) + 1;
    asked.set(field, seq);
    var body = { text: text };
    var team = teamRefused ? "" : teamOf(field);
    if (team) {
      body.team = team;
    }
    fetch(field.getAttribute("data-text-check"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken(field),
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (response.status === 404 && team) {
        teamRefused = true; // not a member of this team (a co-therapist): the defaults only
        check(field);
        return null;
      }
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (result && asked.get(field) === seq && field.value === text) {
        show(field, text, result.flags || []);
      }
    }).catch(function () {
      // The live check is a help, not a gate: the save runs the same check.
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLElement) || !field.hasAttribute("data-text-check")) {
      return;
    }
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(function () { check(field); }, PAUSE_MS));
  });
})();
