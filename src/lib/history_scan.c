/*
 * history_scan.c: the revision table's rows made from the commits: each
 * commit's tree compared with its first parent's, descending only into
 * subtrees whose ids differ (history.c keeps the table and its cache).
 */
#include "history_internal.h"

typedef struct {
	rev_table *t;
	git_repository *git;
	git_commit *commit;
	stance_buf path;
} scan_state;

/* Records that the commit changed `path` from `old` (NULL: added) to `new`
 * (NULL: removed), unless it is not a document or a merge took it unchanged
 * from a parent other than the first. */
static int record(scan_state *st, const git_oid *old, const git_oid *new)
{
	stance_buf id = STANCE_BUF_INIT;
	unsigned int p, np = git_commit_parentcount(st->commit);
	int merged_in = 0, error = 0;
	rev_row *row;

	if (!history_path_to_id(&id, st->path.ptr))
		goto done;
	for (p = 1; p < np && !merged_in; p++) {
		git_commit *other = NULL;
		git_oid there;
		int had;
		if (git_commit_parent(&other, st->commit, p) < 0)
			continue;
		had = history_entry_in(&there, other, st->path.ptr);
		merged_in = new ? (had && git_oid_equal(&there, new)) : !had;
		git_commit_free(other);
	}
	if (merged_in)
		goto done;
	if (!(row = history_table_add(st->t)) || !(row->id = stance_strdup(id.ptr))) {
		error = STANCE_ERROR;
		goto done;
	}
	git_oid_tostr(row->commit, sizeof(row->commit), git_commit_id(st->commit));
	if (new)
		git_oid_tostr(row->blob, sizeof(row->blob), new);
	if (old) {
		git_oid_tostr(row->prev, sizeof(row->prev), old);
		row->has_prev = 1;
	}
	row->removed = !new;
	row->reextract = !strncmp(git_commit_message(st->commit), "Re-extract ", 11);
	row->time = (int64_t)git_commit_author(st->commit)->when.time;
	row->tz = git_commit_author(st->commit)->when.offset;
done:
	stance_buf_dispose(&id);
	return error;
}

static int compare_trees(scan_state *st, const git_tree *old, const git_tree *new);

/* One side of a pair of entries with the same name (either may be NULL). */
static int compare_entries(scan_state *st, const git_tree_entry *a, const git_tree_entry *b)
{
	const git_tree_entry *any = a ? a : b;
	size_t mark = st->path.size;
	int a_tree = a && git_tree_entry_type(a) == GIT_OBJECT_TREE;
	int b_tree = b && git_tree_entry_type(b) == GIT_OBJECT_TREE;
	int error = 0;

	if (a && b && git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)))
		return 0;
	if (git_tree_entry_name(any)[0] == '.')
		return 0; /* .stance/ and other dot entries hold no documents */
	if ((error = stance_buf_printf(&st->path, "%s%s", mark ? "/" : "", git_tree_entry_name(any))) < 0)
		return error;
	if (a_tree || b_tree) {
		git_tree *ta = NULL, *tb = NULL;
		if ((a_tree && (error = git_tree_lookup(&ta, st->git, git_tree_entry_id(a))) < 0) ||
		    (b_tree && (error = git_tree_lookup(&tb, st->git, git_tree_entry_id(b))) < 0))
			error = stance_git_error(error, "cannot read tree %s", st->path.ptr);
		else
			error = compare_trees(st, ta, tb);
		git_tree_free(ta);
		git_tree_free(tb);
		/* a file replaced by a folder (or back) also removed or added the file */
		if (!error && a && !a_tree && git_tree_entry_type(a) == GIT_OBJECT_BLOB)
			error = record(st, git_tree_entry_id(a), NULL);
		if (!error && b && !b_tree && git_tree_entry_type(b) == GIT_OBJECT_BLOB)
			error = record(st, NULL, git_tree_entry_id(b));
	} else if ((!a || git_tree_entry_type(a) == GIT_OBJECT_BLOB) &&
		   (!b || git_tree_entry_type(b) == GIT_OBJECT_BLOB)) {
		error = record(st, a ? git_tree_entry_id(a) : NULL, b ? git_tree_entry_id(b) : NULL);
	}
	st->path.size = mark;
	st->path.ptr[mark] = '\0';
	return error;
}

