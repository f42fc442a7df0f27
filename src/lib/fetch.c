/*
 * fetch.c: many HTTP requests at once over libcurl's multi interface,
 * politely: a scheduler keeps at most one transfer per host (scheme, host
 * and port), waits the host delay (plus jitter) between two of them, asks
 * each host for robots.txt first, and retries network errors, 5xx and 429
 * with exponential backoff or the server's Retry-After. Only this module
 * and url.c include libcurl; every URL is read through url.h.
 */
#define _GNU_SOURCE /* memmem */
#include "internal.h"
#include "stance/fetch.h"
#include "fetch_internal.h"
#include "url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
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
	int error = stance_url_normalize(out, url, STANCE_URL_NO_CREDENTIALS);
	if (error == STANCE_EINVALID) {
		/* not a URL: its message form keeps no credentials either */
		stance_error_clear();
		error = stance_url_for_message(out, url);
	}
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

/* ---- private addresses ---- */

/*
 * The addresses a transfer whose source is public may not connect to, not
 * even after a redirect (server-side request forgery): "this network",
 * the private networks, shared address space (carrier-grade NAT),
 * loopback, link-local (where cloud metadata services answer), the
 * unspecified and loopback IPv6 addresses, unique local and link-local
 * IPv6; an IPv4-mapped IPv6 address counts as its IPv4 address.
 */
static const char *const default_private[] = {
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.168.0.0/16", "::/128", "::1/128", "fc00::/7", "fe80::/10", NULL
};

typedef struct {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char addr[16];  /* network byte order */
	unsigned int bits;       /* prefix length */
} ip_range;

typedef struct {
	ip_range *v;
	size_t n;
} range_set;

/* The address `text` (IPv4 or IPv6, an IPv6 zone "%eth0" ignored): its
 * family and bytes; 0 when it is no address. */
static int parse_address(int *family, unsigned char bytes[16], const char *text)
{
	char buf[INET6_ADDRSTRLEN + 1];
	size_t n = strcspn(text, "%");
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, text, n);
	buf[n] = '\0';
	memset(bytes, 0, 16);
	if (inet_pton(AF_INET, buf, bytes) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, bytes) == 1)
		*family = AF_INET6;
	else
		return 0;
	return 1;
}

/* "a.b.c.d/n", "v6::/n" or a single address. */
static int parse_range(ip_range *out, const char *text)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	long bits = -1;
	memset(out, 0, sizeof(*out));
	if (alen < sizeof(buf)) {
		memcpy(buf, text, alen);
		buf[alen] = '\0';
		if (!strchr(buf, '%') && parse_address(&out->family, out->addr, buf)) {
			long max = out->family == AF_INET ? 32 : 128;
			if (!slash)
				bits = max;
			else if (!isdigit((unsigned char)slash[1]) || stance_parse_int(&bits, slash + 1, 0, max) < 0)
				bits = -1;
		}
	}
	if (bits < 0)
		return stance_error_set(STANCE_EINVALID, "'%s' is not an address range (such as 10.0.0.0/8 or fc00::/7)", text);
	out->bits = (unsigned int)bits;
	return 0;
}

/* The ranges of `list` (NULL: the default list; an entry "default" stands
 * for the default list too). */
static int parse_ranges(range_set *out, const char *const *list)
{
	static const char *const just_default[] = { "default", NULL };
	size_t n = 0, i, k;
	int error;
	out->v = NULL;
	out->n = 0;
	if (!list)
		list = just_default;
	for (i = 0; list[i]; i++)
		n += strcmp(list[i], "default") ? 1 : STANCE_ARRAY_SIZE(default_private) - 1;
	if (n && !(out->v = calloc(n, sizeof(*out->v))))
		return stance_error_oom();
	for (i = 0; list[i]; i++) {
		if (!strcmp(list[i], "default")) {
			for (k = 0; default_private[k]; k++)
				parse_range(&out->v[out->n++], default_private[k]);
			continue;
		}
		if ((error = parse_range(&out->v[out->n++], list[i])) < 0) {
			free(out->v);
			out->v = NULL;
			out->n = 0;
			return error;
		}
	}
	return 0;
}

