/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small deterministic random generator for the VFR's randomized tests.
 * The seed is fixed and printed, and VFR_SEED=N in the environment replaces
 * it, so that any failure can be replayed exactly.
 */
#ifndef SPLITIO_TESTS_VFR_RNG_H
#define SPLITIO_TESTS_VFR_RNG_H

#include <stdio.h>
#include <stdlib.h>

#include "splitio/portable.h"

struct rng {
	u64 state;
};

/* Seeds @r from VFR_SEED, or @seed; says which, for replaying a failure. */
static inline void rng_init(struct rng *r, u64 seed, const char *test)
{
	const char *env = getenv("VFR_SEED");

	if (env && *env)
		seed = strtoull(env, NULL, 0);
	printf("%s: seed %llu (set VFR_SEED to change)\n", test,
	       (unsigned long long)seed);
	r->state = seed ? seed : 1;	/* xorshift never leaves zero */
}

/* xorshift64*: fast, and plenty for picking test cases. */
static inline u64 rng_next(struct rng *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return r->state * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough in [0, n) for n far below 2^32. */
static inline u32 rng_below(struct rng *r, u32 n)
{
	return (u32)((rng_next(r) >> 32) % n);
}

static inline bool rng_percent(struct rng *r, u32 percent)
{
	return rng_below(r, 100) < percent;
}

#endif /* SPLITIO_TESTS_VFR_RNG_H */
