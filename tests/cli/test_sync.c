/*
 * test_sync.c: a team of three archivists sharing one bare repository on
 * local disk through stance clone, remote, pull, push and sync; two of them
 * pushing at the same moment; a conflict stopped and resolved; every way the
 * commands can be used wrongly.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "helpers.h"


/* Adds a document from text, as an archivist would. */
static void add_doc(const char *repo, const char *id, const char *text)
{
	stance_buf file = STANCE_BUF_INIT;
	stance_buf_printf(&file, "../in-%s.md", strrchr(id, '/') + 1);
	th_write(repo, file.ptr, text);
	OK0(repo, "add", file.ptr, "--id", id);
	stance_buf_dispose(&file);
}

/* hub.git with one stance repository pushed into it, and clones a, b, c. */
static char *team(void)
{
	char *dir = th_tmpdir();
	cr_assert_eq(th_sh(dir, NULL, "git init -q --bare -b main hub.git"), 0);
	OK0(dir, "init", "seed");
	{
		char *seed = th_path(dir, "seed");
		OK0(seed, "remote", "add", "origin", "../hub.git");
		OK0(seed, "push");
		free(seed);
	}
	OK0(dir, "clone", "hub.git", "a");
	OK0(dir, "clone", "hub.git", "b");
	OK0(dir, "clone", "hub.git", "c");
	return dir;
}

static char *head(const char *repo)
{
	char *h = th_sh_out(repo, "git rev-parse main");
	h[strcspn(h, "\n")] = '\0';
	return h;
}

