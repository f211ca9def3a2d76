/* Daily inspection report: filters, search, sorting, paging and collapsing. No dependencies.
   Rows carry their facts in data-* attributes (escaped by the template); nothing here builds HTML. */
(function () {
  "use strict";
  var body = document.body;
  var pageSize = parseInt(body.getAttribute("data-page-size"), 10) || 25;
  var ui = JSON.parse(body.getAttribute("data-ui") || "{}");
  var $ = function (id) { return document.getElementById(id); };
  var search = $("f-search"), fRule = $("f-rule"), fSev = $("f-severity"), fCol = $("f-column"), fChange = $("f-change");
  if (!search) { return; }
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.rule"));
  var expanded = {};  // rule id -> show every matching row

  function rowsOf(section) { return Array.prototype.slice.call(section.querySelectorAll("tr.finding")); }

  function apply() {
    var q = search.value.trim().toLowerCase();
    var terms = q ? q.split(/\s+/) : [];
    var shown = 0, total = 0;
    sections.forEach(function (section) {
      var rule = section.getAttribute("data-rule");
      var matching = 0;
      var ruleOk = !fRule.value || fRule.value === rule;
      rowsOf(section).forEach(function (row) {
        total += 1;
        var hay = row.getAttribute("data-search");
        var ok = ruleOk &&
          (!fSev.value || row.getAttribute("data-severity") === fSev.value) &&
          (!fCol.value || row.getAttribute("data-column") === fCol.value) &&
          (!fChange.value || row.getAttribute("data-change") === fChange.value) &&
          terms.every(function (t) { return hay.indexOf(t) !== -1; });
        row.classList.toggle("filtered-out", !ok);
        if (ok) { matching += 1; }
        row.classList.toggle("paged-out", ok && !expanded[rule] && matching > pageSize);
      });
      shown += matching;
      section.classList.toggle("no-match", matching === 0);
      var more = section.querySelector("button.more");
      if (more) {
        more.hidden = expanded[rule] || matching <= pageSize;
        more.textContent = ui.show_all + " (" + matching + ")";
      }
    });
    $("f-status").textContent = ui.showing + " " + shown + " / " + ui.of + " " + total + " " + ui.items;
    $("f-none").hidden = shown !== 0;
  }

  function sortTable(button) {
    var th = button.closest("th");
    var table = button.closest("table");
    var key = button.getAttribute("data-key");
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(table.querySelectorAll("th[aria-sort]"), function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir);
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var numeric = key === "sev";
    rows.sort(function (a, b) {
      var x = a.getAttribute("data-sort-" + key), y = b.getAttribute("data-sort-" + key);
      var c = numeric ? (parseFloat(x) - parseFloat(y)) : x.localeCompare(y);
      return dir === "ascending" ? c : -c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
    apply();
  }

  function setExpanded(toggle, open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    $(toggle.getAttribute("aria-controls")).classList.toggle("collapsed", !open);
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target.closest("button");
    if (!t) { return; }
    if (t.classList.contains("sort")) { sortTable(t); }
    else if (t.classList.contains("rule-toggle")) { setExpanded(t, t.getAttribute("aria-expanded") !== "true"); }
    else if (t.classList.contains("more")) { expanded[t.closest("section.rule").getAttribute("data-rule")] = true; apply(); }
    else if (t.id === "f-reset") {
      search.value = ""; fRule.value = ""; fSev.value = ""; fCol.value = ""; fChange.value = ""; apply();
    } else if (t.id === "f-toggle-all") {
      var open = t.textContent === t.getAttribute("data-expand");
      document.querySelectorAll(".rule-toggle").forEach(function (b) { setExpanded(b, open); });
      t.textContent = t.getAttribute(open ? "data-collapse" : "data-expand");
    }
  });
  document.querySelector("form.toolbar").addEventListener("submit", function (ev) { ev.preventDefault(); });
  [fRule, fSev, fCol, fChange].forEach(function (el) { el.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  // A printout carries every finding that matches the filters, expanded.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".rule-toggle").forEach(function (b) { setExpanded(b, true); });
  });
  apply();
})();
