/*
 * test_positions_track.c: a position followed through its rewordings
 * (`positions --history`), across two documents (`diff A B --positions`,
 * `positions --compare A B`) and across the collection (`positions --all`),
 * as a user runs them in a real repository.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "helpers.h"

#define FM(title, org, kind) "---\ntitle: " title "\nkind: " kind "\norganization: " org "\nlanguage: da\n---\n"

/* three revisions of one debate piece: the amount and the year change and
 * the statement moves to another section; a statement is negated; one is
 * dropped */
static const char *const rev1 = FM("Ældre", "Ærø Kommune", "debate")
	"# Økonomi\n\n"
	"Kommunerne skal have 50 millioner kroner til ældreplejen i 2025.\n\n"
	"Vi ønsker færre regler for hjemmeplejen.\n\n"
	"# Skolen\n\n"
	"Staten bør styre skolernes budgetter.\n";
static const char *const rev2 = FM("Ældre", "Ærø Kommune", "debate")
	"# Økonomi\n\n"
	"Vi ønsker færre regler for hjemmeplejen.\n\n"
	"# Skolen\n\n"
	"Staten bør ikke styre skolernes budgetter.\n\n"
	"# Ældreplejen\n\n"
	"Mødet blev holdt i rådhusets sal. Kommunerne skal have 80 millioner kroner til ældreplejen i 2030. "
	"Det blev besluttet enstemmigt.\n";
static const char *const rev3 = FM("Ældre", "Ærø Kommune", "debate")
	"# Skolen\n\n"
	"Staten bør ikke styre skolernes budgetter.\n\n"
	"# Ældreplejen\n\n"
	"Mødet blev holdt i rådhusets sal. Kommunerne skal have 80 millioner kroner til ældreplejen i 2030. "
	"Det blev besluttet enstemmigt.\n";

static char *repo_with_three_revisions(void)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init", ".");
	th_result_free(&r);
	th_add_document(dir, rev1, "aeroe/aeldre", "2020-01-01");
	th_add_document(dir, rev2, "aeroe/aeldre", "2021-01-01");
	th_add_document(dir, rev3, "aeroe/aeldre", "2022-01-01");
	return dir;
}

