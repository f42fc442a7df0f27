/*
 * store.c: documents as files in git commits. Saving writes a blob, a tree
 * updated from HEAD's and a commit, then brings that one file of the working
 * folder and the index along; nothing else of the user's work is touched.
 */
#include "git_internal.h"
#include "stance/document.h"
#include "stance/repo.h"
#include "stance/store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define SNAPSHOT_REF "refs/heads/snapshots"

int stance_store_trailer(stance_buf *out, const char *key, const char *value)
{
	const char *p;
	int error = stance_buf_printf(out, "%s: ", key);
	for (p = value; !error && *p; p++)
		error = stance_buf_putc(out, (*p == '\n' || *p == '\r') ? ' ' : *p);
	return error ? error : stance_buf_putc(out, '\n');
}

int stance_store_message(stance_buf *out, size_t *plain_len, const char *message, const char *id,
	int existed, const char *trailers, const char *snapshot)
{
	size_t start = out->size;
	int error;
	if (message && *message)
		error = stance_buf_puts(out, message);
	else
		error = stance_buf_printf(out, "%s %s", existed ? "Update" : "Add", id);
	while (!error && out->size > start && out->ptr[out->size - 1] == '\n')
		out->ptr[--out->size] = '\0';
	if (!error && ((trailers && *trailers) || snapshot))
		error = stance_buf_puts(out, "\n\n");
	if (!error && trailers && *trailers) {
		error = stance_buf_puts(out, trailers);
		if (!error && out->ptr[out->size - 1] != '\n')
			error = stance_buf_putc(out, '\n');
	}
	if (plain_len)
		*plain_len = out->size;
	if (!error && snapshot)
		error = stance_store_trailer(out, "Snapshot", snapshot);
	if (!error && (out->size == 0 || out->ptr[out->size - 1] != '\n'))
		error = stance_buf_putc(out, '\n');
	return error;
}

static int doc_path(stance_buf *out, const char *id, const char *ext)
{
	int error = stance_id_validate(id);
	return error ? error : stance_buf_printf(out, "%s.%s", id, ext);
}

int stance_store_check_path(stance_repo *repo, const char *id)
{
	stance_buf path = STANCE_BUF_INIT;
	int error;
	if ((error = doc_path(&path, id, "md")) == 0)
		error = stance_store_check_file(repo, path.ptr);
	stance_buf_dispose(&path);
	return error;
}

int stance_store_check_file(stance_repo *repo, const char *relpath)
{
	const char *workdir = stance_repo_workdir(repo);
	stance_buf path = STANCE_BUF_INIT, full = STANCE_BUF_INIT;
	size_t wlen, end;
	int error;

	if ((error = stance_buf_puts(&path, relpath)) < 0 || !workdir)
		goto done;
	wlen = strlen(workdir);
	if (wlen + path.size >= PATH_MAX) {
		error = stance_error_set(STANCE_EINVALID, "%s: the file's path in the working folder would be "
			"%zu bytes, past the %d the system allows", path.ptr, wlen + path.size, PATH_MAX - 1);
		goto done;
	}
	/* each part below the working folder, from the top: lstat, so that a
	 * link is seen as one and never followed */
	for (end = 0; end < path.size; end++) {
		struct stat st;
		int last;
		end += strcspn(path.ptr + end, "/");
		last = end == path.size;
		stance_buf_clear(&full);
		if ((error = stance_buf_put(&full, workdir, wlen)) < 0 ||
		    (error = stance_buf_put(&full, path.ptr, end)) < 0)
			goto done;
		if (lstat(full.ptr, &st) < 0) {
			if (errno == ENOENT)
				break; /* made when the document is written */
			error = stance_error_set(STANCE_ERROR, "%s: cannot check %.*s: %s", path.ptr, (int)end,
				path.ptr, strerror(errno));
			goto done;
		}
		if (S_ISLNK(st.st_mode)) {
			error = stance_error_set(STANCE_EINVALID, "%s: %.*s is a symbolic link; stance writes no "
				"document through one, as it could lead out of the repository", path.ptr, (int)end, path.ptr);
			goto done;
		}
		if (!last && !S_ISDIR(st.st_mode)) {
			error = stance_error_set(STANCE_EINVALID, "%s: %.*s is not a folder", path.ptr, (int)end, path.ptr);
			goto done;
		}
		if (last && !S_ISREG(st.st_mode)) {
			error = stance_error_set(STANCE_EINVALID, "%s: it is not a regular file in the working folder",
				path.ptr);
			goto done;
		}
	}
done:
	stance_buf_dispose(&path);
	stance_buf_dispose(&full);
	return error;
}

/* Checks one part of an identity; `what` says which. */
static int check_identity_part(const char *s, const char *what)
{
	const unsigned char *p;
	if (!s)
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return stance_error_set(STANCE_EINVALID, "the commit author's %s holds a control character "
				"(byte %zu); a name and an e-mail are one line of text", what, (size_t)(p - (const unsigned char *)s) + 1);
	if (stance_utf8_validate(s, strlen(s), what) < 0)
		return stance_error_set(STANCE_EINVALID, "the commit author's %s is not valid UTF-8", what);
	return 0;
}

