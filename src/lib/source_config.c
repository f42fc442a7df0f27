/*
 * source_config.c: the sources a repository follows, in .stance/config
 * (read with libgit2's config API through repo.h; several
 * select/remove/noise rules are multivars), added and removed; their credentials, kept apart in
 * .git/stance-credentials.
 */
#include "source_internal.h"
#include "stance/extract.h"
#include "url.h"
#include "stance/document.h"
#include "stance/repo.h"
#include "stance/source.h"

#include <regex.h>
#include <stdio.h>
#include <sys/stat.h>

/* ---- the list ---- */

void stance_source_entry_sync(source_entry *e)
{
	e->pub.version = STANCE_SOURCE_VERSION;
	e->pub.id = e->id;
	e->pub.url = e->url;
	e->pub.kind = e->kind;
	e->pub.organization = e->organization;
	e->pub.from = e->from;
	e->pub.select = (const char *const *)e->select;
	e->pub.remove = (const char *const *)e->remove;
	e->pub.noise = (const char *const *)e->noise;
}

void stance_source_entry_dispose(source_entry *e)
{
	size_t i;
	free(e->id); free(e->url); free(e->kind); free(e->organization); free(e->from);
	free(e->from_address); free(e->address); free(e->published);
	for (i = 0; i < e->pub.select_count; i++) free(e->select[i]);
	for (i = 0; i < e->pub.remove_count; i++) free(e->remove[i]);
	for (i = 0; i < e->pub.noise_count; i++) free(e->noise[i]);
	free(e->select); free(e->remove); free(e->noise);
}

void stance_source_list_free(stance_source_list *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->n; i++)
		stance_source_entry_dispose(&list->v[i]);
	free(list->v);
	free(list);
}

size_t stance_source_list_count(const stance_source_list *list)
{
	return list ? list->n : 0;
}

const stance_source *stance_source_list_get(const stance_source_list *list, size_t i)
{
	return list && i < list->n ? &list->v[i].pub : NULL;
}

/* The source `id`; borrowed from the list, or NULL. */
source_entry *stance_source_list_find(stance_source_list *l, const char *id)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].id, id))
			return &l->v[i];
	return NULL;
}

static int push_str(char ***arr, size_t *count, const char *value)
{
	char **na = realloc(*arr, (*count + 1) * sizeof(*na));
	if (!na)
		return stance_error_oom();
	*arr = na;
	if (!(na[*count] = stance_strdup(value)))
		return STANCE_ERROR;
	(*count)++;
	return 0;
}

static int on_entry(const char *key, const char *value, void *payload)
{
	stance_source_list *l = payload;
	const char *name = key + strlen("source."), *dot = strrchr(name, '.');
	source_entry *s;
	char *id;
	int error = 0;
	if (!dot || dot == name)
		return 0;
	if (!(id = stance_strndup(name, (size_t)(dot - name))))
		return STANCE_ERROR;
	if (!(s = stance_source_list_find(l, id))) {
		if (stance_array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0) {
			free(id);
			return STANCE_ERROR;
		}
		s = &l->v[l->n++];
		memset(s, 0, sizeof(*s));
		s->id = id;
		id = NULL;
	}
	free(id);
	dot++;
	if (!strcmp(dot, "url")) {
		free(s->url);
		s->url = stance_strdup(value);
	} else if (!strcmp(dot, "kind")) {
		free(s->kind);
		s->kind = stance_strdup(value);
	} else if (!strcmp(dot, "organization")) {
		free(s->organization);
		s->organization = stance_strdup(value);
	} else if (!strcmp(dot, "from")) {
		free(s->from);
		s->from = stance_strdup(value);
	} else if (!strcmp(dot, "published")) {
		free(s->published);
		s->published = stance_strdup(value);
	} else if (!strcmp(dot, "from-address")) {
		free(s->from_address);
		s->from_address = stance_strdup(value);
	} else if (!strcmp(dot, "feed"))
		s->pub.feed = !strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "yes");
	else if (!strcmp(dot, "select"))
		error = push_str(&s->select, &s->pub.select_count, value);
	else if (!strcmp(dot, "remove"))
		error = push_str(&s->remove, &s->pub.remove_count, value);
	else if (!strcmp(dot, "noise"))
		error = push_str(&s->noise, &s->pub.noise_count, value);
	return error;
}

