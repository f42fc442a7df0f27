/*
 * test_fetch_gone.c: a fetched page that is gone (404 or 410 on the
 * source's gone-after fetches in a row, 3 unless set) is recorded as gone in
 * a commit of its own, said so in fetch's output, never deleted silently;
 * its history stays. Against the real test server on loopback.
 */
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t server_pid;
static int port;
static char *www, *repo;

static void setup(void)
{
	th_result r;
	www = th_tmpdir();
	port = th_server_start(www, &server_pid);
	repo = th_tmpdir();
	TH_RUN(&r, repo, "init", ".");
	cr_assert_eq(r.status, 0, "init: %s", stance_buf_cstr(&r.err));
	th_result_free(&r);
}

static void teardown(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	th_cleanup();
}

static const char *ARTICLE =
	"<html lang=\"da\"><head><title>Skolepolitik | Byrådet</title></head>"
	"<body><article><h1>Skolepolitik</h1>"
	"<p>Byrådet mener, at alle børn skal have en skole tæt på hjemmet, og at klasserne ikke må blive for store.</p>"
	"<p>Vi foreslår derfor, at skolerne i landsbyerne bevares, og at der afsættes flere penge til lærere.</p>"
	"</article></body></html>";

#define FETCH(r) TH_RUN((r), repo, "fetch", "--no-progress", "--delay", "0", "--jitter", "0", "--backoff", "100")

static void add_source(const char *id, const char *path)
{
	stance_buf u = STANCE_BUF_INIT;
	th_result r;
	stance_buf_printf(&u, "http://127.0.0.1:%d%s", port, path);
	TH_RUN(&r, repo, "source", "add", id, u.ptr);
	cr_assert_eq(r.status, 0, "source add: %s", r.err.ptr);
	th_result_free(&r);
	stance_buf_dispose(&u);
}

static int commits(void)
{
	char *out = th_sh_out(repo, "git rev-list --count HEAD");
	int n = (int)strtol(out, NULL, 10);
	free(out);
	return n;
}

Test(fetch_gone, a_page_that_404s_three_fetches_in_a_row_is_recorded_as_gone_in_its_own_commit,
	.init = setup, .fini = teardown)
{
	th_result r;
	char *msg, *files;
	int before;
	th_write(www, "skole.html", ARTICLE);
	add_source("kk/skole", "/skole.html");
	FETCH(&r);
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	cr_assert(th_exists(repo, "kk/skole.md"));
	/* the page goes away: two fetches fail, saying how far it is from gone */
	cr_assert_eq(unlink(th_path(www, "skole.html")), 0);
	before = commits();
	FETCH(&r);
	cr_assert_eq(r.status, 3, "a 404 is a failure until it is recorded as gone: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "HTTP 404") && strstr(r.out.ptr, "gone 1 of the 3 fetches in a row"), "%s", r.out.ptr);
	th_result_free(&r);
	FETCH(&r);
	cr_assert(strstr(r.out.ptr, "gone 2 of the 3"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(commits(), before, "nothing is committed before the third");
	cr_assert(th_exists(repo, "kk/skole.md"), "nothing is deleted before the third");
	/* the third: gone, in a commit of its own, and fetch says so */
	FETCH(&r);
	cr_assert_eq(r.status, 0, "a page recorded as gone is no failure: %s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.out.ptr, "kk/skole") && strstr(r.out.ptr, "gone") &&
		strstr(r.out.ptr, "HTTP 404 on 3 fetches in a row: recorded as gone"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "1 gone"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(commits(), before + 1, "one commit records it");
	msg = th_sh_out(repo, "git log -1 --format=%B");
	cr_assert(strstr(msg, "Gone kk/skole") && strstr(msg, "Gone-Status: 404") && strstr(msg, "/skole.html"), "%s", msg);
	files = th_sh_out(repo, "git show --name-status --format= HEAD");
	cr_assert_str_eq(files, "D\tkk/skole.md\n", "the commit removes that document only");
	cr_assert(!th_exists(repo, "kk/skole.md"));
	cr_assert_eq(th_sh(repo, NULL, "test -z \"$(git status --porcelain)\""), 0, "the working folder is clean");
	/* its history stays, and list --all names it */
	OK(&r, repo, "show", "kk/skole@{1}");
	cr_assert(strstr(r.out.ptr, "skole tæt på hjemmet"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, repo, "list", "--all");
	cr_assert(strstr(r.out.ptr, "kk/skole") && strstr(r.out.ptr, "(removed "), "%s", r.out.ptr);
	th_result_free(&r);
	/* still gone: no second commit, no failure */
	FETCH(&r);
	cr_assert_eq(r.status, 0, "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "still gone"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(commits(), before + 1);
	/* the page comes back: a new version, the count starts again */
	th_write(www, "skole.html", ARTICLE);
	FETCH(&r);
	cr_assert_eq(r.status, 0, "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "new"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(th_exists(repo, "kk/skole.md"));
	free(msg);
	free(files);
}

Test(fetch_gone, gone_after_1_records_a_410_at_once_and_a_bad_setting_is_named,
	.init = setup, .fini = teardown)
{
	th_result r;
	char *msg;
	th_write(www, "side.html", ARTICLE);
	add_source("kk/side", "/side.html");
	FETCH(&r);
	th_result_free(&r);
	/* the source now points at a page that answers 410 Gone */
	cr_assert_eq(th_sh(repo, NULL, "git config -f .stance/config source.kk/side.url "
		"http://127.0.0.1:%d/status/410 && git config -f .stance/config source.kk/side.gone-after x", port), 0);
	FETCH(&r);
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err.ptr, "source 'kk/side': gone-after 'x' is not a number"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert(th_exists(repo, "kk/side.md"), "a bad setting removes nothing");
	cr_assert_eq(th_sh(repo, NULL, "git config -f .stance/config source.kk/side.gone-after 1"), 0);
	FETCH(&r);
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.out.ptr, "HTTP 410 on 1 fetch in a row: recorded as gone"), "%s", r.out.ptr);
	th_result_free(&r);
	msg = th_sh_out(repo, "git log -1 --format=%B");
	cr_assert(strstr(msg, "Gone kk/side") && strstr(msg, "Gone-Status: 410"), "%s", msg);
	cr_assert(!th_exists(repo, "kk/side.md"));
	free(msg);
}
