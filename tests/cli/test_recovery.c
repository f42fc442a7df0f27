/*
 * test_recovery.c: what a stance killed while writing leaves behind, and that
 * the next command copes with it by itself: an update killed after the
 * branch moved (the index and working files behind it), a write lock left
 * empty or by a process that is gone, libgit2's ref and index locks left by
 * a killed writer.
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Documents of the manifest: enough that writing their files takes a few
 * milliseconds, the window a kill is aimed at. */
#define NDOCS 300

static char *new_repo(void)
{
	char *dir = th_tmpdir();
	th_result r;
	OK(&r, dir, "init");
	th_result_free(&r);
	return dir;
}

/* saved/<tag>-NNN.md for every document and saved/<tag>.tsv naming them as
 * revisions of kl/dNNN at `date`. */
static void write_manifest(const char *dir, const char *tag, const char *date)
{
	stance_buf m = STANCE_BUF_INIT;
	int i;
	for (i = 0; i < NDOCS; i++) {
		char name[64], body[160];
		snprintf(name, sizeof(name), "saved/%s-%03d.md", tag, i);
		snprintf(body, sizeof(body), "---\ntitle: Dokument %d\nkind: theme\n---\n\nVersion %s af dokument %d.\n",
			i, tag, i);
		th_write(dir, name, body);
		stance_buf_printf(&m, "%s-%03d.md\tkl/d%03d\t%s\n", tag, i, i, date);
	}
	{
		char name[64];
		snprintf(name, sizeof(name), "saved/%s.tsv", tag);
		th_write(dir, name, m.ptr);
	}
	stance_buf_dispose(&m);
}

