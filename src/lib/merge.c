/*
 * merge.c: the document-aware three-way merge behind `stance sync`: front
 * matter field by field, the body block by block (see merge.h).
 */
#include "merge.h"
#include "stance/document.h"
#include "segment.h"
#include "seqdiff.h"

#include <stdio.h>

/* A block of a canonical body: a run of text between blank lines. */
typedef struct {
	const char *ptr;
	size_t len;
	uint64_t hash;
} block;

typedef struct {
	block *items;
	size_t count;
} block_list;

/* One side's edit: base blocks [bs, be) became that side's blocks [ss, se). */
typedef struct {
	size_t bs, be, ss, se;
	int side; /* 0 ours, 1 theirs */
} hunk;

/* Frees the passages; the report is left empty. */
void stance_merge_report_clear(stance_merge_report *report)
{
	size_t i;
	if (!report)
		return;
	for (i = 0; i < report->count; i++)
		free(report->passages[i]);
	free(report->passages);
	report->passages = NULL;
	report->count = 0;
}

/* Adds a passage sentence to the report; the report owns the copy. */
static int report_add(stance_merge_report *report, const char *text)
{
	char **grown = realloc(report->passages, (report->count + 1) * sizeof(*grown));
	if (!grown)
		return stance_error_oom();
	report->passages = grown;
	if (!(grown[report->count] = stance_strdup(text)))
		return STANCE_ERROR;
	report->count++;
	return 0;
}

/* Whether the last line of text[start, end) is blank: the block ends a run. */
static int ends_in_blank_line(const char *text, size_t start, size_t end)
{
	if (end > start && text[end - 1] == '\n')
		end--;
	while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r'))
		end--;
	return end > start && text[end - 1] == '\n';
}

/*
 * Splits `text` into the runs of blocks between blank lines, as segment.c
 * reads canonical Markdown's blocks (so a blank line inside a fenced code
 * block does not split it); the separators and the newlines at the end are
 * left out. The blocks borrow from `text`.
 */
