// Reads a WARC file with warcio's parser and checks every record, for the
// WARC tests (tests/cli/test_warc.c):
//   node read.mjs FILE.warc[.gz]
// Prints a JSON list, one object a record: its WARC headers, and for a
// response its HTTP status, headers and payload (base64). Exits 1, saying
// why, when a record's WARC-Block-Digest or WARC-Payload-Digest is not the
// SHA-1 (base32) of its block or payload, when Content-Length is not the
// block's length, or when warcio warns of a malformed record.
import fs from "node:fs";
import crypto from "node:crypto";
import { WARCParser } from "warcio";

const file = process.argv[2];
const problems = [];
console.warn = (...a) => problems.push("warcio: " + a.join(" "));

function sha1b32(buf) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	const d = crypto.createHash("sha1").update(buf).digest();
	let bits = 0, acc = 0, s = "";
	for (const byte of d) {
		acc = (acc << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			s += alphabet[(acc >>> (bits - 5)) & 31];
			bits -= 5;
		}
		acc &= 0xff;
	}
	return "sha1:" + s;
}

// 1. the blocks as they are (no HTTP parsing): block digests and lengths
const blocks = [];
for await (const rec of new WARCParser(fs.createReadStream(file), { parseHttp: false })) {
	const block = Buffer.from(await rec.readFully(false));
	const id = rec.warcHeader("WARC-Record-ID");
	if (block.length !== rec.warcContentLength)
		problems.push(`${id}: Content-Length ${rec.warcContentLength}, block ${block.length}`);
	if (rec.warcBlockDigest !== sha1b32(block))
		problems.push(`${id}: WARC-Block-Digest ${rec.warcBlockDigest}, the block's is ${sha1b32(block)}`);
	blocks.push(block);
}

// 2. the HTTP messages: payload digests, status, headers
const out = [];
let i = 0;
for await (const rec of new WARCParser(fs.createReadStream(file), { keepHeadersCase: true })) {
	const o = { version: rec.warcHeaders.statusline, warc: Object.fromEntries(rec.warcHeaders.headers),
		blockLength: blocks[i++]?.length };
	if (rec.httpHeaders) {
		const payload = Buffer.from(await rec.readFully(false));
		o.status = rec.httpHeaders.statusCode;
		o.statusline = rec.httpHeaders.statusline;
		o.http = Object.fromEntries(rec.httpHeaders.headers);
		o.payload = payload.toString("base64");
		if (rec.warcPayloadDigest !== sha1b32(payload))
			problems.push(`${o.warc["WARC-Record-ID"]}: WARC-Payload-Digest ${rec.warcPayloadDigest}, the payload's is ${sha1b32(payload)}`);
	}
	out.push(o);
}
if (problems.length) {
	console.error(problems.join("\n"));
	process.exit(1);
}
process.stdout.write(JSON.stringify(out) + "\n");
