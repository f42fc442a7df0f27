/*
 * gss_lazy_test.c: the GSS-API functions of src/cli/gss_lazy.c, which the
 * stance program has in place of linking the Kerberos libraries: nothing is
 * loaded before the first call; the first call loads the real
 * libgssapi_krb5.so.2, and the answers are the library's own (its
 * mechanisms, a host-based service name imported with the library's name
 * type, a status text). A plain program linked with gss_lazy.c alone (not
 * Criterion, which links libgit2 and with it Kerberos); exit 0 when all hold.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <gssapi/gssapi.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		failures++;
}

static int loaded(void)
{
	void *h = dlopen("libgssapi_krb5.so.2", RTLD_NOW | RTLD_NOLOAD);
	if (h)
		dlclose(h);
	return h != NULL;
}

int main(void)
{
	OM_uint32 minor = 1, message_context = 0;
	gss_OID_set mechs = GSS_C_NO_OID_SET;
	gss_name_t name = GSS_C_NO_NAME;
	gss_buffer_desc host = { 14, (void *)"HTTP@127.0.0.1" };
	gss_buffer_desc text = GSS_C_EMPTY_BUFFER;

	check(!loaded(), "libgssapi_krb5 is not loaded before the first call");
	check(GSS_C_NT_HOSTBASED_SERVICE == GSS_C_NO_OID, "no name type before the first call");
	check(gss_indicate_mechs(&minor, &mechs) == GSS_S_COMPLETE && mechs && mechs->count > 0,
		"gss_indicate_mechs lists the library's mechanisms");
	check(loaded(), "the first call loaded libgssapi_krb5");
	check(GSS_C_NT_HOSTBASED_SERVICE != GSS_C_NO_OID, "the library's host-based name type was copied");
	check(gss_release_oid_set(&minor, &mechs) == GSS_S_COMPLETE, "gss_release_oid_set");
	check(gss_import_name(&minor, &host, GSS_C_NT_HOSTBASED_SERVICE, &name) == GSS_S_COMPLETE,
		"gss_import_name of HTTP@127.0.0.1");
	check(gss_release_name(&minor, &name) == GSS_S_COMPLETE, "gss_release_name");
	check(gss_display_status(&minor, GSS_S_BAD_NAME, GSS_C_GSS_CODE, GSS_C_NO_OID,
		&message_context, &text) == GSS_S_COMPLETE && text.length > 0,
		"gss_display_status gives the library's text");
	check(gss_release_buffer(&minor, &text) == GSS_S_COMPLETE, "gss_release_buffer");
	return failures ? 1 : 0;
}
