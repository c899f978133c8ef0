/* cli_progress.h — what a long command shows while it works: a progress
 * bar on a terminal, and an estimate of the time it will take, made on
 * its first second of work, that stops it when the estimate is beyond a
 * limit (--max-minutes, default 60) unless --yes. Shared by map, eval,
 * optimize and study (bar only: a study cannot be stopped). */
#ifndef DRT_CLI_PROGRESS_H
#define DRT_CLI_PROGRESS_H

/* The options, as parsed. */
typedef struct drt__cli_work_limit {
  int yes;            /* --yes: run whatever the estimate */
  double max_minutes; /* --max-minutes; default 60 */
  int quiet;          /* --quiet: no bar */
} drt__cli_work_limit;

void drt__cli_work_limit_init(drt__cli_work_limit *limit);

/* Handles --yes, --max-minutes M and --quiet (by name, without "--");
 * returns 1 if it was one and parsed, 0 if not one of them, -1 on a bad
 * value (printed). */
int drt__cli_work_limit_option(drt__cli_work_limit *limit, const char *name,
                               const char *value);

/* Help lines of the three options. */
extern const char drt__cli_work_limit_help[];

typedef struct drt__cli_progress {
  const char *command;   /* "map", for messages */
  const char *unit;      /* "cells", "points", "steps", "trials" */
  drt__cli_work_limit limit;
  int bar;               /* draw the bar on stderr */
  double start, last;    /* clock at done = 0, at the last bar drawn */
  double base_time, base_done; /* at the first report of finished work */
  double last_report;    /* clock of the latest report */
  long reports;          /* made so far */
  int started, measuring, estimated, refused, drawn;
} drt__cli_progress;

/* The bar is drawn when stderr is a terminal, the limit is not quiet and
 * `bar` allows it (optimize: its step lines do not go to the terminal). */
void drt__cli_progress_init(drt__cli_progress *p, const char *command,
                            const char *unit, const drt__cli_work_limit *limit,
                            int bar);

/* A drt_progress_callback: draws the bar (at most ten times a second, and
 * at the end), and once the rate has been measured over about a second
 * (from the first finished tile or step on), estimates the time left;
 * beyond the limit it prints why and returns 1 (stop), or with --yes says
 * so and goes on. */
int drt__cli_progress_report(void *progress, double done, double total);

/* Ends the bar's line, if one was drawn. */
void drt__cli_progress_finish(drt__cli_progress *p);

/* Seconds as "12 s", "3:05", "2:03:05" or "3 d 02:03:05", into out. */
void drt__format_duration(double seconds, char *out, unsigned size);

#endif