static pid_t spawn(const char *cwd, const char *const args[])
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		const char *argv[16];
		int i, fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		if (chdir(cwd) != 0)
			_exit(126);
		setenv("GIT_AUTHOR_NAME", "Test Archivist", 1);
		setenv("GIT_AUTHOR_EMAIL", "archivist@example.org", 1);
		argv[0] = STANCE_BIN;
		for (i = 0; args[i] && i < 14; i++)
			argv[i + 1] = args[i];
		argv[i + 1] = NULL;
		execv(STANCE_BIN, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/*
 * Runs stance with `args` in `dir` and kills it (SIGKILL) the moment the
 * file `name` appears in dir/`watch` by a rename (a branch moving: libgit2
 * renames refs/heads/main.lock to main). 1 when the kill landed before
 * stance finished.
 */
static int kill_when_renamed(const char *dir, const char *watch, const char *name, const char *const args[])
{
	char *w = th_path(dir, watch);
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), status, killed = 0;
	pid_t pid;
	cr_assert(in >= 0);
	cr_assert(inotify_add_watch(in, w, IN_MOVED_TO) >= 0, "%s: %s", w, strerror(errno));
	pid = spawn(dir, args);
	for (;;) {
		struct pollfd p = { in, POLLIN, 0 };
		char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
		ssize_t n;
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (poll(&p, 1, 5) <= 0)
			continue;
		while ((n = read(in, ev, sizeof(ev))) > 0) {
			char *q;
			for (q = ev; q < ev + n; q += sizeof(struct inotify_event) + ((struct inotify_event *)q)->len) {
				const struct inotify_event *e = (const struct inotify_event *)q;
				if (e->len && !strcmp(e->name, name) && !killed) {
					kill(pid, SIGKILL);
					killed = 1;
				}
			}
		}
	}
	close(in);
	free(w);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* A repository with a first version of every document, where
 * `import --manifest saved/v2.tsv` (the second versions) was then killed
 * after the branch moved and before the working files and the index had
 * followed. */
static char *interrupted_import(void)
{
	int attempt;
	for (attempt = 0; attempt < 20; attempt++) {
		char *dir = new_repo();
		stance_buf st = STANCE_BUF_INIT;
		write_manifest(dir, "v1", "2020-01-01");
		write_manifest(dir, "v2", "2021-01-01");
		OK0(dir, "import", "--manifest", "saved/v1.tsv");
		if (kill_when_renamed(dir, ".git/refs/heads", "main",
			(const char *const[]){ "import", "--manifest", "saved/v2.tsv", NULL }) &&
		    th_sh(dir, &st, "git log -1 --format=%%s && git status --porcelain -- kl") == 0 &&
		    strstr(st.ptr, "Update kl/d") && strchr(strchr(st.ptr, '\n') + 1, '\n')) {
			stance_buf_dispose(&st);
			return dir;
		}
		stance_buf_dispose(&st);
		free(dir);
	}
	cr_assert_fail("no kill landed between the branch move and the working files in 20 runs");
	return NULL;
}

/* The whole work tree is HEAD's: nothing staged, changed or left over. */
static void assert_clean(const char *dir)
{
	stance_buf st = STANCE_BUF_INIT;
	cr_assert_eq(th_sh(dir, &st, "git status --porcelain --untracked-files=all -- . ':!saved'"), 0);
	cr_assert_str_eq(st.ptr, "", "the work tree is not HEAD's:\n%.2000s", st.ptr);
	stance_buf_dispose(&st);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

/* The next writer finishes what the killed import left: the index and the
 * files follow HEAD, it says so once, and its own revisions go on top. */
Test(recovery, an_interrupted_import_is_finished_by_the_next_import, .fini = th_cleanup)
{
	char *dir = interrupted_import(), *text;
	th_result r;
	write_manifest(dir, "v3", "2022-01-01");
	TH_RUN(&r, dir, "import", "--manifest", "saved/v3.tsv");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.out.ptr, "Imported 300 revisions"), "%s", r.out.ptr);
	cr_assert_eq(count(r.err.ptr, "finished an interrupted update"), 1, "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "stance: finished an interrupted update of 300 documents (import at "),
		"%s", r.err.ptr);
	th_result_free(&r);
	assert_clean(dir);
	text = th_read(dir, "kl/d123.md");
	cr_assert(strstr(text, "Version v3 af dokument 123."), "%s", text);
	free(text);
	/* said once: the next command has nothing to finish */
	OK(&r, dir, "list");
	cr_assert_str_eq(r.err.ptr, "");
	th_result_free(&r);
	free(dir);
}

/* A command that only reads the working folder finishes it too. */
Test(recovery, an_interrupted_import_is_finished_by_check, .fini = th_cleanup)
{
	char *dir = interrupted_import(), *text;
	th_result r;
	TH_RUN(&r, dir, "check");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert_eq(count(r.err.ptr, "finished an interrupted update of 300 documents"), 1, "%s", r.err.ptr);
	th_result_free(&r);
	assert_clean(dir);
	text = th_read(dir, "kl/d007.md");
	cr_assert(strstr(text, "Version v2 af dokument 7."), "%s", text);
	free(text);
	free(dir);
}

/* Finishing touches only the documents of the interrupted update: a file
 * of another document with changes of the user's keeps them. */
Test(recovery, finishing_keeps_the_users_other_edits, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *text;
	stance_buf st = STANCE_BUF_INIT;
	th_result r;
	int attempt, landed = 0;
	for (attempt = 0; attempt < 20 && !landed; attempt++) {
		free(dir);
		dir = new_repo();
		th_write(dir, "saved/mine.md", "---\ntitle: Min egen\n---\n\nMin tekst.\n");
		OK0(dir, "add", "saved/mine.md", "--id", "egen/note");
		cr_assert_eq(th_sh(dir, NULL, "sed -i 's/Min tekst./Min tekst, rettet./' egen/note.md"), 0);
		write_manifest(dir, "v1", "2020-01-01");
		write_manifest(dir, "v2", "2021-01-01");
		OK0(dir, "import", "--manifest", "saved/v1.tsv");
		landed = kill_when_renamed(dir, ".git/refs/heads", "main",
			(const char *const[]){ "import", "--manifest", "saved/v2.tsv", NULL }) &&
			th_sh(dir, NULL, "test -n \"$(git status --porcelain -- kl)\"") == 0;
	}
	cr_assert(landed, "no kill landed in the write window");
	/* and, after the kill, one of the update's own documents edited */
	cr_assert_eq(th_sh(dir, NULL, "printf 'my own words\\n' > kl/d005.md"), 0);
	OK(&r, dir, "check", "egen/note");
	cr_assert(strstr(r.err.ptr, "finished an interrupted update of 300 documents (import at "), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "; 1 file with changes of your own kept as they are"), "%s", r.err.ptr);
	th_result_free(&r);
	text = th_read(dir, "egen/note.md");
	cr_assert(strstr(text, "Min tekst, rettet."), "%s", text);
	free(text);
	text = th_read(dir, "kl/d005.md");
	cr_assert_str_eq(text, "my own words\n");
	free(text);
	/* git sees exactly the user's two edits against the newest commit */
	cr_assert_eq(th_sh(dir, &st, "git status --porcelain -- . ':!saved'"), 0);
	cr_assert_str_eq(st.ptr, " M egen/note.md\n M kl/d005.md\n");
	stance_buf_dispose(&st);
	free(dir);
}

