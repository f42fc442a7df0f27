/*
 * repository_fixture.h: what the command tests share: two versions of a
 * debate piece, and a repository holding kl/debat at two revisions.
 */
#ifndef STANCE_TEST_REPOSITORY_FIXTURE_H
#define STANCE_TEST_REPOSITORY_FIXTURE_H

#include "helpers.h"

#define DOC_V1 \
	"---\n" \
	"title: \"Det kræver mod\"\n" \
	"kind: debate\n" \
	"authors: [Anna Holm]\n" \
	"organization: Kommunernes Fællesråd\n" \
	"published: 2020-12-04\n" \
	"language: da\n" \
	"---\n\n" \
	"Vi skal have mere frihed i kommunerne.\n\n" \
	"Der er brug for en ny reform.\n"

#define DOC_V2 \
	"---\n" \
	"title: \"Det kræver mod og vilje\"\n" \
	"kind: debate\n" \
	"authors: [Anna Holm]\n" \
	"organization: Kommunernes Fællesråd\n" \
	"published: 2020-12-04\n" \
	"language: da\n" \
	"---\n\n" \
	"Vi bør have mere frihed i kommunerne.\n\n" \
	"Der er brug for en ny reform nu.\n"

/* A repository with kl/debat at two revisions, 2020-12-04 and 2021-03-01. */
static inline char *repo_with_history(void)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init"); th_result_free(&r);
	th_write(dir, "in/v1.md", DOC_V1);
	th_write(dir, "in/v2.md", DOC_V2);
	OK(&r, dir, "add", "in/v1.md", "--id", "kl/debat", "--date", "2020-12-04"); th_result_free(&r);
	OK(&r, dir, "add", "in/v2.md", "--id", "kl/debat", "--date", "2021-03-01T10:00+01:00"); th_result_free(&r);
	return dir;
}

#endif
