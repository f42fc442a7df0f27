/*
 * test_fetch.c: `stance source` and `stance fetch` against a real HTTP server
 * on loopback (tests/server/stance_test_server.py, on 127.0.0.1 and
 * 127.0.0.2), one story a test: what the server does, what stance reports,
 * what ends up in the repository, and that a failure writes nothing.
 */
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t server_pid;
static int port;
static char *www;   /* the server's root folder */
static char *repo;  /* a fresh stance repository */

static void start_server(const char *extra)
{
	int fds[2];
	char buf[32] = "";
	ssize_t n = 0, got;
	char *script = th_source("tests/server/stance_test_server.py");
	www = th_tmpdir();
	cr_assert_eq(pipe(fds), 0);
	server_pid = fork();
	cr_assert_neq(server_pid, -1);
	if (server_pid == 0) {
		char *argv[16];
		int a = 0;
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		argv[a++] = "python3";
		argv[a++] = script;
		argv[a++] = "--root";
		argv[a++] = www;
		argv[a++] = "--host";
		argv[a++] = "127.0.0.1";
		argv[a++] = "--host";
		argv[a++] = "127.0.0.2";
		if (extra) {
			argv[a++] = "--delay";
			argv[a++] = (char *)extra;
		}
		argv[a] = NULL;
		execvp("python3", argv);
		_exit(127);
	}
	close(fds[1]);
	while (n < (ssize_t)sizeof(buf) - 1 && (got = read(fds[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0) {
		n += got;
		if (memchr(buf, '\n', (size_t)n))
			break;
	}
	close(fds[0]);
	port = (int)strtol(buf, NULL, 10);
	cr_assert_gt(port, 0, "the test server did not start");
	free(script);
}

static void setup(void)
{
	th_result r;
	start_server(NULL);
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

/* "http://127.0.0.1:PORT/path"; caller frees. */
static char *url(const char *host, const char *path)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "http://%s:%d%s", host, port, path);
	return stance_buf_detach(&b);
}

static void add_source(const char *id, const char *host, const char *path)
{
	th_result r;
	char *u = url(host, path);
	TH_RUN(&r, repo, "source", "add", id, u);
	cr_assert_eq(r.status, 0, "source add %s: %s", id, stance_buf_cstr(&r.err));
	th_result_free(&r);
	free(u);
}

static int commit_count(const char *ref)
{
	stance_buf out = STANCE_BUF_INIT;
	int n;
	if (th_sh(repo, &out, "git rev-list --count %s 2>/dev/null", ref) != 0)
		n = 0;
	else
		n = (int)strtol(stance_buf_cstr(&out), NULL, 10);
	stance_buf_dispose(&out);
	return n;
}

/* Runs stance fetch with quick retry settings and the given arguments. */
/* Prints what a URL answers, through python3 (no curl binary needed). */
#define GET "python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' "

#define FETCH(r, ...) TH_RUN((r), repo, "fetch", "--no-progress", "--delay", "0", "--jitter", "0", \
	"--backoff", "100", __VA_ARGS__)

static const char *ARTICLE =
	"<html lang=\"da\"><head><title>Skolepolitik | Byrådet</title>"
	"<meta name=\"author\" content=\"Anne Hansen\">"
	"<meta property=\"article:published_time\" content=\"2024-03-01T10:00:00+01:00\"></head>"
	"<body><nav><a href=\"/\">Forside</a></nav><article><h1>Skolepolitik</h1>"
	"<p>Byrådet mener, at alle børn skal have en skole tæt på hjemmet, og at klasserne ikke må blive for store.</p>"
	"<p>Vi foreslår derfor, at skolerne i landsbyerne bevares, og at der afsættes flere penge til lærere.</p>"
	"</article><footer>Cookies og kontakt</footer></body></html>";

Test(fetch, new_then_not_modified_writes_nothing, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf log = STANCE_BUF_INIT;
	char *doc;
	th_write(www, "skole.html", ARTICLE);
	add_source("byraad/skole", "127.0.0.1", "/skole.html");
	FETCH(&r, "--json");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.out), "\"outcome\": \"new\""), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	doc = th_read(repo, "byraad/skole.md");
	cr_assert(strstr(doc, "title: Skolepolitik\n"), "%s", doc);
	cr_assert(strstr(doc, "Anne Hansen"), "%s", doc);
	cr_assert(strstr(doc, "published: 2024-03-01"), "%s", doc);
	cr_assert(strstr(doc, "alle børn skal have en skole"), "%s", doc);
	cr_assert_null(strstr(doc, "Forside"), "navigation leaked: %s", doc);
	cr_assert_null(strstr(doc, "Cookies"), "footer leaked: %s", doc);
	free(doc);
	/* The version commit names its snapshot; the snapshot is the raw page. */
	th_sh(repo, &log, "git log -1 --format=%%B");
	cr_assert(strstr(log.ptr, "Add byraad/skole"), "%s", log.ptr);
	cr_assert(strstr(log.ptr, "Source: http://127.0.0.1:"), "%s", log.ptr);
	cr_assert(strstr(log.ptr, "Fetched-At: "), "%s", log.ptr);
	cr_assert(strstr(log.ptr, "ETag: \""), "%s", log.ptr);
	cr_assert(strstr(log.ptr, "Last-Modified: "), "%s", log.ptr);
	cr_assert(strstr(log.ptr, "Snapshot: "), "%s", log.ptr);
	stance_buf_clear(&log);
	cr_assert_eq(th_sh(repo, &log, "git show snapshots:byraad/skole.html"), 0);
	cr_assert_str_eq(log.ptr, ARTICLE);
	stance_buf_dispose(&log);

	/* A second run: the server answers 304 and nothing is written. */
	{
		int main_before = commit_count("HEAD"), snap_before = commit_count("snapshots");
		FETCH(&r, "--no-progress");
		cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
		cr_assert(strstr(stance_buf_cstr(&r.out), "not modified (304)"), "%s", stance_buf_cstr(&r.out));
		cr_assert(strstr(stance_buf_cstr(&r.out), "0 new, 0 updated, 1 unchanged, 0 failed"), "%s", stance_buf_cstr(&r.out));
		th_result_free(&r);
		cr_assert_eq(commit_count("HEAD"), main_before);
		cr_assert_eq(commit_count("snapshots"), snap_before);
	}
}

Test(fetch, changed_page_is_updated, .init = setup, .fini = teardown)
{
	th_result r;
	char *doc;
	th_write(www, "skole.html", ARTICLE);
	add_source("byraad/skole", "127.0.0.1", "/skole.html");
	FETCH(&r, "--no-progress");
	th_result_free(&r);
	th_sh(www, NULL, "sed -i 's/bevares/lukkes/' skole.html");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.out), "updated"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	doc = th_read(repo, "byraad/skole.md");
	cr_assert(strstr(doc, "lukkes"), "%s", doc);
	free(doc);
	cr_assert_eq(commit_count("HEAD -- byraad/skole.md"), 2);
}

/* Several documents in one run: each version names a snapshot commit of
 * the snapshots branch holding its own page; every version and snapshot is
 * written, as one pack, and the index and working files follow. */
Test(fetch, many_documents_each_with_its_snapshot, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf out = STANCE_BUF_INIT;
	int i;
	for (i = 0; i < 6; i++) {
		char name[32], id[32];
		snprintf(name, sizeof(name), "side%d.html", i);
		snprintf(id, sizeof(id), "byraad/side%d", i);
		th_sh(www, NULL, "printf '%%s' '%s' | sed 's/Skolepolitik/Side %d/g' > %s", ARTICLE, i, name);
		{
			char path[40];
			snprintf(path, sizeof(path), "/%s", name);
			add_source(id, i % 2 ? "127.0.0.2" : "127.0.0.1", path);
		}
	}
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "6 new, 0 updated, 0 unchanged, 0 failed"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(commit_count("snapshots"), 6);
	for (i = 0; i < 6; i++) {
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "s=$(git log -1 '--format=%%(trailers:key=Snapshot,valueonly)' -- byraad/side%d.md) && "
			"git merge-base --is-ancestor $s snapshots && git show $s:byraad/side%d.html | cmp - %s/side%d.html && "
			"grep -q 'title: Side %d' byraad/side%d.md", i, i, www, i, i, i);
		stance_buf_clear(&out);
		cr_assert_eq(th_sh(repo, &out, "(%s) 2>&1", cmd), 0, "document %d: %s: %s", i, cmd, out.ptr);
	}
	/* clean: the index and the working files hold what the commits hold */
	cr_assert_eq(th_sh(repo, &out, "git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, "");
	stance_buf_dispose(&out);
}

/* A document with edits stance never stored fails alone: the others are
 * stored, the edits stay, and a later run stores it once they are gone. */
Test(fetch, local_edits_fail_only_their_document, .init = setup, .fini = teardown)
{
	th_result r;
	char *doc;
	th_write(www, "skole.html", ARTICLE);
	th_sh(www, NULL, "sed 's/Skolepolitik</Boligpolitik</g' skole.html > bolig.html");
	add_source("byraad/skole", "127.0.0.1", "/skole.html");
	add_source("byraad/bolig", "127.0.0.2", "/bolig.html");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	th_sh(repo, NULL, "echo 'Min egen note.' >> byraad/skole.md");
	th_sh(www, NULL, "sed -i 's/bevares/lukkes/' skole.html bolig.html");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 3, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "0 new, 1 updated, 0 unchanged, 1 failed"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "byraad/skole.md has changes in the working folder"), "%s", r.out.ptr);
	th_result_free(&r);
	doc = th_read(repo, "byraad/skole.md");
	cr_assert(strstr(doc, "Min egen note.") && strstr(doc, "bevares"), "%s", doc);
	free(doc);
	doc = th_read(repo, "byraad/bolig.md");
	cr_assert(strstr(doc, "lukkes"), "%s", doc);
	free(doc);
	cr_assert_eq(commit_count("HEAD -- byraad/skole.md"), 1);
	cr_assert_eq(commit_count("snapshots"), 3);
	/* the edits discarded, the next run stores the new version */
	th_sh(repo, NULL, "git checkout -- byraad/skole.md");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	cr_assert_eq(commit_count("HEAD -- byraad/skole.md"), 2);
}

