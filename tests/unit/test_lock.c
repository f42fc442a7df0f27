/*
 * test_lock.c: the write lock (.git/stance.lock) under contention: several
 * processes that find the same stale lock at the same moment, of whom
 * exactly one may take it over, round after round.
 */
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Rounds of the race and processes in each; STANCE_LOCK_RACE_ROUNDS
 * overrides the rounds. */
#define RACE_ROUNDS 100
#define RACERS 4
/* How long a winner keeps the lock: longer than the others usually take
 * to try. A racer slower than that (a loaded machine, a sanitizer build)
 * may take the lock after the winner let it go: that is a second writer
 * after the first, which is allowed; two holding it at the same time is
 * what must never happen, so the test compares the times they held it. */
#define HOLD_MS 100

static long dead_pid(void)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

/*
 * A racer: opens the repository, waits for the start (the parent closes
 * the pipe), tries the lock once without waiting. Exit 0: took it (and held
 * it HOLD_MS), 1: busy, 2: another failure.
 */
static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void racer(const char *dir, int start_fd, int times_fd)
{
	stance_repo *repo = NULL;
	char c;
	int error;
	if (stance_repo_open(&repo, dir) < 0)
		_exit(2);
	while (read(start_fd, &c, 1) > 0)
		;
	error = stance_repo_lock(repo, 0);
	if (error == 0) {
		struct timespec ts = { 0, HOLD_MS * 1000000L };
		long long held[2];
		held[0] = now_ns();
		nanosleep(&ts, NULL);
		held[1] = now_ns();
		/* one write of 16 bytes to a pipe is atomic */
		if (write(times_fd, held, sizeof(held)) != (ssize_t)sizeof(held))
			_exit(2);
		stance_repo_unlock(repo);
		stance_repo_free(repo);
		_exit(0);
	}
	_exit(error == STANCE_ELOCKED ? 1 : 2);
}

Test(lock, racing_takers_of_a_stale_lock_never_both_win)
{
	char *dir = th_tmpdir(), *lock = th_path(dir, ".git/stance.lock");
	const char *env = getenv("STANCE_LOCK_RACE_ROUNDS");
	int rounds = env ? (int)strtol(env, NULL, 10) : RACE_ROUNDS;
	stance_repo *repo = NULL;
	int round;

	cr_assert_eq(stance_repo_init(&repo, dir), 0, "%s", stance_error_last());
	stance_repo_free(repo);
	if (rounds <= 0)
		rounds = RACE_ROUNDS;
	for (round = 0; round < rounds; round++) {
		pid_t kids[RACERS];
		int fds[2], times[2], i, j, won = 0;
		long long held[RACERS][2];
		stance_buf content = STANCE_BUF_INIT;
		/* the lock of a writer that was killed: its pid, and on odd rounds
		 * nothing at all (killed before it wrote it), long ago */
		if (round % 2 == 0)
			stance_buf_printf(&content, "%ld\n", dead_pid());
		th_write(dir, ".git/stance.lock", stance_buf_cstr(&content));
		if (round % 2)
			cr_assert_eq(th_sh(dir, NULL, "touch -d '1 minute ago' .git/stance.lock"), 0);
		stance_buf_dispose(&content);
		cr_assert_eq(pipe(fds), 0);
		cr_assert_eq(pipe(times), 0);
		for (i = 0; i < RACERS; i++) {
			kids[i] = fork();
			cr_assert(kids[i] >= 0);
			if (kids[i] == 0) {
				close(fds[1]);
				close(times[0]);
				racer(dir, fds[0], times[1]);
			}
		}
		close(fds[0]);
		close(times[1]);
		/* let them all open the repository, then start them at once */
		{
			struct timespec ts = { 0, 20 * 1000000L };
			nanosleep(&ts, NULL);
		}
		close(fds[1]);
		for (i = 0; i < RACERS; i++) {
			int status;
			waitpid(kids[i], &status, 0);
			cr_assert(WIFEXITED(status) && WEXITSTATUS(status) < 2, "racer %d failed (round %d)", i, round);
		}
		while (won < RACERS && read(times[0], held[won], sizeof(held[won])) == (ssize_t)sizeof(held[won]))
			won++;
		close(times[0]);
		cr_assert_geq(won, 1, "round %d: nobody took the stale lock", round);
		/* never two at once: the times the winners held it do not overlap */
		for (i = 0; i < won; i++)
			for (j = i + 1; j < won; j++)
				cr_assert(held[i][1] <= held[j][0] || held[j][1] <= held[i][0],
					"round %d: 2 processes held the lock at once", round);
		cr_assert_not(th_exists(dir, ".git/stance.lock"), "round %d: the winner's lock was not released", round);
	}
	free(lock);
	free(dir);
	th_cleanup();
}
