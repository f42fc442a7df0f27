/*
 * test_positions_lens.c: the construction rules and exclusions of the
 * position lens (stance_positions_judge), the sentence splitting it reads
 * (one-letter words, a sentence starting with a number, run-in lead-ins,
 * guillemets, pull-quote bylines), the statement text a reader sees, the
 * language of a document told from its text, and a repository's own markers
 * counting beside the rules.
 */
#include <string.h>

#include "helpers.h"
#include "internal.h"

static stance_positions *lens(void)
{
	stance_positions *p = NULL;
	cr_assert_eq(stance_positions_new_default(&p), 0);
	return p;
}

static void expect(const stance_positions *p, const char *lang, const char *s, int want)
{
	cr_expect_eq(stance_positions_judge(p, lang, s, strlen(s)), want, "%s: '%s' should %sbe a position",
		lang ? lang : "detected", s, want ? "" : "not ");
}

Test(positions_lens, modal_constructions_in_the_main_clause)
{
	stance_positions *p = lens();
	expect(p, "da", "Staten bør styre efter mål og ikke efter processer.", 1);
	expect(p, "da", "Hvis vi vil styrke velfærden, skal staten give kommunerne friere hænder.", 1);
	expect(p, "da", "Der skal investeres massivt i den kollektive trafik.", 1);
	expect(p, "da", "Det vil vi gøre ved at rydde op i egne regler.", 1);
	expect(p, "en", "The Treasury should fund 2,000 new planning posts.", 1);
	expect(p, "en", "That should worry every local authority in the country.", 1);
	/* the modal only inside a subordinate clause */
	expect(p, "da", "Hvad den nye styring skal kunne, er endnu uklart.", 0);
	expect(p, "da", "Det er en skole, der skal rumme alle.", 0);
	stance_positions_free(p);
}

Test(positions_lens, needs_and_necessities_without_a_modal)
{
	stance_positions *p = lens();
	expect(p, "da", "Politisk er der brug for mod.", 1);
	expect(p, "da", "Er der derfor brug for en helt ny tilgang.", 1);
	expect(p, "da", "Har vi brug for flere forsøg, bør de gælde alle.", 1);
	expect(p, "da", "Derfor er der behov for en ærlig evaluering.", 1);
	expect(p, "da", "Stiger behovet for pladser, må modellen følge med.", 1);
	expect(p, "da", "Det er nødvendigt med en langsigtet plan.", 1);
	expect(p, "da", "Det er afgørende, at borgerne inddrages.", 1);
	expect(p, "en", "A national recruitment drive is therefore needed.", 1);
	expect(p, "en", "There is also a need for clear rules on personal data.", 1);
	stance_positions_free(p);
}

Test(positions_lens, passive_demands_recommendations_and_commitments)
{
	stance_positions *p = lens();
	expect(p, "da", "Samtidig kræves et klart mandat fra Folketinget.", 1);
	expect(p, "da", "Det handler om at give medarbejderne tid.", 1);
	expect(p, "da", "Næste skridt er at gøre erfaringerne til lov.", 1);
	expect(p, "da", "Vi anbefaler, at indikatorerne ryddes op.", 1);
	expect(p, "da", "Byrådet kan med fordel lade sig inspirere af Gentofte.", 1);
	expect(p, "da", "I kommunerne har vi viljen til at tage ansvaret.", 1);
	expect(p, "da", "Vi er parate til at gå forrest.", 1);
	expect(p, "da", "Det gør vi ved at sætte tydelige mål.", 1);
	expect(p, "en", "We recommend a multi-year funding settlement.", 1);
	expect(p, "en", "We are ready to share our experience.", 1);
	stance_positions_free(p);
}

Test(positions_lens, evaluative_main_clauses_and_imperatives)
{
	stance_positions *p = lens();
	expect(p, "da", "For regler er ufleksible.", 1);
	expect(p, "da", "Det er et godt eksempel på, hvad tillid kan føre med sig.", 1);
	expect(p, "da", "Det er slet ikke til diskussion, at lønnen er en del af svaret.", 1);
	expect(p, "da", "Ansvarlighed alene er ikke nok.", 1);
	expect(p, "en", "That means fewer national targets.", 1);
	expect(p, "en", "The result is a system that residents can scrutinise.", 1);
	expect(p, "en", "That fear is overstated.", 1);
	expect(p, "da", "Afskaf kravet om skriftlige handleplaner.", 1);
	expect(p, "en", "Fund the people who publish it.", 1);
	/* a bold run-in lead-in before the imperative */
	expect(p, "da", "**Tillid:** Lad skolerne selv tilrettelægge skoledagen.", 1);
	/* plain description */
	expect(p, "da", "Regningen lyder på 140 millioner kroner over otte år.", 0);
	expect(p, "en", "Most rural routes are not commercially viable.", 0);
	stance_positions_free(p);
}