Test(sync_cli, clone_gives_a_working_stance_repository, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a");
	th_result r;
	char *remotes;
	cr_assert(th_exists(a, ".stance/config"));
	cr_assert(th_exists(a, ".git/hooks/pre-commit"), "the hooks are installed");
	/* clone runs in stance-web; the hooks must call stance itself */
	remotes = th_sh_out(a, "git config stance.program");
	remotes[strcspn(remotes, "\n")] = '\0';
	cr_assert_str_eq(remotes, STANCE_BIN, "the program the hooks call");
	free(remotes);
	remotes = th_sh_out(a, "git remote -v | head -1");
	cr_assert(strstr(remotes, "origin"), "%s", remotes);
	free(remotes);
	OK(&r, a, "remote", "list");
	cr_assert(strstr(r.out.ptr, "origin\t"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, a, "remote", "--json");
	cr_assert(strstr(r.out.ptr, "[{\"name\":\"origin\",\"url\":"), "%s", r.out.ptr);
	th_result_free(&r);
	/* the default folder is the URL's last segment without .git */
	OK(&r, dir, "clone", "--json", "hub.git");
	cr_assert(strstr(r.out.ptr, "\"command\":\"clone\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"ok\":true"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(th_exists(dir, "hub/.stance/config"));
	free(a);
	free(dir);
}

Test(sync_cli, three_archivists_converge_and_lose_nothing, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b"), *c = th_path(dir, "c");
	char *ha, *hb, *hc, *h1, *h2, *h3;
	stance_buf cmd = STANCE_BUF_INIT;
	th_result r;

	add_doc(a, "kl/spare", "---\ntitle: Spare\n---\nVi skal spare.\n");
	add_doc(b, "kl/bygge", "---\ntitle: Bygge\n---\nVi bør bygge.\n");
	add_doc(c, "kl/vente", "---\ntitle: Vente\n---\nVi må vente.\n");
	ha = head(a);
	hb = head(b);
	hc = head(c);
	OK0(a, "sync");
	OK(&r, b, "sync");
	cr_assert(strstr(r.out.ptr, "From origin"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "To origin"), "%s", r.out.ptr);
	th_result_free(&r);
	OK0(c, "sync");
	OK0(a, "sync");
	OK(&r, b, "sync", "--json");
	cr_assert(strstr(r.out.ptr, "\"outcome\":\"fast-forward\""), "%s", r.out.ptr);
	th_result_free(&r);
	h1 = head(a);
	h2 = head(b);
	h3 = head(c);
	cr_assert_str_eq(h1, h2);
	cr_assert_str_eq(h2, h3);
	stance_buf_printf(&cmd, "for x in %s %s %s; do git merge-base --is-ancestor $x main || exit 1; done", ha, hb, hc);
	cr_assert_eq(th_sh(a, NULL, "%s", cmd.ptr), 0, "every revision is reachable from main");
	cr_assert(th_exists(a, "kl/vente.md") && th_exists(c, "kl/spare.md") && th_exists(b, "kl/vente.md"));
	/* a sync with nothing to do says so */
	OK(&r, c, "sync");
	cr_assert(strstr(r.out.ptr, "Already up to date"), "%s", r.out.ptr);
	th_result_free(&r);
	stance_buf_dispose(&cmd);
	free(ha); free(hb); free(hc); free(h1); free(h2); free(h3);
	free(a); free(b); free(c); free(dir);
}

Test(sync_cli, two_clones_pushing_at_the_same_moment_both_arrive, .fini = th_cleanup)
{
	char *dir = team(), *b = th_path(dir, "b"), *c = th_path(dir, "c");
	char *hb, *hc, *hub;
	stance_buf cmd = STANCE_BUF_INIT;
	int round;

	for (round = 0; round < 3; round++) {
		stance_buf id = STANCE_BUF_INIT;
		stance_buf_printf(&id, "kl/b%d", round);
		add_doc(b, id.ptr, "---\ntitle: B\n---\nB skriver.\n");
		stance_buf_clear(&id);
		stance_buf_printf(&id, "kl/c%d", round);
		add_doc(c, id.ptr, "---\ntitle: C\n---\nC skriver.\n");
		stance_buf_dispose(&id);
	}
	hb = head(b);
	hc = head(c);
	/* both start syncing at once; whoever loses the race merges and retries */
	stance_buf_printf(&cmd, "(cd b && '%s' sync >../b.log 2>&1; echo $? >../b.rc) & "
		"(cd c && '%s' sync >../c.log 2>&1; echo $? >../c.rc) & wait; cat b.rc c.rc b.log c.log",
		STANCE_BIN, STANCE_BIN);
	{
		char *out = th_sh_out(dir, cmd.ptr);
		cr_assert(!strncmp(out, "0\n0\n", 4), "both syncs succeed: %s", out);
		free(out);
	}
	OK0(b, "sync");
	OK0(c, "sync");
	OK0(b, "sync");
	hub = th_sh_out(dir, "git -C hub.git rev-parse main");
	{
		char *h1 = head(b), *h2 = head(c);
		cr_assert(!strncmp(hub, h1, 40) && !strcmp(h1, h2), "hub %s, b %s, c %s", hub, h1, h2);
		free(h1);
		free(h2);
	}
	stance_buf_clear(&cmd);
	stance_buf_printf(&cmd, "for x in %s %s; do git -C hub.git merge-base --is-ancestor $x main || exit 1; done", hb, hc);
	cr_assert_eq(th_sh(dir, NULL, "%s", cmd.ptr), 0, "neither loses a revision");
	cr_assert_eq(th_sh(dir, NULL, "git -C hub.git fsck --no-progress --no-dangling"), 0);
	stance_buf_dispose(&cmd);
	free(hub); free(hb); free(hc); free(b); free(c); free(dir);
}

Test(sync_cli, overlapping_edits_stop_name_the_passage_and_wait, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b");
	char *before, *text;
	th_result r;

	add_doc(a, "kl/reform", "---\ntitle: Reform\n---\nVi skal have en reform.\n\nDen skal komme i år.\n");
	OK0(a, "sync");
	OK0(b, "sync");
	add_doc(a, "kl/reform", "---\ntitle: Reform\n---\nVi skal have en stor reform.\n\nDen skal komme i år.\n");
	add_doc(b, "kl/reform", "---\ntitle: Reform\n---\nVi skal have en lille reform.\n\nDen skal komme i år.\n");
	OK0(a, "sync");
	before = th_read(b, "kl/reform.md");

	TH_RUN(&r, b, "sync");
	cr_assert_eq(r.status, 1, "a conflict is an error: %s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "conflict: kl/reform: paragraph 1: ours \"Vi skal have en lille reform.\", "
		"theirs \"Vi skal have en stor reform.\""), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "stance sync --continue"), "%s", r.err.ptr);
	th_result_free(&r);
	/* both versions can be read with show */
	OK(&r, b, "show", "kl/reform@stance/theirs");
	cr_assert(strstr(r.out.ptr, "stor reform"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, b, "show", "kl/reform@stance/ours");
	cr_assert(strstr(r.out.ptr, "lille reform"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a second sync, pull or push refuses until the user decides */
	TH_RUN(&r, b, "push");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "--continue"), "%s", r.err.ptr);
	th_result_free(&r);

	OK(&r, b, "sync", "--abort");
	th_result_free(&r);
	text = th_read(b, "kl/reform.md");
	cr_assert_str_eq(text, before, "abort goes back to before");
	free(text);
	TH_RUN(&r, b, "sync", "--abort");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "no merge is waiting"), "%s", r.err.ptr);
	th_result_free(&r);

	TH_RUN(&r, b, "sync", "--json");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.out.ptr, "\"outcome\":\"conflict\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"conflicts\":[{\"id\":\"kl/reform\""), "%s", r.out.ptr);
	th_result_free(&r);
	th_write(b, "kl/reform.md", "---\nid: kl/reform\ntitle: Reform\n---\n\nVi skal have en mellemstor reform.\n\nDen skal komme i år.\n");
	OK(&r, b, "sync", "--continue");
	cr_assert(strstr(r.out.ptr, "To origin"), "the merge is pushed: %s", r.out.ptr);
	th_result_free(&r);
	OK0(a, "sync");
	text = th_read(a, "kl/reform.md");
	cr_assert(strstr(text, "mellemstor"), "%s", text);
	free(text);
	free(before); free(a); free(b); free(dir);
}

