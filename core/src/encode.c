/* encode.c -- placeholder until written. */
#include "internal.h"