static int split_blocks(block_list *out, const char *text)
{
	stance_diff_block *sb = NULL;
	size_t len = strlen(text), nsb = 0, k, first = 0, cap = 0;
	int error;
	out->items = NULL;
	out->count = 0;
	if ((error = seg_blocks(&sb, &nsb, text, len)) < 0)
		return error;
	for (k = 0; k < nsb; k++) {
		size_t start = sb[first].start, end = sb[k].end;
		if (k + 1 < nsb && !ends_in_blank_line(text, sb[k].start, sb[k].end))
			continue;
		first = k + 1;
		/* the separator: newlines, and blank lines of spaces */
		for (;;) {
			size_t e;
			while (end > start && text[end - 1] == '\n')
				end--;
			e = end;
			while (e > start && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
				e--;
			if (e < end && (e == start || text[e - 1] == '\n')) {
				end = e;
				continue;
			}
			break;
		}
		if (end == start)
			continue;
		if (stance_array_grow(&out->items, &cap, out->count + 1, sizeof(*out->items)) < 0) {
			free(out->items);
			out->items = NULL;
			free(sb);
			return STANCE_ERROR;
		}
		out->items[out->count].ptr = text + start;
		out->items[out->count].len = end - start;
		out->items[out->count].hash = stance_fnv64(text + start, end - start);
		out->count++;
	}
	free(sb);
	return 0;
}

/* Whether two blocks have the same bytes. */
static int block_eq(const block *a, const block *b)
{
	return a->hash == b->hash && a->len == b->len && !memcmp(a->ptr, b->ptr, a->len);
}

/* Orders blocks by hash, then bytes, so that equal blocks stand together. */
static int block_cmp(const void *x, const void *y)
{
	const block *a = *(const block *const *)x, *b = *(const block *const *)y;
	int c;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	c = memcmp(a->ptr, b->ptr, a->len);
	return c;
}

/* Ids for the blocks of `base` and `side`, equal bytes equal ids, from 1 up:
 * what the sequence diff compares. *nids is one past the largest id. */
static int block_ids(uint32_t *ids_base, uint32_t *ids_side, size_t *nids,
	const block_list *base, const block_list *side)
{
	size_t n = base->count + side->count, i;
	const block **all = malloc((n ? n : 1) * sizeof(*all));
	uint32_t id = 0;
	if (!all)
		return stance_error_oom();
	for (i = 0; i < base->count; i++)
		all[i] = &base->items[i];
	for (i = 0; i < side->count; i++)
		all[base->count + i] = &side->items[i];
	qsort(all, n, sizeof(*all), block_cmp);
	for (i = 0; i < n; i++) {
		size_t k;
		if (i == 0 || !block_eq(all[i - 1], all[i]))
			id++;
		if (all[i] >= base->items && all[i] < base->items + base->count) {
			k = (size_t)(all[i] - base->items);
			ids_base[k] = id;
		} else {
			k = (size_t)(all[i] - side->items);
			ids_side[k] = id;
		}
	}
	*nids = (size_t)id + 1;
	free(all);
	return 0;
}

/* Edit-graph steps the sequence diff may take for one side's blocks; past
 * them it marks what is left as one edit, which is coarse but never wrong. */
#define MERGE_DIFF_BUDGET 100000000LL

/*
 * The edits that turn `base` into `side`, from the sequence diff of their
 * blocks (seqdiff.h: patience anchors, Myers between them, linear memory).
 * Appends to `hunks` (grown as needed).
 */
static int diff_blocks(hunk **hunks, size_t *nhunks, size_t *cap,
	const block_list *base, const block_list *side, int which)
{
	size_t n = base->count, m = side->count, i = 0, j = 0, nids = 0;
	uint32_t *ia = malloc((n + 1) * sizeof(*ia)), *ib = malloc((m + 1) * sizeof(*ib));
	uint8_t *ca = calloc(n + 1, 1), *cb = calloc(m + 1, 1);
	long long budget = MERGE_DIFF_BUDGET;
	int error = 0;

#define PUSH_HUNK(BS, BE, SS, SE) do { \
		if ((error = stance_array_grow(hunks, cap, *nhunks + 1, sizeof(**hunks))) < 0) \
			goto done; \
		(*hunks)[*nhunks].bs = (BS); (*hunks)[*nhunks].be = (BE); \
		(*hunks)[*nhunks].ss = (SS); (*hunks)[*nhunks].se = (SE); \
		(*hunks)[*nhunks].side = which; (*nhunks)++; \
	} while (0)

	if (!ia || !ib || !ca || !cb) {
		error = stance_error_oom();
		goto done;
	}
	if ((error = block_ids(ia, ib, &nids, base, side)) < 0 ||
	    (error = seqdiff_patience(ia, n, ib, m, nids, ca, cb, &budget)) < 0)
		goto done;
	error = 0;
	while (i < n || j < m) {
		size_t hi, hj;
		if (i < n && j < m && !ca[i] && !cb[j]) {
			i++;
			j++;
			continue;
		}
		hi = i;
		hj = j;
		while (i < n && ca[i])
			i++;
		while (j < m && cb[j])
			j++;
		if (i - hi == j - hj) {
			/* as many blocks out as in: each one edited in place, so
			 * an edit of a neighbour on the other side still merges */
			size_t k;
			for (k = 0; k < i - hi; k++)
				PUSH_HUNK(hi + k, hi + k + 1, hj + k, hj + k + 1);
		} else {
			PUSH_HUNK(hi, i, hj, j);
		}
	}
done:
#undef PUSH_HUNK
	free(ia);
	free(ib);
	free(ca);
	free(cb);
	return error;
}

/* Orders edits by base position; an insertion before an edit at the same place. */
static int hunk_cmp(const void *a, const void *b)
{
	const hunk *x = a, *y = b;
	if (x->bs != y->bs)
		return x->bs < y->bs ? -1 : 1;
	if (x->be != y->be)
		return x->be < y->be ? -1 : 1;
	return x->side - y->side;
}

/* Whether an edit of base [s, e) touches the cluster [cs, ce). Two
 * insertions at one place collide; an insertion at a cluster's edge does not. */
static int overlaps(size_t cs, size_t ce, const hunk *h)
{
	if (cs == ce && h->bs == h->be)
		return cs == h->bs;
	if (cs == ce)
		return h->bs < cs && cs < h->be;
	if (h->bs == h->be)
		return cs < h->bs && h->bs < ce;
	return h->bs < ce && cs < h->be;
}