/*
 * `stance sync` after both archivists rewrote the same paragraph: the user
 * saw the working file hold only our version, no markers, and `git status`
 * knew of no merge. They should see git's way: the passage between
 * conflict markers (ours, the common ancestor, theirs, labelled), the merge
 * in progress in `git status`, the three stages in the index, a message
 * quoting the two competing versions; `--continue` refuses while markers
 * remain and completes the merge once they are gone.
 */
Test(sync_cli, sync_conflict_writes_git_markers_and_continue_waits_until_they_are_gone, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b");
	char *text, *out, *ha, *hb;
	th_result r;

	add_doc(a, "kl/reform", "---\ntitle: Reform\n---\nVi skal have en reform.\n\nDen skal komme i år.\n\nSlut.\n");
	OK0(a, "sync");
	OK0(b, "sync");
	add_doc(a, "kl/reform", "---\ntitle: Reform\n---\nVi skal have en stor reform.\n\nDen skal komme i år.\n\nSlut.\n");
	/* b also edits another paragraph, which merges without a question */
	add_doc(b, "kl/reform", "---\ntitle: Reform\n---\nVi skal have en lille reform.\n\nDen skal komme i år.\n\nSlut nu.\n");
	OK0(a, "sync");
	ha = head(a);
	hb = head(b);

	TH_RUN(&r, b, "sync");
	cr_assert_eq(r.status, 1, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "ours \"Vi skal have en lille reform.\", theirs \"Vi skal have en stor reform.\""),
		"both competing versions are named: %s", r.err.ptr);
	cr_assert(!strstr(r.err.ptr, "\"Vi skal have en reform.\""), "not the ancestor: %s", r.err.ptr);
	th_result_free(&r);

	text = th_read(b, "kl/reform.md");
	cr_assert(strstr(text, "\n<<<<<<< main (ours)\nVi skal have en lille reform.\n"
		"||||||| common ancestor\nVi skal have en reform.\n=======\nVi skal have en stor reform.\n"
		">>>>>>> origin/main (theirs)\n"), "the passage between diff3 markers: %s", text);
	cr_assert(strstr(text, "\nSlut nu.\n"), "the clean part is merged: %s", text);
	cr_assert(strstr(text, "title: Reform"), "%s", text);
	free(text);

	/* git sees the merge in progress */
	out = th_sh_out(b, "git status");
	cr_assert(strstr(out, "You have unmerged paths") && strstr(out, "both modified:") &&
		strstr(out, "kl/reform.md"), "%s", out);
	free(out);
	out = th_sh_out(b, "git rev-parse MERGE_HEAD");
	cr_assert(!strncmp(out, ha, 40), "MERGE_HEAD is their tip %s: %s", ha, out);
	free(out);
	out = th_sh_out(b, "git ls-files -u | awk '{print $3, $4}'");
	cr_assert_str_eq(out, "1 kl/reform.md\n2 kl/reform.md\n3 kl/reform.md\n", "the three stages");
	free(out);
	out = th_sh_out(b, "git show :3:kl/reform.md");
	cr_assert(strstr(out, "stor reform"), "stage 3 is theirs: %s", out);
	free(out);

	/* markers left in: refused, the file named with the line */
	TH_RUN(&r, b, "sync", "--continue");
	cr_assert_eq(r.status, 1, "%s", r.out.ptr);
	cr_assert(strstr(r.err.ptr, "conflict markers remain in kl/reform.md:"), "%s", r.err.ptr);
	th_result_free(&r);
	out = head(b);
	cr_assert_str_eq(out, hb, "nothing was committed");
	free(out);
	cr_assert(th_exists(b, ".git/MERGE_HEAD"), "still merging");
	/* a marker left behind on its own is found too */
	th_write(b, "kl/reform.md", "---\nid: kl/reform\ntitle: Reform\n---\n\nVi skal have en mellemstor reform.\n"
		">>>>>>> origin/main (theirs)\n\nDen skal komme i år.\n\nSlut nu.\n");
	TH_RUN(&r, b, "sync", "--continue");
	cr_assert_eq(r.status, 1, "%s", r.out.ptr);
	cr_assert(strstr(r.err.ptr, "kl/reform.md:7"), "%s", r.err.ptr);
	th_result_free(&r);

	/* resolved: the merge is made, git's merge state is gone, it is pushed */
	th_write(b, "kl/reform.md", "---\nid: kl/reform\ntitle: Reform\n---\n\nVi skal have en mellemstor reform.\n"
		"\nDen skal komme i år.\n\nSlut nu.\n");
	OK(&r, b, "sync", "--continue");
	cr_assert(strstr(r.out.ptr, "To origin"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(!th_exists(b, ".git/MERGE_HEAD"));
	out = th_sh_out(b, "git status --porcelain; git log -1 --format=%P");
	cr_assert(!strncmp(out, hb, 40) && strstr(out, ha), "a clean tree and a merge of both tips: %s", out);
	free(out);
	OK0(a, "sync");
	text = th_read(a, "kl/reform.md");
	cr_assert(strstr(text, "mellemstor") && strstr(text, "Slut nu."), "%s", text);
	free(text);
	free(ha); free(hb); free(a); free(b); free(dir);
}

/* The same conflict, resolved as after `git merge`: the user edits the file,
 * runs `git add` and `git commit`; `stance sync --continue` then only sends
 * the merge. `--abort` instead leaves no trace of the merge for git. */
Test(sync_cli, sync_conflict_resolved_with_git_commit_then_continue_pushes_it, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b");
	char *out, *before;
	th_result r;

	add_doc(a, "kl/x", "---\ntitle: X\n---\nEn.\n");
	OK0(a, "sync");
	OK0(b, "sync");
	add_doc(a, "kl/x", "---\ntitle: X\n---\nEn A.\n");
	add_doc(b, "kl/x", "---\ntitle: X\n---\nEn B.\n");
	OK0(a, "sync");
	before = th_read(b, "kl/x.md");
	TH_RUN(&r, b, "sync");
	cr_assert_eq(r.status, 1);
	th_result_free(&r);
	OK0(b, "sync", "--abort");
	out = th_sh_out(b, "git status --porcelain; test -e .git/MERGE_HEAD || echo no-merge");
	cr_assert_str_eq(out, "no-merge\n", "abort leaves git clean");
	free(out);
	out = th_read(b, "kl/x.md");
	cr_assert_str_eq(out, before);
	free(out);

	TH_RUN(&r, b, "sync");
	cr_assert_eq(r.status, 1);
	th_result_free(&r);
	th_write(b, "kl/x.md", "---\nid: kl/x\ntitle: X\n---\n\nEn AB.\n");
	cr_assert_eq(th_sh(b, NULL, "git add kl/x.md && git commit -q --no-edit"), 0);
	OK(&r, b, "sync", "--continue");
	cr_assert(strstr(r.out.ptr, "To origin"), "%s", r.out.ptr);
	th_result_free(&r);
	OK0(a, "sync");
	out = th_read(a, "kl/x.md");
	cr_assert(strstr(out, "En AB."), "%s", out);
	free(out);
	free(before); free(a); free(b); free(dir);
}

/* `stance clone /no/such/path` said "unsupported URL protocol"; it should
 * say there is no repository there, and write nothing. */
Test(sync_cli, clone_of_a_path_that_does_not_exist_says_there_is_no_repository_there, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	TH_RUN(&r, dir, "clone", "/no/such/path");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "there is no repository at /no/such/path"), "%s", r.err.ptr);
	cr_assert(!strstr(r.err.ptr, "unsupported URL protocol"), "%s", r.err.ptr);
	cr_assert(!th_exists(dir, "path"), "nothing written");
	th_result_free(&r);
	TH_RUN(&r, dir, "clone", "--json", "no-such-folder", "x");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.out.ptr, "\"ok\":false") && strstr(r.out.ptr, "\"outcome\":\"error\"") &&
		strstr(r.out.ptr, "there is no repository at no-such-folder"), "%s", r.out.ptr);
	cr_assert(!th_exists(dir, "x"));
	th_result_free(&r);
	free(dir);
}