static void expect_in(const th_result *r, const char *needle)
{
	cr_assert(strstr(stance_buf_cstr(&r->out), needle) != NULL, "'%s' not in:\n%s\nstderr: %s", needle,
		stance_buf_cstr(&r->out), stance_buf_cstr(&r->err));
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/* `stance positions aeroe/aeldre --history`: the amount statement moved to
 * another section inside a longer paragraph and changed its figures; it is
 * one position reworded once, not one removed and one added. */
Test(positions_track, history_follows_a_position_through_rewordings_and_a_move, .fini = th_cleanup)
{
	char *dir = repo_with_three_revisions();
	th_result r;
	OK(&r, dir, "positions", "aeroe/aeldre", "--history");
	expect_in(&r, "Kommunerne skal have 80 millioner kroner til ældreplejen i 2030. (reworded 1 time)\n"
		"  2020-01-01 ");
	expect_in(&r, " appeared: Kommunerne skal have 50 millioner kroner til ældreplejen i 2025.\n");
	expect_in(&r, " reworded (amount changed: 50 → 80 millioner; date changed: 2025 → 2030): "
		"Kommunerne skal have [-50-]{+80+} millioner kroner til ældreplejen i [-2025-]{+2030+}.");
	expect_in(&r, " reworded (negated): Staten bør {+ikke+} styre skolernes budgetter.");
	expect_in(&r, "Vi ønsker færre regler for hjemmeplejen. (removed)\n");
	expect_in(&r, "2022-01-01 ");
	expect_in(&r, " removed: [-Vi ønsker færre regler for hjemmeplejen.-]");
	cr_assert_eq(count_of(r.out.ptr, " appeared: "), 3, "three positions, each appearing once:\n%s", r.out.ptr);
	expect_in(&r, "3 positions in 3 revisions of aeroe/aeldre");
	th_result_free(&r);
	/* asked as of the second revision, the removal has not happened yet */
	OK(&r, dir, "positions", "aeroe/aeldre@2021-06-01", "--history");
	cr_assert(strstr(r.out.ptr, "removed") == NULL, "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

/* `--history --json`: each event an object, not a preformatted string */
Test(positions_track, history_json_has_one_object_per_event, .fini = th_cleanup)
{
	char *dir = repo_with_three_revisions();
	th_result r;
	json_error_t jerr;
	json_t *v, *life = NULL, *ev;
	size_t i;
	OK(&r, dir, "positions", "aeroe/aeldre", "--history", "--json");
	v = json_loads(r.out.ptr, 0, &jerr);
	cr_assert(v && json_is_array(v), "not a JSON list: %s\n%s", jerr.text, r.out.ptr);
	cr_assert_eq(json_array_size(v), 3);
	for (i = 0; i < json_array_size(v); i++)
		if (strstr(json_string_value(json_object_get(json_array_get(v, i), "text")), "80 millioner"))
			life = json_array_get(v, i);
	cr_assert(life, "%s", r.out.ptr);
	cr_assert(json_is_true(json_object_get(life, "current")));
	cr_assert_eq(json_integer_value(json_object_get(life, "reworded")), 1);
	ev = json_array_get(json_object_get(life, "events"), 1);
	cr_assert_str_eq(json_string_value(json_object_get(ev, "kind")), "reworded");
	cr_assert(!strncmp(json_string_value(json_object_get(ev, "date")), "2021-01-01T", 11),
		"%s", json_string_value(json_object_get(ev, "date")));
	cr_assert(strchr(json_string_value(json_object_get(ev, "date")) + 11, ':'), "a time with seconds and zone");
	cr_assert_eq(strlen(json_string_value(json_object_get(ev, "commit"))), 40, "the full commit id");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "old_text")),
		"Kommunerne skal have 50 millioner kroner til ældreplejen i 2025.");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "new_text")),
		"Kommunerne skal have 80 millioner kroner til ældreplejen i 2030.");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "section")), "Ældreplejen");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(ev, "callouts"), 0), "kind")),
		"amount");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(ev, "callouts"), 0), "new")),
		"80 millioner");
	ev = json_array_get(json_object_get(life, "events"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(ev, "kind")), "appeared");
	cr_assert(json_is_null(json_object_get(ev, "old_text")));
	json_decref(v);
	th_result_free(&r);
	free(dir);
}

/* `stance diff aeroe/aeldre@{1} aeroe/aeldre --positions`, issue 12 item 7:
 * a changed amount is not "100% alike" and says what changed; two unrelated
 * statements in the same place are one added and one removed, never
 * "reworded, 27% alike". */
Test(positions_track, diff_says_what_a_rewording_did_and_pairs_nothing_unrelated, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init", ".");
	th_result_free(&r);
	th_add_document(dir, FM("A", "KL", "debate") "# A\n\nKommunerne skal have 50 millioner kroner til ældreplejen.\n\n"
		"Vi skal bygge en ny skole i byen.\n", "kl/a", "2020-01-01");
	th_add_document(dir, FM("A", "KL", "debate") "# A\n\nKommunerne skal have 80 millioner kroner til ældreplejen.\n\n"
		"Vi skal sænke skatten for alle i landet.\n", "kl/a", "2021-01-01");
	OK(&r, dir, "diff", "--positions", "kl/a");
	expect_in(&r, "amount changed: 50 → 80 millioner");
	cr_assert(strstr(r.out.ptr, "100% alike") == NULL, "%s", r.out.ptr);
	expect_in(&r, "removed (§ A):\n  [-Vi skal bygge en ny skole i byen.-]");
	expect_in(&r, "added (§ A):\n  {+Vi skal sænke skatten for alle i landet.+}");
	expect_in(&r, "1 position statement added, 1 removed, 1 reworded");
	th_result_free(&r);
	OK(&r, dir, "diff", "--format=json", "kl/a");
	expect_in(&r, "\"callouts\": [{\"kind\": \"amount\", \"old\": \"50\", \"new\": \"80 millioner\"}]");
	th_result_free(&r);
	OK(&r, dir, "diff", "--format=html", "kl/a");
	expect_in(&r, "<span class=\"callout\">amount changed: 50 → 80 millioner</span>");
	th_result_free(&r);
	free(dir);
}

