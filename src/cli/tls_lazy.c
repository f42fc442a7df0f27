/*
 * tls_lazy.c: the stance program links libgit2 and mbedtls statically
 * (cmake/static-deps.cmake), and libgit2's initialisation parses the
 * system's CA certificates (/etc/ssl/certs/ca-certificates.crt, 200 KB of
 * PEM) into the TLS configuration of every process: about 5 ms of every
 * command's start, though the commands that speak https (fetch, clone,
 * pull, push, sync) run in stance-web, which links the shared libgit2. The
 * link wraps mbedtls_x509_crt_parse_file and mbedtls_ssl_setup
 * (-Wl,--wrap): the first file parse of the process is remembered, not done,
 * and done into the same chain when the first TLS session is set up, before
 * any certificate is verified; every later parse is done at once (and one
 * that succeeds, which libgit2 makes to replace the chain, drops the first).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

int __real_mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path);
int __real_mbedtls_ssl_setup(mbedtls_ssl_context *ssl, const mbedtls_ssl_config *conf);
int __wrap_mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path);
int __wrap_mbedtls_ssl_setup(mbedtls_ssl_context *ssl, const mbedtls_ssl_config *conf);

static pthread_mutex_t deferred_lock = PTHREAD_MUTEX_INITIALIZER;
static int deferred_used;               /* the one deferral was taken */
static mbedtls_x509_crt *deferred_chain;
static char *deferred_path;

/* Parses the remembered file into its chain, if one waits; with the lock. */
static void parse_deferred(void)
{
	if (!deferred_chain)
		return;
	if (__real_mbedtls_x509_crt_parse_file(deferred_chain, deferred_path) < 0) {
		/* as libgit2 does when the file cannot be read: no CAs */
		mbedtls_x509_crt_free(deferred_chain);
		mbedtls_x509_crt_init(deferred_chain);
	}
	deferred_chain = NULL;
	free(deferred_path);
	deferred_path = NULL;
}

int __wrap_mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path)
{
	int ret;
	pthread_mutex_lock(&deferred_lock);
	if (!deferred_used && chain && path && (deferred_path = strdup(path))) {
		deferred_used = 1;
		deferred_chain = chain;
		pthread_mutex_unlock(&deferred_lock);
		return 0;
	}
	pthread_mutex_unlock(&deferred_lock);
	ret = __real_mbedtls_x509_crt_parse_file(chain, path);
	/* libgit2 parses a file only to replace its chain with it, freeing the
	 * one before (GIT_OPT_SET_SSL_CERT_LOCATIONS, or a start after a
	 * shutdown): the first is then not to be filled */
	if (ret >= 0) {
		pthread_mutex_lock(&deferred_lock);
		deferred_chain = NULL;
		free(deferred_path);
		deferred_path = NULL;
		pthread_mutex_unlock(&deferred_lock);
	}
	return ret;
}

int __wrap_mbedtls_ssl_setup(mbedtls_ssl_context *ssl, const mbedtls_ssl_config *conf)
{
	pthread_mutex_lock(&deferred_lock);
	parse_deferred();
	pthread_mutex_unlock(&deferred_lock);
	return __real_mbedtls_ssl_setup(ssl, conf);
}
