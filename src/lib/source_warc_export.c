/*
 * source_warc_export.c: the stored snapshots written out as a WARC file
 * (`stance export --warc`): every version that names a snapshot becomes a
 * `response` record, the HTTP status line and headers from the version's
 * HTTP-Status and HTTP-Header trailers (fetch keeps them; older snapshots
 * get HTTP/1.1 200 OK and a Content-Type), the snapshot as its payload,
 * written by warc.h one gzip member a record after a `warcinfo` record.
 */
#include "source_internal.h"
#include "stance/history.h"
#include "stance/store.h"
#include "stance/warc.h"

#include <stdio.h>
#include <strings.h>
#include <time.h>

/* The value of the last trailer `key` of commit message `msg`, copied into
 * `out` (cleared first); 0 when found, STANCE_ENOTFOUND otherwise. */
static int trailer(stance_buf *out, const char *msg, const char *key)
{
	size_t n = strlen(key);
	const char *p = msg, *found = NULL;
	stance_buf_clear(out);
	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == ':' && p[n + 1] == ' ')
			found = p + n + 2;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!found)
		return STANCE_ENOTFOUND;
	return stance_buf_put(out, found, strcspn(found, "\n"));
}

/* The snapshot of `id` in snapshot commit `commit`; its extension in *ext. */
static int read_snapshot(stance_buf *out, const char **ext, stance_repo *repo, const char *commit, const char *id)
{
	static const char *const exts[] = { "html", "xhtml", "htm", "xml", "txt", "pdf" };
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(exts); i++) {
		stance_buf path = STANCE_BUF_INIT;
		int error;
		stance_buf_printf(&path, "%s.%s", id, exts[i]);
		error = stance_store_read_file(out, repo, commit, path.ptr);
		stance_buf_dispose(&path);
		if (error != STANCE_ENOTFOUND) {
			*ext = exts[i];
			return error;
		}
		stance_error_clear();
	}
	return stance_error_set(STANCE_ENOTFOUND, "%s: its snapshot %s is not on the snapshots branch", id, commit);
}

static const char *type_of_ext(const char *ext)
{
	if (!strcmp(ext, "xhtml"))
		return "application/xhtml+xml";
	if (!strcmp(ext, "xml"))
		return "application/xml";
	if (!strcmp(ext, "txt"))
		return "text/plain";
	if (!strcmp(ext, "pdf"))
		return "application/pdf";
	return "text/html";
}

/* The HTTP head of a version: its HTTP-Status and HTTP-Header trailers,
 * else a synthesised 200 with the snapshot's Content-Type (*synthesised
 * set); Content-Length the snapshot's either way. */
