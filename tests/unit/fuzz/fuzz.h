/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VFR fuzz targets share.  FUZZ_CHECK() is how a target reports a
 * wrong answer: abort(), which libFuzzer records as a crash with its input,
 * and which fails a replay (fuzz/replay.c) as any crash does.
 */
#ifndef SPLITIO_TESTS_FUZZ_FUZZ_H
#define SPLITIO_TESTS_FUZZ_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n",\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* SPLITIO_TESTS_FUZZ_FUZZ_H */
