/*
 * test_blame_walk.c: the blame walk's shortcuts change no answer. On a
 * generated history of a few hundred revisions (sentences reworded, one
 * paragraph re-wrapped, moved, added, dropped or brought back, the title
 * alone changed) the fast walk (blobs read ahead on a second thread, the
 * blocks a revision shares with the one before not cut again, an unchanged
 * text not diffed) gives every sentence the same wording, first appearance
 * and restored mark as the reference walk, blamed at the newest revision
 * and at one in the middle; from the revisions listed once (the site's way)
 * it answers as from the document's name. The pieces alone: a body split reusing the
 * revision before's blocks equals one cut whole; the blob reader gives each
 * blob in order and names one it cannot read.
 */
#include "helpers.h"
#include "segment.h"
#include "blame_internal.h"

#include <stdio.h>
#include <string.h>

static const char *words[] = {
	"kommunerne", "staten", "reform", "frihed", "borgerne", "skal", "bør", "have", "mere",
	"færre", "krav", "tillid", "udledningen", "inden", "halvere", "velfærd", "skolen",
	"ældreplejen", "regionerne", "lokalt", "demokrati", "økonomi", "grøn", "omstilling",
};

static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 8) & 0xffffff;
}

/* A sentence of 4-9 words from the vocabulary, capitalised, with a full stop. */
static void make_sentence(stance_buf *out, uint32_t *rnd)
{
	size_t n = 4 + next_random(rnd) % 6, i;
	for (i = 0; i < n; i++) {
		const char *w = words[next_random(rnd) % (sizeof(words) / sizeof(words[0]))];
		if (i == 0) {
			stance_buf_putc(out, (char)(w[0] >= 'a' && w[0] <= 'z' ? w[0] - 32 : w[0]));
			stance_buf_puts(out, w + 1);
		} else {
			stance_buf_putc(out, ' ');
			stance_buf_puts(out, w);
		}
	}
	stance_buf_putc(out, '.');
}

#define MAXP 24

typedef struct {
	char *para[MAXP];    /* paragraphs, sentences separated by ' ' or '\n' */
	size_t n;
	char *dropped[MAXP]; /* paragraphs removed, to bring back */
	size_t ndropped;
} text_state;

static char *make_paragraph(uint32_t *rnd)
{
	stance_buf b = STANCE_BUF_INIT;
	size_t n = 1 + next_random(rnd) % 4, i;
	for (i = 0; i < n; i++) {
		if (i)
			stance_buf_putc(&b, ' ');
		make_sentence(&b, rnd);
	}
	return stance_buf_detach(&b);
}

static void render(stance_buf *out, const text_state *t)
{
	size_t i;
	stance_buf_clear(out);
	stance_buf_puts(out, "# Frihed til kommunerne\n\n");
	for (i = 0; i < t->n; i++) {
		if (i == 3)
			stance_buf_puts(out, "## Forslag\n\n");
		if (i % 5 == 4)
			stance_buf_puts(out, "- ");
		stance_buf_puts(out, t->para[i]);
		stance_buf_puts(out, "\n\n");
	}
}

