/*
 * warc_http.c: the HTTP response a WARC `response` record holds (warc.h):
 * its status line and headers, and its body with the transfer's framing
 * (Transfer-Encoding: chunked) and the content's compression
 * (Content-Encoding: gzip, x-gzip, deflate; zlib) taken off, so that what
 * the extractor reads is the page as the server meant it.
 */
#include "internal.h"
#include "stance/warc.h"

#include <strings.h>

#include <zlib.h>

const char *stance_http_header(const stance_http_response *resp, const char *name)
{
	size_t i;
	for (i = 0; i < resp->nheaders; i++)
		if (!strcasecmp(resp->headers[i].name, name))
			return resp->headers[i].value;
	return NULL;
}

void stance_http_response_dispose(stance_http_response *resp)
{
	size_t i;
	for (i = 0; i < resp->nheaders; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	free(resp->headers);
	free(resp->status_line);
	stance_buf_dispose(&resp->payload);
	memset(resp, 0, sizeof(*resp));
}

/* De-chunks body[0, len) into out (RFC 9112, 7.1): hex sizes with optional
 * extensions, each chunk followed by CRLF, a last chunk of size 0, then
 * trailer lines, which are dropped. */
static int dechunk(stance_buf *out, const char *p, size_t len, const char *what)
{
	const char *end = p + len;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		unsigned long long size = 0;
		const char *q = p;
		int digits = 0;
		if (!nl)
			return stance_error_set(STANCE_EPARSE, "%s: the chunked payload is cut short (no chunk size line)", what);
		for (; q < nl; q++) {
			int d = (*q >= '0' && *q <= '9') ? *q - '0' : (*q >= 'a' && *q <= 'f') ? *q - 'a' + 10
				: (*q >= 'A' && *q <= 'F') ? *q - 'A' + 10 : -1;
			if (d < 0)
				break;
			if (++digits > 15)
				return stance_error_set(STANCE_EPARSE, "%s: a chunk size of the chunked payload is too large", what);
			size = size * 16 + (unsigned)d;
		}
		if (!digits || (q < nl && *q != ';' && *q != ' ' && *q != '\t' && *q != '\r'))
			return stance_error_set(STANCE_EPARSE, "%s: the chunked payload has a malformed chunk size line '%.*s'",
				what, (int)(nl - p > 40 ? 40 : nl - p), p);
		p = nl + 1;
		if (size == 0)
			return 0; /* trailers, if any, follow: not part of the payload */
		if ((unsigned long long)(end - p) < size)
			return stance_error_set(STANCE_EPARSE, "%s: the chunked payload is cut short (a chunk of %llu bytes "
				"has %zu)", what, size, (size_t)(end - p));
		if (stance_buf_put(out, p, (size_t)size) < 0)
			return STANCE_ERROR;
		p += size;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (end - p >= 1 && p[0] == '\n')
			p += 1;
		else
			return stance_error_set(STANCE_EPARSE, "%s: a chunk of the chunked payload is not followed by CRLF", what);
	}
}

/* Inflates data[0, len) into out: windowBits 15+32 reads gzip and zlib
 * streams; `raw` reads a bare deflate stream (what some servers send as
 * "deflate"). */
static int inflate_into(stance_buf *out, const char *data, size_t len, int raw)
{
	z_stream z;
	int zr = Z_OK;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, raw ? -15 : 15 + 32) != Z_OK)
		return STANCE_ERROR;
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	while (zr != Z_STREAM_END) {
		if (out->size > STANCE_WARC_PAYLOAD_MAX) {
			inflateEnd(&z);
			return STANCE_EINVALID;
		}
		if (stance_buf_grow(out, 64 * 1024) < 0) {
			inflateEnd(&z);
			return STANCE_ERROR;
		}
		z.next_out = (unsigned char *)out->ptr + out->size;
		/* never more than one byte past the bound */
		z.avail_out = (uInt)(out->asize - out->size - 1);
		if (z.avail_out > STANCE_WARC_PAYLOAD_MAX + 1 - out->size)
			z.avail_out = (uInt)(STANCE_WARC_PAYLOAD_MAX + 1 - out->size);
		zr = inflate(&z, Z_NO_FLUSH);
		out->size = (size_t)((char *)z.next_out - out->ptr);
		out->ptr[out->size] = '\0';
		if (zr != Z_OK && zr != Z_STREAM_END)
			break;
	}
	inflateEnd(&z);
	if (out->size > STANCE_WARC_PAYLOAD_MAX)
		return STANCE_EINVALID;
	return zr == Z_STREAM_END ? 0 : STANCE_EPARSE;
}

