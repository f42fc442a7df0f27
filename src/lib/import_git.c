/*
 * import_git.c: `stance import --git PATH-or-URL`, a git history of Markdown
 * versions (a terms archive laid out as SERVICE/DOCUMENT.md) written as one
 * revision per source commit that changed a matched file, with that commit's
 * author, author date and message (stance_import_git).
 *
 * The source's commits are walked oldest first; each is compared with its
 * first parent, and every added or changed file the glob matches becomes a
 * revision of the document its path names. The revisions go into one batch
 * (stance_batch), which is only finished when every file has been read: a
 * file that is not a valid document fails the import, naming its path and
 * commit, and the unfinished batch leaves the repository as it was.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <fnmatch.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_internal.h"
#include "stance/batch.h"
#include "stance/document.h"
#include "stance/history.h"
#include "stance/import.h"
#include "stance/repo.h"
#include "stance/store.h"

/* A document seen in this import and the source path it came from. */
typedef struct {
	char *id;
	char *path;
} seen_doc;

typedef struct {
	seen_doc *v;
	size_t n, cap;
} seen_list;

static void seen_free(seen_list *l)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].path);
	}
	free(l->v);
}

/* Two source paths must not fall on one document: their histories would
 * interleave into nonsense. */
static int seen_check(seen_list *l, const char *id, const char *path, const char *source)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].id, id)) {
			if (strcmp(l->v[i].path, path))
				return stance_error_set(STANCE_EINVALID, "%s: '%s' and '%s' would both be "
					"document '%s'; give --id a template that tells them apart; nothing "
					"was imported", source, l->v[i].path, path, id);
			return 0;
		}
	if (stance_array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
		return STANCE_ERROR;
	l->v[l->n].id = stance_strdup(id);
	l->v[l->n].path = stance_strdup(path);
	if (!l->v[l->n].id || !l->v[l->n].path) {
		free(l->v[l->n].id);
		free(l->v[l->n].path);
		return STANCE_ERROR;
	}
	l->n++;
	return 0;
}

/* Appends the slug of each '/'-separated segment of s[0..len), joined by '/'. */
static int put_slugged(stance_buf *out, const char *s, size_t len, const char *path)
{
	stance_buf seg = STANCE_BUF_INIT, slug = STANCE_BUF_INIT;
	size_t i = 0, start;
	int error = 0, first = 1;
	while (i <= len && !error) {
		start = i;
		while (i < len && s[i] != '/')
			i++;
		stance_buf_clear(&seg);
		stance_buf_clear(&slug);
		if ((error = stance_buf_put(&seg, s + start, i - start)) < 0 ||
		    (error = stance_slugify(&slug, stance_buf_cstr(&seg))) < 0)
			break;
		if (!slug.size) {
			error = stance_error_set(STANCE_EINVALID, "%s: '%.*s' gives no id segment; give "
				"--id a template", path, (int)(i - start), s + start);
			break;
		}
		if ((!first && (error = stance_buf_puts(out, "/")) < 0) ||
		    (error = stance_buf_put(out, slug.ptr, slug.size)) < 0)
			break;
		first = 0;
		i++;
	}
	stance_buf_dispose(&seg);
	stance_buf_dispose(&slug);
	return error < 0 ? error : 0;
}

int stance_import_git_id(stance_buf *out, const char *template, const char *path)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path, *dot, *t;
	size_t stem_len, name_len, dir_len = slash ? (size_t)(slash - path) : 0;
	int error = 0;

	if (!template)
		template = "{path}";
	dot = strrchr(name, '.');
	name_len = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	stem_len = (size_t)(name - path) + name_len;
	for (t = template; *t && !error; ) {
		if (!strncmp(t, "{path}", 6)) {
			error = put_slugged(out, path, stem_len, path);
			t += 6;
		} else if (!strncmp(t, "{dir}", 5)) {
			if (!dir_len)
				return stance_error_set(STANCE_EINVALID, "%s: no folder for {dir} of the "
					"--id template", path);
			error = put_slugged(out, path, dir_len, path);
			t += 5;
		} else if (!strncmp(t, "{name}", 6)) {
			error = put_slugged(out, name, name_len, path);
			t += 6;
		} else {
			error = stance_buf_put(out, t, 1);
			t++;
		}
	}
	if (error < 0)
		return error;
	if ((error = stance_id_validate(stance_buf_cstr(out))) < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", stance_error_last());
		return stance_error_set(error, "%s: the id '%s' from the template '%s': %s", path,
			stance_buf_cstr(out), template, msg);
	}
	return 0;
}

