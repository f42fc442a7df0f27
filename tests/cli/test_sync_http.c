/*
 * test_sync_http.c: clone, pull, push and sync against a real smart-HTTP git
 * server on loopback (git http-backend behind lighttpd, started by each test
 * on 127.0.0.1 and a free port): logins, a remote that refuses the push, the
 * server dying in the middle of a push, a host that is not there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static char *server_dir;   /* the running server's folder, for the fini */
static char server_port[16];


/* Starts the server on `port` (NULL: any free one). */
static void server_start(const char *dir, const char *port)
{
	char *script = th_source("tests/fixtures/sync/http-server.sh");
	stance_buf out = STANCE_BUF_INIT;
	int rc = th_sh(dir, &out, "'%s' start srv %s", script, port ? port : "");
	cr_assert_eq(rc, 0, "the test server did not start: %s", stance_buf_cstr(&out));
	snprintf(server_port, sizeof(server_port), "%.*s", (int)strcspn(out.ptr, "\n"), out.ptr);
	free(server_dir);
	server_dir = th_path(dir, "srv");
	stance_buf_dispose(&out);
	free(script);
}

static void server_stop(void)
{
	if (server_dir) {
		char *script = th_source("tests/fixtures/sync/http-server.sh");
		th_sh("/", NULL, "'%s' stop '%s'", script, server_dir);
		free(script);
		free(server_dir);
		server_dir = NULL;
	}
}

static void fini(void)
{
	server_stop();
	th_cleanup();
}

static char *url_of(const char *repo, const char *user)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "http://%s%s127.0.0.1:%s/git/%s.git", user ? user : "", user ? "@" : "",
		server_port, repo);
	return stance_buf_detach(&b);
}

/* A served bare repository `name` holding a fresh stance repository. */
static char *served(const char *dir, const char *name)
{
	stance_buf cmd = STANCE_BUF_INIT;
	char *seed = th_path(dir, "seed"), *url;
	stance_buf_printf(&cmd, "git init -q --bare -b main srv/repos/%s.git && "
		"git -C srv/repos/%s.git config http.receivepack true", name, name);
	cr_assert_eq(th_sh(dir, NULL, "%s", cmd.ptr), 0);
	if (!th_exists(dir, "seed"))
		OK0(dir, "init", "seed");
	stance_buf_clear(&cmd);
	stance_buf_printf(&cmd, "git push -q srv/repos/%s.git main", name);
	cr_assert_eq(th_sh(seed, NULL, "git push -q ../srv/repos/%s.git main", name), 0);
	url = url_of(name, NULL);
	stance_buf_dispose(&cmd);
	free(seed);
	return url;
}

static void add_doc(const char *repo, const char *id, const char *text)
{
	stance_buf file = STANCE_BUF_INIT;
	stance_buf_printf(&file, "../in-%s.md", strrchr(id, '/') + 1);
	th_write(repo, file.ptr, text);
	OK0(repo, "add", file.ptr, "--id", id);
	stance_buf_dispose(&file);
}

static char *rev(const char *dir, const char *what)
{
	stance_buf cmd = STANCE_BUF_INIT;
	char *h;
	stance_buf_printf(&cmd, "git rev-parse %s", what);
	h = th_sh_out(dir, cmd.ptr);
	h[strcspn(h, "\n")] = '\0';
	stance_buf_dispose(&cmd);
	return h;
}

static char *hub_main(const char *dir)
{
	char *h = th_sh_out(dir, "git --git-dir=srv/repos/team.git rev-parse main");
	h[strcspn(h, "\n")] = '\0';
	return h;
}

