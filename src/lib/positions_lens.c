/*
 * positions_lens.c: the construction rules of the position lens. A sentence
 * states a position when a construction of its language (a subject with a
 * modal, a need or necessity, a passive demand, a recommendation, a
 * commitment, an evaluative main clause, an imperative opening a proposal)
 * or a marker of the repository's list stands in its main clause, and no
 * exclusion (a question, a conditional inversion, reported speech, a legal
 * deadline, an idiom, page furniture) takes it back. The rules are tables of
 * word patterns compiled into the library; docs/positions.md explains them.
 *
 * Pattern syntax, over case-folded words separated by one space:
 *   word     that word          word*   a word starting so
 *   a|b      either             ..      zero to three words of any kind
 *   #        a word with a digit
 *   ^        (first) the sentence's first word (after a run-in lead-in)
 */
#include "internal.h"
#include "positions_lens.h"

typedef struct {
	char kind;
	const char *pattern;
} rule;

/*
 * Kinds: 'm' a modal construction, which a legal deadline or a present-tense
 * description takes back ('M'); 'P' a construction, counted when its first word stands in a main
 * clause and the sentence is no conditional inversion; 'S' a construction
 * counted wherever it stands (needs, necessities); 'X' an exclusion of the
 * whole sentence; 'M' an exclusion of modals and markers only (a legal
 * deadline: "skal ... inden 90 dage"), the other constructions still count.
 */
static const rule rules_da[] = {
	/* subject + modal, and the modal constructions */
	{ 'm', "skal|bør|må" },
	{ 'm', "er nødt til" },
	{ 'm', "vi|jeg vil" },
	{ 'm', "vil vi|jeg" },
	{ 'm', "vi|jeg vil gerne" },
	/* needs and necessities */
	{ 'S', "brug for" },
	{ 'S', "behov|behovet for" },
	{ 'S', "nødvendig|nødvendigt|nødvendighed" },
	{ 'P', "afgørende" },
	{ 'P', "det er vigtigt" },
	{ 'P', "på høje tid" },
	{ 'P', "til diskussion" },
	/* passive and impersonal demands */
	{ 'P', "kræver .. at" },
	{ 'm', "det kræver" },
	{ 'P', "kræver mod" },
	{ 'P', "kræves" },
	{ 'P', "handler om at" },
	{ 'P', "næste skridt" },
	{ 'P', "kan med fordel" },
	{ 'P', "der skal .. til" },
	/* recommendations, proposals, opinions */
	{ 'P', "anbefaler|foreslår|opfordrer|mener" },
	{ 'S', "vi|jeg mener" },
	{ 'P', "vi|jeg forventer|håber|ønsker|kræver|tror" },
	{ 'P', "forventer|håber vi|jeg" },
	/* commitments and readiness */
	{ 'P', "viljen til" },
	{ 'P', "parat|parate|klar til" },
	{ 'P', "det gør vi" },
	{ 'P', "gå|går forrest|foran" },
	/* evaluative main clauses */
	{ 'P', "holdbart|holdbar|uacceptabelt|uacceptabel|ufleksible|ufleksibel" },
	{ 'P', "spild af" },
	{ 'P', "en fejl" },
	{ 'P', "godt|flot|dårligt eksempel|resultat" },
	{ 'P', "ikke nok" },
	{ 'P', "ikke en luksus|løsning" },
	{ 'P', "hænger ikke sammen" },
	{ 'P', "enige|uenige" },
	{ 'P', "alt for|simpelthen" },
	{ 'P', "stolte af" },
	{ 'P', "god|dårlig idé|lov|model" },
	{ 'P', "skæv|skævt|forkert|forkerte" },
	{ 'P', "fortjener" },
	{ 'P', "det viser|viser at" },
	{ 'P', "underordnet" },
	{ 'P', "^ja|nej" },
	{ 'P', "selvfølgelig ikke" },
	{ 'P', "tværtimod" },
	{ 'P', "ord alene" },
	{ 'P', "flytter problemerne" },
	{ 'P', "kan ikke vente" },
	{ 'P', "stiller .. krav" },
	{ 'P', "er tiden kommet|inde" },
	{ 'P', "ikke stå alene" },
	/* reported speech, procedure, idioms, furniture */
	{ 'X', "ifølge" },
	{ 'X', "har|havde meddelt|sagt|lovet|advaret|afvist|udtalt" },
	{ 'X', "udtalte|oplyser|oplyste" },
	{ 'X', "lyder det" },
	{ 'X', "som bekendt" },
	{ 'X', "som man siger" },
	{ 'X', "to til" },
	{ 'X', "én|en voksen|svale til" },
	{ 'X', "mere end én|en svale" },
	{ 'X', "ikke meget til" },
	{ 'X', "hel landsby" },
	{ 'X', "skue hunden" },
	{ 'X', "må man konstatere|sige" },
	{ 'X', "vil kunne" },
	{ 'X', "forventes" },
	{ 'X', "^læs" },
	{ 'X', "^af" },
	{ 'X', "^tekst" },
	{ 'M', "i dag" },
	{ 'M', "senest" },
	{ 'M', "inden #" },
	{ 'M', "efter loven|bekendtgørelsen|aftalen|reglerne" },
	{ 'M', "om året" },
	{ 0, NULL }
};

