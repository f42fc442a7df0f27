/*
 * test_warc.c: WARC files in and out, against an implementation that
 * shares no code with stance: warcio (npm, tests/warc/install.sh) writes
 * the archives `stance import --warc` reads (tests/warc/make.mjs) and
 * reads back what `stance export --warc` writes, checking every record's
 * digests (tests/warc/read.mjs). A round trip fetches from the loopback
 * test server, exports, and imports into a new repository.
 */
#include "helpers.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *warcs, *repo;
static json_t *made; /* tests/warc/make.mjs's index.json */
static pid_t server_pid;

/* warcio is there, or the test is skipped saying why. */
static void need_warcio(void)
{
	char *mods = th_source("tests/warc/node_modules/warcio/package.json");
	if (th_sh(NULL, NULL, "command -v node") != 0)
		cr_skip_test("nodejs is not installed (scripts/deps installs it)");
	if (access(mods, F_OK) != 0)
		cr_skip_test("warcio is not installed: run tests/warc/install.sh (scripts/deps does)");
	free(mods);
}

static void setup(void)
{
	char *script = th_source("tests/warc/make.mjs"), *index;
	json_error_t jerr;
	need_warcio();
	warcs = th_tmpdir();
	repo = th_tmpdir();
	cr_assert_eq(th_sh(NULL, NULL, "node '%s' '%s'", script, warcs), 0, "make.mjs failed");
	index = th_read(warcs, "index.json");
	made = json_loads(index, 0, &jerr);
	cr_assert_not_null(made, "index.json: %s", jerr.text);
	free(index);
	free(script);
	OK0(repo, "init", ".");
}

static void teardown(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
		server_pid = 0;
	}
	json_decref(made);
	made = NULL;
	th_cleanup();
}

/* The record `i` of file `name` as make.mjs wrote it. */
static json_t *made_record(const char *name, size_t i)
{
	json_t *r = json_array_get(json_object_get(json_object_get(made, "files"), name), i);
	cr_assert_not_null(r, "no record %zu of %s in index.json", i, name);
	return r;
}

static const char *made_str(const char *name, size_t i, const char *key)
{
	return json_string_value(json_object_get(made_record(name, i), key));
}

static char *warc(const char *name)
{
	return th_path(warcs, name);
}

/* stance import --warc FILES... --json, which must succeed; its report. */
static json_t *import_json(const char *dir, const char *const *files, size_t n, const char *map)
{
	const char *args[16];
	size_t k = 0, i;
	th_result r;
	json_error_t jerr;
	json_t *o;
	args[k++] = "import";
	args[k++] = "--warc";
	args[k++] = "--json";
	if (map) {
		args[k++] = "--map";
		args[k++] = map;
	}
	for (i = 0; i < n; i++)
		args[k++] = files[i];
	args[k] = NULL;
	th_run_ok(&r, dir, args);
	o = json_loads(r.out.ptr, 0, &jerr);
	cr_assert_not_null(o, "not JSON (%s): %s", jerr.text, r.out.ptr);
	th_result_free(&r);
	return o;
}

static size_t lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static long long num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	cr_assert(json_is_integer(v), "no number '%s'", key);
	return json_integer_value(v);
}

/* The branches' tips, to see that a refused import wrote nothing. */
static char *tips(const char *dir)
{
	return th_sh_out(dir, "git rev-parse HEAD; git rev-parse -q --verify snapshots || true; git status --porcelain");
}

/* warcio's reading of `file` (read.mjs, which fails on a bad digest). */
static json_t *read_back(const char *file)
{
	char *script = th_source("tests/warc/read.mjs"), *out, *text;
	stance_buf err = STANCE_BUF_INIT;
	json_error_t jerr;
	json_t *a;
	out = th_path(warcs, "read.json");
	if (th_sh(NULL, &err, "node '%s' '%s' > '%s'", script, file, out) != 0)
		cr_assert_fail("warcio refused %s: %s", file, stance_buf_cstr(&err));
	text = th_read(warcs, "read.json");
	a = json_loads(text, 0, &jerr);
	cr_assert(json_is_array(a), "read.mjs: %s", jerr.text);
	free(text);
	free(out);
	free(script);
	stance_buf_dispose(&err);
	return a;
}

