/* stance site: the index's filters, sorting and search, and the redline
 * pages' chooser. Loads nothing; works from file:// as from a server. */
(function () {
	"use strict";
	function $(id) { return document.getElementById(id); }

	/* ---- the search: stance search --loose over the exported index ----
	 * search-index.js holds the index's diacritics-free stems (terms: stem →
	 * the documents that hold it, as indexes into docs) and each word form
	 * of the texts with its stem (forms), so a query's word is looked up,
	 * not stemmed (docs/site.md). */
	function searcher(ix) {
		if (!ix || ix.format !== 2) return function () { return null; };
		var keys = Object.keys(ix.terms).sort();
		var fold = function (s) { return s.normalize("NFC").toLocaleLowerCase(); };
		var loose = function (s) {
			return s.replace(/\u00e5/g, "aa").replace(/[\u00e6\u00e4]/g, "ae").replace(/[\u00f8\u00f6]/g, "oe")
				.replace(/\u00fc/g, "ue").normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC");
		};
		var first = function (p) {   /* the first key >= p */
			var lo = 0, hi = keys.length;
			while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < p) lo = mid + 1; else hi = mid; }
			return lo;
		};
		/* a word's stem: its form as the texts hold it, else the word as a stem,
		 * else the longest stem that begins it (at least half of it) */
		var stem = function (w) {
			var f = fold(w), l = loose(f), s = ix.forms[f] || ix.forms[l] || l, n;
			if (ix.terms[s]) return s;
			for (n = l.length - 1; n >= Math.max(2, Math.ceil(l.length / 2)); n--)
				if (ix.terms[l.slice(0, n)]) return l.slice(0, n);
			return s;
		};
		var docsOf = function (w) {
			var set = {}, i;
			if (w.charAt(w.length - 1) === "*") {
				var p = loose(fold(w.slice(0, -1)));
				for (i = first(p); i < keys.length && keys[i].slice(0, p.length) === p; i++)
					ix.terms[keys[i]].forEach(function (d) { set[d] = 1; });
			} else {
				(ix.terms[stem(w)] || []).forEach(function (d) { set[d] = 1; });
			}
			return set;
		};
		/* the query's words (a "phrase" as its words), all in the document;
		 * null: no word, everything shown */
		return function (query) {
			var words = query.replace(/"/g, " ").split(/[^0-9A-Za-z\u00c0-\uffff*]+/)
				.filter(function (w) { return w.replace(/\*/g, ""); }), found = null;
			if (!words.length) return null;
			words.forEach(function (w) {
				var set = docsOf(w.replace(/\*+(?=.)/g, "")), next = {};
				Object.keys(set).forEach(function (d) { if (!found || found[d]) next[d] = 1; });
				found = next;
			});
			var ids = {};
			Object.keys(found).forEach(function (d) { ids[ix.docs[d]] = 1; });
			return ids;
		};
	}

	/* ---- the index ---- */
	var table = $("docs");
	if (table) {
		var rows = Array.prototype.slice.call(table.tBodies[0].rows);
		var search = searcher(window.stanceSearchIndex);
		var q = $("q"), kind = $("f-kind"), org = $("f-org"), from = $("f-from"), to = $("f-to");
		var count = $("count");
		var apply = function () {
			var found = search(q.value), shown = 0;
			rows.forEach(function (r) {
				var link = r.cells[0].querySelector("a"), id = link.getAttribute("href").replace(/\/index\.html$/, "");
				var year = r.cells[4].textContent.slice(0, 4), ok = true;
				if (kind.value && r.cells[1].textContent !== kind.value) ok = false;
				if (org.value && r.cells[2].textContent !== org.value) ok = false;
				if (from.value && year < from.value) ok = false;
				if (to.value && year > to.value) ok = false;
				if (ok && found && !found[id]) ok = false;
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