static int range_has(const ip_range *r, int family, const unsigned char *a)
{
	unsigned int full = r->bits / 8, rest = r->bits % 8;
	if (r->family != family || memcmp(r->addr, a, full))
		return 0;
	return !rest || !((r->addr[full] ^ a[full]) & (0xff << (8 - rest)) & 0xff);
}

static int in_ranges(const range_set *set, int family, const unsigned char *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	size_t i;
	for (i = 0; i < set->n; i++)
		if (range_has(&set->v[i], family, a))
			return 1;
	if (family == AF_INET6 && !memcmp(a, mapped, sizeof(mapped)))
		for (i = 0; i < set->n; i++)
			if (range_has(&set->v[i], AF_INET, a + 12))
				return 1;
	return 0;
}

int stance_address_is_private(const char *address, const char *const *ranges)
{
	range_set set;
	unsigned char bytes[16];
	int family, error;
	if (!parse_address(&family, bytes, address))
		return stance_error_set(STANCE_EINVALID, "'%s' is not an IP address", address);
	if ((error = parse_ranges(&set, ranges)) < 0)
		return error;
	error = in_ranges(&set, family, bytes);
	free(set.v);
	return error;
}

int stance_url_private_address(char *address, size_t size, const char *url, const char *const *ranges)
{
	stance_url u = STANCE_URL_INIT;
	char *hostname;
	range_set set = { NULL, 0 };
	unsigned char bytes[16];
	size_t len;
	int family, error = 0;
	if (size)
		address[0] = '\0';
	/* libcurl's parser writes a numeric IPv4 host as dotted decimal
	 * ("2130706433", "0x7f.1": 127.0.0.1), as it will connect to it */
	if ((error = stance_url_parse(&u, url, 0)) < 0)
		goto done;
	if (!(hostname = u.host)) {
		stance_buf shown = STANCE_BUF_INIT;
		stance_url_for_message(&shown, url);
		error = stance_error_set(STANCE_EINVALID, "'%s' is not a valid URL: it has no host", stance_buf_cstr(&shown));
		stance_buf_dispose(&shown);
		goto done;
	}
	len = strlen(hostname);
	if (len > 2 && hostname[0] == '[' && hostname[len - 1] == ']') {
		/* an IPv6 address, "[::1]" */
		memmove(hostname, hostname + 1, len - 2);
		hostname[len - 2] = '\0';
	}
	if (!parse_address(&family, bytes, hostname))
		goto done; /* a name: its address is known when connecting */
	if ((error = parse_ranges(&set, ranges)) < 0)
		goto done;
	if ((error = in_ranges(&set, family, bytes)) == 1 && size)
		snprintf(address, size, "%s", hostname);
done:
	free(set.v);
	stance_url_dispose(&u);
	return error;
}

/* ---- the scheduler ---- */

typedef enum { ROBOTS_UNKNOWN, ROBOTS_FETCHING, ROBOTS_READY } robots_state;

typedef struct {
	char *key;            /* "http://host:port" */
	int busy;
	int64_t next_ok;      /* earliest start of the next request */
	robots_state robots;
	char *robots_text;    /* NULL: everything allowed */
	int robots_refused;   /* robots.txt was asked for a listed request
	                       * (see on_prereq()) and refused: the host's
	                       * address is private; asked again for a request
	                       * that may go there */
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
	char *url;            /* the URL to request: normal form, no fragment */
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
	/* server-side request forgery: see on_prereq() */
	const range_set *private_ranges;
	const char *listed_by; /* the public page that listed the URL, or NULL */
	int source_known;     /* the first request's address was seen */
	int source_private;   /* … and lies in the private ranges */
	int first_done;       /* the first request was let through */
	int refused;          /* a connection to a private address was refused */
	int refused_first;    /* … for the first request (a listed URL's own address) */
	char refused_address[INET6_ADDRSTRLEN];
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
		if (t->resp) {
			stance_buf_clear(&t->resp->head);
			stance_buf_put(&t->resp->head, data, len);
		}
		return len;
	}
	if (t->resp && len > 2 && data[0] != '\r' && data[0] != '\n')
		stance_buf_put(&t->resp->head, data, len);
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

