/* xunjian elder-friendly (适老化) probe: measurements the checks in checks/elder.py judge.
 * Runs in the audited page after load. Records facts only; thresholds live in
 * config/rules.yaml (a11y.elder) so a stored run can be re-judged.
 *   mode "measure": text sizes, overlays (pop-ups, floating ads), viewport, blocked dialogs
 *   mode "prepare": snapshot unfocused styles of focusable elements, listen to focusin
 *   mode "walk":    after the Tab presses: focus visibility and navigation reachability
 */
return (function (mode, navSelectors) {
  "use strict";
  function cssPath(el) {
    if (!el || el.nodeType !== 1) return "";
    if (el.id && document.querySelectorAll("#" + CSS.escape(el.id)).length === 1) return "#" + CSS.escape(el.id);
    var parts = [];
    while (el && el.nodeType === 1 && el !== document.documentElement) {
      var part = el.tagName.toLowerCase();
      if (el.id && document.querySelectorAll("#" + CSS.escape(el.id)).length === 1) { parts.unshift("#" + CSS.escape(el.id)); break; }
      var parent = el.parentElement;
      if (parent) {
        var same = Array.prototype.filter.call(parent.children, function (c) { return c.tagName === el.tagName; });
        if (same.length > 1) part += ":nth-of-type(" + (same.indexOf(el) + 1) + ")";
      }
      parts.unshift(part);
      el = parent;
    }
    return parts.join(" > ");
  }
  function snippet(el) { return (el.outerHTML || "").slice(0, 200); }
  var FOCUS_PROPS = ["outline-style", "outline-width", "outline-color", "box-shadow", "border-top-color",
    "border-bottom-color", "border-left-color", "border-right-color", "border-top-width", "border-bottom-width",
    "background-color", "color", "text-decoration-line", "text-decoration-style"];
  function focusStyle(el) {
    var s = getComputedStyle(el);
    return FOCUS_PROPS.map(function (p) { return s.getPropertyValue(p); }).join("|");
  }
  function navContainer() {
    for (var i = 0; i < navSelectors.length; i++) {
      try {
        var found = Array.prototype.filter.call(document.querySelectorAll(navSelectors[i]), function (n) {
          return n.querySelectorAll("a, button, [onclick], [role=menuitem], [role=link]").length >= 2;
        });
        if (found.length) return {el: found[0], selector: navSelectors[i]};
      } catch (e) { /* a bad selector in the profile skips to the next */ }
    }
    return null;
  }
  function walkResult() {
    // keyboard walk
    var walk = (st.walk || []).map(function (s) {
      return {selector: cssPath(s.el), html: snippet(s.el), changed: s.changed,
              in_nav: false, _el: s.el};
    });
    var nav = navContainer(), navInfo = null;
    if (nav) {
      var reached = new Set((st.walk || []).map(function (s) { return s.el; }));
      var lastReached = st.walk && st.walk.length ? st.walk[st.walk.length - 1].el : null;
      var items = Array.prototype.filter.call(
        nav.el.querySelectorAll("a, button, [onclick], [role=menuitem], [role=link], [role=button]"),
        function (it) { return it.getClientRects().length && !(it.parentElement && it.parentElement.closest("a, button") && it.parentElement.closest("a, button") !== it); });
      var unreached = [], unverified = 0;
      items.forEach(function (it) {
        if (reached.has(it) || Array.prototype.some.call(it.querySelectorAll("a, button"), function (c) { return reached.has(c); })) return;
        // only a skipped item is a defect: the walk went past it (or wrapped) without stopping there
        var passed = lastReached && (it.compareDocumentPosition(lastReached) & Node.DOCUMENT_POSITION_FOLLOWING);
        if (passed || st.wrapped) {
          unreached.push({selector: cssPath(it), html: snippet(it), text: (it.textContent || "").trim().slice(0, 40)});
        } else { unverified += 1; }
      });
      walk.forEach(function (w) { w.in_nav = nav.el.contains(w._el); });
      navInfo = {selector: nav.selector, items: items.length, unreached: unreached, unverified: unverified};
    }
    walk.forEach(function (w) { delete w._el; });
    return {keyboard: {steps: walk.length, wrapped: !!st.wrapped, walk: walk.slice(0, 200)}, nav: navInfo};
  }
  var st = window.__xunjianProbe = window.__xunjianProbe || {};
  if (mode === "prepare") {
    // a focus style that fades in would read as "unchanged" at focusin time: freeze transitions
    var freeze = document.createElement("style");
    freeze.id = "__xunjian_freeze";
    freeze.textContent = "*,*::before,*::after{transition:none!important;animation:none!important}";
    (document.head || document.documentElement).appendChild(freeze);
    st.baseline = new Map();
    var focusables = document.querySelectorAll("a[href], button, input, select, textarea, [tabindex], [onclick], [contenteditable=true]");
    for (var i = 0; i < focusables.length && i < 2000; i++) st.baseline.set(focusables[i], focusStyle(focusables[i]));
    st.walk = []; st.seen = new Set(); st.wrapped = false;
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    document.addEventListener("focusin", function (ev) {
      var el = ev.target;
      if (!(el instanceof Element)) return;
      if (st.seen.has(el)) { st.wrapped = true; return; }  // the walk went round the page
      st.seen.add(el);
      var before = st.baseline.get(el);
      st.walk.push({el: el, changed: before === undefined ? null : before !== focusStyle(el)});
    }, true);
    return true;
  }
  if (mode === "walk") {
    var frozen = document.getElementById("__xunjian_freeze");
    if (frozen) frozen.remove();
    return walkResult();
  }
  var vw = window.innerWidth, vh = window.innerHeight;
  // text sizes: characters of visible text per computed font size (px)
  var sizes = {}, walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  var node, total = 0;
  while ((node = walker.nextNode())) {
    var text = node.nodeValue.replace(/\s+/g, "");
    if (!text) continue;
    var parent = node.parentElement;
    if (!parent || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|OPTION)$/.test(parent.tagName)) continue;
    if (!parent.getClientRects().length) continue;
    var ps = getComputedStyle(parent);
    if (ps.visibility === "hidden" || parseFloat(ps.opacity) === 0) continue;
    var px = Math.round(parseFloat(ps.fontSize) * 10) / 10;
    sizes[px] = (sizes[px] || 0) + text.length;
    total += text.length;
    if (total > 200000) break;
  }
  // overlays: fixed (or high z-index absolute) visible boxes inside the viewport
  var overlays = [];
  var all = document.body ? document.body.getElementsByTagName("*") : [];
  for (var j = 0; j < all.length && j < 20000; j++) {
    var el = all[j], cs = getComputedStyle(el);
    var z = parseInt(cs.zIndex, 10) || 0;
    var dialog = el.matches("dialog[open], [role=dialog], [role=alertdialog], [aria-modal=true]");
    if (!(cs.position === "fixed" || (cs.position === "absolute" && z >= 100) || dialog)) continue;
    if (cs.display === "none" || cs.visibility === "hidden" || parseFloat(cs.opacity) < 0.1) continue;
    var r = el.getBoundingClientRect();
    var w = Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0));
    var h = Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
    if (w * h <= 0) continue;
    // nested fixed boxes report once, at the outermost box
    var outer = el.parentElement, nested = false;
    while (outer && outer !== document.body) {
      var os = getComputedStyle(outer);
      if (os.position === "fixed") { nested = true; break; }
      outer = outer.parentElement;
    }
    if (nested) continue;
    overlays.push({selector: cssPath(el), html: snippet(el), position: cs.position, z: z, dialog: dialog,
      left: Math.round(r.left), top: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height),
      visible_area: Math.round(w * h), text: (el.innerText || "").replace(/\s+/g, " ").slice(0, 80)});
  }
  var meta = document.querySelector("meta[name=viewport]");
  return {
    viewport: {width: vw, height: vh, meta: meta ? meta.getAttribute("content") : null},
    text_sizes: sizes, text_chars: total, overlays: overlays.slice(0, 30),
    opened_windows: (window.__xunjianOpened || []).slice(0, 10),
    dialogs: (window.__xunjianDialogs || []).slice(0, 10),
    lang: document.documentElement.getAttribute("lang"), title: document.title
  };
})(arguments[0], arguments[1]);