static const char *rec_warc(json_t *rec, const char *key)
{
	return json_string_value(json_object_get(json_object_get(rec, "warc"), key));
}

static const char *rec_http(json_t *rec, const char *key)
{
	return json_string_value(json_object_get(json_object_get(rec, "http"), key));
}

/* The payload of a record read back, decoded from base64 by a shell tool. */
static char *rec_payload(json_t *rec)
{
	const char *b64 = json_string_value(json_object_get(rec, "payload"));
	char *out;
	cr_assert_not_null(b64);
	th_write(warcs, "payload.b64", b64);
	out = th_sh_out(warcs, "base64 -d payload.b64");
	return out;
}

Test(warc, import_makes_a_revision_of_each_page_captured_and_skips_revisits_and_duplicates,
	.init = setup, .fini = teardown)
{
	char *pages = warc("pages.warc.gz"), *plain = warc("plain.warc");
	const char *files[] = { pages, plain };
	json_t *rep = import_json(repo, files, 2, NULL);
	char *log, *doc, *snap, *again;
	th_result r;

	cr_assert_eq(num(rep, "records"), 12);
	cr_assert_eq(num(rep, "responses"), 6, "the HTML and text 200s");
	cr_assert_eq(num(rep, "written"), 5);
	cr_assert_eq(num(rep, "documents"), 4);
	cr_assert_eq(num(rep, "revisits"), 1);
	cr_assert_eq(num(rep, "duplicates"), 1, "April's payload is February's");
	cr_assert_eq(num(rep, "other"), 5, "warcinfo, request, dns:, image, 404");
	json_decref(rep);

	/* a.html: January and February (chunked); the revisit and April's copy add nothing */
	log = th_sh_out(repo, "git log --format='%aI %s' -- example-org/a.md");
	cr_assert(strstr(log, "2024-02-01T10:00:00Z Update example-org/a") || strstr(log, "2024-02-01T10:00:00+00:00 Update"),
		"%s", log);
	cr_assert(strstr(log, "2024-01-01T10:00:00") && strstr(log, "Add example-org/a"), "%s", log);
	cr_assert_eq(lines(log), 2, "two revisions: %s", log);
	free(log);
	log = th_sh_out(repo, "git log -1 --format=%B -- example-org/a.md");
	cr_assert(strstr(log, "Source: http://example.org/a.html\n"), "%s", log);
	cr_assert(strstr(log, "Fetched-At: 2024-02-01T10:00:00Z\n"), "%s", log);
	{
		stance_buf want = STANCE_BUF_INIT;
		stance_buf_printf(&want, "WARC-Record-ID: %s\n", made_str("pages.warc.gz", 3, "id"));
		cr_assert(strstr(log, want.ptr), "want %s in %s", want.ptr, log);
		stance_buf_dispose(&want);
	}
	cr_assert(strstr(log, "HTTP-Status: HTTP/1.1 200 OK\n"), "%s", log);
	cr_assert(strstr(log, "HTTP-Header: Content-Type: text/html; charset=utf-8\n"), "%s", log);
	cr_assert_null(strstr(log, "Transfer-Encoding"), "the snapshot is de-chunked: %s", log);
	free(log);
	log = th_sh_out(repo, "git log --format=%B");
	cr_assert(strstr(log, "HTTP-Header: ETag: \"a1\"\n"), "%s", log);
	cr_assert_null(strstr(log, "s3cr3t"), "a cookie is not kept in the history: %s", log);
	free(log);
	snap = th_sh_out(repo, "git show snapshots:example-org/a.html");
	cr_assert(strncmp(snap, "<!DOCTYPE html>", 15) == 0 && strstr(snap, "and to school meals.</p>"),
		"the payload de-chunked: %s", snap);
	cr_assert_null(strstr(snap, "\r\n32\r\n"), "%s", snap);
	free(snap);
	doc = th_read(repo, "example-org/a.md");
	cr_assert(strstr(doc, "title: School policy") && strstr(doc, "school meals"), "%s", doc);
	free(doc);

	/* b.html: gzip Content-Encoding, windows-1252 by its header */
	doc = th_read(repo, "example-org/b.md");
	cr_assert(strstr(doc, "title: Æblegrød og politik"), "%s", doc);
	cr_assert(strstr(doc, "at “alle børn” skal have en skole tæt på hjemmet – også"), "%s", doc);
	free(doc);
	snap = th_sh_out(repo, "git show snapshots:example-org/b.html | od -An -c | tr -d ' \\n'");
	cr_assert(strstr(snap, "<!DOCTYPEhtml>"), "the payload inflated: %s", snap);
	cr_assert(strstr(snap, "223"), "the snapshot keeps the page's own bytes (0x93): %s", snap);
	free(snap);
	/* c.html: deflate, iso-8859-1 named only by its <meta> */
	doc = th_read(repo, "example-org/c.md");
	cr_assert(strstr(doc, "title: Kommunens høring") && strstr(doc, "nye åbningstider i høring"), "%s", doc);
	free(doc);
	/* notes.txt: a text page of an uncompressed WARC/1.0 file */
	doc = th_read(repo, "example-org/notes.md");
	cr_assert(strstr(doc, "publish the minutes of every meeting"), "%s", doc);
	free(doc);
	cr_assert(!th_exists(repo, "example-org/logo.md") && !th_exists(repo, "example-org/missing.md"));

	/* the same archives again: nothing new */
	again = tips(repo);
	rep = import_json(repo, files, 2, NULL);
	cr_assert_eq(num(rep, "written"), 0);
	json_decref(rep);
	log = tips(repo);
	cr_assert_str_eq(log, again);
	free(log);
	free(again);
	TH_RUN(&r, repo, "check");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	free(pages);
	free(plain);
}