Test(fetch, redirect_is_followed_and_final_url_recorded, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf log = STANCE_BUF_INIT;
	char *target = url("127.0.0.1", "/skole.html"), *path;
	stance_buf p = STANCE_BUF_INIT;
	th_write(www, "skole.html", ARTICLE);
	stance_buf_printf(&p, "/redirect?to=%s", target);
	path = stance_buf_detach(&p);
	add_source("byraad/skole", "127.0.0.1", path);
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	th_sh(repo, &log, "git log -1 --format=%%B");
	cr_assert(strstr(log.ptr, "Source: http://127.0.0.1:") && strstr(log.ptr, "/skole.html\n"), "%s", log.ptr);
	stance_buf_dispose(&log);
	free(target);
	free(path);
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every failure is over within this many seconds (the slowest cases wait
 * out a 2 s time-out). */
#define FAILURE_SECONDS 15.0

/* A failing source: exit 3, the reason in the report, at once, nothing
 * written. */
static void expect_failure(const char *id, const char *reason, const char *const *extra)
{
	th_result r;
	int before = commit_count("HEAD");
	const char *args[24] = { "fetch", "--no-progress", "--delay", "0", "--jitter", "0", "--backoff", "100" };
	size_t a = 8;
	stance_buf md = STANCE_BUF_INIT;
	double t0 = seconds(), took;
	while (extra && *extra)
		args[a++] = *extra++;
	args[a] = NULL;
	th_run(&r, repo, NULL, args);
	took = seconds() - t0;
	cr_assert_lt(took, FAILURE_SECONDS, "the run took %.1f s: %s", took, stance_buf_cstr(&r.out));
	cr_assert_eq(r.status, 3, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.out), "failed"), "%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), reason), "wanted '%s' in: %s", reason, stance_buf_cstr(&r.out));
	th_result_free(&r);
	cr_assert_eq(commit_count("HEAD"), before, "a failed fetch made a commit");
	cr_assert_eq(commit_count("snapshots"), 0, "a failed fetch made a snapshot");
	stance_buf_printf(&md, "%s.md", id);
	cr_assert_not(th_exists(repo, md.ptr), "a failed fetch wrote %s", md.ptr);
	stance_buf_clear(&md);
	cr_assert_eq(th_sh(repo, &md, "git status --porcelain"), 0);
	cr_assert_str_eq(md.ptr, "", "a failed fetch left the working folder changed");
	stance_buf_dispose(&md);
}

/* "http://HOST:PORT" PATH ": " WHAT: a reason naming the URL. */
static char *named(const char *host, const char *path, const char *what)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "http://%s:%d%s: %s", host, port, path, what);
	return stance_buf_detach(&b);
}

Test(fetch, redirect_to_file_is_refused, .init = setup, .fini = teardown)
{
	char *want = named("127.0.0.1", "/redirect?to=file:///etc/passwd",
		"redirected to file:///etc/passwd, a scheme other than http or https (refused)");
	add_source("x/file", "127.0.0.1", "/redirect?to=file:///etc/passwd");
	expect_failure("x/file", want, NULL);
	free(want);
}

/* No scheme but http and https, whatever libcurl could speak. */
Test(fetch, redirect_to_other_schemes_is_refused, .init = setup, .fini = teardown)
{
	static const char *const targets[] = { "ftp://127.0.0.1/", "dict://127.0.0.1:11211/stats",
		"gopher://127.0.0.1:6379/_INFO", "ldap://127.0.0.1/", "tftp://127.0.0.1/x", "smtp://127.0.0.1/",
		"telnet://127.0.0.1/", "scp://127.0.0.1/etc/passwd" };
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(targets); i++) {
		th_result r;
		char id[16], path[80], *want;
		snprintf(id, sizeof(id), "x/s%zu", i);
		snprintf(path, sizeof(path), "/redirect?to=%s", targets[i]);
		add_source(id, "127.0.0.1", path);
		want = named("127.0.0.1", path, "redirected to ");
		expect_failure(id, want, NULL);
		free(want);
		TH_RUN(&r, repo, "source", "remove", id);
		th_result_free(&r);
	}
}

Test(fetch, redirect_loop_stops, .init = setup, .fini = teardown)
{
	char *want = named("127.0.0.1", "/loop/0", "too many redirects (more than 3)");
	add_source("x/loop", "127.0.0.1", "/loop/0");
	expect_failure("x/loop", want, (const char *const[]){ "--max-redirects", "3", NULL });
	free(want);
}

/* ---- redirects to private addresses (server-side request forgery) ----
 *
 * The tests reach only loopback, so the line between private and public is
 * drawn for them with --private-range: 127.0.0.2 is private, 127.0.0.1 is
 * public. A redirect from a public source to a private address is refused,
 * naming the source and where it led; nothing is written. */

static const char *const ONLY_2_PRIVATE[] = { "--private-range", "127.0.0.2/32", NULL };

Test(fetch, redirect_from_public_to_private_is_refused, .init = setup, .fini = teardown)
{
	char *target = url("127.0.0.2", "/skole.html"), *path, *want;
	stance_buf p = STANCE_BUF_INIT, w = STANCE_BUF_INIT;
	th_write(www, "skole.html", ARTICLE);
	stance_buf_printf(&p, "/redirect?to=%s", target);
	path = stance_buf_detach(&p);
	add_source("x/ssrf", "127.0.0.1", path);
	stance_buf_printf(&w, "refused the redirect to %s: 127.0.0.2 is a private address and the source's address is not",
		target);
	want = named("127.0.0.1", path, w.ptr);
	expect_failure("x/ssrf", want, ONLY_2_PRIVATE);
	/* 127.0.0.2 was never asked for the page */
	{
		stance_buf out = STANCE_BUF_INIT;
		char *log = url("127.0.0.1", "/__log");
		cr_assert_eq(th_sh(repo, &out, GET "%s | python3 -c 'import json,sys; "
			"print(sum(1 for e in json.load(sys.stdin) if e[\"host\"] == \"127.0.0.2\"))'", log), 0);
		cr_assert_str_eq(out.ptr, "0\n", "127.0.0.2 was asked %s times", out.ptr);
		stance_buf_dispose(&out);
		free(log);
	}
	/* By default both are private: the user chose a private source, and
	 * its redirect to another private address is followed. */
	{
		th_result r;
		FETCH(&r, "--no-progress");
		cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
		th_result_free(&r);
		cr_assert(th_exists(repo, "x/ssrf.md"));
	}
	stance_buf_dispose(&w);
	free(target);
	free(path);
	free(want);
}

/* The address is checked when connecting, so a name that resolves to a
 * private address is caught too (here the name is given its address with
 * --resolve, as DNS would), and so is an IPv4-mapped IPv6 address. */
Test(fetch, redirect_to_a_name_of_a_private_address_is_refused, .init = setup, .fini = teardown)
{
	stance_buf p = STANCE_BUF_INIT, resolve = STANCE_BUF_INIT, w = STANCE_BUF_INIT;
	char *want;
	th_write(www, "skole.html", ARTICLE);
	stance_buf_printf(&p, "/redirect?to=http://intranet.test:%d/skole.html", port);
	stance_buf_printf(&resolve, "intranet.test:%d:127.0.0.2", port);
	add_source("x/name", "127.0.0.1", p.ptr);
	stance_buf_printf(&w, "refused the redirect to http://intranet.test:%d/skole.html: 127.0.0.2 is a private "
		"address", port);
	want = named("127.0.0.1", p.ptr, w.ptr);
	expect_failure("x/name", want, (const char *const[]){ "--private-range", "127.0.0.2/32",
		"--resolve", resolve.ptr, NULL });
	free(want);
	/* the same name, as the source itself: chosen, so fetched */
	{
		th_result r;
		stance_buf u = STANCE_BUF_INIT;
		stance_buf_printf(&u, "http://intranet.test:%d/skole.html", port);
		TH_RUN(&r, repo, "source", "remove", "x/name");
		th_result_free(&r);
		TH_RUN(&r, repo, "source", "add", "x/name", u.ptr);
		th_result_free(&r);
		FETCH(&r, "--private-range", "127.0.0.2/32", "--resolve", resolve.ptr);
		cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
		th_result_free(&r);
		cr_assert(th_exists(repo, "x/name.md"));
		stance_buf_dispose(&u);
	}
	stance_buf_dispose(&p);
	stance_buf_dispose(&resolve);
	stance_buf_dispose(&w);
}

