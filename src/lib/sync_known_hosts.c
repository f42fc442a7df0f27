/*
 * sync_known_hosts.c: the ssh server's host key checked against
 * ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts (plain and hashed
 * entries), as ssh itself would insist, before sync talks to it.
 */
#include <unistd.h>

#include "sync_internal.h"

/* ---------------------------------------------------------------- ssh host keys */

/* SHA-1 (FIPS 180-4), for the HMAC of hashed known_hosts entries. */
typedef struct {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t used;
} sha1_ctx;

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(sha1_ctx *c, const unsigned char *p)
{
	uint32_t w[80], a, b, d, e, f, k, t, cc;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3]; e = c->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) { f = (b & cc) | (~b & d); k = 0x5A827999; }
		else if (i < 40) { f = b ^ cc ^ d; k = 0x6ED9EBA1; }
		else if (i < 60) { f = (b & cc) | (b & d) | (cc & d); k = 0x8F1BBCDC; }
		else { f = b ^ cc ^ d; k = 0xCA62C1D6; }
		t = rol(a, 5) + f + e + k + w[i];
		e = d; d = cc; cc = rol(b, 30); b = a; a = t;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e;
}

static void sha1_init(sha1_ctx *c)
{
	static const uint32_t init[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
	memcpy(c->h, init, sizeof(init));
	c->len = 0;
	c->used = 0;
}

static void sha1_update(sha1_ctx *c, const unsigned char *p, size_t n)
{
	c->len += n;
	while (n--) {
		c->buf[c->used++] = *p++;
		if (c->used == 64) {
			sha1_block(c, c->buf);
			c->used = 0;
		}
	}
}

static void sha1_final(sha1_ctx *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, lenb[8];
	int i;
	sha1_update(c, &pad, 1);
	while (c->used != 56)
		sha1_update(c, &zero, 1);
	for (i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, lenb, 8);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void hmac_sha1(unsigned char out[20], const unsigned char *key, size_t klen,
	const unsigned char *msg, size_t mlen)
{
	unsigned char k[64], ipad[64], opad[64], inner[20];
	sha1_ctx c;
	size_t i;
	memset(k, 0, sizeof(k));
	if (klen > 64) {
		sha1_init(&c);
		sha1_update(&c, key, klen);
		sha1_final(&c, k);
	} else {
		memcpy(k, key, klen);
	}
	for (i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	sha1_init(&c);
	sha1_update(&c, ipad, 64);
	sha1_update(&c, msg, mlen);
	sha1_final(&c, inner);
	sha1_init(&c);
	sha1_update(&c, opad, 64);
	sha1_update(&c, inner, 20);
	sha1_final(&c, out);
}

/* Decodes base64 `in` (n bytes) into `out` (at least n bytes); -1 when malformed. */
static long base64_decode(unsigned char *out, const char *in, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	long len = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		const char *pos;
		if (in[i] == '=')
			break;
		if (!(pos = strchr(alphabet, in[i])) || !in[i])
			return -1;
		acc = (acc << 6) | (uint32_t)(pos - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	return len;
}

/* Whether the host field of a known_hosts line (comma-separated names, or one
 * "|1|salt|hash" entry) names `name` ("host" or "[host]:port"). */
static int known_host_matches(const char *field, size_t flen, const char *name)
{
	if (flen > 3 && !strncmp(field, "|1|", 3)) {
		const char *salt = field + 3, *bar = memchr(salt, '|', flen - 3);
		unsigned char s[64], h[64], mac[20];
		long sl, hl;
		if (!bar || (size_t)(bar - salt) > sizeof(s) || (size_t)(field + flen - bar - 1) > sizeof(h))
			return 0;
		sl = base64_decode(s, salt, (size_t)(bar - salt));
		hl = base64_decode(h, bar + 1, (size_t)(field + flen - bar - 1));
		if (sl <= 0 || hl != 20)
			return 0;
		hmac_sha1(mac, s, (size_t)sl, (const unsigned char *)name, strlen(name));
		return !memcmp(mac, h, 20);
	}
	while (flen > 0) {
		const char *comma = memchr(field, ',', flen);
		size_t n = comma ? (size_t)(comma - field) : flen;
		if (n == strlen(name) && !strncmp(field, name, n))
			return 1;
		if (!comma)
			break;
		flen -= n + 1;
		field = comma + 1;
	}
	return 0;
}

/*
 * Looks `name` up in a known_hosts file: 1 when a line names it with this very
 * key, -1 when lines name it but with other keys, 0 when it is not there.
 */
static int known_hosts_check(const char *file, const char *name, const unsigned char *key, size_t klen)
{
	stance_buf text = STANCE_BUF_INIT;
	const char *line;
	int found = 0;
	if (access(file, R_OK) != 0 || stance_file_read(&text, file) < 0) {
		stance_error_clear();
		stance_buf_dispose(&text);
		return 0;
	}
	for (line = text.ptr; line && *line;) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
		const char *sp1 = memchr(line, ' ', (size_t)(end - line)), *sp2, *sp3;
		if (*line != '#' && *line != '@' && sp1 && known_host_matches(line, (size_t)(sp1 - line), name) &&
		    (sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1)))) {
			size_t blen;
			unsigned char *blob;
			long n;
			sp3 = memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1));
			blen = (size_t)((sp3 ? sp3 : end) - sp2 - 1);
			if ((blob = malloc(blen + 1))) {
				n = base64_decode(blob, sp2 + 1, blen);
				if (n == (long)klen && !memcmp(blob, key, klen))
					found = 1;
				else if (!found)
					found = -1;
				free(blob);
			}
			if (found == 1)
				break;
		}
		line = nl ? nl + 1 : NULL;
	}
	stance_buf_dispose(&text);
	return found;
}

