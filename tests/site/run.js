#!/usr/bin/env node
/*
 * tests/site/run.js: `stance site` on the sample collection, checked in a
 * real browser (Debian's Chromium through puppeteer-core) and with an
 * independent Atom parser (@rowanmanning/feed-parser, and Python's XML
 * parser for well-formedness).
 *
 * Usage: node run.js STANCE SOURCE_DIR ARTEFACTS_DIR
 * Opens the index from file:// and from `stance site --serve`, filters and
 * searches, follows a document to its timeline, a redline, the chooser, the
 * positions page and back; fails on any console error, any request outside
 * the site, any internal link that does not resolve. Screenshots of the
 * index, a timeline and a redline go to ARTEFACTS_DIR.
 */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn, execFileSync } = require("child_process");
const puppeteer = require("puppeteer-core");
const { parseFeed } = require("@rowanmanning/feed-parser");

const [stance, srcdir, artefacts] = process.argv.slice(2).map((a) => path.resolve(a));
if (!stance || !srcdir || !artefacts) {
	console.error("usage: node run.js STANCE SOURCE_DIR ARTEFACTS_DIR");
	process.exit(2);
}
const CHROMIUM = "/usr/bin/chromium";
let failures = 0, checks = 0;
function check(ok, what) {
	checks++;
	if (!ok) {
		failures++;
		console.error("FAIL: " + what);
	} else {
		console.log("ok: " + what);
	}
}
function run(args, opts) {
	return execFileSync(stance, args, Object.assign({ encoding: "utf8" }, opts || {}));
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "stance-site-test-"));
const repo = path.join(work, "repo"), out = path.join(work, "site");
fs.mkdirSync(artefacts, { recursive: true });
const env = Object.assign({}, process.env, { GIT_AUTHOR_NAME: "Site Test", GIT_AUTHOR_EMAIL: "site@example.org" });
run(["init", repo], { env });
run(["-C", repo, "import", "--manifest", path.join(srcdir, "examples", "history.tsv")], { env });
run(["-C", repo, "site", out, "--title", "Sample collection"], { env });

/* what the repository holds, to compare the pages with */
const ids = run(["-C", repo, "--no-pager", "list", "--json"], { env });
const docs = JSON.parse(ids).map((d) => d.id);
const manifest = fs.readFileSync(path.join(srcdir, "examples", "history.tsv"), "utf8").trim().split("\n").slice(1)
	.map((l) => l.split("\t"));
const revisions = {};
for (const [, id] of manifest) revisions[id] = (revisions[id] || 0) + 1;
const doc = "kf/naerhed-og-tillid";

/* a stem of exactly one document's text, from the search index the site ships */
const siteIndex = (() => {
	const sandbox = { window: {} };
	require("vm").runInNewContext(fs.readFileSync(path.join(out, "search-index.js"), "utf8"), sandbox);
	return sandbox.window.stanceSearchIndex;
})();
const pageText = (id) => fs.readFileSync(path.join(out, id, "index.html"), "utf8").toLowerCase();
const searchWord = (() => {
	const body = pageText(doc), title = body.split("<h1>")[1].split("</h1>")[0];
	const word = Object.keys(siteIndex.terms).find((w) => w.length > 8 && /^[a-z]+$/.test(w) &&
		siteIndex.terms[w].length === 1 && siteIndex.docs[siteIndex.terms[w][0]] === doc &&
		body.includes(w) && !title.includes(w));
	return { word, id: doc };
})();

/* what `stance search --ignore-diacritics` finds, to compare the site's search with */
const cliSearch = (query) => JSON.parse(run(["-C", repo, "search", "--ignore-diacritics", "--json", "-n", "1000", query], { env }))
	.map((h) => h.id).sort();
const sameQueries = [
	/* an inflected form: the stem's other forms match (kommunerne, kommunernes) */
	{ q: "kommunernes", also: (ids) => ids.some((id) => !pageText(id).includes("kommunernes")) },
	/* the old spelling: aa ~ å, ae ~ æ */
	{ q: "faellesraad", also: (ids) => ids.every((id) => !pageText(id).includes("faellesraad")) },
	/* a prefix, diacritics-free, over the stems */
	{ q: "naerheds*", also: (ids) => ids.length > 0 },
	/* two words, both in the document */
	{ q: "Kommunernes skoler", also: (ids) => ids.length > 0 },
];
const cliResults = sameQueries.map((x) => cliSearch(x.q));

