/* cli_optimize.c — `drt2d optimize`: parses the options, runs the descent
 * (docs/method.md §10) through the library, prints a line per step and
 * hands the finished run to the writers of cli_optimize_out.c. */
#include "cli_optimize.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_progress.h"
#include "drawing.h"
#include "figure.h"

static const char *const own_options[] = {
    "steps",  "lr",   "alpha-start", "alpha-end",  "objective", "temperature",
    "json",   "png",  "frames",      "frames-png", "grid",      "bbox",
    "db-range", "dpi", "max-minutes"};
static const char *const shared_options[] = {
    "scene",  "tx",        "rx",       "order",     "method",
    "only",   "seed",      "device",   "precision", "smoothing",
    "candidates", "model", "frequency", "tx-power", "sum",
    "polarization", "material", "quantity"};
#define N_OWN (int)(sizeof own_options / sizeof own_options[0])
#define N_SHARED (int)(sizeof shared_options / sizeof shared_options[0])
#define OPT_QUIET 'q'
#define OPT_YES 'y'
#define OPT_HELP 'h'

static void print_help(void) {
  printf(
      "usage: drt2d optimize [OPTIONS]\n\n"
      "Places one transmitter by gradient ascent on an objective of the\n"
      "receivers' normalised powers f_i (docs/method.md 10): P_i / P0 in the\n"
      "paper's model, P_i / 1 mW in the radio model (so F in dB is dBm; the\n"
      "moving transmitter is isotropic at --tx-power). Adam on the\n"
      "transmitter position, smoothing sharpness alpha raised geometrically\n"
      "from --alpha-start to --alpha-end over the steps. Prints one line per\n"
      "step: step, alpha, x, y, F exact, F smoothed, |grad F smoothed|.\n\n"
      "descent options:\n"
      "  --tx X,Y            start (default: the scene's first transmitter)\n"
      "  --rx X,Y            receiver (repeatable; replaces the scene's)\n"
      "  --steps N           Adam steps (default 100)\n"
      "  --lr X              learning rate, > 0 (default 0.01)\n"
      "  --alpha-start A     alpha of the first step, > 0 (default 1)\n"
      "  --alpha-end A       alpha of the last step, > 0 (default 100)\n"
      "  --smoothing MODE    hard-sigmoid (default), sigmoid, or none: the\n"
      "                      exact objective, alpha unused\n"
      "  --objective F       min (default), sum or softmin of the f_i\n"
      "  --temperature T     softmin's T, in units of f_i (default 0.001)\n"
      "  --quiet             print nothing but errors (and a progress bar\n"
      "                      on a terminal)\n"
      "  --max-minutes M     stop, before writing any file, if the descent\n"
      "                      is estimated (after its first second) to take\n"
      "                      more than M minutes (default 60)\n"
      "  --yes               run whatever the estimate\n\n"
      "outputs:\n"
      "  --json FILE         settings, every step and the result\n"
      "  --png FILE          transmitter map of the exact objective (in dB;\n"
      "                      F = 0 at the bottom of the scale) with the\n"
      "                      receivers, the path, its start (disc) and end\n"
      "                      (triangle)\n"
      "  --frames-png FILE   strip of panels at evenly spaced steps, each the\n"
      "                      objective smoothed at that step's alpha, with\n"
      "                      the path so far\n"
      "  --frames N          panels of the strip, 1 to %d (default 5)\n"
      "  --grid N|NXxNY      grid of the figures (default 200)\n"
      "  --bbox X0,Y0,X1,Y1  extent of the figures (default: scene's box)\n"
      "  --db-range LO,HI    colour scale (default: 40 dB below the highest\n"
      "                      value, rounded up to 5 dB)\n"
      "  --dpi N             pixels per inch of .png figures (default 72);\n"
      "                      figures are .png, .svg or .pdf as the name ends\n\n"
      "scene and device options:\n"
      "  --scene NAME|FILE   as for 'drt2d map' (default square-obstacle)\n"
      "  --order K|KMIN:KMAX interaction orders (default 0:1)\n"
      "  --method M          im (default), fpt or mpt\n"
      "  --only TYPE         candidates use only wall, ris or vertex objects\n"
      "  --seed S            seed of mpt's random starts (default 0)\n"
      "  --device D          auto, cpu, gpu, ref or a device number\n"
      "  --precision P       float (default) or double (default with ref)\n"
      "  --model M           paper or radio (default radio for scenes in\n"
      "                      metres), with --frequency, --tx-power, --sum,\n"
      "                      --polarization, --material and --quantity as\n"
      "                      for 'drt2d map'\n",
      DRT_OPTIMIZE_MAX_FRAMES);
}