Test(warc, a_capture_older_than_the_newest_revision_takes_its_place_in_the_history, .init = setup, .fini = teardown)
{
	char *plain = warc("plain.warc"), *older = warc("older.warc"), *log, *doc;
	json_t *rep = import_json(repo, (const char *[]){ plain }, 1, NULL);
	json_decref(rep);
	rep = import_json(repo, (const char *[]){ older }, 1, NULL);
	cr_assert_eq(num(rep, "written"), 1);
	json_decref(rep);
	log = th_sh_out(repo, "git log --full-history --no-merges --format='%aI %s' -- example-org/notes.md");
	cr_assert(strstr(log, "2023-05-05T05:05:05") && strstr(log, "2024-05-05T05:05:05"), "%s", log);
	free(log);
	doc = th_read(repo, "example-org/notes.md");
	cr_assert(strstr(doc, "within a week") && !strstr(doc, "within a month"), "the newest text stays: %s", doc);
	free(doc);
	doc = th_sh_out(repo, "git show 'HEAD^2:example-org/notes.md'");
	cr_assert(strstr(doc, "within a month"), "the older capture, placed: %s", doc);
	free(doc);
	rep = import_json(repo, (const char *[]){ older, plain }, 2, NULL);
	cr_assert_eq(num(rep, "written"), 0, "both there already");
	cr_assert_eq(num(rep, "unchanged"), 2);
	json_decref(rep);
	free(plain);
	free(older);
}

/* import --warc FILE fails naming the file and `where`, writing nothing. */
static void refused(const char *const *files, size_t n, const char *file, const char *where)
{
	char *before = tips(repo), *after;
	const char *args[8] = { "import", "--warc" };
	size_t i;
	th_result r;
	for (i = 0; i < n; i++)
		args[2 + i] = files[i];
	args[2 + n] = NULL;
	th_run(&r, repo, NULL, args);
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err.ptr);
	cr_assert(strstr(r.err.ptr, file), "names %s: %s", file, r.err.ptr);
	cr_assert(strstr(r.err.ptr, where), "says '%s': %s", where, r.err.ptr);
	cr_assert_eq(r.out.size, 0, "%s", r.out.ptr);
	after = tips(repo);
	cr_assert_str_eq(after, before, "nothing written");
	cr_assert(!th_exists(repo, "example-org"));
	th_result_free(&r);
	free(before);
	free(after);
}

