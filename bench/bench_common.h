/* bench_common.h — timing and memory helpers shared by the benchmarks. */
#ifndef DRT_BENCH_COMMON_H
#define DRT_BENCH_COMMON_H

/* Monotonic wall-clock time in seconds. */
double drt_bench_now(void);
/* Median of n timings (sorts them in place; the upper one for even n). */
double drt_bench_median(double *times, int n);
/* The process's peak resident memory so far, in MiB. */
double drt_bench_peak_rss_mib(void);

#endif