/* One change to the text, as the archive's revisions make them. */
static void change(text_state *t, uint32_t *rnd)
{
	size_t i = t->n ? next_random(rnd) % t->n : 0, j;
	char *p, *tmp;
	switch (next_random(rnd) % 6) {
	case 0: /* reword: a sentence of the paragraph replaced, or a word of it */
		if (!t->n)
			break;
		p = t->para[i];
		if (next_random(rnd) % 2) {
			stance_buf b = STANCE_BUF_INIT;
			char *dot = strchr(p, '.');
			make_sentence(&b, rnd);
			if (dot)
				stance_buf_puts(&b, dot + 1);
			free(p);
			t->para[i] = stance_buf_detach(&b);
		} else {
			char *sp = strchr(p, ' ');
			if (sp && sp[1] >= 'a' && sp[1] <= 'z')
				sp[1] = sp[1] == 'k' ? 's' : 'k';
		}
		break;
	case 1: /* re-wrap: spaces become line breaks and back */
		if (!t->n)
			break;
		for (p = t->para[i]; *p; p++)
			if (*p == ' ' && next_random(rnd) % 3 == 0)
				*p = '\n';
			else if (*p == '\n')
				*p = ' ';
		break;
	case 2: /* move a paragraph */
		if (t->n < 2)
			break;
		j = next_random(rnd) % t->n;
		tmp = t->para[i];
		t->para[i] = t->para[j];
		t->para[j] = tmp;
		break;
	case 3: /* add one */
		if (t->n == MAXP)
			break;
		memmove(t->para + i + 1, t->para + i, (t->n - i) * sizeof(*t->para));
		t->para[i] = make_paragraph(rnd);
		t->n++;
		break;
	case 4: /* drop one, kept to bring back */
		if (t->n < 3 || t->ndropped == MAXP)
			break;
		t->dropped[t->ndropped++] = t->para[i];
		memmove(t->para + i, t->para + i + 1, (t->n - i - 1) * sizeof(*t->para));
		t->n--;
		break;
	case 5: /* bring a dropped one back */
		if (!t->ndropped || t->n == MAXP)
			break;
		memmove(t->para + i + 1, t->para + i, (t->n - i) * sizeof(*t->para));
		t->para[i] = t->dropped[--t->ndropped];
		t->n++;
		break;
	}
}

static void save(stance_repo *repo, const char *body, const char *title, int64_t when)
{
	stance_document *doc = NULL;
	stance_save_options o = STANCE_SAVE_OPTIONS_INIT;
	stance_save_result r;
	cr_assert_eq(stance_document_new(&doc), 0);
	cr_assert_eq(stance_document_set(doc, "id", "kl/frihed"), 0);
	cr_assert_eq(stance_document_set(doc, "title", title), 0);
	cr_assert_eq(stance_document_set(doc, "language", "da"), 0);
	cr_assert_eq(stance_document_set_body(doc, body, strlen(body)), 0);
	o.time = when;
	o.author_name = "Anna Holm";
	o.author_email = "anna@example.dk";
	cr_assert_eq(stance_store_save(&r, repo, doc, &o), 0, "%s", stance_error_last());
	stance_document_free(doc);
}

static void same_blame(stance_repo *repo, const char *spec)
{
	stance_blame fast, slow;
	size_t i, reworded = 0, restored = 0;
	cr_assert_eq(stance_blame_document(&fast, repo, spec, NULL), 0, "%s", stance_error_last());
	cr_assert_eq(blame_document_reference(&slow, repo, spec, NULL), 0, "%s", stance_error_last());
	cr_assert_eq(fast.count, slow.count, "%s: %zu sentences, the reference %zu", spec, fast.count, slow.count);
	cr_assert_gt(fast.count, 10);
	for (i = 0; i < fast.count; i++) {
		const stance_blame_sentence *a = &fast.sentences[i], *b = &slow.sentences[i];
		cr_assert(a->start == b->start && a->end == b->end && !strcmp(a->text, b->text),
			"%s: sentence %zu is '%s', the reference's '%s'", spec, i, a->text, b->text);
		cr_assert(a->wording == b->wording && a->origin == b->origin && a->restored == b->restored,
			"%s: '%s': wording %zu, first %zu, restored %d; the reference %zu, %zu, %d",
			spec, a->text, a->wording, a->origin, a->restored, b->wording, b->origin, b->restored);
		reworded += a->wording != a->origin;
		restored += a->restored;
	}
	/* the history is one to blame: sentences reworded since they first
	 * appeared, and wordings removed and brought back */
	cr_assert_gt(reworded, 0, "%s: nothing reworded", spec);
	cr_assert_gt(restored, 0, "%s: nothing restored", spec);
	stance_blame_free(&fast);
	stance_blame_free(&slow);
}

