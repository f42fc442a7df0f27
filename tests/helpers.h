/*
 * helpers.h: what the tests share: temporary folders, running the built
 * stance binary, reading and writing files.
 */
#ifndef STANCE_TEST_HELPERS_H
#define STANCE_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <sys/types.h>

#include "stance.h"

typedef struct {
	int status;       /* exit code, or 128+signal */
	stance_buf out;   /* standard output */
	stance_buf err;   /* standard error */
} th_result;

/* A new empty folder under $TMPDIR (removed by th_cleanup). Caller frees. */
char *th_tmpdir(void);

/* Removes every folder th_tmpdir made in this process. */
void th_cleanup(void);

/*
 * Runs the built stance with `args` (NULL-terminated) in folder `cwd`, with
 * `input` (may be NULL) on standard input. NO_COLOR and a fixed git identity
 * are set. Fills `r`; release with th_result_free.
 */
void th_run(th_result *r, const char *cwd, const char *input, const char *const args[]);
#define TH_RUN(r, cwd, ...) th_run((r), (cwd), NULL, (const char *const[]){ __VA_ARGS__, NULL })
void th_result_free(th_result *r);

/* th_run, asserting that stance exited 0 (the message shows its output). */
void th_run_ok(th_result *r, const char *cwd, const char *const args[]);
#define OK(r, dir, ...) th_run_ok((r), (dir), (const char *const[]){ __VA_ARGS__, NULL })
#define OK0(dir, ...) do { th_result r_; th_run_ok(&r_, (dir), (const char *const[]){ __VA_ARGS__, NULL }); \
	th_result_free(&r_); } while (0)

/* Runs a shell command in `cwd`, asserting it succeeds; returns its output
 * (caller frees). */
char *th_sh_out(const char *cwd, const char *cmd);

/* "dir/name", freshly allocated. */
char *th_path(const char *dir, const char *name);

/* Runs a shell command in `cwd`; returns its exit status. Output goes to
 * `out` when not NULL. */
int th_sh(const char *cwd, stance_buf *out, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes `content` to cwd/relpath, creating folders. */
void th_write(const char *cwd, const char *relpath, const char *content);
/* Reads cwd/relpath; aborts the test when it cannot. Caller frees. */
char *th_read(const char *cwd, const char *relpath);

/* `stance add` of `text` (written to DIR/in.md) as document `id` dated
 * `date`, which must succeed. */
void th_add_document(const char *dir, const char *text, const char *id, const char *date);
/* 1 when cwd/relpath exists. */
int th_exists(const char *cwd, const char *relpath);

/* Path to a file of ../shared (e.g. "corpus/seeds/000_c9d68bdf9739242c.txt"). Caller frees.
 * When it is not there (a clone without ../shared), the test is skipped. */
char *th_shared(const char *relpath);
/* Path to a file in the source tree (e.g. "examples/..."). Caller frees. */
char *th_source(const char *relpath);

/* Starts the loopback test server (tests/server/stance_test_server.py)
 * serving `root` on 127.0.0.1; returns its port and sets *pid (for
 * kill/waitpid in the teardown). Fails the test when it does not start. */
int th_server_start(const char *root, pid_t *pid);

/*
 * Golden files. th_golden compares `got` (len bytes) with the file at `path`
 * byte for byte; with STANCE_UPDATE_GOLDEN=1 in the environment it writes
 * `got` to that file instead (the one switch for every golden of the suite:
 * extract, import, diff, render), so a deliberate change, or a new case, is
 * one run. `what` names the case in a failure.
 */
void th_golden(const char *path, const char *got, size_t len, const char *what);
/* The entries of folder `dir` whose names end in `suffix` ("" for all;
 * `dirs`: 1 folders only, 0 files only), sorted, NULL-terminated; *count gets
 * their number when not NULL. Free with th_list_free. */
char **th_list(const char *dir, const char *suffix, int dirs, size_t *count);
void th_list_free(char **names);

#endif
