/* cli_study.c — `drt2d study`: batched random-scene convergence studies
 * (options, progress bar, table, JSON, CSV and bar-chart outputs). */
#define _POSIX_C_SOURCE 200809L
#include "cli_study.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "cli.h"
#include "cli_mpi.h"
#include "cli_options.h"
#include "cli_progress.h"
#include "drawing.h"
#include "figure_bars.h"
#include "format.h"

typedef struct study_args {
  drt_study_options o;
  drt__cli_common common; /* --device, --precision */
  const char *json, *csv, *png;
  double dpi; /* of a PNG chart */
  int dpi_given;
  int quiet;
} study_args;

static const char *study_help =
    "usage: drt2d study [OPTIONS]\n\n"
    "Random-scene convergence study (docs/study.md): per trial, a unit-square\n"
    "room with random interior walls, receivers and a start; the exact and\n"
    "the smoothed descent of F = min_i P_i/P0 run from the same start, and\n"
    "succeed when they end within the tolerance of the trial's optimum.\n\n"
    "  --trials N          trials per receiver count (default 100)\n"
    "  --receivers LIST    receiver counts, e.g. 2,3,4 (default; 1-16 each)\n"
    "  --walls K           interior random walls (default 2, at most 64)\n"
    "  --order K           interaction orders 0..K (default 0; at most 3)\n"
    "  --steps N           Adam steps (default 100)\n"
    "  --lr X              learning rate (default 0.01)\n"
    "  --alpha-start A     smoothing sharpness at the first step (default 1)\n"
    "  --alpha-end A       ... at the last step, geometric (default 100)\n"
    "  --smoothing MODE    smoothed arm: hard-sigmoid (default) or sigmoid\n"
    "  --seed S            study seed (default 0)\n"
    "  --tolerance-db D    success: within D dB of the optimum (default 1)\n"
    "  --grid N            optimum search map, N x N (default 101)\n"
    "  --batch B           trials per launch (default: all)\n"
    "  --device D          auto, cpu, gpu, ref or a device number\n"
    "  --precision P       float (default) or double (default with ref)\n"
    "  --json FILE         options, table and every trial as JSON\n"
    "  --csv FILE          one row per trial\n"
    "  --png FILE          bar chart of the success rates (.png, .svg or\n"
    "                      .pdf as the name ends)\n"
    "  --dpi N             pixels per inch of a .png chart (default 72)\n"
    "  --quiet             no progress bar\n";

static int usage(const char *message, const char *detail) {
  fprintf(stderr, "drt2d study: %s%s (see 'drt2d study --help')\n", message,
          detail);
  return DRT_EXIT_USAGE;
}

/* One count of a list: an integer 1..16, without a message of its own
 * (the caller prints one for the whole list). */
static int parse_count(const char *item, int *out) {
  if (!isdigit((unsigned char)item[0])) return -1;
  char *end;
  errno = 0;
  long v = strtol(item, &end, 10);
  if (*end || errno || v < 1 || v > DRT_STUDY_MAX_RECEIVERS) return -1;
  *out = (int)v;
  return 0;
}

/* "2,3,4": 1 to 8 counts, each 1..16. */
static int parse_counts(const char *text, drt_study_options *o) {
  char buf[128];
  if (strlen(text) >= sizeof buf) return -1;
  strcpy(buf, text);
  int n = 0;
  for (char *save, *item = strtok_r(buf, ",", &save); item;
       item = strtok_r(NULL, ",", &save)) {
    if (n == DRT_STUDY_MAX_COUNTS || parse_count(item, &o->receivers[n]))
      return -1;
    n++;
  }
  if (n == 0 || text[strlen(text) - 1] == ',' || text[0] == ',' ||
      strstr(text, ",,"))
    return -1;
  o->n_counts = n;
  return 0;
}

static int parse_positive(const char *name, const char *value, double *out) {
  if (drt__parse_double(name, value, out)) return -1;
  if (*out > 0) return 0;
  fprintf(stderr, "drt2d: --%s: invalid value '%s' (expected a number > 0)\n",
          name, value);
  return -1;
}

static int parse_int_option(const char *name, const char *value, long lo,
                            long hi, int *out) {
  long v;
  if (drt__parse_int(name, value, lo, hi, &v)) return -1;
  *out = (int)v;
  return 0;
}

static int parse_smoothed_arm(const char *value, drt_smoothing *s) {
  if (strcmp(value, "hard-sigmoid") == 0) *s = DRT_SMOOTHING_HARD_SIGMOID;
  else if (strcmp(value, "sigmoid") == 0) *s = DRT_SMOOTHING_SIGMOID;
  else {
    fprintf(stderr, "drt2d: --smoothing: invalid value '%s' (expected "
            "hard-sigmoid or sigmoid)\n", value);
    return -1;
  }
  return 0;
}

