# floe_add_library(NAME SOURCES ... DEPS ...): one static library per module of src/floe.
# Module order (DESIGN.md) is enforced by tests/lint/check_layers.py, not by CMake.

add_library(floe_build_flags INTERFACE)
target_compile_options(floe_build_flags INTERFACE -Wall -Wextra -Wpedantic -Werror
                       -Wno-error=deprecated-declarations)
target_compile_definitions(floe_build_flags INTERFACE
  FLOE_VERSION="${PROJECT_VERSION}"
  $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
if(FLOE_SANITIZE OR FLOE_FUZZ)
  target_compile_definitions(floe_build_flags INTERFACE FLOE_FREE_AT_EXIT)
endif()
if(FLOE_SANITIZE)
  target_compile_options(floe_build_flags INTERFACE -fsanitize=${FLOE_SANITIZE}
                         -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(floe_build_flags INTERFACE -fsanitize=${FLOE_SANITIZE})
endif()

if(FLOE_FUZZ)
  # Coverage instrumentation for libFuzzer in every floe library; the fuzzers link the runtime.
  target_compile_options(floe_build_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                         -fno-omit-frame-pointer)
  target_link_options(floe_build_flags INTERFACE -fsanitize=address,undefined)
endif()

function(floe_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC floe_build_flags ${ARG_DEPS})
endfunction()