/* `stance push --json` to a remote that is not there reported
 * "outcome":"up-to-date"; it should report the error. */
Test(sync_cli, push_json_to_a_missing_remote_reports_an_error_not_up_to_date, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a");
	th_result r;
	json_t *o;
	json_error_t je;
	add_doc(a, "kl/ny", "---\ntitle: Ny\n---\nNy tekst.\n");
	OK0(a, "remote", "add", "gone", "../no-such.git");
	TH_RUN(&r, a, "push", "--json", "gone");
	cr_assert_eq(r.status, 1);
	o = json_loads(r.out.ptr, 0, &je);
	cr_assert(o, "one JSON object: %s", r.out.ptr);
	cr_assert_str_eq(json_string_value(json_object_get(o, "outcome")), "error");
	cr_assert(json_is_false(json_object_get(o, "ok")));
	cr_assert(strstr(json_string_value(json_object_get(o, "error")), "no repository at remote 'gone'"), "%s", r.out.ptr);
	cr_assert(!strchr(json_string_value(json_object_get(o, "error")), '\n'));
	json_decref(o);
	th_result_free(&r);
	/* the same push without a remote's new commits in the way still works */
	OK(&r, a, "push", "--json");
	cr_assert(strstr(r.out.ptr, "\"outcome\":\"up-to-date\"") && strstr(r.out.ptr, "\"ok\":true"), "%s", r.out.ptr);
	th_result_free(&r);
	free(a);
	free(dir);
}