/* A transfer whose source is public meets private address `ip` (text):
 * noted, for the reason the transfer fails with (which names the URL it
 * was going to, known once it has ended: no libcurl call in a callback). */
static void refuse(transfer *t, const char *ip)
{
	t->refused = 1;
	t->refused_first = !t->first_done;
	snprintf(t->refused_address, sizeof(t->refused_address), "%s", ip);
}

/*
 * CURLOPT_PREREQFUNCTION: called before each request of a transfer (the
 * first, and each after a redirect or on a connection used again), with
 * the address it goes to. The first request's is the source's, the one the
 * user chose: when it is private (loopback, a private network, …: the
 * run's private ranges), the transfer may go anywhere; when it is public,
 * no later request may go to a private address. The address is the one
 * connected to, so a redirect to a name that resolves to a private address
 * is caught as well. (Through a proxy it is the proxy's: the proxy
 * resolves the names.) A URL listed by a public page (a public feed's
 * item; stance_fetch_run_listed) was not chosen by the user: it is taken
 * as a public source from the start, so that its first request may not go
 * to a private address either.
 */
static int on_prereq(void *userp, char *ip, char *local_ip, int port, int local_port)
{
	transfer *t = userp;
	unsigned char bytes[16];
	int family, priv;
	(void)local_ip; (void)port; (void)local_port;
	if (!ip || !parse_address(&family, bytes, ip))
		return CURL_PREREQFUNC_OK; /* not an IP connection */
	priv = in_ranges(t->private_ranges, family, bytes);
	if (!t->source_known) {
		t->source_known = 1;
		t->source_private = priv;
	} else if (priv && !t->source_private) {
		refuse(t, ip);
		return CURL_PREREQFUNC_ABORT;
	}
	t->first_done = 1;
	return CURL_PREREQFUNC_OK;
}

/* CURLOPT_OPENSOCKETFUNCTION: the same rule before connecting, so that a
 * refused address is not even connected to. */