/* One option by name; 0 parsed, -1 bad value. */
static int study_option(study_args *a, const char *name, const char *value) {
  drt_study_options *o = &a->o;
  long seed;
  if (!strcmp(name, "trials")) return parse_int_option(name, value, 1, 10000000, &o->trials);
  if (!strcmp(name, "receivers")) {
    if (!parse_counts(value, o)) return 0;
    fprintf(stderr, "drt2d: --receivers: invalid value '%s' (expected 1 to 8 "
            "counts from 1 to 16, e.g. 2,3,4)\n", value);
    return -1;
  }
  if (!strcmp(name, "walls")) return parse_int_option(name, value, 0, 64, &o->walls);
  if (!strcmp(name, "order")) return parse_int_option(name, value, 0, 3, &o->order);
  if (!strcmp(name, "steps")) return parse_int_option(name, value, 1, 100000, &o->steps);
  if (!strcmp(name, "grid")) return parse_int_option(name, value, 3, 501, &o->grid);
  if (!strcmp(name, "batch")) return parse_int_option(name, value, 1, 10000000, &o->batch);
  if (!strcmp(name, "lr")) return parse_positive(name, value, &o->lr);
  if (!strcmp(name, "alpha-start")) return parse_positive(name, value, &o->alpha_start);
  if (!strcmp(name, "alpha-end")) return parse_positive(name, value, &o->alpha_end);
  if (!strcmp(name, "smoothing")) return parse_smoothed_arm(value, &o->smoothing);
  if (!strcmp(name, "tolerance-db")) {
    if (drt__parse_double(name, value, &o->tolerance_db)) return -1;
    if (o->tolerance_db >= 0) return 0;
    fprintf(stderr, "drt2d: --tolerance-db: invalid value '%s' (expected a "
            "number >= 0)\n", value);
    return -1;
  }
  if (!strcmp(name, "seed")) {
    if (drt__parse_int(name, value, 0, 2147483647L, &seed)) return -1;
    o->seed = (uint64_t)seed;
    return 0;
  }
  if (!strcmp(name, "dpi")) {
    a->dpi_given = 1;
    return drt__parse_dpi(name, value, &a->dpi);
  }
  if (!strcmp(name, "json")) a->json = value;
  else if (!strcmp(name, "csv")) a->csv = value;
  else if (!strcmp(name, "png")) a->png = value;
  else return drt__cli_common_option(&a->common, name, value) < 0 ? -1 : 0;
  return 0;
}

static const char *const OPTION_NAMES[] = {
    "trials", "receivers", "walls",  "order",        "steps",  "lr",
    "alpha-start", "alpha-end", "smoothing", "seed", "tolerance-db",
    "grid",   "batch",     "device", "precision",    "json",   "csv",
    "png",    "dpi"};
#define N_OPTIONS (int)(sizeof OPTION_NAMES / sizeof OPTION_NAMES[0])
enum { OPT_QUIET = 1000, OPT_HELP = 'h' };

/* -1 to go on, else an exit code. */
static int parse_study_args(int argc, char **argv, study_args *a) {
  struct option longopts[N_OPTIONS + 3];
  for (int i = 0; i < N_OPTIONS; i++)
    longopts[i] = (struct option){OPTION_NAMES[i], required_argument, NULL, 256 + i};
  longopts[N_OPTIONS] = (struct option){"quiet", no_argument, NULL, OPT_QUIET};
  longopts[N_OPTIONS + 1] = (struct option){"help", no_argument, NULL, OPT_HELP};
  longopts[N_OPTIONS + 2] = (struct option){0, 0, 0, 0};
  optind = 0;
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    if (opt == OPT_HELP) {
      printf("%s", study_help);
      return 0;
    }
    if (opt == OPT_QUIET) a->quiet = 1;
    else if (opt == ':') return usage("missing value for ", argv[optind - 1]);
    else if (opt == '?') return usage("unknown option ", argv[optind - 1]);
    else if (study_option(a, OPTION_NAMES[opt - 256], optarg)) return DRT_EXIT_USAGE;
  }
  if (optind < argc) return usage("unexpected argument ", argv[optind]);
  if (drt_study_options_check(&a->o)) return usage(drt_last_error(), "");
  const char *names[] = {"png", "json", "csv"};
  const char *paths[] = {a->png, a->json, a->csv};
  int checked = drt__cli_check_figures(names, paths, 1, a->dpi_given);
  if (!checked) checked = drt__cli_check_outputs(names, paths, 3, NULL);
  if (checked) return checked;
  return -1;
}

