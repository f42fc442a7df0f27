/*
 * sync_remote.c: the remotes of a stance repository (add, remove, list), the
 * remote an operation works with, and URLs redacted for messages.
 */
#include "sync_internal.h"
#include "url.h"

/* ---------------------------------------------------------------- URLs */

/* See sync.h. The URL module reads the URL (a password with '@' in it
 * included); what is not a URL, a path or an scp-like user@host:path, is
 * kept as it is. */
int stance_url_redact(stance_buf *out, const char *url)
{
	stance_url u = STANCE_URL_INIT;
	int error;
	if (!strstr(url, "://"))
		return stance_buf_puts(out, url);
	if (stance_url_parse(&u, url, 0) < 0) {
		/* not a URL libcurl reads: everything up to its last '@' goes */
		stance_error_clear();
		return stance_url_for_message(out, url);
	}
	/* keep the user name, drop the password */
	error = u.password ? stance_url_with_credentials(out, url, u.user) : stance_buf_puts(out, url);
	stance_url_dispose(&u);
	return error;
}

/* ---------------------------------------------------------------- remotes */

void stance_remote_array_free(stance_remote_array *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++) {
		free(list->items[i].name);
		free(list->items[i].url);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* See sync.h. */
int stance_remote_add(stance_repo *repo, const char *name, const char *url)
{
	git_remote *remote = NULL;
	int valid = 0, error;
	stance_buf red = STANCE_BUF_INIT;

	if (!name || git_remote_name_is_valid(&valid, name) < 0 || !valid)
		return stance_error_set(STANCE_EINVALID, "'%s' is not a valid remote name", name ? name : "");
	if (!url || !*url)
		return stance_error_set(STANCE_EINVALID, "remote '%s' needs a URL", name);
	stance_url_redact(&red, url);
	if ((error = git_remote_create(&remote, stance_repo_git(repo), name, url)) < 0) {
		if (error == GIT_EEXISTS)
			error = stance_error_set(STANCE_EEXISTS, "a remote named '%s' exists already", name);
		else
			error = stance_git_error(error, "cannot add remote '%s' (%s)", name, stance_buf_cstr(&red));
	}
	git_remote_free(remote);
	stance_buf_dispose(&red);
	return error;
}

/* See sync.h. */
int stance_remote_remove(stance_repo *repo, const char *name)
{
	git_remote *remote = NULL;
	int error;
	if ((error = git_remote_lookup(&remote, stance_repo_git(repo), name)) < 0)
		return stance_error_set(STANCE_ENOTFOUND, "there is no remote named '%s'", name);
	git_remote_free(remote);
	if ((error = git_remote_delete(stance_repo_git(repo), name)) < 0)
		return stance_git_error(error, "cannot remove remote '%s'", name);
	return 0;
}

/* Orders remotes by name. */
static int remote_cmp(const void *a, const void *b)
{
	return strcmp(((const stance_remote_info *)a)->name, ((const stance_remote_info *)b)->name);
}

/* See sync.h. The list and its strings belong to the caller. */
int stance_remote_list(stance_remote_array *out, stance_repo *repo)
{
	git_strarray names = { 0 };
	size_t i;
	int error;

	out->items = NULL;
	out->count = 0;
	if ((error = git_remote_list(&names, stance_repo_git(repo))) < 0)
		return stance_git_error(error, "%s: cannot read the remotes", stance_repo_workdir(repo));
	if (names.count && !(out->items = calloc(names.count, sizeof(*out->items)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < names.count; i++) {
		git_remote *r = NULL;
		stance_buf red = STANCE_BUF_INIT;
		if (git_remote_lookup(&r, stance_repo_git(repo), names.strings[i]) < 0)
			continue;
		stance_url_redact(&red, git_remote_url(r) ? git_remote_url(r) : "");
		out->items[out->count].name = stance_strdup(names.strings[i]);
		out->items[out->count].url = stance_buf_detach(&red);
		out->count++;
		git_remote_free(r);
	}
	if (out->count)
		qsort(out->items, out->count, sizeof(*out->items), remote_cmp);
done:
	git_strarray_dispose(&names);
	if (error < 0)
		stance_remote_array_free(out);
	return error;
}

/* A local path that is not absolute ("../hub.git"): git reads it from the
 * top of the working folder, and so do we, wherever the caller runs. */
static int is_relative_path(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	if (!*url || url[0] == '/' || strstr(url, "://"))
		return 0;
	return !colon || (slash && slash < colon);
}

/* Looks up the remote for an operation; the remote belongs to the caller. Fills
 * the context's URL (a private copy) and its redacted form for messages. */
int sync_remote_open(git_remote **out, sync_ctx *c)
{
	int error = git_remote_lookup(out, c->git, c->remote_name);
	if (error < 0)
		return stance_error_set(STANCE_ENOTFOUND, "there is no remote named '%s'; add one with "
			"'stance remote add %s URL'", c->remote_name, c->remote_name);
	/* our own copy: setting the instance URL below frees libgit2's */
	free(c->raw_url_owned);
	c->raw_url = c->raw_url_owned = stance_strdup(git_remote_url(*out) ? git_remote_url(*out) : "");
	if (!c->raw_url)
		return STANCE_ERROR;
	stance_buf_clear(&c->url);
	if ((error = stance_url_redact(&c->url, c->raw_url ? c->raw_url : "")) < 0)
		return error;
	if (c->raw_url && is_relative_path(c->raw_url)) {
		stance_buf abs = STANCE_BUF_INIT;
		stance_buf_printf(&abs, "%s%s", stance_repo_workdir(c->repo), c->raw_url);
		error = git_remote_set_instance_url(*out, abs.ptr);
		stance_buf_dispose(&abs);
		if (error < 0)
			return stance_git_error(error, "remote '%s' (%s)", c->remote_name, c->url.ptr);
	}
	return 0;
}