/* ---- every internal link of every page resolves ---- */
function allFiles(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? allFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
function linkCheck(root) {
	let links = 0, broken = [];
	for (const f of allFiles(root).filter((f) => f.endsWith(".html"))) {
		const html = fs.readFileSync(f, "utf8");
		for (const m of html.matchAll(/(?:href|src)="([^"]*)"/g)) {
			const url = m[1].replace(/&amp;/g, "&");
			if (url === "data:,") continue; /* the empty icon */
			if (/^[a-z]+:/i.test(url)) {
				/* only a document's source may point outside, marked so */
				if (!/class="external"/.test(html.slice(Math.max(0, m.index - 40), m.index)))
					broken.push(f + ": outside link " + url);
				continue;
			}
			const target = url.split("#")[0].split("?")[0];
			if (!target) continue;
			links++;
			if (!fs.existsSync(path.resolve(path.dirname(f), decodeURIComponent(target))))
				broken.push(path.relative(root, f) + " -> " + url);
		}
	}
	check(links > 100 && broken.length === 0, `every internal link resolves (${links} links; broken: ${broken.slice(0, 5).join(", ")})`);
}
linkCheck(out);

/* ---- the feeds: well-formed XML, valid Atom for an independent parser ---- */
const feeds = allFiles(out).filter((f) => f.endsWith(".atom"));
check(feeds.length === 1 + 5 + docs.length, `a feed for the collection, each organization and each document (${feeds.length})`);
for (const f of feeds) {
	const text = fs.readFileSync(f, "utf8");
	let wellFormed = true;
	try {
		execFileSync("python3", ["-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])", f]);
	} catch (e) {
		wellFormed = false;
	}
	let feed = null;
	try {
		feed = parseFeed(text);
	} catch (e) {
		feed = null;
	}
	const rel = path.relative(out, f);
	check(wellFormed, rel + " is well-formed XML");
	check(feed && feed.meta.type === "atom" && feed.meta.version === "1.0" && feed.title && feed.updated,
		rel + " parses as Atom 1.0 with a title and an update time");
	const entries = feed ? feed.items : [];
	const ok = entries.every((e) => e.id && e.title && e.updated && e.url && e.authors.length &&
		fs.existsSync(path.resolve(path.dirname(f), e.url)));
	check(ok, rel + ": every entry has an id, a title, a time, an author and a link that resolves");
	const ids_ = new Set(entries.map((e) => e.id));
	check(ids_.size === entries.length, rel + ": entry ids are unique");
	if (rel === doc + "/feed.atom")
		check(entries.length === revisions[doc], `the document's feed has an entry a revision (${entries.length})`);
	if (rel === "feed.atom")
		check(entries.length === manifest.length && entries.some((e) => /position statement/.test(e.summary || e.description || "")),
			"the collection's feed lists every revision with a summary of its position changes");
}

