/*
 * repo.c: creating and opening stance repositories, the write lock, and
 * .stance/config.
 */
#include "git_internal.h"
#include "embedded.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct stance_repo {
	git_repository *git;
	char *workdir;      /* with trailing '/' */
	char *lock_path;    /* set while the lock is held */
	char *language;
};

void stance_git_init(void)
{
	static int done;
	if (!done) {
		git_libgit2_init();
		done = 1;
	}
}

int stance_git_error(int git_code, const char *fmt, ...)
{
	char context[1024];
	const git_error *e = git_error_last();
	va_list ap;
	int code = git_code == GIT_ENOTFOUND ? STANCE_ENOTFOUND :
		git_code == GIT_ELOCKED ? STANCE_ELOCKED :
		git_code == GIT_EEXISTS ? STANCE_EEXISTS : STANCE_ERROR;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	return stance_error_set(code, "%s: %s", context, e && e->message ? e->message : "git error");
}

git_repository *stance_repo_git(stance_repo *repo)
{
	return repo->git;
}

const char *stance_repo_workdir(const stance_repo *repo)
{
	return repo->workdir;
}

static int has_stance_config(const char *workdir)
{
	stance_buf p = STANCE_BUF_INIT;
	struct stat st;
	int ok;
	stance_buf_printf(&p, "%s.stance/config", workdir);
	ok = stat(stance_buf_cstr(&p), &st) == 0;
	stance_buf_dispose(&p);
	return ok;
}

static int wrap(stance_repo **out, git_repository *git)
{
	stance_repo *repo = calloc(1, sizeof(*repo));
	if (!repo)
		return stance_error_oom();
	repo->git = git;
	if (!(repo->workdir = stance_strdup(git_repository_workdir(git)))) {
		free(repo);
		return STANCE_ERROR;
	}
	*out = repo;
	return 0;
}

int stance_repo_open(stance_repo **out, const char *path)
{
	git_repository *git = NULL;
	int error;

	stance_git_init();
	if ((error = git_repository_open_ext(&git, path, 0, NULL)) < 0)
		return stance_error_set(STANCE_ENOTREPO, "'%s' is not in a stance repository "
			"(no git repository here or above; run 'stance init')", path);
	if (git_repository_is_bare(git) || !git_repository_workdir(git)) {
		git_repository_free(git);
		return stance_error_set(STANCE_ENOTREPO, "'%s' is a bare git repository; "
			"stance needs a working folder", path);
	}
	if (!has_stance_config(git_repository_workdir(git))) {
		error = stance_error_set(STANCE_ENOTREPO, "'%s' is a git repository but not a stance "
			"repository (no .stance/config; run 'stance init' there)", git_repository_workdir(git));
		git_repository_free(git);
		return error;
	}
	if ((error = wrap(out, git)) < 0)
		git_repository_free(git);
	return error;
}

void stance_repo_free(stance_repo *repo)
{
	if (!repo)
		return;
	stance_repo_unlock(repo);
	git_repository_free(repo->git);
	free(repo->workdir);
	free(repo->language);
	free(repo);
}

/* ---- the write lock ---- */

int stance_repo_lock_timeout(void)
{
	const char *env = getenv("STANCE_LOCK_TIMEOUT_MS");
	long v;
	if (env && stance_parse_int(&v, env, 0, 600000) == 0)
		return (int)v;
	return 5000;
}