/* Appends blocks [from, to) separated by blank lines; `first` tracks the separator. */
static int put_blocks(stance_buf *out, const block *items, size_t from, size_t to, int *first)
{
	size_t i;
	int error = 0;
	for (i = from; i < to && !error; i++) {
		if (!*first)
			error = stance_buf_puts(out, "\n\n");
		*first = 0;
		if (!error)
			error = stance_buf_put(out, items[i].ptr, items[i].len);
	}
	return error;
}

/* The text of base[cs, ce) after one side's hunks in hunks[a, b) of that side. */
static int side_text(stance_buf *out, const block_list *base, const block_list *sidel,
	const hunk *hunks, size_t a, size_t b, int side, size_t cs, size_t ce)
{
	size_t pos = cs, k;
	int first = 1, error = 0;
	for (k = a; k < b && !error; k++) {
		if (hunks[k].side != side)
			continue;
		if ((error = put_blocks(out, base->items, pos, hunks[k].bs, &first)) < 0)
			break;
		error = put_blocks(out, sidel->items, hunks[k].ss, hunks[k].se, &first);
		pos = hunks[k].be;
	}
	if (!error)
		error = put_blocks(out, base->items, pos, ce, &first);
	return error;
}

/* A short, one-line quotation of `len` bytes of `text` in double quotes
 * (about 60 bytes, cut at a character boundary with "…"); "nothing" when
 * the side removed the passage. */
static int quote(stance_buf *out, const char *text, size_t len)
{
	size_t i, n = 0;
	int error;
	if (len == 0)
		return stance_buf_puts(out, "nothing (removed)");
	error = stance_buf_putc(out, '"');
	for (i = 0; i < len && !error; i++) {
		unsigned char c = (unsigned char)text[i];
		if (n >= 60 && (c & 0xC0) != 0x80) {
			error = stance_buf_puts(out, "…");
			break;
		}
		error = stance_buf_putc(out, c == '\n' ? ' ' : (char)c);
		n++;
	}
	return error ? error : stance_buf_putc(out, '"');
}

/* Names a conflicting passage by where it is and quotes both competing
 * versions (not the ancestor, which neither side kept):
 * `paragraph 3: ours "…", theirs "…"`. */
static int describe(stance_buf *out, const char *what, size_t number, const char *ours, size_t ours_len,
	const char *theirs, size_t theirs_len)
{
	int error = stance_buf_printf(out, "%s %zu: ours ", what, number);
	if (!error)
		error = quote(out, ours, ours_len);
	if (!error)
		error = stance_buf_puts(out, ", theirs ");
	return error ? error : quote(out, theirs, theirs_len);
}

/* Appends an already joined run of blocks, with the separator when needed. */
static int append_blocks_text(stance_buf *out, int *first, const char *text, size_t len)
{
	int error = 0;
	if (len == 0)
		return 0;
	if (!*first)
		error = stance_buf_puts(out, "\n\n");
	*first = 0;
	return error ? error : stance_buf_put(out, text, len);
}

/* See merge.h. */
int stance_merge_body(stance_buf *ours_pick, stance_buf *theirs_pick,
	stance_merge_report *report, const char *base, const char *ours,
	const char *theirs)
{
	return stance_merge_body3(ours_pick, theirs_pick, NULL, report, base, ours, theirs);
}

