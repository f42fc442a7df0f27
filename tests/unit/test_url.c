/*
 * test_url.c: the URL module (src/lib/url.h): normal form, credentials
 * stripped and redacted for messages (passwords with '@' and ':' in them),
 * IPv6 hosts and ports, relative references joined per RFC 3986 section 5.4,
 * and the messages for URLs that do not parse.
 */
#include "helpers.h"
#include "url.h"

#include <string.h>

/* stance_url_normalize(in, flags), or the error message after "ERR ". */
static char *normal(const char *in, unsigned flags)
{
	stance_buf b = STANCE_BUF_INIT;
	if (stance_url_normalize(&b, in, flags) < 0) {
		cr_assert_eq(b.size, 0, "nothing appended on failure");
		stance_buf_printf(&b, "ERR %s", stance_error_last());
	}
	return stance_buf_detach(&b);
}

static char *shown(const char *in)
{
	stance_buf b = STANCE_BUF_INIT;
	cr_assert_eq(stance_url_for_message(&b, in), 0);
	return stance_buf_detach(&b);
}

static char *joined(const char *base, const char *ref)
{
	stance_buf b = STANCE_BUF_INIT;
	if (stance_url_join(&b, base, ref, 0) < 0)
		stance_buf_printf(&b, "ERR %s", stance_error_last());
	return stance_buf_detach(&b);
}

Test(url, normal_form)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "HTTP://Example.COM/A/b?Q=1#Frag", "http://example.com/A/b?Q=1#Frag" },
		{ "https://example.org", "https://example.org/" },
		{ "https://example.org:443/x", "https://example.org/x" },
		{ "http://example.org:80", "http://example.org/" },
		{ "http://example.org:8080/x", "http://example.org:8080/x" },
		{ "https://example.org:80/x", "https://example.org:80/x" },
		{ "http://[::1]:8080/a", "http://[::1]:8080/a" },
		{ "http://[FE80::1%25eth0]:80/", "http://[fe80::1%25eth0]/" },
		{ "http://[2001:DB8::7]/", "http://[2001:db8::7]/" },
		{ "ssh://git@Host.example:2222/r.git", "ssh://git@host.example:2222/r.git" },
		{ "file:///tmp/x", "file:///tmp/x" },
		{ "https://h/%7e?a=%20", "https://h/%7e?a=%20" },
	};
	for (size_t i = 0; i < STANCE_ARRAY_SIZE(cases); i++) {
		char *got = normal(cases[i].in, 0);
		cr_expect_str_eq(got, cases[i].out, "%s", cases[i].in);
		free(got);
	}
}

Test(url, flags_drop_the_fragment_and_the_credentials)
{
	char *got = normal("https://u:p@Example.org:443/a?b#c", STANCE_URL_NO_FRAGMENT | STANCE_URL_NO_CREDENTIALS);
	cr_assert_str_eq(got, "https://example.org/a?b");
	free(got);
	got = normal("https://u:p@example.org/a#c", STANCE_URL_NO_FRAGMENT);
	cr_assert_str_eq(got, "https://u:p@example.org/a");
	free(got);
	got = normal("ftp://example.org/a", STANCE_URL_HTTP);
	cr_assert_str_eq(got, "ERR 'ftp://example.org/a' is not an http or https URL");
	free(got);
}

Test(url, parts)
{
	stance_url u = STANCE_URL_INIT;
	cr_assert_eq(stance_url_parse(&u, "HTTPS://User:p%40ss:w@[2001:DB8::1]:8443/a/b?c=d#e", 0), 0, "%s",
		stance_error_last());
	cr_assert_str_eq(u.scheme, "https");
	cr_assert_str_eq(u.user, "User");
	cr_assert_str_eq(u.password, "p%40ss:w");
	cr_assert_str_eq(u.host, "[2001:db8::1]");
	cr_assert_str_eq(u.port, "8443");
	cr_assert_eq(u.port_number, 8443);
	cr_assert_str_eq(u.path, "/a/b");
	cr_assert_str_eq(u.query, "c=d");
	cr_assert_str_eq(u.fragment, "e");
	stance_url_dispose(&u);

	cr_assert_eq(stance_url_parse(&u, "http://example.org", 0), 0);
	cr_assert_null(u.port, "no port written");
	cr_assert_eq(u.port_number, 80, "the default port");
	cr_assert_str_eq(u.path, "/");
	cr_assert_null(u.query);
	cr_assert_null(u.user);
	cr_assert_str_eq(u.url, "http://example.org/");
	stance_url_dispose(&u);

	cr_assert_eq(stance_url_parse(&u, "https://example.org:443/", 0), 0);
	cr_assert_null(u.port, "the default port is dropped");
	cr_assert_eq(u.port_number, 443);
	stance_url_dispose(&u);

	cr_assert_eq(stance_url_parse(&u, "ssh://git@host/x.git", 0), 0);
	cr_assert_eq(u.port_number, 0, "no port known for ssh:// to libcurl");
	stance_url_dispose(&u);
	stance_url_dispose(NULL);
}