int stance_source_list_load(stance_source_list **out, stance_repo *repo)
{
	stance_source_list *l = calloc(1, sizeof(*l));
	size_t i, keep = 0;
	int error;
	*out = NULL;
	if (!l)
		return stance_error_oom();
	if ((error = stance_repo_config_foreach(repo, "^source\\.", on_entry, l)) < 0)
		goto done;
	/* A section left without a url (after a removal) is no source. */
	for (i = 0; i < l->n; i++) {
		if (!l->v[i].url) {
			stance_source_entry_dispose(&l->v[i]);
			continue;
		}
		l->v[keep++] = l->v[i];
	}
	l->n = keep;
	for (i = 0; i < l->n; i++)
		stance_source_entry_sync(&l->v[i]);
	*out = l;
	l = NULL;
done:
	stance_source_list_free(l);
	return error;
}

/* ---- add and remove ---- */


int stance_source_check_regex(const char *rule, const char *id)
{
	regex_t re;
	int rc = regcomp(&re, rule, REG_EXTENDED | REG_NEWLINE);
	if (rc) {
		char msg[256];
		regerror(rc, &re, msg, sizeof(msg));
		return stance_error_set(STANCE_EINVALID, "source '%s': the noise rule '%s' is not a valid regular expression: %s",
			id, rule, msg);
	}
	regfree(&re);
	return 0;
}

/* Splits http(s) URL `url` into its normal form without credentials
 * (appended to `clean`) and "user:pass" (appended to `cred`, may stay
 * empty), as fetch reads it. STANCE_EINVALID naming the URL. */
static int split_credentials(stance_buf *clean, stance_buf *cred, const char *url)
{
	stance_url u = STANCE_URL_INIT;
	int error;
	if ((error = stance_url_parse(&u, url, STANCE_URL_HTTP)) < 0)
		return error;
	if ((error = stance_url_normalize(clean, u.url, STANCE_URL_NO_CREDENTIALS)) == 0 && (u.user || u.password))
		error = stance_buf_printf(cred, "%s%s%s", u.user ? u.user : "", u.password ? ":" : "",
			u.password ? u.password : "");
	stance_url_dispose(&u);
	return error;
}

/* Credentials live in .git/stance-credentials ("id TAB user:pass" lines,
 * mode 0600): never in .stance/config, a commit or a report. */
static void credentials_path(stance_buf *out, stance_repo *repo)
{
	stance_buf_printf(out, "%sstance-credentials", stance_repo_gitdir(repo));
}

/* Appends the credentials of `id` to `out`; 0 when there are none. */
static int credentials_get(stance_buf *out, stance_repo *repo, const char *id)
{
	stance_buf path = STANCE_BUF_INIT, data = STANCE_BUF_INIT;
	const char *line;
	size_t idlen = strlen(id);
	int found = 0;
	credentials_path(&path, repo);
	if (stance_file_read(&data, path.ptr) == 0) {
		for (line = data.ptr; line && *line;) {
			const char *eol = strchr(line, '\n');
			size_t n = eol ? (size_t)(eol - line) : strlen(line);
			if (n > idlen && !strncmp(line, id, idlen) && line[idlen] == '\t') {
				stance_buf_put(out, line + idlen + 1, n - idlen - 1);
				found = 1;
				break;
			}
			line = eol ? eol + 1 : NULL;
		}
	}
	stance_error_clear();
	stance_buf_dispose(&path);
	stance_buf_dispose(&data);
	return found;
}