int stance_store_check_identity(const char *name, const char *email)
{
	int error = check_identity_part(name, "name");
	return error ? error : check_identity_part(email, "e-mail");
}

/* The blob id of `path` in the tree of `ref`'s commit; GIT_ENOTFOUND if none. */
static int blob_at(git_oid *out, git_repository *git, const char *ref, const char *path)
{
	git_object *obj = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int error;
	if ((error = git_revparse_single(&obj, git, ref)) < 0)
		goto done;
	if ((error = git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE)) < 0)
		goto done;
	if ((error = git_tree_entry_bypath(&entry, tree, path)) < 0)
		goto done;
	git_oid_cpy(out, git_tree_entry_id(entry));
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_object_free(obj);
	return error;
}

/* A tree: the tree of `ref` (or empty) with `path` set to `blob`. */
static int updated_tree(git_oid *out, git_repository *git, const char *ref, const char *path,
	const git_oid *blob)
{
	git_object *obj = NULL;
	git_tree *base = NULL;
	git_tree_update update;
	int error;

	memset(&update, 0, sizeof(update));
	update.action = GIT_TREE_UPDATE_UPSERT;
	update.filemode = GIT_FILEMODE_BLOB;
	update.path = path;
	git_oid_cpy(&update.id, blob);
	if (ref && git_revparse_single(&obj, git, ref) == 0) /* NULL ref: the empty tree */
		git_object_peel((git_object **)&base, obj, GIT_OBJECT_TREE);
	git_error_clear();
	if (base) {
		error = git_tree_create_updated(out, git, base, 1, &update);
	} else {
		git_treebuilder *tb = NULL;
		git_tree *empty = NULL;
		git_oid empty_id;
		if ((error = git_treebuilder_new(&tb, git, NULL)) == 0 &&
		    (error = git_treebuilder_write(&empty_id, tb)) == 0 &&
		    (error = git_tree_lookup(&empty, git, &empty_id)) == 0)
			error = git_tree_create_updated(out, git, empty, 1, &update);
		git_tree_free(empty);
		git_treebuilder_free(tb);
	}
	git_tree_free(base);
	git_object_free(obj);
	return error;
}

int stance_store_stale_file(git_repository *git, const char *path, const char *data, size_t len)
{
	git_revwalk *walk = NULL;
	git_oid id, commit;
	char hex[GIT_OID_HEXSZ + 1] = "";
	int found = 0;

	/* a text no commit holds is not an object of the repository (a cheap
	 * test first); if it is one, the history says whether it was a version */
	if (git_odb_hash(&id, data, len, GIT_OBJECT_BLOB) < 0) {
		git_error_clear();
		return 0;
	}
	{
		git_odb *odb = NULL;
		int exists = git_repository_odb(&odb, git) == 0 && git_odb_exists(odb, &id);
		git_odb_free(odb);
		if (!exists) {
			git_error_clear();
			return 0;
		}
	}
	if (git_revwalk_new(&walk, git) < 0 || git_revwalk_push_head(walk) < 0)
		goto done;
	while (!found && git_revwalk_next(&commit, walk) == 0) {
		git_commit *c = NULL;
		git_tree *tree = NULL;
		git_tree_entry *e = NULL;
		if (git_commit_lookup(&c, git, &commit) == 0 && git_commit_tree(&tree, c) == 0 &&
		    git_tree_entry_bypath(&e, tree, path) == 0 && git_oid_equal(git_tree_entry_id(e), &id)) {
			found = 1;
			git_oid_tostr(hex, sizeof(hex), &commit);
		}
		git_tree_entry_free(e);
		git_tree_free(tree);
		git_commit_free(c);
	}
done:
	git_revwalk_free(walk);
	git_error_clear();
	if (!found)
		return 0;
	return stance_error_set(STANCE_ECONFLICT, "%s in the working folder holds an older stored version "
		"of the document (of commit %.7s), not the newest: 'git checkout HEAD -- %s' brings the newest "
		"back; 'stance add %s' would store that older text as the newest revision", path, hex, path, path);
}

/* Refuses to overwrite a working file whose content stance never stored. */
static int check_workdir(stance_repo *repo, const char *path, const git_oid *old_blob,
	const char *new_data, size_t new_len)
{
	git_repository *git = stance_repo_git(repo);
	stance_buf full = STANCE_BUF_INIT, cur = STANCE_BUF_INIT;
	git_oid cur_id;
	int error = 0;

	stance_buf_printf(&full, "%s%s", stance_repo_workdir(repo), path);
	if (stance_file_read(&cur, full.ptr) < 0) {
		stance_error_clear();
		goto done; /* no working file: nothing to lose */
	}
	if (cur.size == new_len && !memcmp(cur.ptr, new_data, new_len))
		goto done;
	if (old_blob && git_odb_hash(&cur_id, cur.ptr, cur.size, GIT_OBJECT_BLOB) == 0 &&
	    git_oid_equal(&cur_id, old_blob))
		goto done;
	if ((error = stance_store_stale_file(git, path, cur.ptr, cur.size)) == 0)
		error = stance_error_set(STANCE_ECONFLICT, "%s has changes in the working folder that are not "
			"stored; add that file itself ('stance add %s') or discard the changes first", path, path);
done:
	stance_buf_dispose(&full);
	stance_buf_dispose(&cur);
	return error;
}

