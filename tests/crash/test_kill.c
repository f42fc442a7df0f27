/*
 * test_kill.c: `stance import --manifest` and `stance fetch` killed with
 * SIGKILL at random moments, half of them in the write window (just after
 * the run's new pack appears in .git/objects/pack, watched with inotify:
 * the product has no hook for this). After each kill the same command runs
 * again, with no repair by hand (now and then killed once more, early,
 * while it finishes what the killed run left), and must succeed; then
 * `git fsck --full` is clean, the work tree is HEAD's (`git status
 * --porcelain` empty), no lock or journal is left, every revision a
 * finished run reported is on the branch, and the branch holds each
 * revision exactly once.
 *
 * Every other repository of the import runs has the batch write a pack
 * at checkpoints of CHECKPOINT_BYTES (STANCE_IMPORT_CHECKPOINT_BYTES,
 * several packs a run), so that its kills "after the pack appears" fall
 * between checkpoints, before the branch moves.
 *
 * STANCE_KILLS sets the kills a command (default KILLS_DEFAULT);
 * STANCE_KILL_SEED replays the kill schedule of a run (printed at start).
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Kills a command by default; half of them in the write window. */
#define KILLS_DEFAULT 50
/* Documents of an import round (one revision each); a run takes ~0.2 s. */
#define IMPORT_DOCS 120
/* Import rounds in one repository before a fresh one: the import reads the
 * whole history first, which grows by IMPORT_DOCS commits a round. */
#define IMPORT_ROUNDS_PER_REPO 10
/* about 18 of a round's revisions (120 documents in one folder) a pack */
#define CHECKPOINT_BYTES "100000"
/* Pages of a fetch run: fewer than the 32 after which the run packs what
 * it has early, so the run's one pack is the one of its write window. */
#define FETCH_PAGES 24

static uint64_t rng;

