/*
 * test_blame.c: `stance blame`: the revision of each sentence's wording and
 * of its first appearance, told as the stories an archivist meets: a
 * re-wrap, a moved paragraph, a rewording, a sentence deleted and restored.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define HEAD "---\ntitle: \"Frihed\"\nkind: debate\nlanguage: da\n---\n\n# Frihed\n\n"

/* Adds body as revision N of kl/frihed, dated 2020-0N-01. */
static void add_rev(const char *dir, int n, const char *body)
{
	char file[32], date[16], msg[16];
	stance_buf doc = STANCE_BUF_INIT;
	snprintf(file, sizeof(file), "in/%d.md", n);
	snprintf(date, sizeof(date), "2020-%02d-01", n);
	snprintf(msg, sizeof(msg), "rev %d", n);
	stance_buf_printf(&doc, "%s%s", HEAD, body);
	th_write(dir, file, doc.ptr);
	OK0(dir, "add", file, "--id", "kl/frihed", "--date", date, "-m", msg);
	stance_buf_dispose(&doc);
}

static char *repo(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	return dir;
}

/* The blame line of the sentence starting with `text`. */
static const char *line_of(const char *out, const char *text)
{
	const char *at = strstr(out, text), *bol;
	cr_assert(at, "'%s' is blamed: %s", text, out);
	for (bol = at; bol > out && bol[-1] != '\n'; bol--)
		;
	return bol;
}

/* 1 when the line starting at `line` names the commits `wording` and `origin`. */
static int blamed(const char *line, const char *wording, const char *origin)
{
	return !strncmp(line, wording, 7) && strstr(line, origin) && strstr(line, origin) < strchr(line, '\n');
}

Test(blame, a_rewrap_changes_no_attribution, .fini = th_cleanup)
{
	char *dir = repo(), *first;
	th_result r;
	add_rev(dir, 1, "Vi skal have mere frihed i kommunerne. Der er brug for en ny reform.\n");
	add_rev(dir, 2, "Vi skal have mere\nfrihed i kommunerne.\nDer er brug for en\nny reform.\n");
	first = th_sh_out(dir, "git rev-parse --short=7 HEAD~1 | tr -d '\\n'");
	OK(&r, dir, "blame", "kl/frihed");
	cr_assert(blamed(line_of(r.out.ptr, "Vi skal have mere frihed i kommunerne."), first, first),
		"re-wrapped, still %s's: %s", first, r.out.ptr);
	cr_assert(blamed(line_of(r.out.ptr, "Der er brug for en ny reform."), first, first), "%s", r.out.ptr);
	th_result_free(&r);
	free(first);
	free(dir);
}

Test(blame, a_moved_paragraph_keeps_its_origin, .fini = th_cleanup)
{
	char *dir = repo(), *first, *last;
	th_result r;
	add_rev(dir, 1, "Kommunerne skal halvere udledningen inden 2030.\n\n"
		"Der er brug for en ny reform af udligningen.\n\nBorgerne skal have frit valg.\n");
	add_rev(dir, 2, "Der er brug for en ny reform af udligningen.\n\nBorgerne skal have frit valg.\n\n"
		"Kommunerne skal halvere udledningen inden 2030.\n");
	first = th_sh_out(dir, "git rev-parse --short=7 HEAD~1 | tr -d '\\n'");
	last = th_sh_out(dir, "git rev-parse --short=7 HEAD | tr -d '\\n'");
	OK(&r, dir, "blame", "kl/frihed");
	cr_assert(blamed(line_of(r.out.ptr, "Kommunerne skal halvere"), first, first),
		"moved, still %s's: %s", first, r.out.ptr);
	cr_assert(!strstr(r.out.ptr, last), "no sentence is the move's (%s): %s", last, r.out.ptr);
	th_result_free(&r);
	free(first);
	free(last);
	free(dir);
}

Test(blame, a_reworded_sentence_shows_its_wording_and_its_first_appearance, .fini = th_cleanup)
{
	char *dir = repo(), *first, *second, *third;
	th_result r;
	add_rev(dir, 1, "Vi skal have mere frihed i kommunerne.\n\nDer er brug for en ny reform.\n");
	add_rev(dir, 2, "Vi bør have mere frihed i kommunerne.\n\nDer er brug for en ny reform.\n");
	add_rev(dir, 3, "Vi bør have langt mere frihed i kommunerne.\n\nDer er brug for en ny reform.\n\n"
		"Skolerne skal have flere lærere.\n");
	first = th_sh_out(dir, "git rev-parse --short=7 HEAD~2 | tr -d '\\n'");
	second = th_sh_out(dir, "git rev-parse HEAD~1 | tr -d '\\n'");
	third = th_sh_out(dir, "git rev-parse --short=7 HEAD | tr -d '\\n'");
	OK(&r, dir, "blame", "kl/frihed");
	cr_assert(blamed(line_of(r.out.ptr, "Vi bør have langt mere frihed"), third, first),
		"worded by %s, first said in %s: %s", third, first, r.out.ptr);
	cr_assert(blamed(line_of(r.out.ptr, "Skolerne skal"), third, third), "new: %s", r.out.ptr);
	cr_assert(blamed(line_of(r.out.ptr, "Der er brug"), first, first), "untouched: %s", r.out.ptr);
	th_result_free(&r);
	/* as of the second revision, the wording is that revision's */
	{
		stance_buf spec = STANCE_BUF_INIT;
		stance_buf_printf(&spec, "kl/frihed@%s", second);
		OK(&r, dir, "blame", spec.ptr, "--json");
		cr_assert(strstr(r.out.ptr, "\"text\": \"Vi bør have mere frihed i kommunerne.\""), "%s", r.out.ptr);
		cr_assert(!strstr(r.out.ptr, "Skolerne"), "not yet written: %s", r.out.ptr);
		cr_assert(strstr(r.out.ptr, second), "%s", r.out.ptr);
		th_result_free(&r);
		stance_buf_dispose(&spec);
	}
	free(first);
	free(second);
	free(third);
	free(dir);
}