/* The entry of `tree` named `name`, looked for first at *cursor (trees that
 * differ in a few entries pair up in order), which then moves past it; NULL
 * when there is none. */
static const git_tree_entry *entry_named(const git_tree *tree, size_t *cursor, const char *name)
{
	const git_tree_entry *e = git_tree_entry_byindex(tree, *cursor);
	if (e && !strcmp(git_tree_entry_name(e), name)) {
		(*cursor)++;
		return e;
	}
	if ((e = git_tree_entry_byindex(tree, *cursor + 1)) && !strcmp(git_tree_entry_name(e), name)) {
		*cursor += 2;
		return e;
	}
	return git_tree_entry_byname(tree, name);
}

/* Walks two trees (either may be NULL: empty) and records changed documents,
 * descending only into subtrees whose ids differ. */
static int compare_trees(scan_state *st, const git_tree *old, const git_tree *new)
{
	size_t i, n, cursor = 0, paired = 0;
	int error = 0;
	n = new ? git_tree_entrycount(new) : 0;
	for (i = 0; i < n && !error; i++) {
		const git_tree_entry *b = git_tree_entry_byindex(new, i);
		const git_tree_entry *a = old ? entry_named(old, &cursor, git_tree_entry_name(b)) : NULL;
		paired += a != NULL;
		error = compare_entries(st, a, b);
	}
	n = old ? git_tree_entrycount(old) : 0;
	/* the entries of `old` that `new` has not: none when all were paired */
	cursor = 0;
	for (i = 0; i < n && paired < n && !error; i++) {
		const git_tree_entry *a = git_tree_entry_byindex(old, i);
		if (!new || !entry_named(new, &cursor, git_tree_entry_name(a)))
			error = compare_entries(st, a, NULL);
	}
	return error;
}

/* The documents `commit` (whose tree is `tree`) changed: against its first
 * parent's tree `ptree` (NULL: none), less what it took unchanged from
 * another parent (so a merge lists only what it decided). */
static int scan_commit(rev_table *t, git_repository *git, git_commit *commit, const git_tree *tree,
	const git_tree *ptree)
{
	scan_state st = { t, git, commit, STANCE_BUF_INIT };
	int error;
	if ((error = stance_buf_puts(&st.path, "")) == 0)
		error = compare_trees(&st, ptree, tree);
	stance_buf_dispose(&st.path);
	return error;
}

/* The commit a scan read ahead: the first parent of the one it scanned,
 * which is the next to scan in a line of commits, with its tree. */
typedef struct {
	git_commit *commit;
	git_tree *tree;
} scan_ahead;

static void ahead_clear(scan_ahead *ah)
{
	git_commit_free(ah->commit);
	git_tree_free(ah->tree);
	ah->commit = NULL;
	ah->tree = NULL;
}

/* Scans ids[i] through `git`. Each commit and each root tree of a line of
 * commits is read once (the object cache is off during the scan): the first
 * parent and its tree, read for the comparison, are kept in `ah` for the
 * next step when that parent is ids[i + 1]. */
static int scan_at(rev_table *t, git_repository *git, const git_oid *ids, size_t n, size_t i, scan_ahead *ah)
{
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	int error = 0;
	if (ah->commit && git_oid_equal(git_commit_id(ah->commit), &ids[i])) {
		commit = ah->commit;
		tree = ah->tree;
		ah->commit = NULL;
		ah->tree = NULL;
	} else {
		ahead_clear(ah);
		if ((error = git_commit_lookup(&commit, git, &ids[i])) < 0)
			goto done;
	}
	if ((!tree && (error = git_commit_tree(&tree, commit)) < 0) ||
	    (git_commit_parentcount(commit) > 0 &&
	     ((error = git_commit_parent(&parent, commit, 0)) < 0 || (error = git_commit_tree(&ptree, parent)) < 0)))
		goto done;
	if ((error = scan_commit(t, git, commit, tree, ptree)) == 0 && parent && i + 1 < n &&
	    git_oid_equal(git_commit_id(parent), &ids[i + 1])) {
		ah->commit = parent;
		ah->tree = ptree;
		parent = NULL;
		ptree = NULL;
	}
done:
	if (error < 0 && !*stance_error_last())
		error = stance_git_error(error, "cannot read commit %s", git_oid_tostr_s(&ids[i]));
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_commit_free(commit);
	return error;
}

