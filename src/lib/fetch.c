/*
 * fetch.c: many HTTP requests at once over libcurl's multi interface,
 * politely: a scheduler keeps at most one transfer per host (scheme, host
 * and port), waits the host delay (plus jitter) between two of them, asks
 * each host for robots.txt first, and retries network errors, 5xx and 429
 * with exponential backoff or the server's Retry-After. Only this module
 * includes libcurl.
 */
#define _GNU_SOURCE /* memmem */
#include "internal.h"
#include "stance/fetch.h"
#include "fetch_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <time.h>

#include <curl/curl.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int stance_url_strip_credentials(stance_buf *out, const char *url)
{
	CURLU *h = curl_url();
	char *clean = NULL;
	int error;
	if (h && curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_set(h, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
	    curl_url_set(h, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_URL, &clean, 0) == CURLUE_OK) {
		error = stance_buf_puts(out, clean);
	} else {
		/* Not a URL curl understands: drop anything up to an '@' in the
		 * authority, to be safe. */
		const char *start = strstr(url, "://"), *auth = start ? start + 3 : url;
		const char *end = auth + strcspn(auth, "/?#"), *at = NULL, *p;
		for (p = auth; p < end; p++)
			if (*p == '@')
				at = p;
		if (at) {
			error = stance_buf_put(out, url, (size_t)(auth - url));
			if (!error)
				error = stance_buf_puts(out, at + 1);
		} else
			error = stance_buf_puts(out, url);
	}
	curl_free(clean);
	curl_url_cleanup(h);
	return error;
}

/* ---- robots.txt ---- */

/*
 * The pattern is cut at its stars into segments ("/a*b**c$": "/a", "b",
 * "c"; a run of stars is one star): the first segment must begin the path,
 * each next one is looked for, leftmost, after where the one before ended
 * (leftmost is never worse for what follows), and with '$' the last must
 * end the path. Each search is memmem, linear in glibc and musl, and each
 * starts where the last ended: O(len(path) + len(pattern)) time, no
 * recursion, no memory. (Backtracking on '*', as this was once written,
 * took minutes for "Disallow: /" followed by ten stars and an X, and
 * overflowed the stack on millions of stars.)
 */
int stance_robots_match(const char *pat, size_t plen, const char *path)
{
	size_t n = strlen(path), pos = 0, i = 0;
	int anchored = plen > 0 && pat[plen - 1] == '$', first = 1;
	if (anchored)
		plen--;
	while (i <= plen) {
		/* the segment pat[i, j), up to the next star or the end */
		const char *star = i < plen ? memchr(pat + i, '*', plen - i) : NULL;
		size_t j = star ? (size_t)(star - pat) : plen, k = j - i;
		int last = !star;
		if (first && last) {
			/* no star at all: a prefix, or with '$' the whole path */
			return anchored ? n == k && !memcmp(path, pat + i, k) : n >= k && !memcmp(path, pat + i, k);
		}
		if (first) {
			if (n < k || memcmp(path, pat + i, k))
				return 0;
			pos = k;
		} else if (last && anchored) {
			return n - pos >= k && !memcmp(path + n - k, pat + i, k);
		} else if (k) {
			const char *at = memmem(path + pos, n - pos, pat + i, k);
			if (!at)
				return 0;
			pos = (size_t)(at - path) + k;
		}
		if (last)
			return 1;
		first = 0;
		i = j;
		while (i < plen && pat[i] == '*')
			i++;
	}
	return 1;
}

int stance_robots_allowed_len(const char *robots, size_t len, const char *agent, const char *path)
{
	/* Two passes: the group naming our agent, else the "*" group. */
	const char *end = robots + len;
	size_t alen = strlen(agent);
	int pass;
	if (!robots)
		return 1;
	for (pass = 0; pass < 2; pass++) {
		const char *line = robots;
		int in_group = 0, group_found = 0, last_was_agent = 0;
		size_t best = 0;
		int verdict = 1, any_rule = 0;
		while (line < end) {
			const char *eol = line, *colon, *v, *vend, *hash, *lend;
			size_t klen;
			char key[32];
			while (eol < end && *eol != '\r' && *eol != '\n' && *eol)
				eol++;
			hash = memchr(line, '#', (size_t)(eol - line));
			lend = hash ? hash : eol;
			colon = memchr(line, ':', (size_t)(lend - line));
			if (colon) {
				const char *k = line;
				while (k < colon && isspace((unsigned char)*k))
					k++;
				klen = (size_t)(colon - k);
				while (klen && isspace((unsigned char)k[klen - 1]))
					klen--;
				if (klen >= sizeof(key))
					klen = sizeof(key) - 1;
				memcpy(key, k, klen);
				key[klen] = '\0';
				v = colon + 1;
				while (v < lend && isspace((unsigned char)*v))
					v++;
				vend = lend;
				while (vend > v && isspace((unsigned char)vend[-1]))
					vend--;
				if (!strcasecmp(key, "user-agent")) {
					int match;
					size_t vlen = (size_t)(vend - v);
					if (!last_was_agent)
						in_group = 0;
					if (pass == 0)
						match = vlen > 0 && *v != '*' && !strncasecmp(agent, v, vlen < alen ? vlen : alen);
					else
						match = vlen == 1 && *v == '*';
					if (match) {
						in_group = 1;
						group_found = 1;
					}
					last_was_agent = 1;
				} else {
					last_was_agent = 0;
					if (in_group && (!strcasecmp(key, "allow") || !strcasecmp(key, "disallow"))) {
						size_t plen = (size_t)(vend - v);
						int allow = !strcasecmp(key, "allow");
						if (plen == 0) {
							/* "Disallow:" with no path allows everything. */
						} else if ((plen > best || (plen == best && allow)) &&
							   stance_robots_match(v, plen, path)) {
							best = plen;
							verdict = allow;
							any_rule = 1;
						}
					}
				}
			}
			line = eol < end ? eol + 1 : eol;
			if (line < end && *line == '\n' && *eol == '\r')
				line++;
		}
		if (group_found)
			return any_rule ? verdict : 1;
	}
	return 1;
}

int stance_robots_allowed(const char *robots, const char *agent, const char *path)
{
	return robots ? stance_robots_allowed_len(robots, strlen(robots), agent, path) : 1;
}

/* ---- the scheduler ---- */

typedef enum { ROBOTS_UNKNOWN, ROBOTS_FETCHING, ROBOTS_READY } robots_state;

typedef struct {
	char *key;            /* "http://host:port" */
	int busy;
	int64_t next_ok;      /* earliest start of the next request */
	robots_state robots;
	char *robots_text;    /* NULL: everything allowed */
} host;

/* What is known of the hosts, kept across runs when the caller passes a
 * stance_fetch_cache: robots.txt, and when each host may be asked again. */
struct stance_fetch_cache {
	host *v;
	size_t n, cap;
};

int stance_fetch_cache_new(stance_fetch_cache **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return stance_error_oom();
	return 0;
}

void stance_fetch_cache_free(stance_fetch_cache *cache)
{
	size_t i;
	if (!cache)
		return;
	for (i = 0; i < cache->n; i++) {
		free(cache->v[i].key);
		free(cache->v[i].robots_text);
	}
	free(cache->v);
	free(cache);
}

typedef enum { JOB_WAITING, JOB_RUNNING, JOB_DONE } job_state;

typedef struct transfer transfer;

typedef struct {
	size_t host;
	job_state state;
	int64_t not_before;
	char *path;           /* path and query, for robots.txt */
} job;

struct transfer {
	transfer *next, *prev;  /* the list of transfers under way */
	CURL *easy;
	struct curl_slist *headers;
	size_t job;           /* index, or (size_t)-1 for a robots.txt request */
	size_t host;
	stance_buf body;
	stance_buf retry_after;
	int too_big;
	char errbuf[CURL_ERROR_SIZE];
	stance_fetch_response *resp;
	const stance_fetch_options *opts;
};

/* The transfers under way, so that an early exit can end them. */
static _Thread_local transfer *active;

/* The value of header line `line` when it is header `name`; caller frees.
 * NULL for another header. */
static char *header_value(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *v, *end = line + len;
	if (len <= n || strncasecmp(line, name, n) || line[n] != ':')
		return NULL;
	v = line + n + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return stance_strndup(v, (size_t)(end - v));
}

static void replace(char **slot, char *value)
{
	if (value) {
		free(*slot);
		*slot = value;
	}
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	transfer *t = userp;
	size_t len = size * nmemb;
	char *v;
	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* A new answer (after a redirect or 100): forget the last one's. */
		if (t->resp) {
			free(t->resp->content_type); t->resp->content_type = NULL;
			free(t->resp->etag); t->resp->etag = NULL;
			free(t->resp->last_modified); t->resp->last_modified = NULL;
		}
		stance_buf_clear(&t->retry_after);
		return len;
	}
	if ((v = header_value(data, len, "retry-after"))) {
		stance_buf_clear(&t->retry_after);
		stance_buf_puts(&t->retry_after, v);
		free(v);
	}
	if (!t->resp)
		return len;
	replace(&t->resp->content_type, header_value(data, len, "content-type"));
	replace(&t->resp->etag, header_value(data, len, "etag"));
	replace(&t->resp->last_modified, header_value(data, len, "last-modified"));
	return len;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	transfer *t = userp;
	size_t len = size * nmemb;
	if (t->body.size + len > t->opts->max_size) {
		t->too_big = 1;
		return 0; /* stops the transfer */
	}
	if (stance_buf_put(&t->body, data, len) < 0)
		return 0;
	return len;
}