/* Another file than a document (README.md) edited on both sides: git's
 * line merge, with the same markers, stages and refusal. */
Test(sync_cli, sync_conflict_in_a_readme_gets_markers_and_continue_refuses_them, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b");
	char *text;
	th_result r;
	th_write(a, "README.md", "Titel\n\nLinje en.\n");
	cr_assert_eq(th_sh(a, NULL, "git add README.md && git commit -qm readme"), 0);
	OK0(a, "sync");
	OK0(b, "sync");
	th_write(a, "README.md", "Titel\n\nLinje A.\n");
	th_write(b, "README.md", "Titel\n\nLinje B.\n");
	cr_assert_eq(th_sh(a, NULL, "git commit -qam a"), 0);
	cr_assert_eq(th_sh(b, NULL, "git commit -qam b"), 0);
	OK0(a, "sync");
	TH_RUN(&r, b, "sync");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "conflict: README.md: lines changed on both sides"), "%s", r.err.ptr);
	th_result_free(&r);
	text = th_read(b, "README.md");
	cr_assert_str_eq(text, "Titel\n\n<<<<<<< main (ours)\nLinje B.\n||||||| common ancestor\nLinje en.\n"
		"=======\nLinje A.\n>>>>>>> origin/main (theirs)\n");
	free(text);
	text = th_sh_out(b, "git status --porcelain");
	cr_assert_str_eq(text, "UU README.md\n");
	free(text);
	TH_RUN(&r, b, "sync", "--continue");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "conflict markers remain in README.md:3"), "%s", r.err.ptr);
	th_result_free(&r);
	th_write(b, "README.md", "Titel\n\nLinje AB.\n");
	OK0(b, "sync", "--continue");
	text = th_sh_out(b, "git status --porcelain; git show -s --format=%s HEAD");
	cr_assert_str_eq(text, "Merge main of origin\n");
	free(text);
	free(a); free(b); free(dir);
}