/* The study's progress: the bar, and a note when the estimate is beyond
 * an hour (a study cannot be stopped). */
static void show_progress(void *user, double done, double total) {
  drt__mpi_progress_report(user, done, total);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ------------------------------------------------------------------------ */
/* Outputs                                                                  */
/* ------------------------------------------------------------------------ */

static void print_table(const study_args *a, const drt_study_summary *rows,
                        const char *device, double seconds) {
  const drt_study_options *o = &a->o;
  size_t n = drt_study_trial_count(o);
  printf(
      "study: %d trials per receiver count, %d interior walls, orders 0..%d, "
      "%d steps, lr %g, alpha %g -> %g (%s), tolerance %g dB, grid %d, "
      "seed %llu\n",
      o->trials, o->walls, o->order, o->steps, o->lr, o->alpha_start,
      o->alpha_end, drt__smoothing_name(o->smoothing), o->tolerance_db, o->grid,
      (unsigned long long)o->seed);
  if (drt__mpi_size() > 1)
    printf("device: %s (rank 0 of %d)\n\n", device, drt__mpi_size());
  else
    printf("device: %s\n\n", device);
  printf("%-9s %7s %8s  %-22s %-22s %-20s %-22s\n", "receivers", "trials",
         "solvable", "success exact", "success smoothed", "ratio", "kept");
  for (int c = 0; c < o->n_counts; c++) {
    const drt_study_summary *r = &rows[c];
    char e[40], s[40], q[40], k[40];
    snprintf(e, sizeof e, "%5.1f%% [%.1f, %.1f]", 100 * r->rate_exact.value,
             100 * r->rate_exact.lo, 100 * r->rate_exact.hi);
    snprintf(s, sizeof s, "%5.1f%% [%.1f, %.1f]", 100 * r->rate_smoothed.value,
             100 * r->rate_smoothed.lo, 100 * r->rate_smoothed.hi);
    snprintf(q, sizeof q, "%.2f [%.2f, %.2f]", r->ratio.value, r->ratio.lo,
             r->ratio.hi);
    snprintf(k, sizeof k, "%5.1f%% [%.1f, %.1f]", 100 * r->kept.value,
             100 * r->kept.lo, 100 * r->kept.hi);
    printf("%-9d %7d %8d  %-22s %-22s %-20s %-22s\n", r->receivers, r->trials,
           r->solvable, e, s, q, k);
  }
  printf("\n%zu trials in %.2f s (%.1f trials/s)\n", n, seconds, n / seconds);
}

static cJSON *interval_json(drt_study_interval v) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "value", v.value);
  cJSON_AddNumberToObject(j, "lo", v.lo);
  cJSON_AddNumberToObject(j, "hi", v.hi);
  return j;
}

static cJSON *options_json(const drt_study_options *o) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "trials", o->trials);
  cJSON_AddItemToObject(j, "receivers", cJSON_CreateIntArray(o->receivers, o->n_counts));
  cJSON_AddNumberToObject(j, "walls", o->walls);
  cJSON_AddNumberToObject(j, "order", o->order);
  cJSON_AddNumberToObject(j, "steps", o->steps);
  cJSON_AddNumberToObject(j, "lr", o->lr);
  cJSON_AddNumberToObject(j, "alpha_start", o->alpha_start);
  cJSON_AddNumberToObject(j, "alpha_end", o->alpha_end);
  cJSON_AddStringToObject(j, "smoothing", drt__smoothing_name(o->smoothing));
  cJSON_AddNumberToObject(j, "seed", (double)o->seed);
  cJSON_AddNumberToObject(j, "tolerance_db", o->tolerance_db);
  cJSON_AddNumberToObject(j, "grid", o->grid);
  cJSON_AddNumberToObject(j, "refine_starts", o->refine_starts);
  return j;
}

static cJSON *trial_json(const drt_study_trial *t) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "receivers", t->receivers);
  cJSON_AddNumberToObject(j, "index", t->index);
  cJSON_AddItemToObject(j, "start", cJSON_CreateDoubleArray(t->start, 2));
  cJSON_AddNumberToObject(j, "f_start", t->f_start);
  cJSON_AddItemToObject(j, "optimum", cJSON_CreateDoubleArray(t->optimum, 2));
  cJSON_AddNumberToObject(j, "f_optimum", t->f_optimum);
  cJSON_AddItemToObject(j, "end_exact", cJSON_CreateDoubleArray(t->end_exact, 2));
  cJSON_AddNumberToObject(j, "f_exact", t->f_exact);
  cJSON_AddBoolToObject(j, "success_exact", t->success_exact);
  cJSON_AddItemToObject(j, "end_smoothed", cJSON_CreateDoubleArray(t->end_smoothed, 2));
  cJSON_AddNumberToObject(j, "f_smoothed", t->f_smoothed);
  cJSON_AddBoolToObject(j, "success_smoothed", t->success_smoothed);
  return j;
}