static int decode_content(stance_buf *body, const char *encoding, const char *what)
{
	stance_buf out = STANCE_BUF_INIT;
	int error;
	if (!strcasecmp(encoding, "identity"))
		return 0;
	if (!strcasecmp(encoding, "gzip") || !strcasecmp(encoding, "x-gzip")) {
		error = inflate_into(&out, body->ptr ? body->ptr : "", body->size, 0);
	} else if (!strcasecmp(encoding, "deflate")) {
		if ((error = inflate_into(&out, body->ptr ? body->ptr : "", body->size, 0)) == STANCE_EPARSE) {
			stance_buf_clear(&out);
			error = inflate_into(&out, body->ptr ? body->ptr : "", body->size, 1);
		}
	} else {
		return stance_error_set(STANCE_EPARSE, "%s: the payload's Content-Encoding '%s' cannot be decoded "
			"(gzip, x-gzip and deflate can)", what, encoding);
	}
	if (error == STANCE_EPARSE)
		error = stance_error_set(STANCE_EPARSE, "%s: the payload does not inflate as its Content-Encoding '%s' says",
			what, encoding);
	else if (error == STANCE_EINVALID)
		error = stance_error_set(STANCE_EINVALID, "%s: the payload inflates past %zu MiB", what,
			STANCE_WARC_PAYLOAD_MAX >> 20);
	else if (error < 0)
		error = stance_error_oom();
	if (!error) {
		stance_buf_dispose(body);
		*body = out;
		if (!body->ptr)
			stance_buf_puts(body, "");
	} else {
		stance_buf_dispose(&out);
	}
	return error;
}

/* Whether a Transfer-Encoding names chunked (the last coding, as it must). */
static int chunked(const char *te)
{
	size_t n = strlen(te);
	while (n && (te[n - 1] == ' ' || te[n - 1] == '\t'))
		n--;
	return n >= 7 && !strncasecmp(te + n - 7, "chunked", 7);
}

int stance_http_response_parse(stance_http_response *out, const char *block, size_t len, const char *what)
{
	const char *p = block, *end = block + len, *nl, *e;
	const char *te, *ce;
	int error = 0;
	memset(out, 0, sizeof(*out));
	if (!(nl = memchr(p, '\n', len)) || len < 12 || memcmp(p, "HTTP/", 5)) {
		return stance_error_set(STANCE_EPARSE, "%s: the record's block is no HTTP response (no 'HTTP/1.x NNN' "
			"status line)", what);
	}
	e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	if (!(out->status_line = stance_strndup(p, (size_t)(e - p))))
		return stance_error_oom();
	{
		const char *sp = memchr(p, ' ', (size_t)(e - p));
		long status = 0;
		int i;
		for (i = 1; sp && i <= 3 && sp + i < e && sp[i] >= '0' && sp[i] <= '9'; i++)
			status = status * 10 + (sp[i] - '0');
		if (!sp || i != 4) {
			error = stance_error_set(STANCE_EPARSE, "%s: the HTTP status line '%s' has no three-digit status",
				what, out->status_line);
			goto fail;
		}
		out->status = status;
	}
	p = nl + 1;
	for (;;) {
		const char *colon;
		size_t cap = out->nheaders;
		if (!(nl = memchr(p, '\n', (size_t)(end - p)))) {
			error = stance_error_set(STANCE_EPARSE, "%s: the HTTP headers have no end (no empty line)", what);
			goto fail;
		}
		e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (e == p) {
			p = nl + 1;
			break;
		}
		if ((*p == ' ' || *p == '\t') && out->nheaders) {
			/* an obsolete folded line: part of the header before */
			stance_buf v = STANCE_BUF_INIT;
			const char *s = p;
			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
			stance_buf_printf(&v, "%s %.*s", out->headers[out->nheaders - 1].value, (int)(e - s), s);
			free(out->headers[out->nheaders - 1].value);
			out->headers[out->nheaders - 1].value = stance_buf_detach(&v);
			p = nl + 1;
			continue;
		}
		if (!(colon = memchr(p, ':', (size_t)(e - p))) || colon == p) {
			error = stance_error_set(STANCE_EPARSE, "%s: the HTTP header line '%.*s' has no name and colon", what,
				(int)(e - p > 60 ? 60 : e - p), p);
			goto fail;
		}
		if ((error = stance_array_grow(&out->headers, &cap, out->nheaders + 1, sizeof(*out->headers))) < 0)
			goto fail;
		{
			const char *v = colon + 1, *ve = e;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			out->headers[out->nheaders].name = stance_strndup(p, (size_t)(colon - p));
			out->headers[out->nheaders].value = stance_strndup(v, (size_t)(ve - v));
			out->nheaders++;
			if (!out->headers[out->nheaders - 1].name || !out->headers[out->nheaders - 1].value) {
				error = stance_error_oom();
				goto fail;
			}
		}
		p = nl + 1;
	}
	te = stance_http_header(out, "Transfer-Encoding");
	if (te && chunked(te))
		error = dechunk(&out->payload, p, (size_t)(end - p), what);
	else
		error = stance_buf_put(&out->payload, p, (size_t)(end - p));
	if (error < 0)
		goto fail;
	if (!out->payload.ptr && (error = stance_buf_puts(&out->payload, "")) < 0)
		goto fail;
	ce = stance_http_header(out, "Content-Encoding");
	if (ce && *ce && (error = decode_content(&out->payload, ce, what)) < 0)
		goto fail;
	return 0;
fail:
	stance_http_response_dispose(out);
	return error;
}
