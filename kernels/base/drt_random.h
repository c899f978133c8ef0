/* drt_random.h — counter-based random numbers: a value depends only on its
 * key (seed, cell, candidate, start, unknown), so results do not depend on
 * tiling, work-group shape or device. */
#ifndef DRT_RANDOM_H
#define DRT_RANDOM_H

#include "base/drt_cl_compat.h"

/* The splitmix64 finaliser: a bijective 64-bit mix. */
DRT_FN drt_u64 drt_mix64(drt_u64 z) {
  z = (z ^ (z >> 30)) * (drt_u64)0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * (drt_u64)0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1) from a key: 24 random bits, exact in float and double
 * alike, so float and double runs start from the same points. */
DRT_FN real drt_uniform01(drt_u64 key) {
  return (real)(drt_mix64(key) >> 40) * (real)(1.0 / 16777216.0);
}

/* Key of the i-th draw of a (seed, cell, candidate, start) tuple. */
DRT_FN drt_u64 drt_draw_key(drt_u64 seed, drt_u64 cell, drt_u64 candidate,
                            int start, int i) {
  drt_u64 key = drt_mix64(seed + (drt_u64)0x9e3779b97f4a7c15UL);
  key = drt_mix64(key ^ cell);
  key = drt_mix64(key ^ candidate);
  return key ^ ((drt_u64)start << 32) ^ (drt_u64)i;
}

/* Key of a path's random starts besides seed and cell: the order and the
 * (candidate c, fixed endpoint f) pair. Kernels and the ref evaluator both
 * use it, so they draw the same starts. */
DRT_FN drt_u64 drt_path_key(int order, drt_u64 c, int n_fixed, int f) {
  return ((drt_u64)order << 56) ^ (c * (drt_u64)n_fixed + (drt_u64)f);
}

#endif
