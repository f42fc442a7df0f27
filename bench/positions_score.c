/*
 * positions_score.c: scores the position lens against the labelled texts of
 * bench/positions/ (format: docs/positions.md). Each file becomes a Markdown
 * body; the lens lists its statements; a labelled sentence counts as found
 * when a statement covers at least half of it. Prints precision, recall and
 * F1 per document and overall, then every error.
 *
 * Usage: positions_score [--language] FILE...
 *   --language  pass each file's "%lang" to the lens (default: none, so the
 *               lens detects the language itself)
 */
#include "stance/positions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	size_t start, end;
	int label, found;
} sentence;

typedef struct {
	char *buf;
	size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		if (!(t->buf = realloc(t->buf, t->cap))) {
			fputs("positions_score: out of memory\n", stderr);
			exit(2);
		}
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static int starts_block(const char *s)
{
	size_t k = 0;
	if (!strncmp(s, "- ", 2) || !strncmp(s, "> ", 2) || !strncmp(s, "| ", 2))
		return 1;
	while (s[k] >= '0' && s[k] <= '9')
		k++;
	return k > 0 && s[k] == '.' && s[k + 1] == ' ';
}

/* Does text[0, len) end with a sentence's last mark? */
static int ended(const char *s, size_t len)
{
	static const char *const ends[] = { ".", "!", "?", "\"", ")", "\xE2\x80\xA6",
		"\xE2\x80\x9D", "\xC2\xBB", NULL };
	size_t k;
	for (k = 0; ends[k]; k++) {
		size_t n = strlen(ends[k]);
		if (len >= n && !memcmp(s + len - n, ends[k], n))
			return 1;
	}
	return 0;
}

typedef struct {
	long tp, fp, fn, tn;
} counts;

static void print_scores(const char *name, const counts *c)
{
	double p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
	double r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
	double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
	printf("%-36s %4ld %4ld  P %.2f  R %.2f  F1 %.2f\n", name, c->tp + c->fn + c->fp + c->tn,
		c->tp + c->fn, p, r, f);
}

int main(int argc, char **argv)
{
	stance_positions *lens = NULL;
	counts all = { 0 };
	text errors = { 0 };
	int i, use_language = 0, first = 1;

	if (argc > 1 && !strcmp(argv[1], "--language")) {
		use_language = 1;
		first = 2;
	}
	if (stance_positions_new_default(&lens) < 0) {
		fprintf(stderr, "positions_score: %s\n", stance_error_last());
		return 2;
	}
	printf("%-36s %4s %4s\n", "document", "sent", "pos");
	for (i = first; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		char line[4096], lang[4096] = "";
		text body = { 0 };
		sentence *s = NULL;
		size_t ns = 0, k, j, lineno = 0;
		int in_par = 0;
		counts c = { 0 };
		stance_position_list list = { 0 };
		const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

		if (!f) {
			fprintf(stderr, "positions_score: cannot open %s\n", argv[i]);
			return 2;
		}
		put(&body, "", 0);
		while (fgets(line, sizeof(line), f)) {
			size_t n = strlen(line);
			char *t;
			int label, join_line = 0;
			lineno++;
			while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (line[0] == '%') {
				if (!strncmp(line, "%lang ", 6))
					snprintf(lang, sizeof(lang), "%s", line + 6);
				continue;
			}
			if ((line[0] != 'P' && line[0] != 'N') ||
			    !(line[1] == '|' || (line[1] == '+' && line[2] == '|'))) {
				if (n && line[0] != '#') {
					fprintf(stderr, "%s:%zu: a line is a heading (#), %%lang, blank, "
						"or a sentence labelled P| or N|\n", argv[i], lineno);
					return 2;
				}
				/* a heading or a blank line ends the paragraph */
				if (in_par || body.len)
					put(&body, "\n\n", body.len ? 2 : 0);
				in_par = 0;
				if (n) {
					put(&body, line, n);
					put(&body, "\n\n", 2);
				}
				while (body.len >= 3 && !strcmp(body.buf + body.len - 3, "\n\n\n"))
					body.len--;
				continue;
			}
			label = line[0] == 'P';
			join_line = line[1] == '+';
			t = line + (join_line ? 3 : 2);
			/* a line without a sentence end (a byline, a teaser) stands
			 * alone, as in a page */
			if (in_par && !ended(body.buf, body.len))
				put(&body, "\n\n", 2);
			else if (in_par && starts_block(t))
				put(&body, "\n", 1);
			else if (in_par)
				put(&body, join_line ? "\n" : " ", 1);
			in_par = 1;
			if (!(s = realloc(s, (ns + 1) * sizeof(*s)))) {
				fputs("positions_score: out of memory\n", stderr);
				return 2;
			}
			s[ns].start = body.len + (starts_block(t) ? 2 : 0);
			put(&body, t, strlen(t));
			s[ns].end = body.len;
			s[ns].label = label;
			s[ns].found = 0;
			ns++;
		}
		fclose(f);
		put(&body, "\n", 1);
		if (stance_positions_extract(&list, lens, use_language && *lang ? lang : NULL,
			body.buf, body.len) < 0) {
			fprintf(stderr, "positions_score: %s: %s\n", argv[i], stance_error_last());
			return 2;
		}
		for (k = 0; k < list.count; k++)
			for (j = 0; j < ns; j++) {
				size_t a = list.items[k].start > s[j].start ? list.items[k].start : s[j].start;
				size_t b = list.items[k].end < s[j].end ? list.items[k].end : s[j].end;
				if (b > a && 2 * (b - a) >= s[j].end - s[j].start)
					s[j].found = 1;
			}
		for (j = 0; j < ns; j++) {
			char head[64];
			if (s[j].label && s[j].found)
				c.tp++;
			else if (s[j].label)
				c.fn++;
			else if (s[j].found)
				c.fp++;
			else
				c.tn++;
			if (s[j].label == s[j].found)
				continue;
			snprintf(head, sizeof(head), "%s %s: ", s[j].label ? "missed" : "false ", name);
			put(&errors, head, strlen(head));
			put(&errors, body.buf + s[j].start, s[j].end - s[j].start);
			put(&errors, "\n", 1);
		}
		print_scores(name, &c);
		all.tp += c.tp;
		all.fp += c.fp;
		all.fn += c.fn;
		all.tn += c.tn;
		stance_position_list_free(&list);
		free(s);
		free(body.buf);
	}
	print_scores("overall", &all);
	if (errors.len)
		printf("\nerrors:\n%s", errors.buf);
	free(errors.buf);
	stance_positions_free(lens);
	return 0;
}