/* Sets (cred non-NULL) or forgets (NULL) the credentials of `id`. */
static int credentials_set(stance_repo *repo, const char *id, const char *cred)
{
	stance_buf path = STANCE_BUF_INIT, data = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	const char *line;
	size_t idlen = strlen(id);
	int error = 0, had = 0;
	credentials_path(&path, repo);
	if (stance_file_read(&data, path.ptr) < 0)
		stance_error_clear();
	for (line = data.ptr; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		if (n > idlen && !strncmp(line, id, idlen) && line[idlen] == '\t')
			had = 1;
		else if (n) {
			stance_buf_put(&out, line, n);
			stance_buf_putc(&out, '\n');
		}
		line = eol ? eol + 1 : NULL;
	}
	if (cred && *cred)
		stance_buf_printf(&out, "%s\t%s\n", id, cred);
	else if (!had)
		goto done;
	{
		mode_t old = umask(077);
		error = stance_file_write_atomic(path.ptr, out.ptr ? out.ptr : "", out.size);
		umask(old);
		if (!error)
			chmod(path.ptr, 0600);
	}
done:
	stance_buf_dispose(&path);
	stance_buf_dispose(&data);
	stance_buf_dispose(&out);
	return error;
}

/* The URL to request for source `s`: its URL with its credentials put
 * back, appended to `out`. A URL that does not parse is kept as it is,
 * for the fetch to refuse with its reason. */
void stance_source_request_url(stance_buf *out, stance_repo *repo, const stance_source *s)
{
	stance_buf cred = STANCE_BUF_INIT;
	if (!credentials_get(&cred, repo, s->id) || stance_url_with_credentials(out, s->url, cred.ptr) < 0) {
		stance_error_clear();
		stance_buf_puts(out, s->url);
	}
	stance_buf_dispose(&cred);
}

/* Appends `value` in git-config syntax: quoted, with backslashes, quotes
 * and line breaks escaped. (Written by hand: libgit2 1.5 writes a
 * multivar's backslashes unescaped and then cannot read the file.) */
static void config_value(stance_buf *out, const char *value)
{
	const char *p;
	stance_buf_putc(out, '"');
	for (p = value; *p; p++) {
		if (*p == '\\' || *p == '"') {
			stance_buf_putc(out, '\\');
			stance_buf_putc(out, *p);
		} else if (*p == '\n')
			stance_buf_puts(out, "\\n");
		else if (*p == '\t')
			stance_buf_puts(out, "\\t");
		else
			stance_buf_putc(out, *p);
	}
	stance_buf_putc(out, '"');
}

/* The [source "ID"] section for `s`, appended to `out`; for a feed's item,
 * with the address the feed answered from (`from_address`, may be NULL). */
void stance_source_text(stance_buf *out, const stance_source *s, const char *from_address,
	const char *published)
{
	size_t i;
#define LINE(var, value) do { stance_buf_puts(out, "\t" var " = "); config_value(out, value); \
	stance_buf_putc(out, '\n'); } while (0)
	stance_buf_printf(out, "[source \"%s\"]\n", s->id);
	LINE("url", s->url);
	if (s->kind && *s->kind)
		LINE("kind", s->kind);
	if (s->organization && *s->organization)
		LINE("organization", s->organization);
	if (s->feed)
		stance_buf_puts(out, "\tfeed = true\n");
	if (s->from)
		LINE("from", s->from);
	if (from_address)
		LINE("from-address", from_address);
	if (published && *published)
		LINE("published", published);
	for (i = 0; i < s->select_count; i++)
		LINE("select", s->select[i]);
	for (i = 0; i < s->remove_count; i++)
		LINE("remove", s->remove[i]);
	for (i = 0; i < s->noise_count; i++)
		LINE("noise", s->noise[i]);
#undef LINE
}