Test(sync_http, clone_pull_and_push_over_smart_http, .fini = fini)
{
	char *dir = th_tmpdir(), *url, *a, *b, *ha, *hb, *hub;
	th_result r;
	server_start(dir, NULL);
	url = served(dir, "team");
	OK(&r, dir, "clone", url, "a");
	cr_assert(strstr(r.out.ptr, url), "the summary names the URL: %s", r.out.ptr);
	th_result_free(&r);
	OK0(dir, "clone", url, "b");
	a = th_path(dir, "a");
	b = th_path(dir, "b");
	add_doc(a, "kl/net", "---\ntitle: Net\n---\nVi skal dele.\n");
	add_doc(b, "kl/web", "---\ntitle: Web\n---\nVi bør dele mere.\n");
	OK(&r, a, "push");
	cr_assert(strstr(r.out.ptr, "To origin"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, b, "pull", "--json");
	cr_assert(strstr(r.out.ptr, "\"outcome\":\"merged\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"received\":{\"commits\":1"), "%s", r.out.ptr);
	th_result_free(&r);
	OK0(b, "push");
	OK0(a, "sync");
	ha = rev(a, "main");
	hb = rev(b, "main");
	hub = hub_main(dir);
	cr_assert_str_eq(ha, hb);
	cr_assert_str_eq(ha, hub);
	cr_assert(th_exists(a, "kl/web.md") && th_exists(b, "kl/net.md"));
	free(ha); free(hb); free(hub); free(a); free(b); free(url); free(dir);
}

/* A clone of a history whose pack is several MB: while it receives and
 * indexes the pack, stance gives the pages it read back to the kernel
 * (sync_memory.c); the clone must come out whole, every object sound and
 * every file checked out. */
Test(sync_http, a_clone_of_a_long_history_is_whole, .fini = fini)
{
	char *dir = th_tmpdir(), *url, *theirs, *ours, *status;
	server_start(dir, NULL);
	url = served(dir, "big");
	/* 300 revisions of 20 KB that do not compress: a pack of about 6 MB */
	cr_assert_eq(th_sh(dir, NULL, "cd srv/repos/big.git && i=0; { while [ $i -lt 300 ]; do i=$((i + 1)); "
		"t=$(printf -- '---\\nid: kl/d%%d\\ntitle: \"D %%d\"\\n---\\n\\n%%s\\n' $((i %% 40)) $i "
		"\"$(head -c 15000 /dev/urandom | base64 -w 76)\"); "
		"printf 'commit refs/heads/main\\ncommitter B <b@example.org> %%d +0000\\ndata 4\\nRev\\n' $((1700000000 + i)); "
		"[ $i = 1 ] && printf 'from refs/heads/main^0\\n'; "
		"printf 'M 100644 inline kl/d%%d.md\\ndata %%d\\n%%s\\n' $((i %% 40)) ${#t} \"$t\"; done; } "
		"| git fast-import --quiet && git repack -adq"), 0);
	OK0(dir, "clone", "--no-progress", url, "a");
	theirs = th_sh_out(dir, "git --git-dir=srv/repos/big.git rev-parse main");
	ours = th_sh_out(dir, "git -C a rev-parse main");
	cr_assert_str_eq(ours, theirs);
	cr_assert_eq(th_sh(dir, NULL, "git -C a fsck --full --strict --no-dangling"), 0, "every object is sound");
	status = th_sh_out(dir, "git -C a status --porcelain");
	cr_assert_str_eq(status, "", "every file is checked out as committed: %s", status);
	cr_assert_eq(th_sh(dir, NULL, "git --git-dir=srv/repos/big.git show main:kl/d20.md | cmp - a/kl/d20.md"), 0);
	free(status); free(ours); free(theirs); free(url); free(dir);
}

Test(sync_http, two_clones_pushing_at_the_same_moment, .fini = fini)
{
	char *dir = th_tmpdir(), *url, *b, *c, *hb, *hc, *hub;
	stance_buf cmd = STANCE_BUF_INIT;
	server_start(dir, NULL);
	url = served(dir, "team");
	OK0(dir, "clone", url, "b");
	OK0(dir, "clone", url, "c");
	b = th_path(dir, "b");
	c = th_path(dir, "c");
	add_doc(b, "kl/fra-b", "---\ntitle: B\n---\nB skriver.\n");
	add_doc(c, "kl/fra-c", "---\ntitle: C\n---\nC skriver.\n");
	hb = rev(b, "main");
	hc = rev(c, "main");
	stance_buf_printf(&cmd, "(cd b && '%s' sync >../b.log 2>&1; echo $? >../b.rc) & "
		"(cd c && '%s' sync >../c.log 2>&1; echo $? >../c.rc) & wait; cat b.rc c.rc b.log c.log",
		STANCE_BIN, STANCE_BIN);
	{
		char *out = th_sh_out(dir, cmd.ptr);
		cr_assert(!strncmp(out, "0\n0\n", 4), "both syncs succeed: %s", out);
		free(out);
	}
	OK0(b, "sync");
	stance_buf_clear(&cmd);
	stance_buf_printf(&cmd, "for x in %s %s; do git --git-dir=srv/repos/team.git merge-base --is-ancestor $x main "
		"|| exit 1; done", hb, hc);
	cr_assert_eq(th_sh(dir, NULL, "%s", cmd.ptr), 0, "neither loses a revision");
	hub = hub_main(dir);
	free(hb);
	hb = rev(b, "main");
	cr_assert_str_eq(hub, hb);
	stance_buf_dispose(&cmd);
	free(hub); free(hb); free(hc); free(b); free(c); free(url); free(dir);
}

Test(sync_http, wrong_credentials_are_named_without_the_secret, .fini = fini)
{
	char *dir = th_tmpdir(), *url;
	th_result r;
	server_start(dir, NULL);
	free(served(dir, "private"));
	url = url_of("private", "alice");
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	setenv("STANCE_TOKEN", "not-the-pass-word", 1);
	TH_RUN(&r, dir, "clone", url, "x");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "login to remote 'origin'"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, url), "the URL is named: %s", r.err.ptr);
	cr_assert(!strstr(r.err.ptr, "not-the-pass-word"), "the token is not shown: %s", r.err.ptr);
	cr_assert(!th_exists(dir, "x"), "nothing half-written");
	th_result_free(&r);
	/* no token and no credential helper */
	unsetenv("STANCE_TOKEN");
	TH_RUN(&r, dir, "clone", url, "x");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "login to remote") && strstr(r.err.ptr, "STANCE_TOKEN"), "%s", r.err.ptr);
	th_result_free(&r);
	/* a password in the URL is never echoed either */
	{
		char *bad = url_of("private", "alice:hunter2");
		TH_RUN(&r, dir, "clone", bad, "x");
		cr_assert_eq(r.status, 1);
		cr_assert(!strstr(r.err.ptr, "hunter2"), "%s", r.err.ptr);
		cr_assert(strstr(r.err.ptr, "http://alice@127.0.0.1"), "%s", r.err.ptr);
		th_result_free(&r);
		free(bad);
	}
	/* the right token works, for clone and for push */
	setenv("STANCE_TOKEN", "s3cret", 1);
	OK0(dir, "clone", url, "x");
	{
		char *x = th_path(dir, "x");
		add_doc(x, "kl/hemmelig", "---\ntitle: H\n---\nTekst.\n");
		OK0(x, "push");
		setenv("STANCE_TOKEN", "wrong", 1);
		add_doc(x, "kl/hemmelig", "---\ntitle: H\n---\nTekst to.\n");
		TH_RUN(&r, x, "push");
		cr_assert_eq(r.status, 1);
		cr_assert(strstr(r.err.ptr, "login to remote 'origin'"), "%s", r.err.ptr);
		th_result_free(&r);
		free(x);
	}
	free(url); free(dir);
}

