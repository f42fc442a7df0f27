/*
 * test_search.c: `stance search`: ranked full-text search on SQLite FTS5
 * with Snowball stems, phrases, prefixes, loose diacritics, the state on a
 * date and every revision; the index a cache in .git, made when missing
 * and brought up to date after commits from stance or plain git.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static void add(const char *dir, const char *id, const char *date, const char *fm, const char *body)
{
	stance_buf doc = STANCE_BUF_INIT;
	stance_buf_printf(&doc, "---\n%s---\n\n%s", fm, body);
	th_write(dir, "in/doc.md", doc.ptr);
	OK0(dir, "add", "in/doc.md", "--id", id, "--date", date);
	stance_buf_dispose(&doc);
}

static char *archive(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	add(dir, "kl/frikommuner", "2019-01-01",
		"title: \"Frikommuner\"\nkind: debate\norganization: KL\nlanguage: da\n",
		"Kommunerne skal have mere frihed. Frikommunerne viser vejen.\n\nDer er brug for en ny reform.\n");
	add(dir, "kl/aalborg", "2019-02-01",
		"title: \"Aalborg\"\nkind: theme\norganization: KL\nlanguage: da\n",
		"Aalborg Kommune har en reform, der er ny.\n");
	add(dir, "dn/climate", "2019-03-01",
		"title: \"Climate\"\nkind: debate\norganization: DN\nlanguage: en\n",
		"The municipalities are demanding a halving of emissions.\n");
	add(dir, "kl/frikommuner", "2021-01-01",
		"title: \"Frikommuner\"\nkind: debate\norganization: KL\nlanguage: da\n",
		"Der er brug for en ny reform.\n");
	return dir;
}

Test(search, stems_phrases_and_prefixes, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "search", "reformen");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner") && strstr(r.out.ptr, "kl/aalborg"),
		"Danish stem reform: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "\"ny reform\"");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner") && !strstr(r.out.ptr, "kl/aalborg"),
		"a phrase, words in a row: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "demand", "halve");
	cr_assert(strstr(r.out.ptr, "dn/climate"), "English stems, all words: %s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "search", "demand", "frihed");
	cr_assert_eq(r.status, 1, "no document has both: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "municip*", "--json");
	cr_assert(strstr(r.out.ptr, "\"id\": \"dn/climate\""), "a prefix: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "reform", "--organization", "kl", "--kind", "theme");
	cr_assert(strstr(r.out.ptr, "kl/aalborg") && !strstr(r.out.ptr, "kl/frikommuner"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "search", "...");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'...' has no word"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(search, old_spellings_match_with_ignore_diacritics, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	TH_RUN(&r, dir, "search", "Ålborg");
	cr_assert_eq(r.status, 1, "å is not aa by default: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "Ålborg", "--ignore-diacritics");
	cr_assert(strstr(r.out.ptr, "kl/aalborg"), "aa ~ å: %s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(search, as_of_a_date_and_every_revision, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	TH_RUN(&r, dir, "search", "frihed");
	cr_assert_eq(r.status, 1, "the current text dropped it: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "frihed", "--as-of", "2020-06-01");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner") && strstr(r.out.ptr, "2019-01-01"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "search", "frihed", "--as-of", "2018-12-31");
	cr_assert_eq(r.status, 1, "not written yet: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "frihed", "--history", "--json");
	cr_assert(strstr(r.out.ptr, "\"first_date\": \"2019-01-01T00:00:00Z\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"current\": false"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"revisions\": 1"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "search", "reform", "--history");
	cr_assert(strstr(r.out.ptr, "(2 revisions, current)"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(search, the_index_is_a_cache_kept_up_to_date, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	stance_buf st = STANCE_BUF_INIT;
	cr_assert(!th_exists(dir, ".git/stance-search.sqlite"), "not made before a search");
	OK(&r, dir, "search", "reform");
	th_result_free(&r);
	cr_assert(th_exists(dir, ".git/stance-search.sqlite"), "made by the first search");
	/* a commit of plain git is found by the next search (dated before the
	 * next revision: the current text is the newest observation, as for show) */
	free(th_sh_out(dir, "sed -i 's/Der er brug for en ny reform./Skolerne mangler lærere./' kl/frikommuner.md && "
		"GIT_AUTHOR_DATE=2021-06-01T12:00:00Z git commit -q -a -m 'Update kl/frikommuner'"));
	OK(&r, dir, "search", "lærer");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner"), "%s", r.out.ptr);
	th_result_free(&r);
	/* ... and one of stance */
	add(dir, "kl/frikommuner", "2022-01-01", "title: \"Frikommuner\"\nkind: debate\norganization: KL\nlanguage: da\n",
		"Skolerne har nok lærere.\n");
	TH_RUN(&r, dir, "search", "mangler");
	cr_assert_eq(r.status, 1, "the new text is searched: %s", r.out.ptr);
	th_result_free(&r);
	/* a history rewritten under it: what is gone is gone from the index */
	free(th_sh_out(dir, "git reset -q --hard HEAD~2"));
	TH_RUN(&r, dir, "search", "lærer", "--history");
	cr_assert_eq(r.status, 1, "%s", r.out.ptr);
	th_result_free(&r);
	/* a damaged cache is made again */
	th_write(dir, ".git/stance-search.sqlite", "not a database");
	OK(&r, dir, "search", "reform");
	cr_assert(strstr(r.out.ptr, "kl/frikommuner"), "%s", r.out.ptr);
	th_result_free(&r);
	th_sh(dir, &st, "git status --porcelain --ignored");
	cr_assert(!strstr(stance_buf_cstr(&st), "search"), "never in the work tree: %s", stance_buf_cstr(&st));
	stance_buf_dispose(&st);
	free(dir);
}