/* A journal stance cannot read (it only writes whole ones) is named, and
 * writers stop; readers go on with a warning. */
Test(recovery, an_unreadable_journal_is_named, .fini = th_cleanup)
{
	char *dir = new_repo();
	th_result r;
	th_write(dir, "saved/a.md", "---\ntitle: A\n---\n\nFørste udgave.\n");
	th_write(dir, ".git/stance-update", "something else\n");
	TH_RUN(&r, dir, "add", "saved/a.md", "--id", "kl/a");
	cr_assert_eq(r.status, 1, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.err.ptr, ".git/stance-update: not an update journal this stance can read; "
		"if no stance is running, remove it"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert_not(th_exists(dir, ".git/stance.lock"));
	TH_RUN(&r, dir, "list");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.err.ptr, "stance: warning: "), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

/* A working file that holds an older stored version (not the user's own
 * text) is named as such: 'stance add' would store the old text as the
 * newest revision, so the message does not just advise it. */
Test(recovery, a_stale_working_file_is_not_called_unstored_changes, .fini = th_cleanup)
{
	char *dir = new_repo();
	th_result r;
	th_write(dir, "saved/a.md", "---\ntitle: A\n---\n\nFørste udgave.\n");
	th_write(dir, "saved/b.md", "---\ntitle: A\n---\n\nAnden udgave.\n");
	th_write(dir, "saved/c.md", "---\ntitle: A\n---\n\nTredje udgave.\n");
	th_write(dir, "saved/m1.tsv", "a.md\tkl/a\t2019-01-01\nb.md\tkl/a\t2020-01-01\n");
	th_write(dir, "saved/m2.tsv", "c.md\tkl/a\t2021-01-01\n");
	OK0(dir, "import", "--manifest", "saved/m1.tsv");
	cr_assert_eq(th_sh(dir, NULL, "git checkout HEAD~1 -- kl/a.md"), 0);
	TH_RUN(&r, dir, "import", "--manifest", "saved/m2.tsv");
	cr_assert_eq(r.status, 1, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.err.ptr, "kl/a.md in the working folder holds an older stored version"), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "git checkout HEAD -- kl/a.md"), "%s", r.err.ptr);
	th_result_free(&r);
	/* the same from add */
	th_write(dir, "saved/d.md", "---\nid: kl/a\ntitle: A\n---\n\nFjerde udgave.\n");
	TH_RUN(&r, dir, "add", "saved/d.md");
	cr_assert_eq(r.status, 1, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.err.ptr, "kl/a.md in the working folder holds an older stored version"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

/* ---- the write lock ------------------------------------------------------ */

/* The pid of a process that has exited (and been reaped). */
static long dead_pid(void)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An empty lock (a stance killed between making the file and writing its
 * pid into it) is taken over once it is a little old; at once when old. */
Test(lock, an_empty_lock_is_taken_over, .fini = th_cleanup)
{
	char *dir = new_repo();
	th_result r;
	double t;
	th_write(dir, "saved/a.md", "---\ntitle: A\n---\n\nFørste udgave.\n");
	th_write(dir, ".git/stance.lock", "");
	t = now();
	TH_RUN(&r, dir, "add", "saved/a.md", "--id", "kl/a");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	cr_assert_lt(now() - t, 4.5, "an empty lock must be stale after its grace period");
	cr_assert_not(th_exists(dir, ".git/stance.lock"));
	th_write(dir, "saved/a.md", "---\ntitle: A\n---\n\nAnden udgave.\n");
	th_write(dir, ".git/stance.lock", "");
	cr_assert_eq(th_sh(dir, NULL, "touch -d '1 minute ago' .git/stance.lock"), 0);
	t = now();
	OK0(dir, "add", "saved/a.md", "--id", "kl/a");
	cr_assert_lt(now() - t, 1.0);
	cr_assert_not(th_exists(dir, ".git/stance.lock"));
	free(dir);
}

/* A lock naming a process that is gone, or whose pid a new process has
 * since been given (another start time), is taken over. */
Test(lock, a_lock_of_a_dead_or_reused_pid_is_taken_over, .fini = th_cleanup)
{
	char *dir = new_repo(), *boot = NULL;
	stance_buf lock = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	th_result r;
	th_write(dir, "saved/a.md", "---\ntitle: A\n---\n\nFørste udgave.\n");
	stance_buf_printf(&lock, "%ld\n", dead_pid());
	th_write(dir, ".git/stance.lock", lock.ptr);
	OK0(dir, "add", "saved/a.md", "--id", "kl/a");
	cr_assert_not(th_exists(dir, ".git/stance.lock"));
	/* this test's own pid, alive, but the lock was made by a process that
	 * started at another moment of this boot */
	if (stance_file_read(&b, "/proc/sys/kernel/random/boot_id") == 0)
		boot = stance_buf_detach(&b);
	stance_buf_clear(&lock);
	stance_buf_printf(&lock, "%ld\nstart 1\nboot %s", (long)getpid(), boot ? boot : "x\n");
	th_write(dir, ".git/stance.lock", lock.ptr);
	th_write(dir, "saved/a.md", "---\ntitle: A\n---\n\nAnden udgave.\n");
	setenv("STANCE_LOCK_TIMEOUT_MS", "300", 1);
	TH_RUN(&r, dir, "add", "saved/a.md", "--id", "kl/a");
	unsetenv("STANCE_LOCK_TIMEOUT_MS");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	cr_assert_not(th_exists(dir, ".git/stance.lock"));
	stance_buf_dispose(&lock);
	stance_buf_dispose(&b);
	free(boot);
	free(dir);
}

/* A killed writer's libgit2 locks (the branch's, the index's) are removed
 * by the next writer, which takes over its stale lock: they are older than
 * the new holder's lock and the process that made them is gone. */
Test(lock, a_killed_writers_ref_and_index_locks_are_removed, .fini = th_cleanup)
{
	char *dir = new_repo();
	stance_buf lock = STANCE_BUF_INIT;
	th_result r;
	write_manifest(dir, "v1", "2020-01-01");
	stance_buf_printf(&lock, "%ld\n", dead_pid());
	th_write(dir, ".git/stance.lock", lock.ptr);
	cr_assert_eq(th_sh(dir, NULL, "git rev-parse HEAD > .git/refs/heads/main.lock && "
		"cp .git/index .git/index.lock"), 0);
	TH_RUN(&r, dir, "import", "--manifest", "saved/v1.tsv");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	cr_assert_not(th_exists(dir, ".git/refs/heads/main.lock"));
	cr_assert_not(th_exists(dir, ".git/index.lock"));
	cr_assert_not(th_exists(dir, ".git/stance.lock"));
	assert_clean(dir);
	stance_buf_dispose(&lock);
	free(dir);
}

/* Without a stale stance lock, a git lock may be a running git's: it is
 * left alone, and the message names it. */
Test(lock, a_git_lock_of_a_live_git_is_left_alone, .fini = th_cleanup)
{
	char *dir = new_repo();
	th_result r;
	th_write(dir, "saved/a.md", "---\ntitle: A\n---\n\nFørste udgave.\n");
	cr_assert_eq(th_sh(dir, NULL, "git rev-parse HEAD > .git/refs/heads/main.lock"), 0);
	TH_RUN(&r, dir, "add", "saved/a.md", "--id", "kl/a");
	cr_assert_eq(r.status, 1, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.err.ptr, "refs/heads/main.lock"), "%s", r.err.ptr);
	th_result_free(&r);
	cr_assert(th_exists(dir, ".git/refs/heads/main.lock"));
	free(dir);
}