/* ---- the time maps list every revision (RFC 7089 link format) ---- */
for (const id of docs) {
	const tm = fs.readFileSync(path.join(out, id, "timemap.link"), "utf8");
	const links = tm.trim().split(",\n").map((l) => {
		const m = /^<([^>]*)>((?:;[a-z]+="[^"]*")+)$/.exec(l.trim());
		if (!m) return null;
		const attrs = {};
		for (const a of m[2].matchAll(/;([a-z]+)="([^"]*)"/g)) attrs[a[1]] = a[2];
		return { url: m[1], attrs };
	});
	const mementos = links.filter((l) => l && /\bmemento\b/.test(l.attrs.rel));
	const times = mementos.map((m) => Date.parse(m.attrs.datetime));
	check(links.every((l) => l) && links.some((l) => l.attrs.rel === "original") &&
		links.some((l) => l.attrs.rel === "self" && l.attrs.type === "application/link-format") &&
		mementos.length === revisions[id] && times.every((t, i) => !isNaN(t) && (i === 0 || t > times[i - 1])) &&
		mementos.every((m) => fs.existsSync(path.resolve(path.join(out, id), m.url))) &&
		/first/.test(mementos[0].attrs.rel) && /last/.test(mementos[mementos.length - 1].attrs.rel),
		`${id}/timemap.link lists its ${revisions[id]} revisions in order, each one resolving`);
}

/* ---- in the browser ---- */
function watch(page, allowed, problems) {
	page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
	page.on("pageerror", (e) => problems.push("page error: " + e.message));
	page.on("requestfailed", (r) => problems.push("request failed: " + r.url()));
	page.on("request", (r) => { if (!r.url().startsWith(allowed)) problems.push("request outside the site: " + r.url()); });
}

async function visibleRows(page) {
	return page.$$eval("#docs tbody tr", (rows) => rows.filter((r) => !r.hidden).map((r) => r.cells[0].querySelector("a").getAttribute("href").replace(/\/index\.html$/, "")));
}

async function tour(browser, base, label, shots) {
	const problems = [];
	const page = await browser.newPage();
	await page.setViewport({ width: 1200, height: 900 });
	watch(page, base, problems);
	await page.goto(base + "index.html", { waitUntil: "load" });
	let rows = await visibleRows(page);
	check(rows.length === docs.length, `${label}: the index lists the ${docs.length} documents`);
	if (shots) await page.screenshot({ path: path.join(artefacts, "site-index.png"), fullPage: true });

	/* filter by kind, then by organization */
	const kinds = await page.$$eval("#f-kind option", (o) => o.map((x) => x.value).filter((v) => v));
	const kind = kinds[0];
	await page.select("#f-kind", kind);
	rows = await visibleRows(page);
	const want = await page.$$eval("#docs tbody tr", (r, k) => r.filter((x) => x.cells[1].textContent === k).length, kind);
	check(rows.length === want && want > 0 && want < docs.length, `${label}: the kind filter (${kind}) shows ${want} documents`);
	await page.select("#f-kind", "");
	await page.select("#f-org", "Kommunernes Fællesråd");
	rows = await visibleRows(page);
	check(rows.length === 2 && rows.every((r) => r.startsWith("kf/")), `${label}: the organization filter shows its 2 documents`);
	await page.select("#f-org", "");
	const years = await page.$$eval("#f-from option", (o) => o.map((x) => x.value).filter((v) => v));
	await page.select("#f-from", years[years.length - 1]);
	rows = await visibleRows(page);
	check(rows.length > 0 && rows.length < docs.length, `${label}: the period filter (from ${years[years.length - 1]}) narrows the list`);
	await page.select("#f-from", "");

	/* search: a word of one document's text, not of its title */
	await page.type("#q", searchWord.word);
	rows = await visibleRows(page);
	const count = await page.$eval("#count", (e) => e.textContent);
	check(rows.length === 1 && rows[0] === searchWord.id && /of/.test(count),
		`${label}: searching the text for "${searchWord.word}" finds ${searchWord.id}`);
	for (let i = 0; i < sameQueries.length; i++) {
		await page.$eval("#q", (e) => { e.value = ""; e.dispatchEvent(new Event("input")); });
		await page.type("#q", sameQueries[i].q);
		rows = (await visibleRows(page)).sort();
		check(rows.length > 0 && rows.length < docs.length && JSON.stringify(rows) === JSON.stringify(cliResults[i]) &&
			sameQueries[i].also(rows),
			`${label}: searching "${sameQueries[i].q}" finds what stance search --ignore-diacritics finds (${rows.join(", ")})`);
	}
	await page.$eval("#q", (e) => { e.value = ""; e.dispatchEvent(new Event("input")); });
	await page.type("#q", "zzzznothing");
	check((await visibleRows(page)).length === 0, `${label}: a search for no word of the collection shows nothing`);
	await page.$eval("#q", (e) => { e.value = ""; e.dispatchEvent(new Event("input")); });

	/* sorting by the number of revisions, by keyboard */
	await page.focus("button[data-sort=revs]");
	await page.keyboard.press("Enter");
	const revs = await page.$$eval("#docs tbody tr", (r) => r.map((x) => Number(x.cells[5].textContent)));
	check(revs.every((v, i) => i === 0 || v >= revs[i - 1]), `${label}: sorting by revisions (keyboard) orders the rows`);

	/* to a document and its timeline */
	await Promise.all([page.waitForNavigation(), page.click(`#docs a[href="${doc}/index.html"]`)]);
	const timeline = await page.$$eval("table.timeline tbody tr", (r) => r.length);
	check(timeline === revisions[doc], `${label}: the timeline of ${doc} has its ${revisions[doc]} revisions`);
	check((await page.$eval("html", (e) => e.lang)) === "da", `${label}: the document's page is in its language (lang="da")`);
	check(await page.$eval("article.document", (e) => e.textContent.length > 500), `${label}: the document reads as it does now`);
	if (shots) await page.screenshot({ path: path.join(artefacts, "site-timeline.png"), fullPage: true });

	/* each sentence's origin beside it and in its tooltip; a revision's date opens its redline */
	const origins = await page.$$eval("table.origins tbody tr", (r) => r.map((x) => ({
		title: x.querySelector(".sentence").title, text: x.querySelector(".sentence").textContent,
		links: x.cells[1].querySelectorAll("a").length })));
	check(origins.length > 10 && origins.every((o) => /^Worded \d{4}-\d\d-\d\d \([0-9a-f]{7}\)/.test(o.title) && o.links === 1),
		`${label}: each of ${origins.length} sentences shows the revision of its wording, linked, and its tooltip says it`);
	check(origins.some((o) => /first appeared/.test(o.title)),
		`${label}: a sentence reworded since it first appeared says when it first appeared`);
	await page.hover("table.origins tbody tr:nth-child(2) .sentence");
	check(await page.$eval("table.origins tbody tr:nth-child(2) .sentence", (e) => getComputedStyle(e).backgroundColor !== "rgba(0, 0, 0, 0)"),
		`${label}: hovering a sentence marks it`);
	const worded = await page.$eval("table.origins tbody tr:nth-child(2) td:nth-child(2) a", (a) => a.getAttribute("href"));
	await Promise.all([page.waitForNavigation(), page.click("table.origins tbody tr:nth-child(2) td:nth-child(2) a")]);
	check(page.url().endsWith(doc + "/" + worded) && await page.$(".redline"), `${label}: a sentence's revision opens its redline (${worded})`);
	await page.goBack();

	/* to a redline, back a revision, and the chooser's first <-> latest */
	await Promise.all([page.waitForNavigation(), page.click("table.timeline tbody tr:nth-child(3) a")]);
	const marks = await page.$$eval(".redline ins, .redline del", (m) => m.length);
	check(marks > 2, `${label}: the redline marks its changes with <ins>/<del> (${marks})`);
	check(await page.$$eval(".redline table.revs tbody tr", (r) => r.length >= 3),
		`${label}: the redline's header names both revisions`);
	if (shots) {
		await page.$eval("#summary", (e) => e.scrollIntoView());
		await page.screenshot({ path: path.join(artefacts, "site-redline.png"), fullPage: false });
	}
	const here = page.url();
	await Promise.all([page.waitForNavigation(), page.click("a[rel=prev]")]);
	check(page.url() !== here && /\d{4}-\d\d-\d\d\.html$/.test(page.url()), `${label}: the previous revision's redline opens`);
	await Promise.all([page.waitForNavigation(), page.click("a[rel=next]")]);
	check(page.url() === here, `${label}: its next link comes back`);
	const slugs = await page.$eval("#chooser", (f) => f.dataset.revs.split(" "));
	await page.select("#chooser select[name=from]", slugs[0]);
	await page.select("#chooser select[name=to]", slugs[slugs.length - 1]);
	await Promise.all([page.waitForNavigation(), page.click("#chooser button")]);
	check(page.url().endsWith(doc + "/compare.html"), `${label}: the chooser opens the first ↔ latest redline`);
	if (slugs.length > 3) {
		await page.select("#chooser select[name=from]", slugs[0]);
		await page.select("#chooser select[name=to]", slugs[2]);
		await page.click("#chooser button");
		const note = await page.$eval(".chooser-note", (e) => e.textContent);
		check(/Only/.test(note), `${label}: a pair that is not pre-rendered is explained`);
	}

	/* the positions page and back */
	await Promise.all([page.waitForNavigation(), page.click(".revnav a[href='positions.html']")]);
	const lives = await page.$$eval("ol.lives > li", (l) => l.length);
	const events = await page.$$eval("ol.events li", (l) => l.map((x) => x.textContent));
	check(lives > 0 && events.some((e) => /appeared/.test(e)) && events.some((e) => /reworded|removed/.test(e)),
		`${label}: the positions page shows ${lives} lives with their appearances and changes`);
	await page.goBack();
	check(page.url().endsWith("compare.html"), `${label}: back returns to the redline`);
	await Promise.all([page.waitForNavigation(), page.click(".crumbs a[href='index.html']")]);
	check(page.url().endsWith(doc + "/index.html"), `${label}: the breadcrumbs lead to the document`);

	/* the changes pages */
	await Promise.all([page.waitForNavigation(), page.click("header.site a[href$='changes.html']")]);
	const changes = await page.$$eval("ol.changes li", (l) => l.length);
	const months = await page.$$eval(".months li", (l) => l.length);
	check(changes > 0 && months > 1, `${label}: changes.html shows the newest month of ${months}`);
	await Promise.all([page.waitForNavigation(), page.click("a[rel=next]")]);
	check(/changes-\d{4}-\d\d\.html$/.test(page.url()), `${label}: the older months are a page each`);

	check(problems.length === 0, `${label}: no console error, no failed request, nothing from outside (${problems.slice(0, 5).join("; ")})`);
	await page.close();
}

function waitForLine(child, re, ms) {
	return new Promise((resolve, reject) => {
		let seen = "";
		const timer = setTimeout(() => reject(new Error("no line matching " + re + " in " + seen)), ms);
		child.stdout.on("data", (d) => {
			seen += d;
			const m = re.exec(seen);
			if (m) { clearTimeout(timer); resolve(m); }
		});
	});
}

(async () => {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), "stance-site-chromium-"));
	const browser = await puppeteer.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + profile],
	});
	let server = null;
	try {
		await tour(browser, "file://" + out + "/", "file://", true);

		/* --serve: the same site over HTTP, rebuilt when a revision is added */
		const served = path.join(work, "served");
		server = spawn(stance, ["-C", repo, "site", served, "--serve=0"], { env, stdio: ["ignore", "pipe", "inherit"] });
		const m = await waitForLine(server, /http:\/\/127\.0\.0\.1:(\d+)\//, 30000);
		const base = m[0];
		await tour(browser, base, "--serve", false);
		const latest = manifest.filter((r) => r[1] === doc).pop()[0];
		const text = fs.readFileSync(path.join(srcdir, "examples", latest), "utf8") +
			"\nKommunerne skal have ret til at prøve nye veje i et frikommuneforsøg.\n";
		const file = path.join(work, "new.md");
		fs.writeFileSync(file, text);
		run(["-C", repo, "add", file, "-m", "Add a sentence on trial municipalities"], { env });
		const page = await browser.newPage();
		let rows = 0;
		for (let i = 0; i < 30 && rows !== revisions[doc] + 1; i++) {
			await new Promise((r) => setTimeout(r, 500));
			await page.goto(base + doc + "/index.html", { waitUntil: "load" });
			rows = await page.$$eval("table.timeline tbody tr", (r) => r.length);
		}
		check(rows === revisions[doc] + 1, "--serve: a new revision appears in the timeline without a restart");
		/* the sentence the test added: worded and first seen in the commit it made */
		const head = execFileSync("git", ["-C", repo, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
		const added = await page.$$eval("table.origins tbody tr", (r) => r.map((x) => ({
			text: x.querySelector(".sentence").textContent, title: x.querySelector(".sentence").title,
			wording: x.dataset.wording, origin: x.dataset.origin, href: x.cells[1].querySelector("a").getAttribute("href") }))
			.filter((x) => x.text.includes("frikommuneforsøg")));
		const slug = await page.$eval("table.timeline tbody tr:first-child a", (a) => a.getAttribute("href"));
		check(added.length === 1 && added[0].wording === head.slice(0, 12) && added[0].origin === head.slice(0, 12) &&
			added[0].title.includes("(" + head.slice(0, 7) + ")") && !/first appeared/.test(added[0].title) && added[0].href === slug,
			`--serve: the sentence added in ${head.slice(0, 7)} is shown as worded and first appearing there, linked to ${slug} (${JSON.stringify(added)})`);
		const older = await page.$$eval("table.origins tbody tr", (r, h) => r.filter((x) => x.dataset.wording !== h).length,
			head.slice(0, 12));
		const all = await page.$$eval("table.origins tbody tr", (r) => r.length);
		check(older === all - 1, `--serve: the other ${all - 1} sentences keep their older revisions (${older})`);
		const missing = await page.goto(base + "no/such/page.html");
		check(missing.status() === 404, "--serve: a page that is not there is a 404");
		const escape = await page.goto(base + "..%2f..%2fetc/passwd");
		check(escape.status() === 404, "--serve: nothing outside the site is served");
		await page.close();
	} catch (e) {
		failures++;
		console.error("FAIL: " + (e.stack || e));
	} finally {
		if (server) server.kill();
		await browser.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
	console.log(`${checks} checks, ${failures} failed`);
	if (!failures) fs.rmSync(work, { recursive: true, force: true });
	else console.log("the site is left in " + out);
	process.exit(failures ? 1 : 0);
})();