static int update_workdir(stance_repo *repo, const char *path, const char *data, size_t len)
{
	git_repository *git = stance_repo_git(repo);
	git_index *index = NULL;
	stance_buf full = STANCE_BUF_INIT;
	int error;

	if ((error = stance_buf_printf(&full, "%s%s", stance_repo_workdir(repo), path)) < 0 ||
	    (error = stance_mkdirs_for(full.ptr)) < 0 ||
	    /* no fsync: the file is a copy of what the commit already holds */
	    (error = stance_file_write_replace(full.ptr, data, len, 0)) < 0)
		goto done;
	if ((error = git_repository_index(&index, git)) < 0 ||
	    (error = git_index_add_bypath(index, path)) < 0 ||
	    (error = git_index_write(index)) < 0)
		error = stance_git_error(error, "%s: cannot update the git index", path);
done:
	git_index_free(index);
	stance_buf_dispose(&full);
	return error;
}

static int save_snapshot(git_oid *commit_out, git_repository *git, const char *id,
	const stance_save_options *opts, const git_signature *author)
{
	stance_buf path = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	git_oid blob, tree;
	int error;

	if ((error = doc_path(&path, id, opts->snapshot_ext)) < 0)
		goto done;
	if ((error = git_blob_create_from_buffer(&blob, git, opts->snapshot_data, opts->snapshot_len)) < 0 ||
	    (error = updated_tree(&tree, git, SNAPSHOT_REF, path.ptr, &blob)) < 0) {
		error = stance_git_error(error, "%s: cannot store the snapshot", id);
		goto done;
	}
	if ((error = stance_buf_printf(&msg, "Snapshot %s\n", id)) < 0)
		goto done;
	error = stance_git_commit_tree(commit_out, git, SNAPSHOT_REF, author, msg.ptr, &tree);
done:
	stance_buf_dispose(&path);
	stance_buf_dispose(&msg);
	return error;
}

int stance_store_save(stance_save_result *result, stance_repo *repo,
	const stance_document *doc, const stance_save_options *opts)
{
	stance_save_options defaults = STANCE_SAVE_OPTIONS_INIT;
	git_repository *git = stance_repo_git(repo);
	git_signature *author = NULL;
	stance_buf content = STANCE_BUF_INIT, path = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	git_oid old_blob, new_blob, tree, commit, snapshot;
	char snapshot_hex[GIT_OID_HEXSZ + 1];
	const char *id = stance_document_get(doc, "id");
	int error, existed;

	memset(result, 0, sizeof(*result));
	STANCE_CHECK_OPTIONS(opts, STANCE_SAVE_OPTIONS_VERSION, "stance_save_options");
	if (!opts)
		opts = &defaults;
	if (!id)
		return stance_error_set(STANCE_EINVALID, "the document has no id; give it one (--id)");
	if ((error = doc_path(&path, id, "md")) < 0 ||
	    (error = stance_store_check_path(repo, id)) < 0)
		goto done;
	if ((error = stance_document_serialize(&content, doc)) < 0)
		goto done;
	existed = blob_at(&old_blob, git, "HEAD", path.ptr) == 0;
	git_error_clear();
	if ((error = git_odb_hash(&new_blob, content.ptr, content.size, GIT_OBJECT_BLOB)) < 0) {
		error = stance_git_error(error, "%s: cannot hash the document", id);
		goto done;
	}
	if (existed && git_oid_equal(&old_blob, &new_blob))
		goto done; /* unchanged: nothing to write */
	if (!opts->workdir_is_source &&
	    (error = check_workdir(repo, path.ptr, existed ? &old_blob : NULL, content.ptr, content.size)) < 0)
		goto done;
	if ((error = stance_git_signature(&author, git, opts->author_name, opts->author_email,
		opts->time, opts->tz_minutes)) < 0)
		goto done;
	if ((error = git_blob_create_from_buffer(&new_blob, git, content.ptr, content.size)) < 0 ||
	    (error = updated_tree(&tree, git, "HEAD", path.ptr, &new_blob)) < 0) {
		error = stance_git_error(error, "%s: cannot store the document", id);
		goto done;
	}
	if (opts->snapshot_data && opts->snapshot_ext) {
		if ((error = save_snapshot(&snapshot, git, id, opts, author)) < 0)
			goto done;
		git_oid_tostr(snapshot_hex, sizeof(snapshot_hex), &snapshot);
	}
	if ((error = stance_store_message(&msg, NULL, opts->message, id, existed, opts->trailers,
		opts->snapshot_data && opts->snapshot_ext ? snapshot_hex : NULL)) < 0)
		goto done;
	if ((error = stance_git_commit_tree(&commit, git, "HEAD", author, msg.ptr, &tree)) < 0)
		goto done;
	result->changed = 1;
	result->created = !existed;
	git_oid_tostr(result->commit, sizeof(result->commit), &commit);
	/* The commit is made; the working file follows it. */
	error = update_workdir(repo, path.ptr, content.ptr, content.size);
done:
	git_signature_free(author);
	stance_buf_dispose(&content);
	stance_buf_dispose(&path);
	stance_buf_dispose(&msg);
	return error;
}

