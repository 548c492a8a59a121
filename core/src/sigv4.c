/* sigv4.c -- placeholder until written. */
#include "internal.h"
