/* retry.c -- placeholder until written. */
#include "internal.h"