Test(sync_cli, wrong_use_gets_a_sentence_and_changes_nothing, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a");
	th_result r;

	TH_RUN(&r, a, "pull", "nowhere");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "no remote named 'nowhere'"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, a, "remote", "add", "origin", "../elsewhere.git");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'origin' exists already"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, a, "remote", "add", "bad name", "x");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "not a valid remote name"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, a, "remote", "remove", "nowhere");
	cr_assert_eq(r.status, 1);
	th_result_free(&r);
	TH_RUN(&r, a, "remote", "rename", "x");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, a, "remote", "add", "only-a-name");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, a, "sync", "--continue", "--abort");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, a, "sync", "--theirs");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, a, "push", "one", "two");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);
	TH_RUN(&r, dir, "clone");
	cr_assert_eq(r.status, 2);
	th_result_free(&r);

	/* a remote that is gone: named, with its URL */
	OK0(a, "remote", "add", "gone", "../no-such.git");
	TH_RUN(&r, a, "pull", "gone");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'gone'") && strstr(r.err.ptr, "../no-such.git"), "%s", r.err.ptr);
	th_result_free(&r);

	/* cloning what is not a stance repository leaves no folder behind */
	cr_assert_eq(th_sh(dir, NULL, "git init -q plain && git -C plain commit -q --allow-empty -m x"), 0);
	TH_RUN(&r, dir, "clone", "plain", "copy");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "not a stance repository"), "%s", r.err.ptr);
	cr_assert(!th_exists(dir, "copy"), "nothing half-written");
	th_result_free(&r);
	/* into a folder that is not empty */
	TH_RUN(&r, dir, "clone", "hub.git", "a");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "not empty"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert(th_exists(a, ".stance/config"), "the existing folder is untouched");
	/* a missing repository */
	TH_RUN(&r, dir, "clone", "does-not-exist.git", "x");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "does-not-exist.git"), "%s", r.err.ptr);
	cr_assert(!th_exists(dir, "x"));
	th_result_free(&r);
	/* outside a repository */
	TH_RUN(&r, dir, "sync");
	cr_assert_eq(r.status, 1);
	th_result_free(&r);
	free(a);
	free(dir);
}

Test(sync_cli, uncommitted_changes_are_never_overwritten, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b");
	char *text, *hb, *hb2;
	th_result r;
	add_doc(a, "kl/doc", "---\ntitle: Doc\n---\nFørst.\n");
	OK0(a, "sync");
	OK0(b, "sync");
	add_doc(a, "kl/doc", "---\ntitle: Doc\n---\nSå.\n");
	OK0(a, "sync");
	/* b has a half-finished edit of the same file */
	th_write(b, "kl/doc.md", "---\nid: kl/doc\ntitle: Doc\n---\n\nMin kladde.\n");
	hb = head(b);
	TH_RUN(&r, b, "pull");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "uncommitted"), "%s", r.err.ptr);
	th_result_free(&r);
	text = th_read(b, "kl/doc.md");
	cr_assert(strstr(text, "Min kladde"), "the draft survives: %s", text);
	free(text);
	hb2 = head(b);
	cr_assert_str_eq(hb, hb2, "main did not move");
	free(hb); free(hb2); free(a); free(b); free(dir);
}

/* A hub whose objects folder can take neither loose objects nor a pack
 * (files where its fan-out folders and its pack folder should be): the
 * push fails, saying so, and the hub's branch does not move to commits it
 * does not have. */
Test(sync_cli, a_hub_that_cannot_store_the_objects_keeps_its_branch, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *before, *after;
	th_result r;
	add_doc(a, "kl/ny", "---\ntitle: Ny\n---\nVi skal dele den.\n");
	before = th_sh_out(dir, "git -C hub.git rev-parse main");
	cr_assert_eq(th_sh(dir, NULL, "cd hub.git/objects && rm -rf pack ?? && touch pack && "
		"for i in $(seq 0 255); do touch $(printf %%02x $i); done"), 0);
	TH_RUN(&r, a, "push");
	cr_assert_eq(r.status, 1, "%s", r.out.ptr);
	cr_assert(strstr(r.err.ptr, "did not take the new commits"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "hub.git"), "the message names the remote: %s", r.err.ptr);
	th_result_free(&r);
	after = th_sh_out(dir, "git -C hub.git rev-parse main 2>/dev/null");
	cr_assert_str_eq(after, before);
	free(before); free(after); free(a); free(dir);
}

/* Writes `n` commits on top of `repo`'s main with git fast-import, each
 * adding a document kl/gen-N, and checks them out. */
static void many_commits(const char *repo, int n)
{
	cr_assert_eq(th_sh(repo, NULL, "i=0; { while [ $i -lt %d ]; do i=$((i + 1)); "
		"t=$(printf -- '---\\nid: kl/gen-%%d\\ntitle: \"Gen %%d\"\\n---\\n\\nVi skal %%d.\\n' $i $i $i); "
		"printf 'commit refs/heads/main\\ncommitter B <b@example.org> %%d +0000\\ndata 4\\nGen\\n' $((1700000000 + i)); "
		"[ $i = 1 ] && printf 'from refs/heads/main^0\\n'; "
		"printf 'M 100644 inline kl/gen-%%d.md\\ndata %%d\\n%%s\\n' $i ${#t} \"$t\"; done; } "
		"| git fast-import --quiet && git reset -q --hard main", n), 0);
}