static cJSON *summary_json(const drt_study_summary *r) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "receivers", r->receivers);
  cJSON_AddNumberToObject(j, "trials", r->trials);
  cJSON_AddNumberToObject(j, "solvable", r->solvable);
  cJSON_AddNumberToObject(j, "successes_exact", r->exact);
  cJSON_AddNumberToObject(j, "successes_smoothed", r->smoothed);
  cJSON_AddNumberToObject(j, "successes_both", r->both);
  cJSON_AddItemToObject(j, "rate_exact", interval_json(r->rate_exact));
  cJSON_AddItemToObject(j, "rate_smoothed", interval_json(r->rate_smoothed));
  cJSON_AddItemToObject(j, "ratio", interval_json(r->ratio));
  cJSON_AddItemToObject(j, "kept", interval_json(r->kept));
  return j;
}

/* Writes text to path atomically; reports a failure naming the option. */
static int write_text(const char *option, const char *path, const char *text) {
  drt_status status = drt__atomic_write_text(path, text);
  if (status) drt__cli_report(option, status);
  return status ? -1 : 0;
}
static int write_json(const study_args *a, const drt_study_trial *trials,
                      const drt_study_summary *rows, const char *device,
                      double seconds) {
  cJSON *root = cJSON_CreateObject();
  cJSON_AddItemToObject(root, "options", options_json(&a->o));
  cJSON_AddStringToObject(root, "device", device);
  cJSON_AddNumberToObject(root, "wall_seconds", seconds);
  cJSON *summary = cJSON_AddArrayToObject(root, "summary");
  for (int c = 0; c < a->o.n_counts; c++)
    cJSON_AddItemToArray(summary, summary_json(&rows[c]));
  cJSON *list = cJSON_AddArrayToObject(root, "trials");
  size_t n = drt_study_trial_count(&a->o);
  for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(list, trial_json(&trials[i]));
  char *text = cJSON_Print(root);
  cJSON_Delete(root);
  if (!text) {
    fprintf(stderr, "drt2d: --json: out of memory\n");
    return -1;
  }
  int rc = write_text("--json", a->json, text);
  free(text);
  return rc;
}

static void csv_row(const drt_study_trial *t, char *line, size_t size) {
  double v[12] = {t->start[0],     t->start[1],     t->f_start,
                  t->optimum[0],   t->optimum[1],   t->f_optimum,
                  t->end_exact[0], t->end_exact[1], t->f_exact,
                  t->end_smoothed[0], t->end_smoothed[1], t->f_smoothed};
  char s[12][DRT_NUMBER_CHARS];
  for (int i = 0; i < 12; i++) drt__format_double(v[i], s[i]);
  snprintf(line, size, "%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%s,%d\n",
           t->receivers, t->index, s[0], s[1], s[2], s[3], s[4], s[5], s[6],
           s[7], s[8], t->success_exact, s[9], s[10], s[11],
           t->success_smoothed);
}

static int write_csv(const study_args *a, const drt_study_trial *trials) {
  drt__atomic_file file;
  drt_status status = drt__atomic_open(&file, a->csv);
  if (!status) {
    char line[1024];
    fputs("receivers,index,start_x,start_y,f_start,optimum_x,optimum_y,"
          "f_optimum,exact_x,exact_y,f_exact,success_exact,smoothed_x,"
          "smoothed_y,f_smoothed,success_smoothed\n",
          file.stream);
    size_t n = drt_study_trial_count(&a->o);
    for (size_t i = 0; i < n; i++) {
      csv_row(&trials[i], line, sizeof line);
      fputs(line, file.stream);
    }
    status = drt__atomic_commit(&file); /* it reports a failed write */
  }
  if (status)
    drt__cli_report("--csv", status);
  return status ? -1 : 0;
}

