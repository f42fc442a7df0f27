# Writes ${CMAKE_BINARY_DIR}/libstance.map, the version script of
# libstance.so: it exports the names the public headers declare (every
# `stance_NAME(` and `extern ... stance_NAME`), and nothing else, so the
# library's internal stance_* helpers stay inside it. Re-run when a public
# header changes (CONFIGURE_DEPENDS).
file(GLOB STANCE_PUBLIC_HEADERS CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/include/stance.h ${CMAKE_SOURCE_DIR}/include/stance/*.h)
set(STANCE_EXPORTS)
foreach(h ${STANCE_PUBLIC_HEADERS})
  file(READ ${h} text)
  string(REGEX MATCHALL "stance_[a-z0-9_]+[ \t]*\\(" calls "${text}")
  string(REGEX MATCHALL "extern[^;(]*stance_[a-z0-9_]+(\\[\\])?;" datas "${text}")
  foreach(m ${calls} ${datas})
    string(REGEX MATCH "stance_[a-z0-9_]+" name "${m}")
    list(APPEND STANCE_EXPORTS "${name}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES STANCE_EXPORTS)
list(SORT STANCE_EXPORTS)
list(JOIN STANCE_EXPORTS ";\n\t\t" STANCE_EXPORT_LINES)
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/libstance.map CONTENT
"/* libstance.so: the names of the public API (include/stance.h), made by
   cmake/libstance-map.cmake; every other symbol stays inside the library. */
{
	global:
		${STANCE_EXPORT_LINES};
	local:
		*;
};
")
