// Writes the WARC files the WARC tests import (tests/cli/test_warc.c), with
// warcio, an implementation that shares no code with stance:
//   node make.mjs OUTDIR
// pages.warc.gz  gzip per record: a warcinfo, a request, responses (plain,
//                chunked, gzip and deflate Content-Encoding, windows-1252 by
//                its header, iso-8859-1 by
//                <meta> alone), a revisit, a duplicate, a dns: lookup
//                as Heritrix writes it, an image, a 404
// plain.warc     uncompressed, WARC/1.0: a text/plain page
// older.warc     an older capture of that page, with other words
// truncated.warc.gz  pages.warc.gz cut inside its fifth record
// badlength.warc a record whose Content-Length is not a number
// overlong.warc  a record longer than its Content-Length
// baddigest.warc.gz a record whose WARC-Block-Digest is wrong
// bomb.warc.gz   a page whose gzip Content-Encoding inflates to 70 MiB
// index.json     what was written: each record's offset, id, URI and payload
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { WARCRecord, WARCSerializer } from "warcio";

const out = process.argv[2];
const enc = new TextEncoder();
const digest = { algo: "sha-1", prefix: "sha1:", base32: true };

async function* bytes(b) { yield b; }

function chunked(b, size) {
	const parts = [];
	for (let i = 0; i < b.length; i += size) {
		const c = b.subarray(i, i + size);
		parts.push(Buffer.from(c.length.toString(16) + "\r\n"), Buffer.from(c), Buffer.from("\r\n"));
	}
	parts.push(Buffer.from("0\r\n\r\n"));
	return Buffer.concat(parts);
}

function page(title, paras, head = "") {
	return `<!DOCTYPE html><html lang="en"><head>${head}<title>${title}</title></head><body><article><h1>${title}</h1>` +
		paras.map((p) => `<p>${p}</p>`).join("") + `</article></body></html>`;
}

const A1 = page("School policy", [
	"The council holds that every child should have a school close to home, and that classes must not grow too large.",
	"We therefore propose that the village schools are kept, and that more money goes to teachers."]);
const A2 = page("School policy", [
	"The council holds that every child should have a school close to home, and that classes must not grow too large.",
	"We therefore propose that the village schools are kept, and that more money goes to teachers and to school meals."]);
// windows-1252: “ ” – and æ ø å as single bytes
function cp1252(s) {
	const map = { "\u201c": 0x93, "\u201d": 0x94, "\u2013": 0x96 };
	return Buffer.from([...s].map((ch) => map[ch] ?? ch.charCodeAt(0)));
}
const Bpage = cp1252(page("Æblegrød og politik", [
	"Byrådet mener, at “alle børn” skal have en skole tæt på hjemmet – også i landsbyerne, hvor klasserne er små.",
	"Vi foreslår derfor, at skolerne bevares, og at der afsættes flere penge til lærere og til madordninger."]));
const Cpage = Buffer.from(page("Kommunens høring", [
	"Kommunen har sendt forslaget om nye åbningstider i høring, og borgerne kan give deres mening til kende frem til årsskiftet.",
	"Høringssvarene bliver lagt frem for udvalget, før der træffes en endelig beslutning om biblioteket."],
	'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'), "latin1");
const TXT = "Notes from the meeting\n\nThe committee agreed to publish the minutes of every meeting within a week.\n" +
	"It also agreed that the public may ask questions at the start of each meeting.\n";

const index = { files: {} };

async function serialize(rec, gzip) {
	return Buffer.from(await WARCSerializer.serialize(rec, { gzip, digest }));
}

async function writeWarc(name, specs, gzip, warcVersion = "WARC/1.1") {
	const parts = [];
	const recs = [];
	let offset = 0;
	for (const s of specs) {
		const rec = await WARCRecord.create({ warcVersion, keepHeadersCase: true, ...s.opts }, bytes(s.body));
		if (s.retype)
			rec.warcHeaders.headers.set("WARC-Type", s.retype);
		const b = await serialize(rec, gzip);
		recs.push({ offset, id: rec.warcHeader("WARC-Record-ID"), type: s.retype || s.opts.type, url: s.opts.url || null,
			date: s.opts.date || null });
		offset += b.length;
		parts.push(b);
	}
	const all = Buffer.concat(parts);
	fs.writeFileSync(path.join(out, name), all);
	index.files[name] = recs;
	return { all, recs };
}