static int write_chart(const study_args *a, const drt_study_summary *rows) {
  drt__bar_chart c = {.n_groups = a->o.n_counts, .n_series = 2,
                      .series_label = {"exact", "smoothed"}};
  char title[128];
  snprintf(title, sizeof title, "success rate, %d trials per count, 95%% CI",
           a->o.trials);
  c.title = title;
  for (int g = 0; g < c.n_groups; g++) {
    const drt_study_summary *r = &rows[g];
    snprintf(c.group_label[g], sizeof c.group_label[g], "%d receivers",
             r->receivers);
    const drt_study_interval *arms[2] = {&r->rate_exact, &r->rate_smoothed};
    for (int s = 0; s < 2; s++) {
      c.value[g][s] = arms[s]->value;
      c.lo[g][s] = arms[s]->lo;
      c.hi[g][s] = arms[s]->hi;
    }
  }
  drt_status status = drt__bar_chart_write(&c, a->png, a->dpi);
  if (status) drt__cli_report("--png", status);
  return status ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* The command                                                              */
/* ------------------------------------------------------------------------ */

/* Rank 0, every trial done: the summary, the files and the table. */
static int report(const study_args *a, const drt_context *ctx,
                  const drt_study_trial *trials, double seconds) {
  drt_study_summary rows[DRT_STUDY_MAX_COUNTS];
  drt_status status = drt_study_summarize(&a->o, trials, rows);
  if (status) {
    drt__cli_report("study", status);
    return DRT_EXIT_FAILURE;
  }
  const char *device = drt_context_device_name(ctx);
  int rc = 0;
  if (a->json) rc |= write_json(a, trials, rows, device, seconds);
  if (a->csv) rc |= write_csv(a, trials);
  if (a->png) rc |= write_chart(a, rows);
  print_table(a, rows, device, seconds);
  return rc ? DRT_EXIT_FAILURE : 0;
}

/* A rank's share of the trials, as drt__mpi_run_share runs it. */
typedef struct study_work {
  study_args *a;
  drt_context *ctx;
  size_t first, count;
  drt_study_trial *trials;
} study_work;

static drt_status run_study_share(void *data, drt__mpi_progress *progress) {
  study_work *w = data;
  w->a->o.progress = show_progress;
  w->a->o.progress_user = progress;
  return drt_study_run_range(w->ctx, &w->a->o, w->first, w->count, w->trials);
}

/* This rank's trials [first, first + count) into share, with progress
 * (rank 0's bar counts every rank's); 1 when they went well. A study
 * cannot be stopped: its estimate is a note. */
static int run_share(study_args *a, drt_context *ctx, size_t first,
                     size_t count, drt_study_trial *share) {
  drt__cli_work_limit limit;
  drt__cli_work_limit_init(&limit);
  limit.yes = 1;
  limit.quiet = a->quiet;
  study_work work = {a, ctx, first, count, share};
  drt__share job = {.command = "study", .unit = "trials", .limit = &limit,
                    .total = (double)drt_study_trial_count(&a->o),
                    .count = count, .ctx = ctx, .allocated = share != NULL,
                    .own_progress = 1, .work = run_study_share,
                    .data = &work};
  return drt__mpi_run_share(&job);
}

/* The study, shared between the ranks (one without MPI); rank 0 gathers
 * the trials in order, summarises and writes. ctx is NULL on a rank whose
 * device failed: it still takes part, so that every rank learns of it. */
static int run_and_report(study_args *a, drt_context *ctx) {
  size_t n = drt_study_trial_count(&a->o), first, count;
  drt__mpi_share(n, &first, &count);
  int root = drt__mpi_rank() == 0, shared = drt__mpi_size() > 1;
  drt_study_trial *trials = root ? calloc(n, sizeof *trials) : NULL;
  drt_study_trial *share =
      shared ? calloc(count ? count : 1, sizeof *share) : trials;
  if (root && !trials)
    fprintf(stderr, "drt2d: study: out of memory for %zu trials\n", n);
  double start = now();
  int ok = (!root || trials) && run_share(a, ctx, first, count, share);
  int rc = DRT_EXIT_FAILURE;
  if (drt__mpi_agree(ok) &&
      drt__mpi_gather(share, trials, n, sizeof *share) == 0)
    rc = root ? report(a, ctx, trials, now() - start) : 0;
  if (shared) free(share);
  free(trials);
  return rc;
}

int drt__cli_study(int argc, char **argv) {
  study_args a;
  memset(&a, 0, sizeof a);
  drt_study_options_init(&a.o);
  drt__cli_common_init(&a.common);
  a.dpi = DRT_FIGURE_DPI;
  int rc = parse_study_args(argc, argv, &a);
  if (rc >= 0) return rc;
  if (drt__cli_stop_before_work) return 0;
  drt_context *ctx = drt__cli_open_context(&a.common);
  rc = run_and_report(&a, ctx);
  drt_context_destroy(ctx);
  return rc;
}
