/*
 * fuzz_diff.c: two texts diffed (stance_diff_texts) and, when both parse
 * as documents, the two documents too (stance_diff_documents), each script
 * then rendered by every renderer.
 *
 * Input: OLD 0xff NEW [0xff OPTIONS], where the option bytes choose the
 * unit (byte 0), the context of the terminal view (byte 1), whether
 * positions are skipped (byte 2) and a small cost bound (byte 3), so that
 * the fallback to coarser units is reached too.
 *
 * Properties (diff.h): the top-level ops tile both sides, the old ranges
 * of equal, delete and move ops covering the old text exactly once and the
 * new ranges of equal, insert and move ops the new text, and so do the
 * children of each move over the move's own ranges; an equal op's two
 * ranges hold the same text but for whitespace; the texts the script reads
 * are the ones given; no renderer fails.
 */
#include <utf8proc.h>

#include "fuzz.h"

/* Is `cp` whitespace to the diff (segment.c: ASCII space, tab, line ends,
 * form feed, vertical tab, and Unicode's space separators)? */
static int is_space(utf8proc_int32_t cp)
{
	utf8proc_category_t cat;
	if (cp < 0x80)
		return cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v';
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

/* `text` without its whitespace (a byte that is not UTF-8 is kept). */
static void strip_space(stance_buf *out, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
			(utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			stance_buf_putc(out, text[i]);
			i++;
			continue;
		}
		if (!is_space(cp))
			stance_buf_put(out, text + i, (size_t)n);
		i += (size_t)n;
	}
}

/* Checks that ops [first, first+count) tile old [ostart, oend) and new
 * [nstart, nend), recursing into moves. */
static void check_tiling(const stance_diff *d, size_t first, size_t count, size_t ostart, size_t oend,
	size_t nstart, size_t nend, const char *what)
{
	unsigned char *co = calloc(oend - ostart + 1, 1), *cn = calloc(nend - nstart + 1, 1);
	const char *otext, *ntext;
	size_t ol, nl, i, k;
	if (!co || !cn)
		abort();
	otext = stance_diff_old_text(d, &ol);
	ntext = stance_diff_new_text(d, &nl);
	for (i = first; i < first + count; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		if (!o)
			FUZZ_FAIL("%s: op %zu of %zu is missing", what, i, stance_diff_op_count(d));
		if (o->old_start > o->old_end || o->old_start < ostart || o->old_end > oend)
			FUZZ_FAIL("%s: op %zu (%s) old range [%zu, %zu) outside [%zu, %zu)", what, i,
				stance_diff_op_name(o->op), o->old_start, o->old_end, ostart, oend);
		if (o->new_start > o->new_end || o->new_start < nstart || o->new_end > nend)
			FUZZ_FAIL("%s: op %zu (%s) new range [%zu, %zu) outside [%zu, %zu)", what, i,
				stance_diff_op_name(o->op), o->new_start, o->new_end, nstart, nend);
		if (o->op == STANCE_DIFF_INSERT && o->old_start != o->old_end)
			FUZZ_FAIL("%s: insert op %zu has an old range", what, i);
		if (o->op == STANCE_DIFF_DELETE && o->new_start != o->new_end)
			FUZZ_FAIL("%s: delete op %zu has a new range", what, i);
		if (o->op != STANCE_DIFF_INSERT)
			for (k = o->old_start; k < o->old_end; k++)
				co[k - ostart]++;
		if (o->op != STANCE_DIFF_DELETE)
			for (k = o->new_start; k < o->new_end; k++)
				cn[k - nstart]++;
		if (o->op == STANCE_DIFF_EQUAL) {
			stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
			strip_space(&a, otext + o->old_start, o->old_end - o->old_start);
			strip_space(&b, ntext + o->new_start, o->new_end - o->new_start);
			if (a.size != b.size || memcmp(stance_buf_cstr(&a), stance_buf_cstr(&b), a.size)) {
				fuzz_show_difference("old side", otext + o->old_start, o->old_end - o->old_start,
					"new side", ntext + o->new_start, o->new_end - o->new_start);
				FUZZ_FAIL("%s: equal op %zu's two ranges differ beyond whitespace", what, i);
			}
			stance_buf_dispose(&a);
			stance_buf_dispose(&b);
		}
		if (o->op == STANCE_DIFF_MOVE) {
			if (o->children > first + count - i - 1)
				FUZZ_FAIL("%s: move op %zu claims %zu children, past the end", what, i, o->children);
			check_tiling(d, i + 1, o->children, o->old_start, o->old_end, o->new_start, o->new_end,
				"inside a move");
			i += o->children;
		}
	}
	for (k = 0; k < oend - ostart; k++)
		if (co[k] != 1)
			FUZZ_FAIL("%s: old byte %zu is covered %d times", what, ostart + k, co[k]);
	for (k = 0; k < nend - nstart; k++)
		if (cn[k] != 1)
			FUZZ_FAIL("%s: new byte %zu is covered %d times", what, nstart + k, cn[k]);
	free(co);
	free(cn);
}

