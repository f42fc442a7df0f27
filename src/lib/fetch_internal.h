/*
 * fetch_internal.h: the fetch module's pure parts, for its unit tests and
 * fuzz targets: robots.txt matching and the classification of addresses as
 * private; and the run over a repository's sources that source.c makes,
 * where a feed's items inherit the feed's class. Not part of the API.
 */
#ifndef STANCE_FETCH_INTERNAL_H
#define STANCE_FETCH_INTERNAL_H

#include <stddef.h>

#include "stance/fetch.h"

/*
 * Whether `path` (NUL-terminated) matches the robots.txt pattern
 * pattern[0, len): '*' stands for any sequence of bytes, a '$' that ends the
 * pattern anchors it at the end of the path, every other byte stands for
 * itself (percent-escapes are compared as written); a pattern without '$'
 * matches every path it is a prefix of. 1 or 0. Linear time, no recursion.
 */
int stance_robots_match(const char *pattern, size_t len, const char *path);

/*
 * stance_robots_allowed() on robots.txt text robots[0, len), which need not
 * be NUL-terminated and may hold any bytes (a NUL ends a line): the entry
 * point for fuzzing the robots.txt reader.
 */
int stance_robots_allowed_len(const char *robots, size_t len, const char *agent, const char *path);

/*
 * Whether `address` (an IPv4 or IPv6 address in text form, e.g. "10.1.2.3",
 * "::ffff:127.0.0.1", "fe80::1") lies in one of `ranges`, as
 * stance_fetch_options.private_ranges has them (NULL-terminated CIDR ranges
 * such as "10.0.0.0/8" or "fc00::/7", single addresses, "default" for the
 * default list; NULL: the default list). An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is also tried as its IPv4 address. 1 private, 0 not;
 * STANCE_EINVALID naming what does not parse. The pure part of the check
 * that keeps a redirect from a public source off private addresses.
 */
int stance_address_is_private(const char *address, const char *const *ranges);

/*
 * Whether the host of `url` is written as an IP address (IPv4 in any form
 * libcurl reads, such as "2130706433" or "0x7f.1"; IPv6 in brackets) that
 * lies in `ranges` (as above): 1, with the address in `address` (`size`
 * bytes, 64 are enough), as libcurl will connect to it; 0 for a public
 * address or a host name, whose address is known only when connecting;
 * STANCE_EINVALID for a URL or a range that does not parse.
 */
int stance_url_private_address(char *address, size_t size, const char *url, const char *const *ranges);

/*
 * stance_fetch_run() with two things more, for the run over a repository's
 * sources (source.c):
 *
 * listed_by (may be NULL): listed_by[i], when not NULL, is the URL of the
 * page that listed requests[i] (a feed that has it as an item) when that
 * page's address is public. Such a request was not chosen by the user: it
 * is a public source from its first request on, so that no request of it,
 * the first included, nor its host's robots.txt, is made to an address in
 * the private ranges. Refused, it fails with "URL: refused: ADDRESS is a
 * private address, and this page was listed by LISTED_BY, whose address is
 * public" without a connection to ADDRESS.
 *
 * addresses (may be NULL): addresses[i] is set to the address (text) the
 * answer to requests[i] came from (libcurl's CURLINFO_PRIMARY_IP; through a
 * proxy, the proxy's), or NULL when none came; the caller frees each.
 */
int stance_fetch_run_listed(stance_fetch_response *responses, const stance_fetch_request *requests,
	const char *const *listed_by, char **addresses, size_t n, const stance_fetch_options *opts);

#endif
