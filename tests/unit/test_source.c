/*
 * test_source.c: the sources module through its public header (source.h),
 * on real repositories and a real loopback server
 * (tests/server/stance_test_server.py): sources are added to .stance/config
 * with their rules (a backslash and Danish letters too) and read back in
 * file order, removed, and refused with a clear message for a bad id, URL,
 * XPath, regular expression or kind, nothing written then; credentials in
 * a URL never reach .stance/config; a fetch run stores a new document,
 * then nothing for an unchanged page, then an update, and reports a failed
 * source without writing anything for it; an unknown id fails the run;
 * reextract rebuilds from the snapshots.
 */
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
	char *dir;
	stance_repo *repo;
} fixture;

static fixture open_repo(void)
{
	fixture f;
	f.dir = th_tmpdir();
	f.repo = NULL;
	cr_assert_eq(stance_repo_init(NULL, f.dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_repo_open(&f.repo, f.dir), 0, "%s", stance_error_last());
	return f;
}

static void close_repo(fixture *f)
{
	stance_repo_free(f->repo);
	free(f->dir);
}

static int add_source(fixture *f, const char *id, const char *url)
{
	stance_source s = STANCE_SOURCE_INIT;
	s.id = id;
	s.url = url;
	return stance_source_add(f->repo, &s);
}

Test(source, sources_are_added_with_their_rules_and_read_back_in_order, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_source s = STANCE_SOURCE_INIT;
	stance_source_list *l = NULL;
	const stance_source *got;
	static const char *const select[] = { "//main", "//article[@class='tekst']" };
	static const char *const remove[] = { "//div[@class='del-på-facebook']" };
	static const char *const noise[] = { "Opdateret kl\\. [0-9:]+", "\\d+ kommentarer" };
	s.id = "kl/naerhedsreform";
	s.url = "https://www.kl.dk/politik/nærhedsreform?side=2";
	s.select = select;
	s.select_count = 2;
	s.remove = remove;
	s.remove_count = 1;
	s.noise = noise;
	s.noise_count = 2;
	s.kind = "theme";
	s.organization = "Kommunernes Landsforening (KL)";
	cr_assert_eq(stance_source_add(f.repo, &s), 0, "%s", stance_error_last());
	cr_assert_eq(add_source(&f, "aa/foerst-i-alfabetet", "http://example.org/a"), 0, "%s", stance_error_last());
	cr_assert_eq(stance_source_list_load(&l, f.repo), 0, "%s", stance_error_last());
	cr_assert_eq(stance_source_list_count(l), 2);
	got = stance_source_list_get(l, 0);
	cr_expect_str_eq(got->id, "kl/naerhedsreform", "file order, not sorted");
	cr_expect(strstr(got->url, "kl.dk/politik/") != NULL, "%s", got->url);
	cr_assert_eq(got->select_count, 2);
	cr_expect_str_eq(got->select[1], "//article[@class='tekst']");
	cr_assert_eq(got->remove_count, 1);
	cr_expect_str_eq(got->remove[0], "//div[@class='del-på-facebook']");
	cr_assert_eq(got->noise_count, 2);
	cr_expect_str_eq(got->noise[0], "Opdateret kl\\. [0-9:]+", "a backslash survives the config file");
	cr_expect_str_eq(got->noise[1], "\\d+ kommentarer");
	cr_expect_str_eq(got->kind, "theme");
	cr_expect_str_eq(got->organization, "Kommunernes Landsforening (KL)");
	cr_expect_eq(got->feed, 0);
	cr_expect_str_eq(stance_source_list_get(l, 1)->id, "aa/foerst-i-alfabetet");
	stance_source_list_free(l);
	l = NULL;
	/* another handle reads the same */
	stance_repo_free(f.repo);
	f.repo = NULL;
	cr_assert_eq(stance_repo_open(&f.repo, f.dir), 0);
	cr_assert_eq(stance_source_list_load(&l, f.repo), 0, "%s", stance_error_last());
	cr_expect_eq(stance_source_list_count(l), 2);
	stance_source_list_free(l);
	close_repo(&f);
}

Test(source, an_empty_configuration_has_no_sources, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_source_list *l = NULL;
	cr_assert_eq(stance_source_list_load(&l, f.repo), 0, "%s", stance_error_last());
	cr_expect_eq(stance_source_list_count(l), 0);
	stance_source_list_free(l);
	close_repo(&f);
}

Test(source, a_feed_source, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_source s = STANCE_SOURCE_INIT;
	stance_source_list *l = NULL;
	s.id = "kl/nyheder";
	s.url = "https://www.kl.dk/feed.xml";
	s.feed = 1;
	cr_assert_eq(stance_source_add(f.repo, &s), 0, "%s", stance_error_last());
	cr_assert_eq(stance_source_list_load(&l, f.repo), 0);
	cr_assert_eq(stance_source_list_count(l), 1);
	cr_expect_eq(stance_source_list_get(l, 0)->feed, 1);
	stance_source_list_free(l);
	close_repo(&f);
}

Test(source, a_source_is_removed, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_source_list *l = NULL;
	cr_assert_eq(add_source(&f, "a/en", "https://example.org/1"), 0);
	cr_assert_eq(add_source(&f, "a/to", "https://example.org/2"), 0);
	cr_assert_eq(stance_source_remove(f.repo, "a/en"), 0, "%s", stance_error_last());
	cr_assert_eq(stance_source_list_load(&l, f.repo), 0);
	cr_assert_eq(stance_source_list_count(l), 1);
	cr_expect_str_eq(stance_source_list_get(l, 0)->id, "a/to");
	stance_source_list_free(l);
	cr_expect_eq(stance_source_remove(f.repo, "a/en"), STANCE_ENOTFOUND);
	cr_expect(strstr(stance_error_last(), "a/en") != NULL, "%s", stance_error_last());
	close_repo(&f);
}

static void refused(fixture *f, const stance_source *s, int code, const char *named)
{
	char *before = th_read(f->dir, ".stance/config"), *after;
	cr_expect_eq(stance_source_add(f->repo, s), code, "'%s' <%s> added: %s", s->id ? s->id : "(null)",
		s->url ? s->url : "(null)", stance_error_last());
	cr_expect(strstr(stance_error_last(), named) != NULL, "the message names '%s': %s", named, stance_error_last());
	after = th_read(f->dir, ".stance/config");
	cr_expect_str_eq(after, before, "nothing is written");
	free(before);
	free(after);
}

Test(source, bad_sources_are_refused_naming_what_is_wrong, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_source s = STANCE_SOURCE_INIT;
	static const char *const bad_xpath[] = { "//div[" };
	static const char *const bad_regex[] = { "(ikke lukket" };
	cr_assert_eq(add_source(&f, "a/findes", "https://example.org/"), 0);
	s.url = "https://example.org/x";
	s.id = "Store Bogstaver";
	refused(&f, &s, STANCE_EINVALID, "Store Bogstaver");
	s.id = "../ud";
	refused(&f, &s, STANCE_EINVALID, "../ud");
	s.id = "";
	refused(&f, &s, STANCE_EINVALID, "source id");
	s.id = "a/findes";
	refused(&f, &s, STANCE_EEXISTS, "a/findes");
	s.id = "a/ny";
	s.url = "ftp://example.org/fil";
	refused(&f, &s, STANCE_EINVALID, "ftp://example.org/fil");
	s.url = "file:///etc/passwd";
	refused(&f, &s, STANCE_EINVALID, "file:///etc/passwd");
	s.url = "ikke en adresse";
	refused(&f, &s, STANCE_EINVALID, "ikke en adresse");
	s.url = "https://example.org/x";
	s.select = bad_xpath;
	s.select_count = 1;
	refused(&f, &s, STANCE_EINVALID, "//div[");
	s.select_count = 0;
	s.remove = bad_xpath;
	s.remove_count = 1;
	refused(&f, &s, STANCE_EINVALID, "remove");
	s.remove_count = 0;
	s.noise = bad_regex;
	s.noise_count = 1;
	refused(&f, &s, STANCE_EINVALID, "(ikke lukket");
	s.noise_count = 0;
	s.kind = "roman";
	refused(&f, &s, STANCE_EINVALID, "roman");
	close_repo(&f);
}

Test(source, credentials_in_a_url_never_reach_the_config_file, .fini = th_cleanup)
{
	fixture f = open_repo();
	stance_source_list *l = NULL;
	char *config;
	cr_assert_eq(add_source(&f, "a/lukket", "https://bruger:hemmeligt-ord@intra.example.org/side"), 0, "%s",
		stance_error_last());
	config = th_read(f.dir, ".stance/config");
	cr_expect(strstr(config, "hemmeligt-ord") == NULL, "the password is in .stance/config:\n%s", config);
	cr_expect(strstr(config, "intra.example.org/side") != NULL, "%s", config);
	cr_assert_eq(stance_source_list_load(&l, f.repo), 0);
	cr_expect(strstr(stance_source_list_get(l, 0)->url, "hemmeligt-ord") == NULL, "%s",
		stance_source_list_get(l, 0)->url);
	stance_source_list_free(l);
	free(config);
	close_repo(&f);
}

Test(source, outcome_names)
{
	cr_expect_str_eq(stance_source_outcome_name(STANCE_SOURCE_NEW), "new");
	cr_expect_str_eq(stance_source_outcome_name(STANCE_SOURCE_UPDATED), "updated");
	cr_expect_str_eq(stance_source_outcome_name(STANCE_SOURCE_UNCHANGED), "unchanged");
	cr_expect_str_eq(stance_source_outcome_name(STANCE_SOURCE_FAILED), "failed");
}

/* ---- a fetch run against the loopback server ---- */

static pid_t server_pid;
static int port;
static char *www;

static void start_server(void)
{
	int fds[2];
	char buf[32] = "";
	ssize_t n = 0, got;
	char *script = th_source("tests/server/stance_test_server.py");
	if (th_sh(NULL, NULL, "command -v python3") != 0)
		cr_skip("python3 is not installed (the test server needs it)");
	www = th_tmpdir();
	cr_assert_eq(pipe(fds), 0);
	server_pid = fork();
	cr_assert_neq(server_pid, -1);
	if (server_pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execlp("python3", "python3", script, "--root", www, "--host", "127.0.0.1", (char *)NULL);
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

static void stop_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
		server_pid = 0;
	}
	th_cleanup();
}

static char *page_url(const char *path)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "http://127.0.0.1:%d%s", port, path);
	return stance_buf_detach(&b);
}