/* Every renderer over `d`; each must succeed. */
static void render_all(const stance_diff *d, size_t context)
{
	stance_render_options ro = STANCE_RENDER_OPTIONS_INIT;
	stance_buf out = STANCE_BUF_INIT;
	int color;
	ro.old_label = "kl/x@2020-01-01";
	ro.new_label = "kl/x";
	for (color = 0; color < 2; color++) {
		ro.color = color;
		ro.context = color ? context : 0;
		if (stance_render_term(&out, d, &ro) < 0)
			FUZZ_FAIL("term renderer failed: %s", stance_error_last());
		stance_buf_clear(&out);
		if (stance_render_positions(&out, d, &ro) < 0)
			FUZZ_FAIL("positions view failed: %s", stance_error_last());
		stance_buf_clear(&out);
	}
	ro.color = 0;
	ro.context = 0;
	if (stance_render_porcelain(&out, d, &ro) < 0)
		FUZZ_FAIL("porcelain renderer failed: %s", stance_error_last());
	stance_buf_clear(&out);
	if (stance_render_critic(&out, d, &ro) < 0)
		FUZZ_FAIL("critic renderer failed: %s", stance_error_last());
	stance_buf_clear(&out);
	if (stance_render_html(&out, d, &ro) < 0)
		FUZZ_FAIL("html renderer failed: %s", stance_error_last());
	stance_buf_clear(&out);
	if (stance_render_json(&out, d, &ro) < 0)
		FUZZ_FAIL("json renderer failed: %s", stance_error_last());
	stance_buf_clear(&out);
	ro.positions_only = 1;
	if (stance_render_term(&out, d, &ro) < 0)
		FUZZ_FAIL("term renderer (positions only) failed: %s", stance_error_last());
	stance_buf_dispose(&out);
}

/* The script's checks and renderings; `old_text` and `new_text` are what it
 * must read. */
static void check_diff(const stance_diff *d, const char *old_text, size_t old_len, const char *new_text,
	size_t new_len, size_t context, const char *what)
{
	size_t ol, nl;
	const char *o = stance_diff_old_text(d, &ol), *n = stance_diff_new_text(d, &nl);
	if (ol != old_len || (ol && memcmp(o, old_text, ol)))
		FUZZ_FAIL("%s: the script's old text is not the old side", what);
	if (nl != new_len || (nl && memcmp(n, new_text, nl)))
		FUZZ_FAIL("%s: the script's new text is not the new side", what);
	check_tiling(d, 0, stance_diff_op_count(d), 0, ol, 0, nl, what);
	render_all(d, context);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const stance_diff_unit units[] = { STANCE_DIFF_WORD, STANCE_DIFF_SENTENCE, STANCE_DIFF_BLOCK,
		STANCE_DIFF_CHAR };
	stance_diff_options opts = STANCE_DIFF_OPTIONS_INIT;
	const uint8_t *a, *rest, *b, *o;
	size_t alen, restlen, blen, olen, context = 0;
	stance_document *da = NULL, *db = NULL;
	stance_diff *d = NULL;
	char *old_text, *new_text;

	fuzz_split(data, size, &a, &alen, &rest, &restlen);
	if (fuzz_split(rest, restlen, &b, &blen, &o, &olen)) {
		if (olen > 0)
			opts.by = units[o[0] % STANCE_ARRAY_SIZE(units)];
		if (olen > 1)
			context = o[1] % 4;
		if (olen > 2)
			opts.skip_positions = o[2] & 1;
		if (olen > 3)
			opts.max_cost = (size_t)o[3] * 64;
	}
	/* The diff reads stored documents and files checked as UTF-8. */
	if (stance_utf8_validate((const char *)a, alen, "old") < 0 ||
	    stance_utf8_validate((const char *)b, blen, "new") < 0)
		return 0;
	old_text = fuzz_strndup(a, alen);
	new_text = fuzz_strndup(b, blen);

	if (stance_diff_texts(&d, old_text, alen, new_text, blen, &opts) < 0)
		FUZZ_FAIL("stance_diff_texts failed: %s", stance_error_last());
	check_diff(d, old_text, alen, new_text, blen, context, "texts");
	stance_diff_free(d);
	d = NULL;

	if (stance_document_parse(&da, old_text, alen, "old.md") == 0 &&
	    stance_document_parse(&db, new_text, blen, "new.md") == 0) {
		const char *ob = stance_document_body(da), *nb = stance_document_body(db);
		if (stance_diff_documents(&d, da, db, &opts) < 0)
			FUZZ_FAIL("stance_diff_documents failed: %s", stance_error_last());
		check_diff(d, ob, strlen(ob), nb, strlen(nb), context, "documents");
		stance_diff_free(d);
		d = NULL;
		/* a document against nothing: everything inserted */
		if (stance_diff_documents(&d, NULL, db, &opts) < 0)
			FUZZ_FAIL("stance_diff_documents (no old side) failed: %s", stance_error_last());
		check_diff(d, "", 0, nb, strlen(nb), context, "a new document");
		stance_diff_free(d);
	}
	stance_document_free(da);
	stance_document_free(db);
	free(old_text);
	free(new_text);
	return 0;
}
