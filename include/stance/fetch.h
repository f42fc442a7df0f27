/*
 * fetch.h: getting web pages politely, many at once (libcurl's multi
 * interface): at most one request at a time per host with a minimum delay
 * between them, robots.txt honoured, conditional requests, compression,
 * redirects (http and https only), timeouts, retries with backoff, a size
 * cap. This module knows nothing of repositories: it turns requests into
 * responses. Only the fetch module includes libcurl.
 */
#ifndef STANCE_FETCH_H
#define STANCE_FETCH_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	const char *url;           /* http or https; may carry credentials */
	const char *etag;          /* sent as If-None-Match, or NULL */
	const char *last_modified; /* sent as If-Modified-Since, or NULL */
} stance_fetch_request;

typedef enum {
	STANCE_FETCH_OK = 0,       /* a 2xx answer with a body */
	STANCE_FETCH_NOT_MODIFIED, /* 304: the stored version is current */
	STANCE_FETCH_FAILED        /* see error and reason */
} stance_fetch_outcome;

typedef struct {
	stance_fetch_outcome outcome;
	int error;            /* 0, or STANCE_EHTTP / STANCE_ENETWORK / STANCE_EINVALID */
	long status;          /* HTTP status of the last answer; 0 when none came */
	char *reason;         /* why it failed, naming the URL (without credentials):
	                         "http://…: HTTP 404", "…: timed out", "…: disallowed by robots.txt", … */
	stance_buf body;      /* the bytes received (decompressed) */
	char *content_type;   /* headers of the final answer, or NULL */
	char *etag;
	char *last_modified;
	char *final_url;      /* after redirects, without credentials */
	int attempts;         /* requests made, retries included */
	stance_buf head;      /* the final answer's status line and header lines, as
	                         received ("HTTP/1.1 200 OK\r\nContent-Type: …\r\n…") */
} stance_fetch_response;

/* What a run learned of the hosts (robots.txt, when each may be asked
 * again), to share between runs of one session: stance_fetch_cache_new(),
 * stance_fetch_cache_free(). */
typedef struct stance_fetch_cache stance_fetch_cache;

int stance_fetch_cache_new(stance_fetch_cache **out);
void stance_fetch_cache_free(stance_fetch_cache *cache);

typedef struct {
	unsigned int version;
	int max_transfers;         /* transfers at once across hosts (8) */
	long host_delay_ms;        /* minimum time between requests to one host (1000) */
	long jitter_ms;            /* up to this much added to the delay at random (250) */
	long connect_timeout_ms;   /* (10000) */
	long timeout_ms;           /* whole transfer (60000) */
	long low_speed_bytes;      /* fail when slower than this many bytes/s … (1) */
	long low_speed_time_s;     /* … for this many seconds (30) */
	int max_redirects;         /* (10) */
	int retries;               /* further attempts after network errors, 5xx, 429 (3) */
	long backoff_ms;           /* first retry delay, doubled each time (1000) */
	long retry_after_max_ms;   /* cap on a server's Retry-After (60000) */
	size_t max_size;           /* bytes; past it the transfer stops (20 MB) */
	int ignore_robots;         /* 1: do not ask for robots.txt */
	const char *user_agent;    /* NULL: "stance/VERSION" */
	/* Called after each request finishes (done of total); may be NULL. */
	void (*progress)(size_t done, size_t total, const char *url, void *payload);
	void *payload;
	/* Shared host knowledge; NULL: this run's own. Not owned. */
	stance_fetch_cache *cache;
	/* Called once for each request when its response is final (whatever
	 * the outcome), with `finished_payload`; it may take the response's body away
	 * (the response stays the caller's to dispose). Work done here overlaps
	 * the transfers still running. May be NULL. */
	void (*finished)(size_t index, stance_fetch_response *response, void *payload);
	void *finished_payload;
	/* The address ranges taken as private, NULL-terminated CIDR ranges
	 * ("10.0.0.0/8", "fc00::/7") or addresses, "default" for the default
	 * list; NULL: the default list, loopback, the private networks,
	 * link-local and the like (docs/commands/fetch.md). A request
	 * whose source answers from a public address may not then connect to a
	 * private one (a redirect to the intranet or to a cloud's metadata
	 * service): it fails, naming both. A source on a private address was
	 * chosen so and may go anywhere. An invalid range fails the run. */
	const char *const *private_ranges;
	/* Addresses for host names instead of asking DNS, as curl's --resolve:
	 * NULL-terminated "HOST:PORT:ADDRESS[,ADDRESS]…"; may be NULL. */
	const char *const *resolve;
} stance_fetch_options;

#define STANCE_FETCH_OPTIONS_VERSION 1
#define STANCE_FETCH_OPTIONS_INIT { STANCE_FETCH_OPTIONS_VERSION, 8, 1000, 250, 10000, 60000, \
	1, 30, 10, 3, 1000, 60000, (size_t)20 * 1024 * 1024, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/*
 * Fetches the `n` requests, filling responses[i] for requests[i] (the caller
 * provides the array, zeroed, and disposes each with
 * stance_fetch_response_dispose). A failure of one request is recorded in its
 * response and does not stop the others; the function itself fails only when
 * it cannot run at all (no memory, libcurl unusable).
 */
int stance_fetch_run(stance_fetch_response *responses, const stance_fetch_request *requests,
	size_t n, const stance_fetch_options *opts);

void stance_fetch_response_dispose(stance_fetch_response *r);

/*
 * Copies `url` without its credentials (user and password) to `out`, so
 * that it can be written down. Invalid URLs are copied with everything up to
 * the last '@' before the path removed.
 */
int stance_url_strip_credentials(stance_buf *out, const char *url);

/*
 * Whether robots.txt text `robots` lets `agent` fetch `path` (the path and
 * query of a URL): 1 allowed, 0 disallowed. The longest matching Allow or
 * Disallow line of the group for the agent (else "*") wins; "*" and "$"
 * patterns are understood.
 */
int stance_robots_allowed(const char *robots, const char *agent, const char *path);

#ifdef __cplusplus
}
#endif
#endif
