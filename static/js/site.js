/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Forms marked data-once: a second click while the first request runs does nothing
  // (the server refuses a repeated transition anyway; this just spares the round trip).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.classList.add("is-busy"); });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll(".is-busy").forEach(function (b) { b.classList.remove("is-busy"); });
    });
  });

  // Application form: offer only the levels of the chosen scheme. Without script the options
  // read "<scheme>: <level>"; once filtered, the scheme is already chosen above, so the options
  // read just "<level>".
  function filterLevels() {
    var scheme = document.getElementById("id_scheme");
    var level = document.getElementById("id_requested_level");
    if (!scheme || !level) return;
    var chosen = scheme.options[scheme.selectedIndex];
    var prefix = chosen && chosen.value ? chosen.text + ": " : null;
    var visible = 0;
    Array.prototype.forEach.call(level.options, function (opt) {
      if (opt.dataset.full === undefined) opt.dataset.full = opt.text;
      var full = opt.dataset.full;
      var show = !opt.value || (prefix !== null && full.indexOf(prefix) === 0);
      opt.hidden = !show;
      opt.disabled = !show;
      opt.text = show && opt.value ? full.slice(prefix.length) : full;
      if (show && opt.value) visible += 1;
    });
    if (level.selectedOptions.length && level.selectedOptions[0].disabled) level.value = "";
    level.closest(".field").classList.toggle("no-levels", prefix !== null && visible === 0);
  }
  // Fields that only some kinds of application have (the current certificate number): hidden
  // for the others, unless they carry an error to fix.
  function toggleKindFields() {
    var kind = document.getElementById("id_kind");
    if (!kind) return;
    document.querySelectorAll("[data-kinds]").forEach(function (el) {
      var wanted = el.dataset.kinds.split(" ").indexOf(kind.value) !== -1;
      el.hidden = !wanted && !el.querySelector(".errorlist");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var kind = document.getElementById("id_kind");
    if (kind) { kind.addEventListener("change", toggleKindFields); toggleKindFields(); }
    var scheme = document.getElementById("id_scheme");
    if (scheme) { scheme.addEventListener("change", filterLevels); filterLevels(); }
  });
})();
