/* stance site: the index's filters, sorting and search, and the redline
 * pages' chooser. Loads nothing; works from file:// as from a server. */
(function () {
	"use strict";
	function $(id) { return document.getElementById(id); }

	/* ---- the index ---- */
	var table = $("docs");
	if (table) {
		var rows = Array.prototype.slice.call(table.tBodies[0].rows);
		var words = window.stanceSearchIndex || {};
		var q = $("q"), kind = $("f-kind"), org = $("f-org"), from = $("f-from"), to = $("f-to");
		var count = $("count");
		var fold = function (s) { return s.toLocaleLowerCase(); };
		var apply = function () {
			var terms = fold(q.value).split(/[^0-9a-z\u0080-\uffff]+/).filter(function (t) { return t; });
			var shown = 0;
			rows.forEach(function (r) {
				var link = r.cells[0].querySelector("a"), id = link.getAttribute("href").replace(/\/index\.html$/, "");
				var year = r.cells[4].textContent.slice(0, 4), ok = true;
				if (kind.value && r.cells[1].textContent !== kind.value) ok = false;
				if (org.value && r.cells[2].textContent !== org.value) ok = false;
				if (from.value && year < from.value) ok = false;
				if (to.value && year > to.value) ok = false;
				if (ok && terms.length) {
					var text = " " + (words[id] || "") + " " + fold(r.cells[0].textContent) + " ";
					ok = terms.every(function (t) { return text.indexOf(" " + t) >= 0 || text.indexOf(t) >= 0; });
				}
				r.hidden = !ok;
				if (ok) shown++;
			});
			count.textContent = shown + (shown === 1 ? " document" : " documents") +
				(shown === rows.length ? "" : " of " + rows.length);
		};
		[q, kind, org, from, to].forEach(function (el) {
			el.addEventListener("input", apply);
			el.addEventListener("change", apply);
		});
		$("filters").addEventListener("submit", function (e) { e.preventDefault(); apply(); });
		/* sorting: each column's button, ascending then descending */
		var heads = table.tHead.rows[0].cells;
		Array.prototype.forEach.call(heads, function (th, col) {
			var button = th.querySelector("button");
			button.addEventListener("click", function () {
				var numeric = button.dataset.num === "1";
				var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
				Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
				th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
				rows.sort(function (a, b) {
					var x = a.cells[col].textContent, y = b.cells[col].textContent;
					var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
					return dir * c;
				});
				rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
			});
		});
		var params = new URLSearchParams(window.location.search);
		if (params.get("q")) q.value = params.get("q");
		apply();
	}

	/* ---- the chooser of a redline page ---- */
	var chooser = $("chooser");
	if (chooser) {
		var revs = chooser.dataset.revs.split(" ");
		chooser.addEventListener("submit", function (e) {
			e.preventDefault();
			var a = revs.indexOf(chooser.elements.from.value), b = revs.indexOf(chooser.elements.to.value);
			var note = chooser.querySelector(".chooser-note");
			if (a > b) { var t = a; a = b; b = t; }
			var page = null;
			if (b === a + 1) page = revs[b] + ".html";
			else if (a === 0 && b === revs.length - 1) page = "compare.html";
			else if (a === b) page = revs[a] + ".html";
			if (page) {
				window.location.href = page;
			} else {
				note.textContent = "Only each revision against the one before, and the first against the latest, " +
					"are on this site: see the list below, or run stance diff on the repository.";
			}
		});
	}
})();