static void write_page(const char *name, const char *title, const char *text)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>%s</title></head>"
		"<body><nav><a href=\"/\">Forside</a></nav><article><h1>%s</h1><p>%s</p>"
		"<p>Dette er endnu et afsnit med tilstrækkelig tekst til at artiklen bliver fundet, og det "
		"fortsætter med flere ord, kommaer og sætninger, så længden er rigelig.</p></article>"
		"<footer>Kontakt · Cookies</footer></body></html>", title, title, text);
	th_write(www, name, b.ptr);
	stance_buf_dispose(&b);
}

static const stance_source_result *result_of(const stance_source_report *rep, const char *id)
{
	size_t i;
	for (i = 0; i < rep->count; i++)
		if (!strcmp(rep->results[i].id, id))
			return &rep->results[i];
	cr_assert_fail("no result for %s in the report", id);
	return NULL;
}

static void fetch(stance_source_report *rep, fixture *f, const char *const *ids, size_t nids)
{
	stance_fetch_options o = STANCE_FETCH_OPTIONS_INIT;
	memset(rep, 0, sizeof(*rep));
	cr_assert_eq(stance_source_fetch(rep, f->repo, ids, nids, &o), 0, "%s", stance_error_last());
}

Test(source_fetch, new_then_unchanged_then_updated_and_a_failure_writes_nothing, .init = start_server,
	.fini = stop_server, .timeout = 120)
{
	fixture f = open_repo();
	stance_source_report rep;
	char *u = page_url("/skole.html"), *missing = page_url("/status/404"), *log, *file;
	const stance_source_result *r;
	write_page("skole.html", "Skolepolitik", "Byrådet mener, at alle børn skal have en skole tæt på hjemmet.");
	cr_assert_eq(add_source(&f, "by/skole", u), 0, "%s", stance_error_last());
	cr_assert_eq(add_source(&f, "by/mangler", missing), 0, "%s", stance_error_last());

	fetch(&rep, &f, NULL, 0);
	cr_expect_eq(rep.count, 2);
	cr_expect_eq(rep.failed, 1);
	r = result_of(&rep, "by/skole");
	cr_expect_eq(r->outcome, STANCE_SOURCE_NEW, "%s", r->reason ? r->reason : "");
	cr_expect_eq(strlen(r->commit), 40);
	r = result_of(&rep, "by/mangler");
	cr_expect_eq(r->outcome, STANCE_SOURCE_FAILED);
	cr_expect_eq(r->status, 404);
	cr_expect(r->reason && *r->reason, "a failure says why");
	stance_source_report_dispose(&rep);
	file = th_read(f.dir, "by/skole.md");
	cr_expect(strstr(file, "skole tæt på hjemmet") != NULL, "%s", file);
	free(file);
	cr_expect(!th_exists(f.dir, "by/mangler.md"), "nothing is written for a failed source");
	log = th_sh_out(f.dir, "git show snapshots:by/skole.html | head -c 15");
	cr_expect_str_eq(log, "<!DOCTYPE html>", "the raw page is on the snapshots branch");
	free(log);

	/* the same page again: nothing written */
	{
		static const char *const only[] = { "by/skole" };
		char *before = th_sh_out(f.dir, "git rev-parse HEAD"), *after;
		fetch(&rep, &f, only, 1);
		cr_expect_eq(rep.count, 1, "only the source asked for");
		cr_expect_eq(rep.results[0].outcome, STANCE_SOURCE_UNCHANGED, "%s",
			rep.results[0].reason ? rep.results[0].reason : "");
		stance_source_report_dispose(&rep);
		after = th_sh_out(f.dir, "git rev-parse HEAD");
		cr_expect_str_eq(after, before);
		free(before);
		free(after);
	}

	/* a changed page: a new version */
	sleep(1); /* a newer Last-Modified */
	write_page("skole.html", "Skolepolitik", "Byrådet foreslår, at skolerne i landsbyerne bevares.");
	{
		static const char *const only[] = { "by/skole" };
		fetch(&rep, &f, only, 1);
		cr_expect_eq(rep.results[0].outcome, STANCE_SOURCE_UPDATED, "%s",
			rep.results[0].reason ? rep.results[0].reason : "");
		stance_source_report_dispose(&rep);
	}
	log = th_sh_out(f.dir, "git log --format=%s -- by/skole.md");
	cr_expect_str_eq(log, "Update by/skole\nAdd by/skole\n");
	free(log);
	free(u);
	free(missing);
	close_repo(&f);
}

