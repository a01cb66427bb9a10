// Icon glyphs (Material Symbols ligatures such as "more_horiz", "rocket_launch") are text, so a
// screen reader would read their names aloud. Hide them from assistive technology; a control
// left without a name gets its title or a name for the icon. Unfold has no switch for this.
(function () {
  "use strict";
  var SELECTOR = ".material-symbols-outlined:not([aria-hidden])";
  // Names for Unfold's icon-only controls that carry no title.
  var LABELS = {
    search: "Search", add: "Add", close: "Close", menu: "Menu", more_horiz: "More actions",
    more_vert: "More", filter_list: "Filters", expand_more: "Expand", chevron_left: "Back",
    arrow_back: "Back", light_mode: "Theme", dark_mode: "Theme", computer: "Theme", logout: "Sign out"
  };

  // Unfold uses <a> without href as click targets: make them buttons a keyboard can press.
  function asButton(control) {
    if (control.tagName !== "A" || control.hasAttribute("href")) return;
    control.setAttribute("role", "button");
    control.setAttribute("tabindex", "0");
    control.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); control.click(); }
    });
  }

  function nameFor(control, glyph) {
    if (control.getAttribute("title")) return control.getAttribute("title");
    if (control.tagName === "A" && control.getAttribute("href") === "/admin/") return "Dashboard";
    return LABELS[glyph] || glyph.replace(/_/g, " ");
  }

  function silence(root) {
    if (!root.querySelectorAll) return;
    var icons = root.matches && root.matches(SELECTOR) ? [root] : [];
    icons = icons.concat(Array.prototype.slice.call(root.querySelectorAll(SELECTOR)));
    icons.forEach(function (icon) {
      icon.setAttribute("aria-hidden", "true");
      var control = icon.closest("a, button, [role=button]");
      var glyph = icon.textContent.trim();
      if (control) asButton(control);
      if (control && !control.textContent.replace(icon.textContent, "").trim() &&
          !control.getAttribute("aria-label") && !control.getAttribute("aria-labelledby")) {
        control.setAttribute("aria-label", nameFor(control, glyph));
      }
    });
  }

  function start() {
    silence(document.body);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) { if (node.nodeType === 1) silence(node); });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
