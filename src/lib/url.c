/*
 * url.c: the URL module (url.h) on libcurl's curl_url() parser. The only
 * module besides fetch that includes libcurl; it needs no network and no
 * curl_global_init().
 */
#include "url.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include <curl/curl.h>

static void lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/*
 * `url` as curl_url() should read it: in a "scheme://" URL, every '@' of
 * the authority but the last written "%40", so that a password with an '@'
 * in it ("https://u:p@ss@host/") is read as browsers read it rather than
 * refused. The authority ends at the first '/', '?' or '#'.
 */
static int prepare(stance_buf *out, const char *url)
{
	const char *sep = strstr(url, "://"), *auth, *end, *last = NULL, *p;
	if (!sep || memchr(url, '/', (size_t)(sep - url)))
		return stance_buf_puts(out, url);
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	for (p = auth; p < end; p++)
		if (*p == '@')
			last = p;
	if (stance_buf_put(out, url, (size_t)(auth - url)) < 0)
		return STANCE_ERROR;
	for (p = auth; *p; p++)
		if ((*p == '@' && p < last) ? stance_buf_puts(out, "%40") : stance_buf_putc(out, *p))
			return STANCE_ERROR;
	return 0;
}

/* curl's reason for `rc`, its first letter in lower case, in `buf`. */
static const char *reason(char *buf, size_t size, CURLUcode rc)
{
	snprintf(buf, size, "%s", curl_url_strerror(rc));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/* Sets the error for `url`, which did not parse (curl's `rc`). */
static int invalid(const char *url, CURLUcode rc)
{
	stance_buf shown = STANCE_BUF_INIT;
	char why[128];
	int error;
	stance_url_for_message(&shown, url);
	if (!strstr(url, "://"))
		error = stance_error_set(STANCE_EINVALID, "'%s' is not a valid URL: it does not start with 'scheme://'",
			stance_buf_cstr(&shown));
	else
		error = stance_error_set(STANCE_EINVALID, "'%s' is not a valid URL: %s", stance_buf_cstr(&shown),
			reason(why, sizeof(why), rc));
	stance_buf_dispose(&shown);
	return error;
}

/* Reads `url` into handle `h` (appended to what it holds: a relative URL is
 * read against it). A curl code; CURLUE_OUT_OF_MEMORY also for ours. */
static CURLUcode set_url(CURLU *h, const char *url)
{
	stance_buf in = STANCE_BUF_INIT;
	CURLUcode rc = CURLUE_OUT_OF_MEMORY;
	if (prepare(&in, url) == 0)
		rc = curl_url_set(h, CURLUPART_URL, in.ptr, CURLU_NON_SUPPORT_SCHEME);
	stance_buf_dispose(&in);
	return rc;
}

/*
 * Puts the URL in handle `h` in normal form and applies `flags`; `url` is
 * what it was read from, for messages. 0 or STANCE_EINVALID.
 */
static int normalize(CURLU *h, const char *url, unsigned flags)
{
	char *scheme = NULL, *host = NULL, *zone = NULL, *port = NULL, *defport = NULL;
	int error = 0;
	if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		error = invalid(url, CURLUE_BAD_SCHEME);
		goto done;
	}
	lower(scheme);
	if ((flags & STANCE_URL_HTTP) && strcmp(scheme, "http") && strcmp(scheme, "https")) {
		stance_buf shown = STANCE_BUF_INIT;
		stance_url_for_message(&shown, url);
		error = stance_error_set(STANCE_EINVALID, "'%s' is not an http or https URL", stance_buf_cstr(&shown));
		stance_buf_dispose(&shown);
		goto done;
	}
	if (curl_url_set(h, CURLUPART_SCHEME, scheme, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		goto oom;
	if (curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		/* setting the host clears an IPv6 zone ("%25eth0"): kept */
		curl_url_get(h, CURLUPART_ZONEID, &zone, 0);
		lower(host);
		if (curl_url_set(h, CURLUPART_HOST, host, 0) != CURLUE_OK ||
		    (zone && curl_url_set(h, CURLUPART_ZONEID, zone, 0) != CURLUE_OK))
			goto oom;
	}
	/* the scheme's default port goes; any other port stays */
	if (curl_url_get(h, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
		if (curl_url_set(h, CURLUPART_PORT, NULL, 0) != CURLUE_OK)
			goto oom;
		if ((curl_url_get(h, CURLUPART_PORT, &defport, CURLU_DEFAULT_PORT) != CURLUE_OK || strcmp(port, defport)) &&
		    curl_url_set(h, CURLUPART_PORT, port, 0) != CURLUE_OK)
			goto oom;
	}
	if ((flags & STANCE_URL_NO_FRAGMENT) && curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK)
		goto oom;
	if ((flags & STANCE_URL_NO_CREDENTIALS) &&
	    (curl_url_set(h, CURLUPART_USER, NULL, 0) != CURLUE_OK ||
	     curl_url_set(h, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
	     curl_url_set(h, CURLUPART_OPTIONS, NULL, 0) != CURLUE_OK))
		goto oom;
	goto done;
oom:
	error = stance_error_oom();
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(zone);
	curl_free(port);
	curl_free(defport);
	return error;
}

/* A handle holding `url` in normal form with `flags` applied, in `*out`. */
static int load(CURLU **out, const char *url, unsigned flags)
{
	CURLU *h = curl_url();
	CURLUcode rc;
	int error;
	*out = NULL;
	if (!h)
		return stance_error_oom();
	if ((rc = set_url(h, url)) != CURLUE_OK) {
		error = rc == CURLUE_OUT_OF_MEMORY ? stance_error_oom() : invalid(url, rc);
		curl_url_cleanup(h);
		return error;
	}
	if ((error = normalize(h, url, flags)) < 0) {
		curl_url_cleanup(h);
		return error;
	}
	*out = h;
	return 0;
}

/* Appends the whole URL of `h` to `out`. */
static int put_url(stance_buf *out, CURLU *h)
{
	char *s = NULL;
	int error;
	if (curl_url_get(h, CURLUPART_URL, &s, 0) != CURLUE_OK)
		return stance_error_oom();
	error = stance_buf_puts(out, s);
	curl_free(s);
	return error;
}

/* Part `what` of `h` as a malloc'd string in `*out` (NULL when absent). */
static int get_part(char **out, CURLU *h, CURLUPart what, unsigned int flags)
{
	char *s = NULL;
	CURLUcode rc = curl_url_get(h, what, &s, flags);
	*out = NULL;
	if (rc == CURLUE_OUT_OF_MEMORY)
		return stance_error_oom();
	if (rc != CURLUE_OK)
		return 0;
	*out = stance_strdup(s);
	curl_free(s);
	return *out ? 0 : STANCE_ERROR;
}

int stance_url_parse(stance_url *out, const char *url, unsigned flags)
{
	CURLU *h = NULL;
	char *defport = NULL;
	int error;
	memset(out, 0, sizeof(*out));
	if ((error = load(&h, url ? url : "", flags)) < 0)
		return error;
	if ((error = get_part(&out->scheme, h, CURLUPART_SCHEME, 0)) < 0 ||
	    (error = get_part(&out->user, h, CURLUPART_USER, 0)) < 0 ||
	    (error = get_part(&out->password, h, CURLUPART_PASSWORD, 0)) < 0 ||
	    (error = get_part(&out->host, h, CURLUPART_HOST, 0)) < 0 ||
	    (error = get_part(&out->port, h, CURLUPART_PORT, 0)) < 0 ||
	    (error = get_part(&out->path, h, CURLUPART_PATH, 0)) < 0 ||
	    (error = get_part(&out->query, h, CURLUPART_QUERY, 0)) < 0 ||
	    (error = get_part(&out->fragment, h, CURLUPART_FRAGMENT, 0)) < 0 ||
	    (error = get_part(&out->url, h, CURLUPART_URL, 0)) < 0 ||
	    (error = get_part(&defport, h, CURLUPART_PORT, CURLU_DEFAULT_PORT)) < 0)
		goto done;
	if (!out->path && !(out->path = stance_strdup("/"))) {
		error = STANCE_ERROR;
		goto done;
	}
	if (defport)
		stance_parse_int(&out->port_number, defport, 0, 65535);
done:
	if (error < 0)
		stance_url_dispose(out);
	free(defport);
	curl_url_cleanup(h);
	return error;
}

void stance_url_dispose(stance_url *u)
{
	if (!u)
		return;
	free(u->scheme); free(u->user); free(u->password); free(u->host); free(u->port);
	free(u->path); free(u->query); free(u->fragment); free(u->url);
	memset(u, 0, sizeof(*u));
}

int stance_url_normalize(stance_buf *out, const char *url, unsigned flags)
{
	CURLU *h = NULL;
	int error;
	if ((error = load(&h, url ? url : "", flags)) < 0)
		return error;
	error = put_url(out, h);
	curl_url_cleanup(h);
	return error;
}

int stance_url_join(stance_buf *out, const char *base, const char *ref, unsigned flags)
{
	CURLU *h = NULL;
	CURLUcode rc = CURLUE_OK;
	int error;
	if ((error = load(&h, base ? base : "", 0)) < 0)
		return error;
	ref = ref ? ref : "";
	/* RFC 3986 5.2.2: an empty reference is the base, "#s" the base with
	 * fragment s (which libcurl 7.88 gets wrong: it drops the last
	 * segment and the query). */
	if (*ref == '#')
		rc = curl_url_set(h, CURLUPART_FRAGMENT, ref[1] ? ref + 1 : NULL, 0);
	else if (*ref)
		rc = set_url(h, ref);
	if (rc == CURLUE_OUT_OF_MEMORY)
		error = stance_error_oom();
	else if (rc != CURLUE_OK) {
		stance_buf shown = STANCE_BUF_INIT, on = STANCE_BUF_INIT;
		char why[128];
		stance_url_for_message(&shown, ref);
		stance_url_for_message(&on, base);
		error = stance_error_set(STANCE_EINVALID, "'%s' is not a valid URL or relative URL on '%s': %s",
			stance_buf_cstr(&shown), stance_buf_cstr(&on), reason(why, sizeof(why), rc));
		stance_buf_dispose(&shown);
		stance_buf_dispose(&on);
	} else if ((error = normalize(h, ref, flags)) == 0)
		error = put_url(out, h);
	curl_url_cleanup(h);
	return error;
}

int stance_url_with_credentials(stance_buf *out, const char *url, const char *userinfo)
{
	CURLU *h = NULL;
	char *user = NULL;
	const char *colon;
	int error;
	if ((error = load(&h, url ? url : "", STANCE_URL_NO_CREDENTIALS)) < 0)
		return error;
	if (userinfo && *userinfo) {
		colon = strchr(userinfo, ':');
		if (!(user = stance_strndup(userinfo, colon ? (size_t)(colon - userinfo) : strlen(userinfo)))) {
			error = STANCE_ERROR;
			goto done;
		}
		if (curl_url_set(h, CURLUPART_USER, user, 0) != CURLUE_OK ||
		    (colon && curl_url_set(h, CURLUPART_PASSWORD, colon + 1, 0) != CURLUE_OK)) {
			error = stance_error_oom();
			goto done;
		}
	}
	error = put_url(out, h);
done:
	free(user);
	curl_url_cleanup(h);
	return error;
}

/* stance_url_for_message() for what curl_url() cannot read. */
static int message_form_unparsed(stance_buf *out, const char *url)
{
	const char *sep = strstr(url, "://"), *at = strrchr(url, '@'), *colon;
	if (sep && at && at > sep) {
		if (stance_buf_put(out, url, (size_t)(sep + 3 - url)) < 0)
			return STANCE_ERROR;
		return stance_buf_puts(out, at + 1);
	}
	/* "user:password@host…" without a scheme; paths are kept */
	if (!sep && at && *url != '/' && *url != '.' && (colon = memchr(url, ':', (size_t)(at - url))) &&
	    !memchr(url, '/', (size_t)(colon - url)))
		return stance_buf_puts(out, at + 1);
	return stance_buf_puts(out, url);
}

int stance_url_for_message(stance_buf *out, const char *url)
{
	CURLU *h;
	char *scheme = NULL;
	int error = 0;
	if (!url)
		return stance_buf_puts(out, "");
	if (!(h = curl_url()))
		return stance_error_oom();
	if (!strstr(url, "://") || set_url(h, url) != CURLUE_OK) {
		curl_url_cleanup(h);
		return message_form_unparsed(out, url);
	}
	if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_set(h, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
	    curl_url_set(h, CURLUPART_OPTIONS, NULL, 0) != CURLUE_OK ||
	    (strcasecmp(scheme, "ssh") && curl_url_set(h, CURLUPART_USER, NULL, 0) != CURLUE_OK))
		error = stance_error_oom();
	else if ((error = normalize(h, url, 0)) == 0)
		error = put_url(out, h);
	curl_free(scheme);
	curl_url_cleanup(h);
	return error;
}
