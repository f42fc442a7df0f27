/*
 * sync_pack.c: the new objects of a push to, or a pull from, a repository
 * in a folder on this machine, when there are a few hundred or thousand of
 * them, go as one pack written here: each object whole (no delta search)
 * and compressed at zlib's fastest level, fed to libgit2's indexer
 * (git_odb_write_pack), which checks and names every object and writes
 * the index.
 *
 * libgit2's pack builder compresses at zlib's default level and cannot be
 * told otherwise, and its delta search finds little among the revisions of
 * different documents (their good bases, the older versions, are not in
 * the pack): for the 400 objects of a hundred revisions that deflate was
 * half the push, and the search most of the rest of a pull through
 * libgit2's local transport. git itself compresses loose objects at the
 * fastest level (core.looseCompression) and a small push is kept loose,
 * without deltas; creating 400 files and folders, though, cost up to half
 * a second of system time on a busy file system, one pack file does not.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sync_internal.h"

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

/* Orders ids for sort and uniq. */
static int oid_order(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* The listed objects `dest` lacks, each once, into `out` (a new array). */
static int missing_objects(git_oid **out, size_t *count, git_odb *dest, const sync_object_list *l)
{
	git_oid *ids;
	size_t i, n = 0;

	*out = NULL;
	*count = 0;
	if (!l->count)
		return 0;
	if (!(ids = malloc(l->count * sizeof(*ids))))
		return stance_error_oom();
	memcpy(ids, l->ids, l->count * sizeof(*ids));
	qsort(ids, l->count, sizeof(*ids), oid_order);
	for (i = 0; i < l->count; i++) {
		if (n && git_oid_equal(&ids[n - 1], &ids[i]))
			continue; /* listed twice (two commits with one tree) */
		/* the folder of packs is not read again on a miss: most are */
		if (git_odb_exists_ext(dest, &ids[i], GIT_ODB_LOOKUP_NO_REFRESH))
			continue;
		git_oid_cpy(&ids[n++], &ids[i]);
	}
	*out = ids;
	*count = n;
	return 0;
}

int sync_write_pack(size_t *bytes, git_repository *git, git_odb *dest, const sync_object_list *l,
	const char *dest_name)
{
	git_odb *odb = NULL;
	git_oid *ids = NULL;
	pack_out p;
	unsigned char head[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 }, sum[EVP_MAX_MD_SIZE];
	unsigned int sumlen = 0;
	size_t i, n = 0;
	int error, verify;

	*bytes = 0;
	memset(&p, 0, sizeof(p));
	if ((error = missing_objects(&ids, &n, dest, l)) < 0 || !n)
		goto done;
	if (n > 0xffffffffu) {
		error = stance_error_set(STANCE_ERROR, "too many objects for one pack");
		goto done;
	}
	if ((error = git_repository_odb(&odb, git)) < 0 ||
	    (error = git_odb_write_pack(&p.wp, dest, NULL, NULL)) < 0) {
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
	/* the objects are this repository's own, hashed when they were
	 * written; the indexer hashes each again for its name */
	verify = stance_git_verify_reads(0);
	for (i = 0; i < n && !error; i++) {
		git_odb_object *o = NULL;
		if ((error = git_odb_read(&o, odb, &ids[i])) < 0) {
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
		error = stance_error_set(STANCE_ERROR, "cannot compute the pack's checksum");
		goto done;
	}
	if ((error = flush_out(&p)) < 0)
		goto done;
	if ((error = p.wp->append(p.wp, sum, sumlen, &p.stats)) < 0 ||
	    (error = p.wp->commit(p.wp, &p.stats)) < 0)
		error = stance_git_error(error, "cannot write a pack into %s", dest_name);
done:
	if (p.z_ready)
		deflateEnd(&p.z);
	EVP_MD_CTX_free(p.sha1);
	free(p.buf);
	if (p.wp)
		p.wp->free(p.wp);
	git_odb_free(odb);
	free(ids);
	return error < 0 ? error : 0;
}