static const rule rules_en[] = {
	{ 'm', "must|should|ought" },
	{ 'm', "need|needs to" },
	{ 'm', "have|has to" },
	{ 'm', "we|i need" },
	{ 'S', "is|are .. needed" },
	{ 'S', "a need for" },
	{ 'S', "there is .. need" },
	{ 'P', "case for" },
	{ 'P', "we|i believe|recommend|urge|propose|call|would|hope|expect" },
	{ 'P', "we|i will" },
	{ 'P', "we are ready" },
	{ 'P', "we stand ready" },
	{ 'P', "recommend|recommends|urge|urges|propose|proposes" },
	{ 'P', "call|calls for" },
	{ 'P', "argues|argue that" },
	{ 'P', "i would like" },
	/* evaluative main clauses */
	{ 'P', "^that|this|it is|would" },
	{ 'P', "accident" },
	{ 'P', "mistake|unacceptable|unrealistic|overstated|broken|impossible" },
	{ 'P', "is not acceptable" },
	{ 'P', "back to front" },
	{ 'P', "that means" },
	{ 'P', "the result is|of" },
	{ 'P', "of course not" },
	{ 'P', "^no|yes" },
	{ 'P', "the point is" },
	{ 'P', "the whole answer" },
	{ 'P', "part of the answer" },
	{ 'P', "the real problem" },
	{ 'P', "is clear that" },
	{ 'P', "good example" },
	{ 'P', "should worry" },
	{ 'P', "will never|not" },
	{ 'P', "cannot|can't" },
	{ 'P', "no .. can thrive" },
	{ 'P', "cost lives" },
	{ 'P', "is modest" },
	{ 'P', "will judge" },
	{ 'P', "the alternative is" },
	/* reported speech, procedure, idioms, furniture */
	{ 'X', "said|says|told|according|announced|promised|reported|estimates" },
	{ 'X', "will say" },
	{ 'X', "found that" },
	{ 'X', "critics" },
	{ 'X', "takes two" },
	{ 'X', "will have to" },
	{ 'X', "^by" },
	{ 'X', "^posted" },
	{ 'X', "writes about" },
	{ 'X', "is a former|senior" },
	{ 'M', "within #" },
	{ 'M', "at least every" },
	{ 'M', "under the|it" },
	{ 0, NULL }
};

/* Imperatives that open a proposal ("Afskaf …", "Fund the people …"). */
static const char *const imperatives_da[] = {
	"afskaf", "giv", "lad", "styrk", "brug", "gør", "sæt", "skab", "fjern",
	"indfør", "sikr", "flyt", "saml", "stop", "invester", "opret", "vent",
	"prioriter", "fasthold", "drop", "tænk", "tag", NULL
};
static const char *const imperatives_en[] = {
	"make", "fund", "own", "give", "let", "scrap", "end", "stop", "create",
	"build", "invest", "remove", "introduce", "ensure", "allow", "publish",
	"require", "cut", "raise", "restore", "protect", "abolish", "reform", NULL
};

/* Words that open a subordinate clause: a modal after one is no demand of
 * the author ("Hvis vi vil styrke …", "hvad den skal kunne"). */