Test(source_fetch, an_unknown_id_fails_the_run, .init = start_server, .fini = stop_server, .timeout = 60)
{
	fixture f = open_repo();
	stance_source_report rep;
	stance_fetch_options o = STANCE_FETCH_OPTIONS_INIT;
	static const char *const ids[] = { "findes/ikke" };
	memset(&rep, 0, sizeof(rep));
	cr_expect_lt(stance_source_fetch(&rep, f.repo, ids, 1, &o), 0);
	cr_expect(strstr(stance_error_last(), "findes/ikke") != NULL, "%s", stance_error_last());
	stance_source_report_dispose(&rep);
	close_repo(&f);
}

Test(source_fetch, reextract_rebuilds_from_the_snapshot, .init = start_server, .fini = stop_server,
	.timeout = 120)
{
	fixture f = open_repo();
	stance_source_report rep;
	char *u = page_url("/tema.html"), *log;
	static const char *const ids[] = { "by/tema" };
	write_page("tema.html", "Tema", "Regionen bør betale halvdelen af udgiften til de nye veje.");
	cr_assert_eq(add_source(&f, "by/tema", u), 0, "%s", stance_error_last());
	fetch(&rep, &f, NULL, 0);
	cr_expect_eq(rep.results[0].outcome, STANCE_SOURCE_NEW);
	stance_source_report_dispose(&rep);
	/* the same rules: nothing to rebuild */
	memset(&rep, 0, sizeof(rep));
	cr_assert_eq(stance_source_reextract(&rep, f.repo, ids, 1), 0, "%s", stance_error_last());
	cr_expect_eq(rep.results[0].outcome, STANCE_SOURCE_UNCHANGED);
	stance_source_report_dispose(&rep);
	/* a remove rule: the document is rebuilt without the part, from the snapshot (the
	 * server's page is gone, so nothing is fetched) */
	cr_assert_eq(th_sh(f.dir, NULL, "git config -f .stance/config --add 'source.by/tema.remove' '//article/p[1]' && "
		"rm '%s/tema.html'", www), 0);
	memset(&rep, 0, sizeof(rep));
	cr_assert_eq(stance_source_reextract(&rep, f.repo, NULL, 0), 0, "%s", stance_error_last());
	cr_expect_eq(rep.results[0].outcome, STANCE_SOURCE_UPDATED, "%s",
		rep.results[0].reason ? rep.results[0].reason : "");
	stance_source_report_dispose(&rep);
	log = th_sh_out(f.dir, "git log -1 --format=%s");
	cr_expect_str_eq(log, "Re-extract by/tema\n");
	free(log);
	free(u);
	close_repo(&f);
}
