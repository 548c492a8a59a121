/* xml.c -- placeholder until written. */
#include "internal.h"