/* ---- fetch: the snapshots branch's lock too ------------------------------ */

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

Test(lock, a_killed_fetchs_branch_locks_are_removed, .fini = stop_server)
{
	char *www = start_server(), *dir = new_repo();
	stance_buf lock = STANCE_BUF_INIT, u = STANCE_BUF_INIT;
	th_result r;
	th_write(www, "a.html", "<html lang=\"da\"><head><title>Skolepolitik</title></head><body><article>"
		"<h1>Skolepolitik</h1><p>Byrådet mener, at alle børn skal have en skole tæt på hjemmet, og at "
		"klasserne ikke må blive for store.</p><p>Vi foreslår derfor, at skolerne i landsbyerne bevares, "
		"og at der afsættes flere penge til lærere.</p></article></body></html>");
	stance_buf_printf(&u, "http://127.0.0.1:%d/a.html", port);
	OK0(dir, "source", "add", "byraad/skole", u.ptr);
	/* a first fetch makes the snapshots branch */
	OK0(dir, "fetch", "--no-progress", "--delay", "0", "--jitter", "0");
	th_write(www, "a.html", "<html lang=\"da\"><head><title>Skolepolitik</title></head><body><article>"
		"<h1>Skolepolitik</h1><p>Byrådet mener nu, at alle børn skal have en skole tæt på hjemmet, og at "
		"klasserne ikke må blive for store.</p><p>Vi foreslår derfor, at skolerne i landsbyerne bevares, "
		"og at der afsættes flere penge til lærere.</p></article></body></html>");
	stance_buf_printf(&lock, "%ld\n", dead_pid());
	th_write(dir, ".git/stance.lock", lock.ptr);
	cr_assert_eq(th_sh(dir, NULL, "git rev-parse main > .git/refs/heads/main.lock && "
		"git rev-parse snapshots > .git/refs/heads/snapshots.lock && rm -f .git/stance-fetch-state"), 0);
	TH_RUN(&r, dir, "fetch", "--no-progress", "--delay", "0", "--jitter", "0");
	cr_assert_eq(r.status, 0, "%s%s", r.out.ptr, r.err.ptr);
	cr_assert(strstr(r.out.ptr, "0 new, 1 updated"), "%s", r.out.ptr);
	th_result_free(&r);
	cr_assert_not(th_exists(dir, ".git/refs/heads/main.lock"));
	cr_assert_not(th_exists(dir, ".git/refs/heads/snapshots.lock"));
	assert_clean(dir);
	stance_buf_dispose(&lock);
	stance_buf_dispose(&u);
	free(www);
	free(dir);
}