int stance_store_save_behind(stance_save_result *result, stance_repo *repo, const stance_document *doc,
	const stance_save_options *opts, const char *parent, const char *merge_message)
{
	stance_save_options defaults = STANCE_SAVE_OPTIONS_INIT;
	git_repository *git = stance_repo_git(repo);
	git_signature *author = NULL, *now = NULL;
	git_commit *parents[2] = { NULL, NULL };
	git_tree *old_tree = NULL, *head_tree = NULL;
	stance_buf content = STANCE_BUF_INIT, path = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	git_oid blob, tree, old_commit, merge, snapshot, parent_id, head_id, head_blob;
	char snapshot_hex[GIT_OID_HEXSZ + 1];
	const char *id = stance_document_get(doc, "id");
	int error, existed;

	memset(result, 0, sizeof(*result));
	STANCE_CHECK_OPTIONS(opts, STANCE_SAVE_OPTIONS_VERSION, "stance_save_options");
	if (!opts)
		opts = &defaults;
	if (!id)
		return stance_error_set(STANCE_EINVALID, "the document has no id; give it one (--id)");
	if ((error = doc_path(&path, id, "md")) < 0 || (error = stance_document_serialize(&content, doc)) < 0)
		goto done;
	if ((error = git_reference_name_to_id(&head_id, git, "HEAD")) < 0 ||
	    (error = git_commit_lookup(&parents[0], git, &head_id)) < 0 ||
	    (error = git_commit_tree(&head_tree, parents[0])) < 0 ||
	    (parent && ((error = git_oid_fromstr(&parent_id, parent)) < 0 ||
			(error = git_commit_lookup(&parents[1], git, &parent_id)) < 0))) {
		error = stance_git_error(error, "%s: cannot read the commit to place the revision on", id);
		goto done;
	}
	existed = parent && blob_at(&blob, git, parent, path.ptr) == 0;
	git_error_clear();
	if ((error = stance_git_signature(&author, git, opts->author_name, opts->author_email,
		opts->time, opts->tz_minutes)) < 0 ||
	    (error = stance_git_signature(&now, git, opts->author_name, opts->author_email, 0, 0)) < 0)
		goto done;
	if ((error = git_blob_create_from_buffer(&blob, git, content.ptr, content.size)) < 0 ||
	    (error = updated_tree(&tree, git, parent, path.ptr, &blob)) < 0 ||
	    (error = git_tree_lookup(&old_tree, git, &tree)) < 0) {
		error = stance_git_error(error, "%s: cannot store the document", id);
		goto done;
	}
	if (opts->snapshot_data && opts->snapshot_ext) {
		if ((error = save_snapshot(&snapshot, git, id, opts, author)) < 0)
			goto done;
		git_oid_tostr(snapshot_hex, sizeof(snapshot_hex), &snapshot);
	}
	if ((error = stance_store_message(&msg, NULL, opts->message, id, existed, opts->trailers,
		opts->snapshot_data && opts->snapshot_ext ? snapshot_hex : NULL)) < 0)
		goto done;
	/* the old version, on the commit it follows by date (no ref moves) ... */
	if ((error = git_commit_create(&old_commit, git, NULL, author, now, NULL, msg.ptr, old_tree,
		parents[1] ? 1 : 0, (const git_commit **)&parents[1])) < 0) {
		error = stance_git_error(error, "%s: cannot commit the earlier revision", id);
		goto done;
	}
	git_commit_free(parents[1]);
	parents[1] = NULL;
	if ((error = git_commit_lookup(&parents[1], git, &old_commit)) < 0 ||
	    /* ... merged into the branch, whose tree stays as it is */
	    (error = git_commit_create(&merge, git, "HEAD", now, now, NULL, merge_message, head_tree,
		2, (const git_commit **)parents)) < 0) {
		error = stance_git_error(error, "%s: cannot merge the earlier revision into the branch", id);
		goto done;
	}
	result->changed = 1;
	git_oid_tostr(result->commit, sizeof(result->commit), &old_commit);
	/* A working file that was the source held the old text: it gets the
	 * newest back (the old one is in the commit just made). */
	if (opts->workdir_is_source && blob_at(&head_blob, git, "HEAD", path.ptr) == 0) {
		git_blob *b = NULL;
		if ((error = git_blob_lookup(&b, git, &head_blob)) < 0) {
			error = stance_git_error(error, "%s: cannot read the newest revision", id);
			goto done;
		}
		error = update_workdir(repo, path.ptr, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
		git_blob_free(b);
	}
	git_error_clear();
done:
	git_signature_free(author);
	git_signature_free(now);
	git_commit_free(parents[0]);
	git_commit_free(parents[1]);
	git_tree_free(old_tree);
	git_tree_free(head_tree);
	stance_buf_dispose(&content);
	stance_buf_dispose(&path);
	stance_buf_dispose(&msg);
	return error;
}

int stance_store_remove(stance_save_result *result, stance_repo *repo, const char *id, const char *message)
{
	git_repository *git = stance_repo_git(repo);
	git_signature *author = NULL;
	git_index *index = NULL;
	git_object *obj = NULL;
	git_tree *base = NULL;
	git_tree_update update;
	stance_buf path = STANCE_BUF_INIT, full = STANCE_BUF_INIT, cur = STANCE_BUF_INIT;
	git_oid old_blob, tree, commit, cur_id;
	int error;

	memset(result, 0, sizeof(*result));
	if ((error = doc_path(&path, id, "md")) < 0)
		goto done;
	if (blob_at(&old_blob, git, "HEAD", path.ptr) < 0) {
		git_error_clear();
		goto done; /* not there: nothing to record */
	}
	memset(&update, 0, sizeof(update));
	update.action = GIT_TREE_UPDATE_REMOVE;
	update.path = path.ptr;
	if ((error = git_revparse_single(&obj, git, "HEAD")) < 0 ||
	    (error = git_object_peel((git_object **)&base, obj, GIT_OBJECT_TREE)) < 0 ||
	    (error = git_tree_create_updated(&tree, git, base, 1, &update)) < 0) {
		error = stance_git_error(error, "%s: cannot record that the document is gone", id);
		goto done;
	}
	if ((error = stance_git_signature(&author, git, NULL, NULL, 0, 0)) < 0 ||
	    (error = stance_git_commit_tree(&commit, git, "HEAD", author, message, &tree)) < 0)
		goto done;
	result->changed = 1;
	git_oid_tostr(result->commit, sizeof(result->commit), &commit);
	/* The commit is made; the index and the working file follow, but a
	 * working file with edits stance never stored stays (untracked). */
	stance_buf_printf(&full, "%s%s", stance_repo_workdir(repo), path.ptr);
	if (stance_file_read(&cur, full.ptr) == 0) {
		if (git_odb_hash(&cur_id, cur.ptr, cur.size, GIT_OBJECT_BLOB) == 0 && git_oid_equal(&cur_id, &old_blob)) {
			if (unlink(full.ptr) < 0)
				stance_repo_notice(repo, "%s: cannot remove the working file: %s", path.ptr, strerror(errno));
		} else {
			stance_repo_notice(repo, "%s holds edits that were never stored; it is kept, untracked", path.ptr);
		}
	}
	stance_error_clear();
	if ((error = git_repository_index(&index, git)) < 0 ||
	    (error = git_index_remove_bypath(index, path.ptr)) < 0 ||
	    (error = git_index_write(index)) < 0)
		error = stance_git_error(error, "%s: cannot update the git index", path.ptr);
done:
	git_index_free(index);
	git_tree_free(base);
	git_object_free(obj);
	git_signature_free(author);
	stance_buf_dispose(&path);
	stance_buf_dispose(&full);
	stance_buf_dispose(&cur);
	return error;
}

int stance_store_read_file(stance_buf *out, stance_repo *repo, const char *rev, const char *path)
{
	stance_buf spec = STANCE_BUF_INIT;
	git_object *obj = NULL;
	int error;
	stance_buf_printf(&spec, "%s:%s", rev, path);
	if (git_revparse_single(&obj, stance_repo_git(repo), spec.ptr) == 0 && git_object_type(obj) == GIT_OBJECT_BLOB)
		error = stance_buf_put(out, git_blob_rawcontent((git_blob *)obj), (size_t)git_blob_rawsize((git_blob *)obj));
	else {
		git_error_clear();
		error = stance_error_set(STANCE_ENOTFOUND, "%s: no such file in %s", path, rev);
	}
	git_object_free(obj);
	stance_buf_dispose(&spec);
	return error;
}

int stance_store_load(stance_document **out, stance_repo *repo, const char *id, const char *rev)
{
	git_repository *git = stance_repo_git(repo);
	stance_buf path = STANCE_BUF_INIT, origin = STANCE_BUF_INIT;
	git_blob *blob = NULL;
	git_oid blob_id;
	int error;

	if (!rev)
		rev = "HEAD";
	if ((error = doc_path(&path, id, "md")) < 0)
		goto done;
	if ((error = blob_at(&blob_id, git, rev, path.ptr)) < 0) {
		error = error == GIT_ENOTFOUND ?
			stance_error_set(STANCE_ENOTFOUND, "no document '%s' at %s", id, rev) :
			stance_git_error(error, "cannot read '%s' at %s", id, rev);
		goto done;
	}
	if ((error = git_blob_lookup(&blob, git, &blob_id)) < 0) {
		error = stance_git_error(error, "cannot read '%s' at %s", id, rev);
		goto done;
	}
	stance_buf_printf(&origin, "%s@%s", id, rev);
	error = stance_document_parse(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), origin.ptr);
done:
	git_blob_free(blob);
	stance_buf_dispose(&path);
	stance_buf_dispose(&origin);
	return error;
}