static const char *const subordinators_da[] = {
	"hvis", "når", "hvad", "hvor", "hvordan", "hvorfor", "hvem", "hvornår",
	"fordi", "før", "selvom", "om", "mens", "at", "som", "der", "hvilket", NULL
};
static const char *const subordinators_en[] = {
	"if", "when", "what", "where", "how", "why", "who", "whom", "whose",
	"which", "because", "before", "although", "whether", "while", "that",
	"unless", "once", NULL
};

/* Finite verbs that open a Danish conditional inversion ("Skal der anlægges
 * en skole, skal …", "Vælges den model, skal …"). */
static const char *const inversion_da[] = {
	"skal", "må", "bør", "vil", "kan", "bliver", "får", "er", "har", "går",
	"kommer", "ønsker", NULL
};
static const char *const main_verbs_da[] = {
	"skal", "må", "bør", "vil", "kan", "er", "bliver", "får", "har", NULL
};

static int in_list(const char *const *list, const char *w)
{
	for (; *list; list++)
		if (w[0] == (*list)[0] && !strcmp(w, *list))
			return 1;
	return 0;
}

/* Does word w match the pattern token p[0, n) ("a|b*")? */
static int token_match(const char *p, size_t n, const char *w)
{
	size_t a = 0;
	if (n == 1 && p[0] == '#') {
		for (; *w; w++)
			if (*w >= '0' && *w <= '9')
				return 1;
		return 0;
	}
	while (a < n) {
		size_t b = a, wl;
		int prefix = 0;
		while (b < n && p[b] != '|')
			b++;
		wl = b - a;
		if (wl && p[b - 1] == '*') {
			prefix = 1;
			wl--;
		}
		if (!strncmp(w, p + a, wl) && (prefix || w[wl] == '\0'))
			return 1;
		a = b + 1;
	}
	return 0;
}

/* The first bytes the first token of pattern p can start with, into
 * out[0, 15]; 0 when any byte can ("#", ".."). */
static size_t first_bytes(const char *p, char *out)
{
	size_t k = 0, i = 0;
	if (p[0] == '#' || p[0] == '.')
		return 0;
	out[k++] = p[0];
	for (; p[i] && p[i] != ' ' && k < 15; i++)
		if (p[i] == '|' && p[i + 1])
			out[k++] = p[i + 1];
	return p[i] && p[i] != ' ' ? 0 : k;
}

/* Matches pattern p (tokens from p) against words from i; 1 on a match. */
static int match_at(const char *p, char *const *w, size_t n, size_t i)
{
	size_t tl;
	while (*p == ' ')
		p++;
	if (!*p)
		return 1;
	tl = strcspn(p, " ");
	if (tl == 2 && p[0] == '.' && p[1] == '.') {
		size_t g;
		for (g = 0; g <= 3 && i + g <= n; g++)
			if (match_at(p + tl, w, n, i + g))
				return 1;
		return 0;
	}
	if (i >= n || !token_match(p, tl, w[i]))
		return 0;
	return match_at(p + tl, w, n, i + 1);
}

/* Is word i in a subordinate clause? The clause starts after the last
 * comma, semicolon, colon or dash before it (or at the sentence's start). */
static int subordinate(const lens_sentence *s, size_t i, const char *const *subs)
{
	size_t c = i;
	while (c > s->first && !(s->pre[c] == ',' || s->pre[c] == ';' || s->pre[c] == ':' || s->pre[c] == '-'))
		c--;
	if (c == s->first && (!strcmp(s->w[c], "der") || !strcmp(s->w[c], "som") ||
	    !strcmp(s->w[c], "at") || !strcmp(s->w[c], "that")))
		return 0; /* "Der skal …", "That is …": no relative clause */
	return c < i && in_list(subs, s->w[c]);
}

/* A Danish conditional inversion: a finite verb first, then after a comma
 * a main clause that opens with its verb. */
static int inversion(const lens_sentence *s)
{
	size_t j;
	const char *f;
	size_t fl;
	if (s->first >= s->n)
		return 0;
	f = s->w[s->first];
	fl = strlen(f);
	if (!in_list(inversion_da, f) && !(fl >= 5 && !strcmp(f + fl - 2, "es")))
		return 0;
	for (j = s->first + 1; j < s->n; j++)
		if (s->pre[j] == ',' && in_list(main_verbs_da, s->w[j]))
			return 1;
	return 0;
}

