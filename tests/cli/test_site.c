/*
 * test_site.c: `stance site` on a real repository: what it writes, that a
 * second build after one new revision writes only that document's pages
 * and the collection's, that search-index.js is the search index's export
 * (the same stems and documents as `stance search`), and the sentences bad
 * inputs get. The pages
 * themselves are checked in a browser by tests/site/run.js.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "repository_fixture.h"

Test(site, writes_the_pages_and_a_second_build_only_what_changed, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	char *page, *feed, *timemap;
	th_result r;
	OK(&r, dir, "site", "out", "--base-url", "https://example.org/room/", "--title", "Rådhusets arkiv");
	cr_assert(strstr(r.out.ptr, "documents built"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(th_exists(dir, "out/index.html") && th_exists(dir, "out/changes.html") &&
		th_exists(dir, "out/feed.atom") && th_exists(dir, "out/kl/debat/index.html") &&
		th_exists(dir, "out/kl/debat/positions.html") && th_exists(dir, "out/kl/debat/timemap.link") &&
		th_exists(dir, "out/kl/debat/feed.atom") && th_exists(dir, "out/search-index.js") &&
		th_exists(dir, "out/site.css") && th_exists(dir, "out/site.js"));
	page = th_read(dir, "out/index.html");
	cr_assert(strstr(page, "Rådhusets arkiv"), "the title on the index");
	cr_assert(!strstr(page, "http://") && !strstr(page, "https://"), "nothing from outside: %s", page);
	feed = th_read(dir, "out/feed.atom");
	cr_assert(strstr(feed, "<id>https://example.org/room/feed.atom</id>"), "absolute ids under the base URL: %s", feed);
	timemap = th_read(dir, "out/kl/debat/timemap.link");
	cr_assert(strstr(timemap, "<https://example.org/room/kl/debat/timemap.link>;rel=\"self\""), "%s", timemap);
	cr_assert(strstr(timemap, "rel=\"first memento\"") && strstr(timemap, "rel=\"last memento\""), "%s", timemap);
	free(page);
	free(feed);
	free(timemap);

	/* nothing new: nothing written */
	OK(&r, dir, "site", "out", "--base-url", "https://example.org/room/", "--title", "Rådhusets arkiv");
	cr_assert(strstr(r.out.ptr, "0 documents built, 0 files written"), "%s", r.out.ptr);
	th_result_free(&r);
	/* a new revision of another document: that document is built again, not kl/debat */
	th_write(dir, "in/ny.md", "---\ntitle: Ny plan\nkind: debate\norganization: KL\n---\n\nVi skal have en plan.\n");
	OK0(dir, "add", "in/ny.md", "--id", "kl/ny");
	OK(&r, dir, "site", "out", "--base-url", "https://example.org/room/", "--title", "Rådhusets arkiv");
	cr_assert(strstr(r.out.ptr, "1 documents built"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert(th_exists(dir, "out/kl/ny/index.html"));
	page = th_read(dir, "out/changes.html");
	cr_assert(strstr(page, "kl/ny/"), "the changes list the new revision");
	free(page);
	/* the incremental build gives the very pages and feeds a full one does */
	OK0(dir, "site", "full", "--base-url", "https://example.org/room/", "--title", "Rådhusets arkiv");
	cr_assert_eq(th_sh(dir, NULL, "diff -r -x .stance-site.json out full"), 0, "the two builds differ");
	free(dir);
}

Test(site, since_limits_the_changes_and_the_feeds, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	char *feed, *timeline;
	OK0(dir, "site", "out", "--since", "2021-01-01");
	feed = th_read(dir, "out/kl/debat/feed.atom");
	cr_assert(strstr(feed, "kl/debat/2021-03-01.html") && !strstr(feed, "kl/debat/2020-12-04.html"),
		"only the revision from 2021 on: %s", feed);
	timeline = th_read(dir, "out/kl/debat/index.html");
	cr_assert(strstr(timeline, "2020-12-04.html"), "the timeline keeps every revision");
	free(feed);
	free(timeline);
	free(dir);
}

Test(site, a_source_is_a_link_only_when_it_is_http, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	char *page;
	th_write(dir, "in/x.md", "---\ntitle: X\nsource: \"javascript:alert(1)\"\n---\n\nVi skal.\n");
	OK0(dir, "add", "in/x.md", "--id", "kl/x");
	OK0(dir, "site", "out");
	page = th_read(dir, "out/kl/x/index.html");
	cr_assert(strstr(page, "javascript:alert(1)") && !strstr(page, "href=\"javascript:"), "%s", page);
	free(page);
	free(dir);
}

Test(site, bad_inputs_are_refused_with_a_sentence, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	th_write(dir, "full/notes.txt", "someone's files\n");
	TH_RUN(&r, dir, "site", "full");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "full is not empty and holds no site"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert(!th_exists(dir, "full/index.html"), "nothing written into someone's folder");
	TH_RUN(&r, dir, "site", "out", "--base-url", "ftp://example.org/");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "base URL 'ftp://example.org/' is not an http or https URL"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert(!th_exists(dir, "out"), "nothing half-written");
	TH_RUN(&r, dir, "site", "out", "--serve=99999");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "--serve takes a port"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "site");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "name the folder"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

/* The positions page follows a position as `stance positions --history`
 * does: a statement that moved to another section inside a longer paragraph
 * and changed its figures is one position reworded, shown with both
 * wordings and its callouts; a dropped statement is removed. */
Test(site, the_positions_page_follows_a_rewording_with_its_callouts, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	char *page;
	th_result r;
	OK(&r, dir, "init", ".");
	th_result_free(&r);
	th_write(dir, "in/v1.md", "---\ntitle: Ældre\nkind: debate\norganization: Ærø Kommune\nlanguage: da\n---\n\n"
		"# Økonomi\n\nKommunerne skal have 50 millioner kroner til ældreplejen i 2025.\n\n"
		"Vi ønsker færre regler for hjemmeplejen.\n");
	th_write(dir, "in/v2.md", "---\ntitle: Ældre\nkind: debate\norganization: Ærø Kommune\nlanguage: da\n---\n\n"
		"# Ældreplejen\n\nMødet blev holdt i rådhusets sal. Kommunerne skal have 80 millioner kroner til "
		"ældreplejen i 2030. Det blev besluttet enstemmigt.\n");
	OK0(dir, "add", "in/v1.md", "--id", "aeroe/aeldre", "--date", "2020-01-01");
	OK0(dir, "add", "in/v2.md", "--id", "aeroe/aeldre", "--date", "2021-01-01");
	OK0(dir, "site", "out");
	page = th_read(dir, "out/aeroe/aeldre/positions.html");
	cr_assert(strstr(page, "2 in all."), "one life per position, not a removal and an addition: %s", page);
	cr_assert(strstr(page, "<strong>appeared</strong>: <span class=\"wording\">Kommunerne skal have 50 millioner "
		"kroner til ældreplejen i 2025.</span>"), "the first wording: %s", page);
	cr_assert(strstr(page, "<strong>reworded</strong> <span class=\"callouts\">(amount changed: 50 → 80 millioner; "
		"date changed: 2025 → 2030)</span>"), "the callouts: %s", page);
	cr_assert(strstr(page, "Kommunerne skal have <del>50</del><ins>80</ins> millioner kroner til ældreplejen i "
		"<del>2025</del><ins>2030</ins>."), "both wordings, word by word: %s", page);
	cr_assert(strstr(page, "<strong>removed</strong>: <span class=\"wording\"><del>Vi ønsker færre regler for "
		"hjemmeplejen.</del>"), "the dropped statement: %s", page);
	free(page);
	free(dir);
}

/* search-index.js as a JSON value (the script's one assignment). */
static json_t *site_search_index(const char *dir, const char *folder)
{
	char path[256], *js, *start, *end;
	json_t *v;
	snprintf(path, sizeof(path), "%s/search-index.js", folder);
	js = th_read(dir, path);
	start = strstr(js, "= ");
	end = strrchr(js, ';');
	cr_assert(start && end && end > start, "search-index.js: %s", js);
	*end = '\0';
	v = json_loads(start + 2, 0, NULL);
	cr_assert(v, "search-index.js is not JSON: %s", js);
	free(js);
	return v;
}

/* The ids of the documents that hold `term` in the export; "" when none. */
static char *docs_of(json_t *ix, const char *term)
{
	json_t *list = json_object_get(json_object_get(ix, "terms"), term), *d;
	stance_buf out = STANCE_BUF_INIT;
	size_t i;
	json_array_foreach(list, i, d)
		stance_buf_printf(&out, "%s%s", out.size ? " " : "",
			json_string_value(json_array_get(json_object_get(ix, "docs"), (size_t)json_integer_value(d))));
	return out.ptr ? stance_buf_detach(&out) : strdup("");
}

Test(site, the_search_file_is_the_search_index_export_and_follows_a_new_revision, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *got, *cli, cmd[1024];
	json_t *ix;
	const char *stem;
	OK0(dir, "init", "repo");
	th_write(dir, "in/a.md", "---\ntitle: Økonomi\nkind: debate\norganization: KL\nlanguage: da\n---\n\n"
		"Kommunernes økonomi er presset.\n\nVi ønsker frihed til Fællesrådet.\n");
	th_write(dir, "in/b.md", "---\ntitle: Skoler\nkind: debate\norganization: KL\nlanguage: da\n---\n\n"
		"Kommunerne driver skolerne.\n");
	OK0(dir, "-C", "repo", "add", "../in/a.md", "--id", "kl/a");
	OK0(dir, "-C", "repo", "add", "../in/b.md", "--id", "kl/b");
	OK0(dir, "-C", "repo", "site", "../out");
	ix = site_search_index(dir, "out");
	/* both forms lead to the index's one stem, which both documents hold */
	stem = json_string_value(json_object_get(json_object_get(ix, "forms"), "kommunernes"));
	cr_assert(stem && !strcmp(stem, json_string_value(json_object_get(json_object_get(ix, "forms"), "kommunerne"))),
		"kommunernes and kommunerne have one stem");
	got = docs_of(ix, stem);
	cr_assert_str_eq(got, "kl/a kl/b");
	free(got);
	/* the stems are diacritics-free, and the old spelling of a form is a form too */
	stem = json_string_value(json_object_get(json_object_get(ix, "forms"), "f\xc3\xa6llesr\xc3\xa5" "det"));
	cr_assert(stem && !strncmp(stem, "faellesraad", 11), "fællesrådet's stem: %s", stem ? stem : "(none)");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(ix, "forms"), "faellesraadet")), stem);
	got = docs_of(ix, stem);
	snprintf(cmd, sizeof(cmd), "cd repo && '%s' search --ignore-diacritics --json faellesraadet | python3 -c "
		"'import json,sys; print(\" \".join(sorted(h[\"id\"] for h in json.load(sys.stdin))), end=\"\")'", STANCE_BIN);
	cli = th_sh_out(dir, cmd);
	cr_assert_str_eq(got, cli, "the site's documents are stance search's");
	free(got);
	free(cli);
	json_decref(ix);

	/* a new revision: its removed word leaves the export, its new one enters */
	th_write(dir, "in/b.md", "---\ntitle: Skoler\nkind: debate\norganization: KL\nlanguage: da\n---\n\n"
		"Regionerne driver sygehusene.\n");
	OK0(dir, "-C", "repo", "add", "../in/b.md", "--id", "kl/b");
	OK0(dir, "-C", "repo", "site", "../out");
	ix = site_search_index(dir, "out");
	stem = json_string_value(json_object_get(json_object_get(ix, "forms"), "kommunernes"));
	got = docs_of(ix, stem);
	cr_assert_str_eq(got, "kl/a", "kl/b no longer says kommunerne");
	free(got);
	stem = json_string_value(json_object_get(json_object_get(ix, "forms"), "regionerne"));
	got = docs_of(ix, stem ? stem : "regionerne");
	cr_assert_str_eq(got, "kl/b");
	free(got);
	json_decref(ix);
	free(dir);
}