Test(warc, a_truncated_or_malformed_record_is_refused_naming_the_file_and_the_record, .init = setup, .fini = teardown)
{
	char *pages = warc("pages.warc.gz"), *cut = warc("truncated.warc.gz"), *len = warc("badlength.warc");
	char *over = warc("overlong.warc"), *dig = warc("baddigest.warc.gz");
	stance_buf where = STANCE_BUF_INIT, id = STANCE_BUF_INIT;
	json_t *fifth = made_record("truncated.warc.gz", 5);

	/* cut inside the fifth record's gzip member, after four good ones */
	stance_buf_printf(&where, "the record at offset %lld is cut short",
		(long long)json_integer_value(json_object_get(fifth, "offset")));
	refused((const char *[]){ cut }, 1, cut, where.ptr);
	/* a good file first: still nothing written */
	refused((const char *[]){ pages, cut }, 2, cut, where.ptr);
	stance_buf_printf(&id, "the record at offset 0 (WARC-Record-ID %s)", made_str("one.warc", 0, "id"));
	refused((const char *[]){ len }, 1, len, id.ptr);
	refused((const char *[]){ len }, 1, len, "has a Content-Length that is not a number");
	refused((const char *[]){ over }, 1, over, id.ptr);
	refused((const char *[]){ over }, 1, over, "is longer than its Content-Length");
	refused((const char *[]){ dig }, 1, dig, id.ptr);
	refused((const char *[]){ dig }, 1, dig, "does not match its WARC-Block-Digest");
	/* a payload that inflates past the bound */
	{
		char *bomb = warc("bomb.warc.gz");
		refused((const char *[]){ bomb }, 1, bomb, "the payload inflates past 64 MiB");
		free(bomb);
	}
	/* not a WARC at all */
	th_write(warcs, "notes.warc", "Dear diary,\r\n\r\n");
	{
		char *notes = warc("notes.warc");
		refused((const char *[]){ notes }, 1, notes, "does not begin with a 'WARC/1.0' or 'WARC/1.1' line");
		free(notes);
	}
	stance_buf_dispose(&where);
	stance_buf_dispose(&id);
	free(pages);
	free(cut);
	free(len);
	free(over);
	free(dig);
}

Test(warc, a_map_names_the_documents_and_a_configured_source_gives_its_id_and_rules, .init = setup, .fini = teardown)
{
	char *pages = warc("pages.warc.gz"), *map = th_path(warcs, "map.tsv"), *doc, *bad = th_path(warcs, "bad.tsv");
	json_t *rep;
	th_result r;
	th_write(warcs, "map.tsv", "# URL\tid\nhttp://example.org/a.html\tpolicy/school\n");
	OK0(repo, "source", "add", "site/b", "http://example.org/b.html", "--remove", "//article/p[2]");
	rep = import_json(repo, (const char *[]){ pages }, 1, map);
	cr_assert_eq(num(rep, "documents"), 3);
	json_decref(rep);
	doc = th_sh_out(repo, "git log --format=%s -- policy/school.md");
	cr_assert_str_eq(doc, "Update policy/school\nAdd policy/school\n");
	free(doc);
	doc = th_read(repo, "site/b.md");
	cr_assert(strstr(doc, "alle børn") && !strstr(doc, "madordninger"), "the source's --remove rule: %s", doc);
	free(doc);
	cr_assert(!th_exists(repo, "example-org/a.md") && !th_exists(repo, "example-org/b.md"));

	th_write(warcs, "bad.tsv", "http://example.org/a.html policy/school\n");
	TH_RUN(&r, repo, "import", "--warc", "--map", bad, pages);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "bad.tsv:1: expected 'URL<TAB>ID'"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, repo, "import", "--map", map, pages);
	cr_assert_eq(r.status, 2, "--map without --warc is a usage error: %s", r.err.ptr);
	th_result_free(&r);
	free(pages);
	free(map);
	free(bad);
}

