/*
 * test_demo.c: `scripts/demo DIR` run twice with the same DIR, and on a
 * folder that holds something else. STANCE_PROGRAM has it use the stance
 * under test instead of building one.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* `scripts/demo DIR` a second time failed at `stance init` ("is a stance
 * repository already"); it now refreshes the demo there: nothing imported
 * twice, the same history shown. */
Test(demo, demo_run_twice_in_the_same_dir_failed_now_refreshes_it, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *demo = th_source("scripts/demo");
	stance_buf first = STANCE_BUF_INIT, second = STANCE_BUF_INIT;
	long commits;
	char *count;
	cr_assert_eq(th_sh(dir, &first, "STANCE_PROGRAM='%s' '%s' '%s/demo' 2>&1", STANCE_BIN, demo, dir), 0,
		"%s", stance_buf_cstr(&first));
	cr_assert(strstr(stance_buf_cstr(&first), "Imported 21 revisions") != NULL, "%s", stance_buf_cstr(&first));
	count = th_sh_out(dir, "git -C demo rev-list --count HEAD");
	commits = strtol(count, NULL, 10);
	free(count);
	cr_assert_eq(th_sh(dir, &second, "STANCE_PROGRAM='%s' '%s' '%s/demo' 2>&1", STANCE_BIN, demo, dir), 0,
		"the second run: %s", stance_buf_cstr(&second));
	cr_assert(strstr(stance_buf_cstr(&second), "holds an earlier demo: refreshing it") != NULL, "%s",
		stance_buf_cstr(&second));
	cr_assert(strstr(stance_buf_cstr(&second), "Imported 0 revisions") != NULL, "%s", stance_buf_cstr(&second));
	/* the same log, the same positions */
	cr_assert(strstr(stance_buf_cstr(&second), "1 position statement added, 1 removed, 1 reworded") != NULL,
		"%s", stance_buf_cstr(&second));
	count = th_sh_out(dir, "git -C demo rev-list --count HEAD");
	cr_assert_eq(strtol(count, NULL, 10), commits, "the refresh committed again");
	free(count);
	stance_buf_dispose(&first);
	stance_buf_dispose(&second);
	free(demo);
	free(dir);
}

/* `scripts/demo DIR` on a folder of other files, or another stance
 * repository, would have put the samples there; it refuses, says what to do,
 * and leaves the folder as it was. */
Test(demo, demo_in_a_folder_of_other_things_is_refused_with_what_to_do, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *demo = th_source("scripts/demo");
	stance_buf out = STANCE_BUF_INIT;
	th_write(dir, "mine/notes.txt", "my own notes\n");
	cr_assert_eq(th_sh(dir, &out, "STANCE_PROGRAM='%s' '%s' '%s/mine' 2>&1", STANCE_BIN, demo, dir), 1,
		"%s", stance_buf_cstr(&out));
	cr_assert(strstr(stance_buf_cstr(&out), "exists and is not an earlier demo's repository; give a new or empty folder") != NULL,
		"%s", stance_buf_cstr(&out));
	cr_assert(!th_exists(dir, "mine/.git") && !th_exists(dir, "mine/.stance"), "the folder was changed");
	stance_buf_clear(&out);
	/* a stance repository of one's own is not the demo's */
	OK0(dir, "init", "policies");
	cr_assert_eq(th_sh(dir, &out, "STANCE_PROGRAM='%s' '%s' '%s/policies' 2>&1", STANCE_BIN, demo, dir), 1,
		"%s", stance_buf_cstr(&out));
	cr_assert(!th_exists(dir, "policies/kf"), "the samples went into another repository");
	stance_buf_dispose(&out);
	free(demo);
	free(dir);
}