/* A push to a folder copies a few new objects one by one, as git's
 * receive-pack keeps a small push; hundreds go as one pack of whole
 * objects, thousands as a pack with deltas. Each way the hub then holds
 * every object of its branch. */
Test(sync_cli, a_push_to_a_folder_copies_few_objects_and_packs_many, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *packs, *ours, *hub;
	th_result r;
	packs = th_sh_out(dir, "ls hub.git/objects/pack | grep -c '\\.pack$' || true");
	cr_assert_str_eq(packs, "0\n", "the seed went as loose objects: %s", packs);
	free(packs);
	add_doc(a, "kl/ny", "---\ntitle: Ny\n---\nVi skal dele den.\n");
	OK0(a, "push");
	packs = th_sh_out(dir, "ls hub.git/objects/pack | grep -c '\\.pack$' || true");
	cr_assert_str_eq(packs, "0\n", "one new revision: loose objects (%s)", packs);
	free(packs);
	/* 400 commits of a new document each: 1,600 objects */
	many_commits(a, 400);
	OK(&r, a, "push");
	cr_assert(strstr(r.out.ptr, "400 commits on main"), "%s", r.out.ptr);
	th_result_free(&r);
	packs = th_sh_out(dir, "ls hub.git/objects/pack | grep -c '\\.pack$' || true");
	cr_assert_str_eq(packs, "1\n", "many: one pack (%s)", packs);
	free(packs);
	/* 600 commits more (kl/gen-1 to 100 again): 2,400 objects, a pack
	 * with deltas from libgit2's pack builder */
	many_commits(a, 600);
	OK0(a, "push");
	packs = th_sh_out(dir, "ls hub.git/objects/pack | grep -c '\\.pack$' || true");
	cr_assert_str_eq(packs, "2\n", "more: a second pack (%s)", packs);
	free(packs);
	ours = th_sh_out(a, "git rev-parse main");
	hub = th_sh_out(dir, "git -C hub.git rev-parse main");
	cr_assert_str_eq(hub, ours);
	cr_assert_eq(th_sh(dir, NULL, "git -C hub.git fsck --strict --no-dangling"), 0, "the hub is whole");
	/* and a fresh clone of it has everything */
	OK0(dir, "clone", "hub.git", "d");
	cr_assert(th_exists(dir, "d/kl/gen-400.md") && th_exists(dir, "d/kl/ny.md"));
	free(ours); free(hub); free(a); free(dir);
}

/* A fast-forward pull writes the files the new revisions changed, removes
 * those they removed, and leaves an unrelated edit of the user's alone. */
Test(sync_cli, a_fast_forward_pull_writes_what_changed, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b"), *text, *status;
	add_doc(a, "kl/gammel", "---\ntitle: Gammel\n---\nDen går.\n");
	add_doc(a, "kl/fast", "---\ntitle: Fast\n---\nDen bliver.\n");
	OK0(a, "push");
	OK0(b, "pull");
	cr_assert(th_exists(b, "kl/gammel.md"));
	add_doc(a, "kl/ny", "---\ntitle: Ny\n---\nVi skal dele den.\n");
	cr_assert_eq(th_sh(a, NULL, "git rm -q kl/gammel.md && git -c core.hooksPath=/dev/null commit -q -m 'Remove kl/gammel'"), 0);
	OK0(a, "push");
	/* b's own edit of a file the pull does not touch */
	th_write(b, "kl/fast.md", "---\nid: kl/fast\ntitle: Fast\n---\n\nMin kladde.\n");
	OK0(b, "pull");
	cr_assert(th_exists(b, "kl/ny.md"), "the new document is there");
	cr_assert(!th_exists(b, "kl/gammel.md"), "the removed one is gone");
	text = th_read(b, "kl/fast.md");
	cr_assert(strstr(text, "Min kladde"), "the edit survives: %s", text);
	free(text);
	status = th_sh_out(b, "git status --porcelain");
	cr_assert_str_eq(status, " M kl/fast.md\n", "index and files follow main but for the edit: %s", status);
	free(status); free(a); free(b); free(dir);
}

/* The packs in `repo`'s objects folder. */
static int pack_count(const char *repo)
{
	char *out = th_sh_out(repo, "ls .git/objects/pack | grep -c '\\.pack$' || true");
	int n = (int)strtol(out, NULL, 10);
	free(out);
	return n;
}

/* A pull from a folder copies a few new objects loose, a few hundred as
 * one pack of whole objects, and leaves many to libgit2's fetch; each way
 * the clone ends with the hub's history, whole, and its files. */