Test(warc, export_writes_every_snapshot_as_a_response_record_that_warcio_reads_with_its_digests,
	.init = setup, .fini = teardown)
{
	char *pages = warc("pages.warc.gz"), *plain = warc("plain.warc"), *out = th_path(warcs, "out.warc.gz");
	char *members, *snap, *payload;
	json_t *rep, *a, *rec;
	size_t i;
	th_result r;
	rep = import_json(repo, (const char *[]){ pages, plain }, 2, NULL);
	json_decref(rep);
	OK(&r, repo, "export", "--warc", out);
	cr_assert(strstr(r.out.ptr, "Wrote 5 snapshots of 4 documents to "), "%s", r.out.ptr);
	th_result_free(&r);
	a = read_back(out);
	cr_assert_eq(json_array_size(a), 6, "a warcinfo and five responses");
	rec = json_array_get(a, 0);
	cr_assert_str_eq(rec_warc(rec, "WARC-Type"), "warcinfo");
	cr_assert_str_eq(json_string_value(json_object_get(rec, "version")), "WARC/1.1");
	for (i = 1; i < 6; i++) {
		rec = json_array_get(a, i);
		cr_assert_str_eq(rec_warc(rec, "WARC-Type"), "response");
		cr_assert_str_eq(rec_warc(rec, "Content-Type"), "application/http; msgtype=response");
		cr_assert_str_eq(rec_warc(rec, "WARC-Warcinfo-ID"), rec_warc(json_array_get(a, 0), "WARC-Record-ID"));
		cr_assert_eq(json_integer_value(json_object_get(rec, "status")), 200);
	}
	/* oldest first, each as it was captured */
	cr_assert_str_eq(rec_warc(json_array_get(a, 1), "WARC-Target-URI"), "http://example.org/a.html");
	cr_assert_str_eq(rec_warc(json_array_get(a, 1), "WARC-Date"), "2024-01-01T10:00:00Z");
	cr_assert_str_eq(rec_http(json_array_get(a, 1), "ETag"), "\"a1\"");
	rec = json_array_get(a, 2);
	cr_assert_str_eq(rec_warc(rec, "WARC-Target-URI"), "http://example.org/b.html");
	cr_assert_str_eq(rec_http(rec, "Content-Type"), "text/html; charset=windows-1252");
	cr_assert_null(rec_http(rec, "Content-Encoding"), "the payload is stored inflated");
	payload = rec_payload(rec);
	snap = th_sh_out(repo, "git show snapshots:example-org/b.html");
	cr_assert_str_eq(payload, snap, "the payload is the snapshot");
	free(payload);
	free(snap);
	rec = json_array_get(a, 4);
	cr_assert_str_eq(rec_warc(rec, "WARC-Date"), "2024-02-01T10:00:00Z");
	cr_assert_str_eq(rec_http(rec, "Content-Length"), "372");
	rec = json_array_get(a, 5);
	cr_assert_str_eq(rec_warc(rec, "WARC-Target-URI"), "http://example.org/notes.txt");
	cr_assert_str_eq(rec_http(rec, "Content-Type"), "text/plain; charset=utf-8");
	json_decref(a);
	/* one gzip member a record */
	members = th_sh_out(warcs, "python3 -c \"import zlib,sys\n"
		"d=open('out.warc.gz','rb').read(); n=0\n"
		"while d:\n z=zlib.decompressobj(31); z.decompress(d); d=z.unused_data; n+=1\n"
		"print(n)\"");
	cr_assert_str_eq(members, "6\n");
	free(members);

	/* chosen documents, and --since */
	OK(&r, repo, "export", "--warc", out, "example-org/a", "--json");
	cr_assert(strstr(r.out.ptr, "\"records\": 2") && strstr(r.out.ptr, "\"documents\": 1"), "%s", r.out.ptr);
	th_result_free(&r);
	a = read_back(out);
	cr_assert_eq(json_array_size(a), 3);
	json_decref(a);
	OK(&r, repo, "export", "--warc", out, "--since", "2024-01-16", "--json");
	cr_assert(strstr(r.out.ptr, "\"records\": 3"), "c, February's a, notes: %s", r.out.ptr);
	th_result_free(&r);
	/* refused: nothing written */
	unlink(out);
	TH_RUN(&r, repo, "export", "--warc", out, "no-such-document");
	cr_assert_eq(r.status, 1, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "no-such-document"), "%s", r.err.ptr);
	cr_assert(access(out, F_OK) != 0, "no file");
	th_result_free(&r);
	TH_RUN(&r, repo, "export", "--warc", "/nonexistent-folder/x.warc.gz");
	cr_assert_eq(r.status, 1, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "/nonexistent-folder/x.warc.gz: cannot write"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, repo, "export", "example-org/a");
	cr_assert_eq(r.status, 2, "--warc is needed: %s", r.err.ptr);
	th_result_free(&r);
	free(pages);
	free(plain);
	free(out);
}

