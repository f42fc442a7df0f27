/*
 * seqdiff.c: the sequence diff behind the diff and the merge (see
 * seqdiff.h): Myers with the middle-snake split, and patience anchors.
 */
#include "internal.h"
#include "seqdiff.h"

/*
 * Marks the elements of a[0,n) and b[0,m) that are not in a longest common
 * subsequence (Myers' O((N+M)D) algorithm with the middle-snake split, so
 * memory stays linear). When the step budget runs out, the rest of a region
 * is marked changed as a whole: coarser, still a correct diff.
 */
typedef struct {
	long long *budget;
	const uint32_t *a, *b;
	uint8_t *ca, *cb;
	long *v1, *v2;   /* 2 * (n + m) + 4 */
	int exhausted;
} myers;

static void mark_all(myers *my, size_t a0, size_t a1, size_t b0, size_t b1)
{
	size_t i;
	for (i = a0; i < a1; i++)
		my->ca[i] = 1;
	for (i = b0; i < b1; i++)
		my->cb[i] = 1;
}

/* Finds the middle snake of a[a0,a1) x b[b0,b1); 1 and the split point on
 * success, 0 when the budget ran out. */
static int bisect(myers *my, size_t a0, size_t a1, size_t b0, size_t b1, size_t *xs, size_t *ys)
{
	const uint32_t *a = my->a + a0, *b = my->b + b0;
	long n = (long)(a1 - a0), m = (long)(b1 - b0);
	long max_d = (n + m + 1) / 2, off = max_d, len = 2 * max_d + 2;
	long delta = n - m, d, k1, k2;
	long k1start = 0, k1end = 0, k2start = 0, k2end = 0;
	int front = (delta & 1) != 0;
	long *v1 = my->v1, *v2 = my->v2;

	for (d = 0; d < len; d++)
		v1[d] = v2[d] = -1;
	v1[off + 1] = 0;
	v2[off + 1] = 0;
	for (d = 0; d < max_d; d++) {
		*my->budget -= 2 * d + 2;
		if (*my->budget < 0) {
			my->exhausted = 1;
			return 0;
		}
		for (k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
			long ko = off + k1, x1, y1;
			if (k1 == -d || (k1 != d && v1[ko - 1] < v1[ko + 1]))
				x1 = v1[ko + 1];
			else
				x1 = v1[ko - 1] + 1;
			y1 = x1 - k1;
			while (x1 < n && y1 < m && a[x1] == b[y1]) {
				x1++;
				y1++;
			}
			v1[ko] = x1;
			if (x1 > n) {
				k1end += 2;
			} else if (y1 > m) {
				k1start += 2;
			} else if (front) {
				long k2o = off + delta - k1;
				if (k2o >= 0 && k2o < len && v2[k2o] != -1) {
					long x2 = n - v2[k2o];
					if (x1 >= x2) {
						*xs = a0 + (size_t)x1;
						*ys = b0 + (size_t)y1;
						return 1;
					}
				}
			}
		}
		for (k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
			long ko = off + k2, x2, y2;
			if (k2 == -d || (k2 != d && v2[ko - 1] < v2[ko + 1]))
				x2 = v2[ko + 1];
			else
				x2 = v2[ko - 1] + 1;
			y2 = x2 - k2;
			while (x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1]) {
				x2++;
				y2++;
			}
			v2[ko] = x2;
			if (x2 > n) {
				k2end += 2;
			} else if (y2 > m) {
				k2start += 2;
			} else if (!front) {
				long k1o = off + delta - k2;
				if (k1o >= 0 && k1o < len && v1[k1o] != -1) {
					long x1 = v1[k1o], y1 = off + x1 - k1o;
					if (x1 >= n - x2) {
						*xs = a0 + (size_t)x1;
						*ys = b0 + (size_t)y1;
						return 1;
					}
				}
			}
		}
	}
	return 0;
}