int lens_judge(const char *language, const lens_sentence *s, int marker_hit)
{
	const rule *rules;
	const char *const *subs;
	const char *const *imps;
	int da, hit = 0, modal_veto = 0, inverted;
	size_t r, i;

	if (s->flags & LENS_QUESTION)
		return 0;
	if (!language || (strcmp(language, "da") && strcmp(language, "en")))
		return marker_hit != 0;
	if ((s->flags & LENS_UNTERMINATED) && !(s->flags & LENS_LIST_ITEM))
		return 0;
	da = language[0] == 'd';
	rules = da ? rules_da : rules_en;
	subs = da ? subordinators_da : subordinators_en;
	imps = da ? imperatives_da : imperatives_en;
	/* a conditional set-up ("Skal der anlægges …, skal …", "If the plan is
	 * approved, …") describes a procedure */
	inverted = da ? inversion(s) : s->first < s->n &&
		(!strcmp(s->w[s->first], "if") || !strcmp(s->w[s->first], "when") ||
		 !strcmp(s->w[s->first], "unless") || !strcmp(s->w[s->first], "once"));

	/* exclusions first: one of them settles the sentence */
	for (r = 0; rules[r].kind; r++) {
		const char *p = rules[r].pattern;
		int anchored = p[0] == '^';
		char fb[16];
		size_t nfb;
		if (rules[r].kind != 'X' && rules[r].kind != 'M')
			continue;
		nfb = first_bytes(p + anchored, fb);
		for (i = anchored ? s->first : 0; i < s->n; i++) {
			if ((!nfb || memchr(fb, s->w[i][0], nfb)) && match_at(p + anchored, s->w, s->n, i)) {
				if (rules[r].kind == 'X')
					return 0;
				modal_veto = 1;
				break;
			}
			if (anchored)
				break;
		}
	}
	if (s->first < s->n && in_list(imps, s->w[s->first]))
		return 1;
	if (marker_hit && !modal_veto && !inverted)
		return 1;
	for (r = 0; rules[r].kind && !hit; r++) {
		const char *p = rules[r].pattern;
		int anchored = p[0] == '^';
		char kind = rules[r].kind;
		char fb[16];
		size_t nfb;
		if (kind != 'P' && kind != 'S' && kind != 'm')
			continue;
		if (kind != 'S' && inverted)
			continue;
		/* the modal constructions give way to a legal deadline */
		if (modal_veto && kind == 'm')
			continue;
		nfb = first_bytes(p + anchored, fb);
		for (i = anchored ? s->first : 0; i < s->n; i++) {
			if ((!nfb || memchr(fb, s->w[i][0], nfb)) && match_at(p + anchored, s->w, s->n, i) &&
			    (kind == 'S' || !subordinate(s, i, subs))) {
				hit = 1;
				break;
			}
			if (anchored)
				break;
		}
	}
	return hit;
}

/* Function words of each language, to tell a text's language by; none
 * that German (the other language of the fixtures) shares. */
static const char *const words_da[] = {
	"og", "at", "det", "til", "på", "ikke", "af", "med", "som", "har", "vi",
	"skal", "kan", "jeg", "også", "eller", "være", "bliver", "hvis", NULL
};
static const char *const words_en[] = {
	"the", "and", "of", "to", "is", "that", "it", "we", "are", "be", "not",
	"this", "with", "on", "by", "as", "have", "from", "they", "which", NULL
};

const char *lens_detect_language(const char *text, size_t len)
{
	size_t i = 0, da = 0, en = 0, words = 0;
	/* the first 16 KB say enough */
	if (len > 16384)
		len = 16384;
	while (i < len) {
		char w[16];
		size_t n = 0;
		while (i < len && !((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
		       (unsigned char)text[i] >= 0x80))
			i++;
		while (i < len && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
		       (unsigned char)text[i] >= 0x80)) {
			if (n < sizeof(w) - 1)
				w[n++] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32 : text[i]);
			i++;
		}
		w[n] = '\0';
		if (n == 0)
			continue;
		words++;
		if (n >= sizeof(w) - 1)
			continue;
		da += in_list(words_da, w);
		en += in_list(words_en, w);
	}
	/* in Danish and English prose these words are one word in five or
	 * more; a text in another language meets few of them */
	if (da + en < 5 || 10 * (da + en) < words)
		return NULL;
	if (da > 2 * en)
		return "da";
	if (en > 2 * da)
		return "en";
	return NULL;
}
