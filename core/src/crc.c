/* crc.c -- placeholder until written. */
#include "internal.h"