/* Killed after the snapshots branch moved and before the branch did: the
 * version was never stored, so its snapshot is taken back, silently. */
Test(recovery, snapshots_of_a_version_never_stored_are_taken_back, .fini = stop_server)
{
	char *www = start_server(), *dir = new_repo();
	stance_buf u = STANCE_BUF_INIT, out = STANCE_BUF_INIT, j = STANCE_BUF_INIT;
	th_result r;
	th_write(www, "a.html", "<html lang=\"da\"><head><title>Skolepolitik</title></head><body><article>"
		"<h1>Skolepolitik</h1><p>Byrådet mener, at alle børn skal have en skole tæt på hjemmet, og at "
		"klasserne ikke må blive for store.</p><p>Vi foreslår derfor, at skolerne i landsbyerne bevares, "
		"og at der afsættes flere penge til lærere.</p></article></body></html>");
	stance_buf_printf(&u, "http://127.0.0.1:%d/a.html", port);
	OK0(dir, "source", "add", "byraad/skole", u.ptr);
	OK0(dir, "fetch", "--no-progress", "--delay", "0", "--jitter", "0");
	/* what a writer killed between its two branch moves leaves: the
	 * snapshots branch one commit on, main where it was, the journal */
	cr_assert_eq(th_sh(dir, &out, "main=$(git rev-parse main) && snap=$(git rev-parse snapshots) && "
		"next=$(git commit-tree -p $snap -m 'Snapshot byraad/skole' $(git rev-parse snapshots^{tree})) && "
		"git update-ref refs/heads/snapshots $next && "
		"printf 'stance-update 1\\ncommand fetch\\nbranch refs/heads/main\\nold %%s\\nnew %%s\\n"
		"snapshots-old %%s\\nsnapshots-new %%s\\n' $main $main $snap $next > .git/stance-update && "
		"echo $snap"), 0);
	OK(&r, dir, "list");
	cr_assert_str_eq(r.err.ptr, "");
	th_result_free(&r);
	cr_assert_not(th_exists(dir, ".git/stance-update"));
	cr_assert_eq(th_sh(dir, &j, "git rev-parse snapshots"), 0);
	cr_assert_str_eq(j.ptr, out.ptr);
	assert_clean(dir);
	stance_buf_dispose(&u);
	stance_buf_dispose(&out);
	stance_buf_dispose(&j);
	free(www);
	free(dir);
}
