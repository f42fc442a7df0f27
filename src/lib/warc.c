/*
 * warc.c: WARC files read and written (warc.h). A file is read whole and,
 * when it is gzip-compressed, inflated member after member (zlib), each
 * member's place kept so that a record is named by the offset a CDX index
 * would give it; the records are then cut from the inflated bytes by their
 * Content-Length. Written files are one gzip member a record, as the
 * reference tools write them, through a temporary file renamed at the end.
 * Debian has no C library for WARC, hence this small reader and writer.
 */
#include "internal.h"
#include "stance/warc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

/* ---- digests ---- */

int stance_warc_sha1(char out[38], const void *data, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, bits = 0, acc = 0, i;
	char *p = out;
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return stance_error_set(STANCE_ERROR, "cannot compute a SHA-1 digest");
	memcpy(p, "sha1:", 5);
	p += 5;
	/* base32 (RFC 4648): 160 bits are 32 characters, no padding */
	for (i = 0; i < mdlen; i++) {
		acc = (acc << 8) | md[i];
		bits += 8;
		while (bits >= 5) {
			*p++ = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	*p = '\0';
	return 0;
}

int stance_warc_record_id(char out[48], const void *seed, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(seed, len, md, &mdlen, EVP_sha1(), NULL) || mdlen < 16)
		return stance_error_set(STANCE_ERROR, "cannot compute a SHA-1 digest");
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 48, "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
		md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12],
		md[13], md[14], md[15]);
	return 0;
}

/* ---- reading ---- */

typedef struct {
	size_t plain;    /* where the member's bytes begin in the inflated data */
	uint64_t packed; /* where the member begins in the file */
} member;

struct stance_warc_reader {
	char *path;
	stance_buf data;      /* the file, inflated */
	member *members;      /* gzip members, in order (none for a plain file) */
	size_t nmembers, capmembers;
	int cut;              /* the last member ends early */
	size_t pos;           /* the next record's place in data */
	stance_warc_field *fields;
	size_t nfields, capfields;
};

/* Inflates the gzip members of raw[0, len) into r->data. A member that
 * ends early marks the reader cut (what inflated is kept, so the record
 * there can be named); bytes that are no gzip fail. */
static int inflate_members(stance_warc_reader *r, const unsigned char *raw, size_t len)
{
	size_t at = 0;
	int error = 0;
	while (at < len) {
		z_stream z;
		int zr = Z_OK;
		memset(&z, 0, sizeof(z));
		if (len - at < 2 || raw[at] != 0x1f || raw[at + 1] != 0x8b) {
			/* garbage after the last member */
			return stance_error_set(STANCE_EPARSE, "%s: bytes at offset %zu are not a gzip member "
				"(the file is not gzip-compressed throughout)", r->path, at);
		}
		if ((error = stance_array_grow(&r->members, &r->capmembers, r->nmembers + 1, sizeof(*r->members))) < 0)
			return error;
		r->members[r->nmembers].plain = r->data.size;
		r->members[r->nmembers].packed = at;
		r->nmembers++;
		if (inflateInit2(&z, 15 + 16) != Z_OK)
			return stance_error_set(STANCE_ERROR, "%s: cannot start zlib", r->path);
		z.next_in = (unsigned char *)raw + at;
		z.avail_in = (uInt)((len - at) > UINT32_MAX ? UINT32_MAX : len - at);
		while (zr != Z_STREAM_END) {
			if (r->data.size > STANCE_WARC_MAX_SIZE) {
				error = stance_error_set(STANCE_EINVALID, "%s inflates to more than %zu GiB, which stance does not "
					"read into memory; split it into smaller files", r->path, STANCE_WARC_MAX_SIZE >> 30);
				break;
			}
			if ((error = stance_buf_grow(&r->data, 256 * 1024)) < 0)
				break;
			z.next_out = (unsigned char *)r->data.ptr + r->data.size;
			z.avail_out = (uInt)(r->data.asize - r->data.size - 1 > (size_t)1 << 30 ? (size_t)1 << 30
				: r->data.asize - r->data.size - 1);
			zr = inflate(&z, Z_NO_FLUSH);
			r->data.size = (size_t)((char *)z.next_out - r->data.ptr);
			r->data.ptr[r->data.size] = '\0';
			if (zr == Z_BUF_ERROR && z.avail_in == 0) {
				r->cut = 1; /* the file ends inside the member */
				break;
			}
			if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
				error = stance_error_set(STANCE_EPARSE, "%s: the gzip member at offset %llu is corrupt (%s)",
					r->path, (unsigned long long)r->members[r->nmembers - 1].packed,
					z.msg ? z.msg : "zlib error");
				break;
			}
		}
		at = (size_t)(z.next_in - raw);
		inflateEnd(&z);
		if (error < 0 || r->cut)
			return error;
	}
	return 0;
}

