/*
 * test_canonical.c: the canonical Markdown form gives the same bytes on any
 * number of threads.
 */
#include <pthread.h>
#include <string.h>

#include "helpers.h"

static char *canon(const char *text, size_t len)
{
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(stance_markdown_canonicalize(&out, text, len), 0, "%s", stance_error_last());
	if (!out.ptr)
		return strdup("");
	return stance_buf_detach(&out);
}

/* ---- the same bytes on every thread ---- */

#define THREAD_DOCUMENTS 40
#define THREADS 4

typedef struct {
	char **inputs, **expected;
	int mismatches;
} thread_job;

static void *canon_all(void *payload)
{
	thread_job *job = payload;
	int round, i;
	for (round = 0; round < 5; round++)
		for (i = 0; i < THREAD_DOCUMENTS; i++) {
			stance_buf out = STANCE_BUF_INIT;
			if (stance_markdown_canonicalize(&out, job->inputs[i], strlen(job->inputs[i])) < 0 ||
			    strcmp(stance_buf_cstr(&out), job->expected[i]))
				job->mismatches++;
			stance_buf_dispose(&out);
		}
	return NULL;
}

/*
 * cmark-gfm's inline parser stops at characters listed in one process-wide
 * table, which each parse with extensions fills and empties: parses on two
 * threads at once saw '~' or ':' missing and wrote "\~x\~" or an escaped URL.
 */
Test(canonical, threads_give_the_same_bytes)
{
	char *inputs[THREAD_DOCUMENTS], *expected[THREAD_DOCUMENTS];
	pthread_t threads[THREADS];
	thread_job jobs[THREADS];
	int i, k;
	for (i = 0; i < THREAD_DOCUMENTS; i++) {
		stance_buf b = STANCE_BUF_INIT;
		for (k = 0; k < 40; k++)
			stance_buf_printf(&b, "Afsnit %d: ~~slettet~~ og https://example.org/a_b&c=%d samt "
				"www.kl.dk/x_y&z, *vægt*.\n\n%s", k, i, k % 10 ? "" :
				"| a | b |\n|---|---|\n| x_y | ~~z~~ https://e.org/p_q&r |\n\n");
		inputs[i] = stance_buf_detach(&b);
		expected[i] = canon(inputs[i], strlen(inputs[i]));
		cr_assert(strstr(expected[i], "~~slettet~~"), "%s", expected[i]);
	}
	for (k = 0; k < THREADS; k++) {
		jobs[k].inputs = inputs;
		jobs[k].expected = expected;
		jobs[k].mismatches = 0;
		cr_assert_eq(pthread_create(&threads[k], NULL, canon_all, &jobs[k]), 0);
	}
	for (k = 0; k < THREADS; k++) {
		pthread_join(threads[k], NULL);
		cr_expect_eq(jobs[k].mismatches, 0, "thread %d: %d documents came out different", k, jobs[k].mismatches);
	}
	for (i = 0; i < THREAD_DOCUMENTS; i++) {
		free(inputs[i]);
		free(expected[i]);
	}
}
