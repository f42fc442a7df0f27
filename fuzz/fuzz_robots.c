/*
 * fuzz_robots.c: robots.txt rules matched against a path
 * (stance_robots_allowed, fetch.h).
 *
 * Input: ROBOTS 0xff PATH (each up to its first NUL byte). Properties: the
 * matcher answers 0 or 1, for two agents, in bounded time (libFuzzer's
 * -timeout catches a matcher that backtracks exponentially); and on a
 * robots.txt of one "Disallow" rule, whose pattern is made from the first
 * REF_MAX bytes of ROBOTS, it agrees with a plain dynamic-programming
 * reference of the pattern language: '*' any run of bytes, '$' at the end
 * the end of the path, every other byte itself, and a pattern that matches
 * a prefix of the path matches the path.
 */
#include <ctype.h>

#include "fuzz.h"

/* The longest pattern and path the reference is run on. */
#define REF_MAX 64

/* Does `pat` (`plen` bytes) match a prefix of `path` (`n` bytes)? */
static int ref_match(const char *pat, size_t plen, const char *path, size_t n)
{
	/* m[i][j]: pat[i..] matches a prefix of path[j..] */
	unsigned char m[REF_MAX + 2][REF_MAX + 2];
	size_t i, j;
	for (i = plen + 1; i-- > 0;)
		for (j = n + 1; j-- > 0;) {
			if (i == plen)
				m[i][j] = 1;
			else if (pat[i] == '*')
				m[i][j] = m[i + 1][j] || (j < n && m[i][j + 1]);
			else if (pat[i] == '$' && i == plen - 1)
				m[i][j] = j == n;
			else
				m[i][j] = j < n && path[j] == pat[i] && m[i + 1][j + 1];
		}
	return m[0][0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen, plen = 0, n, i;
	char *robots, *path, pat[REF_MAX + 1];
	stance_buf one = STANCE_BUF_INIT;
	int allowed, want;

	fuzz_split(data, size, &a, &alen, &b, &blen);
	robots = fuzz_strndup(a, alen);
	path = fuzz_strndup(b, blen);

	allowed = stance_robots_allowed(robots, "stance/0.1.0", path);
	if (allowed != 0 && allowed != 1)
		FUZZ_FAIL("stance_robots_allowed answered %d", allowed);
	allowed = stance_robots_allowed(robots, "otherbot", path);
	if (allowed != 0 && allowed != 1)
		FUZZ_FAIL("stance_robots_allowed answered %d", allowed);

	/* The reference: the pattern without what a robots.txt line cannot
	 * hold in a value (line ends, '#' comments) and without the spaces
	 * the line's value is trimmed of. */
	for (i = 0; robots[i] && plen < REF_MAX; i++)
		if (robots[i] != '\n' && robots[i] != '\r' && robots[i] != '#')
			pat[plen++] = robots[i];
	pat[plen] = '\0';
	while (plen && isspace((unsigned char)pat[plen - 1]))
		pat[--plen] = '\0';
	for (i = 0; i < plen && isspace((unsigned char)pat[i]); i++)
		;
	n = strlen(path);
	if (n > REF_MAX)
		path[n = REF_MAX] = '\0';
	if (stance_buf_printf(&one, "User-agent: *\nDisallow: %s\n", pat + i) < 0)
		abort();
	want = plen - i == 0 ? 1 : !ref_match(pat + i, plen - i, path, n);
	allowed = stance_robots_allowed(stance_buf_cstr(&one), "stance", path);
	if (allowed != want)
		FUZZ_FAIL("'Disallow: %s' on path '%s': the matcher says %s, the reference %s", pat + i, path,
			allowed ? "allowed" : "disallowed", want ? "allowed" : "disallowed");
	stance_buf_dispose(&one);
	free(robots);
	free(path);
	return 0;
}
