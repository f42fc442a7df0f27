/*
 * test_log_pickaxe.c: `stance log -S TEXT` and `-G REGEX` across
 * documents: the revisions where a phrase appeared or vanished, blind to
 * line breaks and Markdown markup, with the sentence before and after.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define FM(title) "---\ntitle: \"" title "\"\nkind: debate\nlanguage: da\n---\n\n"

static void add(const char *dir, const char *id, const char *date, const char *msg, const char *text)
{
	th_write(dir, "in/doc.md", text);
	OK0(dir, "add", "in/doc.md", "--id", id, "--date", date, "-m", msg);
}

/* kl/klima: the halving target appears, is re-wrapped and emphasised, then
 * dropped; kl/skole mentions it once. */
static char *archive(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	add(dir, "kl/klima", "2020-01-01", "klima 1", FM("Klima") "Vi vil have grønne kommuner.\n");
	add(dir, "kl/klima", "2020-02-01", "klima 2", FM("Klima")
		"Vi vil have grønne kommuner. Kommunerne skal halvere udledningen inden 2030.\n");
	add(dir, "kl/klima", "2020-03-01", "klima 3 rewrap", FM("Klima")
		"Vi vil have grønne kommuner. Kommunerne skal **halvere\nudledningen** inden 2030.\n");
	add(dir, "kl/skole", "2020-04-01", "skole 1", FM("Skole")
		"Skolerne skal have flere lærere.\n\nOgså skolerne skal halvere udledningen.\n");
	add(dir, "kl/klima", "2020-05-01", "klima 4 drop", FM("Klima")
		"Vi vil have grønne kommuner. Kommunerne skal nedbringe udledningen.\n");
	return dir;
}