/* ---- listing ---- */

typedef struct {
	char **ids;
	size_t count, alloc;
	int error;
} id_list;

static int is_document_path(const char *root, const char *name)
{
	size_t n = strlen(name);
	if (n < 4 || strcmp(name + n - 3, ".md") || name[0] == '.')
		return 0;
	if (!*root && (!strcmp(name, "README.md") || !strcmp(name, "CHANGELOG.md")))
		return 0;
	return 1;
}

static int collect_id(const char *root, const git_tree_entry *entry, void *payload)
{
	id_list *list = payload;
	const char *name = git_tree_entry_name(entry);
	stance_buf id = STANCE_BUF_INIT;

	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		return name[0] == '.' ? 1 : 0; /* skip .stance/ and other dot folders */
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !is_document_path(root, name))
		return 0;
	if (stance_buf_printf(&id, "%s%.*s", root, (int)(strlen(name) - 3), name) < 0)
		goto fail;
	if (stance_id_validate(id.ptr) < 0) { /* not a document stance can address */
		stance_error_clear();
		stance_buf_dispose(&id);
		return 0;
	}
	if (stance_array_grow(&list->ids, &list->alloc, list->count + 1, sizeof(*list->ids)) < 0)
		goto fail;
	list->ids[list->count++] = stance_buf_detach(&id);
	return 0;
