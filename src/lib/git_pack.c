/*
 * git_pack.c: objects written as one pack of whole objects (no delta
 * search), each compressed at zlib's fastest level, fed to libgit2's
 * indexer (git_odb_write_pack), which checks the trailer, names every
 * object and writes the index. Used for the few hundred or thousand new
 * objects of a push to or a pull from a folder (sync_pack.c) and of a
 * small batch (batch.c).
 *
 * libgit2's pack builder compresses at zlib's default level and cannot be
 * told otherwise, and its delta search finds little among the new revisions
 * of different documents (their good bases, the older versions, are not in
 * the pack): for the 400 objects of a hundred revisions that deflate was
 * half of a push and a quarter of an import of them. git itself compresses
 * loose objects at the fastest level (core.looseCompression) and keeps a
 * small push loose, without deltas; creating 400 files and folders, though,
 * cost up to half a second of system time on a busy file system, one pack
 * file does not.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "git_internal.h"

/* Written to the indexer in pieces of about this size. */
#define CHUNK ((size_t)256 << 10)

typedef struct {
	git_odb_writepack *wp;
	git_indexer_progress stats;
	EVP_MD_CTX *sha1;
	unsigned char *buf;
	size_t len;
	z_stream z;
	int z_ready;
} pack_out;

/* Hands what is buffered to the indexer. */
static int flush_out(pack_out *p)
{
	int error = 0;
	if (p->len && (error = p->wp->append(p->wp, p->buf, p->len, &p->stats)) < 0)
		error = stance_git_error(error, "cannot write the pack");
	p->len = 0;
	return error;
}

/* Appends bytes to the pack: into its checksum and the buffer. */
static int put(pack_out *p, const void *data, size_t n)
{
	const unsigned char *d = data;
	if (!EVP_DigestUpdate(p->sha1, d, n))
		return stance_error_set(STANCE_ERROR, "cannot compute the pack's checksum");
	while (n) {
		size_t k = CHUNK - p->len < n ? CHUNK - p->len : n;
		int error;
		memcpy(p->buf + p->len, d, k);
		p->len += k;
		d += k;
		n -= k;
		if (p->len == CHUNK && (error = flush_out(p)) < 0)
			return error;
	}
	return 0;
}

/* One object: its type and size (pack format version 2), then its data as
 * one zlib stream. */
static int put_object(pack_out *p, git_object_t type, const unsigned char *data, size_t size)
{
	unsigned char head[16], out[16384];
	size_t n = 0, left = size;
	int zret, error;

	head[n++] = (unsigned char)(((unsigned)type << 4) | (left & 0x0f));
	left >>= 4;
	while (left) {
		head[n - 1] |= 0x80;
		head[n++] = (unsigned char)(left & 0x7f);
		left >>= 7;
	}
	if ((error = put(p, head, n)) < 0)
		return error;
	if (deflateReset(&p->z) != Z_OK)
		return stance_error_set(STANCE_ERROR, "cannot compress an object for the pack");
	p->z.next_in = (unsigned char *)data;
	p->z.avail_in = 0;
	left = size;
	do {
		/* zlib counts in uInt: a large object goes in pieces */
		if (!p->z.avail_in && left) {
			uInt take = left > (1u << 30) ? (1u << 30) : (uInt)left;
			p->z.avail_in = take;
			left -= take;
		}
		p->z.next_out = out;
		p->z.avail_out = sizeof(out);
		zret = deflate(&p->z, left || p->z.avail_in ? Z_NO_FLUSH : Z_FINISH);
		if (zret == Z_STREAM_ERROR)
			return stance_error_set(STANCE_ERROR, "cannot compress an object for the pack");
		if ((error = put(p, out, sizeof(out) - p->z.avail_out)) < 0)
			return error;
	} while (zret != Z_STREAM_END);
	return 0;
}

int stance_git_write_whole_pack(size_t *bytes, git_odb *src, git_odb *dest, const git_oid *ids, size_t n,
	const char *dest_name)
{
	pack_out p;
	unsigned char head[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 }, sum[EVP_MAX_MD_SIZE];
	unsigned int sumlen = 0;
	size_t i;
	int error, verify;

	*bytes = 0;
	memset(&p, 0, sizeof(p));
	if (!n)
		return 0;
	if (n > 0xffffffffu)
		return stance_error_set(STANCE_ERROR, "too many objects for one pack into %s", dest_name);
	if ((error = git_odb_write_pack(&p.wp, dest, NULL, NULL)) < 0) {
		error = stance_git_error(error, "cannot write a pack into %s", dest_name);
		goto done;
	}
	if (!(p.buf = malloc(CHUNK)) || !(p.sha1 = EVP_MD_CTX_new())) {
		error = stance_error_oom();
		goto done;
	}
	if (!EVP_DigestInit_ex(p.sha1, EVP_sha1(), NULL) || deflateInit(&p.z, Z_BEST_SPEED) != Z_OK) {
		error = stance_error_set(STANCE_ERROR, "cannot start writing a pack into %s", dest_name);
		goto done;
	}
	p.z_ready = 1;
	head[8] = (unsigned char)(n >> 24);
	head[9] = (unsigned char)(n >> 16);
	head[10] = (unsigned char)(n >> 8);
	head[11] = (unsigned char)n;
	if ((error = put(&p, head, sizeof(head))) < 0)
		goto done;
	/* the objects were hashed when they were written; the indexer hashes
	 * each again for its name */
	verify = stance_git_verify_reads(0);
	for (i = 0; i < n && !error; i++) {
		git_odb_object *o = NULL;
		if ((error = git_odb_read(&o, src, &ids[i])) < 0) {
			error = stance_git_error(error, "cannot read object %s", git_oid_tostr_s(&ids[i]));
			break;
		}
		error = put_object(&p, git_odb_object_type(o), git_odb_object_data(o), git_odb_object_size(o));
		*bytes += git_odb_object_size(o);
		git_odb_object_free(o);
	}
	stance_git_verify_reads(verify);
	if (error < 0)
		goto done;
	/* the trailer: the checksum of all that came before, not itself in it */
	if (!EVP_DigestFinal_ex(p.sha1, sum, &sumlen) || sumlen != 20) {
		error = stance_error_set(STANCE_ERROR, "cannot compute the checksum of a pack into %s", dest_name);
		goto done;
	}
	if ((error = flush_out(&p)) < 0)
		goto done;
	if ((error = p.wp->append(p.wp, sum, sumlen, &p.stats)) < 0 ||
	    (error = p.wp->commit(p.wp, &p.stats)) < 0)
		error = stance_git_error(error, "cannot write a pack into %s", dest_name);
done:
	if (error < 0 && !strstr(stance_error_last(), dest_name)) {
		/* the messages of put() and flush_out() name no repository */
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", stance_error_last());
		error = stance_error_set(error, "%s (a pack into %s)", msg, dest_name);
	}
	if (p.z_ready)
		deflateEnd(&p.z);
	EVP_MD_CTX_free(p.sha1);
	free(p.buf);
	if (p.wp)
		p.wp->free(p.wp);
	return error < 0 ? error : 0;
}
