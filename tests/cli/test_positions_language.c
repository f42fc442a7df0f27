/*
 * test_positions_language.c: `stance positions` reads a document in the
 * language it is written in when its front matter names none, whatever the
 * repository's stance.language says; a language in the front matter wins.
 */
#include <string.h>

#include "helpers.h"

static const char *const english =
	"---\ntitle: Plan\nkind: theme\n---\n# Plan\n\n"
	"The council must act now. The plan was published in May. We need to fund it properly.\n";

/* A repository whose stance.language is "da" holding `text` as org/plan. */
static char *danish_repo_with(const char *text)
{
	char *dir = th_tmpdir();
	th_result r;
	TH_RUN(&r, dir, "init", ".");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	cr_assert_eq(th_sh(dir, NULL, "git config stance.language da"), 0);
	th_write(dir, "in.md", text);
	TH_RUN(&r, dir, "add", "in.md", "--id", "org/plan", "--date", "2020-01-01");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	th_result_free(&r);
	return dir;
}

Test(positions_language, an_english_document_in_a_danish_repository, .fini = th_cleanup)
{
	char *dir = danish_repo_with(english);
	th_result r;
	TH_RUN(&r, dir, "positions", "org/plan");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.out), "The council must act now.") != NULL, "%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), "We need to fund it properly.") != NULL, "%s", stance_buf_cstr(&r.out));
	cr_assert(strstr(stance_buf_cstr(&r.out), "published in May") == NULL, "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	free(dir);
}

Test(positions_language, the_front_matter_language_wins, .fini = th_cleanup)
{
	/* told it is Danish, the English sentences carry no Danish construction */
	char *dir = danish_repo_with("---\ntitle: Plan\nkind: theme\nlanguage: da\n---\n# Plan\n\n"
		"The council must act now. We need to fund it properly.\n");
	th_result r;
	TH_RUN(&r, dir, "positions", "org/plan");
	cr_assert_eq(r.status, 0, "%s", stance_buf_cstr(&r.err));
	cr_assert(strstr(stance_buf_cstr(&r.out), "0 position statements") != NULL, "%s", stance_buf_cstr(&r.out));
	th_result_free(&r);
	free(dir);
}
