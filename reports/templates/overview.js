// Sortable overview table: click a header to sort by that column (again: reverse). Every cell
// carries its sort key in data-k (numbers compare as numbers); the first order is worst first.
(function () {
  var table = document.getElementById("overview");
  if (!table) { return; }
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function key(row, col) {
    var raw = row.cells[col].getAttribute("data-k");
    var num = parseFloat(raw);
    return isNaN(num) ? raw : num;
  }
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var desc = th.getAttribute("aria-sort") !== "descending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", desc ? "descending" : "ascending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, col), y = key(b, col);
        var order = x < y ? -1 : x > y ? 1 : 0;
        if (order === 0) { return a.getAttribute("data-rank") - b.getAttribute("data-rank"); }
        return desc ? -order : order;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