Test(sync_http, git_credential_helpers_answer_for_https, .fini = fini)
{
	char *dir = th_tmpdir(), *url, *cfg;
	th_result r;
	server_start(dir, NULL);
	free(served(dir, "private"));
	url = url_of("private", NULL);
	unsetenv("STANCE_TOKEN");
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	/* a helper that knows alice's password, in a git config of our own */
	th_write(dir, "gitconfig", "[credential]\n\thelper = \"!f() { echo username=alice; echo password=s3cret; }; f\"\n");
	cfg = th_path(dir, "gitconfig");
	setenv("GIT_CONFIG_GLOBAL", cfg, 1);
	OK(&r, dir, "clone", url, "x");
	cr_assert(strstr(r.out.ptr, "Cloned"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a helper with the wrong password: a login failure, its password unseen */
	th_write(dir, "gitconfig", "[credential]\n\thelper = \"!f() { echo username=alice; echo password=nope-nope; }; f\"\n");
	TH_RUN(&r, dir, "clone", url, "y");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "login to remote 'origin'"), "%s", r.err.ptr);
	cr_assert(!strstr(r.err.ptr, "nope-nope"), "%s", r.err.ptr);
	th_result_free(&r);
	/* the store helper: a wrong stored password is rejected and forgotten */
	{
		stance_buf conf = STANCE_BUF_INIT;
		char *store = th_path(dir, "store"), *left;
		stance_buf_printf(&conf, "[credential]\n\thelper = store --file=%s\n", store);
		th_write(dir, "gitconfig", conf.ptr);
		cr_assert_eq(th_sh(dir, NULL, "printf 'http://alice:wrong-one@127.0.0.1:%s\\n' > store", server_port), 0);
		TH_RUN(&r, dir, "clone", url, "z");
		cr_assert_eq(r.status, 1);
		cr_assert(!strstr(r.err.ptr, "wrong-one"), "%s", r.err.ptr);
		th_result_free(&r);
		left = th_read(dir, "store");
		cr_assert(!strstr(left, "wrong-one"), "the helper was told to forget it: %s", left);
		free(left);
		stance_buf_dispose(&conf);
		free(store);
	}
	unsetenv("GIT_CONFIG_GLOBAL");
	free(cfg); free(url); free(dir);
}

Test(sync_http, a_terminal_gets_a_progress_bar, .fini = fini)
{
	char *dir = th_tmpdir(), *url, *out;
	stance_buf cmd = STANCE_BUF_INIT;
	server_start(dir, NULL);
	url = served(dir, "team");
	/* script(1) gives stance a terminal; the bar goes to standard error */
	stance_buf_printf(&cmd, "script -qec \"'%s' clone '%s' t\" /dev/null", STANCE_BIN, url);
	out = th_sh_out(dir, cmd.ptr);
	cr_assert(strstr(out, "Receiving objects"), "%s", out);
	cr_assert(strstr(out, "100%"), "%s", out);
	cr_assert(th_exists(dir, "t/.stance/config"));
	stance_buf_dispose(&cmd);
	free(out); free(url); free(dir);
}