Test(fetch, bad_private_range_is_refused, .init = setup, .fini = teardown)
{
	th_result r;
	th_write(www, "skole.html", ARTICLE);
	add_source("x/page", "127.0.0.1", "/skole.html");
	FETCH(&r, "--private-range", "10.0.0.0/99");
	cr_assert_eq(r.status, 1, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.err.ptr, "'10.0.0.0/99' is not an address range"), "%s", r.err.ptr);
	th_result_free(&r);
	FETCH(&r, "--resolve", "intranet.test");
	cr_assert_eq(r.status, 1, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.err.ptr, "'intranet.test' is not a host to resolve (HOST:PORT:ADDRESS)"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert_not(th_exists(repo, "x/page.md"));
}

/* ---- a feed's items at private addresses (server-side request forgery) ----
 *
 * A feed whose address is public may not send stance to a private address
 * by listing it: an item written as a private address is skipped (it does
 * not become a source), and an item whose host name resolves to a private
 * address is refused whenever it is fetched, each naming the feed, the item
 * and the address; nothing is asked of the private address, not even
 * robots.txt. A feed at a private address was chosen so: its items may be
 * anywhere. As above, 127.0.0.2 is private and 127.0.0.1 public. */

/* How many requests 127.0.0.2 has had (robots.txt included). */
static int asked_of_private(void)
{
	stance_buf out = STANCE_BUF_INIT;
	char *log = url("127.0.0.1", "/__log");
	int n;
	cr_assert_eq(th_sh(repo, &out, GET "%s | python3 -c 'import json,sys; "
		"print(sum(1 for e in json.load(sys.stdin) if e[\"host\"] == \"127.0.0.2\"))'", log), 0);
	n = (int)strtol(stance_buf_cstr(&out), NULL, 10);
	stance_buf_dispose(&out);
	free(log);
	return n;
}

/* An RSS feed at `where` (127.0.0.1 or 127.0.0.2) whose items are the
 * titles and links of `items` (pairs, NULL-terminated), added as x/nyt. */