static uint64_t next_random(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static double random_unit(void)
{
	return (double)(next_random() >> 11) / 9007199254740992.0;
}

static void seed_random(const char *what)
{
	const char *env = getenv("STANCE_KILL_SEED");
	struct timespec ts;
	uint64_t seed;
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = env && *env ? strtoull(env, NULL, 10) : ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid();
	if (!seed)
		seed = 1;
	rng = seed;
	fprintf(stderr, "kill test (%s): seed %llu (STANCE_KILL_SEED=%llu replays it)\n", what,
		(unsigned long long)seed, (unsigned long long)seed);
}

static int kills_wanted(void)
{
	const char *env = getenv("STANCE_KILLS");
	long n = env && *env ? strtol(env, NULL, 10) : KILLS_DEFAULT;
	return n > 1 ? (int)n : 2;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;
	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static pid_t spawn(const char *cwd, const char *const args[], const char *out)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		const char *argv[24];
		int i, fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), null = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(null, 2);
		if (chdir(cwd) != 0)
			_exit(126);
		setenv("NO_COLOR", "1", 1);
		setenv("GIT_AUTHOR_NAME", "Test Archivist", 1);
		setenv("GIT_AUTHOR_EMAIL", "archivist@example.org", 1);
		argv[0] = STANCE_BIN;
		for (i = 0; args[i] && i < 22; i++)
			argv[i + 1] = args[i];
		argv[i + 1] = NULL;
		execv(STANCE_BIN, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

typedef struct {
	int killed;       /* 1: died of our SIGKILL; 0: exited by itself */
	int status;       /* the exit code when it exited */
	double pack_at;   /* seconds from start to its new pack (-1: none seen) */
	double took;      /* seconds from start to its end */
} run_result;

/* One name of an inotify event that is a pack moved into place. */
static int is_pack(const struct inotify_event *e)
{
	size_t n = e->len ? strlen(e->name) : 0;
	return n > 5 && !strncmp(e->name, "pack-", 5) && !strcmp(e->name + n - 5, ".pack");
}

/*
 * Runs stance `args` in `dir` (its output to `out`) and kills it: with
 * `after_pack`, `delay` seconds after its new pack appears; otherwise
 * `delay` seconds after it starts. delay < 0: never.
 */
static void run_and_kill(run_result *r, const char *dir, const char *const args[], const char *out,
	int after_pack, double delay)
{
	char *packs = th_path(dir, ".git/objects/pack");
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), status = 0;
	double start, deadline = -1;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->pack_at = -1;
	cr_assert(in >= 0);
	mkdir(packs, 0755);
	cr_assert(inotify_add_watch(in, packs, IN_MOVED_TO | IN_CREATE) >= 0, "%s: %s", packs, strerror(errno));
	start = now();
	pid = spawn(dir, args, out);
	if (!after_pack && delay >= 0)
		deadline = start + delay;
	for (;;) {
		char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
		struct pollfd p = { in, POLLIN, 0 };
		ssize_t n;
		double t;
		if (waitpid(pid, &status, WNOHANG) == pid)
			goto ended;
		t = now();
		if (deadline >= 0 && t >= deadline)
			break;
		poll(&p, 1, deadline >= 0 && deadline - t < 0.001 ? 0 : 1);
		while ((n = read(in, ev, sizeof(ev))) > 0) {
			char *q;
			for (q = ev; q < ev + n; q += sizeof(struct inotify_event) + ((struct inotify_event *)q)->len)
				if (is_pack((const struct inotify_event *)q) && r->pack_at < 0) {
					r->pack_at = now() - start;
					if (after_pack && delay >= 0)
						deadline = now() + delay;
				}
		}
		if (deadline >= 0 && deadline - now() < 0.001) {
			sleep_s(deadline - now());
			break;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
ended:
	r->took = now() - start;
	r->killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	close(in);
	free(packs);
}

/* What must hold after every finished run. */
static void assert_sound(const char *dir, const char *when)
{
	stance_buf out = STANCE_BUF_INIT;
	int rc = th_sh(dir, &out, "git fsck --full --no-dangling --no-progress 2>&1");
	cr_assert(rc == 0 && out.size == 0, "%s: git fsck --full: exit %d\n%.3000s", when, rc, out.ptr);
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(dir, &out, "git status --porcelain --untracked-files=all"), 0);
	cr_assert_str_eq(out.ptr, "", "%s: the work tree is not HEAD's:\n%.3000s", when, out.ptr);
	stance_buf_clear(&out);
	/* a run that had nothing to write takes no lock: the killed run's
	 * stale lock (or the file it was making it from) may still be there,
	 * for the next writer to take over */
	cr_assert_eq(th_sh(dir, &out, "find .git ! -path '.git/stance.lock*' '(' -name '*.lock' "
		"-o -name stance-update -o -name '*.tmp.*' -o -name 'pack_git2_*' -o -name stance-batch-pack.config ')'; "
		"test ! -e .git/stance.lock || ! kill -0 $(head -1 .git/stance.lock) 2>/dev/null || "
		"echo 'a live lock: .git/stance.lock'; "
		"for f in .git/stance.lock.*.tmp.*; do test ! -e \"$f\" || ! kill -0 ${f##*.} 2>/dev/null || echo $f; done"), 0);
	cr_assert_str_eq(out.ptr, "", "%s: left behind:\n%.3000s", when, out.ptr);
	stance_buf_dispose(&out);
}

static long commit_count(const char *dir, const char *ref)
{
	stance_buf out = STANCE_BUF_INIT;
	long n;
	cr_assert_eq(th_sh(dir, &out, "git rev-list --count %s", ref), 0);
	n = strtol(out.ptr, NULL, 10);
	stance_buf_dispose(&out);
	return n;
}

static char *head(const char *dir)
{
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(th_sh(dir, &out, "git rev-parse HEAD"), 0);
	while (out.size && out.ptr[out.size - 1] == '\n')
		out.ptr[--out.size] = '\0';
	return stance_buf_detach(&out);
}

/* `older` is still in the history of HEAD. */
static void assert_kept(const char *dir, const char *older, const char *when)
{
	cr_assert_eq(th_sh(dir, NULL, "git merge-base --is-ancestor %s HEAD", older), 0,
		"%s: commit %s, reported before, is no longer on the branch", when, older);
}

typedef struct {
	int window, anytime, finished; /* kills in the write window, at any time; runs that finished first */
	int second;                    /* kills of the run after a kill, finishing its update */
	double window_len, run_len;    /* estimates, seconds */
} tally;

/* Whether this round's kill goes into the write window, and its delay. */
static int plan(const tally *t, int want, double *delay)
{
	int in_window = t->window < want / 2 && (t->anytime >= want - want / 2 || (next_random() & 1));
	if (in_window)
		*delay = random_unit() * t->window_len;
	else
		*delay = random_unit() * t->run_len;
	return in_window;
}

static void learn(tally *t, const run_result *r)
{
	/* running estimates from runs that were not killed */
	if (r->pack_at >= 0 && r->took > r->pack_at)
		t->window_len = 0.7 * t->window_len + 0.3 * (r->took - r->pack_at) * 1.2;
	t->run_len = 0.7 * t->run_len + 0.3 * r->took;
}

/* ---- import --manifest ---------------------------------------------------- */

/* in/rNNN.tsv: one revision of each document, in round `round`. */
static void write_import_round(const char *in, int round)
{
	stance_buf m = STANCE_BUF_INIT, name = STANCE_BUF_INIT, body = STANCE_BUF_INIT;
	int i;
	for (i = 0; i < IMPORT_DOCS; i++) {
		stance_buf_clear(&name);
		stance_buf_clear(&body);
		stance_buf_printf(&name, "r%03d/d%03d.md", round, i);
		stance_buf_printf(&body, "---\ntitle: Dokument %d\nkind: theme\n---\n\nRunde %d af dokument %d: "
			"kommunen skal have flere penge til skoler, veje og ældrepleje, siger udvalget.\n", i, round, i);
		th_write(in, name.ptr, body.ptr);
		stance_buf_printf(&m, "r%03d/d%03d.md\tkl/d%03d\t%04d-01-01\n", round, i, i, 2000 + round);
	}
	stance_buf_clear(&name);
	stance_buf_printf(&name, "r%03d.tsv", round);
	th_write(in, name.ptr, m.ptr);
	stance_buf_dispose(&m);
	stance_buf_dispose(&name);
	stance_buf_dispose(&body);
}

Test(kill, import_manifest_survives_sigkill, .fini = th_cleanup, .timeout = 900)
{
	char *in = th_tmpdir(), *dir = NULL, *log = th_path(in, "run.log"), *last = NULL;
	int want = kills_wanted(), round, in_repo = 0, cap = 6 * kills_wanted() + 10, repos = 0;
	tally t = { 0, 0, 0, 0, 0.02, 0.3 };
	double started = now();
	long base = 0;

	seed_random("import --manifest");
	for (round = 0; t.window + t.anytime < want; round++) {
		char manifest[64], when[128];
		run_result r;
		th_result again;
		double delay = -1;
		int in_window = 0;
		cr_assert_lt(round, cap, "only %d kills in %d rounds: the runs end before the kills", t.window + t.anytime, round);
		if (!dir || in_repo == IMPORT_ROUNDS_PER_REPO) {
			free(dir);
			free(last);
			last = NULL;
			dir = th_tmpdir();
			OK0(dir, "init", ".");
			base = commit_count(dir, "HEAD");
			in_repo = 0;
			/* inherited by every run of this repository */
			if (repos++ % 2)
				setenv("STANCE_IMPORT_CHECKPOINT_BYTES", CHECKPOINT_BYTES, 1);
			else
				unsetenv("STANCE_IMPORT_CHECKPOINT_BYTES");
		}
		write_import_round(in, round);
		snprintf(manifest, sizeof(manifest), "%s/r%03d.tsv", in, round);
		/* the first two runs of a repository are not killed: they set
		 * how long a run and its write window take */
		if (round >= 2)
			in_window = plan(&t, want, &delay);
		run_and_kill(&r, dir, (const char *const[]){ "import", "--manifest", manifest, "--quiet", NULL },
			log, in_window, delay);
		snprintf(when, sizeof(when), "round %d (%s kill after %.4f s%s)", round,
			delay < 0 ? "no" : in_window ? "write-window" : "random", delay,
			getenv("STANCE_IMPORT_CHECKPOINT_BYTES") ? ", checkpoints" : "");
		if (r.killed) {
			if (in_window)
				t.window++;
			else
				t.anytime++;
		} else {
			cr_assert_eq(r.status, 0, "%s: import failed with %d", when, r.status);
			learn(&t, &r);
			if (delay >= 0)
				t.finished++;
		}
		/* now and then the run after a kill is killed too, early, while
		 * it finishes what the killed one left */
		if (r.killed && next_random() % 3 == 0) {
			run_and_kill(&r, dir, (const char *const[]){ "import", "--manifest", manifest, "--quiet", NULL },
				log, 0, random_unit() * t.run_len * 0.5);
			if (r.killed)
				t.second++;
			else
				cr_assert_eq(r.status, 0, "%s: the import after the kill failed with %d", when, r.status);
		}
		/* the same command again, no repair by hand */
		TH_RUN(&again, dir, "import", "--manifest", manifest);
		cr_assert_eq(again.status, 0, "%s: the import after the kill failed:\n%s%s", when, again.out.ptr, again.err.ptr);
		cr_assert(strstr(again.out.ptr, "Imported "), "%s: %s", when, again.out.ptr);
		th_result_free(&again);
		assert_sound(dir, when);
		in_repo++;
		/* every revision exactly once, the working files the newest */
		cr_assert_eq(commit_count(dir, "HEAD"), base + (long)in_repo * IMPORT_DOCS,
			"%s: the branch does not hold each revision once", when);
		{
			stance_buf out = STANCE_BUF_INIT;
			cr_assert_eq(th_sh(dir, &out, "grep -L 'Runde %d af' kl/*.md | head -3", round), 0);
			cr_assert_str_eq(out.ptr, "", "%s: not the newest revision: %s", when, out.ptr);
			stance_buf_dispose(&out);
		}
		if (last)
			assert_kept(dir, last, when);
		free(last);
		last = head(dir);
	}
	unsetenv("STANCE_IMPORT_CHECKPOINT_BYTES");
	fprintf(stderr, "kill test (import --manifest): %d kills (%d in the write window, %d at random; and %d "
		"of the run after a kill), %d runs finished before their kill, %d rounds, %.1f s\n",
		t.window + t.anytime, t.window, t.anytime, t.second, t.finished, round, now() - started);
	cr_assert_geq(t.window, want / 2);
	free(last);
	free(dir);
	free(log);
	free(in);
}

/* ---- fetch ------------------------------------------------------------------ */

static pid_t server_pid;
static int port;

static char *start_server(void)
{
	int fds[2];
	char buf[32] = "";
	ssize_t n = 0, got;
	char *script = th_source("tests/server/stance_test_server.py"), *www = th_tmpdir();
	cr_assert_eq(pipe(fds), 0);
	server_pid = fork();
	cr_assert_neq(server_pid, -1);
	if (server_pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execlp("python3", "python3", script, "--root", www, "--host", "127.0.0.1", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (n < (ssize_t)sizeof(buf) - 1 && (got = read(fds[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0) {
		n += got;
		if (memchr(buf, '\n', (size_t)n))
			break;
	}
	close(fds[0]);
	port = (int)strtol(buf, NULL, 10);
	cr_assert_gt(port, 0, "the test server did not start");
	free(script);
	return www;
}

static void stop_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
		server_pid = 0;
	}
	th_cleanup();
}

/* Every page says something new in round `round`. */
static void write_pages(const char *www, int round)
{
	stance_buf name = STANCE_BUF_INIT, page = STANCE_BUF_INIT;
	int i;
	for (i = 0; i < FETCH_PAGES; i++) {
		stance_buf_clear(&name);
		stance_buf_clear(&page);
		stance_buf_printf(&name, "p%02d.html", i);
		stance_buf_printf(&page, "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\">"
			"<title>Side %d | Byrådet</title></head><body><nav><a href=\"/\">Forside</a></nav>"
			"<article><h1>Side %d</h1><p>Runde %d: Byrådet mener, at alle børn skal have en skole tæt på "
			"hjemmet, og at klasserne ikke må blive for store, skriver udvalget i runde %d.</p>"
			"<p>Vi foreslår derfor, at skolerne i landsbyerne bevares, og at der afsættes flere penge "
			"til lærere, pædagoger og bygninger.</p></article><footer>Cookies og kontakt</footer>"
			"</body></html>", i, i, round, round);
		th_write(www, name.ptr, page.ptr);
	}
	stance_buf_dispose(&name);
	stance_buf_dispose(&page);
}

/* The commits a fetch reported ("web/p03   updated   1a2b3c4d5e6f"),
 * one a line, appended to `ids`. */
static void reported_commits(stance_buf *ids, const char *out)
{
	const char *line, *nl;
	for (line = out; *line; line = nl + 1) {
		const char *end, *p;
		if (!(nl = strchr(line, '\n')))
			break;
		end = nl;
		for (p = end; p > line && p[-1] != ' '; p--)
			;
		if (end - p == 12 && strspn(p, "0123456789abcdef") >= 12)
			stance_buf_printf(ids, "%.12s\n", p);
	}
}

static long count_lines(const char *s)
{
	long n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

Test(kill, fetch_survives_sigkill, .fini = stop_server, .timeout = 900)
{
	char *www = start_server(), *dir = th_tmpdir(), *tmp = th_tmpdir();
	char *log = th_path(tmp, "run.log"), *last = NULL;
	int want = kills_wanted(), round, i, cap = 6 * kills_wanted() + 10;
	tally t = { 0, 0, 0, 0, 0.02, 0.3 };
	double started = now();
	long base;

	seed_random("fetch");
	OK0(dir, "init", ".");
	for (i = 0; i < FETCH_PAGES; i++) {
		char id[32], url[96];
		snprintf(id, sizeof(id), "web/p%02d", i);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/p%02d.html", port, i);
		OK0(dir, "source", "add", id, url);
	}
	base = commit_count(dir, "HEAD");
	for (round = 0; t.window + t.anytime < want; round++) {
		const char *const args[] = { "fetch", "--no-progress", "--delay", "0", "--jitter", "0", NULL };
		stance_buf ids = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
		char when[128];
		run_result r;
		th_result again;
		double delay = -1;
		int in_window = 0;
		cr_assert_lt(round, cap, "only %d kills in %d rounds: the runs end before the kills", t.window + t.anytime, round);
		write_pages(www, round);
		if (round >= 2)
			in_window = plan(&t, want, &delay);
		run_and_kill(&r, dir, args, log, in_window, delay);
		snprintf(when, sizeof(when), "round %d (%s kill after %.4f s)", round,
			delay < 0 ? "no" : in_window ? "write-window" : "random", delay);
		if (r.killed) {
			if (in_window)
				t.window++;
			else
				t.anytime++;
		} else {
			char *text = th_read(tmp, "run.log");
			cr_assert_eq(r.status, 0, "%s: fetch failed with %d:\n%s", when, r.status, text);
			reported_commits(&ids, text);
			free(text);
			learn(&t, &r);
			if (delay >= 0)
				t.finished++;
		}
		if (r.killed && next_random() % 3 == 0) {
			run_and_kill(&r, dir, args, log, 0, random_unit() * t.run_len * 0.5);
			if (r.killed) {
				t.second++;
			} else {
				char *text = th_read(tmp, "run.log");
				cr_assert_eq(r.status, 0, "%s: the fetch after the kill failed with %d:\n%s", when, r.status, text);
				reported_commits(&ids, text);
				free(text);
			}
		}
		TH_RUN(&again, dir, "fetch", "--no-progress", "--delay", "0", "--jitter", "0");
		cr_assert_eq(again.status, 0, "%s: the fetch after the kill failed:\n%s%s", when, again.out.ptr, again.err.ptr);
		cr_assert(strstr(again.out.ptr, " 0 failed"), "%s: %s", when, again.out.ptr);
		reported_commits(&ids, again.out.ptr);
		th_result_free(&again);
		assert_sound(dir, when);
		/* each page's version of this round exactly once */
		cr_assert_eq(commit_count(dir, "HEAD"), base + (long)(round + 1) * FETCH_PAGES,
			"%s: the branch does not hold each version once", when);
		cr_assert_eq(th_sh(dir, &out, "grep -L 'Runde %d:' web/*.md | head -3", round), 0);
		cr_assert_str_eq(out.ptr, "", "%s: not the newest version: %s", when, out.ptr);
		/* every commit a finished run reported is on the branch; the
		 * newest version's snapshot is on the snapshots branch */
		if (ids.size) {
			th_write(tmp, "ids", ids.ptr);
			stance_buf_clear(&out);
			cr_assert_eq(th_sh(dir, &out, "git rev-list HEAD | cut -c1-12 | grep -c -x -F -f '%s/ids'", tmp), 0);
			cr_assert_eq(strtol(out.ptr, NULL, 10), count_lines(ids.ptr),
				"%s: a reported commit is not on the branch:\n%s", when, ids.ptr);
		}
		cr_assert_eq(th_sh(dir, NULL, "s=$(git log -1 '--format=%%(trailers:key=Snapshot,valueonly)' HEAD) && "
			"git merge-base --is-ancestor $s snapshots"), 0, "%s: the snapshot is not on its branch", when);
		if (last)
			assert_kept(dir, last, when);
		free(last);
		last = head(dir);
		stance_buf_dispose(&ids);
		stance_buf_dispose(&out);
	}
	fprintf(stderr, "kill test (fetch): %d kills (%d in the write window, %d at random; and %d of the run "
		"after a kill), %d runs finished before their kill, %d rounds, %.1f s\n",
		t.window + t.anytime, t.window, t.anytime, t.second, t.finished, round, now() - started);
	cr_assert_geq(t.window, want / 2);
	free(last);
	free(log);
	free(tmp);
	free(dir);
	free(www);
}