static int usage_error(const char *message, const char *detail) {
  fprintf(stderr, "drt2d optimize: %s%s (see 'drt2d optimize --help')\n",
          message, detail);
  return DRT_EXIT_USAGE;
}

static int bad_value(const char *option, const char *text, const char *want) {
  fprintf(stderr, "drt2d: --%s: invalid value '%s' (expected %s)\n", option,
          text, want);
  return -1;
}

static int parse_positive(const char *name, const char *text, double *value) {
  if (drt__parse_double(name, text, value)) return -1;
  return *value > 0 ? 0 : bad_value(name, text, "a number > 0");
}

static int parse_objective(const char *text, drt_objective *objective) {
  for (int i = DRT_OBJECTIVE_MIN; i <= DRT_OBJECTIVE_SOFTMIN; i++)
    if (strcmp(text, drt__objective_name((drt_objective)i)) == 0) {
      *objective = (drt_objective)i;
      return 0;
    }
  return bad_value("objective", text, "min, sum or softmin");
}

static int parse_int_option(const char *name, const char *text, long lo,
                            long hi, int *value) {
  long v;
  if (drt__parse_int(name, text, lo, hi, &v)) return -1;
  *value = (int)v;
  return 0;
}

/* The options of this command alone; 0 parsed, -1 a bad value. */
static int parse_own(drt__optimize_args *a, const char *name, const char *v) {
  drt_optimize_options *o = &a->opt;
  if (strcmp(name, "steps") == 0)
    return parse_int_option(name, v, 1, 1000000, &o->steps);
  if (strcmp(name, "lr") == 0) return parse_positive(name, v, &o->lr);
  if (strcmp(name, "alpha-start") == 0)
    return parse_positive(name, v, &o->alpha_start);
  if (strcmp(name, "alpha-end") == 0)
    return parse_positive(name, v, &o->alpha_end);
  if (strcmp(name, "objective") == 0) return parse_objective(v, &o->objective);
  if (strcmp(name, "temperature") == 0)
    return parse_positive(name, v, &o->temperature);
  if (strcmp(name, "frames") == 0)
    return parse_int_option(name, v, 1, DRT_OPTIMIZE_MAX_FRAMES, &a->frames);
  if (strcmp(name, "grid") == 0)
    return drt__parse_grid(name, v, &a->nx, &a->ny);
  if (strcmp(name, "bbox") == 0) {
    a->bbox_given = 1;
    return drt__parse_bbox(name, v, a->bbox);
  }
  if (strcmp(name, "db-range") == 0) {
    a->db_given = 1;
    return drt__parse_range(name, v, &a->db_lo, &a->db_hi);
  }
  if (strcmp(name, "dpi") == 0) {
    a->dpi_given = 1;
    return drt__parse_dpi(name, v, &a->dpi);
  }
  if (strcmp(name, "max-minutes") == 0)
    return drt__cli_work_limit_option(&a->limit, name, v) < 0 ? -1 : 0;
  if (strcmp(name, "json") == 0) a->json = v;
  else if (strcmp(name, "png") == 0) a->png = v;
  else a->frames_png = v; /* the one own option left */
  return 0;
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, drt__optimize_args *a) {
  static const struct option flags[] = {
      {"quiet", no_argument, NULL, OPT_QUIET}, {"yes", no_argument, NULL, OPT_YES}};
  struct option longopts[N_OWN + N_SHARED + 4];
  drt__cli_longopts(longopts, own_options, N_OWN, shared_options, N_SHARED,
                    flags, 2);
  optind = 0; /* full re-initialisation: the CLI may run more than once */
  opterr = 0;
  int opt, rc = 0;
  while (rc >= 0 &&
         (opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    if (opt == OPT_HELP) {
      print_help();
      return 0;
    }
    if (opt == ':') return usage_error("missing value for ", argv[optind - 1]);
    if (opt == '?') return usage_error("unknown option ", argv[optind - 1]);
    if (opt == OPT_QUIET) a->quiet = 1;
    else if (opt == OPT_YES) a->limit.yes = 1;
    else if (opt >= 512)
      rc = drt__cli_common_option(&a->common, shared_options[opt - 512],
                                  optarg);
    else rc = parse_own(a, own_options[opt - 256], optarg);
  }
  if (rc < 0) return DRT_EXIT_USAGE;
  if (optind < argc) return usage_error("unexpected argument ", argv[optind]);
  return -1;
}

/* Checks between options; returns -1 to go on, else an exit code. */
static int check_args(drt__optimize_args *a) {
  drt__cli_common *c = &a->common;
  if (c->n_tx > 1)
    return usage_error("--tx: one transmitter moves; give one start", "");
  if (a->frames && !a->frames_png)
    return usage_error("--frames: give the strip's file with --frames-png", "");
  const char *names[] = {"png", "frames-png", "json"};
  const char *paths[] = {a->png, a->frames_png, a->json};
  int checked = drt__cli_check_figures(names, paths, 2, a->dpi_given);
  if (!checked) checked = drt__cli_check_outputs(names, paths, 3, c->scene);
  if (checked) return checked;
  if (a->frames_png && !a->frames) a->frames = 5;
  if (a->frames > a->opt.steps + 1)
    return usage_error("--frames: more panels than steps + 1", "");
  a->opt.smoothing = c->trace.smoothing;
  if (c->n_tx == 1) {
    a->opt.start[0] = c->tx[0][0];
    a->opt.start[1] = c->tx[0][1];
    c->n_tx = 0; /* the start is no transmitter of the scene */
  }
  return -1;
}

static void init_args(drt__optimize_args *a) {
  memset(a, 0, sizeof *a);
  drt__cli_common_init(&a->common);
  a->common.trace.smoothing = DRT_SMOOTHING_HARD_SIGMOID;
  drt_optimize_options_init(&a->opt);
  drt__cli_work_limit_init(&a->limit);
  a->nx = a->ny = 200;
  a->dpi = DRT_FIGURE_DPI;
}

/* What the library's on_step callback reaches: the per-step line and the
 * progress. */
typedef struct step_report {
  const drt__optimize_args *args;
  drt__cli_progress progress;
} step_report;

static void print_step(const drt_optimize_step *s) {
  char alpha[32];
  if (isnan(s->alpha)) snprintf(alpha, sizeof alpha, "-");
  else snprintf(alpha, sizeof alpha, "%.6g", s->alpha);
  printf("%d %s %.9g %.9g %.9g %.9g %.6g\n", s->step, alpha, s->tx[0],
         s->tx[1], s->f_exact, s->f_smoothed, s->grad_norm);
}

/* A non-zero return (the estimate beyond --max-minutes) stops the run. */
static int on_step(void *user, const drt_optimize_step *s) {
  step_report *r = user;
  if (!r->args->quiet) print_step(s);
  return drt__cli_progress_report(&r->progress, s->step, r->args->opt.steps);
}

static void print_header(const drt__optimize_args *a, const drt_context *ctx,
                         const drt_scene *scene) {
  const drt_optimize_options *o = &a->opt;
  printf("# %s, %zu receivers, objective %s, %s", a->common.scene,
         drt_scene_rx_count(scene), drt__objective_name(o->objective),
         drt__smoothing_name(o->smoothing));
  if (o->smoothing) printf(" alpha %g -> %g", o->alpha_start, o->alpha_end);
  printf(", %d steps, lr %g, on %s\n", o->steps, o->lr,
         drt_context_device_name(ctx));
  printf("step alpha x y f_exact f_smoothed grad_norm\n");
}

static double db_of(double f) { return 10.0 * log10(f); }

static void print_result(const drt_optimize_result *r,
                         const drt_trace_options *trace) {
  const char *unit = drt__cli_db_unit(trace, 0);
  printf("# start (%.9g, %.9g): F exact %.9g (%.2f %s); end (%.9g, %.9g): F "
         "exact %.9g (%.2f %s); %d NaN gradient components\n",
         r->start[0], r->start[1], r->f_start, db_of(r->f_start), unit,
         r->tx[0], r->tx[1], r->f_exact, db_of(r->f_exact), unit,
         r->nan_gradients);
}

static int write_outputs(const drt__optimize_run *run) {
  const drt__optimize_args *a = run->args;
  if (a->json && drt__optimize_write_json(run)) return DRT_EXIT_FAILURE;
  if (a->png && drt__optimize_write_png(run)) return DRT_EXIT_FAILURE;
  if (a->frames_png && drt__optimize_write_frames(run)) return DRT_EXIT_FAILURE;
  return 0;
}

static int descend(drt__optimize_args *a, drt_context *ctx,
                   const drt_scene *scene) {
  drt_optimize_step *steps = malloc(((size_t)a->opt.steps + 1) * sizeof *steps);
  if (!steps) {
    fprintf(stderr, "drt2d: optimize: out of memory for %d steps\n",
            a->opt.steps);
    return DRT_EXIT_FAILURE;
  }
  if (!a->quiet) print_header(a, ctx, scene);
  /* The bar, unless the step lines go to the terminal. */
  step_report report = {.args = a};
  drt__cli_progress_init(&report.progress, "optimize", "steps", &a->limit,
                         a->quiet || !isatty(STDOUT_FILENO));
  a->opt.on_step = on_step;
  a->opt.user = &report;
  drt__optimize_run run = {.args = a, .ctx = ctx, .scene = scene,
                           .steps = steps};
  drt_status status = drt_optimize_run(ctx, scene, &a->common.trace, &a->opt,
                                       steps, &run.result);
  drt__cli_progress_finish(&report.progress);
  int rc = 0;
  if (report.progress.refused) {
    rc = DRT_EXIT_FAILURE;
  } else if (status) {
    drt__cli_report("optimize", status);
    rc = DRT_EXIT_FAILURE;
  } else {
    if (!a->quiet) print_result(&run.result, &a->common.trace);
    drt__cli_flush_stdout();
    rc = write_outputs(&run);
  }
  free(steps);
  return rc;
}

/* The figures fit their formats at --dpi, before the descent: the strip
 * holds --frames panels side by side. The automatic colour scale is not
 * known yet; its labels are as wide as "-40". */
static int check_figure_sizes(const drt__optimize_args *a) {
  drt__figure fig = {.nx = a->nx, .ny = a->ny,
                     .db_lo = a->db_given ? a->db_lo : -40.0,
                     .db_hi = a->db_given ? a->db_hi : 0.0,
                     .unit = "objective, dB path gain"}; /* the longest */
  memcpy(fig.bbox, a->bbox, sizeof fig.bbox);
  const char *names[] = {"png", "frames-png"};
  const char *paths[] = {a->png, a->frames_png};
  const int panels[] = {1, a->frames};
  return drt__cli_check_figure_sizes(&fig, names, paths, panels, 2, a->dpi)
             ? DRT_EXIT_USAGE
             : -1;
}

/* Options that need the scene: the library's checks, the figures' box. */
static int check_with_scene(drt__optimize_args *a, const drt_scene *scene) {
  drt_trace_options trace = a->common.trace;
  trace.vary = DRT_VARY_TX;
  drt_status status = drt_trace_options_check(&trace, scene);
  if (!status) status = drt_optimize_options_check(&a->opt);
  if (!status && !isfinite(a->opt.start[0]) && !drt_scene_tx_count(scene))
    return usage_error("no start: give --tx X,Y", "");
  if (status) {
    drt__cli_report("options", status);
    return DRT_EXIT_USAGE;
  }
  int start_given = isfinite(a->opt.start[0]);
  if (drt__cli_check_scene_range(&a->common, scene) ||
      (start_given &&
       drt__cli_check_option_range("tx", a->opt.start, 1, &a->common)) ||
      (a->bbox_given &&
       drt__cli_check_option_range("bbox", a->bbox, 2, &a->common)))
    return DRT_EXIT_USAGE;
  if (!(a->png || a->frames_png)) return -1;
  if (!a->bbox_given &&
      (drt_scene_bbox(scene, a->bbox) || a->bbox[2] <= a->bbox[0] ||
       a->bbox[3] <= a->bbox[1]))
    return usage_error("the scene's bounding box is flat; give --bbox", "");
  return check_figure_sizes(a);
}

int drt__cli_optimize(int argc, char **argv) {
  drt__optimize_args a;
  init_args(&a);
  int rc = parse_args(argc, argv, &a);
  if (rc < 0) rc = check_args(&a);
  if (rc >= 0) return rc;
  if (drt__cli_stop_before_work) return 0;
  drt_scene *scene = drt__cli_load_scene(&a.common);
  if (!scene) return DRT_EXIT_FAILURE;
  drt_context *ctx = NULL;
  rc = check_with_scene(&a, scene);
  if (rc < 0) rc = (ctx = drt__cli_open_context(&a.common))
                       ? descend(&a, ctx, scene)
                       : DRT_EXIT_FAILURE;
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
  return rc;
}
