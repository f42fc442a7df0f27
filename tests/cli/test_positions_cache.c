/*
 * test_positions_cache.c: `positions --all` keeps each revision's position
 * changes in .git/stance-positions-cache; a second run reads them from there
 * and answers byte for byte the same, a garbled cache is rebuilt, and a
 * change of the markers is not answered from the old cache.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define FM(title, org, kind) "---\ntitle: " title "\nkind: " kind "\norganization: " org "\nlanguage: da\n---\n"

static char *repo_with_history(void)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init", ".");
	th_result_free(&r);
	th_add_document(dir, FM("Ældre", "Ærø Kommune", "debate") "# Økonomi\n\n"
		"Kommunerne skal have 50 millioner kroner til ældreplejen i 2025.\n\n"
		"Vi ønsker færre regler for hjemmeplejen.\n\nVi savner flere cykelstier.\n", "aeroe/aeldre", "2020-01-01");
	th_add_document(dir, FM("Ældre", "Ærø Kommune", "debate") "# Økonomi\n\n"
		"Kommunerne skal have 80 millioner kroner til ældreplejen i 2030.\n\n"
		"Vi savner flere cykelstier i byen.\n", "aeroe/aeldre", "2021-01-01");
	th_add_document(dir, FM("Skat", "KL", "theme") "# Skat\n\nVi skal sænke skatten.\n\nVi savner lavere afgifter.\n",
		"kl/skat", "2020-06-01");
	th_add_document(dir, FM("Skat", "KL", "theme") "# Skat\n\nVi skal sænke skatten for alle.\n\n"
		"Vi savner lavere afgifter på benzin.\n", "kl/skat", "2022-02-01");
	return dir;
}

static char *run_out(const char *dir, const char *const *args, size_t n)
{
	th_result r;
	char *out;
	const char *argv[8];
	size_t i;
	for (i = 0; i < n; i++)
		argv[i] = args[i];
	argv[n] = NULL;
	th_run(&r, dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	out = strdup(stance_buf_cstr(&r.out));
	th_result_free(&r);
	return out;
}

static int exists(const char *dir, const char *rel)
{
	char *p = th_path(dir, rel);
	int ok = access(p, F_OK) == 0;
	free(p);
	return ok;
}

/* each form of --all answers the same from the cache as without it */
Test(positions_cache, second_run_reads_the_cache_and_answers_the_same, .fini = th_cleanup)
{
	static const char *const forms[][7] = {
		{ "positions", "--all", "--json" },
		{ "positions", "--all" },
		{ "positions", "--all", "--since", "2021-01-01", "--until", "2021-12-31" },
		{ "positions", "--all", "--organization", "ærø kommune", "--json" },
		{ "positions", "--all", "--kind", "theme" },
	};
	static const size_t lens[] = { 3, 2, 6, 5, 4 };
	size_t f;
	for (f = 0; f < sizeof(lens) / sizeof(lens[0]); f++) {
		char *dir = repo_with_history();
		char *first, *second, *third;
		cr_assert(!exists(dir, ".git/stance-positions-cache"));
		first = run_out(dir, forms[f], lens[f]);
		cr_assert(exists(dir, ".git/stance-positions-cache"), "no cache after %s %s", forms[f][1], forms[f][2]);
		second = run_out(dir, forms[f], lens[f]);
		cr_assert_str_eq(second, first, "form %zu differs from the cache", f);
		cr_assert(strstr(first, "aeroe/aeldre") || strstr(first, "kl/skat"), "%s", first);
		/* garbage in the cache: ignored, rebuilt, same answer */
		th_write(dir, ".git/stance-positions-cache", "{\"fingerprint\": 7, garbage \x01\xff");
		third = run_out(dir, forms[f], lens[f]);
		cr_assert_str_eq(third, first, "form %zu differs after the cache was garbled", f);
		free(third);
		free(second);
		second = th_read(dir, ".git/stance-positions-cache");
		cr_assert(second && strstr(second, "\"fingerprint\""), "the garbled cache was not rebuilt");
		/* the right fingerprint but an entry of the wrong shape: computed again */
		{
			char *o = strstr(second, "\"o\":");
			stance_buf b = STANCE_BUF_INIT;
			cr_assert(o, "%s", second);
			stance_buf_put(&b, second, (size_t)(o - second));
			stance_buf_puts(&b, "\"o\":1,\"x\":");
			stance_buf_puts(&b, o + 4);
			th_write(dir, ".git/stance-positions-cache", stance_buf_cstr(&b));
			stance_buf_dispose(&b);
		}
		third = run_out(dir, forms[f], lens[f]);
		cr_assert_str_eq(third, first, "form %zu differs after an entry was broken", f);
		free(third);
		free(second);
		free(first);
		free(dir);
	}
}

/* a new marker changes the answer: the old cache's fingerprint no longer
 * matches, the changes are read again with the new markers */
Test(positions_cache, a_new_marker_is_not_answered_from_the_old_cache, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	static const char *const all[] = { "positions", "--all", "--json" };
	char *before, *after, *markers, *fresh;
	before = run_out(dir, all, 3);
	cr_assert(strstr(before, "savner") == NULL, "'savner' is no marker yet:\n%s", before);
	markers = th_read(dir, ".stance/positions");
	{
		stance_buf b = STANCE_BUF_INIT;
		const char *da = strstr(markers, "[da]\n");
		cr_assert(da);
		stance_buf_put(&b, markers, (size_t)(da + 5 - markers));
		stance_buf_puts(&b, "savner\n");
		stance_buf_puts(&b, da + 5);
		th_write(dir, ".stance/positions", stance_buf_cstr(&b));
		stance_buf_dispose(&b);
	}
	after = run_out(dir, all, 3);
	cr_assert(strstr(after, "Vi savner flere cykelstier i byen.") != NULL, "the new marker is not followed:\n%s",
		after);
	cr_assert(strstr(after, "Vi savner lavere afgifter på benzin.") != NULL, "%s", after);
	/* and the answer of the new markers is the one computed without a cache */
	{
		char *p = th_path(dir, ".git/stance-positions-cache");
		cr_assert_eq(unlink(p), 0);
		free(p);
	}
	fresh = run_out(dir, all, 3);
	cr_assert_str_eq(after, fresh);
	free(markers);
	free(before);
	free(after);
	free(fresh);
	free(dir);
}