Test(blame, a_sentence_deleted_and_restored_later_keeps_its_first_appearance, .fini = th_cleanup)
{
	char *dir = repo(), *first, *last;
	th_result r;
	add_rev(dir, 1, "Kommunerne skal halvere udledningen inden 2030.\n\nDer er brug for en ny reform.\n");
	add_rev(dir, 2, "Der er brug for en ny reform.\n");
	add_rev(dir, 3, "Der er brug for en ny reform.\n\nKommunerne skal halvere udledningen inden 2030.\n");
	first = th_sh_out(dir, "git rev-parse --short=7 HEAD~2 | tr -d '\\n'");
	last = th_sh_out(dir, "git rev-parse --short=7 HEAD | tr -d '\\n'");
	OK(&r, dir, "blame", "kl/frihed");
	cr_assert(blamed(line_of(r.out.ptr, "Kommunerne skal halvere"), last, first),
		"back in %s, first in %s: %s", last, first, r.out.ptr);
	cr_assert(strstr(line_of(r.out.ptr, "Kommunerne skal halvere"), " r"), "marked restored: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "blame", "kl/frihed", "--json");
	cr_assert(strstr(r.out.ptr, "\"restored\": true"), "%s", r.out.ptr);
	th_result_free(&r);
	free(first);
	free(last);
	free(dir);
}

Test(blame, json_ranges_point_into_the_body_and_positions_filter, .fini = th_cleanup)
{
	char *dir = repo(), *body;
	th_result r;
	add_rev(dir, 1, "Vejret var godt i går.\n\nVi skal have mere frihed i kommunerne.\n");
	OK(&r, dir, "blame", "kl/frihed", "--json", "--positions");
	cr_assert(!strstr(r.out.ptr, "Vejret"), "not a position statement: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"position\": true"), "%s", r.out.ptr);
	{
		/* the range cuts the sentence out of the body after the front matter */
		const char *rg = strstr(r.out.ptr, "\"range\": [");
		long a, b;
		char *endp;
		cr_assert(rg, "%s", r.out.ptr);
		a = strtol(rg + 10, &endp, 10);
		b = strtol(endp + 1, NULL, 10);
		body = th_sh_out(dir, "git show HEAD:kl/frihed.md | awk 'n >= 2 { print } /^---$/ { n++ }'");
		cr_assert(b > a && (size_t)b <= strlen(body), "range %ld-%ld in %s", a, b, body);
		cr_assert(!strncmp(body + a, "Vi skal have mere frihed i kommunerne.", (size_t)(b - a)),
			"range %ld-%ld gives '%.*s'", a, b, (int)(b - a), body + a);
		free(body);
	}
	th_result_free(&r);
	free(dir);
}

Test(blame, a_bad_document_or_revision_is_named, .fini = th_cleanup)
{
	char *dir = repo();
	th_result r;
	add_rev(dir, 1, "Vi skal have mere frihed i kommunerne.\n");
	TH_RUN(&r, dir, "blame", "kl/ingen");
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err.ptr, "kl/ingen"), "%s", r.err.ptr);
	cr_assert_eq(r.out.size, 0, "nothing printed: %s", r.out.ptr);
	th_result_free(&r);
	/* a commit that did not change the document: the text it holds */
	th_write(dir, "in/other.md", HEAD "Noget andet.\n");
	OK0(dir, "add", "in/other.md", "--id", "kl/andet", "--date", "2020-02-01");
	OK(&r, dir, "blame", "kl/frihed@HEAD");
	cr_assert(strstr(r.out.ptr, "Vi skal have mere frihed i kommunerne."), "%s", r.out.ptr);
	th_result_free(&r);
		TH_RUN(&r, dir, "blame", "kl/frihed@nosuchrev");
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err.ptr, "nosuchrev"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "blame");
	cr_assert_eq(r.status, 2, "usage: %s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}