/*
 * libgit2 shows us the server's certificate. For https we keep libgit2's own
 * verdict; for ssh the host key must be in ~/.ssh/known_hosts (or
 * /etc/ssh/ssh_known_hosts), plain or hashed, as ssh itself would insist.
 */
int sync_certificate_cb(git_cert *cert, int valid, const char *host, void *payload)
{
	sync_ctx *c = payload;
	const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;
	stance_buf name = STANCE_BUF_INIT, file = STANCE_BUF_INIT;
	const char *home = getenv("HOME"), *url = c->raw_url ? c->raw_url : "", *p;
	long port = 22;
	int verdict = 0, rc;

	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return valid ? 0 : GIT_PASSTHROUGH;
	if (!(hk->type & GIT_CERT_SSH_RAW) || !hk->hostkey) {
		git_error_set_str(GIT_ERROR_SSH, "the server's host key cannot be checked");
		return GIT_ECERTIFICATE;
	}
	/* the port, from ssh://[user@]host:port/... */
	if (!strncmp(url, "ssh://", 6) && (p = strchr(url + 6, '/'))) {
		const char *colon = NULL, *q;
		for (q = url + 6; q < p; q++)
			if (*q == ':')
				colon = q;
		if (colon && colon + 1 < p) {
			char digits[8];
			size_t n = (size_t)(p - colon - 1);
			if (n < sizeof(digits)) {
				memcpy(digits, colon + 1, n);
				digits[n] = '\0';
				if (stance_parse_int(&port, digits, 1, 65535) < 0)
					port = 22;
			}
		}
	}
	stance_error_clear();
	if (port == 22)
		stance_buf_puts(&name, host);
	else
		stance_buf_printf(&name, "[%s]:%ld", host, port);
	if (home) {
		stance_buf_printf(&file, "%s/.ssh/known_hosts", home);
		verdict = known_hosts_check(file.ptr, name.ptr, (const unsigned char *)hk->hostkey, hk->hostkey_len);
	}
	if (verdict != 1 && (rc = known_hosts_check("/etc/ssh/ssh_known_hosts", name.ptr,
		(const unsigned char *)hk->hostkey, hk->hostkey_len)) != 0)
		verdict = rc == 1 ? 1 : (verdict ? verdict : rc);
	if (verdict == 1) {
		rc = 0;
	} else {
		stance_buf msg = STANCE_BUF_INIT;
		if (verdict < 0)
			stance_buf_printf(&msg, "the host key of %s is not the one ~/.ssh/known_hosts records; "
				"refusing to connect (check with the server's administrator)", name.ptr);
		else
			stance_buf_printf(&msg, "the host key of %s is not in ~/.ssh/known_hosts; connect once with "
				"ssh%s%s%s to check and record it", name.ptr, port == 22 ? "" : " -p ",
				port == 22 ? "" : name.ptr + strlen(host) + 3, "");
		git_error_set_str(GIT_ERROR_SSH, msg.ptr ? msg.ptr : "unknown ssh host key");
		stance_buf_dispose(&msg);
		rc = GIT_ECERTIFICATE;
	}
	stance_buf_dispose(&name);
	stance_buf_dispose(&file);
	return rc;
}