fail:
	stance_buf_dispose(&id);
	list->error = stance_error_oom();
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void id_list_free(id_list *list)
{
	size_t i;
	for (i = 0; i < list->count; i++)
		free(list->ids[i]);
	free(list->ids);
}

static int list_ids(id_list *out, stance_repo *repo, const char *rev)
{
	git_object *obj = NULL;
	git_tree *tree = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = git_revparse_single(&obj, stance_repo_git(repo), rev ? rev : "HEAD")) < 0 ||
	    (error = git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE)) < 0) {
		error = stance_git_error(error, "cannot read revision '%s'", rev ? rev : "HEAD");
		goto done;
	}
	if ((error = git_tree_walk(tree, GIT_TREEWALK_PRE, collect_id, out)) < 0)
		error = out->error ? out->error : stance_git_error(error, "cannot list documents");
	else if (out->count)
		qsort(out->ids, out->count, sizeof(*out->ids), cmp_str);
done:
	git_tree_free(tree);
	git_object_free(obj);
	return error;
}

int stance_store_foreach(stance_repo *repo, const char *rev,
	int (*cb)(const char *id, void *payload), void *payload)
{
	id_list list;
	size_t i;
	int error;
	if ((error = list_ids(&list, repo, rev)) < 0)
		goto done;
	for (i = 0; i < list.count && !error; i++)
		error = cb(list.ids[i], payload);
done:
	id_list_free(&list);
	return error;
}

int stance_store_resolve_id(stance_buf *out, stance_repo *repo, const char *prefix)
{
	id_list list;
	stance_buf want = STANCE_BUF_INIT, cands = STANCE_BUF_INIT;
	size_t i, n = 0, match = 0, len;
	int error;

	if ((error = stance_buf_puts(&want, prefix)) < 0)
		return error;
	/* A path typed with its extension or a trailing slash means the same document. */
	if (want.size > 3 && !strcmp(want.ptr + want.size - 3, ".md"))
		want.ptr[want.size -= 3] = '\0';
	/* An exact id needs no listing of the whole tree. */
	if (stance_id_validate(want.ptr) == 0) {
		stance_buf path = STANCE_BUF_INIT;
		git_oid blob;
		int found;
		stance_buf_printf(&path, "%s.md", want.ptr);
		found = blob_at(&blob, stance_repo_git(repo), "HEAD", path.ptr) == 0;
		stance_buf_dispose(&path);
		git_error_clear();
		if (found) {
			error = stance_buf_puts(out, want.ptr);
			memset(&list, 0, sizeof(list));
			goto done;
		}
	}
	stance_error_clear();
	if ((error = list_ids(&list, repo, NULL)) < 0)
		goto done;
	len = want.size;
	for (i = 0; i < list.count; i++) {
		if (!strcmp(list.ids[i], want.ptr)) {
			n = 1;
			match = i;
			break;
		}
		if (len && !strncmp(list.ids[i], want.ptr, len)) {
			if (n < 10)
				stance_buf_printf(&cands, "\n  %s", list.ids[i]);
			n++;
			match = i;
		}
	}
	if (n == 0)
		error = stance_error_set(STANCE_ENOTFOUND, "no document '%s' in this repository "
			"('stance list' shows them)", prefix);
	else if (n > 1)
		error = stance_error_set(STANCE_EAMBIGUOUS, "'%s' names %zu documents; say which:%s%s",
			prefix, n, cands.ptr, n > 10 ? "\n  ..." : "");
	else
		error = stance_buf_puts(out, list.ids[match]);
done:
	id_list_free(&list);
	stance_buf_dispose(&want);
	stance_buf_dispose(&cands);
	return error;
}

