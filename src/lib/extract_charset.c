/*
 * extract_charset.c: a page's bytes to UTF-8, the charset read from the
 * Content-Type, the BOM or the page's own <meta>, as a browser reads it.
 */
#include "extract_internal.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <utf8proc.h>

/* ------------------------------------------------------------------ */
/* Charset                                                              */

/* Reads "charset=NAME" out of `s` into `out`; 1 when found. */
static int charset_param(char *out, size_t size, const char *s, size_t len)
{
	size_t i, j;
	for (i = 0; i + 8 <= len; i++) {
		if (strncasecmp(s + i, "charset", 7))
			continue;
		j = i + 7;
		while (j < len && extract_is_space((unsigned char)s[j]))
			j++;
		if (j >= len || s[j] != '=')
			continue;
		j++;
		while (j < len && (extract_is_space((unsigned char)s[j]) || s[j] == '"' || s[j] == '\''))
			j++;
		i = 0;
		while (j < len && i + 1 < size && (isalnum((unsigned char)s[j]) || strchr("-_.:", s[j])))
			out[i++] = s[j++];
		out[i] = '\0';
		return i > 0;
	}
	return 0;
}

/* Browsers read ISO-8859-1 and US-ASCII as Windows-1252; so do we. */
static void charset_normalise(char *cs, size_t size)
{
	static const char *const latin[] = { "iso-8859-1", "iso8859-1", "latin1", "latin-1",
		"us-ascii", "ascii", "l1", "cp1252", "x-cp1252", "iso_8859-1", NULL };
	size_t i;
	for (i = 0; latin[i]; i++)
		if (!strcasecmp(cs, latin[i])) {
			snprintf(cs, size, "WINDOWS-1252");
			return;
		}
	if (!strcasecmp(cs, "utf8"))
		snprintf(cs, size, "UTF-8");
}

/* Whether the bytes are UTF-8 as RFC 3629 has it (utf8proc's decoder: no
 * overlong forms, surrogates or code points past U+10FFFF, which libxml2
 * would otherwise drop with the text after them). */