const U = "http://example.org";
const html = (extra = {}) => ({ "Content-Type": "text/html; charset=utf-8", ...extra });
const specs = [
	{ opts: { type: "warcinfo", filename: "pages.warc.gz" }, body: enc.encode("software: make.mjs\r\n") },
	{ opts: { type: "request", url: U + "/a.html", date: "2024-01-01T10:00:00Z", statusline: "GET /a.html HTTP/1.1",
		httpHeaders: { Host: "example.org" } }, body: new Uint8Array() },
	{ opts: { type: "response", url: U + "/a.html", date: "2024-01-01T10:00:00Z",
		httpHeaders: html({ "Content-Length": String(Buffer.byteLength(A1)), ETag: '"a1"',
			"Set-Cookie": "session=s3cr3t; HttpOnly" }) }, body: enc.encode(A1) },
	{ opts: { type: "response", url: U + "/a.html", date: "2024-02-01T10:00:00Z",
		httpHeaders: html({ "Transfer-Encoding": "chunked" }) }, body: chunked(Buffer.from(A2), 50) },
	{ opts: { type: "revisit", url: U + "/a.html", date: "2024-03-01T10:00:00Z", refersToUrl: U + "/a.html",
		refersToDate: "2024-02-01T10:00:00Z" }, body: new Uint8Array() },
	// the same payload as February's, written without chunks: a duplicate
	{ opts: { type: "response", url: U + "/a.html", date: "2024-04-01T10:00:00Z",
		httpHeaders: html({ "Content-Length": String(Buffer.byteLength(A2)) }) }, body: enc.encode(A2) },
	{ opts: { type: "response", url: U + "/b.html", date: "2024-01-15T08:30:00Z",
		httpHeaders: { "Content-Type": "text/html; charset=windows-1252", "Content-Encoding": "gzip" } },
		body: zlib.gzipSync(Bpage) },
	{ opts: { type: "response", url: U + "/c.html", date: "2024-01-20T12:00:00Z",
		httpHeaders: { "Content-Type": "text/html", "Content-Encoding": "deflate" } }, body: zlib.deflateSync(Cpage) },
	// Heritrix writes DNS lookups as response records of type text/dns
	{ opts: { type: "resource", url: "dns:example.org", date: "2024-01-20T11:59:59Z",
		warcHeaders: { "Content-Type": "text/dns" } }, retype: "response", body: enc.encode("20240120115959\nexample.org.\t300\tIN\tA\t192.0.2.1\n") },
	{ opts: { type: "response", url: U + "/logo.png", date: "2024-01-20T12:00:01Z",
		httpHeaders: { "Content-Type": "image/png" } }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) },
	{ opts: { type: "response", url: U + "/missing.html", date: "2024-01-20T12:00:02Z", statusline: "HTTP/1.1 404 Not Found",
		httpHeaders: html() }, body: enc.encode("<html><body><p>Not found</p></body></html>") },
];

const pages = await writeWarc("pages.warc.gz", specs, true);
await writeWarc("plain.warc", [
	{ opts: { type: "response", url: U + "/notes.txt", date: "2024-05-05T05:05:05Z",
		httpHeaders: { "Content-Type": "text/plain; charset=utf-8" } }, body: enc.encode(TXT) },
], false, "WARC/1.0");

// an older capture of notes.txt, with other words
await writeWarc("older.warc", [
	{ opts: { type: "response", url: U + "/notes.txt", date: "2023-05-05T05:05:05Z",
		httpHeaders: { "Content-Type": "text/plain; charset=utf-8" } },
		body: enc.encode(TXT.replace("within a week", "within a month")) },
], false);

// cut inside the fifth record (the duplicate's gzip member)
const fifth = pages.recs[5];
fs.writeFileSync(path.join(out, "truncated.warc.gz"), pages.all.subarray(0, fifth.offset + 40));
index.files["truncated.warc.gz"] = pages.recs.slice(0, 6);

const one = await writeWarc("one.warc", [
	{ opts: { type: "response", url: U + "/d.html", date: "2024-06-01T00:00:00Z", httpHeaders: html() }, body: enc.encode(A1) },
], false);
const text = one.all.toString("latin1");
fs.writeFileSync(path.join(out, "badlength.warc"), Buffer.from(text.replace(/Content-Length: \d+/, "Content-Length: 12x"), "latin1"));
fs.writeFileSync(path.join(out, "overlong.warc"), Buffer.from(text.replace(/Content-Length: (\d+)/,
	(m, n) => "Content-Length: " + (Number(n) - 10)), "latin1"));
fs.writeFileSync(path.join(out, "baddigest.warc.gz"), zlib.gzipSync(Buffer.from(text.replace(/(WARC-Block-Digest: sha1:)[A-Z2-7]{4}/,
	"$1AAAA"), "latin1")));
index.files["one.warc"] = one.recs;
// 70 MiB of zeros, a few tens of KiB gzip-compressed
await writeWarc("bomb.warc.gz", [
	{ opts: { type: "response", url: U + "/bomb.html", date: "2024-06-01T00:00:00Z",
		httpHeaders: { "Content-Type": "text/html", "Content-Encoding": "gzip" } }, body: zlib.gzipSync(Buffer.alloc(70 << 20)) },
], true);

fs.writeFileSync(path.join(out, "index.json"), JSON.stringify(index, null, 1));