/* Appends `text` to .stance/config, atomically. */
static int config_append(stance_repo *repo, const char *text)
{
	stance_buf path = STANCE_BUF_INIT, data = STANCE_BUF_INIT;
	int error;
	stance_buf_printf(&path, "%s.stance/config", stance_repo_workdir(repo));
	if ((error = stance_file_read(&data, path.ptr)) < 0)
		goto done;
	if (data.size && data.ptr[data.size - 1] != '\n')
		stance_buf_putc(&data, '\n');
	stance_buf_puts(&data, text);
	error = stance_file_write_atomic(path.ptr, data.ptr, data.size);
done:
	stance_buf_dispose(&path);
	stance_buf_dispose(&data);
	return error;
}

/* The rules of `src` checked as `add` and `set` take them: STANCE_EINVALID
 * naming the source and the rule. */
static int check_rules(const stance_source *src)
{
	size_t i;
	int error;
	for (i = 0; i < src->select_count; i++)
		if ((error = stance_xpath_validate(src->select[i])) < 0)
			return stance_error_prefix(error, "source '%s': select rule: ", src->id);
	for (i = 0; i < src->remove_count; i++)
		if ((error = stance_xpath_validate(src->remove[i])) < 0)
			return stance_error_prefix(error, "source '%s': remove rule: ", src->id);
	for (i = 0; i < src->noise_count; i++)
		if ((error = stance_source_check_regex(src->noise[i], src->id)) < 0)
			return error;
	if (src->kind && *src->kind) {
		for (i = 0; stance_document_kinds[i]; i++)
			if (!strcmp(stance_document_kinds[i], src->kind))
				return 0;
		return stance_error_set(STANCE_EINVALID, "'%s' is not a kind (article, debate, editorial, blog, theme, other)",
			src->kind);
	}
	return 0;
}

int stance_source_add(stance_repo *repo, const stance_source *src)
{
	stance_source_list *l = NULL;
	stance_buf text = STANCE_BUF_INIT;
	stance_buf clean_url = STANCE_BUF_INIT, cred = STANCE_BUF_INIT;
	stance_source copy;
	int error;

	if (!src || !src->id || stance_id_validate(src->id) < 0)
		return stance_error_set(STANCE_EINVALID, "'%s' is not a valid source id (lowercase a-z, 0-9, '-', '_' and '/')",
			src && src->id ? src->id : "");
	if ((error = split_credentials(&clean_url, &cred, src->url ? src->url : "")) < 0)
		goto done;
	if ((error = check_rules(src)) < 0)
		goto done;
	if ((error = stance_source_list_load(&l, repo)) < 0)
		goto done;
	if (stance_source_list_find(l, src->id)) {
		error = stance_error_set(STANCE_EEXISTS, "there is a source '%s' already; remove it first", src->id);
		goto done;
	}
	copy = *src;
	copy.url = clean_url.ptr;
	stance_source_text(&text, &copy, NULL, NULL);
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
		goto done;
	/* Credentials first: if they cannot be kept, the source is not added. */
	if ((error = credentials_set(repo, src->id, cred.size ? cred.ptr : NULL)) == 0)
		error = config_append(repo, text.ptr);
	stance_repo_unlock(repo);
done:
	stance_source_list_free(l);
	stance_buf_dispose(&text);
	stance_buf_dispose(&clean_url);
	stance_buf_dispose(&cred);
	return error;
}

/* Every variable of the section of `id` unset, but for the fetch settings
 * (gone-after, the last) when `keep_settings`: `source set` rewrites the
 * rules and leaves those where they stand. The caller holds the lock. */
static int unset_section(stance_repo *repo, const char *id, int keep_settings)
{
	static const char *const vars[] = { "url", "kind", "organization", "feed", "from", "from-address", "select",
		"remove", "noise", "published", "gone-after" };
	stance_buf key = STANCE_BUF_INIT;
	size_t i;
	int error = 0;
	for (i = 0; i < STANCE_ARRAY_SIZE(vars) - (keep_settings ? 1 : 0) && !error; i++) {
		stance_buf_clear(&key);
		stance_buf_printf(&key, "source.%s.%s", id, vars[i]);
		error = stance_repo_config_unset_all(repo, key.ptr);
	}
	stance_buf_dispose(&key);
	return error < 0 ? error : 0;
}

