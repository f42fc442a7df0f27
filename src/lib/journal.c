/*
 * journal.c: the update journal, .git/stance-update. A batch writes it
 * (and waits for the disk) after its pack is written and before it moves a
 * branch, and removes it once the index and the working files have
 * followed the branch. A writer killed in between leaves it; the next
 * stance that takes the lock finishes the update from it: the commit is
 * the truth, so the index entries and working files of the paths that
 * changed between the journal's old commit and the branch now are brought
 * to the branch's content, and nothing else is touched.
 *
 *   stance-update 1
 *   command import
 *   branch refs/heads/main
 *   old <commit the branch was at, or "none">
 *   new <commit the branch moves to>
 *   snapshots-old <commit, or "none">
 *   snapshots-new <commit, or "none": the snapshots branch does not move>
 */
#include "git_internal.h"
#include "stance/repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_MAGIC "stance-update 1"
#define SNAPSHOT_REF "refs/heads/snapshots"

typedef struct {
	char command[64];
	char branch[256];
	git_oid old, new_id, snap_old, snap_new;
	int has_old, has_snap_old, has_snap_new;
} journal;

static int journal_path(stance_buf *out, stance_repo *repo)
{
	return stance_buf_printf(out, "%s%s", git_repository_path(stance_repo_git(repo)), STANCE_JOURNAL);
}

static void put_oid(stance_buf *b, const char *key, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];
	if (id)
		git_oid_tostr(hex, sizeof(hex), id);
	stance_buf_printf(b, "%s %s\n", key, id ? hex : "none");
}

