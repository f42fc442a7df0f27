/*
 * gss_lazy.c: the GSS-API functions libgit2 calls for HTTP Negotiate
 * (Kerberos) authentication, in the stance program, which links libgit2
 * statically (cmake/static-deps.cmake). Each loads libgssapi_krb5.so.2 the
 * first time one of them is called and calls the library's own, so the
 * seven Kerberos libraries are loaded only by a pull or push that meets a
 * Negotiate challenge, not at every start. Without that library each
 * answers GSS_S_UNAVAILABLE, and libgit2 says Negotiate is not available.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#include <gssapi/gssapi.h>

/* libgit2 passes it to gss_import_name(), after gss_indicate_mechs() has
 * loaded the library and copied the library's value here; should it be read
 * before, gss_import_name() takes the library's value for the NULL. */
gss_OID GSS_C_NT_HOSTBASED_SERVICE;

static void *gss_library;
static pthread_once_t gss_once = PTHREAD_ONCE_INIT;

static void gss_load(void)
{
	gss_OID *name_type;
	if (!(gss_library = dlopen("libgssapi_krb5.so.2", RTLD_NOW | RTLD_LOCAL)))
		return;
	if ((name_type = dlsym(gss_library, "GSS_C_NT_HOSTBASED_SERVICE")))
		GSS_C_NT_HOSTBASED_SERVICE = *name_type;
}

/* The library's function `name`, or NULL when it cannot be loaded. */
static void *gss_real(const char *name)
{
	pthread_once(&gss_once, gss_load);
	return gss_library ? dlsym(gss_library, name) : NULL;
}

/* Defines gss_NAME(PARAMS) calling the library's gss_NAME(ARGS); every one
 * takes the minor status first. */
#define GSS_LAZY(name, params, args) \
	OM_uint32 KRB5_CALLCONV name params \
	{ \
		OM_uint32 (KRB5_CALLCONV *fn) params = (OM_uint32 (KRB5_CALLCONV *) params)gss_real(#name); \
		if (!fn) { \
			if (minor) \
				*minor = 0; \
			return GSS_S_UNAVAILABLE; \
		} \
		return fn args; \
	}

GSS_LAZY(gss_indicate_mechs, (OM_uint32 *minor, gss_OID_set *set), (minor, set))
GSS_LAZY(gss_release_oid_set, (OM_uint32 *minor, gss_OID_set *set), (minor, set))
GSS_LAZY(gss_release_buffer, (OM_uint32 *minor, gss_buffer_t buffer), (minor, buffer))
GSS_LAZY(gss_release_name, (OM_uint32 *minor, gss_name_t *name), (minor, name))
GSS_LAZY(gss_delete_sec_context, (OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t token),
	(minor, context, token))
GSS_LAZY(gss_display_status, (OM_uint32 *minor, OM_uint32 value, int type, gss_OID mech,
	OM_uint32 *message_context, gss_buffer_t text), (minor, value, type, mech, message_context, text))
GSS_LAZY(gss_import_name, (OM_uint32 *minor, gss_buffer_t input, gss_OID type, gss_name_t *output),
	(minor, input, type ? type : GSS_C_NT_HOSTBASED_SERVICE, output))
GSS_LAZY(gss_init_sec_context, (OM_uint32 *minor, gss_cred_id_t cred, gss_ctx_id_t *context,
	gss_name_t target, gss_OID mech, OM_uint32 req_flags, OM_uint32 time_req,
	gss_channel_bindings_t bindings, gss_buffer_t input, gss_OID *actual_mech, gss_buffer_t output,
	OM_uint32 *ret_flags, OM_uint32 *time_rec),
	(minor, cred, context, target, mech, req_flags, time_req, bindings, input, actual_mech, output,
	ret_flags, time_rec))
