/* Daily inspection report: the findings in three views (by rule, by page, by owner/column), with
   filters, search, sorting and paging, all kept in the URL fragment (#v=page&sev=error&q=...).
   No dependencies. The findings arrive once as JSON (the "report-data" block, built by
   reports/html_data.py); only the rows of opened groups are built, and every crawled string is
   written with textContent: nothing here parses HTML. */
(function () {
  "use strict";
  var dataEl = document.getElementById("report-data");
  var toolbar = document.querySelector("form.toolbar");
  if (!dataEl || !toolbar) { return; }
  var D = JSON.parse(dataEl.textContent);
  var S = D.strings, W = D.ui, RULES = D.rules, SEV = D.severities, CH = D.changes, ROWS = D.findings;
  var KIND = D.kinds;  // evidence items: [key, kind, text] as indexes into S and KIND
  var F = {};
  D.fields.forEach(function (name, i) { F[name] = i; });
  var FIXED = CH.indexOf("fixed"), NEW = CH.indexOf("new");
  var body = document.body;
  var SIZES = body.getAttribute("data-page-sizes").split(",").map(Number);
  var GROUPS_PER_PAGE = parseInt(body.getAttribute("data-groups-per-page"), 10) || 50;
  var EV_SHOWN = parseInt(body.getAttribute("data-evidence-shown"), 10) || 6;
  var REFS_SHOWN = parseInt(body.getAttribute("data-referrers-shown"), 10) || 5;
  var FIRST_SCREEN_ROWS = 12;  // groups start open, in order, until about a screen of rows shows
  var VIEWS = ["rule", "page", "owner"];
  var DEFAULTS = {v: "rule", rule: "", sev: "", col: "", own: "", ch: "", q: "", ps: String(SIZES[0]),
                  sort: ""};
  var $ = function (id) { return document.getElementById(id); };
  var controls = {rule: $("f-rule"), sev: $("f-severity"), col: $("f-column"), own: $("f-owner"),
                  ch: $("f-change"), ps: $("f-size"), q: $("f-search")};
  var groupsEl = $("groups");
  var state = copy(DEFAULTS);
  var opened = {};     // view + key -> open or closed, as the reader chose
  var rowPage = {};    // view + key -> page of rows shown
  var groupPage = 0;   // page of groups shown
  var shownGroups = {}; // group id -> group, of the last render
  var printing = false;
  var hay = null;      // lower-cased search text per finding, built on the first search

  function copy(obj) {
    var out = {};
    Object.keys(obj).forEach(function (k) { out[k] = obj[k]; });
    return out;
  }
  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return String(values[k]); });
  }

  /* ---- the URL fragment holds the view and the filters ---- */
  function readHash() {
    var hash = location.hash.replace(/^#/, "");
    if (hash.indexOf("=") === -1) { return null; }  // an anchor (#findings, #rule-x), not a state
    var params = new URLSearchParams(hash);
    var next = copy(DEFAULTS);
    Object.keys(DEFAULTS).forEach(function (k) { if (params.has(k)) { next[k] = params.get(k); } });
    if (VIEWS.indexOf(next.v) === -1) { next.v = DEFAULTS.v; }
    if (SIZES.indexOf(Number(next.ps)) === -1) { next.ps = DEFAULTS.ps; }
    if (next.ch && CH.indexOf(next.ch) === -1) { next.ch = ""; }
    if (next.sev && SEV.indexOf(next.sev) === -1) { next.sev = ""; }
    return next;
  }
  function writeHash() {
    var params = new URLSearchParams();
    params.set("v", state.v);
    Object.keys(DEFAULTS).forEach(function (k) {
      if (k !== "v" && state[k] !== DEFAULTS[k]) { params.set(k, state[k]); }
    });
    history.replaceState(null, "", "#" + params.toString());
  }
  function syncControls() {
    Object.keys(controls).forEach(function (k) {
      var c = controls[k];
      if (!c) { return; }
      c.value = state[k];
      if (c.tagName === "SELECT" && c.value !== state[k]) { c.value = ""; state[k] = c.value; }
    });
    Array.prototype.forEach.call(toolbar.querySelectorAll(".view-btn"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-view") === state.v ? "true" : "false");
    });
  }

  /* ---- filtering and grouping ---- */
  function flatEvidence(items, out) {
    items.forEach(function (it) {
      if (KIND[it[1]] === "records") { it[2].forEach(function (rec) { flatEvidence(rec, out); }); }
      else { out.push(S[it[0]], S[it[2]]); }
    });
  }
  function haystack(i) {
    if (!hay) {
      hay = ROWS.map(function (row) {
        var rule = RULES[row[F.rule]];
        var parts = [S[row[F.page]], S[row[F.target]], S[row[F.message]], rule.title, rule.id,
                     S[row[F.column]], S[row[F.owner]]];
        flatEvidence(row[F.evidence], parts);
        row[F.referrers].forEach(function (r) { parts.push(S[r[0]], S[r[1]], S[r[2]]); });
        return parts.join(" ").toLowerCase();
      });
    }
    return hay[i];
  }
  function inScope(row) {  // the change filter: no choice means the current findings (new + persisting)
    return state.ch ? row[F.change] === CH.indexOf(state.ch) : row[F.change] !== FIXED;
  }
  function matching() {
    var terms = state.q.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var sev = state.sev ? SEV.indexOf(state.sev) : -1;
    var out = [], total = 0;
    ROWS.forEach(function (row, i) {
      if (!inScope(row)) { return; }
      total += 1;
      if ((state.rule && RULES[row[F.rule]].id !== state.rule) || (sev !== -1 && row[F.sev] !== sev) ||
          (state.col && S[row[F.column]] !== state.col) ||
          (state.own && S[row[F.owner]] !== state.own)) { return; }
      for (var t = 0; t < terms.length; t += 1) { if (haystack(i).indexOf(terms[t]) === -1) { return; } }
      out.push(i);
    });
    return {rows: out, total: total};
  }
  var GROUP_KEY = {rule: F.rule, page: F.page, owner: F.owner};
  function groupsOf(rows) {
    var byKey = {}, list = [], at = GROUP_KEY[state.v];
    rows.forEach(function (i) {
      var row = ROWS[i], key = row[at], g = byKey[key];
      if (!g) { g = byKey[key] = {key: key, rows: [], worst: -1, fresh: 0}; list.push(g); }
      g.rows.push(i);
      if (row[F.sev] > g.worst) { g.worst = row[F.sev]; }
      if (row[F.change] === NEW) { g.fresh += 1; }
    });
    if (state.v === "rule") {  // the model's rule order
      list.sort(function (a, b) { return a.key - b.key; });
    }
    else {  // worst page (or owner) first, then the one with most findings
      list.sort(function (a, b) {
        return b.worst - a.worst || b.rows.length - a.rows.length || (S[a.key] < S[b.key] ? -1 : 1);
      });
    }
    return list;
  }
  var SORT_VALUE = {
    page: function (row) { return S[row[F.page]] + " " + S[row[F.target]]; },
    rule: function (row) { return RULES[row[F.rule]].title; },
    sev: function (row) { return row[F.sev]; },
    column: function (row) { return S[row[F.column]]; },
    seen: function (row) { return S[row[F.seen]]; }
  };
  function sorted(rows) {
    var parts = state.sort.split(":"), value = SORT_VALUE[parts[0]], dir = parts[1] === "desc" ? -1 : 1;
    if (!value) { return rows; }
    return rows.slice().sort(function (a, b) {
      var x = value(ROWS[a]), y = value(ROWS[b]);
      return (x < y ? -1 : x > y ? 1 : a - b) * dir;
    });
  }

  /* ---- building elements (text only) ---- */
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var value = attrs[k];
      if (value !== null && value !== undefined && value !== false) { node.setAttribute(k, value); }
    });
    (kids || []).forEach(function (kid) {
      if (kid === null || kid === undefined || kid === "") { return; }
      node.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
    });
    return node;
  }
  function isWeb(url) { return /^https?:\/\//i.test(url); }
  function urlNode(url) {
    return isWeb(url) ? el("a", {href: url, rel: "noopener noreferrer"}, [url])
                      : el("span", {"class": "url"}, [url]);
  }
  function badge(sev) { return el("span", {"class": "badge sev-" + SEV[sev]}, [W["sev_" + SEV[sev]]]); }
  function evValue(item) {
    var kind = KIND[item[1]];
    if (kind === "records") {
      var list = el("ol", {"class": "records"},
                    item[2].map(function (rec) { return el("li", null, [evList(rec)]); }));
      if (item[3]) { list.appendChild(el("li", {"class": "muted"}, ["… +" + item[3]])); }
      return list;
    }
    var text = S[item[2]];
    if (kind === "url" && isWeb(text)) { return urlNode(text); }
    if (kind === "code") { return el("code", null, [text]); }
    if (kind === "pre") { return el("span", {"class": "pre"}, [text]); }
    return document.createTextNode(text);
  }
  function evList(items) {
    return el("dl", {"class": "ev"}, items.map(function (it) {
      var kind = KIND[it[1]], key = S[it[0]];
      return el("div", {"class": kind === "records" || kind === "pre" ? "block" : null},
                [key ? el("dt", null, [key]) : null, el("dd", null, [evValue(it)])]);
    }));
  }
  function withTarget(cell, row) {
    var target = S[row[F.target]];
    if (target) {
      cell.appendChild(el("div", {"class": "target"},
                          [el("span", {"class": "k"}, [W.element]), " ", el("code", null, [target])]));
    }
    return cell;
  }
  var CELLS = {
    page: function (row) {
      return withTarget(el("td", {"class": "c-page"}, [urlNode(S[row[F.page]])]), row);
    },
    rule: function (row) {
      var rule = RULES[row[F.rule]];
      var cell = el("td", {"class": "c-rule"},
                    [rule.title, " ", el("code", {"class": "rule-id"}, [rule.id])]);
      return state.v === "page" ? withTarget(cell, row) : cell;
    },
    message: function (row) { return el("td", {"class": "c-msg"}, [S[row[F.message]]]); },
    evidence: function (row) {
      var items = row[F.evidence];
      if (!items.length) { return el("td", {"class": "c-ev"}, ["—"]); }
      var cell = el("td", {"class": "c-ev"}, [evList(items.slice(0, EV_SHOWN))]);
      if (items.length > EV_SHOWN) {
        cell.appendChild(el("details", {"class": "more-ev"}, [
          el("summary", null, [W.more_evidence + " (" + (items.length - EV_SHOWN) + ")"]),
          evList(items.slice(EV_SHOWN))]));
      }
      return cell;
    },
    referrers: function (row) {
      var refs = row[F.referrers];
      if (!refs.length) { return el("td", {"class": "c-ref"}, ["—"]); }
      var item = function (r) {
        var text = S[r[1]], where = S[r[2]];
        return el("li", null, [urlNode(S[r[0]]), text ? " " : "", text ? el("q", null, [text]) : null,
                               where ? " " : "", where ? el("code", null, [where]) : null]);
      };
      var cell = el("td", {"class": "c-ref"},
                    [el("ul", {"class": "refs"}, refs.slice(0, REFS_SHOWN).map(item))]);
      var more = row[F.referrer_count] - REFS_SHOWN;
      if (more > 0) {
        cell.appendChild(el("details", null, [
          el("summary", null, ["+" + more]), el("ul", {"class": "refs"}, refs.slice(REFS_SHOWN).map(item))]));
      }
      return cell;
    },
    sev: function (row) { return el("td", {"class": "c-sev"}, [badge(row[F.sev])]); },
    column: function (row) { return el("td", {"class": "c-col"}, [S[row[F.column]] || "—"]); },
    seen: function (row) {
      var change = CH[row[F.change]];
      return el("td", {"class": "c-seen"}, [
        el("span", {"class": "badge ch-" + change}, [W[change]]), el("br"),
        change === "fixed" ? W.fixed_on + " " : "", S[row[F.seen]] || "—",
        S[row[F.deadline]] ? el("div", {"class": "deadline"}, [W.deadline + " " + S[row[F.deadline]]])
                           : null]);
    }
  };
  var LABEL = {page: W.page, rule: W.rule, message: W.message, evidence: W.evidence, referrers: W.referrers,
               sev: W.severity, column: W.column, seen: W.first_seen};
  var SORTABLE = {page: 1, rule: 1, sev: 1, column: 1, seen: 1};
  function columnsFor(rows) {
    var refs = rows.some(function (i) { return ROWS[i][F.referrers].length; });
    var first = state.v === "page" ? ["rule"] : state.v === "owner" ? ["page", "rule"] : ["page"];
    // the page view's group is one page, of one column; the owner view's is the column unless owners exist
    var column = state.v === "rule" || (state.v === "owner" && D.has_owners);
    return first.concat(["message", "evidence"], refs ? ["referrers"] : [], ["sev"], column ? ["column"] : [],
                        ["seen"]);
  }
  function table(g, rows, caption) {
    var cols = columnsFor(rows);
    var sortKey = state.sort.split(":")[0];
    var dir = state.sort.split(":")[1] === "desc" ? "descending" : "ascending";
    var head = el("tr", null, cols.map(function (c) {
      if (!SORTABLE[c]) { return el("th", {scope: "col", "class": "c-" + c}, [LABEL[c]]); }
      return el("th", {scope: "col", "class": "c-" + c, "aria-sort": sortKey === c ? dir : "none"},
                [el("button", {type: "button", "class": "sort", "data-key": c}, [LABEL[c]])]);
    }));
    var tbody = el("tbody", null, rows.map(function (i) {
      var row = ROWS[i];
      return el("tr", {"class": "finding", "data-rule": RULES[row[F.rule]].id,
                       "data-severity": SEV[row[F.sev]], "data-change": CH[row[F.change]],
                       "data-column": S[row[F.column]], "data-page": S[row[F.page]]},
                cols.map(function (c) {
                  var cell = CELLS[c](row);
                  cell.setAttribute("data-label", LABEL[c]);  // a phone shows each cell as a labelled line
                  return cell;
                }));
    }));
    var cls = "grid findings view-" + state.v + " cols-" + cols.length +
              (cols.indexOf("referrers") === -1 ? " no-refs" : "");
    return el("div", {"class": "table-wrap"}, [el("table", {"class": cls}, [
      el("caption", {"class": "sr-only"}, [caption]), el("thead", null, [head]), tbody])]);
  }

  /* ---- group sections ---- */
  function groupLabel(g) {
    if (state.v === "rule") { return RULES[g.key].title; }
    return state.v === "owner" && S[g.key] === "/" ? W.root_section : S[g.key];  // the URL section "/"
  }
  function groupId(g) {
    return state.v === "rule" ? "rule-" + RULES[g.key].id : "g-" + state.v + "-" + g.key;
  }
  function ruleMeta(rule) {
    var item = function (label, value, cls, ddClass) {
      return el("div", {"class": cls || null}, [el("dt", null, [label]),
                                                el("dd", {"class": ddClass || null}, [value || "—"])]);
    };
    return el("dl", {"class": "rule-meta"}, [
      item(W.severity, rule.severity ? badge(SEV.indexOf(rule.severity)) : W.unknown_rule),
      item(W.assessment, rule.assessment), item(W.basis, rule.basis, "basis"),
      item(W.advice, rule.advice, "wide"), rule.doc ? item(W.about_rule, rule.doc, "wide", "doc") : null]);
  }
  function fillBody(bodyEl, g) {
    var size = Number(state.ps), pages = Math.ceil(g.rows.length / size);
    var k = state.v + ":" + g.key, page = Math.min(rowPage[k] || 0, pages - 1);
    var rows = sorted(g.rows).slice(page * size, page * size + size);
    bodyEl.textContent = "";
    bodyEl.hidden = false;
    if (state.v === "rule") { bodyEl.appendChild(ruleMeta(RULES[g.key])); }
    else if (state.v === "page") {
      var first = ROWS[g.rows[0]];
      bodyEl.appendChild(el("p", {"class": "group-meta"},
                            [urlNode(S[g.key]), " · " + W.column + " ", S[first[F.column]] || "—"]));
    }
    else if (D.contacts[S[g.key]]) {  // a 科室 of the profile's owners: who to send the list to
      bodyEl.appendChild(el("p", {"class": "group-meta"}, [W.contact + " " + D.contacts[S[g.key]]]));
    }
    bodyEl.appendChild(table(g, rows, groupLabel(g)));
    if (pages > 1) {
      var a = page * size + 1, b = Math.min(g.rows.length, page * size + size);
      bodyEl.appendChild(pager("pg", page === 0, page >= pages - 1,
                               fmt(W.pager_page, {n: page + 1, total: pages}) + " · " +
                               fmt(W.pager_rows, {a: a, b: b, n: g.rows.length})));
    }
  }
  function section(g, isOpen) {
    var id = groupId(g);
    var toggle = el("button", {type: "button", "class": "rule-toggle",
                               "aria-expanded": isOpen ? "true" : "false", "aria-controls": id + "-body"}, [
      badge(g.worst), " ", el("span", {"class": "rule-title"}, [groupLabel(g)]), " ",
      state.v === "rule" ? el("code", {"class": "rule-id"}, [RULES[g.key].id]) : null,
      el("span", {"class": "rule-count"},
         [g.rows.length + (g.fresh ? " · " + W["new"] + " " + g.fresh : "")])]);
    var bodyEl = el("div", {"class": "rule-body", id: id + "-body"});
    if (isOpen) { fillBody(bodyEl, g); } else { bodyEl.hidden = true; }
    shownGroups[id] = g;
    return el("section", {"class": "rule group sev-edge-" + SEV[g.worst], id: id,
                          "aria-labelledby": id + "-h"},
              [el("h3", {id: id + "-h", "class": "rule-h"}, [toggle]), bodyEl]);
  }
  function pager(kind, atFirst, atLast, where) {  // kind "pg": rows of a group; "gp": groups of the view
    return el("div", {"class": "pager" + (kind === "gp" ? " group-pager" : "")}, [
      el("button", {type: "button", "class": kind + " " + kind + "-prev", "data-step": "-1",
                    disabled: atFirst ? "disabled" : null}, ["‹ " + W.pager_prev]),
      el("span", {"class": "pg-where"}, [where]),
      el("button", {type: "button", "class": kind + " " + kind + "-next", "data-step": "1",
                    disabled: atLast ? "disabled" : null}, [W.pager_next + " ›"])]);
  }
  function groupPager(count, first, last) {
    return pager("gp", groupPage === 0, last >= count, fmt(W.groups_page, {a: first + 1, b: last, n: count}));
  }

  function render() {
    var found = matching(), groups = groupsOf(found.rows);
    groupPage = Math.max(0, Math.min(groupPage, Math.ceil(groups.length / GROUPS_PER_PAGE) - 1));
    var first = groupPage * GROUPS_PER_PAGE, last = Math.min(groups.length, first + GROUPS_PER_PAGE);
    var budget = FIRST_SCREEN_ROWS, frag = document.createDocumentFragment();
    shownGroups = {};
    if (groups.length > GROUPS_PER_PAGE) { frag.appendChild(groupPager(groups.length, first, last)); }
    groups.slice(first, last).forEach(function (g) {
      var choice = opened[state.v + ":" + g.key];
      var isOpen = printing || (choice !== undefined ? choice : budget > 0);
      if (choice === undefined && isOpen) { budget -= Math.min(g.rows.length, Number(state.ps)); }
      frag.appendChild(section(g, isOpen));
    });
    if (groups.length > GROUPS_PER_PAGE) { frag.appendChild(groupPager(groups.length, first, last)); }
    groupsEl.textContent = "";
    groupsEl.appendChild(frag);
    $("f-status").textContent = fmt(W.status_line, {shown: found.rows.length, total: found.total});
    $("f-none").hidden = found.rows.length !== 0;
  }
  function update() { syncControls(); writeHash(); render(); }

  function refill(id) {
    var bodyEl = $(id + "-body");
    if (bodyEl && shownGroups[id] && !bodyEl.hidden) { fillBody(bodyEl, shownGroups[id]); }
  }
  function setOpen(sectionEl, open) {
    var id = sectionEl.id, g = shownGroups[id], bodyEl = $(id + "-body");
    opened[state.v + ":" + g.key] = open;
    sectionEl.querySelector(".rule-toggle").setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { fillBody(bodyEl, g); } else { bodyEl.textContent = ""; bodyEl.hidden = true; }
  }
  function showAnchor(id) {  // #rule-x from the deduction and change tables: open that rule in the rule view
    var rule = id.replace(/^rule-/, "");
    var at = RULES.map(function (r) { return r.id; }).indexOf(rule);
    if (at === -1) { return false; }
    state.v = "rule";
    opened["rule:" + at] = true;
    var groups = groupsOf(matching().rows);
    var pos = groups.map(function (g) { return g.key; }).indexOf(at);
    groupPage = pos === -1 ? 0 : Math.floor(pos / GROUPS_PER_PAGE);
    update();
    var target = $(id);
    if (target) {
      target.scrollIntoView();
      target.querySelector(".rule-toggle").focus({preventScroll: true});
    }
    return true;
  }
  function fromHash() {
    var next = readHash();
    if (next) { state = next; groupPage = 0; rowPage = {}; update(); return; }
    var anchor = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (/^rule-/.test(anchor) && showAnchor(anchor)) { return; }
    update();
  }

  toolbar.addEventListener("submit", function (ev) { ev.preventDefault(); });
  toolbar.addEventListener("change", function (ev) {
    Object.keys(controls).forEach(function (k) {
      if (controls[k] === ev.target) { state[k] = ev.target.value; }
    });
    groupPage = 0; rowPage = {}; update();
  });
  controls.q.addEventListener("input", function () {
    state.q = controls.q.value;
    groupPage = 0;
    rowPage = {};
    update();
  });
  toolbar.addEventListener("click", function (ev) {
    var b = ev.target.closest("button");
    if (!b) { return; }
    if (b.classList.contains("view-btn")) { state.v = b.getAttribute("data-view"); groupPage = 0; update(); }
    else if (b.id === "f-reset") {
      state = copy(DEFAULTS);
      opened = {};
      rowPage = {};
      groupPage = 0;
      update();
    }
    else if (b.id === "f-toggle-all") {
      var open = b.textContent === b.getAttribute("data-expand");
      Array.prototype.forEach.call(groupsEl.querySelectorAll("section.group"),
                                   function (s) { setOpen(s, open); });
      b.textContent = b.getAttribute(open ? "data-collapse" : "data-expand");
    }
  });
  groupsEl.addEventListener("click", function (ev) {
    var b = ev.target.closest("button");
    if (!b) { return; }
    var sectionEl = b.closest("section.group");
    if (b.classList.contains("rule-toggle")) {
      setOpen(sectionEl, b.getAttribute("aria-expanded") !== "true");
    }
    else if (b.classList.contains("pg")) {
      var k = state.v + ":" + shownGroups[sectionEl.id].key, step = Number(b.getAttribute("data-step"));
      rowPage[k] = (rowPage[k] || 0) + step;
      refill(sectionEl.id);
      var again = sectionEl.querySelector(step < 0 ? ".pg-prev" : ".pg-next");
      var other = sectionEl.querySelector(".pg:not([disabled])") || sectionEl.querySelector(".rule-toggle");
      (again && !again.disabled ? again : other).focus();
    } else if (b.classList.contains("gp")) {
      groupPage += Number(b.getAttribute("data-step"));
      render();
      (groupsEl.querySelector(".gp:not([disabled])") || groupsEl).focus();
    } else if (b.classList.contains("sort")) {
      var key = b.getAttribute("data-key"), was = state.sort.split(":");
      state.sort = key + ":" + (was[0] === key && was[1] !== "desc" ? "desc" : "asc");
      writeHash();
      Object.keys(shownGroups).forEach(refill);
      var same = sectionEl.querySelector("button.sort[data-key='" + key + "']");
      if (same) { same.focus(); }
    }
  });
  window.addEventListener("hashchange", fromHash);
  // a printout shows every group of the current page of the view, expanded
  function beforePrint() { if (!printing) { printing = true; render(); } }
  function afterPrint() { if (printing) { printing = false; render(); } }
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);

  // the page as written shows the first findings of each rule (for readers without JavaScript)
  var fallback = $("static-findings");
  if (fallback) { fallback.parentNode.removeChild(fallback); }
  toolbar.hidden = false;
  groupsEl.hidden = false;
  fromHash();
  document.documentElement.setAttribute("data-ready", "1");
  if (window.performance && performance.mark) { performance.mark("report-interactive"); }
})();