/* See merge.h. */
int stance_merge_body3(stance_buf *ours_pick, stance_buf *theirs_pick, stance_buf *base_pick,
	stance_merge_report *report, const char *base, const char *ours,
	const char *theirs)
{
	stance_buf no_base = STANCE_BUF_INIT;
	int first_b = 1;
	block_list lb = { 0 }, lo = { 0 }, lt = { 0 };
	hunk *hunks = NULL;
	size_t nhunks = 0, cap = 0, k, pos = 0, conflicts = 0;
	stance_buf ta = STANCE_BUF_INIT, tb = STANCE_BUF_INIT, desc = STANCE_BUF_INIT;
	int error, first_o = 1, first_t = 1;

	if (!base_pick)
		base_pick = &no_base;
	if ((error = split_blocks(&lb, base)) < 0 || (error = split_blocks(&lo, ours)) < 0 ||
	    (error = split_blocks(&lt, theirs)) < 0 ||
	    (error = diff_blocks(&hunks, &nhunks, &cap, &lb, &lo, 0)) < 0 ||
	    (error = diff_blocks(&hunks, &nhunks, &cap, &lb, &lt, 1)) < 0)
		goto done;
	if (nhunks)
		qsort(hunks, nhunks, sizeof(*hunks), hunk_cmp);

	for (k = 0; k < nhunks;) {
		size_t cs = hunks[k].bs, ce = hunks[k].be, end = k + 1;
		int sides = 1 << hunks[k].side;
		/* grow the cluster while the next edit touches it */
		while (end < nhunks && overlaps(cs, ce, &hunks[end])) {
			if (hunks[end].be > ce)
				ce = hunks[end].be;
			sides |= 1 << hunks[end].side;
			end++;
		}
		/* unchanged blocks before the cluster */
		if ((error = put_blocks(ours_pick, lb.items, pos, cs, &first_o)) < 0 ||
		    (error = put_blocks(theirs_pick, lb.items, pos, cs, &first_t)) < 0 ||
		    (error = put_blocks(base_pick, lb.items, pos, cs, &first_b)) < 0)
			goto done;
		stance_buf_clear(&ta);
		stance_buf_clear(&tb);
		if ((error = side_text(&ta, &lb, &lo, hunks, k, end, 0, cs, ce)) < 0 ||
		    (error = side_text(&tb, &lb, &lt, hunks, k, end, 1, cs, ce)) < 0)
			goto done;
		if (sides == 3 && (ta.size != tb.size || memcmp(stance_buf_cstr(&ta), stance_buf_cstr(&tb), ta.size))) {
			/* both sides changed this passage differently */
			conflicts++;
			stance_buf_clear(&desc);
			error = describe(&desc, cs < ce ? (ce - cs > 1 ? "paragraphs from" : "paragraph") :
				"new text after paragraph", cs < ce ? cs + 1 : cs, stance_buf_cstr(&ta), ta.size,
				stance_buf_cstr(&tb), tb.size);
			if (error < 0 || (error = report_add(report, desc.ptr)) < 0)
				goto done;
			if ((error = append_blocks_text(ours_pick, &first_o, ta.ptr, ta.size)) < 0 ||
			    (error = append_blocks_text(theirs_pick, &first_t, tb.ptr, tb.size)) < 0 ||
			    (error = put_blocks(base_pick, lb.items, cs, ce, &first_b)) < 0)
				goto done;
		} else {
			/* one side's edit, or both made the same one */
			const stance_buf *take = (sides & 1) ? &ta : &tb;
			if ((error = append_blocks_text(ours_pick, &first_o, take->ptr, take->size)) < 0 ||
			    (error = append_blocks_text(theirs_pick, &first_t, take->ptr, take->size)) < 0 ||
			    (error = append_blocks_text(base_pick, &first_b, take->ptr, take->size)) < 0)
				goto done;
		}
		pos = ce;
		k = end;
	}
	if ((error = put_blocks(ours_pick, lb.items, pos, lb.count, &first_o)) < 0 ||
	    (error = put_blocks(theirs_pick, lb.items, pos, lb.count, &first_t)) < 0 ||
	    (error = put_blocks(base_pick, lb.items, pos, lb.count, &first_b)) < 0)
		goto done;
	if (!first_o)
		error = stance_buf_putc(ours_pick, '\n');
	if (!error && !first_t)
		error = stance_buf_putc(theirs_pick, '\n');
	if (!error && !first_b)
		error = stance_buf_putc(base_pick, '\n');
	if (!error && conflicts)
		error = STANCE_ECONFLICT;
done:
	free(lb.items);
	free(lo.items);
	free(lt.items);
	free(hunks);
	stance_buf_dispose(&ta);
	stance_buf_dispose(&tb);
	stance_buf_dispose(&desc);
	stance_buf_dispose(&no_base);
	return error;
}

/* Field values equal, with NULL and "" the same (unset). */
static int streq(const char *a, const char *b)
{
	if (!a || !*a)
		return !b || !*b;
	return b && !strcmp(a, b);
}

/* The authors as one comparable string. */
static int authors_key(stance_buf *out, const stance_document *doc)
{
	size_t i;
	int error = 0;
	for (i = 0; i < stance_document_author_count(doc) && !error; i++) {
		error = stance_buf_puts(out, stance_document_author(doc, i));
		if (!error)
			error = stance_buf_putc(out, '\x1f');
	}
	return error;
}