/* `stance diff kl/a df/b --positions`: a sentence of one document restated
 * inside a longer paragraph of other sentences elsewhere in the other is
 * paired with it; a statement both hold in a paragraph they share is not
 * listed (it used to come out as "added"). */
Test(positions_track, diff_of_two_documents_pairs_a_restatement_wherever_it_stands, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init", ".");
	th_result_free(&r);
	th_add_document(dir, FM("A", "KL", "debate") "# A\n\nKommunerne skal have 50 millioner kroner til ældreplejen i 2025.\n\n"
		"Vi ønsker færre regler.\n\nStaten bør ikke styre skolerne.\n", "kl/a", "2020-01-01");
	th_add_document(dir, FM("C", "DF", "debate") "# C\n\nVi vil bygge flere veje og broer i hele landet.\n\n"
		"Staten bør ikke styre skolerne.\n\n"
		"Vejret er fint i dag, og solen skinner over byen. Vi ønsker klart færre regler. "
		"Det er godt for alle borgere i landet og for kommunerne.\n", "df/c", "2020-02-01");
	OK(&r, dir, "diff", "--positions", "kl/a", "df/c");
	expect_in(&r, "reworded (§ C) 86% alike:\n  [-Vi ønsker færre regler.-]\n  {+Vi ønsker klart færre regler.+}");
	cr_assert(strstr(r.out.ptr, "Staten bør ikke styre") == NULL, "a shared statement is no change:\n%s", r.out.ptr);
	expect_in(&r, "1 position statement added, 1 removed, 1 reworded");
	th_result_free(&r);
	OK(&r, dir, "diff", "--format=json", "kl/a", "df/c");
	expect_in(&r, "{\"change\": \"reworded\", \"old\": {\"text\": \"Vi ønsker færre regler.\"");
	th_result_free(&r);
	free(dir);
}

/* `stance positions --compare kl/a df/b`: held by both (in other words),
 * contradicted (one negates the other), and each one's alone */
Test(positions_track, compare_lists_shared_contradicted_and_lone_positions, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	json_error_t jerr;
	json_t *v;
	OK(&r, dir, "init", ".");
	th_result_free(&r);
	th_add_document(dir, FM("A", "KL", "debate") "# A\n\nKommunerne skal have mere frihed til at indrette velfærden.\n\n"
		"Vi ønsker færre regler.\n\nStaten bør ikke styre skolerne.\n", "kl/a", "2020-01-01");
	th_add_document(dir, FM("B", "DF", "debate") "# B\n\nVi vil bygge flere veje.\n\n"
		"Det er klart: kommunerne skal have langt mere frihed til at indrette velfærden lokalt. Sådan er det.\n\n"
		"Staten bør styre skolerne.\n\nVi ønsker færre regler.\n", "df/b", "2020-02-01");
	OK(&r, dir, "positions", "--compare", "kl/a", "df/b");
	expect_in(&r, "both hold (2):\n");
	expect_in(&r, "  = Vi ønsker færre regler.\n");
	expect_in(&r, ": Kommunerne skal have mere frihed til at indrette velfærden.\n");
	expect_in(&r, ": kommunerne skal have langt mere frihed til at indrette velfærden lokalt.\n");
	expect_in(&r, "contradicted (1):\n");
	expect_in(&r, ": Staten bør ikke styre skolerne.\n");
	expect_in(&r, ": Staten bør styre skolerne.\n");
	expect_in(&r, "only in df/b@");
	expect_in(&r, ": Vi vil bygge flere veje.\n");
	expect_in(&r, "2 held by both, 1 contradicted, 0 only in kl/a@");
	th_result_free(&r);
	OK(&r, dir, "positions", "--compare", "kl/a", "df/b", "--json");
	v = json_loads(r.out.ptr, 0, &jerr);
	cr_assert(v, "%s\n%s", jerr.text, r.out.ptr);
	cr_assert_eq(json_array_size(json_object_get(v, "shared")), 2);
	cr_assert_eq(json_array_size(json_object_get(v, "contradicted")), 1);
	cr_assert_eq(json_array_size(json_object_get(v, "only_a")), 0);
	cr_assert_eq(json_array_size(json_object_get(v, "only_b")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(json_array_get(
		json_object_get(v, "contradicted"), 0), "b"), "text")), "Staten bør styre skolerne.");
	json_decref(v);
	th_result_free(&r);
	free(dir);
}