/* ---- check ---- */

typedef struct {
	char *id;   /* the id the file declares, or its path id */
	char *path;
} seen_id;

static int wanted(const char *id, const char *const *ids, size_t nids)
{
	size_t i;
	if (!ids || !nids)
		return 1;
	for (i = 0; i < nids; i++)
		if (!strcmp(ids[i], id))
			return 1;
	return 0;
}

/* Checks one file's bytes; returns the number of problems reported. */
static size_t check_one(const char *path, const char *data, size_t len, stance_check_cb cb,
	void *payload, char **declared_id)
{
	stance_document *doc = NULL;
	stance_buf canon = STANCE_BUF_INIT, path_id = STANCE_BUF_INIT;
	size_t problems = 0;
	const char *id;

	*declared_id = NULL;
	stance_buf_put(&path_id, path, strlen(path) - 3);
	if (stance_id_validate(path_id.ptr) < 0) {
		cb(path, 0, stance_error_last(), payload);
		problems++;
	}
	if (stance_document_parse(&doc, data, len, path) < 0) {
		/* the message already names the file and the line */
		const char *msg = stance_error_last();
		size_t plen = strlen(path), line = 0;
		if (!strncmp(msg, path, plen) && !strncmp(msg + plen, ": ", 2))
			msg += plen + 2;
		stance_buf reworded = STANCE_BUF_INIT;
		/* "line 4: …" (or "line 4, byte 9: …") becomes the line of the
		 * report, so every problem reads FILE:LINE: message */
		if (!strncmp(msg, "line ", 5) && msg[5] >= '0' && msg[5] <= '9') {
			const char *q = msg + 5, *colon;
			while (*q >= '0' && *q <= '9' && line < 100000000)
				line = line * 10 + (size_t)(*q++ - '0');
			if (!strncmp(q, ": ", 2))
				msg = q + 2;
			else if (!strncmp(q, ", byte ", 7) && (colon = strstr(q, ": ")) &&
				 stance_buf_printf(&reworded, "%s (byte %.*s)", colon + 2, (int)(colon - q - 7), q + 7) == 0)
				msg = reworded.ptr;
			else
				line = 0;
		}
		cb(path, line, msg, payload);
		stance_buf_dispose(&reworded);
		problems++;
		goto done;
	}
	id = stance_document_get(doc, "id");
	if (!id) {
		cb(path, 1, "the front matter has no 'id' field", payload);
		problems++;
	} else if (strcmp(id, path_id.ptr)) {
		char msg[512];
		snprintf(msg, sizeof(msg), "id '%s' does not match the file's path (it should be '%s')", id, path_id.ptr);
		cb(path, 2, msg, payload);
		problems++;
	}
	*declared_id = stance_strdup(id ? id : path_id.ptr);
	if (stance_document_serialize(&canon, doc) == 0 &&
	    (canon.size != len || memcmp(canon.ptr, data, len))) {
		size_t line = 1, i;
		for (i = 0; i < len && i < canon.size && data[i] == canon.ptr[i]; i++)
			if (data[i] == '\n')
				line++;
		cb(path, line, "not in canonical form (run 'stance add' on it to normalise it)", payload);
		problems++;
	}
done:
	stance_document_free(doc);
	stance_buf_dispose(&canon);
	stance_buf_dispose(&path_id);
	return problems;
}