static char *add_feed(const char *where, const char *const *items)
{
	th_result r;
	stance_buf rss = STANCE_BUF_INIT;
	char *u = url(where, "/feed.xml");
	stance_buf_puts(&rss, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nyt</title>");
	for (; items[0]; items += 2)
		stance_buf_printf(&rss, "<item><title>%s</title><link>%s</link></item>", items[0], items[1]);
	stance_buf_puts(&rss, "</channel></rss>");
	th_write(www, "feed.xml", rss.ptr);
	TH_RUN(&r, repo, "source", "add", "--feed", "x/nyt", u);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	stance_buf_dispose(&rss);
	return u;
}

Test(fetch, a_public_feeds_item_at_a_private_address_is_skipped, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf w = STANCE_BUF_INIT;
	char *item = url("127.0.0.2", "/admin.html"), *mapped = NULL, *feed, *cfg;
	stance_buf m = STANCE_BUF_INIT;
	int run;
	th_write(www, "admin.html", ARTICLE);
	th_write(www, "skole.html", ARTICLE);
	/* the same address written as a decimal number is the same address */
	stance_buf_printf(&m, "http://2130706434:%d/admin.html?as=number", port);
	mapped = stance_buf_detach(&m);
	feed = add_feed("127.0.0.1", (const char *const[]){ "Admin", item, "Admin igen", mapped,
		"Skole", "/skole.html", NULL });
	stance_buf_printf(&w, "feed: 1 new item, 2 skipped: %s is at 127.0.0.2, a private address, and was listed "
		"by the feed %s, whose address (127.0.0.1) is public (and 1 more)", item, feed);
	for (run = 0; run < 2; run++) {
		FETCH(&r, "--private-range", "127.0.0.2/32");
		cr_assert_eq(r.status, 0, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
		if (run == 1) {
			/* skipped again: never tracked, so reported each time */
			stance_buf_clear(&w);
			stance_buf_printf(&w, "feed: 0 new items, 2 skipped: %s is at 127.0.0.2", item);
		}
		cr_assert(strstr(stance_buf_cstr(&r.out), w.ptr), "wanted '%s' in: %s", w.ptr, stance_buf_cstr(&r.out));
		th_result_free(&r);
		cr_assert_eq(asked_of_private(), 0, "127.0.0.2 was asked");
	}
	/* the item is no source; the public one is, with the feed's address */
	cfg = th_read(repo, ".stance/config");
	cr_assert(strstr(cfg, "[source \"x/nyt/skole\"]") && !strstr(cfg, "admin"), "%s", cfg);
	cr_assert(strstr(cfg, "\tfrom-address = \"127.0.0.1\"\n"), "%s", cfg);
	free(cfg);
	cr_assert(th_exists(repo, "x/nyt/skole.md"));
	cr_assert_not(th_exists(repo, "x/nyt/admin.md"));
	stance_buf_dispose(&w);
	free(item);
	free(mapped);
	free(feed);
}

/* An item listed by a public feed under a host name: tracked while the
 * name resolves to a public address; once it resolves to a private one,
 * every fetch of the item is refused, whether the feed is fetched in the
 * same run or not, and so is an item tracked before its feed's address was
 * recorded. A page of the user's own on that host still has its
 * robots.txt asked for. */
Test(fetch, a_public_feeds_item_whose_name_turns_private_is_refused, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf item = STANCE_BUF_INIT, public_ = STANCE_BUF_INIT, private_ = STANCE_BUF_INIT, w = STANCE_BUF_INIT;
	stance_buf out = STANCE_BUF_INIT;
	char *feed, *cfg;
	int before, step;
	th_write(www, "admin.html", ARTICLE);
	th_write(www, "private/plan.html", ARTICLE);
	stance_buf_printf(&item, "http://intranet.test:%d/admin.html", port);
	stance_buf_printf(&public_, "intranet.test:%d:127.0.0.1", port);
	stance_buf_printf(&private_, "intranet.test:%d:127.0.0.2", port);
	feed = add_feed("127.0.0.1", (const char *const[]){ "Admin", item.ptr, NULL });
	FETCH(&r, "--private-range", "127.0.0.2/32", "--resolve", public_.ptr);
	cr_assert_eq(r.status, 0, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "feed: 1 new item\n"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(th_exists(repo, "x/nyt/admin.md"));
	cfg = th_read(repo, ".stance/config");
	cr_assert(strstr(cfg, "[source \"x/nyt/admin\"]\n\turl = ") && strstr(cfg, "\tfrom-address = \"127.0.0.1\"\n"),
		"%s", cfg);
	free(cfg);
	/* a page of one's own on that host, behind its robots.txt */
	stance_buf_clear(&out);
	stance_buf_printf(&out, "http://intranet.test:%d/private/plan.html", port);
	TH_RUN(&r, repo, "source", "add", "x/egen", out.ptr);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);

	stance_buf_printf(&w, "%s: refused: 127.0.0.2 is a private address, and this page was listed by %s, "
		"whose address is public", item.ptr, feed);
	/* 0: the whole run; 1: the item alone (its feed not fetched); 2 and 3:
	 * the same, with the item's section as an earlier stance wrote it,
	 * without the feed's address */
	for (step = 0; step < 4; step++) {
		const char *args[16] = { "fetch", "--no-progress", "--delay", "0", "--jitter", "0", "--private-range",
			"127.0.0.2/32", "--resolve", private_.ptr, NULL };
		if (step % 2)
			args[10] = "x/nyt/admin";
		if (step == 2) {
			cr_assert_eq(th_sh(repo, NULL, "sed -i '/from-address/d' .stance/config && git commit -qam 'an earlier item'"), 0);
			cfg = th_read(repo, ".stance/config");
			cr_assert_null(strstr(cfg, "from-address"), "%s", cfg);
			free(cfg);
		}
		before = commit_count("HEAD");
		th_run(&r, repo, NULL, args);
		cr_assert_eq(r.status, 3, "step %d: exit %d: %s%s", step, r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
		cr_assert(strstr(r.out.ptr, "x/nyt/admin") && strstr(r.out.ptr, w.ptr), "step %d: wanted '%s' in: %s",
			step, w.ptr, r.out.ptr);
		if (!(step % 2))
			cr_assert(strstr(r.out.ptr, "x/egen") && strstr(r.out.ptr, "disallowed by robots.txt"), "step %d: %s",
				step, r.out.ptr);
		th_result_free(&r);
		cr_assert_eq(commit_count("HEAD"), before, "step %d: a refused fetch made a commit", step);
		cr_assert_not(th_exists(repo, "x/egen.md"));
		/* 127.0.0.2 was asked for robots.txt (for x/egen) and nothing else */
		stance_buf_clear(&out);
		{
			char *log = url("127.0.0.1", "/__log");
			cr_assert_eq(th_sh(repo, &out, GET "%s | python3 -c 'import json,sys; "
				"print(sorted(set(e[\"path\"] for e in json.load(sys.stdin) if e[\"host\"] == \"127.0.0.2\")))'",
				log), 0);
			free(log);
		}
		cr_assert_str_eq(out.ptr, "['/robots.txt']\n", "step %d: 127.0.0.2 was asked for %s", step, out.ptr);
	}
	stance_buf_dispose(&item);
	stance_buf_dispose(&public_);
	stance_buf_dispose(&private_);
	stance_buf_dispose(&w);
	stance_buf_dispose(&out);
	free(feed);
}

/* A feed at a private address (the user's choice) lists items at private
 * addresses: they are fetched as any other, in its run and on their own. */
Test(fetch, a_private_feeds_items_may_be_private, .init = setup, .fini = teardown)
{
	th_result r;
	char *item = url("127.0.0.2", "/admin.html"), *feed, *cfg;
	th_write(www, "admin.html", ARTICLE);
	th_write(www, "skole.html", ARTICLE);
	feed = add_feed("127.0.0.2", (const char *const[]){ "Admin", item, "Skole", "/skole.html", NULL });
	FETCH(&r, "--private-range", "127.0.0.2/32");
	cr_assert_eq(r.status, 0, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "feed: 2 new items\n"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(th_exists(repo, "x/nyt/admin.md"));
	cr_assert(th_exists(repo, "x/nyt/skole.md"));
	cfg = th_read(repo, ".stance/config");
	cr_assert(strstr(cfg, "\tfrom-address = \"127.0.0.2\"\n"), "%s", cfg);
	free(cfg);
	FETCH(&r, "--private-range", "127.0.0.2/32", "x/nyt/admin");
	cr_assert_eq(r.status, 0, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "x/nyt/admin  unchanged"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_gt(asked_of_private(), 0);
	free(item);
	free(feed);
}

Test(fetch, not_found_fails, .init = setup, .fini = teardown)
{
	add_source("x/missing", "127.0.0.1", "/status/404");
	expect_failure("x/missing", "HTTP 404", NULL);
}

Test(fetch, server_error_then_success_on_retry, .init = setup, .fini = teardown)
{
	th_result r;
	add_source("x/flaky", "127.0.0.1", "/flaky/a");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.out), "new"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	cr_assert(th_exists(repo, "x/flaky.md"));
}

Test(fetch, server_error_without_retries_fails, .init = setup, .fini = teardown)
{
	add_source("x/flaky", "127.0.0.1", "/flaky/b");
	expect_failure("x/flaky", "HTTP 500", (const char *const[]){ "--retries", "0", NULL });
}

Test(fetch, too_many_requests_waits_for_retry_after, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf log = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/__log");
	add_source("x/limited", "127.0.0.1", "/ratelimit/a");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	cr_assert(th_exists(repo, "x/limited.md"));
	/* The second request came at least Retry-After (1 s) after the first. */
	cr_assert_eq(th_sh(repo, &log, GET "%s | python3 -c 'import json,sys; l=[e for e in json.load(sys.stdin) "
		"if e[\"path\"].startswith(\"/ratelimit\")]; print(len(l), round(l[1][\"start\"]-l[0][\"end\"], 2))'", u), 0);
	{
		double gap = strtod(strchr(log.ptr, ' ') + 1, NULL);
		cr_assert(!strncmp(log.ptr, "2 ", 2), "%s", log.ptr);
		cr_assert_geq(gap, 0.95, "retried after %.2f s only", gap);
	}
	stance_buf_dispose(&log);
	free(u);
}

Test(fetch, stalled_response_times_out, .init = setup, .fini = teardown)
{
	char *want = named("127.0.0.1", "/stall", "timed out");
	add_source("x/stall", "127.0.0.1", "/stall");
	expect_failure("x/stall", want, (const char *const[]){ "--timeout", "2", "--retries", "0", NULL });
	free(want);
}

/* A Content-Length longer than the body: the server closes the connection
 * early, and the part that came is not stored as if it were the page. */
Test(fetch, truncated_body_fails, .init = setup, .fini = teardown)
{
	char *want = named("127.0.0.1", "/truncated", "the connection closed before the whole body came (truncated)");
	add_source("x/cut", "127.0.0.1", "/truncated");
	expect_failure("x/cut", want, (const char *const[]){ "--retries", "0", NULL });
	free(want);
}

/* A Content-Length shorter than the body, the rest sent at once
 * (/lying/short) or a moment later (/lying/late): the declared bytes, a page
 * cut in its head, are not stored, the reason names the URL, and the
 * surplus never becomes the answer to the next request to the host (it
 * used to: that request failed with "Received HTTP/0.9"). When the surplus
 * is there as the answer ends, the answer is refused; when it comes later,
 * the next request on the connection fails, and its retry has a new one. */
Test(fetch, content_length_shorter_than_the_body, .init = setup, .fini = teardown)
{
	static const char *const paths[] = { "/lying/short", "/lying/late" };
	size_t i;
	th_write(www, "skole.html", ARTICLE);
	for (i = 0; i < STANCE_ARRAY_SIZE(paths); i++) {
		th_result r;
		char *prefix = named("127.0.0.1", paths[i], ""), *doc;
		const char *row;
		add_source("x/short", "127.0.0.1", paths[i]);
		add_source("x/after", "127.0.0.1", "/skole.html");
		FETCH(&r, "--retries", "1");
		cr_assert_eq(r.status, 3, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
		row = strstr(r.out.ptr, "x/short  failed     ");
		cr_assert(row && !strncmp(row + strlen("x/short  failed     "), prefix, strlen(prefix)), "%s", r.out.ptr);
		cr_assert(strstr(row, "the server sent more than the 100 bytes its Content-Length announced (refused)") ||
			strstr(row, "extraction found nothing"), "%s", r.out.ptr);
		cr_assert(strstr(r.out.ptr, "x/after  new"), "%s", r.out.ptr);
		th_result_free(&r);
		cr_assert_not(th_exists(repo, "x/short.md"));
		doc = th_read(repo, "x/after.md");
		cr_assert(strstr(doc, "alle børn skal have en skole"), "%s", doc);
		free(doc);
		cr_assert_eq(commit_count("snapshots"), 1);
		free(prefix);
		/* again, from the start */
		th_sh(repo, NULL, "git rm -q x/after.md && git commit -qm 'Remove x/after' && git branch -D -q snapshots");
		TH_RUN(&r, repo, "source", "remove", "x/short");
		th_result_free(&r);
		TH_RUN(&r, repo, "source", "remove", "x/after");
		th_result_free(&r);
		th_sh(repo, NULL, "rm -f .git/stance-fetch-state");
	}
}

/* A page of a head and no body is no document either (its extracted body,
 * a line break, was once taken for text and stored). */
Test(fetch, title_alone_is_nothing_to_store, .init = setup, .fini = teardown)
{
	char *want = named("127.0.0.1", "/title.html", "extraction found nothing");
	th_write(www, "title.html", "<html><head><title>Kun en titel</title></head></html>");
	add_source("x/title", "127.0.0.1", "/title.html");
	expect_failure("x/title", want, NULL);
	free(want);
}

Test(fetch, body_over_the_cap_fails, .init = setup, .fini = teardown)
{
	char *want = named("127.0.0.1", "/big?mb=3", "larger than the size cap (1048576 bytes)");
	add_source("x/big", "127.0.0.1", "/big?mb=3");
	expect_failure("x/big", want, (const char *const[]){ "--max-size", "1M", NULL });
	free(want);
}

/* A gzip bomb: 256 MiB of zeros in some 250 KiB on the wire. The cap
 * counts the bytes after decoding, so the transfer stops at 1 MiB of them,
 * and stance's memory stays far below what the body would take. */
Test(fetch, gzip_bomb_stops_at_the_cap, .init = setup, .fini = teardown)
{
	struct rusage ru;
	char *want = named("127.0.0.1", "/gzipbomb?mb=256", "larger than the size cap (1048576 bytes)");
	add_source("x/bomb", "127.0.0.1", "/gzipbomb?mb=256");
	expect_failure("x/bomb", want, (const char *const[]){ "--max-size", "1M", "--retries", "0", NULL });
	/* the largest child waited for so far: stance fetch (the server is
	 * waited for only at the end) */
	cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
	cr_assert_lt(ru.ru_maxrss, 128 * 1024, "stance took %ld KiB", ru.ru_maxrss);
	free(want);
}

/* A body that never ends stops at the cap; one that trickles in, at the
 * time-out. */
Test(fetch, endless_body_stops, .init = setup, .fini = teardown)
{
	char *want = named("127.0.0.1", "/endless", "larger than the size cap (1048576 bytes)");
	th_result r;
	add_source("x/endless", "127.0.0.1", "/endless");
	expect_failure("x/endless", want, (const char *const[]){ "--max-size", "1M", "--retries", "0", NULL });
	free(want);
	TH_RUN(&r, repo, "source", "remove", "x/endless");
	th_result_free(&r);
	want = named("127.0.0.1", "/trickle", "timed out");
	add_source("x/trickle", "127.0.0.1", "/trickle");
	expect_failure("x/trickle", want, (const char *const[]){ "--timeout", "2", "--retries", "0", NULL });
	free(want);
}

Test(fetch, robots_txt_is_honoured, .init = setup, .fini = teardown)
{
	th_result r;
	th_write(www, "private/plan.html", ARTICLE);
	add_source("x/private", "127.0.0.1", "/private/plan.html");
	expect_failure("x/private", "robots.txt", NULL);
	FETCH(&r, "--ignore-robots");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	cr_assert(th_exists(repo, "x/private.md"));
}

Test(fetch, latin1_and_windows_1252_become_utf8, .init = setup, .fini = teardown)
{
	th_result r;
	char *a, *b;
	add_source("x/latin", "127.0.0.1", "/latin1");
	add_source("x/cp", "127.0.0.2", "/cp1252");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	a = th_read(repo, "x/latin.md");
	b = th_read(repo, "x/cp.md");
	cr_assert(strstr(a, "Kommunen skal sikre æbletræer, søer og åer for børn og ældre."), "%s", a);
	cr_assert(strstr(a, "Grønne områder på Ærø"), "%s", a);
	cr_assert(strstr(b, "Vi bør – som minimum – bevare de små skoler på øerne."), "%s", b);
	cr_assert(strstr(b, "Høring om “grøn” omstilling"), "%s", b);
	free(a);
	free(b);
}

Test(fetch, gzip_is_decoded, .init = setup, .fini = teardown)
{
	th_result r;
	char *doc;
	add_source("x/gz", "127.0.0.1", "/gzip");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	doc = th_read(repo, "x/gz.md");
	cr_assert(strstr(doc, "sendt komprimeret med gzip"), "%s", doc);
	free(doc);
}

Test(fetch, one_request_per_host_with_delay, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf out = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/__log");
	int i;
	for (i = 0; i < 3; i++) {
		char id[32], path[32];
		snprintf(path, sizeof(path), "/p%d.html", i);
		th_write(www, path + 1, ARTICLE);
		snprintf(id, sizeof(id), "a/p%d", i);
		add_source(id, "127.0.0.1", path);
		snprintf(id, sizeof(id), "b/p%d", i);
		add_source(id, "127.0.0.2", path);
	}
	TH_RUN(&r, repo, "fetch", "--no-progress", "--delay", "400", "--jitter", "0");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	/* Per host: never two at once, and 400 ms between the end of one and
	 * the start of the next. Across hosts: the two ran side by side. */
	cr_assert_eq(th_sh(repo, &out, GET "%s | python3 -c '\n"
		"import json, sys\n"
		"log = json.load(sys.stdin)\n"
		"bad = 0\n"
		"for h in (\"127.0.0.1\", \"127.0.0.2\"):\n"
		"    l = sorted((e for e in log if e[\"host\"] == h and e[\"path\"] != \"/robots.txt\"), key=lambda e: e[\"start\"])\n"
		"    assert len(l) == 3, l\n"
		"    for a, b in zip(l, l[1:]):\n"
		"        if b[\"start\"] - a[\"end\"] < 0.39: bad += 1\n"
		"a = [e for e in log if e[\"host\"] == \"127.0.0.1\"]\n"
		"b = [e for e in log if e[\"host\"] == \"127.0.0.2\"]\n"
		"span = max(e[\"end\"] for e in log) - min(e[\"start\"] for e in log)\n"
		"print(bad, round(span, 2), a[0][\"ua\"])\n'", u), 0, "%s", stance_buf_cstr(&out));
	cr_assert(!strncmp(out.ptr, "0 ", 2), "requests to one host too close: %s", out.ptr);
	/* Sequential over both hosts would take at least 5 × 400 ms. */
	cr_assert_lt(strtod(strchr(out.ptr, ' ') + 1, NULL), 1.9, "hosts were not fetched side by side: %s", out.ptr);
	cr_assert(strstr(out.ptr, "stance/"), "the User-Agent does not name stance: %s", out.ptr);
	stance_buf_dispose(&out);
	free(u);
}

/* `s3cr3tpw` is nowhere in the repository (but for .git/stance-credentials,
 * where credentials are kept): not in a file, an object (commits, trailers,
 * snapshots and their names), a ref, a log or the index. */
static void assert_no_password(void)
{
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_neq(th_sh(repo, &out, "grep -rl s3cr3tpw --exclude=stance-credentials . 2>&1"), 0, "%s", out.ptr);
	cr_assert_eq(th_sh(repo, &out, "git cat-file --batch-all-objects --batch > ../objects.txt && "
		"test -s ../objects.txt && ! grep -l s3cr3tpw ../objects.txt 2>&1"), 0, "in an object: %s", out.ptr);
	cr_assert_neq(th_sh(repo, &out, "git log --all --format='%%H %%B' -p | grep s3cr3tpw"), 0, "%s", out.ptr);
	stance_buf_dispose(&out);
}

Test(fetch, credentials_are_never_written, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf out = STANCE_BUF_INIT, src = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/__log");
	th_write(www, "skole.html", ARTICLE);
	stance_buf_printf(&src, "http://archivist:s3cr3tpw@127.0.0.1:%d/skole.html", port);
	TH_RUN(&r, repo, "source", "add", "byraad/skole", src.ptr);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, repo, "source", "list");
	cr_assert_null(strstr(stance_buf_cstr(&r.out), "s3cr3tpw"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	FETCH(&r, "--json");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert_null(strstr(stance_buf_cstr(&r.out), "s3cr3tpw"));
	cr_assert_null(strstr(stance_buf_cstr(&r.err), "s3cr3tpw"));
	th_result_free(&r);
	/* Not in the working tree, not in any commit, not in any message. */
	cr_assert_neq(th_sh(repo, NULL, "grep -r s3cr3tpw --exclude-dir=.git . >/dev/null"), 0);
	cr_assert_neq(th_sh(repo, NULL, "git log --all -p | grep s3cr3tpw >/dev/null"), 0);
	cr_assert_neq(th_sh(repo, NULL, "git grep s3cr3tpw $(git rev-list --all) >/dev/null"), 0);
	assert_no_password();
	/* But the server was given them. */
	cr_assert_eq(th_sh(repo, &out, GET "%s", u), 0);
	cr_assert(strstr(out.ptr, "\"path\": \"/skole.html\"") && strstr(out.ptr, "\"auth\": true"), "%s", out.ptr);
	stance_buf_dispose(&out);
	stance_buf_dispose(&src);
	free(u);
}

/* Credentials in every kind of URL a run meets: a feed's, its items', a
 * page that redirects to a URL with credentials of its own, pages that fail
 * (404, a time-out, a refused redirect): none is written anywhere, nor
 * printed. */
Test(fetch, credentials_are_never_written_whatever_happens, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf rss = STANCE_BUF_INIT, u = STANCE_BUF_INIT, all = STANCE_BUF_INIT;
	static const char *const formats[] = { "--json", "--no-progress" };
	size_t i;
	th_write(www, "skole.html", ARTICLE);
	stance_buf_printf(&rss, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nyt</title>"
		"<item><title>Med kode</title><link>http://item:s3cr3tpw@127.0.0.1:%d/skole.html</link></item>"
		"</channel></rss>", port);
	th_write(www, "feed.xml", rss.ptr);
#define ADD(id, path, ...) do { stance_buf_clear(&u); stance_buf_printf(&u, "http://archivist:s3cr3tpw@127.0.0.1:%d%s", \
	port, path); TH_RUN(&r, repo, "source", "add", __VA_ARGS__ id, u.ptr); \
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err)); th_result_free(&r); } while (0)
	ADD("x/feed", "/feed.xml", "--feed", );
	ADD("x/missing", "/status/404", );
	ADD("x/stall", "/stall", );
	{
		stance_buf p = STANCE_BUF_INIT;
		stance_buf_printf(&p, "/redirect-with-credentials?to=http://127.0.0.1:%d/skole.html", port);
		ADD("x/moved", p.ptr, );
		stance_buf_clear(&p);
		stance_buf_printf(&p, "/redirect-with-credentials?to=http://127.0.0.2:%d/x", port);
		ADD("x/refused", p.ptr, );
		stance_buf_dispose(&p);
	}
#undef ADD
	for (i = 0; i < STANCE_ARRAY_SIZE(formats); i++) {
		FETCH(&r, formats[i], "--timeout", "2", "--retries", "0", "--private-range", "127.0.0.2/32");
		cr_assert_eq(r.status, 3, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
		stance_buf_printf(&all, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
		th_result_free(&r);
	}
	cr_assert_null(strstr(all.ptr, "s3cr3tpw"), "%s", all.ptr);
	cr_assert(strstr(all.ptr, "http://127.0.0.1:") && strstr(all.ptr, "/status/404: HTTP 404"), "%s", all.ptr);
	cr_assert(strstr(all.ptr, "refused the redirect to http://127.0.0.2:"), "%s", all.ptr);
	/* the feed's item was stored, and the page behind the redirect, whose
	 * Source: trailer names it without the credentials */
	cr_assert(th_exists(repo, "x/feed/med-kode.md"), "%s", all.ptr);
	cr_assert(th_exists(repo, "x/moved.md"), "%s", all.ptr);
	{
		stance_buf log = STANCE_BUF_INIT;
		th_sh(repo, &log, "git log -1 --format=%%B -- x/moved.md");
		cr_assert(strstr(log.ptr, "Source: http://127.0.0.1:") && strstr(log.ptr, "/skole.html\n"), "%s", log.ptr);
		stance_buf_dispose(&log);
	}
	TH_RUN(&r, repo, "source", "list");
	cr_assert_null(strstr(r.out.ptr, "s3cr3tpw"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, repo, "log");
	cr_assert_null(strstr(r.out.ptr, "s3cr3tpw"), "%s", r.out.ptr);
	th_result_free(&r);
	assert_no_password();
	stance_buf_dispose(&rss);
	stance_buf_dispose(&u);
	stance_buf_dispose(&all);
}

Test(fetch, noise_rule_keeps_noise_out_of_history, .init = setup, .fini = teardown)
{
	th_result r;
	char *u = url("127.0.0.1", "/noisy");
	TH_RUN(&r, repo, "source", "add", "x/noisy", u, "--noise", "Opdateret kl\\. [0-9:.]+");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	add_source("x/raw", "127.0.0.2", "/noisy");
	FETCH(&r, "--no-progress");
	th_result_free(&r);
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	/* Without the rule the time stamp makes a new version; with it, none. */
	cr_assert(strstr(stance_buf_cstr(&r.out), "x/noisy  unchanged"), "%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), "x/raw    updated"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	cr_assert_eq(commit_count("HEAD -- x/noisy.md"), 1);
	free(u);
}

Test(fetch, feed_items_become_documents, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf rss = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/feed.xml");
	th_write(www, "one.html", ARTICLE);
	th_write(www, "two.html", ARTICLE);
	stance_buf_printf(&rss, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nyheder</title>"
		"<item><title>Første nyhed</title><link>http://127.0.0.1:%d/one.html</link></item>"
		"<item><title>Anden nyhed</title><link>/two.html</link></item></channel></rss>", port);
	th_write(www, "feed.xml", rss.ptr);
	TH_RUN(&r, repo, "source", "add", "--feed", "byraad/nyt", u, "--kind", "article");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.out), "feed: 2 new items"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	/* The feed and its items came in one run: robots.txt was asked once. */
	{
		stance_buf out = STANCE_BUF_INIT;
		char *log = url("127.0.0.1", "/__log");
		cr_assert_eq(th_sh(repo, &out, GET "%s | python3 -c 'import json,sys; "
			"print(sum(1 for e in json.load(sys.stdin) if e[\"path\"] == \"/robots.txt\"))'", log), 0);
		cr_assert_str_eq(out.ptr, "1\n", "robots.txt asked %s times", out.ptr);
		stance_buf_dispose(&out);
		free(log);
	}
	cr_assert(th_exists(repo, "byraad/nyt/foerste-nyhed.md"));
	cr_assert(th_exists(repo, "byraad/nyt/anden-nyhed.md"));
	{
		char *doc = th_read(repo, "byraad/nyt/anden-nyhed.md");
		cr_assert(strstr(doc, "kind: article"), "%s", doc);
		free(doc);
	}
	/* Tracked from then on: listed, and a second run adds nothing. */
	TH_RUN(&r, repo, "source", "list");
	cr_assert(strstr(stance_buf_cstr(&r.out), "byraad/nyt/anden-nyhed"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	FETCH(&r, "--no-progress");
	cr_assert(strstr(stance_buf_cstr(&r.out), "feed: 0 new items"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	stance_buf_dispose(&rss);
	free(u);
}

/* The sources a feed adds are committed with the run that found them: the
 * working folder is clean after it, HEAD's .stance/config lists them, and
 * a clone pulls the next run's, and is pulled from, without a conflict. */
Test(fetch, feed_items_are_committed_with_the_run, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf rss = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/feed.xml"), *dir = th_tmpdir(), *copy = th_path(dir, "copy"), *cfg;
	int i;
	for (i = 1; i <= 3; i++) {
		char name[16];
		snprintf(name, sizeof(name), "n%d.html", i);
		th_sh(www, NULL, "printf '%%s' '%s' | sed 's/Skolepolitik/Nyhed %d/g' > %s", ARTICLE, i, name);
	}
	stance_buf_puts(&rss, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nyt</title>"
		"<item><title>Første nyhed</title><link>/n1.html</link></item>"
		"<item><title>Anden nyhed</title><link>/n2.html</link></item>");
	th_write(www, "feed.xml", stance_buf_cstr(&rss));
	th_sh(www, NULL, "echo '</channel></rss>' >> feed.xml");
	TH_RUN(&r, repo, "source", "add", "--feed", "byraad/nyt", u);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "feed: 2 new items"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(th_sh(repo, &out, "git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, "", "the run left the working folder changed");
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(repo, &out, "git show HEAD:.stance/config"), 0);
	cr_assert(strstr(out.ptr, "[source \"byraad/nyt/foerste-nyhed\"]") &&
		strstr(out.ptr, "[source \"byraad/nyt/anden-nyhed\"]"), "%s", out.ptr);
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(repo, &out, "git log -1 --format=%%s -- .stance/config"), 0);
	cr_assert_str_eq(out.ptr, "Add 2 sources from feed byraad/nyt\n");
	stance_buf_clear(&out);

	/* a clone has them */
	OK0(dir, "clone", repo, "copy");
	TH_RUN(&r, copy, "source", "list");
	cr_assert(strstr(r.out.ptr, "byraad/nyt/anden-nyhed"), "%s", r.out.ptr);
	th_result_free(&r);

	/* the feed gets a third item; the next run adds it, and the clone pulls it */
	stance_buf_puts(&rss, "<item><title>Tredje nyhed</title><link>/n3.html</link></item></channel></rss>");
	th_write(www, "feed.xml", rss.ptr);
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "feed: 1 new item\n"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(th_sh(repo, &out, "git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, "");
	TH_RUN(&r, copy, "pull");
	cr_assert_eq(r.status, 0, "pull: %s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	cfg = th_read(copy, ".stance/config");
	cr_assert(strstr(cfg, "[source \"byraad/nyt/tredje-nyhed\"]"), "%s", cfg);
	free(cfg);
	cr_assert(th_exists(copy, "byraad/nyt/tredje-nyhed.md"));
	cr_assert_eq(th_sh(copy, &out, "git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, "");

	/* the clone adds a source of its own; the first repository pulls it */
	{
		char *v = url("127.0.0.2", "/n1.html");
		OK0(copy, "source", "add", "x/egen", v);
		free(v);
	}
	OK0(repo, "remote", "add", "copy", copy);
	TH_RUN(&r, repo, "pull", "copy");
	cr_assert_eq(r.status, 0, "pull: %s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	cfg = th_read(repo, ".stance/config");
	cr_assert(strstr(cfg, "[source \"x/egen\"]") && strstr(cfg, "[source \"byraad/nyt/tredje-nyhed\"]"), "%s", cfg);
	free(cfg);
	stance_buf_dispose(&rss);
	stance_buf_dispose(&out);
	free(u);
	free(dir);
	free(copy);
}

/* Edits of one's own in .stance/config, not committed, stay so: the run
 * commits the new sections on what HEAD has and adds them to the working
 * file after the edits. */
Test(fetch, feed_items_keep_uncommitted_config_edits, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf out = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/feed.xml"), *cfg;
	th_write(www, "n1.html", ARTICLE);
	th_write(www, "feed.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nyt</title>"
		"<item><title>Første nyhed</title><link>/n1.html</link></item></channel></rss>");
	TH_RUN(&r, repo, "source", "add", "--feed", "byraad/nyt", u);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	th_sh(repo, NULL, "printf '[fetch]\\n\\tdelay = 0\\n' >> .stance/config");
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	cfg = th_read(repo, ".stance/config");
	cr_assert(strstr(cfg, "[fetch]\n\tdelay = 0\n[source \"byraad/nyt/foerste-nyhed\"]"), "%s", cfg);
	free(cfg);
	cr_assert_eq(th_sh(repo, &out, "git show HEAD:.stance/config"), 0);
	cr_assert(strstr(out.ptr, "[source \"byraad/nyt/foerste-nyhed\"]") && !strstr(out.ptr, "[fetch]"), "%s", out.ptr);
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(repo, &out, "git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, " M .stance/config\n");
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(repo, &out, "git diff HEAD -- .stance/config | grep '^[-+][^-+]'"), 0);
	cr_assert_str_eq(out.ptr, "+[fetch]\n+\tdelay = 0\n");
	stance_buf_dispose(&out);
	free(u);
}

/* A feed of 6,000 items: each becomes a source of its own while the feed
 * is read (its entry used to be read after the list of sources had moved
 * to make room: a use after free that crashed from about 5,000 items).
 * The items' pages are all behind robots.txt here, so none is requested. */
Test(fetch, a_feed_of_thousands_of_items, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf rss = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/many.xml");
	int i, n = 6000;
	stance_buf_puts(&rss, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Mange</title>");
	for (i = 0; i < n; i++)
		stance_buf_printf(&rss, "<item><title>Nyhed %d</title><link>/private/n%d.html</link></item>", i, i);
	stance_buf_puts(&rss, "</channel></rss>");
	th_write(www, "many.xml", rss.ptr);
	TH_RUN(&r, repo, "source", "add", "--feed", "mange", u);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 3, "exit %d: %.2000s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "feed: 6000 new items"), "%.2000s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "0 new, 0 updated, 1 unchanged, 6000 failed"), "%.2000s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(th_sh(repo, &out, "git show HEAD:.stance/config | grep -c 'from = \"mange\"'"), 0);
	cr_assert_str_eq(out.ptr, "6000\n");
	stance_buf_clear(&out);
	TH_RUN(&r, repo, "source", "list");
	cr_assert(strstr(r.out.ptr, "mange/nyhed-0 ") && strstr(r.out.ptr, "mange/nyhed-5999 "), "%.2000s", r.out.ptr);
	th_result_free(&r);
	stance_buf_dispose(&rss);
	stance_buf_dispose(&out);
	free(u);
}

Test(fetch, reextract_uses_the_snapshot, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf log = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/skole.html"), *doc;
	th_write(www, "skole.html", ARTICLE);
	add_source("byraad/skole", "127.0.0.1", "/skole.html");
	FETCH(&r, "--no-progress");
	th_result_free(&r);
	/* The page goes away; new rules drop the second paragraph. */
	th_sh(www, NULL, "rm skole.html");
	TH_RUN(&r, repo, "source", "remove", "byraad/skole");
	th_result_free(&r);
	TH_RUN(&r, repo, "source", "add", "byraad/skole", u, "--remove", "//p[contains(., 'foreslår')]");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, repo, "reextract");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	doc = th_read(repo, "byraad/skole.md");
	cr_assert_null(strstr(doc, "foreslår"), "%s", doc);
	cr_assert(strstr(doc, "alle børn"), "%s", doc);
	free(doc);
	th_sh(repo, &log, "git log -1 --format=%%s");
	cr_assert_str_eq(log.ptr, "Re-extract byraad/skole\n");
	stance_buf_dispose(&log);
	/* Nothing changed since: a second run commits nothing. */
	{
		int before = commit_count("HEAD");
		TH_RUN(&r, repo, "reextract", "byraad/skole");
		cr_assert_eq(r.status, 0);
		th_result_free(&r);
		cr_assert_eq(commit_count("HEAD"), before);
	}
	free(u);
}

Test(fetch, one_failure_does_not_cost_the_others, .init = setup, .fini = teardown)
{
	th_result r;
	th_write(www, "skole.html", ARTICLE);
	add_source("a/good", "127.0.0.1", "/skole.html");
	add_source("b/bad", "127.0.0.2", "/status/500");
	FETCH(&r, "--retries", "1");
	cr_assert_eq(r.status, 3, "%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), "a/good  new"), "%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), "b/bad   failed     http://127.0.0.2:") &&
		strstr(stance_buf_cstr(&r.out), "/status/500: HTTP 500"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	cr_assert(th_exists(repo, "a/good.md"));
	cr_assert_not(th_exists(repo, "b/bad.md"));
}

/* ---- bad input: a sentence naming what is wrong, no change to the config ---- */

static void expect_rejected(const char *want, int status, const char *const *args)
{
	th_result r;
	char *before = th_read(repo, ".stance/config"), *after;
	th_run(&r, repo, NULL, args);
	cr_assert_eq(r.status, status, "exit %d: %s", r.status, stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.err), want), "wanted '%s' in: %s", want, stance_buf_cstr(&r.err));
	th_result_free(&r);
	after = th_read(repo, ".stance/config");
	cr_assert_str_eq(after, before, "the config changed");
	free(before);
	free(after);
}

Test(source, bad_input_is_refused, .init = setup, .fini = teardown)
{
	expect_rejected("'Bad Id' is not a valid source id", 1,
		(const char *const[]){ "source", "add", "Bad Id", "http://127.0.0.1/", NULL });
	expect_rejected("'ftp://example.org/x' is not an http or https URL", 1,
		(const char *const[]){ "source", "add", "x/ftp", "ftp://example.org/x", NULL });
	expect_rejected("'//div[' is not a valid XPath expression", 1,
		(const char *const[]){ "source", "add", "x/y", "http://127.0.0.1/", "--select", "//div[", NULL });
	expect_rejected("the noise rule '(' is not a valid regular expression", 1,
		(const char *const[]){ "source", "add", "x/y", "http://127.0.0.1/", "--noise", "(", NULL });
	expect_rejected("'novel' is not a kind", 1,
		(const char *const[]){ "source", "add", "x/y", "http://127.0.0.1/", "--kind", "novel", NULL });
	expect_rejected("needs an ID and a URL", 2, (const char *const[]){ "source", "add", "x/y", NULL });
	expect_rejected("there is no source 'x/none'", 1, (const char *const[]){ "source", "remove", "x/none", NULL });
	expect_rejected("there is no source 'x/none'", 1, (const char *const[]){ "fetch", "x/none", NULL });
	expect_rejected("stance fetch: option '--jobs' takes a number from 1 to 1000, not 'many'", 2,
		(const char *const[]){ "fetch", "--jobs", "many", NULL });
	add_source("x/y", "127.0.0.1", "/a.html");
	expect_rejected("there is a source 'x/y' already", 1,
		(const char *const[]){ "source", "add", "x/y", "http://127.0.0.1/b", NULL });
}

Test(source, add_list_remove, .init = setup, .fini = teardown)
{
	th_result r;
	TH_RUN(&r, repo, "source", "add", "kl/reform", "https://example.org/reform", "--select", "//main",
		"--remove", "//aside", "--remove", "//div[@class='share']", "--kind", "theme", "--organization", "KL");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, repo, "source", "list", "--json");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(stance_buf_cstr(&r.out), "\"id\": \"kl/reform\", \"url\": \"https://example.org/reform\""),
		"%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), "\"remove\": [\"//aside\", \"//div[@class='share']\"]"),
		"%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), "\"organization\": \"KL\""), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	TH_RUN(&r, repo, "source", "remove", "kl/reform");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	TH_RUN(&r, repo, "source", "list");
	cr_assert_str_eq(stance_buf_cstr(&r.out), "");
	th_result_free(&r);
}

Test(fetch, page_without_content_fails, .init = setup, .fini = teardown)
{
	th_write(www, "menu.html", "<html><body><nav><a href='/a'>A</a> <a href='/b'>B</a></nav>"
		"<ul><li><a href='/c'>C</a></li><li><a href='/d'>D</a></li></ul></body></html>");
	add_source("x/menu", "127.0.0.1", "/menu.html");
	expect_failure("x/menu", "extraction found nothing", NULL);
}

Test(fetch, busy_repository_writes_nothing, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf pid = STANCE_BUF_INIT;
	th_write(www, "skole.html", ARTICLE);
	add_source("byraad/skole", "127.0.0.1", "/skole.html");
	/* Another stance (this very process, which is alive) holds the lock. */
	stance_buf_printf(&pid, "%ld\n", (long)getpid());
	th_write(repo, ".git/stance.lock", pid.ptr);
	setenv("STANCE_LOCK_TIMEOUT_MS", "300", 1);
	FETCH(&r, "--no-progress");
	unsetenv("STANCE_LOCK_TIMEOUT_MS");
	cr_assert_eq(r.status, 1, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.err), "busy"), "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	cr_assert_not(th_exists(repo, "byraad/skole.md"));
	cr_assert_eq(commit_count("snapshots"), 0);
	stance_buf_dispose(&pid);
}

static void setup_slow(void)
{
	th_result r;
	start_server("400"); /* every answer 400 ms late */
	repo = th_tmpdir();
	TH_RUN(&r, repo, "init", ".");
	cr_assert_eq(r.status, 0, "init: %s", stance_buf_cstr(&r.err));
	th_result_free(&r);
}

/* A writer that commits while a fetch is on its way is not kept waiting:
 * the fetch builds its commits without the lock and makes them on top of
 * the other writer's commit when it writes them. Nothing is lost. */
Test(fetch, a_writer_during_a_fetch_is_not_kept_waiting, .init = setup_slow, .fini = teardown)
{
	stance_buf out = STANCE_BUF_INIT;
	char *doc;
	int i;
	for (i = 0; i < 4; i++) {
		char name[32], id[32], path[40];
		snprintf(name, sizeof(name), "side%d.html", i);
		snprintf(id, sizeof(id), "byraad/side%d", i);
		snprintf(path, sizeof(path), "/%s", name);
		th_sh(www, NULL, "printf '%%s' '%s' | sed 's/Skolepolitik/Side %d/g' > %s", ARTICLE, i, name);
		add_source(id, "127.0.0.1", path);
	}
	th_write(repo, "../egen.md", "---\ntitle: Egen note\n---\nVi skal skrive selv.\n");
	/* the fetch takes about 2 s (robots.txt and four pages, one at a time,
	 * 400 ms each); 1.3 s in, when it has begun its batch with the first
	 * pages, another stance adds a document */
	cr_assert_eq(th_sh(repo, &out, "('%s' fetch --no-progress --delay 0 --jitter 0 > ../fetch.log 2>&1; "
		"echo $? > ../fetch.rc) & sleep 1.3; s=$(date +%%s%%N); '%s' add ../egen.md --id egen/note >/dev/null; "
		"echo add=$? ms=$(( ($(date +%%s%%N) - s) / 1000000 )); wait; cat ../fetch.rc ../fetch.log",
		STANCE_BIN, STANCE_BIN), 0);
	cr_assert(strstr(out.ptr, "add=0 "), "%s", out.ptr);
	{
		const char *ms = strstr(out.ptr, "ms=");
		cr_assert(ms && strtol(ms + 3, NULL, 10) < 1000, "the add waited for the fetch: %s", out.ptr);
	}
	cr_assert(strstr(out.ptr, "\n0\n") || !strncmp(strstr(out.ptr, "\n") + 1, "0\n", 2), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "4 new, 0 updated, 0 unchanged, 0 failed"), "%s", out.ptr);
	stance_buf_clear(&out);
	/* the add's commit and the four versions are all on main, each version
	 * naming its own snapshot on the snapshots branch; the tree is clean */
	cr_assert_eq(th_sh(repo, &out, "git log --format=%%s main | grep -e '^Add byraad/side' -e '^Add egen/note'"), 0);
	/* the add came first: the fetch's commits were made again on top of it */
	cr_assert(!strncmp(strstr(out.ptr, "Add egen/note") ? strstr(out.ptr, "Add egen/note") : "", "Add egen/note\n", 14) &&
		!strstr(strstr(out.ptr, "Add egen/note"), "byraad"), "%s", out.ptr);
	cr_assert_eq(th_sh(repo, NULL, "test $(git log --format=%%s main | grep -c -e '^Add byraad/side' -e '^Add egen/note') = 5"), 0);
	for (i = 0; i < 4; i++) {
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "s=$(git log -1 '--format=%%(trailers:key=Snapshot,valueonly)' -- byraad/side%d.md) && "
			"git merge-base --is-ancestor $s snapshots && git show $s:byraad/side%d.html | cmp - %s/side%d.html",
			i, i, www, i);
		cr_assert_eq(th_sh(repo, NULL, "%s", cmd), 0, "document %d: %s", i, cmd);
	}
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(repo, &out, "git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, "");
	doc = th_read(repo, "egen/note.md");
	cr_assert(strstr(doc, "Vi skal skrive selv."), "%s", doc);
	free(doc);
	stance_buf_dispose(&out);
}

/* Another writer commits .stance/config while a feed run is on its way:
 * the run's new sections are added to the file as that writer left it, so
 * both are kept. */
Test(fetch, a_source_added_during_a_feed_run_is_kept, .init = setup_slow, .fini = teardown)
{
	stance_buf out = STANCE_BUF_INIT;
	char *u = url("127.0.0.1", "/feed.xml"), *other = url("127.0.0.2", "/n1.html"), *cfg;
	th_result r;
	int i;
	for (i = 1; i <= 3; i++) {
		char name[16];
		snprintf(name, sizeof(name), "n%d.html", i);
		th_sh(www, NULL, "printf '%%s' '%s' | sed 's/Skolepolitik/Nyhed %d/g' > %s", ARTICLE, i, name);
	}
	th_write(www, "feed.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nyt</title>"
		"<item><title>Første nyhed</title><link>/n1.html</link></item>"
		"<item><title>Anden nyhed</title><link>/n2.html</link></item>"
		"<item><title>Tredje nyhed</title><link>/n3.html</link></item></channel></rss>");
	TH_RUN(&r, repo, "source", "add", "--feed", "byraad/nyt", u);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	/* robots.txt, the feed and three pages, 400 ms each: 1.5 s in, the
	 * feed is read and the pages are on their way */
	cr_assert_eq(th_sh(repo, &out, "('%s' fetch --no-progress --delay 0 --jitter 0 > ../fetch.log 2>&1; "
		"echo $? > ../fetch.rc) & sleep 1.5; '%s' source add x/egen '%s' >/dev/null; echo add=$?; wait; "
		"cat ../fetch.rc ../fetch.log", STANCE_BIN, STANCE_BIN, other), 0);
	cr_assert(strstr(out.ptr, "add=0\n0\n"), "%s", out.ptr);
	cr_assert(strstr(out.ptr, "feed: 3 new items") && strstr(out.ptr, "3 new, 0 updated"), "%s", out.ptr);
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(repo, &out, "git show HEAD:.stance/config"), 0);
	cr_assert(strstr(out.ptr, "[source \"x/egen\"]") && strstr(out.ptr, "[source \"byraad/nyt/tredje-nyhed\"]"),
		"%s", out.ptr);
	stance_buf_clear(&out);
	/* the source was added first; the run's commits came again on top */
	cr_assert_eq(th_sh(repo, &out, "git log --format=%%s -- .stance/config | head -2"), 0);
	cr_assert_str_eq(out.ptr, "Add 3 sources from feed byraad/nyt\nAdd source x/egen\n");
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(repo, &out, "git status --porcelain"), 0);
	cr_assert_str_eq(out.ptr, "");
	cfg = th_read(repo, ".stance/config");
	cr_assert(strstr(cfg, "[source \"x/egen\"]") && strstr(cfg, "[source \"byraad/nyt/anden-nyhed\"]"), "%s", cfg);
	free(cfg);
	stance_buf_dispose(&out);
	free(u);
	free(other);
}

/* The repository cannot take the new objects (its pack folder is a file
 * here): the run fails, saying why, and nothing of it is written; once the
 * folder is back, the next run stores everything. */
Test(fetch, objects_that_cannot_be_written_leave_nothing_behind, .init = setup, .fini = teardown)
{
	th_result r;
	stance_buf before = STANCE_BUF_INIT, after = STANCE_BUF_INIT;
	int i;
	for (i = 0; i < 3; i++) {
		char name[32], id[32], path[40];
		snprintf(name, sizeof(name), "side%d.html", i);
		snprintf(id, sizeof(id), "byraad/side%d", i);
		snprintf(path, sizeof(path), "/%s", name);
		th_sh(www, NULL, "printf '%%s' '%s' | sed 's/Skolepolitik/Side %d/g' > %s", ARTICLE, i, name);
		add_source(id, "127.0.0.1", path);
	}
	cr_assert_eq(th_sh(repo, NULL, "test ! -e .git/objects/pack/*.pack && rmdir .git/objects/pack && "
		"touch .git/objects/pack"), 0);
	th_sh(repo, &before, "git rev-parse HEAD; git status --porcelain; ls; cat .git/stance-fetch-state 2>/dev/null");
	FETCH(&r, "--no-progress");
	cr_assert_neq(r.status, 0, "%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.err), "cannot write") || strstr(stance_buf_cstr(&r.out), "cannot write"),
		"%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	th_sh(repo, &after, "git rev-parse HEAD; git status --porcelain; ls; cat .git/stance-fetch-state 2>/dev/null");
	cr_assert_str_eq(after.ptr, before.ptr);
	cr_assert_eq(commit_count("snapshots"), 0);
	cr_assert_eq(th_sh(repo, NULL, "rm .git/objects/pack && mkdir .git/objects/pack"), 0);
	FETCH(&r, "--no-progress");
	cr_assert_eq(r.status, 0, "%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(r.out.ptr, "3 new, 0 updated, 0 unchanged, 0 failed"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_eq(commit_count("snapshots"), 3);
	stance_buf_dispose(&before);
	stance_buf_dispose(&after);
}

Test(fetch, reextract_without_snapshot_fails, .init = setup, .fini = teardown)
{
	th_result r;
	add_source("x/never", "127.0.0.1", "/never.html");
	TH_RUN(&r, repo, "reextract", "x/never");
	cr_assert_eq(r.status, 3, "exit %d: %s%s", r.status, stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.out), "x/never: no snapshot on the snapshots branch"), "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	TH_RUN(&r, repo, "reextract", "x/unknown");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(stance_buf_cstr(&r.err), "there is no source 'x/unknown'"), "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
}

/* A fetched page is never written through a symbolic link in the working
 * folder (which could lead out of the repository): the run fails, naming
 * the path, and nothing is written there or committed. */
Test(fetch, no_page_is_written_through_a_symbolic_link, .init = setup, .fini = teardown)
{
	th_result r;
	char *outside = th_tmpdir();
	int before;
	th_write(www, "skole.html", ARTICLE);
	add_source("byraad/skole", "127.0.0.1", "/skole.html");
	before = commit_count("HEAD");
	cr_assert_eq(th_sh(repo, NULL, "ln -s '%s' byraad", outside), 0);
	FETCH(&r, "--no-progress");
	cr_assert_neq(r.status, 0, "%s", stance_buf_cstr(&r.out));
	cr_assert_lt(r.status, 128);
	cr_assert(strstr(stance_buf_cstr(&r.out), "symbolic link") || strstr(stance_buf_cstr(&r.err), "symbolic link"),
		"%s%s", stance_buf_cstr(&r.out), stance_buf_cstr(&r.err));
	th_result_free(&r);
	cr_assert(!th_exists(outside, "skole.md"), "written through the link");
	cr_assert_eq(commit_count("HEAD"), before);
	free(outside);
}
