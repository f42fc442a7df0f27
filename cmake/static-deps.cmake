# The stance program's dependencies, linked statically (STANCE_STATIC_DEPS):
# sets STANCE_STATIC_LINK to the .a files of libgit2, cmark-gfm, libyaml,
# utf8proc, jansson and what they need, as `pkg-config --static` lists them,
# plus libcrypto, which libssh2 needs and libgit2's .pc does not say.
# Kerberos (GSS-API), which libgit2 needs for HTTP Negotiate and Debian
# ships only as a shared library, is loaded on first use instead
# (src/cli/gss_lazy.c). A start then loads no shared library but libc: no
# objects to map, no symbols to relocate (docs/benchmarks.md).
set(STANCE_STATIC_NAMES ${CORE_DEPS_STATIC_LIBRARIES} crypto)
list(REMOVE_ITEM STANCE_STATIC_NAMES rt m dl pthread c)
list(REMOVE_DUPLICATES STANCE_STATIC_NAMES)
set(STANCE_STATIC_LINK)
foreach(name ${STANCE_STATIC_NAMES})
  find_library(STANCE_STATIC_LIB_${name} NAMES lib${name}.a HINTS ${CORE_DEPS_STATIC_LIBRARY_DIRS})
  if(NOT STANCE_STATIC_LIB_${name})
    message(FATAL_ERROR "lib${name}.a is not installed, and the stance program links its "
      "dependencies statically; install its -dev package (scripts/deps) or configure with "
      "-DSTANCE_STATIC_DEPS=OFF")
  endif()
  list(APPEND STANCE_STATIC_LINK ${STANCE_STATIC_LIB_${name}})
endforeach()
pkg_check_modules(GSSAPI REQUIRED krb5-gssapi)
# a group: the archives refer to each other in both directions
set(STANCE_STATIC_LINK -Wl,--start-group ${STANCE_STATIC_LINK} -Wl,--end-group
  ${CMAKE_DL_LIBS} Threads::Threads rt)
# libgit2's start parses the CA certificates, which only https needs: the
# stance program defers that parse to the first TLS session (src/cli/tls_lazy.c)
set(STANCE_TLS_LAZY_WRAP -Wl,--wrap=mbedtls_x509_crt_parse_file -Wl,--wrap=mbedtls_ssl_setup)