Test(sync_http, a_remote_that_refuses_the_push, .fini = fini)
{
	char *dir = th_tmpdir(), *url, *a, *before, *after, *track;
	th_result r;
	server_start(dir, NULL);
	url = served(dir, "team");
	OK0(dir, "clone", url, "a");
	a = th_path(dir, "a");
	th_write(dir, "srv/repos/team.git/hooks/pre-receive",
		"#!/bin/sh\necho 'the archive is frozen for the audit' >&2\nexit 1\n");
	cr_assert_eq(th_sh(dir, NULL, "chmod +x srv/repos/team.git/hooks/pre-receive"), 0);
	add_doc(a, "kl/ny", "---\ntitle: Ny\n---\nNy tekst.\n");
	before = hub_main(dir);
	TH_RUN(&r, a, "sync");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "remote 'origin'") && strstr(r.err.ptr, url), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "refused the push"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "declined"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "the archive is frozen for the audit"), "the server's reason: %s", r.err.ptr);
	th_result_free(&r);
	after = hub_main(dir);
	cr_assert_str_eq(before, after, "the remote did not move");
	track = rev(a, "refs/remotes/origin/main");
	cr_assert_str_eq(track, before, "we do not pretend it arrived");
	free(track);
	/* once the remote accepts again, the same sync goes through */
	cr_assert_eq(th_sh(dir, NULL, "rm srv/repos/team.git/hooks/pre-receive"), 0);
	OK0(a, "sync");
	free(after);
	after = hub_main(dir);
	track = rev(a, "main");
	cr_assert_str_eq(after, track);
	free(track); free(before); free(after); free(a); free(url); free(dir);
}

Test(sync_http, the_server_dies_in_the_middle_of_a_push, .fini = fini)
{
	char *dir = th_tmpdir(), *url, *a, *b, *hub_before, *hub_after, *local, *port;
	th_result r;
	server_start(dir, NULL);
	url = served(dir, "team");
	OK0(dir, "clone", url, "a");
	OK0(dir, "clone", url, "b");
	a = th_path(dir, "a");
	b = th_path(dir, "b");
	add_doc(a, "kl/lang", "---\ntitle: Lang\n---\nEn lang tekst om reformen.\n\nMed to afsnit.\n");
	hub_before = hub_main(dir);
	local = rev(a, "main");
	th_write(dir, "srv/kill-on-push", "");
	TH_RUN(&r, a, "sync");
	cr_assert_eq(r.status, 1, "the push cannot succeed: %s", r.out.ptr);
	cr_assert(strstr(r.err.ptr, "remote 'origin'") && strstr(r.err.ptr, url), "%s", r.err.ptr);
	th_result_free(&r);
	/* both sides consistent: the remote as before, ours as before */
	hub_after = hub_main(dir);
	cr_assert_str_eq(hub_before, hub_after);
	cr_assert_eq(th_sh(dir, NULL, "git --git-dir=srv/repos/team.git fsck --no-progress --no-dangling"), 0);
	free(hub_after);
	hub_after = rev(a, "main");
	cr_assert_str_eq(hub_after, local, "nothing local was lost or moved");
	free(hub_after);
	hub_after = rev(a, "refs/remotes/origin/main");
	cr_assert_str_eq(hub_after, hub_before);
	free(hub_after);
	/* the server comes back on the same port; the next sync completes */
	port = strdup(server_port);
	server_start(dir, port);
	OK0(a, "sync");
	OK0(b, "sync");
	hub_after = hub_main(dir);
	cr_assert_str_eq(hub_after, local);
	cr_assert(th_exists(b, "kl/lang.md"));
	free(port); free(hub_after); free(hub_before); free(local); free(a); free(b); free(url); free(dir);
}

Test(sync_http, a_missing_repository_and_an_unreachable_host, .fini = fini)
{
	char *dir = th_tmpdir(), *url, *a;
	th_result r;
	server_start(dir, NULL);
	url = served(dir, "team");
	OK0(dir, "clone", url, "a");
	a = th_path(dir, "a");
	free(url);
	url = url_of("nothing-here", NULL);
	OK0(a, "remote", "add", "nothing", url);
	TH_RUN(&r, a, "pull", "nothing");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "no repository at remote 'nothing'") && strstr(r.err.ptr, url), "%s", r.err.ptr);
	th_result_free(&r);
	server_stop();
	TH_RUN(&r, a, "sync");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "cannot reach remote 'origin'"), "%s", r.err.ptr);
	th_result_free(&r);
	free(url); free(a); free(dir);
}
