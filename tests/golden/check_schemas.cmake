# cmake -DFLOE=… -DEXPECTED=schemas -DOUT=dir -P check_schemas.cmake
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${FLOE} --quiet schema export -o ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "floe schema export failed")
endif()
foreach(name manifest.schema.json floe.schema.json compiled-artifacts.schema.json)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${EXPECTED}/${name} ${OUT}/${name}
                  RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "schemas/${name} is not what `floe schema export` writes; "
                        "run `make schemas` and review the diff")
  endif()
endforeach()
message(STATUS "ok: schemas/ matches floe schema export")
