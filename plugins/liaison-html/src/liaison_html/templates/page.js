/* liaison-html: the language switch and the detail panel. The details are in the page already
   (#store, rendered and escaped with it); this script only copies them into the panel. */
(function () {
  "use strict";
  var root = document.documentElement;
  var panel = document.getElementById("panel");
  var body = document.getElementById("panel-body");
  var pinned = false;

  function setLang(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang === "en" ? "en" : "zh-CN");
    var heading = document.querySelector("h1");
    var shown = heading.querySelector("." + lang) || heading;
    document.title = shown.textContent;
  }

  function copy(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    var clone = node.cloneNode(true);
    clone.removeAttribute("id");
    return clone;
  }

  function show(key) {
    var source = document.getElementById(key);
    if (!source) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(copy(key));
    (source.getAttribute("data-p") || "").split(" ").forEach(function (id) {
      var provision = id ? copy(id) : null;
      if (provision) { body.appendChild(provision); }
    });
    panel.hidden = false;
    root.setAttribute("data-shown", key);
  }

  function hide() {
    panel.hidden = true;
    pinned = false;
    root.removeAttribute("data-shown");
  }

  function target(event) {
    return event.target.closest ? event.target.closest("[data-show]") : null;
  }

  document.addEventListener("click", function (event) {
    var found = target(event);
    if (found && !panel.contains(found)) {
      show(found.getAttribute("data-show"));
      pinned = true;
    } else if (event.target.closest("#panel-close")) {
      hide();
    } else if (event.target.closest("#lang-switch")) {
      setLang(root.getAttribute("data-lang") === "en" ? "zh" : "en");
    } else if (event.target.closest("#print-page")) {
      window.print();
    }
  });
  function preview(event) {
    var found = target(event);
    if (!pinned && found && !panel.contains(found)) { show(found.getAttribute("data-show")); }
  }
  document.addEventListener("mouseover", preview);
  document.addEventListener("focusin", preview);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); }
    var found = target(event);
    if (found && (event.key === "Enter" || event.key === " ") && found.tagName !== "BUTTON") {
      show(found.getAttribute("data-show"));
      pinned = true;
      event.preventDefault();
    }
  });

  /* #lang=en&show=d-3 opens the page in English with a detail shown (links, screenshots) */
  location.hash.replace(/^#/, "").split("&").forEach(function (part) {
    var pair = part.split("=");
    if (pair[0] === "lang" && (pair[1] === "zh" || pair[1] === "en")) { setLang(pair[1]); }
    if (pair[0] === "show" && /^[dbf]-[0-9]+$/.test(pair[1] || "")) { show(pair[1]); pinned = true; }
  });
  root.setAttribute("data-marks", String(document.querySelectorAll("#year .mark").length));
  root.setAttribute("data-cells", String(document.querySelectorAll(".heatmap .hm-cell").length));
  root.setAttribute("data-ready", "1");
}());