/* `stance positions --all`: every position change in the collection, by
 * organization and document, newest first; narrowed by period,
 * organization (any case, Unicode) and kind */
Test(positions_track, all_lists_the_collection_by_organization_newest_first, .fini = th_cleanup)
{
	char *dir = repo_with_three_revisions();
	th_result r;
	const char *kl, *aeroe, *newest, *oldest;
	json_error_t jerr;
	json_t *v, *events;
	th_add_document(dir, FM("Skat", "KL", "theme") "# Skat\n\nVi skal sænke skatten.\n", "kl/skat", "2020-06-01");
	OK(&r, dir, "positions", "--all");
	aeroe = strstr(r.out.ptr, "Ærø Kommune\n  aeroe/aeldre  Ældre\n");
	kl = strstr(r.out.ptr, "KL\n  kl/skat  Skat\n");
	cr_assert(aeroe && kl && aeroe < kl, "the organization with the newest change first:\n%s", r.out.ptr);
	newest = strstr(r.out.ptr, "2022-01-01");
	oldest = strstr(r.out.ptr, "2020-01-01");
	cr_assert(newest && oldest && newest < oldest, "newest first:\n%s", r.out.ptr);
	expect_in(&r, " reworded (amount changed: 50 → 80 millioner; date changed: 2025 → 2030): ");
	expect_in(&r, "7 position changes in 2 documents");
	th_result_free(&r);

	OK(&r, dir, "positions", "--all", "--since", "2021-01-01", "--until", "2021-12-31");
	cr_assert(strstr(r.out.ptr, "kl/skat") == NULL && strstr(r.out.ptr, "2022-01-01") == NULL &&
		strstr(r.out.ptr, "appeared") == NULL, "%s", r.out.ptr);
	expect_in(&r, "2 position changes in 1 document");
	th_result_free(&r);

	OK(&r, dir, "positions", "--all", "--organization", "ÆRØ KOMMUNE");
	cr_assert(strstr(r.out.ptr, "kl/skat") == NULL, "%s", r.out.ptr);
	expect_in(&r, "aeroe/aeldre");
	th_result_free(&r);

	OK(&r, dir, "positions", "--all", "--kind", "theme", "--json");
	v = json_loads(r.out.ptr, 0, &jerr);
	cr_assert(v && json_array_size(v) == 1, "%s\n%s", jerr.text, r.out.ptr);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "organization")), "KL");
	events = json_object_get(json_array_get(json_object_get(json_array_get(v, 0), "documents"), 0), "events");
	cr_assert_eq(json_array_size(events), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 0), "kind")), "appeared");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 0), "new_text")),
		"Vi skal sænke skatten.");
	json_decref(v);
	th_result_free(&r);
	free(dir);
}

/* what a user mistypes: a clear sentence and a non-zero exit, nothing printed */
Test(positions_track, bad_uses_are_refused_by_name, .fini = th_cleanup)
{
	char *dir = repo_with_three_revisions();
	th_result r;
	TH_RUN(&r, dir, "positions", "--compare", "aeroe/aeldre");
	cr_assert_eq(r.status, 2, "%d", r.status);
	cr_assert(strstr(r.err.ptr, "--compare takes two documents") != NULL, "%s", r.err.ptr);
	cr_assert_eq(r.out.size, 0);
	th_result_free(&r);
	TH_RUN(&r, dir, "positions", "--all", "aeroe/aeldre");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "--all takes no document") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "positions", "aeroe/aeldre", "--since", "2020-01-01");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "go with --all") != NULL, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "positions", "--compare", "aeroe/aeldre", "no/such");
	cr_assert_eq(r.status, 1, "%d", r.status);
	cr_assert(strstr(r.err.ptr, "no/such") != NULL, "%s", r.err.ptr);
	cr_assert_eq(r.out.size, 0);
	th_result_free(&r);
	free(dir);
}