/* True when the lock file names a process that is gone. */
static int lock_is_stale(const char *path)
{
	stance_buf content = STANCE_BUF_INIT;
	long pid;
	int stale = 0;
	if (stance_file_read(&content, path) == 0) {
		char *nl = strchr(content.ptr, '\n');
		if (nl)
			*nl = '\0';
		if (stance_parse_int(&pid, content.ptr, 1, 1L << 30) == 0 &&
		    kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			stale = 1;
	}
	stance_buf_dispose(&content);
	stance_error_clear();
	return stale;
}

int stance_repo_lock(stance_repo *repo, int timeout_ms)
{
	stance_buf path = STANCE_BUF_INIT;
	int waited = 0, error = 0;

	if (repo->lock_path)
		return 0;
	if ((error = stance_buf_printf(&path, "%sstance.lock", git_repository_path(repo->git))) < 0)
		goto done;
	for (;;) {
		int fd = open(path.ptr, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd >= 0) {
			char pid[32];
			int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
			if (write(fd, pid, (size_t)n) != n || close(fd) < 0) {
				unlink(path.ptr);
				error = stance_error_set(STANCE_ERROR, "%s: cannot write the lock: %s",
					path.ptr, strerror(errno));
				goto done;
			}
			repo->lock_path = stance_buf_detach(&path);
			goto done;
		}
		if (errno != EEXIST) {
			error = stance_error_set(STANCE_ERROR, "%s: cannot take the lock: %s", path.ptr, strerror(errno));
			goto done;
		}
		if (lock_is_stale(path.ptr)) {
			unlink(path.ptr);
			continue;
		}
		if (waited >= timeout_ms) {
			error = stance_error_set(STANCE_ELOCKED, "the repository at %s is busy: another stance "
				"is writing to it (lock %s); try again when it has finished", repo->workdir, path.ptr);
			goto done;
		}
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
		waited += 50;
	}
done:
	stance_buf_dispose(&path);
	return error;
}

void stance_repo_unlock(stance_repo *repo)
{
	if (repo && repo->lock_path) {
		unlink(repo->lock_path);
		free(repo->lock_path);
		repo->lock_path = NULL;
	}
}

/* ---- .stance/config ---- */

static int open_config(git_config **out, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	int error;
	stance_buf_printf(&path, "%s.stance/config", repo->workdir);
	if ((error = git_config_open_ondisk(out, path.ptr)) < 0)
		error = stance_git_error(error, "%s", path.ptr);
	stance_buf_dispose(&path);
	return error;
}

int stance_repo_config_get(stance_buf *out, stance_repo *repo, const char *key)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	int error;
	if ((error = open_config(&cfg, repo)) < 0)
		return error;
	if ((error = git_config_get_string_buf(&value, cfg, key)) < 0) {
		if (error == GIT_ENOTFOUND)
			error = stance_error_set(STANCE_ENOTFOUND, ".stance/config: '%s' is not set", key);
		else
			error = stance_git_error(error, ".stance/config: cannot read '%s'", key);
	} else {
		error = stance_buf_puts(out, value.ptr);
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	return error;
}

int stance_repo_config_set(stance_repo *repo, const char *key, const char *value)
{
	git_config *cfg = NULL;
	int error;
	if ((error = open_config(&cfg, repo)) < 0)
		return error;
	if (value)
		error = git_config_set_string(cfg, key, value);
	else if ((error = git_config_delete_entry(cfg, key)) == GIT_ENOTFOUND)
		error = 0;
	if (error < 0)
		error = stance_git_error(error, ".stance/config: cannot set '%s'", key);
	git_config_free(cfg);
	return error;
}

const char *stance_repo_language(stance_repo *repo)
{
	stance_buf b = STANCE_BUF_INIT;
	if (!repo->language) {
		if (stance_repo_config_get(&b, repo, "stance.language") == 0 && b.size)
			repo->language = stance_buf_detach(&b);
		else
			repo->language = stance_strdup("en");
		stance_buf_dispose(&b);
		stance_error_clear();
	}
	return repo->language ? repo->language : "en";
}

/* ---- init ---- */

int stance_git_signature(git_signature **out, git_repository *git, const char *name,
	const char *email, int64_t time, int tz_minutes)
{
	git_config *cfg = NULL;
	git_buf cname = GIT_BUF_INIT, cemail = GIT_BUF_INIT;
	int error;

	if (!name || !*name)
		name = getenv("GIT_AUTHOR_NAME");
	if (!email || !*email)
		email = getenv("GIT_AUTHOR_EMAIL");
	if ((!name || !*name || !email || !*email) && git_repository_config_snapshot(&cfg, git) == 0) {
		if ((!name || !*name) && git_config_get_string_buf(&cname, cfg, "user.name") == 0)
			name = cname.ptr;
		if ((!email || !*email) && git_config_get_string_buf(&cemail, cfg, "user.email") == 0)
			email = cemail.ptr;
	}
	if (!name || !*name)
		name = "stance";
	if (!email || !*email)
		email = "stance@localhost";
	if ((error = stance_store_check_identity(name, email)) < 0)
		goto done;
	if (time == 0)
		error = git_signature_now(out, name, email);
	else
		error = git_signature_new(out, name, email, (git_time_t)time, tz_minutes);
	if (error < 0)
		error = stance_git_error(error, "cannot make a commit signature for '%s <%s>'", name, email);
done:
	git_buf_dispose(&cname);
	git_buf_dispose(&cemail);
	git_config_free(cfg);
	return error;
}

int stance_git_commit_tree(git_oid *out, git_repository *git, const char *ref,
	const git_signature *author, const char *message, const git_oid *tree_id)
{
	git_reference *head = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_signature *committer = NULL;
	git_oid parent_id;
	int error, nparents = 0;

	if ((error = git_reference_name_to_id(&parent_id, git, ref)) == 0) {
		if ((error = git_commit_lookup(&parent, git, &parent_id)) < 0)
			goto done;
		nparents = 1;
	} else if (error != GIT_ENOTFOUND && error != GIT_EUNBORNBRANCH) {
		goto done;
	}
	if ((error = git_tree_lookup(&tree, git, tree_id)) < 0)
		goto done;
	if ((error = git_signature_now(&committer, author->name, author->email)) < 0)
		goto done;
	error = git_commit_create(out, git, ref, author, committer, NULL, message, tree,
		(size_t)nparents, (const git_commit **)&parent);
done:
	if (error < 0)
		error = stance_git_error(error, "cannot commit to %s", ref);
	git_signature_free(committer);
	git_tree_free(tree);
	git_commit_free(parent);
	git_reference_free(head);
	return error;
}

int stance_repo_init(stance_repo **out, const char *path)
{
	git_repository *git = NULL;
	git_index *index = NULL;
	git_signature *sig = NULL;
	stance_repo *repo = NULL;
	const stance_embedded_file *f;
	stance_buf file = STANCE_BUF_INIT;
	git_oid tree_id, commit_id;
	int error;

	stance_git_init();
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return stance_error_set(STANCE_ERROR, "%s: cannot create the folder: %s", path, strerror(errno));
	if (git_repository_open_ext(&git, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_repository_init_options opts;
		git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		opts.flags = GIT_REPOSITORY_INIT_MKPATH;
		opts.initial_head = "main";
		if ((error = git_repository_init_ext(&git, path, &opts)) < 0) {
			error = stance_git_error(error, "%s: cannot create a git repository", path);
			goto done;
		}
	}
	if (git_repository_is_bare(git)) {
		error = stance_error_set(STANCE_EINVALID, "%s is a bare git repository; stance needs a "
			"working folder (clone it first)", path);
		goto done;
	}
	if (has_stance_config(git_repository_workdir(git))) {
		error = stance_error_set(STANCE_EEXISTS, "%s is a stance repository already", git_repository_workdir(git));
		goto done;
	}
	if ((error = wrap(&repo, git)) < 0)
		goto done;
	git = NULL;
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
		goto done;
	if ((error = git_repository_index(&index, repo->git)) < 0) {
		error = stance_git_error(error, "%s: cannot read the git index", repo->workdir);
		goto done;
	}
	/* Write the skeleton into the working folder and stage exactly those files. */
	for (f = stance_embedded_files; f->path; f++) {
		const char *rel;
		if (strncmp(f->path, "repo-template/", 14))
			continue;
		rel = f->path + 14;
		stance_buf_clear(&file);
		if ((error = stance_buf_printf(&file, "%s%s", repo->workdir, rel)) < 0 ||
		    (error = stance_mkdirs_for(file.ptr)) < 0 ||
		    (error = stance_file_write_atomic(file.ptr, (const char *)f->data, f->len)) < 0)
			goto done;
		if ((error = git_index_add_bypath(index, rel)) < 0) {
			error = stance_git_error(error, "%s: cannot stage %s", repo->workdir, rel);
			goto done;
		}
	}
	for (f = stance_embedded_files; f->path; f++) {
		if (strncmp(f->path, "hooks/", 6))
			continue;
		stance_buf_clear(&file);
		if ((error = stance_buf_printf(&file, "%shooks/%s", git_repository_path(repo->git), f->path + 6)) < 0 ||
		    (error = stance_mkdirs_for(file.ptr)) < 0 ||
		    (error = stance_file_write_atomic(file.ptr, (const char *)f->data, f->len)) < 0)
			goto done;
		chmod(file.ptr, 0755);
	}
	if ((error = git_index_write(index)) < 0 || (error = git_index_write_tree(&tree_id, index)) < 0) {
		error = stance_git_error(error, "%s: cannot write the git index", repo->workdir);
		goto done;
	}
	if ((error = stance_git_signature(&sig, repo->git, NULL, NULL, 0, 0)) < 0 ||
	    (error = stance_git_commit_tree(&commit_id, repo->git, "HEAD", sig,
		"Initialize stance repository\n", &tree_id)) < 0)
		goto done;
	if (out) {
		*out = repo;
		repo = NULL;
	}
done:
	stance_buf_dispose(&file);
	git_signature_free(sig);
	git_index_free(index);
	git_repository_free(git);
	stance_repo_free(repo);
	return error;
}

int stance_repo_set_program(stance_repo *repo, const char *program)
{
	git_config *cfg = NULL;
	stance_buf cmd = STANCE_BUF_INIT;
	int error;
	if ((error = git_repository_config(&cfg, repo->git)) < 0)
		return stance_git_error(error, "%s: cannot open .git/config", repo->workdir);
	/* The hook and git's diff driver find this very binary even when it is
	 * not on PATH (run from a build folder). */
	if ((error = stance_buf_printf(&cmd, "'%s' difftool", program)) < 0)
		goto done;
	if ((error = git_config_set_string(cfg, "stance.program", program)) < 0 ||
	    (error = git_config_set_string(cfg, "diff.stance.command", cmd.ptr)) < 0)
		error = stance_git_error(error, "%s: cannot write .git/config", repo->workdir);
done:
	stance_buf_dispose(&cmd);
	git_config_free(cfg);
	return error;
}