Test(blame_walk, the_fast_walk_answers_as_the_reference_walk, .fini = th_cleanup, .timeout = 120)
{
	char *dir = th_tmpdir();
	stance_repo *repo = NULL;
	text_state t;
	stance_buf body = STANCE_BUF_INIT;
	uint32_t rnd = 20201204;
	int64_t when = 1577880000; /* 2020-01-01 */
	size_t rev, i;
	char spec[64];

	memset(&t, 0, sizeof(t));
	for (i = 0; i < 12; i++)
		t.para[t.n++] = make_paragraph(&rnd);
	cr_assert_eq(stance_repo_init(&repo, dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_repo_lock(repo, 0), 0, "%s", stance_error_last());
	for (rev = 0; rev < 300; rev++) {
		if (rev && rev % 17 == 0) {
			/* the front matter alone changes: the body is the one before */
			char title[32];
			snprintf(title, sizeof(title), "Frihed, udgave %zu", rev);
			save(repo, body.ptr, title, when);
		} else {
			if (rev)
				change(&t, &rnd);
			render(&body, &t);
			save(repo, body.ptr, "Frihed", when);
		}
		when += 86400;
	}
	same_blame(repo, "kl/frihed");
	snprintf(spec, sizeof(spec), "kl/frihed@{%d}", 150);
	same_blame(repo, spec);

	/* the site's way in: the revisions listed once, the newest blamed */
	{
		stance_history_options ho = STANCE_HISTORY_OPTIONS_INIT;
		stance_revision_list list = { NULL, 0 };
		const stance_revision **revs;
		stance_blame a, b;
		ho.include_reextract = 1;
		cr_assert_eq(stance_history_list(&list, repo, &ho), 0, "%s", stance_error_last());
		cr_assert_gt(list.count, 200, "%zu revisions", list.count);
		revs = calloc(list.count, sizeof(*revs));
		for (i = 0; i < list.count; i++)
			revs[i] = &list.items[i];
		cr_assert_eq(stance_blame_revisions(&a, repo, revs, list.count), 0, "%s", stance_error_last());
		cr_assert_eq(stance_blame_document(&b, repo, "kl/frihed", NULL), 0, "%s", stance_error_last());
		cr_assert_eq(a.count, b.count);
		cr_assert_eq(a.revisions.count, b.revisions.count);
		for (i = 0; i < a.count; i++)
			cr_assert(!strcmp(a.sentences[i].text, b.sentences[i].text) &&
				!strcmp(a.revisions.items[a.sentences[i].wording].commit, b.revisions.items[b.sentences[i].wording].commit) &&
				!strcmp(a.revisions.items[a.sentences[i].origin].commit, b.revisions.items[b.sentences[i].origin].commit),
				"sentence %zu: '%s'", i, a.sentences[i].text);
		cr_assert_lt(stance_blame_revisions(&a, repo, revs, 0), 0, "nothing to blame is an error");
		stance_blame_free(&a);
		stance_blame_free(&b);
		stance_revision_list_free(&list);
		free(revs);
	}

	stance_buf_dispose(&body);
	for (i = 0; i < t.n; i++)
		free(t.para[i]);
	for (i = 0; i < t.ndropped; i++)
		free(t.dropped[i]);
	stance_repo_free(repo);
	free(dir);
}

/* The split of `body` reusing the split of `prev` equals the split of body alone. */
static void same_split(const char *prev, const char *body)
{
	seg_body_split p, reused, whole;
	size_t i;
	cr_assert_eq(seg_body_split_make(&p, prev, strlen(prev), NULL, NULL, 0), 0);
	cr_assert_eq(seg_body_split_make(&reused, body, strlen(body), &p, prev, strlen(prev)), 0);
	cr_assert_eq(seg_body_split_make(&whole, body, strlen(body), NULL, NULL, 0), 0);
	cr_assert_eq(reused.nblocks, whole.nblocks);
	cr_assert_eq(reused.sentences.count, whole.sentences.count, "'%s' after '%s'", body, prev);
	for (i = 0; i < whole.sentences.count; i++) {
		const seg_sentence *a = &reused.sentences.items[i], *b = &whole.sentences.items[i];
		cr_assert(a->start == b->start && a->end == b->end && a->block == b->block && a->hash == b->hash,
			"sentence %zu of '%s' after '%s'", i, body, prev);
	}
	seg_body_split_clear(&p);
	seg_body_split_clear(&reused);
	seg_body_split_clear(&whole);
}

Test(blame_walk, a_split_reusing_the_revision_before_equals_one_cut_whole)
{
	const char *a = "# Titel\n\nEn. To sætninger.\n\n- Et punkt. Og mere.\n\nSidste afsnit her.\n";
	same_split(a, a);
	same_split(a, "# Titel\n\nEn. To sætninger.\n\n- Et punkt. Og mere.\n\nSidste afsnit nu.\n");
	same_split(a, "# Ny titel\n\nEn. To sætninger.\n\n- Et punkt. Og mere.\n\nSidste afsnit her.\n");
	/* a block grown at the end of the prefix, one split in two, one joined */
	same_split(a, "# Titel\n\nEn. To sætninger. Tre.\n\n- Et punkt. Og mere.\n\nSidste afsnit her.\n");
	same_split(a, "# Titel\n\nEn.\n\nTo sætninger.\n\n- Et punkt. Og mere.\n\nSidste afsnit her.\n");
	same_split(a, "# Titel\n\nEn. To sætninger.\n- Et punkt. Og mere.\n\nSidste afsnit her.\n");
	same_split(a, "");
	same_split("", a);
	/* a fence opened in the shared start runs on differently */
	same_split("Før.\n\n```\nkode. Her.\n```\n\nEfter. Ja.\n", "Før.\n\n```\nkode. Her.\n\nEfter. Ja.\n");
}

Test(blame_walk, the_blob_reader_gives_each_blob_in_order_and_names_one_it_cannot_read, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *repo = NULL;
	stance_history_options ho = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stance_history_blobs *reader = NULL;
	stance_buf got = STANCE_BUF_INIT, want = STANCE_BUF_INIT;
	const char *ids[40];
	const char *bad[] = { "", "0123456789012345678901234567890123456789" };
	char body[64];
	size_t i;

	cr_assert_eq(stance_repo_init(&repo, dir), 0, "%s", stance_error_last());
	cr_assert_eq(stance_repo_lock(repo, 0), 0, "%s", stance_error_last());
	for (i = 0; i < 30; i++) {
		snprintf(body, sizeof(body), "Version %zu af teksten.\n", i);
		save(repo, body, "Frihed", 1577880000 + (int64_t)i * 86400);
	}
	ho.id = "kl/frihed";
	cr_assert_eq(stance_history_list(&list, repo, &ho), 0, "%s", stance_error_last());
	cr_assert_eq(list.count, 30);
	for (i = 0; i < list.count; i++)
		ids[i] = list.items[i].blob;
	ids[list.count] = "";
	cr_assert_eq(stance_history_blobs_open(&reader, repo, ids, list.count + 1), 0);
	for (i = 0; i < list.count; i++) {
		cr_assert_eq(stance_history_blobs_next(&got, reader), 0, "%s", stance_error_last());
		stance_buf_clear(&want);
		cr_assert_eq(stance_history_read_blob(&want, repo, ids[i]), 0);
		cr_assert(got.size == want.size && !memcmp(got.ptr, want.ptr, got.size), "blob %zu", i);
	}
	cr_assert_eq(stance_history_blobs_next(&got, reader), 0);
	cr_assert_eq(got.size, 0, "\"\" is an empty text (a removal)");
	cr_assert_lt(stance_history_blobs_next(&got, reader), 0, "nothing after the last");
	stance_history_blobs_free(reader);

	cr_assert_eq(stance_history_blobs_open(&reader, repo, bad, 2), 0);
	cr_assert_eq(stance_history_blobs_next(&got, reader), 0);
	cr_assert_lt(stance_history_blobs_next(&got, reader), 0);
	cr_assert(strstr(stance_error_last(), bad[1]), "the message names the blob: %s", stance_error_last());
	stance_history_blobs_free(reader);

	stance_buf_dispose(&got);
	stance_buf_dispose(&want);
	stance_revision_list_free(&list);
	stance_repo_free(repo);
	free(dir);
}