/* nftw callback: removes what the temporary clone left. */
static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* The last message with "; nothing was imported" after it. */
static int nothing_imported(int code)
{
	char msg[2048];
	snprintf(msg, sizeof(msg), "%s", stance_error_last());
	return stance_error_set(code, "%s; nothing was imported", msg);
}

/* Opens the source: a local repository (bare or not), or a URL (anything
 * with "://") cloned bare into `tmp`, which the caller removes. */
static int open_source(git_repository **out, const char *source, char *tmp, size_t tmplen)
{
	struct stat st;
	int rc;

	tmp[0] = '\0';
	if (strstr(source, "://")) {
		git_clone_options co;
		const char *base = getenv("TMPDIR");
		git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
		snprintf(tmp, tmplen, "%s/stance-import-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmp)) {
			tmp[0] = '\0';
			return stance_error_set(STANCE_ERROR, "%s: cannot make a temporary folder to clone "
				"into; nothing was imported", source);
		}
		co.bare = 1;
		if ((rc = git_clone(out, source, tmp, &co)) < 0)
			return nothing_imported(stance_git_error(rc, "%s: cannot clone", source));
		return 0;
	}
	if (stat(source, &st) != 0)
		return stance_error_set(STANCE_ENOTFOUND, "%s: no such folder; nothing was imported", source);
	if (!S_ISDIR(st.st_mode))
		return stance_error_set(STANCE_EINVALID, "%s: not a folder (a git repository is); "
			"nothing was imported", source);
	if (git_repository_open_ext(out, source, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return stance_error_set(STANCE_EINVALID, "%s: not a git repository; nothing was imported",
			source);
	return 0;
}

/* The commit's message without its trailing line breaks; NULL for none. */
static char *commit_message(const git_commit *c)
{
	const char *m = git_commit_message(c);
	size_t n = m ? strlen(m) : 0;
	char *s;
	while (n && (m[n - 1] == '\n' || m[n - 1] == '\r' || m[n - 1] == ' '))
		n--;
	if (!n || !(s = malloc(n + 1)))
		return NULL;
	memcpy(s, m, n);
	s[n] = '\0';
	return s;
}

/* One changed file of one commit, written into the batch. */
static int import_file(stance_import_git_report *report, stance_batch *batch,
	const stance_history_dates *stored, git_repository *src,
	const git_commit *commit, const git_diff_delta *d, const char *source, seen_list *seen,
	const stance_import_git_options *opts)
{
	const git_signature *author = git_commit_author(commit);
	const char *path = d->new_file.path;
	stance_buf id = STANCE_BUF_INIT, origin = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	stance_save_options save = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result result;
	git_blob *blob = NULL;
	char sha[GIT_OID_HEXSZ + 1];
	char *message = NULL;
	int64_t latest, when = author->when.time;
	int error;

	git_oid_tostr(sha, sizeof(sha), git_commit_id(commit));
	if ((error = stance_import_git_id(&id, opts->id_template, path)) < 0) {
		error = nothing_imported(error);
		goto done;
	}
	if ((error = seen_check(seen, id.ptr, path, source)) < 0)
		goto done;
	latest = stance_history_dates_newest(stored, id.ptr);
	if (when < 1)
		when = 1;
	/* what the repository has of this document up to its newest stored
	 * revision is taken to be there (a re-run imports only what is new) */
	if (latest && when <= latest) {
		report->skipped++;
		goto done;
	}
	if ((error = git_blob_lookup(&blob, src, &d->new_file.id)) < 0) {
		error = nothing_imported(stance_git_error(error, "%s: %s at commit %.7s", source, path, sha));
		goto done;
	}
	if ((error = stance_buf_printf(&origin, "%s at commit %.7s", path, sha)) < 0)
		goto done;
	if ((error = stance_document_parse(&doc, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
		origin.ptr)) < 0 || (error = stance_document_set(doc, "id", id.ptr)) < 0) {
		error = nothing_imported(error);
		goto done;
	}
	message = commit_message(commit);
	save.time = when;
	save.tz_minutes = author->when.offset;
	save.author_name = author->name;
	save.author_email = author->email;
	save.message = message;
	if ((error = stance_batch_save(&result, batch, doc, &save)) < 0) {
		char msg[2048];
		snprintf(msg, sizeof(msg), "%s", stance_error_last());
		error = stance_error_set(error, "%s: %s: %s; nothing was imported", origin.ptr, id.ptr, msg);
		goto done;
	}
	if (result.changed)
		report->written++;
	else
		report->skipped++;
done:
	git_blob_free(blob);
	stance_document_free(doc);
	stance_buf_dispose(&id);
	stance_buf_dispose(&origin);
	free(message);
	return error < 0 ? error : 0;
}

int stance_import_git(stance_import_git_report *report, stance_repo *repo, const char *source,
	const stance_import_git_options *opts)
{
	static const stance_import_git_options defaults = STANCE_IMPORT_GIT_OPTIONS_INIT;
	git_repository *src = NULL;
	git_revwalk *walk = NULL;
	stance_batch *batch = NULL;
	stance_history_dates *stored = NULL;
	seen_list seen = { NULL, 0, 0 };
	const char *glob;
	char tmp[4096];
	git_oid oid;
	int error, rc, locked = 0;

	memset(report, 0, sizeof(*report));
	tmp[0] = '\0';
	if (!opts)
		opts = &defaults;
	if (opts->version != STANCE_IMPORT_GIT_OPTIONS_VERSION)
		return stance_error_set(STANCE_EINVALID, "stance_import_git_options: unknown version %u",
			opts->version);
	glob = opts->path_glob ? opts->path_glob : "*/*.md";
	stance_git_init();
	if ((error = open_source(&src, source, tmp, sizeof(tmp))) < 0)
		goto done;
	if ((rc = git_revwalk_new(&walk, src)) < 0 ||
	    (rc = git_revwalk_sorting(walk, GIT_SORT_TIME | GIT_SORT_REVERSE)) < 0 ||
	    (rc = git_revwalk_push_head(walk)) < 0) {
		error = nothing_imported(stance_git_error(rc, "%s: cannot read its history", source));
		goto done;
	}
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0) {
		error = nothing_imported(error);
		goto done;
	}
	locked = 1;
	/* each document's newest stored revision, from the revision table */
	if ((error = stance_batch_new(&batch, repo)) < 0 ||
	    (error = stance_history_dates_load(&stored, repo)) < 0) {
		error = nothing_imported(error);
		goto done;
	}
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *commit = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_diff *diff = NULL;
		size_t i, n;

		if ((rc = git_commit_lookup(&commit, src, &oid)) < 0 ||
		    (rc = git_commit_tree(&tree, commit)) < 0 ||
		    (git_commit_parentcount(commit) > 0 &&
		     ((rc = git_commit_parent(&parent, commit, 0)) < 0 ||
		      (rc = git_commit_tree(&ptree, parent)) < 0)) ||
		    (rc = git_diff_tree_to_tree(&diff, src, ptree, tree, NULL)) < 0) {
			char sha[GIT_OID_HEXSZ + 1];
			git_oid_tostr(sha, sizeof(sha), &oid);
			error = nothing_imported(stance_git_error(rc, "%s: cannot read commit %.7s", source, sha));
		} else {
			n = git_diff_num_deltas(diff);
			for (i = 0; i < n && error >= 0; i++) {
				const git_diff_delta *d = git_diff_get_delta(diff, i);
				/* a removed file is not a revision; a submodule or link is no document */
				if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED &&
				    d->status != GIT_DELTA_TYPECHANGE)
					continue;
				if ((d->new_file.mode != GIT_FILEMODE_BLOB &&
				     d->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE) ||
				    fnmatch(glob, d->new_file.path, 0) != 0)
					continue;
				report->matched++;
				error = import_file(report, batch, stored, src, commit, d, source, &seen, opts);
			}
		}
		git_diff_free(diff);
		git_tree_free(ptree);
		git_tree_free(tree);
		git_commit_free(parent);
		git_commit_free(commit);
		if (error < 0)
			goto done;
	}
	if (rc != GIT_ITEROVER) {
		error = nothing_imported(stance_git_error(rc, "%s: cannot read its history", source));
		goto done;
	}
	if (!report->matched) {
		error = stance_error_set(STANCE_ENOTFOUND, "%s: no commit changes a file matching '%s'; "
			"nothing was imported", source, glob);
		goto done;
	}
	report->documents = seen.n;
	/* a failure here has its own message: past the pack, the journal
	 * finishes the update (docs/architecture.md) */
	if ((error = stance_batch_finish(batch)) < 0)
		report->written = 0;
	else
		stance_history_add_batch(repo, batch);
done:
	if (error < 0)
		report->written = 0;
	stance_batch_free(batch);
	stance_history_dates_free(stored);
	if (locked)
		stance_repo_unlock(repo);
	git_revwalk_free(walk);
	git_repository_free(src);
	if (tmp[0])
		nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	seen_free(&seen);
	return error < 0 ? error : 0;
}