Test(warc, a_snapshot_stored_without_its_headers_is_exported_with_a_synthesised_200, .init = setup, .fini = teardown)
{
	stance_repo *rp = NULL;
	stance_document *doc = NULL;
	stance_save_options so = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result saved;
	const char *md = "---\nid: old/page\n---\n\nA page fetched before the headers were kept.\n";
	const char *html = "<html><body><p>A page fetched before the headers were kept.</p></body></html>";
	char *out = th_path(warcs, "old.warc.gz");
	json_t *a, *rec;
	th_result r;
	/* as fetch stored versions before it kept the HTTP head */
	cr_assert_eq(stance_repo_open(&rp, repo), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_parse(&doc, md, strlen(md), "old.md"), 0, "%s", stance_error_last());
	cr_assert_eq(stance_repo_lock(rp, 1000), 0);
	so.trailers = "Source: http://example.org/old.html\nFetched-At: 2020-03-04T05:06:07Z\n";
	so.snapshot_ext = "html";
	so.snapshot_data = html;
	so.snapshot_len = strlen(html);
	cr_assert_eq(stance_store_save(&saved, rp, doc, &so), 0, "%s", stance_error_last());
	stance_repo_unlock(rp);
	stance_document_free(doc);
	stance_repo_free(rp);
	OK(&r, repo, "export", "--warc", out);
	cr_assert(strstr(r.out.ptr, "(1 stored without their HTTP headers"), "%s", r.out.ptr);
	th_result_free(&r);
	a = read_back(out);
	cr_assert_eq(json_array_size(a), 2);
	rec = json_array_get(a, 1);
	cr_assert_str_eq(json_string_value(json_object_get(rec, "statusline")), "HTTP/1.1 200 OK");
	cr_assert_str_eq(rec_http(rec, "Content-Type"), "text/html");
	cr_assert_eq(json_object_size(json_object_get(rec, "http")), 2, "Content-Type and Content-Length");
	cr_assert_str_eq(rec_warc(rec, "WARC-Date"), "2020-03-04T05:06:07Z");
	json_decref(a);
	free(out);
}

static const char *PAGE1 =
	"<html lang=\"da\"><head><title>Skolepolitik</title></head><body><article><h1>Skolepolitik</h1>"
	"<p>Byrådet mener, at alle børn skal have en skole tæt på hjemmet, og at klasserne ikke må blive for store.</p>"
	"<p>Vi foreslår derfor, at skolerne i landsbyerne bevares.</p></article></body></html>";
static const char *PAGE2 =
	"<html lang=\"da\"><head><title>Skolepolitik</title></head><body><article><h1>Skolepolitik</h1>"
	"<p>Byrådet mener, at alle børn skal have en skole tæt på hjemmet, og at klasserne ikke må blive for store.</p>"
	"<p>Vi foreslår derfor, at skolerne i landsbyerne bevares, og at der afsættes flere penge til lærere.</p>"
	"</article></body></html>";