/* The "scheme://host:port" of `url`, and its path and query. */
static int split_url(char **key, char **path, const char *url)
{
	CURLU *h = curl_url();
	char *scheme = NULL, *hostname = NULL, *port = NULL, *p = NULL, *q = NULL;
	stance_buf k = STANCE_BUF_INIT, pq = STANCE_BUF_INIT;
	int error = 0;
	*key = *path = NULL;
	if (!h || curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_HOST, &hostname, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		stance_buf clean = STANCE_BUF_INIT;
		stance_url_strip_credentials(&clean, url);
		error = stance_error_set(STANCE_EINVALID, "'%s' is not a valid URL", stance_buf_cstr(&clean));
		stance_buf_dispose(&clean);
		goto done;
	}
	curl_url_get(h, CURLUPART_PATH, &p, 0);
	curl_url_get(h, CURLUPART_QUERY, &q, 0);
	stance_buf_printf(&k, "%s://%s:%s", scheme, hostname, port);
	stance_buf_printf(&pq, "%s%s%s", p ? p : "/", q ? "?" : "", q ? q : "");
	*key = stance_buf_detach(&k);
	*path = stance_buf_detach(&pq);
done:
	curl_free(scheme); curl_free(hostname); curl_free(port); curl_free(p); curl_free(q);
	curl_url_cleanup(h);
	stance_buf_dispose(&k);
	stance_buf_dispose(&pq);
	return error;
}