Test(url, password_with_at_signs_is_read_to_the_last_at)
{
	stance_url u = STANCE_URL_INIT;
	cr_assert_eq(stance_url_parse(&u, "https://u:p@ss@host/x", 0), 0, "%s", stance_error_last());
	cr_assert_str_eq(u.user, "u");
	cr_assert_str_eq(u.password, "p%40ss");
	cr_assert_str_eq(u.host, "host");
	stance_url_dispose(&u);
	{
		char *got = normal("https://u:p@ss@host/x", STANCE_URL_NO_CREDENTIALS);
		cr_assert_str_eq(got, "https://host/x");
		free(got);
	}
}

Test(url, messages_keep_no_part_of_a_password)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "https://u:p@ss@host/x", "https://host/x" },
		{ "https://u:p:q@host/x", "https://host/x" },
		{ "https://u:p%40ss@host/x", "https://host/x" },
		{ "https://u:@@host/x", "https://host/x" },
		{ "https://:secret@host/x", "https://host/x" },
		{ "https://TOKEN@host/x", "https://host/x" },
		{ "https://u:tok@host:8443/x.git", "https://host:8443/x.git" },
		{ "HTTPS://u:tok@HOST:443/x", "https://host/x" },
		{ "https://u:p@[::1]:8080/x", "https://[::1]:8080/x" },
		{ "ssh://git@host/x.git", "ssh://git@host/x.git" },
		{ "ssh://git:secret@host/x.git", "ssh://git@host/x.git" },
		{ "https://host/a@b", "https://host/a@b" },
		{ "https://host/?mail=a@b", "https://host/?mail=a@b" },
		/* what curl cannot read loses everything up to its last '@' */
		{ "https://u:p/x@host/y", "https://host/y" },
		{ "https://u:p#x@host/y", "https://host/y" },
		{ "https://u:p@ss@ho st/x", "https://ho st/x" },
		{ "u:secret@host/x", "host/x" },
		/* not URLs, nothing secret */
		{ "/srv/git/x.git", "/srv/git/x.git" },
		{ "git@host:x.git", "git@host:x.git" },
		{ "", "" },
	};
	for (size_t i = 0; i < STANCE_ARRAY_SIZE(cases); i++) {
		char *got = shown(cases[i].in);
		cr_expect_str_eq(got, cases[i].out, "%s", cases[i].in);
		free(got);
	}
}

/* RFC 3986 section 5.4: every example but "g:h" (an absolute URI that
 * libcurl reads only in the "scheme://" form) and "http:g" (for which the
 * RFC allows either answer and libcurl gives an error). */
