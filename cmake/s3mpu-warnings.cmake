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
