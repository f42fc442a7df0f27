/*
 * test_store_message.c: the message of a document's commit, which the store
 * and the batch build with one function: the subject, the trailers after a
 * blank line, the Snapshot trailer last, one newline at the end.
 */
#include "helpers.h"
#include "internal.h"

static char *message(size_t *plain, const char *msg, const char *id, int existed, const char *trailers,
	const char *snapshot)
{
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(stance_store_message(&out, plain, msg, id, existed, trailers, snapshot), 0, "%s",
		stance_error_last());
	return stance_buf_detach(&out);
}

Test(store_message, subject_alone_or_the_default)
{
	char *m = message(NULL, NULL, "dk/policy", 0, NULL, NULL);
	cr_assert_str_eq(m, "Add dk/policy\n");
	free(m);
	m = message(NULL, "", "dk/policy", 1, "", NULL);
	cr_assert_str_eq(m, "Update dk/policy\n");
	free(m);
	m = message(NULL, "Fix a typo\n\n\n", "dk/policy", 1, NULL, NULL);
	cr_assert_str_eq(m, "Fix a typo\n");
	free(m);
}

Test(store_message, trailers_then_the_snapshot)
{
	size_t plain = 0;
	char *m = message(&plain, "Fetched", "x", 1, "Source: https://example.org/a", "0123abcd");
	cr_assert_str_eq(m, "Fetched\n\nSource: https://example.org/a\nSnapshot: 0123abcd\n");
	cr_assert_eq(plain, strlen("Fetched\n\nSource: https://example.org/a\n"));
	free(m);
	m = message(&plain, "Fetched", "x", 1, NULL, "0123abcd");
	cr_assert_str_eq(m, "Fetched\n\nSnapshot: 0123abcd\n");
	cr_assert_eq(plain, strlen("Fetched\n\n"));
	free(m);
	m = message(&plain, "Fetched\n", "x", 1, "Source: a\nFetched-At: b\n", NULL);
	cr_assert_str_eq(m, "Fetched\n\nSource: a\nFetched-At: b\n");
	cr_assert_eq(plain, strlen(m));
	free(m);
}
