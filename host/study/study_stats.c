/* study_stats.c — the study's table: success rates with Wilson intervals,
 * the ratio of the two arms' rates with a paired bootstrap interval, and
 * the share of exact successes the smoothed arm keeps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drt2d.h"
#include "error.h"
#include "rng.h"
#include "study_internal.h"

#define Z95 1.959963984540054 /* two-sided 95 % normal quantile */
#define BOOTSTRAP_RESAMPLES 2000
#define BOOTSTRAP_SEED 20240101u

void drt__wilson(int k, int n, double *lo, double *hi) {
  if (n <= 0) {
    *lo = 0;
    *hi = 1;
    return;
  }
  double p = (double)k / n, z2 = Z95 * Z95;
  double denominator = 1 + z2 / n;
  double centre = (p + z2 / (2.0 * n)) / denominator;
  double half =
      Z95 / denominator * sqrt(p * (1 - p) / n + z2 / (4.0 * n * (double)n));
  *lo = fmax(0, centre - half);
  *hi = fmin(1, centre + half);
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The trials are resampled in pairs (a[i], b[i]): the two arms ran from
 * the same start, so their outcomes are correlated. */
void drt__ratio_interval(const unsigned char *a, const unsigned char *b,
                         size_t n, double *lo, double *hi) {
  *lo = *hi = NAN;
  double *ratios = malloc(BOOTSTRAP_RESAMPLES * sizeof *ratios);
  if (!ratios || n == 0) {
    free(ratios);
    return;
  }
  drt__rng rng;
  drt__rng_seed(&rng, BOOTSTRAP_SEED);
  int kept = 0;
  for (int s = 0; s < BOOTSTRAP_RESAMPLES; s++) {
    size_t count_a = 0, count_b = 0;
    for (size_t i = 0; i < n; i++) {
      size_t pick = (size_t)(drt__rng_uniform(&rng) * (double)n);
      count_a += a[pick];
      count_b += b[pick];
    }
    if (count_a) ratios[kept++] = (double)count_b / (double)count_a;
  }
  if (kept) {
    qsort(ratios, (size_t)kept, sizeof *ratios, compare_doubles);
    *lo = ratios[(size_t)floor(0.025 * (kept - 1) + 0.5)];
    *hi = ratios[(size_t)floor(0.975 * (kept - 1) + 0.5)];
  }
  free(ratios);
}

static drt_study_interval wilson_interval(int k, int n) {
  drt_study_interval r = {n ? (double)k / n : NAN, 0, 1};
  drt__wilson(k, n, &r.lo, &r.hi);
  return r;
}

/* One receiver count's row from its trials (the solvable ones). */
static drt_status summarize_count(const drt_study_trial *trials, int n,
                                  drt_study_summary *row) {
  unsigned char *a = malloc((size_t)(n ? n : 1)), *b = malloc((size_t)(n ? n : 1));
  if (!a || !b) {
    free(a);
    free(b);
    return drt__fail(DRT_ENOMEM, "study summary: out of memory");
  }
  row->trials = n;
  for (int i = 0; i < n; i++) {
    const drt_study_trial *t = &trials[i];
    if (!(t->f_optimum > 0)) continue;
    a[row->solvable] = (unsigned char)(t->success_exact != 0);
    b[row->solvable] = (unsigned char)(t->success_smoothed != 0);
    row->exact += a[row->solvable];
    row->smoothed += b[row->solvable];
    row->both += a[row->solvable] & b[row->solvable];
    row->solvable++;
  }
  row->rate_exact = wilson_interval(row->exact, row->solvable);
  row->rate_smoothed = wilson_interval(row->smoothed, row->solvable);
  row->kept = wilson_interval(row->both, row->exact);
  row->ratio.value = row->exact ? (double)row->smoothed / row->exact : NAN;
  drt__ratio_interval(a, b, (size_t)row->solvable, &row->ratio.lo,
                      &row->ratio.hi);
  free(a);
  free(b);
  return DRT_OK;
}

drt_status drt_study_summarize(const drt_study_options *o,
                               const drt_study_trial *trials,
                               drt_study_summary *rows) {
  drt__clear_error();
  drt_status status = drt_study_options_check(o);
  for (int c = 0; c < o->n_counts && !status; c++) {
    memset(&rows[c], 0, sizeof rows[c]);
    rows[c].receivers = o->receivers[c];
    status = summarize_count(trials + (size_t)c * o->trials, o->trials, &rows[c]);
  }
  return status;
}
