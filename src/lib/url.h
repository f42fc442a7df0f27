/*
 * url.h: the library's one URL module, on libcurl's curl_url() parser:
 * parse and normalise a URL, take its credentials out, redact it for a
 * message, join a relative reference to a base, read its parts. Every
 * module that reads a URL (fetch, source, extract, sync) goes through it,
 * so that one URL gets one answer. Not part of the API.
 *
 * Normal form (what stance_url_normalize() and stance_url_join() give, and
 * the fields of stance_url): scheme and host in lower case, the scheme's
 * default port dropped (":443" on https), an empty path written "/",
 * percent-escapes as written. A user-info part with more than one '@'
 * ("https://u:p@ss@host/") is read as browsers read it, up to the last '@'
 * of the authority, the earlier ones written "%40".
 *
 * Errors are STANCE_EINVALID with a sentence naming the URL in its
 * message form (stance_url_for_message) and what is wrong with it.
 */
#ifndef STANCE_URL_H
#define STANCE_URL_H

#include "internal.h"

/* Flags of stance_url_parse(), stance_url_normalize() and stance_url_join(). */
enum {
	STANCE_URL_HTTP = 1u << 0,           /* only http and https URLs are accepted */
	STANCE_URL_NO_FRAGMENT = 1u << 1,    /* "#…" is dropped */
	STANCE_URL_NO_CREDENTIALS = 1u << 2  /* user and password are dropped */
};

/* A parsed URL, in normal form. Each string is owned by the struct and
 * freed by stance_url_dispose(); NULL where the URL has no such part. */
typedef struct {
	char *scheme;    /* "https" */
	char *user;      /* as written, percent-escapes kept ("%40"); NULL: none */
	char *password;  /* likewise */
	char *host;      /* "example.org", "[::1]" (IPv6 in brackets); NULL for file:/// */
	char *port;      /* as written, NULL when none or the scheme's default */
	long port_number; /* the port a connection goes to, the default included; 0: unknown */
	char *path;      /* "/" at least */
	char *query;     /* without the '?' */
	char *fragment;  /* without the '#' */
	char *url;       /* the whole URL in normal form (with `flags` applied) */
} stance_url;

#define STANCE_URL_INIT { NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL }

/*
 * Parses absolute URL `url` into `out` (initialised with STANCE_URL_INIT or
 * disposed), with `flags` applied. Any scheme of the form "scheme://" is
 * read (ssh://, file://) unless STANCE_URL_HTTP. STANCE_EINVALID for
 * what does not parse ("'ht tp://x' is not a valid URL: bad scheme"), out
 * left empty.
 */
int stance_url_parse(stance_url *out, const char *url, unsigned flags);

/* Frees the strings of `u` and leaves it as STANCE_URL_INIT. NULL-safe. */
void stance_url_dispose(stance_url *u);

/* Appends `url` in normal form, with `flags` applied, to `out`.
 * STANCE_EINVALID as stance_url_parse(); nothing appended then. */
int stance_url_normalize(stance_buf *out, const char *url, unsigned flags);

/*
 * Appends the URL that reference `ref` (relative or absolute) names when
 * read on the page at absolute URL `base`, per RFC 3986 section 5 ("../g"
 * on "http://a/b/c/d;p?q" is "http://a/b/g"), in normal form with `flags`
 * applied. An empty `ref` is `base`; "#s" is `base` with that fragment.
 * STANCE_EINVALID naming `ref` or `base` when either does not parse.
 */
int stance_url_join(stance_buf *out, const char *base, const char *ref, unsigned flags);

/*
 * Appends `url` with user-info `userinfo` ("user:password" or "user", as a
 * URL writes it, percent-escapes and all) in place of its own, in normal
 * form: the URL to request for a source whose credentials are kept apart.
 * NULL or "" puts none. STANCE_EINVALID as stance_url_parse().
 */
int stance_url_with_credentials(stance_buf *out, const char *url, const char *userinfo);

/*
 * Appends `url` as a message may show it: without its password and, but
 * for an ssh:// URL, without its user name (over http a token is often
 * the user name: "https://TOKEN@host/"), as git shows a remote URL. Never
 * fails but for memory: a string that does not parse as a URL loses
 * everything from "://" to its last '@', and a "user:password@" before any
 * "://"; a path or an scp-like "user@host:path" is kept as it is.
 */
int stance_url_for_message(stance_buf *out, const char *url);

#endif
