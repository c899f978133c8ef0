/* cli_progress.c — progress bar and work estimate (cli_progress.h). */
#define _POSIX_C_SOURCE 200809L
#include "cli_progress.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli_options.h"

/* Work measured before the estimate is made: long enough that the
 * program is built and the rate steady, short enough to be "up front". */
#define ESTIMATE_AFTER_SECONDS 1.0

const char drt__cli_work_limit_help[] =
    "  --max-minutes M     stop, before writing anything, if the work is\n"
    "                      estimated (after its first second) to take more\n"
    "                      than M minutes (default 60)\n"
    "  --yes               run whatever the estimate\n"
    "  --quiet             no progress bar\n";

void drt__cli_work_limit_init(drt__cli_work_limit *limit) {
  *limit = (drt__cli_work_limit){.max_minutes = 60};
}

int drt__cli_work_limit_option(drt__cli_work_limit *limit, const char *name,
                               const char *value) {
  if (strcmp(name, "yes") == 0) {
    limit->yes = 1;
    return 1;
  }
  if (strcmp(name, "quiet") == 0) {
    limit->quiet = 1;
    return 1;
  }
  if (strcmp(name, "max-minutes") != 0) return 0;
  double minutes;
  if (drt__parse_double("max-minutes", value, &minutes)) return -1;
  if (!(minutes > 0)) {
    fprintf(stderr, "drt2d: --max-minutes: invalid value '%s' (expected "
            "minutes > 0)\n", value);
    return -1;
  }
  limit->max_minutes = minutes;
  return 1;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The clock of the reports. Test hook: DRT_TEST_PROGRESS_TICK=S makes each
 * report S seconds after the one before, so estimates are deterministic. */
static double report_clock(drt__cli_progress *p) {
  const char *tick = getenv("DRT_TEST_PROGRESS_TICK");
  if (!tick) return now();
  return (double)p->reports++ * atof(tick);
}

void drt__format_duration(double seconds, char *out, unsigned size) {
  if (!(seconds < 1e15)) {
    snprintf(out, size, "longer than 30 million years");
    return;
  }
  long long s = llround(seconds);
  long long days = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;
  if (days) snprintf(out, size, "%lld d %02lld:%02lld:%02lld", days, h, m, s % 60);
  else if (h) snprintf(out, size, "%lld:%02lld:%02lld", h, m, s % 60);
  else if (m) snprintf(out, size, "%lld:%02lld", m, s % 60);
  else snprintf(out, size, "%lld s", s);
}

void drt__cli_progress_init(drt__cli_progress *p, const char *command,
                            const char *unit, const drt__cli_work_limit *limit,
                            int bar) {
  *p = (drt__cli_progress){.command = command, .unit = unit,
                           .limit = *limit};
  p->bar = bar && !limit->quiet && isatty(STDERR_FILENO);
  p->start = p->last = now();
}

/* "[#####-----]  45%  1.23e+05 cells/s  0:12 left". */
static void draw_bar(drt__cli_progress *p, double done, double total,
                     double rate) {
  char bar[31], left[48];
  int filled = total > 0 ? (int)(30 * done / total) : 30;
  for (int i = 0; i < 30; i++) bar[i] = i < filled ? '#' : '-';
  bar[30] = '\0';
  drt__format_duration(rate > 0 ? (total - done) / rate : 0, left, sizeof left);
  fprintf(stderr, "\r[%s] %3.0f%%  %.3g %s/s  %s left ", bar,
          total > 0 ? 100 * done / total : 100, rate, p->unit, left);
  p->drawn = 1;
}

/* The estimate, once: 1 to stop. */
static int check_estimate(drt__cli_progress *p, double done, double total,
                          double left) {
  p->estimated = 1;
  if (left <= 60 * p->limit.max_minutes) return 0;
  char duration[48];
  drt__format_duration(left, duration, sizeof duration);
  double elapsed = p->last_report - p->start;
  drt__cli_progress_finish(p);
  if (p->limit.yes) {
    fprintf(stderr, "drt2d %s: about %s of work left (%.3g of %.3g %s done "
            "in %.1f s)\n", p->command, duration, done, total, p->unit,
            elapsed);
    return 0;
  }
  fprintf(stderr, "drt2d %s: stopped: the work would take about %s more "
          "(%.3g of %.3g %s done in %.1f s), beyond --max-minutes %g; no "
          "file written (pass --yes to run it anyway)\n", p->command,
          duration, done, total, p->unit, elapsed, p->limit.max_minutes);
  p->refused = 1;
  return 1;
}

int drt__cli_progress_report(void *progress, double done, double total) {
  drt__cli_progress *p = progress;
  double t = p->last_report = report_clock(p);
  if (!p->started) {
    /* The clock starts when the work does (a program may build first). */
    p->started = 1;
    p->start = p->last = t;
    if (done <= 0) return 0;
  }
  if (!p->measuring && done > 0) {
    /* The rate is measured from the first finished tile on, which also
     * paid for the device's compilation of the kernel on first launch. */
    p->measuring = 1;
    p->base_time = t;
    p->base_done = done;
  }
  double measured = t - p->base_time, rate = 0;
  if (p->measuring && measured > 0)
    rate = (done - p->base_done) / measured;
  if (!p->estimated && rate > 0 && done < total &&
      measured >= ESTIMATE_AFTER_SECONDS &&
      check_estimate(p, done, total, (total - done) / rate))
    return 1;
  if (p->bar && (done >= total || t - p->last >= 0.1)) {
    p->last = t;
    draw_bar(p, done, total, rate > 0 ? rate : done / (t - p->start + 1e-9));
  }
  return 0;
}

void drt__cli_progress_finish(drt__cli_progress *p) {
  if (p->drawn) fputc('\n', stderr);
  p->drawn = 0;
}