/* A reader of the bytes in `raw` (taken over: disposed by the reader). */
static int reader_new(stance_warc_reader **out, const char *name, stance_buf *raw)
{
	stance_warc_reader *r = calloc(1, sizeof(*r));
	int error = 0;
	*out = NULL;
	if (!r || !(r->path = stance_strdup(name))) {
		free(r);
		stance_buf_dispose(raw);
		return stance_error_oom();
	}
	if (raw->size >= 2 && (unsigned char)raw->ptr[0] == 0x1f && (unsigned char)raw->ptr[1] == 0x8b) {
		error = inflate_members(r, (const unsigned char *)raw->ptr, raw->size);
	} else {
		r->data = *raw;
		memset(raw, 0, sizeof(*raw));
	}
	if (!error && !r->data.ptr)
		error = stance_buf_puts(&r->data, "");
	stance_buf_dispose(raw);
	if (error < 0) {
		stance_warc_reader_free(r);
		return error;
	}
	*out = r;
	return 0;
}

int stance_warc_reader_open(stance_warc_reader **out, const char *path)
{
	stance_buf raw = STANCE_BUF_INIT;
	int error;
	*out = NULL;
	if ((error = stance_file_read(&raw, path)) < 0)
		return error;
	return reader_new(out, path, &raw);
}

int stance_warc_reader_open_buffer(stance_warc_reader **out, const char *name, const void *data, size_t len)
{
	stance_buf raw = STANCE_BUF_INIT;
	*out = NULL;
	if (stance_buf_put(&raw, data, len) < 0 || (!raw.ptr && stance_buf_puts(&raw, "") < 0))
		return stance_error_oom();
	return reader_new(out, name, &raw);
}

/* Where the record beginning at data offset `pos` begins in the file. */
static uint64_t file_offset(const stance_warc_reader *r, size_t pos)
{
	size_t lo = 0, hi = r->nmembers;
	if (!r->nmembers)
		return pos;
	/* the last member that begins at or before pos */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (r->members[mid].plain <= pos)
			lo = mid;
		else
			hi = mid;
	}
	if (r->nmembers == 1)
		return pos; /* one member for the whole file: the uncompressed offset */
	return r->members[lo].packed;
}

static void clear_fields(stance_warc_reader *r)
{
	size_t i;
	for (i = 0; i < r->nfields; i++) {
		free(r->fields[i].name);
		free(r->fields[i].value);
	}
	r->nfields = 0;
}

const char *stance_warc_get(const stance_warc_record *rec, const char *name)
{
	size_t i;
	for (i = 0; i < rec->nfields; i++)
		if (!strcasecmp(rec->fields[i].name, name))
			return rec->fields[i].value;
	return NULL;
}

/* The end of the line at p (before its CRLF or LF) and where the next
 * begins; NULL when no line end comes before `end`. */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return NULL;
	*next = nl + 1;
	return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
}

static int trim_value(char **out, const char *v, const char *e)
{
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*out = stance_strndup(v, (size_t)(e - v));
	return *out ? 0 : stance_error_oom();
}

/* A sentence's start naming the record: "FILE: the record at offset N
 * (WARC-Record-ID <…>)". */
static void name_record(stance_buf *out, const stance_warc_reader *r, uint64_t offset, const stance_warc_record *rec)
{
	const char *id = rec ? stance_warc_get(rec, "WARC-Record-ID") : NULL;
	stance_buf_printf(out, "%s: the record at offset %llu", r->path, (unsigned long long)offset);
	if (id)
		stance_buf_printf(out, " (WARC-Record-ID %s)", id);
}

static int record_error(const stance_warc_reader *r, uint64_t offset, const stance_warc_record *rec,
	const char *what)
{
	stance_buf msg = STANCE_BUF_INIT;
	int error;
	name_record(&msg, r, offset, rec);
	stance_buf_printf(&msg, " %s", what);
	error = stance_error_set(STANCE_EPARSE, "%s", stance_buf_cstr(&msg));
	stance_buf_dispose(&msg);
	return error;
}

/* Checks a WARC-Block-Digest in sha1 (base32, or base16 as some tools
 * write it) against the block; other algorithms are not checked. */
