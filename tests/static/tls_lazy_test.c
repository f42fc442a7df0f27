/*
 * tls_lazy_test.c: src/cli/tls_lazy.c, linked as in the stance program
 * (libgit2 and mbedtls static, the two functions wrapped): libgit2's
 * initialisation does not read the CA certificates; the first TLS session
 * set up reads them, before it can verify anything; a parse asked later is
 * done at once and finds the certificates. With the argument "replace": a
 * parse that succeeds before the first session (as libgit2 makes to replace
 * the chain) drops the deferred one, which the session then does not read.
 * What the process read is told by /proc/self/io. A plain program (Criterion links the shared libgit2, where
 * the wrap cannot reach); exit 0 when all hold, 77 (skipped) without the
 * certificate file.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#define CA_FILE "/etc/ssl/certs/ca-certificates.crt"

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		failures++;
}

/* The bytes this process has read so far (rchar of /proc/self/io). */
static long long bytes_read(void)
{
	char line[128];
	long long n = -1;
	FILE *f = fopen("/proc/self/io", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "rchar: %lld", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int certificates(const mbedtls_x509_crt *c)
{
	int n = 0;
	for (; c && c->version; c = c->next)
		n++;
	return n;
}

int main(int argc, char **argv)
{
	struct stat st;
	long long before, after_init, after_setup;
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	mbedtls_x509_crt later;

	if (stat(CA_FILE, &st) < 0 || st.st_size < 4096) {
		printf("skipped: no %s\n", CA_FILE);
		return 77;
	}
	before = bytes_read();
	check(git_libgit2_init() > 0, "git_libgit2_init");
	after_init = bytes_read();
	check(before >= 0 && after_init - before < st.st_size / 2,
		"libgit2's initialisation did not read the CA certificates");

	if (argc > 1 && !strcmp(argv[1], "replace")) {
		long long after_parse;
		mbedtls_x509_crt replacing;
		mbedtls_x509_crt_init(&replacing);
		check(mbedtls_x509_crt_parse_file(&replacing, CA_FILE) >= 0 && certificates(&replacing) > 10,
			"a parse before the first session is done at once");
		after_parse = bytes_read();
		check(after_parse - after_init >= st.st_size, "it read the file");
		mbedtls_ssl_config_init(&conf);
		mbedtls_ssl_init(&ssl);
		check(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
			MBEDTLS_SSL_PRESET_DEFAULT) == 0 && mbedtls_ssl_setup(&ssl, &conf) == 0, "mbedtls_ssl_setup");
		check(bytes_read() - after_parse < st.st_size / 2,
			"the first TLS session did not read the replaced chain's file");
		mbedtls_ssl_free(&ssl);
		mbedtls_ssl_config_free(&conf);
		mbedtls_x509_crt_free(&replacing);
		return failures ? 1 : 0;
	}
	mbedtls_ssl_config_init(&conf);
	mbedtls_ssl_init(&ssl);
	check(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
		MBEDTLS_SSL_PRESET_DEFAULT) == 0, "a client TLS configuration");
	check(mbedtls_ssl_setup(&ssl, &conf) == 0, "mbedtls_ssl_setup");
	after_setup = bytes_read();
	check(after_setup - after_init >= st.st_size, "the first TLS session read the CA certificates");
	mbedtls_ssl_free(&ssl);
	mbedtls_ssl_config_free(&conf);

	mbedtls_x509_crt_init(&later);
	check(mbedtls_x509_crt_parse_file(&later, CA_FILE) >= 0 && certificates(&later) > 10,
		"a later parse is done at once and finds the certificates");
	mbedtls_x509_crt_free(&later);
	git_libgit2_shutdown();
	return failures ? 1 : 0;
}