/* The fields stance does not know, as one comparable string. */
static int extras_key(stance_buf *out, const stance_document *doc)
{
	size_t i;
	int error = 0;
	for (i = 0; i < stance_document_extra_count(doc) && !error; i++) {
		const char *name, *value;
		if ((error = stance_document_extra(doc, i, &name, &value)) < 0)
			break;
		error = stance_buf_printf(out, "%s\x1e%s\x1f", name, value ? value : "");
	}
	return error;
}

/* Replaces `to`'s authors with a copy of `from`'s. */
static int copy_authors(stance_document *to, const stance_document *from)
{
	size_t i;
	int error = 0;
	stance_document_clear_authors(to);
	for (i = 0; i < stance_document_author_count(from) && !error; i++)
		error = stance_document_add_author(to, stance_document_author(from, i));
	return error;
}

static const char *const merged_fields[] = {
	"title", "kind", "organization", "publication", "published", "language", "source", "id", NULL
};

/* See merge.h. */
int stance_merge_document(stance_buf *ours_pick, stance_buf *theirs_pick,
	stance_merge_report *report, const char *base, size_t base_len,
	const char *ours, size_t ours_len, const char *theirs, size_t theirs_len,
	const char *origin)
{
	return stance_merge_document3(ours_pick, theirs_pick, NULL, report, base, base_len,
		ours, ours_len, theirs, theirs_len, origin);
}

/* The authors joined with ", ", for quoting them in a passage. */
static int authors_text(stance_buf *out, const stance_document *doc)
{
	size_t i;
	int error = 0;
	for (i = 0; i < stance_document_author_count(doc) && !error; i++)
		error = stance_buf_printf(out, "%s%s", i ? ", " : "", stance_document_author(doc, i));
	return error;
}