static int check_block_digest(const stance_warc_reader *r, uint64_t offset, const stance_warc_record *rec)
{
	const char *want = stance_warc_get(rec, "WARC-Block-Digest");
	char got[38];
	int error;
	if (!want || strncasecmp(want, "sha1:", 5))
		return 0;
	if ((error = stance_warc_sha1(got, rec->block, rec->block_len)) < 0)
		return error;
	if (strlen(want) == 37 && !strcasecmp(want + 5, got + 5))
		return 0;
	if (strlen(want) == 45) {
		/* base16: compare against the hex of the same digest */
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int n = 0, i;
		char hex[41];
		EVP_Digest(rec->block, rec->block_len, md, &n, EVP_sha1(), NULL);
		for (i = 0; i < 20; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		if (!strcasecmp(want + 5, hex))
			return 0;
	}
	{
		stance_buf why = STANCE_BUF_INIT;
		stance_buf_printf(&why, "does not match its WARC-Block-Digest (%s; its block's is %s)", want, got);
		error = record_error(r, offset, rec, why.ptr);
		stance_buf_dispose(&why);
	}
	return error;
}

int stance_warc_reader_next(stance_warc_reader *r, stance_warc_record *rec)
{
	const char *base = r->data.ptr, *end = base + r->data.size, *p, *e, *next;
	uint64_t offset;
	const char *cl;
	unsigned long long n = 0;
	int error;

	memset(rec, 0, sizeof(*rec));
	clear_fields(r);
	p = base + r->pos;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p == end) {
		if (r->cut)
			return record_error(r, file_offset(r, (size_t)(p - base)), NULL,
				"is cut short: the file ends inside its gzip member");
		return 0;
	}
	offset = file_offset(r, (size_t)(p - base));
	rec->offset = offset;
	if (!(e = line_end(p, end, &next)) || e - p != 8 ||
	    (memcmp(p, "WARC/1.0", 8) && memcmp(p, "WARC/1.1", 8))) {
		if (!e && r->cut)
			return record_error(r, offset, NULL, "is cut short: the file ends inside its gzip member");
		return record_error(r, offset, NULL, "does not begin with a 'WARC/1.0' or 'WARC/1.1' line");
	}
	memcpy(rec->version, p, 8);
	rec->version[8] = '\0';
	p = next;
	for (;;) {
		const char *colon;
		if (!(e = line_end(p, end, &next))) {
			rec->fields = r->fields;
			rec->nfields = r->nfields;
			return record_error(r, offset, rec, "is cut short: its header has no end");
		}
		if (e == p) {
			p = next;
			break;
		}
		if ((*p == ' ' || *p == '\t') && r->nfields) {
			/* a continuation of the field before */
			stance_buf v = STANCE_BUF_INIT;
			char *more = NULL;
			if ((error = trim_value(&more, p, e)) < 0)
				return error;
			stance_buf_puts(&v, r->fields[r->nfields - 1].value);
			stance_buf_putc(&v, ' ');
			stance_buf_puts(&v, more);
			free(more);
			free(r->fields[r->nfields - 1].value);
			r->fields[r->nfields - 1].value = stance_buf_detach(&v);
			p = next;
			continue;
		}
		if (!(colon = memchr(p, ':', (size_t)(e - p))) || colon == p) {
			rec->fields = r->fields;
			rec->nfields = r->nfields;
			return record_error(r, offset, rec, "has a header line without a field name and a colon");
		}
		if ((error = stance_array_grow(&r->fields, &r->capfields, r->nfields + 1, sizeof(*r->fields))) < 0)
			return error;
		if (!(r->fields[r->nfields].name = stance_strndup(p, (size_t)(colon - p))))
			return stance_error_oom();
		if ((error = trim_value(&r->fields[r->nfields].value, colon + 1, e)) < 0) {
			free(r->fields[r->nfields].name);
			return error;
		}
		r->nfields++;
		p = next;
	}
	rec->fields = r->fields;
	rec->nfields = r->nfields;
	cl = stance_warc_get(rec, "Content-Length");
	if (!cl || !*cl || strspn(cl, "0123456789") != strlen(cl) || strlen(cl) > 15)
		return record_error(r, offset, rec, cl ? "has a Content-Length that is not a number"
			: "has no Content-Length");
	n = strtoull(cl, NULL, 10);
	if ((unsigned long long)(end - p) < n)
		return record_error(r, offset, rec, "is cut short: its block is shorter than its Content-Length");
	rec->block = p;
	rec->block_len = (size_t)n;
	p += n;
	/* the block is followed by two CRLF */
	if ((end - p >= 4 && !memcmp(p, "\r\n\r\n", 4)))
		p += 4;
	else if (end - p >= 2 && !memcmp(p, "\n\n", 2))
		p += 2;
	else if ((end - p < 4 && r->cut) || end - p == 0 || (end - p < 4 && !memcmp(p, "\r\n\r\n", (size_t)(end - p))))
		return record_error(r, offset, rec, "is cut short: its block is not followed by two CRLF");
	else
		return record_error(r, offset, rec, "is longer than its Content-Length (its block is not followed by "
			"two CRLF)");
	if ((error = check_block_digest(r, offset, rec)) < 0)
		return error;
	r->pos = (size_t)(p - base);
	return 1;
}