static curl_socket_t on_open_socket(void *userp, curlsocktype purpose, struct curl_sockaddr *a)
{
	transfer *t = userp;
	struct sockaddr_storage ss;
	unsigned char bytes[16];
	int family = 0;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &a->addr, a->addrlen < sizeof(ss) ? a->addrlen : sizeof(ss));
	if (a->family == AF_INET) {
		family = AF_INET;
		memset(bytes, 0, sizeof(bytes));
		memcpy(bytes, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (a->family == AF_INET6) {
		family = AF_INET6;
		memcpy(bytes, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	}
	if (purpose == CURLSOCKTYPE_IPCXN && family && t->source_known && !t->source_private &&
	    in_ranges(t->private_ranges, family, bytes)) {
		char text[INET6_ADDRSTRLEN];
		if (!inet_ntop(family, bytes, text, sizeof(text)))
			text[0] = '\0';
		refuse(t, text);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* The "scheme://host:port" of http(s) URL `url` (the scheduler's host),
 * its path and query, and the URL to request, in normal form without its
 * fragment. STANCE_EINVALID naming the URL. */
static int split_url(char **key, char **path, char **request, const char *url)
{
	stance_url u = STANCE_URL_INIT;
	stance_buf k = STANCE_BUF_INIT, pq = STANCE_BUF_INIT;
	int error;
	*key = *path = *request = NULL;
	if ((error = stance_url_parse(&u, url, STANCE_URL_HTTP | STANCE_URL_NO_FRAGMENT)) < 0)
		return error;
	if (stance_buf_printf(&k, "%s://%s:%ld", u.scheme, u.host, u.port_number) < 0 ||
	    stance_buf_printf(&pq, "%s%s%s", u.path, u.query ? "?" : "", u.query ? u.query : "") < 0 ||
	    !(*request = stance_strdup(u.url)))
		error = STANCE_ERROR;
	else {
		*key = stance_buf_detach(&k);
		*path = stance_buf_detach(&pq);
	}
	stance_url_dispose(&u);
	stance_buf_dispose(&k);
	stance_buf_dispose(&pq);
	return error;
}

static void set_failure(stance_fetch_response *r, int error, const char *url, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Request `url` failed: the reason is "URL: what went wrong", the URL
 * without its credentials; no body is kept. */
static void set_failure(stance_fetch_response *r, int error, const char *url, const char *fmt, ...)
{
	stance_buf msg = STANCE_BUF_INIT;
	va_list ap;
	int n;
	if (url) {
		stance_url_strip_credentials(&msg, url);
		stance_buf_puts(&msg, ": ");
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0 && stance_buf_grow(&msg, (size_t)n) == 0) {
		va_start(ap, fmt);
		vsnprintf(msg.ptr + msg.size, (size_t)n + 1, fmt, ap);
		va_end(ap);
		msg.size += (size_t)n;
	}
	r->outcome = STANCE_FETCH_FAILED;
	r->error = error;
	free(r->reason);
	r->reason = stance_buf_detach(&msg);
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

/* A CURLOPT_RESOLVE entry: "[+]HOST:PORT:ADDRESS[,ADDRESS]…". */
static int check_resolve(const char *entry)
{
	const char *name = entry[0] == '+' ? entry + 1 : entry, *c1 = strchr(name, ':'), *c2;
	long port;
	char num[8];
	if (c1 && c1 > name && (c2 = strchr(c1 + 1, ':')) && c2[1] && (size_t)(c2 - c1 - 1) < sizeof(num)) {
		memcpy(num, c1 + 1, (size_t)(c2 - c1 - 1));
		num[c2 - c1 - 1] = '\0';
		if (isdigit((unsigned char)num[0]) && stance_parse_int(&port, num, 1, 65535) == 0)
			return 0;
	}
	return stance_error_set(STANCE_EINVALID, "'%s' is not a host to resolve (HOST:PORT:ADDRESS)", entry);
}

/* What every transfer of a run shares. */
typedef struct {
	const stance_fetch_options *opts;
	range_set private_ranges;
	struct curl_slist *resolve;   /* CURLOPT_RESOLVE */
} run_settings;

/* Starts a transfer of `url` on `multi`; the transfer is owned by the run
 * (freed by transfer_free when it ends). `listed_by`: the public page that
 * listed `url` (borrowed), or NULL. NULL when it cannot start. */
static transfer *start(CURLM *multi, size_t job_index, size_t host_index, const char *url,
	stance_fetch_response *resp, const stance_fetch_request *req, const char *listed_by, const run_settings *run)
{
	const stance_fetch_options *o = run->opts;
	transfer *t = calloc(1, sizeof(*t));
	stance_buf ua = STANCE_BUF_INIT, h = STANCE_BUF_INIT;
	if (!t)
		return NULL;
	t->job = job_index;
	t->host = host_index;
	t->resp = resp;
	t->opts = o;
	t->private_ranges = &run->private_ranges;
	if (listed_by) {
		/* a public source from the first request on (on_prereq()) */
		t->listed_by = listed_by;
		t->source_known = 1;
		t->source_private = 0;
	}
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
	curl_easy_setopt(t->easy, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(t->easy, CURLOPT_PREREQDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(t->easy, CURLOPT_OPENSOCKETDATA, t);
	if (run->resolve)
		curl_easy_setopt(t->easy, CURLOPT_RESOLVE, run->resolve);
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
		stance_buf_clear(&resp->head);
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

/*
 * Whether a transfer that ended well left bytes waiting on its connection:
 * more than its answer, which an HTTP/1 server may not send (a
 * Content-Length shorter than the body). libcurl reads no further than the
 * declared length and would keep the connection for the next request to
 * the host, which would take the surplus for its answer; so the connection
 * is shut down (libcurl then finds it dead) and the answer refused, being
 * perhaps not what the server meant. Checked on plain http only: under TLS
 * the socket carries records that are not the answer's. Bytes that arrive
 * only after this look reach the next request, which then fails.
 */
static int surplus_pending(CURL *easy)
{
	curl_socket_t sock = CURL_SOCKET_BAD;
	long version = 0;
	char *eff = NULL, c;
	if (curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version) != CURLE_OK ||
	    (version != CURL_HTTP_VERSION_1_0 && version != CURL_HTTP_VERSION_1_1) ||
	    curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &eff) != CURLE_OK || !eff ||
	    strncasecmp(eff, "http://", 7) ||
	    curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK || sock == CURL_SOCKET_BAD)
		return 0;
	if (recv(sock, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
		return 0; /* nothing waiting, or the server closed it */
	shutdown(sock, SHUT_RDWR);
	return 1;
}

/* Why a transfer failed, in words; borrowed (static or the transfer's buffer). */
static const char *reason_of(CURLcode rc, const transfer *t)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT: return "timed out";
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
	/* an answer that is not HTTP: on a connection used again, what a
	 * server sent past its last answer (see surplus_pending()); libcurl
	 * closes that connection, and the retry has a new one */
	case CURLE_WEIRD_SERVER_REPLY: case CURLE_UNSUPPORTED_PROTOCOL:
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
	return stance_fetch_run_listed(responses, requests, NULL, NULL, n, opts);
}

int stance_fetch_run_listed(stance_fetch_response *responses, const stance_fetch_request *requests,
	const char *const *listed_by, char **addresses, size_t n, const stance_fetch_options *opts)
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
	run_settings run;
	static int global_ready;

	STANCE_CHECK_OPTIONS(opts, STANCE_FETCH_OPTIONS_VERSION, "stance_fetch_options");
	memset(&run, 0, sizeof(run));
	run.opts = o;

	if (!global_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return stance_error_set(STANCE_ERROR, "cannot initialise libcurl");
		global_ready = 1;
	}
	if (!n)
		return 0;
	if ((error = parse_ranges(&run.private_ranges, o->private_ranges)) < 0)
		return error;
	for (i = 0; o->resolve && o->resolve[i]; i++) {
		struct curl_slist *next;
		if ((error = check_resolve(o->resolve[i])) < 0)
			goto done;
		if (!(next = curl_slist_append(run.resolve, o->resolve[i]))) {
			error = stance_error_oom();
			goto done;
		}
		run.resolve = next;
	}
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
	for (i = 0; addresses && i < n; i++)
		addresses[i] = NULL;
	for (i = 0; i < n; i++) {
		char *key = NULL;
		size_t h;
		memset(&responses[i], 0, sizeof(responses[i]));
		if (split_url(&key, &jobs[i].path, &jobs[i].url, requests[i].url ? requests[i].url : "") < 0) {
			set_failure(&responses[i], STANCE_EINVALID, NULL, "%s", stance_error_last());
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
			if (hs->robots == ROBOTS_READY && hs->robots_refused && !(listed_by && listed_by[i])) {
				/* refused for a listed request; this one may go there */
				hs->robots = ROBOTS_UNKNOWN;
				hs->robots_refused = 0;
			}
			if (hs->robots == ROBOTS_UNKNOWN && !o->ignore_robots) {
				stance_buf rurl = STANCE_BUF_INIT;
				transfer *tr;
				/* robots.txt from the same scheme, host and port (and
				 * credentials) as the page. */
				if (stance_url_join(&rurl, jobs[i].url, "/robots.txt", STANCE_URL_NO_FRAGMENT) < 0)
					stance_error_clear();
				/* for a listed request, under its rule: a private
				 * address is not asked even for robots.txt */
				tr = rurl.size ? start(multi, (size_t)-1, jobs[i].host, rurl.ptr, NULL, NULL,
					listed_by ? listed_by[i] : NULL, &run) : NULL;
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
				set_failure(&responses[i], STANCE_EHTTP, requests[i].url, "disallowed by robots.txt");
				job_done(jobs, i, &done, n, requests[i].url, &responses[i], o);
				continue;
			}
			if (!start(multi, i, jobs[i].host, jobs[i].url, &responses[i], &requests[i],
				listed_by ? listed_by[i] : NULL, &run)) {
				set_failure(&responses[i], STANCE_ERROR, requests[i].url, "cannot start the transfer");
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
				hs->robots_refused = tr->refused;
				if (rc == CURLE_OK && surplus_pending(msg->easy_handle))
					rc = CURLE_WEIRD_SERVER_REPLY; /* its connection is closed; the rules are not trusted */
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
				if (addresses && rc == CURLE_OK && !tr->refused) {
					char *ip = NULL;
					if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip) {
						free(addresses[j]);
						addresses[j] = stance_strdup(ip);
					}
				}
				if (tr->refused && tr->refused_first && tr->listed_by) {
					stance_buf by = STANCE_BUF_INIT;
					stance_url_strip_credentials(&by, tr->listed_by);
					set_failure(r, STANCE_EINVALID, requests[j].url, "refused: %s is a private address, and this "
						"page was listed by %s, whose address is public", tr->refused_address, stance_buf_cstr(&by));
					stance_buf_dispose(&by);
				} else if (tr->refused) {
					set_failure(r, STANCE_EINVALID, requests[j].url, "refused the redirect to %s: %s is a "
						"private address and the source's address is not", r->final_url ? r->final_url : "?",
						tr->refused_address);
				} else if (rc == CURLE_OK && surplus_pending(msg->easy_handle)) {
					curl_off_t declared = -1;
					curl_easy_getinfo(msg->easy_handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &declared);
					if (declared >= 0)
						set_failure(r, STANCE_EHTTP, requests[j].url, "the server sent more than the %" CURL_FORMAT_CURL_OFF_T
							" bytes its Content-Length announced (refused)", declared);
					else
						set_failure(r, STANCE_EHTTP, requests[j].url, "the server sent more after the end of "
							"its answer (refused)");
				} else if (tr->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
					set_failure(r, STANCE_EHTTP, requests[j].url, "larger than the size cap (%zu bytes)", o->max_size);
				} else if (rc == CURLE_UNSUPPORTED_PROTOCOL && r->final_url && strncmp(r->final_url, "http://", 7) &&
					   strncmp(r->final_url, "https://", 8)) {
					set_failure(r, STANCE_EINVALID, requests[j].url, "redirected to %s, a scheme other than "
						"http or https (refused)", r->final_url ? r->final_url : "?");
				} else if (rc == CURLE_TOO_MANY_REDIRECTS) {
					set_failure(r, STANCE_EHTTP, requests[j].url, "too many redirects (more than %d)", o->max_redirects);
				} else if (rc != CURLE_OK) {
					if (retryable(rc) && r->attempts <= o->retries)
						retry = 1;
					else
						set_failure(r, rc == CURLE_UNSUPPORTED_PROTOCOL ? STANCE_EHTTP : STANCE_ENETWORK,
							requests[j].url, "%s", reason_of(rc, tr));
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
					set_failure(r, STANCE_EHTTP, requests[j].url, "HTTP %ld", status);
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
	for (i = 0; jobs && i < n; i++) {
		free(jobs[i].path);
		free(jobs[i].url);
	}
	free(jobs);
	stance_fetch_cache_free(own);
	free(run.private_ranges.v);
	curl_slist_free_all(run.resolve);
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
	stance_buf_dispose(&r->head);
	memset(r, 0, sizeof(*r));
}