Test(url, join_rfc3986_examples)
{
	static const struct { const char *ref, *out; } cases[] = {
		/* 5.4.1 normal */
		{ "g", "http://a/b/c/g" }, { "./g", "http://a/b/c/g" }, { "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" }, { "//g", "http://g/" }, { "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" }, { "#s", "http://a/b/c/d;p?q#s" }, { "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" }, { ";x", "http://a/b/c/;x" }, { "g;x", "http://a/b/c/g;x" },
		{ "g;x?y#s", "http://a/b/c/g;x?y#s" }, { "", "http://a/b/c/d;p?q" }, { ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" }, { "..", "http://a/b/" }, { "../", "http://a/b/" },
		{ "../g", "http://a/b/g" }, { "../..", "http://a/" }, { "../../", "http://a/" },
		{ "../../g", "http://a/g" },
		/* 5.4.2 abnormal */
		{ "../../../g", "http://a/g" }, { "../../../../g", "http://a/g" }, { "/./g", "http://a/g" },
		{ "/../g", "http://a/g" }, { "g.", "http://a/b/c/g." }, { ".g", "http://a/b/c/.g" },
		{ "g..", "http://a/b/c/g.." }, { "..g", "http://a/b/c/..g" }, { "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" }, { "g/./h", "http://a/b/c/g/h" }, { "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" }, { "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" }, { "g?y/../x", "http://a/b/c/g?y/../x" },
		{ "g#s/./x", "http://a/b/c/g#s/./x" }, { "g#s/../x", "http://a/b/c/g#s/../x" },
	};
	for (size_t i = 0; i < STANCE_ARRAY_SIZE(cases); i++) {
		char *got = joined("http://a/b/c/d;p?q", cases[i].ref);
		cr_expect_str_eq(got, cases[i].out, "'%s'", cases[i].ref);
		free(got);
	}
}

Test(url, join_normalises_and_takes_absolute_references)
{
	char *got = joined("https://Example.org:443/a/b", "HTTP://Other.example:80/c");
	cr_assert_str_eq(got, "http://other.example/c");
	free(got);
	got = joined("https://Example.org:443/a/b", "../c#top");
	cr_assert_str_eq(got, "https://example.org/c#top");
	free(got);
	{
		stance_buf b = STANCE_BUF_INIT;
		cr_assert_eq(stance_url_join(&b, "https://example.org/a/b", "c#top", STANCE_URL_NO_FRAGMENT), 0);
		cr_assert_str_eq(b.ptr, "https://example.org/a/c");
		stance_buf_dispose(&b);
	}
}

Test(url, bad_urls_give_one_sentence_naming_them)
{
	static const struct { const char *in, *msg; } cases[] = {
		{ "ht tp://x/", "ERR 'ht tp://x/' is not a valid URL: bad scheme" },
		{ "http://", "ERR 'http://' is not a valid URL: no host part in the URL" },
		{ "http://h:99999/", "ERR 'http://h:99999/' is not a valid URL: port number was not a decimal number between 0 and 65535" },
		{ "/relative/path", "ERR '/relative/path' is not a valid URL: it does not start with 'scheme://'" },
		{ "not a url", "ERR 'not a url' is not a valid URL: it does not start with 'scheme://'" },
		/* the message never shows the password */
		{ "https://u:secret@ho st/x", "ERR 'https://ho st/x' is not a valid URL: bad hostname" },
	};
	for (size_t i = 0; i < STANCE_ARRAY_SIZE(cases); i++) {
		char *got = normal(cases[i].in, 0);
		cr_expect_str_eq(got, cases[i].msg, "%s", cases[i].in);
		cr_expect_null(strstr(got, "secret"));
		free(got);
	}
	{
		stance_url u = STANCE_URL_INIT;
		cr_assert_eq(stance_url_parse(&u, "http://[::1/", 0), STANCE_EINVALID);
		cr_assert_null(u.url, "nothing half-filled");
		cr_assert_eq(stance_url_parse(&u, NULL, 0), STANCE_EINVALID);
	}
	{
		char *got = joined("http://a/b", "g:h");
		cr_assert(strstr(got, "ERR 'g:h' is not a valid URL or relative URL on 'http://a/b': "), "%s", got);
		free(got);
		got = joined("not a base", "g");
		cr_assert_str_eq(got, "ERR 'not a base' is not a valid URL: it does not start with 'scheme://'");
		free(got);
	}
}

Test(url, credentials_put_back)
{
	stance_buf b = STANCE_BUF_INIT;
	cr_assert_eq(stance_url_with_credentials(&b, "https://Example.org:443/a?b", "u:p%40ss"), 0);
	cr_assert_str_eq(b.ptr, "https://u:p%40ss@example.org/a?b");
	stance_buf_clear(&b);
	cr_assert_eq(stance_url_with_credentials(&b, "https://old:x@example.org/a", "TOKEN"), 0);
	cr_assert_str_eq(b.ptr, "https://TOKEN@example.org/a", "its own credentials replaced");
	stance_buf_clear(&b);
	cr_assert_eq(stance_url_with_credentials(&b, "https://old:x@example.org/a", NULL), 0);
	cr_assert_str_eq(b.ptr, "https://example.org/a");
	stance_buf_clear(&b);
	/* a password with a raw '@' (as older versions kept it) still reads back */
	cr_assert_eq(stance_url_with_credentials(&b, "https://example.org/a", "u:p@ss"), 0);
	{
		stance_url u = STANCE_URL_INIT;
		cr_assert_eq(stance_url_parse(&u, b.ptr, 0), 0, "%s: %s", b.ptr, stance_error_last());
		cr_assert_str_eq(u.host, "example.org");
		cr_assert_str_eq(u.password, "p%40ss");
		stance_url_dispose(&u);
	}
	stance_buf_clear(&b);
	cr_assert_eq(stance_url_with_credentials(&b, "nope", "u:p"), STANCE_EINVALID);
	cr_assert_eq(b.size, 0);
	stance_buf_dispose(&b);
}
