# DuckDB 1.4 through its C API. A DuckDB already installed on the machine wins; otherwise the
# pinned copy that scripts/fetch-duckdb puts under the build tree (fetched here if missing).
find_path(DUCKDB_SYSTEM_INCLUDE duckdb.h)
find_library(DUCKDB_SYSTEM_LIB duckdb)
set(FLOE_DUCKDB_DIR "${CMAKE_BINARY_DIR}/_deps/duckdb" CACHE PATH "Pinned DuckDB location")

if(DUCKDB_SYSTEM_INCLUDE AND DUCKDB_SYSTEM_LIB)
  set(_duckdb_inc ${DUCKDB_SYSTEM_INCLUDE})
  set(_duckdb_lib ${DUCKDB_SYSTEM_LIB})
else()
  if(NOT EXISTS "${FLOE_DUCKDB_DIR}/.complete")
    execute_process(COMMAND ${CMAKE_SOURCE_DIR}/scripts/fetch-duckdb ${FLOE_DUCKDB_DIR}
                    RESULT_VARIABLE _fetch_rc)
    if(NOT _fetch_rc EQUAL 0)
      message(FATAL_ERROR "DuckDB 1.4.4 not found and could not be fetched: run scripts/bootstrap")
    endif()
  endif()
  set(_duckdb_inc ${FLOE_DUCKDB_DIR}/include)
  set(_duckdb_lib ${FLOE_DUCKDB_DIR}/lib/libduckdb.so)
endif()

add_library(duckdb_capi SHARED IMPORTED GLOBAL)
set_target_properties(duckdb_capi PROPERTIES
  IMPORTED_LOCATION ${_duckdb_lib}
  INTERFACE_INCLUDE_DIRECTORIES ${_duckdb_inc})
message(STATUS "DuckDB: ${_duckdb_lib}")