Test(positions_lens, exclusions)
{
	stance_positions *p = lens();
	/* questions */
	expect(p, "da", "Måske skal vi spørge medarbejderne først?", 0);
	expect(p, "en", "Should councils never use AI?", 0);
	/* conditional inversions and set-ups */
	expect(p, "da", "Skal der anlægges en skaterbane, skal der søges om tilladelse.", 0);
	expect(p, "da", "Vælges den model, skal der nedsættes et udvalg.", 0);
	expect(p, "en", "If the report is accepted, schools will still have to find the money.", 0);
	/* reported speech and legal deadlines */
	expect(p, "da", "Ifølge kommissionen bør sundhedsvæsenet samles.", 0);
	expect(p, "da", "Ansøgningerne skal håndteres inden 90 dage.", 0);
	expect(p, "da", "Kommunerne skal senest den 1. marts indsende rapporterne.", 0);
	expect(p, "en", "Councils must determine major applications within 13 weeks.", 0);
	expect(p, "en", "The education secretary said she will look at the report.", 0);
	/* idioms */
	expect(p, "da", "Der skal én voksen til at holde styr på det hele.", 0);
	expect(p, "da", "Der skal som bekendt to til en tango.", 0);
	expect(p, "en", "It takes two to tango.", 0);
	/* plain future description */
	expect(p, "da", "Resultaterne vil kunne løfte kvaliteten i hele landet.", 0);
	expect(p, "da", "I 2030 vil der mangle 15.000 medarbejdere.", 0);
	expect(p, "en", "The teaching unions will meet in April.", 0);
	/* page furniture: bylines, teasers without a closing mark */
	expect(p, "da", "Af Mette Lindholm, formand", 0);
	expect(p, "da", "Debatindlæg: Det kræver mod og vilje at sætte velfærden fri", 0);
	stance_positions_free(p);
}

Test(positions_lens, a_repositorys_markers_count_beside_the_rules)
{
	stance_positions *p = NULL;
	const char *file = "[da]\nagter at\n[en]\nintend to\n";
	cr_assert_eq(stance_positions_parse(&p, file, strlen(file), ".stance/positions"), 0);
	expect(p, "da", "Vi agter at sænke skatten.", 1);
	expect(p, "en", "We intend to act this year.", 1);
	/* the exclusions still apply to them */
	expect(p, "da", "Agter at sænke skatten?", 0);
	stance_positions_free(p);
}

/* The statements' texts of `body`, joined by " / ". */
static char *statements(const char *lang, const char *body)
{
	stance_positions *p = lens();
	stance_position_list l = { 0 };
	stance_buf b = STANCE_BUF_INIT;
	size_t i;
	cr_assert_eq(stance_positions_extract(&l, p, lang, body, strlen(body)), 0, "%s", stance_error_last());
	for (i = 0; i < l.count; i++)
		stance_buf_printf(&b, "%s%s", i ? " / " : "", l.items[i].text);
	stance_position_list_free(&l);
	stance_positions_free(p);
	return b.ptr ? stance_buf_detach(&b) : stance_strdup("");
}

static void expect_statements(const char *lang, const char *body, const char *want)
{
	char *got = statements(lang, body);
	cr_expect_str_eq(got, want, "statements of '%s'", body);
	free(got);
}

Test(positions_lens, sentences_split_where_a_reader_sees_them_end)
{
	/* a one-letter word before the full stop */
	expect_statements("da", "Kvaliteten vil falde i. Der er brug for mod.\n", "Der er brug for mod.");
	/* a sentence starting with a number */
	expect_statements("da", "Det er en stor opgave. 2018-22 bør bruges til at rydde op.\n",
		"2018-22 bør bruges til at rydde op.");
	/* "kl. 9" and "4. december" still end nothing */
	expect_statements("da", "Mødet er kl. 9 den 4. december, og vi skal være der.\n",
		"Mødet er kl. 9 den 4. december, og vi skal være der.");
	/* a run-in lead-in ending in "?:" */
	expect_statements("da", "Disruption – hvor er teknologien?: Vi skal bruge den klogt.\n",
		"Vi skal bruge den klogt.");
	/* guillemets close a quote, either way round */
	expect_statements("da", "Han sagde: »Det er fint.« Vi skal gøre mere.\n",
		"Vi skal gøre mere.");
	expect_statements("da", "Han sagde: «Det er fint.» Vi skal gøre mere.\n",
		"Vi skal gøre mere.");
}

Test(positions_lens, statement_text_is_what_a_reader_sees)
{
	/* a pull quote: no quote markers, no byline */
	expect_statements("da", "> Vi skal turde give slip,\n> hvis vi vil have velfærd.\n"
		"\xE2\x80\x94 Mette Lindholm, formand\n",
		"Vi skal turde give slip, hvis vi vil have velfærd.");
	/* Markdown escapes, emphasis and links */
	expect_statements("da", "Vi skal gøre 3\\*1 til **fire**\\! Det er [vigtigt](https://x.dk/a_b) at _handle_ nu.\n",
		"Vi skal gøre 3*1 til fire! / Det er vigtigt at handle nu.");
	/* a word with an underscore keeps it */
	expect_statements("en", "We must rename snake_case fields.\n", "We must rename snake_case fields.");
}

Test(positions_lens, a_documents_language_is_told_from_its_text)
{
	const char *en = "We believe the council must act now. The plan is not enough, and the people of the city deserve better.";
	const char *da = "Vi mener, at kommunen skal handle nu. Planen er ikke god nok, og det er borgerne, der betaler.";
	cr_assert_str_eq(stance_positions_detect_language(en, strlen(en)), "en");
	cr_assert_str_eq(stance_positions_detect_language(da, strlen(da)), "da");
	cr_assert_null(stance_positions_detect_language("OK.", 3));
	/* German shares "der", "den", "er" with Danish and "will" with English */
	{
		const char *de = "Der Schuldner ist verpflichtet, die Leistung nach Treu und Glauben zu bewirken. "
			"Die Frist beginnt mit dem Tag, an dem der Gläubiger den Anspruch geltend macht.";
		cr_assert_null(stance_positions_detect_language(de, strlen(de)));
	}
	/* with no language given, an English body is read by the English rules */
	expect_statements(NULL, "The plan is clear. We need to act. The council meets in May.\n",
		"We need to act.");
	expect(lens(), NULL, "Der er brug for en ny plan for kommunen og for borgerne.", 1);
}