int stance_store_check(size_t *problems, stance_repo *repo, int staged,
	const char *const *ids, size_t nids, stance_check_cb cb, void *payload)
{
	git_repository *git = stance_repo_git(repo);
	git_index *index = NULL;
	seen_id *seen = NULL;
	size_t nseen = 0, i, j, count;
	stance_buf data = STANCE_BUF_INIT, full = STANCE_BUF_INIT;
	int error;

	*problems = 0;
	/* The index lists the documents git tracks; with --staged their staged
	 * bytes are checked, otherwise the files in the working folder. A
	 * commit git is making names its index in GIT_INDEX_FILE (a temporary
	 * one for `git commit -a` and `git commit PATH`; the program hands it
	 * over as stance_process_settings.index_file): that one is what is
	 * being committed, and libgit2 does not read the variable itself. */
	if (staged && stance_process_index_file()) {
		const char *file = stance_process_index_file();
		struct stat st;
		/* libgit2 would open a missing file as an empty index: nothing checked */
		if (stat(file, &st) < 0)
			return stance_error_set(STANCE_ERROR, "%s (GIT_INDEX_FILE): cannot read the git index: %s",
				file, strerror(errno));
		if ((error = git_index_open(&index, file)) < 0)
			return stance_git_error(error, "%s (GIT_INDEX_FILE): cannot read the git index", file);
	} else if ((error = git_repository_index(&index, git)) < 0)
		return stance_git_error(error, "%s: cannot read the git index", stance_repo_workdir(repo));
	count = git_index_entrycount(index);
	if (!(seen = calloc(count + 1, sizeof(*seen)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < count; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		const char *slash = strrchr(e->path, '/');
		const char *name = slash ? slash + 1 : e->path;
		stance_buf root = STANCE_BUF_INIT;
		char *declared = NULL;
		int skip;

		stance_buf_put(&root, e->path, slash ? (size_t)(slash - e->path + 1) : 0);
		skip = !is_document_path(stance_buf_cstr(&root), name) || e->path[0] == '.' || strstr(e->path, "/.");
		stance_buf_dispose(&root);
		if (skip || git_index_entry_stage(e) != 0)
			continue;
		stance_buf_clear(&data);
		if (ids && nids) {
			char *pid = stance_strndup(e->path, strlen(e->path) - 3);
			int want = pid && wanted(pid, ids, nids);
			free(pid);
			if (!want)
				continue;
		}
		if (staged) {
			git_blob *blob = NULL;
			if ((error = git_blob_lookup(&blob, git, &e->id)) < 0) {
				error = stance_git_error(error, "%s: cannot read the staged file", e->path);
				goto done;
			}
			stance_buf_put(&data, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
			git_blob_free(blob);
		} else {
			stance_buf_clear(&full);
			stance_buf_printf(&full, "%s%s", stance_repo_workdir(repo), e->path);
			if (stance_file_read(&data, full.ptr) < 0) {
				cb(e->path, 0, "the file is tracked by git but missing from the working folder", payload);
				(*problems)++;
				continue;
			}
		}
		*problems += check_one(e->path, stance_buf_cstr(&data), data.size, cb, payload, &declared);
		if (declared) {
			seen[nseen].id = declared;
			seen[nseen].path = stance_strdup(e->path);
			nseen++;
		}
	}
	for (i = 0; i < nseen; i++)
		for (j = i + 1; j < nseen; j++)
			if (!strcmp(seen[i].id, seen[j].id)) {
				char msg[512];
				snprintf(msg, sizeof(msg), "duplicate id '%s': %s declares it too", seen[i].id, seen[i].path);
				cb(seen[j].path, 2, msg, payload);
				(*problems)++;
			}
	error = 0;
done:
	for (i = 0; i < nseen; i++) {
		free(seen[i].id);
		free(seen[i].path);
	}
	free(seen);
	stance_buf_dispose(&data);
	stance_buf_dispose(&full);
	git_index_free(index);
	return error;
}

int stance_store_commit_file(stance_save_result *result, stance_repo *repo, const char *relpath,
	const char *message)
{
	git_repository *git = stance_repo_git(repo);
	git_signature *author = NULL;
	git_index *index = NULL;
	stance_buf full = STANCE_BUF_INIT, data = STANCE_BUF_INIT;
	git_oid old_blob, new_blob, tree, commit;
	int error;

	memset(result, 0, sizeof(*result));
	if ((error = stance_buf_printf(&full, "%s%s", stance_repo_workdir(repo), relpath)) < 0 ||
	    (error = stance_file_read(&data, full.ptr)) < 0)
		goto done;
	if ((error = git_blob_create_from_buffer(&new_blob, git, stance_buf_cstr(&data), data.size)) < 0) {
		error = stance_git_error(error, "%s: cannot store the file", relpath);
		goto done;
	}
	if (blob_at(&old_blob, git, "HEAD", relpath) == 0 && git_oid_equal(&old_blob, &new_blob))
		goto done;
	git_error_clear();
	if ((error = updated_tree(&tree, git, "HEAD", relpath, &new_blob)) < 0) {
		error = stance_git_error(error, "%s: cannot store the file", relpath);
		goto done;
	}
	if ((error = stance_git_signature(&author, git, NULL, NULL, 0, 0)) < 0 ||
	    (error = stance_git_commit_tree(&commit, git, "HEAD", author, message, &tree)) < 0)
		goto done;
	result->changed = 1;
	git_oid_tostr(result->commit, sizeof(result->commit), &commit);
	if ((error = git_repository_index(&index, git)) < 0 ||
	    (error = git_index_add_bypath(index, relpath)) < 0 ||
	    (error = git_index_write(index)) < 0)
		error = stance_git_error(error, "%s: cannot update the git index", relpath);
done:
	git_index_free(index);
	git_signature_free(author);
	stance_buf_dispose(&full);
	stance_buf_dispose(&data);
	return error;
}