/* See merge.h. */
int stance_merge_document3(stance_buf *ours_pick, stance_buf *theirs_pick, stance_buf *base_pick,
	stance_merge_report *report, const char *base, size_t base_len,
	const char *ours, size_t ours_len, const char *theirs, size_t theirs_len,
	const char *origin)
{
	stance_document *db = NULL, *dob = NULL, *dt = NULL, *mo = NULL, *mt = NULL, *mb = NULL;
	stance_buf bb = STANCE_BUF_INIT;
	stance_buf kb = STANCE_BUF_INIT, ko = STANCE_BUF_INIT, kt = STANCE_BUF_INIT;
	stance_buf bo = STANCE_BUF_INIT, bt = STANCE_BUF_INIT, desc = STANCE_BUF_INIT;
	size_t i;
	int error, conflict = 0, body_error;

	if (base)
		error = stance_document_parse(&db, base, base_len, origin);
	else
		error = stance_document_new(&db);
	if (error < 0 ||
	    (error = stance_document_parse(&dob, ours, ours_len, origin)) < 0 ||
	    (error = stance_document_parse(&dt, theirs, theirs_len, origin)) < 0)
		goto done;

	/* Unknown fields cannot be set one by one: start from the side that
	 * changed them, or stop when both did. */
	if ((error = extras_key(&kb, db)) < 0 || (error = extras_key(&ko, dob)) < 0 ||
	    (error = extras_key(&kt, dt)) < 0)
		goto done;
	{
		const char *sb = stance_buf_cstr(&kb), *so = stance_buf_cstr(&ko), *st = stance_buf_cstr(&kt);
		const stance_document *start_o = dob, *start_t = dob, *start_b = dob;
		if (strcmp(so, st)) {
			if (!strcmp(sb, so)) {
				start_o = start_t = start_b = dt;
			} else if (strcmp(sb, st)) {
				start_t = dt;
				start_b = db;
				conflict = 1;
				if ((error = report_add(report, "front matter fields stance does not know")) < 0)
					goto done;
			}
		}
		if ((error = stance_document_dup(&mo, start_o)) < 0 ||
		    (error = stance_document_dup(&mt, start_t)) < 0 ||
		    (error = stance_document_dup(&mb, start_b)) < 0)
			goto done;
	}

	for (i = 0; merged_fields[i]; i++) {
		const char *f = merged_fields[i];
		const char *vb = stance_document_get(db, f), *vo = stance_document_get(dob, f),
			*vt = stance_document_get(dt, f);
		const char *po, *pt, *pb;
		if (streq(vo, vt) || streq(vb, vt)) {
			po = pt = pb = vo;
		} else if (streq(vb, vo)) {
			po = pt = pb = vt;
		} else {
			po = vo;
			pt = vt;
			pb = vb;
			conflict = 1;
			stance_buf_clear(&desc);
			if ((error = stance_buf_printf(&desc, "front matter field '%s': ours ", f)) < 0 ||
			    (error = quote(&desc, vo ? vo : "", vo ? strlen(vo) : 0)) < 0 ||
			    (error = stance_buf_puts(&desc, ", theirs ")) < 0 ||
			    (error = quote(&desc, vt ? vt : "", vt ? strlen(vt) : 0)) < 0 ||
			    (error = report_add(report, desc.ptr)) < 0)
				goto done;
		}
		if ((error = stance_document_set(mo, f, po)) < 0 || (error = stance_document_set(mt, f, pt)) < 0 ||
		    (error = stance_document_set(mb, f, pb)) < 0)
			goto done;
	}

	stance_buf_clear(&kb);
	stance_buf_clear(&ko);
	stance_buf_clear(&kt);
	if ((error = authors_key(&kb, db)) < 0 || (error = authors_key(&ko, dob)) < 0 ||
	    (error = authors_key(&kt, dt)) < 0)
		goto done;
	{
		const char *sb = stance_buf_cstr(&kb), *so = stance_buf_cstr(&ko), *st = stance_buf_cstr(&kt);
		if (!strcmp(so, st) || !strcmp(sb, st)) {
			error = copy_authors(mo, dob);
			if (!error)
				error = copy_authors(mt, dob);
			if (!error)
				error = copy_authors(mb, dob);
		} else if (!strcmp(sb, so)) {
			error = copy_authors(mo, dt);
			if (!error)
				error = copy_authors(mt, dt);
			if (!error)
				error = copy_authors(mb, dt);
		} else {
			stance_buf ao = STANCE_BUF_INIT, at = STANCE_BUF_INIT;
			conflict = 1;
			stance_buf_clear(&desc);
			error = authors_text(&ao, dob);
			if (!error)
				error = authors_text(&at, dt);
			if (!error)
				error = stance_buf_puts(&desc, "front matter field 'authors': ours ");
			if (!error)
				error = quote(&desc, stance_buf_cstr(&ao), ao.size);
			if (!error)
				error = stance_buf_puts(&desc, ", theirs ");
			if (!error)
				error = quote(&desc, stance_buf_cstr(&at), at.size);
			stance_buf_dispose(&ao);
			stance_buf_dispose(&at);
			if (!error)
				error = report_add(report, desc.ptr);
			if (!error)
				error = copy_authors(mo, dob);
			if (!error)
				error = copy_authors(mt, dt);
			if (!error)
				error = copy_authors(mb, db);
		}
		if (error < 0)
			goto done;
	}

	body_error = stance_merge_body3(&bo, &bt, &bb, report, stance_document_body(db),
		stance_document_body(dob), stance_document_body(dt));
	if (body_error == STANCE_ECONFLICT)
		conflict = 1;
	else if ((error = body_error) < 0)
		goto done;
	if ((error = stance_document_set_body(mo, stance_buf_cstr(&bo), bo.size)) < 0 ||
	    (error = stance_document_set_body(mt, stance_buf_cstr(&bt), bt.size)) < 0 ||
	    (error = stance_document_serialize(ours_pick, mo)) < 0 ||
	    (error = stance_document_serialize(theirs_pick, mt)) < 0)
		goto done;
	if (base_pick && ((error = stance_document_set_body(mb, stance_buf_cstr(&bb), bb.size)) < 0 ||
	    (error = stance_document_serialize(base_pick, mb)) < 0))
		goto done;
	error = conflict ? STANCE_ECONFLICT : 0;
done:
	stance_document_free(db);
	stance_document_free(dob);
	stance_document_free(dt);
	stance_document_free(mo);
	stance_document_free(mt);
	stance_document_free(mb);
	stance_buf_dispose(&bb);
	stance_buf_dispose(&kb);
	stance_buf_dispose(&ko);
	stance_buf_dispose(&kt);
	stance_buf_dispose(&bo);
	stance_buf_dispose(&bt);
	stance_buf_dispose(&desc);
	return error;
}