/* The commits reachable from `head` but not from `hide` (may be NULL), in
 * walk order: topological, so a line of commits made in one second (a
 * batch) comes out in its order, which a time sort alone leaves to its heap. */
static int range_commits(git_oid **out, size_t *count, git_repository *git, const git_oid *head,
	const git_oid *hide)
{
	git_revwalk *walk = NULL;
	git_oid oid, *ids = NULL;
	size_t n = 0, alloc = 0;
	int error;
	if ((error = git_revwalk_new(&walk, git)) < 0 ||
	    (error = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME)) < 0 ||
	    (error = git_revwalk_push(walk, head)) < 0 ||
	    (hide && (error = git_revwalk_hide(walk, hide)) < 0)) {
		error = stance_git_error(error, "cannot walk the history");
		goto done;
	}
	while ((error = git_revwalk_next(&oid, walk)) == 0) {
		if (stance_array_grow(&ids, &alloc, n + 1, sizeof(*ids)) < 0) {
			error = STANCE_ERROR;
			goto done;
		}
		git_oid_cpy(&ids[n++], &oid);
	}
	if (error == GIT_ITEROVER)
		error = 0;
	else
		error = stance_git_error(error, "cannot walk the history");
done:
	git_revwalk_free(walk);
	if (error < 0) {
		free(ids);
		return error;
	}
	*out = ids;
	*count = n;
	return 0;
}

/* The commits a scan reads through one handle before it takes a new one. */
#define SCAN_HANDLE_COMMITS 4096

/*
 * A handle of its own on the repository for a long scan, or NULL to read
 * through `git`: libgit2 keeps a cache of the delta bases it inflated for
 * each pack (up to 16 MB a pack, freed only with the last handle that has
 * the pack open), and a repository an import wrote in checkpoints has tens
 * of packs. The scan takes a new handle every SCAN_HANDLE_COMMITS commits,
 * which frees them where `git` has not opened the packs itself.
 */
static git_repository *scan_handle(git_repository *git)
{
	git_repository *fresh = NULL;
	if (git_repository_open_ext(&fresh, git_repository_path(git), GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_error_clear();
		return NULL;
	}
	return fresh;
}

/* Scans the commits reachable from `head` but not from `hide` (may be NULL). */
int history_scan_range(rev_table *t, git_repository *git, const git_oid *head, const git_oid *hide)
{
	git_repository *own = NULL;
	scan_ahead ah = { NULL, NULL };
	git_oid *ids = NULL;
	size_t n = 0, i;
	/* the walk reads every commit and changed tree the repository holds */
	int verify = stance_git_verify_reads(0);
	int error;
	/* and no object cache: each tree is read once or twice, and libgit2's
	 * eviction, which scans its map from the start for every few entries it
	 * drops, was a fifth of the walk's time at 40,000 commits and half its
	 * resident size (121 MB, 62 MB without); no stance code turns it off */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	own = scan_handle(git);
	if ((error = range_commits(&ids, &n, own ? own : git, head, hide)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		size_t rows = t->count;
		if (own && i && i % SCAN_HANDLE_COMMITS == 0) {
			ahead_clear(&ah); /* its objects belong to the handle */
			git_repository_free(own);
			own = scan_handle(git);
		}
		/* read through the scan's own handle; where it does not see the
		 * objects (a batch holds them in memory), through `git` */
		if (own && scan_at(t, own, ids, n, i, &ah) == 0)
			continue;
		if (own) {
			while (t->count > rows)
				free(t->rows[--t->count].id);
			ahead_clear(&ah);
			git_error_clear();
			stance_error_clear();
			git_repository_free(own);
			own = NULL;
		}
		if ((error = scan_at(t, git, ids, n, i, &ah)) < 0)
			goto done;
	}
done:
	ahead_clear(&ah);
	free(ids);
	git_repository_free(own);
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 1);
	stance_git_verify_reads(verify);
	return error;
}