static int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n;
		/* Runs of ASCII, eight bytes at a time. */
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &c);
		if (n <= 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* valid_utf8, asked once: `known` is -1 until then. */
static int is_utf8(int *known, const char *data, size_t len)
{
	if (*known < 0)
		*known = valid_utf8((const unsigned char *)data, len);
	return *known;
}

static int has_multibyte(const unsigned char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if (s[i] >= 0x80)
			return 1;
	return 0;
}

/* Appends `len` bytes of UTF-8 with each NUL byte made U+FFFD, as an HTML
 * parser reads it: libxml2 takes a NUL for the end of the page, or of the
 * attribute it is in, and drops what follows. */
static int put_without_nul(stance_buf *out, const char *data, size_t len)
{
	const char *nul;
	int error = 0;
	while (len && (nul = memchr(data, '\0', len))) {
		size_t n = (size_t)(nul - data);
		if ((error = stance_buf_put(out, data, n)) < 0 || (error = stance_buf_put(out, "\xef\xbf\xbd", 3)) < 0)
			return error;
		data += n + 1;
		len -= n + 1;
	}
	return stance_buf_put(out, data, len);
}

int stance_html_to_utf8(stance_buf *out, const char *data, size_t len,
	const char *content_type, char *charset, size_t charset_size)
{
	char cs[64] = "";
	const unsigned char *u = (const unsigned char *)data;
	int utf8_known = -1, bom = 0;
	iconv_t cd = (iconv_t)-1;
	stance_buf converted = STANCE_BUF_INIT;
	char *in, *o;
	size_t inleft, oleft, unit = 1;
	int error = 0;

	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		snprintf(cs, sizeof(cs), "UTF-8");
		data += 3;
		len -= 3;
		bom = 1;
	} else if (len >= 2 && u[0] == 0xff && u[1] == 0xfe) {
		snprintf(cs, sizeof(cs), "UTF-16LE");
		data += 2;
		len -= 2;
		bom = 1;
	} else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff) {
		snprintf(cs, sizeof(cs), "UTF-16BE");
		data += 2;
		len -= 2;
		bom = 1;
	} else if (!(content_type && charset_param(cs, sizeof(cs), content_type, strlen(content_type)))) {
		/* A meta tag in the first 4 KiB: <meta charset=…> or http-equiv. */
		size_t scan = len < 4096 ? len : 4096, i;
		cs[0] = '\0';
		for (i = 0; i + 5 < scan && !cs[0]; i++) {
			if (data[i] == '<' && !strncasecmp(data + i + 1, "meta", 4)) {
				const char *end = memchr(data + i, '>', scan - i);
				size_t elen = end ? (size_t)(end - (data + i)) : scan - i;
				charset_param(cs, sizeof(cs), data + i, elen);
			}
		}
	}
	/* Markup in UTF-16 or UTF-32 has a NUL byte in every ASCII character;
	 * bytes without one are not in those, whatever the label says (a meta
	 * tag that could be read at all was not). */
	if (!bom && (!strncasecmp(cs, "UTF-16", 6) || !strncasecmp(cs, "UTF-32", 6) ||
	    !strncasecmp(cs, "UCS-2", 5) || !strncasecmp(cs, "UCS-4", 5)) &&
	    !memchr(data, '\0', len < 4096 ? len : 4096))
		cs[0] = '\0';
	if (!cs[0])
		snprintf(cs, sizeof(cs), "%s", is_utf8(&utf8_known, data, len) ? "UTF-8" : "WINDOWS-1252");
	charset_normalise(cs, sizeof(cs));
	/* Bytes that are valid UTF-8 with multibyte characters in them are
	 * UTF-8 whatever a header or meta tag claims: no legacy text is valid
	 * UTF-8 by accident, and mislabelled pages are common. */
	if (strcasecmp(cs, "UTF-8") && strncasecmp(cs, "UTF-16", 6) && strncasecmp(cs, "UTF-32", 6) &&
	    has_multibyte((const unsigned char *)data, len) && is_utf8(&utf8_known, data, len))
		snprintf(cs, sizeof(cs), "UTF-8");
	/* A page that says UTF-8 but is not is read as Windows-1252. */
	if (!strcasecmp(cs, "UTF-8") && !is_utf8(&utf8_known, data, len))
		snprintf(cs, sizeof(cs), "WINDOWS-1252");
	if (charset)
		snprintf(charset, charset_size, "%s", cs);

	if (!strcasecmp(cs, "UTF-8"))
		return put_without_nul(out, data, len);

	if ((cd = iconv_open("UTF-8", cs)) == (iconv_t)-1) {
		/* An unknown label: read it as Windows-1252, as browsers do. */
		if ((cd = iconv_open("UTF-8", "WINDOWS-1252")) == (iconv_t)-1)
			return stance_error_set(STANCE_ERROR, "cannot convert the charset '%s' to UTF-8", cs);
	} else if (!strncasecmp(cs, "UTF-16", 6) || !strncasecmp(cs, "UCS-2", 5))
		unit = 2; /* a broken character is skipped whole, not a byte of it */
	else if (!strncasecmp(cs, "UTF-32", 6) || !strncasecmp(cs, "UCS-4", 5))
		unit = 4;
	in = (char *)data;
	inleft = len;
	while (inleft > 0) {
		size_t r;
		if ((error = stance_buf_grow(&converted, inleft * 3 + 16)) < 0)
			goto done;
		o = converted.ptr + converted.size;
		oleft = converted.asize - converted.size - 1;
		r = iconv(cd, &in, &inleft, &o, &oleft);
		converted.size = (size_t)(o - converted.ptr);
		if (r == (size_t)-1) {
			size_t skip = unit < inleft ? unit : inleft;
			if (errno == E2BIG)
				continue;
			/* An unmappable or broken character: U+FFFD and go on. */
			if ((error = stance_buf_put(&converted, "\xef\xbf\xbd", 3)) < 0)
				goto done;
			in += skip;
			inleft -= skip;
		}
	}
	error = put_without_nul(out, converted.ptr ? converted.ptr : "", converted.size);
done:
	iconv_close(cd);
	stance_buf_dispose(&converted);
	return error;
}