/* Writes `text`, the new section of `id` whose variables were unset, where
 * its header stands in .stance/config (so `source list` keeps its order),
 * or at the end when the header went with them. */
static int config_put_section(stance_repo *repo, const char *id, const char *text)
{
	stance_buf path = STANCE_BUF_INIT, data = STANCE_BUF_INIT, header = STANCE_BUF_INIT, out = STANCE_BUF_INIT;
	const char *at = NULL, *p;
	int error;
	stance_buf_printf(&path, "%s.stance/config", stance_repo_workdir(repo));
	stance_buf_printf(&header, "[source \"%s\"]", id);
	if ((error = stance_file_read(&data, path.ptr)) < 0)
		goto done;
	for (p = stance_buf_cstr(&data); (p = strstr(p, header.ptr)); p += header.size)
		if ((p == data.ptr || p[-1] == '\n') && (p[header.size] == '\n' || !p[header.size])) {
			at = p;
			break;
		}
	if (!at) {
		error = config_append(repo, text);
		goto done;
	}
	/* the header line is the first line of `text` */
	stance_buf_put(&out, data.ptr, (size_t)(at - data.ptr));
	stance_buf_puts(&out, text);
	p = at + header.size;
	if (*p == '\n')
		p++;
	stance_buf_puts(&out, p);
	error = stance_file_write_atomic(path.ptr, out.ptr, out.size);
done:
	stance_buf_dispose(&path);
	stance_buf_dispose(&data);
	stance_buf_dispose(&header);
	stance_buf_dispose(&out);
	return error;
}

int stance_source_set(stance_repo *repo, const stance_source *changes)
{
	stance_source_list *l = NULL;
	source_entry *e;
	stance_source merged;
	stance_buf text = STANCE_BUF_INIT;
	int error, locked = 0;
	if (!changes || !changes->id)
		return stance_error_set(STANCE_EINVALID, "name the source to change");
	if ((error = stance_source_list_load(&l, repo)) < 0)
		return error;
	if (!(e = stance_source_list_find(l, changes->id))) {
		error = stance_error_set(STANCE_ENOTFOUND, "there is no source '%s'; see 'stance source list'", changes->id);
		goto done;
	}
	merged = e->pub;
	if (changes->select) {
		merged.select = changes->select;
		merged.select_count = changes->select_count;
	}
	if (changes->remove) {
		merged.remove = changes->remove;
		merged.remove_count = changes->remove_count;
	}
	if (changes->noise) {
		merged.noise = changes->noise;
		merged.noise_count = changes->noise_count;
	}
	if (changes->kind)
		merged.kind = changes->kind;
	if (changes->organization)
		merged.organization = changes->organization;
	if ((error = check_rules(&merged)) < 0)
		goto done;
	stance_source_text(&text, &merged, e->from_address, e->published);
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
		goto done;
	locked = 1;
	if ((error = unset_section(repo, changes->id, 1)) == 0)
		error = config_put_section(repo, changes->id, text.ptr);
done:
	if (locked)
		stance_repo_unlock(repo);
	stance_source_list_free(l);
	stance_buf_dispose(&text);
	return error;
}

int stance_source_remove(stance_repo *repo, const char *id)
{
	stance_source_list *l = NULL;
	int error, locked = 0;
	if ((error = stance_source_list_load(&l, repo)) < 0)
		return error;
	if (!stance_source_list_find(l, id)) {
		error = stance_error_set(STANCE_ENOTFOUND, "there is no source '%s'; see 'stance source list'", id);
		goto done;
	}
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
		goto done;
	locked = 1;
	if ((error = unset_section(repo, id, 0)) < 0)
		goto done;
	error = credentials_set(repo, id, NULL);
done:
	if (locked)
		stance_repo_unlock(repo);
	stance_source_list_free(l);
	return error;
}

