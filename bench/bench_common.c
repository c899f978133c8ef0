/* bench_common.c — timing and memory helpers shared by the benchmarks. */
#define _POSIX_C_SOURCE 200809L
#include "bench_common.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

double drt_bench_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double drt_bench_median(double *times, int n) {
  qsort(times, (size_t)n, sizeof *times, compare_doubles);
  return times[n / 2];
}

double drt_bench_peak_rss_mib(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}