Test(sync_cli, a_pull_from_a_folder_copies_few_objects_packs_hundreds_and_fetches_many, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b"), *chains, *ha, *hb;
	int packs = pack_count(b);
	add_doc(a, "kl/ny", "---\ntitle: Ny\n---\nVi skal dele den.\n");
	OK0(a, "push");
	OK0(b, "pull");
	cr_assert(th_exists(b, "kl/ny.md"));
	cr_assert_eq(pack_count(b), packs, "one revision: loose objects");
	/* 100 commits of a new document each: 400 objects */
	many_commits(a, 100);
	OK0(a, "push");
	OK0(b, "pull");
	cr_assert(th_exists(b, "kl/gen-100.md"));
	cr_assert_eq(pack_count(b), packs + 1, "a hundred revisions: one pack");
	chains = th_sh_out(b, "for p in $(ls -t .git/objects/pack/*.pack | head -1); do "
		"git verify-pack -v $p | grep -c 'chain length' || true; done");
	cr_assert_str_eq(chains, "0\n", "its objects are whole: %s", chains);
	/* 600 more (kl/gen-1 to 100 again, 101 to 600 new): 2,400 objects */
	many_commits(a, 600);
	OK0(a, "push");
	OK0(b, "pull");
	cr_assert(th_exists(b, "kl/gen-600.md"));
	ha = head(a);
	hb = head(b);
	cr_assert_str_eq(hb, ha, "b has a's main");
	cr_assert_eq(th_sh(b, NULL, "git fsck --strict --no-dangling"), 0, "b is whole");
	cr_assert_eq(th_sh(dir, NULL, "git -C hub.git fsck --strict --no-dangling"), 0, "the hub is whole");
	free(chains); free(ha); free(hb); free(a); free(b); free(dir);
}

/* A hub with a damaged object: the pull says which remote and which
 * object, and neither the branch nor the remote-tracking branch moves. */
Test(sync_cli, a_pull_from_a_hub_with_a_damaged_object_moves_nothing, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *b = th_path(dir, "b"), *before, *tracking, *after;
	th_result r;
	add_doc(a, "kl/ny", "---\ntitle: Ny\n---\nVi skal dele den.\n");
	OK0(a, "push");
	/* the new document's blob went loose into the hub: garbage in its place */
	cr_assert_eq(th_sh(a, NULL, "b=$(git rev-parse main:kl/ny.md) && f=../hub.git/objects/$(echo $b | cut -c1-2)/"
		"$(echo $b | cut -c3-) && test -f $f && rm -f $f && echo garbage > $f"), 0);
	before = th_sh_out(b, "git rev-parse main");
	tracking = th_sh_out(b, "git rev-parse origin/main");
	TH_RUN(&r, b, "pull");
	cr_assert_eq(r.status, 1, "%s", r.out.ptr);
	cr_assert(strstr(r.err.ptr, "hub.git") && strstr(r.err.ptr, "cannot read object"), "%s", r.err.ptr);
	th_result_free(&r);
	after = th_sh_out(b, "git rev-parse main");
	cr_assert_str_eq(after, before, "main did not move");
	free(after);
	after = th_sh_out(b, "git rev-parse origin/main");
	cr_assert_str_eq(after, tracking, "origin/main did not move");
	cr_assert(!th_exists(b, "kl/ny.md"));
	free(after); free(before); free(tracking); free(a); free(b); free(dir);
}

/* A hub whose pack folder is a file: a push of a hundred revisions, which
 * goes as one pack, fails naming the remote, and the branch stays. */
Test(sync_cli, a_hub_that_cannot_take_a_pack_keeps_its_branch, .fini = th_cleanup)
{
	char *dir = team(), *a = th_path(dir, "a"), *before, *after;
	th_result r;
	many_commits(a, 100);
	before = th_sh_out(dir, "git -C hub.git rev-parse main");
	cr_assert_eq(th_sh(dir, NULL, "rm -rf hub.git/objects/pack && touch hub.git/objects/pack"), 0);
	TH_RUN(&r, a, "push");
	cr_assert_eq(r.status, 1, "%s", r.out.ptr);
	cr_assert(strstr(r.err.ptr, "hub.git") && strstr(r.err.ptr, "branches were not moved"), "%s", r.err.ptr);
	th_result_free(&r);
	after = th_sh_out(dir, "git -C hub.git rev-parse main 2>/dev/null");
	cr_assert_str_eq(after, before);
	free(before); free(after); free(a); free(dir);
}