Test(log_pickaxe, S_finds_where_a_phrase_came_and_went_across_documents, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "log", "-S", "halvere udledningen");
	cr_assert(strstr(r.out.ptr, "klima 2"), "appeared: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "skole 1"), "another document: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "klima 4 drop"), "dropped: %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "klima 3 rewrap"), "a re-wrap and emphasis change no count: %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "klima 1"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "    - Kommunerne skal **halvere udledningen** inden 2030.\n"
		"    + Kommunerne skal nedbringe udledningen.\n") || strstr(r.out.ptr,
		"    - Kommunerne skal **halvere udledningen** inden 2030.\n"),
		"the sentence before and after: %s", r.out.ptr);
	th_result_free(&r);
	/* only the documents named, -n counting the revisions shown */
	OK(&r, dir, "log", "-S", "Halvere udledningen", "kl/skole");
	cr_assert(strstr(r.out.ptr, "skole 1") && !strstr(r.out.ptr, "klima"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "-S", "halvere udledningen", "-n", "1", "--json");
	cr_assert(strstr(r.out.ptr, "\"message\": \"klima 4 drop\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"before\": [\"Kommunerne skal **halvere udledningen** inden 2030.\"]"), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "skole"), "-n 1: %s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(log_pickaxe, G_matches_sentences_and_positions_narrows, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "log", "-G", "gr.nne kommuner");
	cr_assert(strstr(r.out.ptr, "klima 1"), "'.' is a character (ø): %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "klima 2"), "the matching sentence did not change: %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "skole"), "%s", r.out.ptr);
	th_result_free(&r);
	/* "Vi vil have grønne kommuner." carries the marker "vil"; with
	 * --positions a plain sentence is not looked at */
	OK(&r, dir, "log", "-S", "lærere", "--positions");
	cr_assert(strstr(r.out.ptr, "skole 1"), "%s", r.out.ptr);
	th_result_free(&r);
	add(dir, "kl/vejr", "2020-06-01", "vejr 1", FM("Vejr") "Vejret var godt for kommuner i går.\n");
	OK(&r, dir, "log", "-G", "kommuner", "--positions");
	cr_assert(!strstr(r.out.ptr, "vejr 1"), "no marker, no position: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "-G", "kommuner");
	cr_assert(strstr(r.out.ptr, "vejr 1"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(log_pickaxe, bad_patterns_are_named, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	TH_RUN(&r, dir, "log", "-G", "(kommuner");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'(kommuner' is not a regular expression"), "%s", r.err.ptr);
	cr_assert_eq(r.out.size, 0, "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "log", "-S", "x", "-G", "y");
	cr_assert_eq(r.status, 2, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "log", "-S", "--");
	cr_assert_neq(r.status, 0, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "log", "kl/klima", "kl/skole");
	cr_assert_eq(r.status, 2, "several documents need -S or -G: %s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

/* The revisions a scan of every text finds for -S (the library's pickaxe
 * over the whole history, without the search index), as "commit id" lines. */
static void scan(stance_buf *out, const char *dir, const char *phrase)
{
	stance_history_options ho = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stance_repo *repo = NULL;
	stance_pickaxe *pk = NULL;
	size_t i;
	cr_assert_eq(stance_repo_open(&repo, dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_history_list(&list, repo, &ho), 0, "%s", stance_error_last());
	cr_assert_eq(stance_pickaxe_new(&pk, STANCE_PICKAXE_WORDS, phrase, 0, NULL), 0);
	for (i = 0; i < list.count; i++) {
		stance_pickaxe_change ch;
		cr_assert_eq(stance_pickaxe_revision(&ch, pk, repo, &list.items[i]), 0, "%s", stance_error_last());
		if (ch.changed)
			stance_buf_printf(out, "%s %s\n", list.items[i].commit, list.items[i].id);
		stance_pickaxe_change_free(&ch);
	}
	stance_pickaxe_free(pk);
	stance_revision_list_free(&list);
	stance_repo_free(repo);
}

Test(log_pickaxe, S_from_the_search_index_equals_a_scan_of_every_text, .fini = th_cleanup)
{
	char *dir = archive();
	const char *const phrases[] = { "halvere udledningen", "udledningen", "grønne kommuner", "skolerne", "2030" };
	size_t i;
	/* more shapes: a list, a phrase across a blank line (no match), a
	 * block repeated, a document removed by plain git */
	add(dir, "kl/liste", "2020-06-01", "liste 1", FM("Liste")
		"- grønne kommuner\n- halvere udledningen\n\nhalvere\n\nudledningen halvere udledningen\n");
	add(dir, "kl/liste", "2020-07-01", "liste 2", FM("Liste")
		"- grønne kommuner\n\n- grønne kommuner\n\nHalvere udledningen? Skolerne.\n");
	/* lists at the start of bodies, the phrase in their first items */
	add(dir, "kl/punkter", "2020-06-15", "punkter 1", FM("Punkter")
		"1. Kommunerne skal halvere udledningen. Det er målet.\n2. Skolerne.\n");
	add(dir, "kl/punkter", "2020-06-20", "punkter 2", FM("Punkter")
		"- [ ] Kommunerne skal halvere udledningen inden 2030.\n- Skolerne skal med.\n\nSlut.\n");
	add(dir, "kl/punkter", "2020-06-25", "punkter 3", FM("Punkter")
		"* Skolerne og grønne kommuner.\n\nSlut.\n");
	/* a code fence holding a blank line: the same sentences as scanned */
	add(dir, "kl/kode", "2020-06-26", "kode 1", FM("Kode")
		"Om grønne kommuner.\n\n```\nhalvere udledningen\n\nhalvere udledningen igen\n```\n");
	add(dir, "kl/kode", "2020-06-27", "kode 2", FM("Kode")
		"Om grønne kommuner.\n\n```\nhalvere udledningen\n\nikke mere\n```\n");
	free(th_sh_out(dir, "git rm -q kl/skole.md && GIT_AUTHOR_DATE=2020-08-01T00:00:00Z git commit -q -m 'Remove kl/skole'"));
	for (i = 0; i < sizeof(phrases) / sizeof(*phrases); i++) {
		stance_buf want = STANCE_BUF_INIT, got = STANCE_BUF_INIT;
		th_result r;
		scan(&want, dir, phrases[i]);
		cr_assert(want.size, "the history changes '%s'", phrases[i]);
		/* the words counted from the index's blocks, not read from what
		 * the run before kept */
		free(th_sh_out(dir, "rm -rf .git/stance-cache"));
		OK(&r, dir, "log", "-S", phrases[i], "--json");
		{
			/* "commit" then "id" in each object */
			const char *p = r.out.ptr;
			while ((p = strstr(p, "\"commit\": \""))) {
				const char *id = strstr(p, "\"id\": \"");
				cr_assert(id);
				stance_buf_printf(&got, "%.40s %.*s\n", p + 11, (int)strcspn(id + 7, "\""), id + 7);
				p = id;
			}
		}
		cr_assert_str_eq(stance_buf_cstr(&got), stance_buf_cstr(&want), "log -S '%s' from the index", phrases[i]);
		cr_assert(th_exists(dir, ".git/stance-search.sqlite"), "the first -S made the index");
		cr_assert_null(strstr(r.out.ptr, "\"- "), "log -S '%s': a list's marker in a sentence: %s", phrases[i], r.out.ptr);
		cr_assert_null(strstr(r.out.ptr, "\"1. "), "log -S '%s': a list's marker in a sentence: %s", phrases[i], r.out.ptr);
		/* the sentences and the words too: the same as a scan, which -S
		 * falls back to where the index cannot be made */
		{
			th_result scanned;
			free(th_sh_out(dir, "rm -rf .git/stance-cache && "
				"mv .git/stance-search.sqlite .git/kept.sqlite && mkdir .git/stance-search.sqlite"));
			OK(&scanned, dir, "log", "-S", phrases[i], "--json");
			cr_assert_str_eq(r.out.ptr, scanned.out.ptr, "log -S '%s': from the index, then scanned", phrases[i]);
			th_result_free(&scanned);
			free(th_sh_out(dir, "rmdir .git/stance-search.sqlite && mv .git/kept.sqlite .git/stance-search.sqlite"));
		}
		th_result_free(&r);
		stance_buf_dispose(&want);
		stance_buf_dispose(&got);
	}
	free(dir);
}

/* The number of records of the words cache, -1 when it is not whole. */
static long words_records(const char *dir)
{
	char *text = th_read(dir, ".git/stance-cache/words"), *last;
	long n = -1;
	if (!text)
		return -1;
	last = strrchr(text, '\n');
	if (last && last > text) {
		*last = '\0';
		last = strrchr(text, '\n');
		if (last && sscanf(last + 1, "end %ld", &n) != 1)
			n = -1;
	}
	free(text);
	return n;
}

/* -S keeps the words added and removed it counted from the index's blocks
 * in the revision cache; a later run reads them, and a cache file that is
 * cut short, garbage or of another format is ignored and written anew. */
Test(log_pickaxe, S_keeps_the_words_it_counted_and_rebuilds_a_damaged_cache, .fini = th_cleanup)
{
	char *dir = archive();
	static const char *const damage[] = {
		"head -c 60 .git/stance-cache/words > w && mv w .git/stance-cache/words",
		"printf 'stance-cache 1 words -\\n\\001\\377 garbage\\tzz\\n' > .git/stance-cache/words",
		"sed -i '1s/stance-cache 1/stance-cache 0/' .git/stance-cache/words",
		"sed -i '2s/^[0-9a-f]/-/' .git/stance-cache/words",
	};
	th_result first, r;
	char *sound;
	size_t i;
	OK(&first, dir, "log", "-S", "halvere udledningen", "--json");
	/* klima 2, skole 1, klima 4 drop: one record each */
	cr_assert_eq(words_records(dir), 3, "the words of the revisions shown kept");
	sound = th_read(dir, ".git/stance-cache/words");
	OK(&r, dir, "log", "-S", "halvere udledningen", "--json");
	cr_assert_str_eq(r.out.ptr, first.out.ptr, "read from the cache");
	th_result_free(&r);
	for (i = 0; i < sizeof(damage) / sizeof(*damage); i++) {
		char *now;
		free(th_sh_out(dir, damage[i]));
		now = th_read(dir, ".git/stance-cache/words");
		cr_assert(now && strcmp(now, sound), "damaged: %s", damage[i]);
		free(now);
		OK(&r, dir, "log", "-S", "halvere udledningen", "--json");
		cr_assert_str_eq(r.out.ptr, first.out.ptr, "after '%s'", damage[i]);
		now = th_read(dir, ".git/stance-cache/words");
		cr_assert_str_eq(now, sound, "written anew after '%s'", damage[i]);
		free(now);
		th_result_free(&r);
	}
	free(sound);
	th_result_free(&first);
	free(dir);
}