static void compare(myers *my, size_t a0, size_t a1, size_t b0, size_t b1)
{
	size_t xs, ys;
	for (;;) {
		/* common prefix and suffix */
		while (a0 < a1 && b0 < b1 && my->a[a0] == my->b[b0]) {
			a0++;
			b0++;
		}
		while (a0 < a1 && b0 < b1 && my->a[a1 - 1] == my->b[b1 - 1]) {
			a1--;
			b1--;
		}
		if (a0 == a1 || b0 == b1) {
			mark_all(my, a0, a1, b0, b1);
			return;
		}
		if (my->exhausted || !bisect(my, a0, a1, b0, b1, &xs, &ys)) {
			mark_all(my, a0, a1, b0, b1);
			return;
		}
		/* recurse on the smaller half, loop on the other */
		if ((xs - a0) + (ys - b0) < (a1 - xs) + (b1 - ys)) {
			compare(my, a0, xs, b0, ys);
			a0 = xs;
			b0 = ys;
		} else {
			compare(my, xs, a1, ys, b1);
			a1 = xs;
			b1 = ys;
		}
	}
}

int seqdiff_myers(const uint32_t *a, size_t n, const uint32_t *b, size_t m,
	uint8_t *ca, uint8_t *cb, long long *budget)
{
	myers my = { budget, a, b, ca, cb, NULL, NULL, 0 };
	size_t sz = n + m + 4;
	my.v1 = malloc(sz * sizeof(long));
	my.v2 = malloc(sz * sizeof(long));
	if (!my.v1 || !my.v2) {
		free(my.v1);
		free(my.v2);
		return stance_error_oom();
	}
	compare(&my, 0, n, 0, m);
	free(my.v1);
	free(my.v2);
	return my.exhausted;
}

int seqdiff_patience(const uint32_t *a, size_t n, const uint32_t *b, size_t m, size_t nids,
	uint8_t *ca, uint8_t *cb, long long *budget)
{
	uint32_t *cnt_a = NULL, *cnt_b = NULL, *pos_b = NULL;
	size_t *pairs_a = NULL, *pairs_b = NULL, *tails = NULL, *prev = NULL, *lis = NULL;
	size_t npairs = 0, i, len = 0, ai, bi, k;
	int error = -1, exhausted = 0;

	cnt_a = calloc(nids ? nids : 1, sizeof(uint32_t));
	cnt_b = calloc(nids ? nids : 1, sizeof(uint32_t));
	pos_b = calloc(nids ? nids : 1, sizeof(uint32_t));
	pairs_a = malloc((n + 1) * sizeof(size_t));
	pairs_b = malloc((n + 1) * sizeof(size_t));
	tails = malloc((n + 1) * sizeof(size_t));
	prev = malloc((n + 1) * sizeof(size_t));
	lis = malloc((n + 1) * sizeof(size_t));
	if (!cnt_a || !cnt_b || !pos_b || !pairs_a || !pairs_b || !tails || !prev || !lis) {
		stance_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++)
		cnt_a[a[i]]++;
	for (i = 0; i < m; i++) {
		cnt_b[b[i]]++;
		pos_b[b[i]] = (uint32_t)i;
	}
	for (i = 0; i < n; i++)
		if (a[i] && cnt_a[a[i]] == 1 && cnt_b[a[i]] == 1) {
			pairs_a[npairs] = i;
			pairs_b[npairs] = pos_b[a[i]];
			npairs++;
		}
	/* longest increasing subsequence of pairs_b (patience sorting) */
	for (i = 0; i < npairs; i++) {
		size_t lo = 0, hi = len;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (pairs_b[tails[mid]] < pairs_b[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tails[lo - 1] : (size_t)-1;
		tails[lo] = i;
		if (lo == len)
			len++;
	}
	if (len) {
		size_t t = tails[len - 1];
		for (k = len; k-- > 0;) {
			lis[k] = t;
			t = prev[t];
		}
	}
	/* Myers between consecutive anchors */
	ai = 0;
	bi = 0;
	for (k = 0; k <= len; k++) {
		size_t ae = k < len ? pairs_a[lis[k]] : n;
		size_t be = k < len ? pairs_b[lis[k]] : m;
		int r = seqdiff_myers(a + ai, ae - ai, b + bi, be - bi, ca + ai, cb + bi, budget);
		if (r < 0)
			goto done;
		exhausted |= r;
		ai = ae + 1;
		bi = be + 1;
	}
	error = exhausted;
done:
	free(cnt_a);
	free(cnt_b);
	free(pos_b);
	free(pairs_a);
	free(pairs_b);
	free(tails);
	free(prev);
	free(lis);
	return error;
}