static void set_failure(stance_fetch_response *r, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_failure(stance_fetch_response *r, int error, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->outcome = STANCE_FETCH_FAILED;
	r->error = error;
	free(r->reason);
	r->reason = stance_strdup(msg);
	stance_buf_dispose(&r->body);
}

/* Milliseconds a Retry-After value asks for (seconds or an HTTP date); -1 if none. */
static long retry_after_ms(const char *v)
{
	long secs;
	time_t when;
	if (!v || !*v)
		return -1;
	if (stance_parse_int(&secs, v, 0, 86400 * 365) == 0) {
		stance_error_clear();
		return secs * 1000;
	}
	stance_error_clear();
	if ((when = curl_getdate(v, NULL)) != (time_t)-1) {
		time_t now = time(NULL);
		return when > now ? (long)(when - now) * 1000 : 0;
	}
	return -1;
}

/* Starts a transfer of `url` on `multi`; the transfer is owned by the run
 * (freed by transfer_free when it ends). NULL when it cannot start. */
static transfer *start(CURLM *multi, size_t job_index, size_t host_index, const char *url,
	stance_fetch_response *resp, const stance_fetch_request *req, const stance_fetch_options *o)
{
	transfer *t = calloc(1, sizeof(*t));
	stance_buf ua = STANCE_BUF_INIT, h = STANCE_BUF_INIT;
	if (!t)
		return NULL;
	t->job = job_index;
	t->host = host_index;
	t->resp = resp;
	t->opts = o;
	if (!(t->easy = curl_easy_init())) {
		free(t);
		return NULL;
	}
	if (o->user_agent && *o->user_agent)
		stance_buf_puts(&ua, o->user_agent);
	else
		stance_buf_printf(&ua, "stance/%s", STANCE_VERSION);
	curl_easy_setopt(t->easy, CURLOPT_URL, url);
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, ua.ptr);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(t->easy, CURLOPT_MAXREDIRS, (long)o->max_redirects);
	curl_easy_setopt(t->easy, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl has */
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
	curl_easy_setopt(t->easy, CURLOPT_LOW_SPEED_TIME, o->low_speed_time_s);
	curl_easy_setopt(t->easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_size);
	curl_easy_setopt(t->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(t->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	/* Credentials go no further than the host that was named. */
	curl_easy_setopt(t->easy, CURLOPT_UNRESTRICTED_AUTH, 0L);
	if (req && req->etag && *req->etag) {
		stance_buf_printf(&h, "If-None-Match: %s", req->etag);
		t->headers = curl_slist_append(t->headers, h.ptr);
		stance_buf_clear(&h);
	}
	if (req && req->last_modified && *req->last_modified) {
		stance_buf_printf(&h, "If-Modified-Since: %s", req->last_modified);
		t->headers = curl_slist_append(t->headers, h.ptr);
	}
	if (t->headers)
		curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
	stance_buf_dispose(&ua);
	stance_buf_dispose(&h);
	if (resp) {
		free(resp->content_type); resp->content_type = NULL;
		free(resp->etag); resp->etag = NULL;
		free(resp->last_modified); resp->last_modified = NULL;
		resp->attempts++;
	}
	if (curl_multi_add_handle(multi, t->easy) != CURLM_OK) {
		curl_easy_cleanup(t->easy);
		curl_slist_free_all(t->headers);
		free(t);
		return NULL;
	}
	t->next = active;
	if (active)
		active->prev = t;
	active = t;
	return t;
}

static void transfer_free(CURLM *multi, transfer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		active = t->next;
	if (t->next)
		t->next->prev = t->prev;
	curl_multi_remove_handle(multi, t->easy);
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	stance_buf_dispose(&t->body);
	stance_buf_dispose(&t->retry_after);
	free(t);
}

/* Why a transfer failed, in words; borrowed (static or the transfer's buffer). */
static const char *reason_of(CURLcode rc, const transfer *t)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT: return "timed out";
	case CURLE_UNSUPPORTED_PROTOCOL: return "redirected to a scheme other than http or https (refused)";
	case CURLE_TOO_MANY_REDIRECTS: return "too many redirects";
	case CURLE_PARTIAL_FILE: return "the connection closed before the whole body came (truncated)";
	case CURLE_COULDNT_RESOLVE_HOST: return "the host name does not resolve";
	case CURLE_COULDNT_CONNECT: return "cannot connect";
	case CURLE_PEER_FAILED_VERIFICATION: return "the TLS certificate does not verify";
	default: return t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
	}
}

static int retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT: case CURLE_PARTIAL_FILE: case CURLE_COULDNT_CONNECT:
	case CURLE_RECV_ERROR: case CURLE_SEND_ERROR: case CURLE_GOT_NOTHING:
	case CURLE_COULDNT_RESOLVE_HOST: case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

/* Request i's response is final: counted, and given to the progress and
 * finished callbacks. */
static void job_done(job *jobs, size_t i, size_t *done, size_t n, const char *url,
	stance_fetch_response *r, const stance_fetch_options *o)
{
	jobs[i].state = JOB_DONE;
	(*done)++;
	if (o->progress)
		o->progress(*done, n, url, o->payload);
	if (o->finished)
		o->finished(i, r, o->finished_payload);
}

int stance_fetch_run(stance_fetch_response *responses, const stance_fetch_request *requests,
	size_t n, const stance_fetch_options *opts)
{
	stance_fetch_options defaults = STANCE_FETCH_OPTIONS_INIT;
	const stance_fetch_options *o = opts ? opts : &defaults;
	stance_fetch_cache *own = NULL, *cache = o->cache;
	host *hosts;
	job *jobs = NULL;
	size_t i, done = 0, running = 0;
	CURLM *multi = NULL;
	int error = 0;
	unsigned int seed = (unsigned int)time(NULL);
	const char *agent = o->user_agent && *o->user_agent ? o->user_agent : "stance";
	static int global_ready;

	if (!global_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return stance_error_set(STANCE_ERROR, "cannot initialise libcurl");
		global_ready = 1;
	}
	if (!n)
		return 0;
	if (!cache) {
		if ((error = stance_fetch_cache_new(&own)) < 0)
			return error;
		cache = own;
	}
	/* Room for every request's host, so `hosts` stays put during the run. */
	if (cache->cap < cache->n + n) {
		host *nv = realloc(cache->v, (cache->n + n) * sizeof(*nv));
		if (!nv) {
			error = stance_error_oom();
			goto done;
		}
		cache->v = nv;
		cache->cap = cache->n + n;
	}
	hosts = cache->v;
	for (i = 0; i < cache->n; i++)
		hosts[i].busy = 0;
	if (!(jobs = calloc(n, sizeof(*jobs)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		char *key = NULL;
		size_t h;
		memset(&responses[i], 0, sizeof(responses[i]));
		if (split_url(&key, &jobs[i].path, requests[i].url) < 0 ||
		    (strncmp(key, "http://", 7) && strncmp(key, "https://", 8))) {
			stance_buf clean = STANCE_BUF_INIT;
			stance_url_strip_credentials(&clean, requests[i].url);
			set_failure(&responses[i], STANCE_EINVALID, "'%s' is not an http or https URL", stance_buf_cstr(&clean));
			stance_buf_dispose(&clean);
			stance_error_clear();
			job_done(jobs, i, &done, n, requests[i].url, &responses[i], o);
			free(key);
			continue;
		}
		for (h = 0; h < cache->n; h++)
			if (!strcmp(hosts[h].key, key))
				break;
		if (h == cache->n) {
			memset(&hosts[h], 0, sizeof(hosts[h]));
			hosts[h].key = key;
			hosts[h].robots = ROBOTS_UNKNOWN;
			cache->n++;
		} else
			free(key);
		jobs[i].host = h;
	}
	if (!(multi = curl_multi_init())) {
		error = stance_error_set(STANCE_ERROR, "cannot start libcurl");
		goto done;
	}

	while (done < n) {
		int64_t t = now_ms(), wait = 1000;
		int still;
		CURLMsg *msg;

		for (i = 0; i < n && running < (size_t)(o->max_transfers > 0 ? o->max_transfers : 1); i++) {
			host *hs;
			if (jobs[i].state != JOB_WAITING)
				continue;
			hs = &hosts[jobs[i].host];
			if (hs->busy)
				continue;
			if (t < hs->next_ok || t < jobs[i].not_before) {
				int64_t w = (hs->next_ok > jobs[i].not_before ? hs->next_ok : jobs[i].not_before) - t;
				if (w < wait)
					wait = w;
				continue;
			}
			if (hs->robots == ROBOTS_UNKNOWN && !o->ignore_robots) {
				stance_buf rurl = STANCE_BUF_INIT;
				transfer *tr;
				/* robots.txt from the same scheme, host and port (and
				 * credentials) as the page. */
				CURLU *u = curl_url();
				char *full = NULL;
				if (u && curl_url_set(u, CURLUPART_URL, requests[i].url, 0) == CURLUE_OK &&
				    curl_url_set(u, CURLUPART_PATH, "/robots.txt", 0) == CURLUE_OK &&
				    curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
				    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
				    curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
					stance_buf_puts(&rurl, full);
				curl_free(full);
				curl_url_cleanup(u);
				tr = rurl.size ? start(multi, (size_t)-1, jobs[i].host, rurl.ptr, NULL, NULL, o) : NULL;
				stance_buf_dispose(&rurl);
				if (!tr) {
					hs->robots = ROBOTS_READY;
					i--; /* look at this job again */
					continue;
				}
				hs->robots = ROBOTS_FETCHING;
				hs->busy = 1;
				running++;
				continue;
			}
			if (hs->robots == ROBOTS_FETCHING)
				continue;
			if (!o->ignore_robots && !stance_robots_allowed(hs->robots_text, agent, jobs[i].path)) {
				set_failure(&responses[i], STANCE_EHTTP, "disallowed by robots.txt");
				job_done(jobs, i, &done, n, requests[i].url, &responses[i], o);
				continue;
			}
			if (!start(multi, i, jobs[i].host, requests[i].url, &responses[i], &requests[i], o)) {
				set_failure(&responses[i], STANCE_ERROR, "cannot start the transfer");
				job_done(jobs, i, &done, n, requests[i].url, &responses[i], o);
				continue;
			}
			jobs[i].state = JOB_RUNNING;
			hs->busy = 1;
			running++;
		}
		if (done >= n)
			break;

		if (wait < 0)
			wait = 0;
		if (curl_multi_poll(multi, NULL, 0, running ? (int)(wait < 100 ? wait : 100) : (int)wait, NULL) != CURLM_OK) {
			error = stance_error_set(STANCE_ERROR, "libcurl cannot wait for the transfers");
			goto done;
		}
		curl_multi_perform(multi, &still);
		while ((msg = curl_multi_info_read(multi, &still))) {
			transfer *tr = NULL;
			CURLcode rc;
			long status = 0;
			host *hs;
			if (msg->msg != CURLMSG_DONE)
				continue;
			rc = msg->data.result;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&tr);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			hs = &hosts[tr->host];
			hs->busy = 0;
			hs->next_ok = now_ms() + o->host_delay_ms +
				(o->jitter_ms > 0 ? (int64_t)(rand_r(&seed) % (o->jitter_ms + 1)) : 0);
			running--;
			if (tr->job == (size_t)-1) {
				/* robots.txt: a 2xx text is the rules; anything else
				 * (404, an error) lets everything through. */
				hs->robots = ROBOTS_READY;
				if (rc == CURLE_OK && status >= 200 && status < 300 && tr->body.size)
					hs->robots_text = stance_strndup(tr->body.ptr, tr->body.size);
				transfer_free(multi, tr);
				continue;
			}
			{
				size_t j = tr->job;
				stance_fetch_response *r = &responses[j];
				int retry = 0;
				long delay = -1;
				char *eff = NULL;
				r->status = status;
				curl_easy_getinfo(msg->easy_handle, CURLINFO_EFFECTIVE_URL, &eff);
				if (eff) {
					stance_buf clean = STANCE_BUF_INIT;
					stance_url_strip_credentials(&clean, eff);
					free(r->final_url);
					r->final_url = stance_buf_detach(&clean);
				}
				if (tr->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
					set_failure(r, STANCE_EHTTP, "larger than the size cap (%zu bytes)", o->max_size);
				} else if (rc != CURLE_OK) {
					if (retryable(rc) && r->attempts <= o->retries)
						retry = 1;
					else
						set_failure(r, rc == CURLE_UNSUPPORTED_PROTOCOL ? STANCE_EINVALID : STANCE_ENETWORK,
							"%s", reason_of(rc, tr));
				} else if (status == 304) {
					r->outcome = STANCE_FETCH_NOT_MODIFIED;
				} else if (status >= 200 && status < 300) {
					r->outcome = STANCE_FETCH_OK;
					stance_buf_dispose(&r->body);
					r->body = tr->body;
					memset(&tr->body, 0, sizeof(tr->body));
				} else if ((status == 429 || status >= 500) && r->attempts <= o->retries) {
					retry = 1;
					delay = retry_after_ms(stance_buf_cstr(&tr->retry_after));
				} else {
					set_failure(r, STANCE_EHTTP, "HTTP %ld", status);
				}
				if (retry) {
					long backoff = o->backoff_ms << (r->attempts > 1 ? r->attempts - 1 : 0);
					if (delay >= 0)
						backoff = delay > o->retry_after_max_ms ? o->retry_after_max_ms : delay;
					jobs[j].state = JOB_WAITING;
					jobs[j].not_before = now_ms() + backoff;
				} else {
					job_done(jobs, j, &done, n, r->final_url ? r->final_url : "", r, o);
				}
			}
			transfer_free(multi, tr);
		}
	}
done:
	if (multi) {
		/* Any transfer still attached (after an error) goes. */
		transfer *tr;
		while ((tr = active))
			transfer_free(multi, tr);
		curl_multi_cleanup(multi);
	}
	for (i = 0; jobs && i < n; i++)
		free(jobs[i].path);
	free(jobs);
	stance_fetch_cache_free(own);
	return error;
}

void stance_fetch_response_dispose(stance_fetch_response *r)
{
	if (!r)
		return;
	free(r->reason);
	free(r->content_type);
	free(r->etag);
	free(r->last_modified);
	free(r->final_url);
	stance_buf_dispose(&r->body);
	memset(r, 0, sizeof(*r));
}
