# Warnings (and optionally sanitizers) for every target of this project.
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes -Wcast-qual -Wwrite-strings -Wvla -Wconversion
  -Wno-sign-conversion)
if(S3MPU_WERROR)
  add_compile_options(-Werror)
endif()
if(S3MPU_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(S3MPU_FUZZ)
  # Coverage for libFuzzer in every target; the fuzzers link it
  # (tests/fuzz/CMakeLists.txt).
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "S3MPU_FUZZ needs clang (the fuzz preset uses clang-14)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
