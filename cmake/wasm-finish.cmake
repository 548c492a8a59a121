# cmake -P wasm-finish.cmake: turn the linked module into the shipped one.
#  1. wasm-metadce keeps exactly the exports in GRAPH (exports.txt, memory,
#     _initialize): Emscripten adds its own (stackSave, __errno_location,
#     __indirect_function_table, ...) that only its JS glue uses.
#  2. wasm-opt (when OPT is set) optimises once more and strips debug info,
#     names and the producers section.
# Variables: IN OUT GRAPH METADCE WASM_OPT OPT (e.g. -Oz; empty: skip 2),
# FEATURES (binaryen --enable-* flags, ';'-separated).
foreach(v IN ITEMS IN OUT GRAPH METADCE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "wasm-finish: ${v} not set")
  endif()
endforeach()

set(_tmp "${OUT}.dce")
execute_process(COMMAND "${METADCE}" ${FEATURES} "${IN}" -f "${GRAPH}" -o "${_tmp}" -g
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "wasm-metadce failed (${rc}): ${err}")
endif()

if(OPT AND WASM_OPT)
  execute_process(COMMAND "${WASM_OPT}" ${FEATURES} ${OPT} --strip-debug --strip-producers
      --strip-target-features "${_tmp}" -o "${OUT}"
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "wasm-opt failed (${rc}): ${err}")
  endif()
  file(REMOVE "${_tmp}")
else()
  file(RENAME "${_tmp}" "${OUT}")
endif()