void stance_warc_reader_free(stance_warc_reader *r)
{
	if (!r)
		return;
	clear_fields(r);
	free(r->fields);
	free(r->members);
	free(r->path);
	stance_buf_dispose(&r->data);
	free(r);
}

/* ---- writing ---- */

struct stance_warc_writer {
	char *path;
	char *tmp;
	FILE *f;
};

int stance_warc_writer_open(stance_warc_writer **out, const char *path)
{
	stance_warc_writer *w = calloc(1, sizeof(*w));
	stance_buf tmp = STANCE_BUF_INIT;
	*out = NULL;
	if (!w)
		return stance_error_oom();
	stance_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	w->path = stance_strdup(path);
	w->tmp = stance_buf_detach(&tmp);
	if (!w->path || !w->tmp) {
		stance_warc_writer_abort(w);
		return stance_error_oom();
	}
	if (!(w->f = fopen(w->tmp, "wb"))) {
		int error = stance_error_set(STANCE_ERROR, "%s: cannot write: %s", path, strerror(errno));
		free(w->path);
		free(w->tmp);
		free(w);
		return error;
	}
	*out = w;
	return 0;
}

/* Deflates data[0, len) into the member `z`, writing what comes out. */
static int deflate_put(stance_warc_writer *w, z_stream *z, const void *data, size_t len, int flush)
{
	unsigned char chunk[64 * 1024];
	int zr;
	z->next_in = (unsigned char *)data;
	z->avail_in = (uInt)len;
	do {
		z->next_out = chunk;
		z->avail_out = sizeof(chunk);
		zr = deflate(z, flush);
		if (zr == Z_STREAM_ERROR)
			return stance_error_set(STANCE_ERROR, "%s: zlib cannot compress", w->path);
		if (fwrite(chunk, 1, sizeof(chunk) - z->avail_out, w->f) != sizeof(chunk) - z->avail_out)
			return stance_error_set(STANCE_ERROR, "%s: cannot write: %s", w->path, strerror(errno));
	} while (z->avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

int stance_warc_write(stance_warc_writer *w, const char *version, const stance_warc_field *fields,
	size_t n, const void *block, size_t len)
{
	stance_buf head = STANCE_BUF_INIT;
	char digest[38];
	z_stream z;
	size_t i;
	int error;
	memset(&z, 0, sizeof(z));
	if ((error = stance_warc_sha1(digest, block, len)) < 0)
		return error;
	stance_buf_printf(&head, "%s\r\n", version);
	for (i = 0; i < n; i++)
		stance_buf_printf(&head, "%s: %s\r\n", fields[i].name, fields[i].value);
	stance_buf_printf(&head, "WARC-Block-Digest: %s\r\nContent-Length: %zu\r\n\r\n", digest, len);
	if (!head.ptr)
		return stance_error_oom();
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		stance_buf_dispose(&head);
		return stance_error_set(STANCE_ERROR, "%s: cannot start zlib", w->path);
	}
	if ((error = deflate_put(w, &z, head.ptr, head.size, Z_NO_FLUSH)) == 0 &&
	    (error = deflate_put(w, &z, block, len, Z_NO_FLUSH)) == 0)
		error = deflate_put(w, &z, "\r\n\r\n", 4, Z_FINISH);
	deflateEnd(&z);
	stance_buf_dispose(&head);
	return error;
}

int stance_warc_writer_close(stance_warc_writer *w)
{
	int error = 0;
	if (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0)
		error = stance_error_set(STANCE_ERROR, "%s: cannot write: %s", w->path, strerror(errno));
	if (fclose(w->f) != 0 && !error)
		error = stance_error_set(STANCE_ERROR, "%s: cannot write: %s", w->path, strerror(errno));
	w->f = NULL;
	if (!error && rename(w->tmp, w->path) != 0)
		error = stance_error_set(STANCE_ERROR, "%s: cannot rename %s into place: %s", w->path, w->tmp,
			strerror(errno));
	if (error)
		unlink(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w);
	return error;
}

void stance_warc_writer_abort(stance_warc_writer *w)
{
	if (!w)
		return;
	if (w->f)
		fclose(w->f);
	if (w->tmp)
		unlink(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w);
}