static void add_sources(const char *dir, int port)
{
	stance_buf u = STANCE_BUF_INIT;
	stance_buf_printf(&u, "http://127.0.0.1:%d/skole.html", port);
	OK0(dir, "source", "add", "byraad/skole", u.ptr);
	stance_buf_clear(&u);
	stance_buf_printf(&u, "http://127.0.0.1:%d/latin1", port);
	OK0(dir, "source", "add", "byraad/latin1", u.ptr);
	stance_buf_clear(&u);
	stance_buf_printf(&u, "http://127.0.0.1:%d/gzip", port);
	OK0(dir, "source", "add", "byraad/gzip", u.ptr);
	stance_buf_dispose(&u);
}

#define FETCH(dir) OK0((dir), "fetch", "--no-progress", "--delay", "0", "--jitter", "0")

Test(warc, fetch_then_export_then_import_into_a_new_repository_gives_the_same_documents_and_snapshots,
	.init = setup, .fini = teardown)
{
	char *www = th_tmpdir(), *copy = th_tmpdir(), *out = th_path(warcs, "fetched.warc.gz");
	const char *ids[] = { "byraad/skole", "byraad/latin1", "byraad/gzip" };
	char *a, *b, *msg;
	size_t i;
	int port;
	json_t *rep;
	th_write(www, "skole.html", PAGE1);
	port = th_server_start(www, &server_pid);
	add_sources(repo, port);
	FETCH(repo);
	sleep(1); /* a second revision a second later: Fetched-At is to the second */
	th_write(www, "skole.html", PAGE2);
	FETCH(repo);
	msg = th_sh_out(repo, "git log -1 --format=%B -- byraad/skole.md");
	cr_assert(strstr(msg, "HTTP-Status: HTTP/1.0 200 OK\n") || strstr(msg, "HTTP-Status: HTTP/1.1 200 OK\n"),
		"fetch keeps the status line: %s", msg);
	cr_assert(strstr(msg, "HTTP-Header: Content-Type: text/html; charset=utf-8\n"), "%s", msg);
	cr_assert(strstr(msg, "HTTP-Header: ETag: "), "%s", msg);
	cr_assert_null(strstr(msg, "HTTP-Header: Content-Length"), "%s", msg);
	free(msg);
	msg = th_sh_out(repo, "git log -1 --format=%B -- byraad/gzip.md");
	cr_assert_null(strstr(msg, "Content-Encoding"), "the snapshot is stored inflated: %s", msg);
	free(msg);
	OK0(repo, "export", "--warc", out);

	OK0(copy, "init", ".");
	add_sources(copy, port);
	rep = import_json(copy, (const char *[]){ out }, 1, NULL);
	cr_assert_eq(num(rep, "written"), 4, "skole twice, latin1, gzip");
	cr_assert_eq(num(rep, "documents"), 3);
	json_decref(rep);
	for (i = 0; i < STANCE_ARRAY_SIZE(ids); i++) {
		stance_buf cmd = STANCE_BUF_INIT;
		stance_buf_printf(&cmd, "cat %s.md; git log --format='%%aI%%n%%(trailers:key=Source,key=Fetched-At,"
			"key=HTTP-Status,key=HTTP-Header)' -- %s.md; git log --format=%%T snapshots -- %s.html | wc -l; "
			"git show snapshots:%s.html", ids[i], ids[i], ids[i], ids[i]);
		a = th_sh_out(repo, cmd.ptr);
		b = th_sh_out(copy, cmd.ptr);
		cr_assert_str_eq(b, a, "%s: the same document, revisions, trailers and snapshots", ids[i]);
		free(a);
		free(b);
		stance_buf_dispose(&cmd);
	}
	a = th_read(copy, "byraad/latin1.md");
	cr_assert(strstr(a, "ø") || strstr(a, "æ") || strstr(a, "å"), "ISO-8859-1 read as such: %s", a);
	free(a);
	free(www);
	free(copy);
	free(out);
}