static int http_head(stance_buf *out, int *synthesised, const char *msg, const char *ext, size_t len)
{
	stance_buf status = STANCE_BUF_INIT;
	const char *p;
	size_t n = strlen("HTTP-Header: ");
	*synthesised = trailer(&status, msg, "HTTP-Status") < 0;
	if (*synthesised) {
		stance_buf_printf(out, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n", type_of_ext(ext));
	} else {
		stance_buf_printf(out, "%s\r\n", status.ptr);
		for (p = msg; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			if (!strncmp(p, "HTTP-Header: ", n))
				stance_buf_printf(out, "%.*s\r\n", (int)strcspn(p + n, "\n"), p + n);
	}
	stance_buf_printf(out, "Content-Length: %zu\r\n\r\n", len);
	stance_buf_dispose(&status);
	return out->ptr ? 0 : stance_error_oom();
}

static int wanted(const stance_warc_export_options *o, const char *id)
{
	size_t i;
	if (!o->nids)
		return 1;
	for (i = 0; i < o->nids; i++)
		if (!strcmp(o->ids[i], id))
			return 1;
	return 0;
}

static int write_warcinfo(stance_warc_writer *w, char id[48], const char *path)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	stance_buf seed = STANCE_BUF_INIT, block = STANCE_BUF_INIT;
	stance_warc_field f[5];
	int error;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	stance_buf_printf(&seed, "warcinfo %s %s", name, when);
	if ((error = stance_warc_record_id(id, seed.ptr, seed.size)) < 0)
		goto done;
	stance_buf_printf(&block, "software: stance/%s\r\nformat: WARC File Format 1.1\r\n"
		"conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
		STANCE_VERSION);
	f[0] = (stance_warc_field){ "WARC-Type", "warcinfo" };
	f[1] = (stance_warc_field){ "WARC-Record-ID", id };
	f[2] = (stance_warc_field){ "WARC-Date", when };
	f[3] = (stance_warc_field){ "WARC-Filename", (char *)name };
	f[4] = (stance_warc_field){ "Content-Type", "application/warc-fields" };
	error = stance_warc_write(w, "WARC/1.1", f, 5, block.ptr, block.size);
done:
	stance_buf_dispose(&seed);
	stance_buf_dispose(&block);
	return error;
}

/* One version's snapshot as a response record. */
static int write_response(stance_warc_writer *w, stance_warc_export_report *report, stance_repo *repo,
	const stance_revision *rev, const char *info_id)
{
	stance_buf url = STANCE_BUF_INIT, when = STANCE_BUF_INIT, snap = STANCE_BUF_INIT, raw = STANCE_BUF_INIT;
	stance_buf block = STANCE_BUF_INIT, seed = STANCE_BUF_INIT;
	const char *ext = NULL;
	char rid[48], digest[38];
	stance_warc_field f[8];
	int error, synthesised = 0;
	if (trailer(&snap, rev->message, "Snapshot") < 0 || trailer(&url, rev->message, "Source") < 0) {
		error = 0; /* a version without a snapshot or a source: nothing to write */
		goto done;
	}
	if (trailer(&when, rev->message, "Fetched-At") < 0) {
		char t[32];
		time_t tt = (time_t)rev->time;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
		stance_buf_puts(&when, t);
	}
	if ((error = read_snapshot(&raw, &ext, repo, snap.ptr, rev->id)) < 0 ||
	    (error = http_head(&block, &synthesised, rev->message, ext, raw.size)) < 0 ||
	    (error = stance_buf_put(&block, raw.ptr ? raw.ptr : "", raw.size)) < 0 ||
	    (error = stance_warc_sha1(digest, raw.ptr ? raw.ptr : "", raw.size)) < 0)
		goto done;
	stance_buf_printf(&seed, "response %s %s %s", rev->commit, rev->id, url.ptr);
	if ((error = stance_warc_record_id(rid, seed.ptr, seed.size)) < 0)
		goto done;
	f[0] = (stance_warc_field){ "WARC-Type", "response" };
	f[1] = (stance_warc_field){ "WARC-Record-ID", rid };
	f[2] = (stance_warc_field){ "WARC-Warcinfo-ID", (char *)info_id };
	f[3] = (stance_warc_field){ "WARC-Target-URI", url.ptr };
	f[4] = (stance_warc_field){ "WARC-Date", when.ptr };
	f[5] = (stance_warc_field){ "WARC-Payload-Digest", digest };
	f[6] = (stance_warc_field){ "Content-Type", "application/http; msgtype=response" };
	if ((error = stance_warc_write(w, "WARC/1.1", f, 7, block.ptr, block.size)) < 0)
		goto done;
	report->records++;
	report->synthesised += (size_t)synthesised;
done:
	stance_buf_dispose(&url);
	stance_buf_dispose(&when);
	stance_buf_dispose(&snap);
	stance_buf_dispose(&raw);
	stance_buf_dispose(&block);
	stance_buf_dispose(&seed);
	return error;
}

int stance_source_export_warc(stance_warc_export_report *report, stance_repo *repo, const char *path,
	const stance_warc_export_options *opts)
{
	stance_warc_export_options defaults = STANCE_WARC_EXPORT_OPTIONS_INIT;
	stance_history_options ho = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list revs = { NULL, 0 };
	stance_warc_writer *w = NULL;
	char info_id[48];
	char **seen = NULL;
	size_t i, k, nseen = 0;
	int error;
	STANCE_CHECK_OPTIONS(opts, STANCE_WARC_EXPORT_OPTIONS_VERSION, "stance_warc_export_options");
	if (!opts)
		opts = &defaults;
	memset(report, 0, sizeof(*report));
	ho.since = opts->since;
	if ((error = stance_history_list(&revs, repo, &ho)) < 0)
		return error;
	for (i = 0; i < opts->nids; i++) {
		for (k = 0; k < revs.count && strcmp(revs.items[k].id, opts->ids[i]); k++)
			;
		if (k == revs.count) {
			error = stance_error_set(STANCE_ENOTFOUND, "there is no document '%s' with a revision%s", opts->ids[i],
				opts->since ? " since that date" : "");
			goto done;
		}
	}
	if (!(seen = calloc(revs.count + 1, sizeof(*seen)))) {
		error = stance_error_oom();
		goto done;
	}
	if ((error = stance_warc_writer_open(&w, path)) < 0 || (error = write_warcinfo(w, info_id, path)) < 0)
		goto done;
	/* oldest first: the list is newest first */
	for (i = revs.count; i-- > 0;) {
		const stance_revision *rev = &revs.items[i];
		size_t before = report->records;
		if (rev->removed || !wanted(opts, rev->id))
			continue;
		if ((error = write_response(w, report, repo, rev, info_id)) < 0)
			goto done;
		if (report->records > before) {
			for (k = 0; k < nseen && strcmp(seen[k], rev->id); k++)
				;
			if (k == nseen) {
				seen[nseen++] = rev->id;
				report->documents++;
			}
		}
	}
	error = stance_warc_writer_close(w);
	w = NULL;
done:
	stance_warc_writer_abort(w);
	free(seen);
	stance_revision_list_free(&revs);
	return error;
}