int stance_journal_write(stance_repo *repo, const char *branch, const git_oid *old, const git_oid *new_id,
	const git_oid *snap_old, const git_oid *snap_new)
{
	stance_buf path = STANCE_BUF_INIT, text = STANCE_BUF_INIT;
	int error, fd;

	stance_buf_printf(&text, "%s\ncommand %s\nbranch %s\n", JOURNAL_MAGIC, stance_repo_command(repo), branch);
	put_oid(&text, "old", old);
	put_oid(&text, "new", new_id);
	put_oid(&text, "snapshots-old", snap_new ? snap_old : NULL);
	put_oid(&text, "snapshots-new", snap_new);
	if ((error = journal_path(&path, repo)) < 0 ||
	    (error = stance_file_write_atomic(path.ptr, stance_buf_cstr(&text), text.size)) < 0)
		goto done;
	/* the rename that put it in place must be on the disk too */
	if ((fd = open(git_repository_path(stance_repo_git(repo)), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
done:
	if (error < 0)
		error = stance_error_prefix(error, "cannot write the update journal: ");
	stance_buf_dispose(&path);
	stance_buf_dispose(&text);
	return error;
}

void stance_journal_remove(stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	if (journal_path(&path, repo) == 0)
		unlink(path.ptr);
	stance_buf_dispose(&path);
}

/* "none" or a commit id. */
static int parse_oid(git_oid *out, int *has, const char *value)
{
	if (has && !strcmp(value, "none")) {
		*has = 0;
		return 0;
	}
	if (has)
		*has = 1;
	return git_oid_fromstr(out, value);
}

static int parse_journal(journal *j, char *text, const char *path)
{
	char *line, *nl;
	int have_new = 0, error = 0;

	memset(j, 0, sizeof(*j));
	snprintf(j->command, sizeof(j->command), "update");
	if (strncmp(text, JOURNAL_MAGIC "\n", sizeof(JOURNAL_MAGIC)))
		goto bad;
	for (line = text + sizeof(JOURNAL_MAGIC); *line; line = nl + 1) {
		char *value;
		if (!(nl = strchr(line, '\n')))
			goto bad;
		*nl = '\0';
		if (!(value = strchr(line, ' ')))
			goto bad;
		*value++ = '\0';
		if (!strcmp(line, "command"))
			snprintf(j->command, sizeof(j->command), "%s", value);
		else if (!strcmp(line, "branch"))
			snprintf(j->branch, sizeof(j->branch), "%s", value);
		else if (!strcmp(line, "old"))
			error = parse_oid(&j->old, &j->has_old, value);
		else if (!strcmp(line, "new"))
			have_new = (error = parse_oid(&j->new_id, NULL, value)) == 0;
		else if (!strcmp(line, "snapshots-old"))
			error = parse_oid(&j->snap_old, &j->has_snap_old, value);
		else if (!strcmp(line, "snapshots-new"))
			error = parse_oid(&j->snap_new, &j->has_snap_new, value);
		if (error < 0)
			goto bad;
	}
	if (have_new && *j->branch)
		return 0;
bad:
	git_error_clear();
	return stance_error_set(STANCE_EINVALID, "%s: not an update journal this stance can read; "
		"if no stance is running, remove it", path);
}

/* ---- leftover temporary files ---- */

void stance_remove_dead_tmp(const char *dir, int (*want)(const char *name, void *payload), void *payload)
{
	stance_buf full = STANCE_BUF_INIT, name = STANCE_BUF_INIT;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *tmp = strstr(e->d_name, ".tmp."), *p;
		long pid;
		/* the last ".tmp." of the name, followed by digits only */
		while (tmp && strstr(tmp + 1, ".tmp."))
			tmp = strstr(tmp + 1, ".tmp.");
		if (!tmp || tmp == e->d_name)
			continue;
		for (p = tmp + 5; *p >= '0' && *p <= '9'; p++)
			;
		if (*p || p == tmp + 5 || stance_parse_int(&pid, tmp + 5, 1, 1L << 30) < 0)
			continue;
		if (!(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		stance_buf_clear(&name);
		if (stance_buf_put(&name, e->d_name, (size_t)(tmp - e->d_name)) < 0)
			break;
		if (want && !want(name.ptr, payload))
			continue;
		stance_buf_clear(&full);
		if (stance_buf_printf(&full, "%s%s", dir, e->d_name) == 0)
			unlink(full.ptr);
	}
	closedir(d);
	stance_buf_dispose(&full);
	stance_buf_dispose(&name);
	stance_error_clear();
}

/* ---- finishing ---- */

int stance_index_add_written(git_index *index, const char *full, const char *path, const git_oid *blob)
{
	git_index_entry ie;
	struct stat st;
	if (stat(full, &st) != 0)
		return stance_error_set(STANCE_ERROR, "%s: cannot read back the working file: %s", full, strerror(errno));
	memset(&ie, 0, sizeof(ie));
	ie.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
	ie.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
	ie.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
	ie.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
	ie.dev = (uint32_t)st.st_dev;
	ie.ino = (uint32_t)st.st_ino;
	ie.mode = GIT_FILEMODE_BLOB;
	ie.uid = st.st_uid;
	ie.gid = st.st_gid;
	ie.file_size = (uint32_t)st.st_size;
	git_oid_cpy(&ie.id, blob);
	ie.path = path;
	return git_index_add(index, &ie);
}

/* The paths an update changed, sorted, for the leftover temporary files. */
typedef struct {
	char **v;
	size_t n, cap;
	const char *folder;   /* while one folder is scanned: "" or "kl/" */
} path_set;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether folder/name is one of the update's paths. */
static int in_set(const char *name, void *payload)
{
	path_set *s = payload;
	stance_buf p = STANCE_BUF_INIT;
	const char *key;
	int found;
	if (stance_buf_printf(&p, "%s%s", s->folder, name) < 0)
		return 0;
	key = p.ptr;
	found = bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_str) != NULL;
	stance_buf_dispose(&p);
	return found;
}

/* The length of the folder part of `path`, with its '/'. */
static size_t folder_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path + 1) : 0;
}

/* The tree of commit `id`; *out NULL for no commit. */
static int commit_tree(git_tree **out, git_repository *git, const git_oid *id)
{
	git_commit *c = NULL;
	int error;
	*out = NULL;
	if (!id)
		return 0;
	if ((error = git_commit_lookup(&c, git, id)) == 0)
		error = git_commit_tree(out, c);
	git_commit_free(c);
	return error;
}

/*
 * Brings the working file and index entry of one changed path to `target`
 * (NULL: the path is gone at the branch); `before` is its blob at the
 * journal's old commit (NULL: none). A working file holding other bytes
 * than those two is the user's: kept, and only its index entry follows.
 */
static int finish_path(git_repository *git, git_index *index, const char *workdir, const char *path,
	const git_oid *target, const git_oid *before, size_t *kept)
{
	stance_buf full = STANCE_BUF_INIT, cur = STANCE_BUF_INIT;
	git_blob *blob = NULL;
	git_oid cur_id;
	int have, error = 0, is_target = 0, is_old = 0;

	if ((error = stance_buf_printf(&full, "%s%s", workdir, path)) < 0)
		goto done;
	have = stance_file_read(&cur, full.ptr) == 0;
	stance_error_clear();
	if (have && git_odb_hash(&cur_id, cur.ptr, cur.size, GIT_OBJECT_BLOB) == 0) {
		is_target = target && git_oid_equal(&cur_id, target);
		is_old = before && git_oid_equal(&cur_id, before);
	}
	if (!target) {
		if (have && is_old && unlink(full.ptr) < 0) {
			error = stance_error_set(STANCE_ERROR, "%s: cannot remove: %s", full.ptr, strerror(errno));
			goto done;
		}
		if (have && !is_old)
			(*kept)++;
		if (git_index_remove_bypath(index, path) < 0)
			error = stance_git_error(-1, "%s: cannot update the git index", path);
		goto done;
	}
	if (have && !is_target && !is_old) {
		/* the user's bytes: the index names the commit's, git shows the
		 * file as changed */
		git_index_entry ie;
		memset(&ie, 0, sizeof(ie));
		ie.mode = GIT_FILEMODE_BLOB;
		git_oid_cpy(&ie.id, target);
		ie.path = path;
		(*kept)++;
		if (git_index_add(index, &ie) < 0)
			error = stance_git_error(-1, "%s: cannot update the git index", path);
		goto done;
	}
	if (!is_target) {
		if ((error = git_blob_lookup(&blob, git, target)) < 0) {
			error = stance_git_error(error, "%s: cannot read the stored version", path);
			goto done;
		}
		/* no fsync: the file is a copy of what the commit holds */
		if ((error = stance_mkdirs_for(full.ptr)) < 0 ||
		    (error = stance_file_write_replace(full.ptr, git_blob_rawcontent(blob),
			(size_t)git_blob_rawsize(blob), 0)) < 0)
			goto done;
	}
	if (stance_index_add_written(index, full.ptr, path, target) < 0)
		error = stance_git_error(-1, "%s: cannot update the git index", path);
done:
	git_blob_free(blob);
	stance_buf_dispose(&full);
	stance_buf_dispose(&cur);
	return error;
}

/* Moves the snapshots branch back where it was when it, and not the
 * branch, moved before the kill. */
static void undo_snapshots(git_repository *git, const journal *j)
{
	git_reference *ref = NULL;
	git_oid now;
	if (!j->has_snap_new || git_reference_name_to_id(&now, git, SNAPSHOT_REF) < 0 ||
	    !git_oid_equal(&now, &j->snap_new))
		goto done;
	if (j->has_snap_old)
		git_reference_create_matching(&ref, git, SNAPSHOT_REF, &j->snap_old, 1, &j->snap_new,
			"stance: undo an interrupted update");
	else if (git_reference_lookup(&ref, git, SNAPSHOT_REF) == 0)
		git_reference_delete(ref);
done:
	git_reference_free(ref);
	git_error_clear();
}

int stance_journal_finish(stance_repo *repo)
{
	git_repository *git = stance_repo_git(repo);
	stance_buf path = STANCE_BUF_INIT, text = STANCE_BUF_INIT, dir = STANCE_BUF_INIT;
	git_tree *old_tree = NULL, *tip_tree = NULL;
	git_diff *diff = NULL;
	git_index *index = NULL;
	path_set set = { NULL, 0, 0, "" };
	journal j;
	git_oid tip;
	size_t i, n, count = 0, kept = 0;
	int error = 0, has_tip;

	if ((error = journal_path(&path, repo)) < 0)
		goto done;
	if ((error = stance_file_read(&text, path.ptr)) < 0) {
		if (error == STANCE_ENOTFOUND) {
			stance_error_clear();
			error = 0; /* no interrupted update: the common case */
		} else {
			error = stance_error_prefix(error, "cannot read the update journal: ");
		}
		goto done;
	}
	if ((error = parse_journal(&j, text.ptr, path.ptr)) < 0)
		goto done;
	has_tip = git_reference_name_to_id(&tip, git, j.branch) == 0;
	git_error_clear();
	if (has_tip == j.has_old && (!has_tip || git_oid_equal(&tip, &j.old))) {
		/* killed before the branch moved: nothing of it was stored */
		undo_snapshots(git, &j);
		stance_journal_remove(repo);
		goto done;
	}
	if ((error = commit_tree(&old_tree, git, j.has_old ? &j.old : NULL)) < 0 ||
	    (error = commit_tree(&tip_tree, git, has_tip ? &tip : NULL)) < 0 ||
	    (error = git_diff_tree_to_tree(&diff, git, old_tree, tip_tree, NULL)) < 0 ||
	    (error = git_repository_index(&index, git)) < 0 ||
	    (error = git_index_read(index, 1)) < 0) {
		error = stance_git_error(error, "cannot finish the interrupted %s of %s", j.command, j.branch);
		goto done;
	}
	n = git_diff_num_deltas(diff);
	if (!(set.v = calloc(n + 1, sizeof(*set.v)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		int added = d->status != GIT_DELTA_DELETED, had = d->status != GIT_DELTA_ADDED;
		const char *p = added ? d->new_file.path : d->old_file.path;
		git_filemode_t mode = added ? d->new_file.mode : d->old_file.mode;
		if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
			continue; /* stance writes documents only */
		if ((error = finish_path(git, index, stance_repo_workdir(repo), p, added ? &d->new_file.id : NULL,
			had ? &d->old_file.id : NULL, &kept)) < 0)
			goto done;
		if (!(set.v[set.n++] = stance_strdup(p))) {
			error = STANCE_ERROR;
			goto done;
		}
		count++;
	}
	if ((error = git_index_write(index)) < 0) {
		error = stance_git_error(error, "cannot finish the interrupted %s: cannot write the git index", j.command);
		goto done;
	}
	/* the temporary files the killed writer left beside those paths */
	qsort(set.v, set.n, sizeof(*set.v), cmp_str);
	for (i = 0; i < set.n; i++) {
		size_t len = folder_len(set.v[i]);
		if (i > 0 && folder_len(set.v[i - 1]) == len && !strncmp(set.v[i - 1], set.v[i], len))
			continue; /* the same folder as the path before */
		stance_buf_clear(&dir);
		if (stance_buf_printf(&dir, "%s%.*s", stance_repo_workdir(repo), (int)len, set.v[i]) < 0)
			break;
		{
			char *folder = stance_strndup(set.v[i], len);
			if (!folder)
				break;
			set.folder = folder;
			stance_remove_dead_tmp(dir.ptr, in_set, &set);
			set.folder = "";
			free(folder);
		}
	}
	stance_journal_remove(repo);
	{
		char hex[GIT_OID_HEXSZ + 1] = "";
		if (has_tip)
			git_oid_tostr(hex, sizeof(hex), &tip);
		if (kept)
			stance_repo_notice(repo, "finished an interrupted update of %zu document%s (%s at %.7s); "
				"%zu file%s with changes of your own kept as they are", count, count == 1 ? "" : "s",
				j.command, hex, kept, kept == 1 ? "" : "s");
		else
			stance_repo_notice(repo, "finished an interrupted update of %zu document%s (%s at %.7s).",
				count, count == 1 ? "" : "s", j.command, hex);
	}
done:
	for (i = 0; i < set.n; i++)
		free(set.v[i]);
	free(set.v);
	git_index_free(index);
	git_diff_free(diff);
	git_tree_free(old_tree);
	git_tree_free(tip_tree);
	stance_buf_dispose(&path);
	stance_buf_dispose(&text);
	stance_buf_dispose(&dir);
	return error;
}
