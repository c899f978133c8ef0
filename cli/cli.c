/* cli.c — the drt2d commands (map, eval, info, devices): option parsing with
 * getopt_long and thin calls into the library. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "cli_metric.h"
#include "cli_mpi.h"
#include "cli_optimize.h"
#include "cli_points.h"
#include "cli_progress.h"
#include "coordinate_range.h"
#include "cli_options.h"
#include "cli_paths.h"
#include "cli_study.h"
#include "drt2d.h"
#include "drawing.h"
#include "figure.h"
#include "format.h"
#include "number.h"
#include "npy.h"

enum { CMD_MAP = 1, CMD_EVAL = 2, CMD_INFO = 4, CMD_DEVICES = 8 };
#define CMD_TRACE (CMD_MAP | CMD_EVAL | CMD_INFO)

/* Every option, and the commands that take it. */
static const struct cli_option {
  const char *name;
  int commands;
} cli_options[] = {
    {"scene", CMD_TRACE},   {"tx", CMD_TRACE},        {"rx", CMD_TRACE},
    {"order", CMD_TRACE},   {"method", CMD_TRACE},    {"only", CMD_TRACE},
    {"smoothing", CMD_TRACE}, {"candidates", CMD_TRACE},
    {"alpha", CMD_TRACE},   {"device", CMD_MAP | CMD_EVAL},
    {"precision", CMD_MAP | CMD_EVAL},                {"seed", CMD_TRACE},
    {"grid", CMD_MAP},      {"bbox", CMD_MAP},        {"png", CMD_MAP},
    {"npy", CMD_MAP},       {"db-range", CMD_MAP},    {"vary", CMD_MAP | CMD_EVAL},
    {"points", CMD_EVAL},   {"grad-png", CMD_MAP},    {"grad", CMD_MAP},
    {"wrt", CMD_EVAL},      {"dpi", CMD_MAP},
    {"yes", CMD_MAP | CMD_EVAL}, {"max-minutes", CMD_MAP | CMD_EVAL},
    {"quiet", CMD_MAP | CMD_EVAL},
    {"model", CMD_TRACE},   {"frequency", CMD_TRACE}, {"tx-power", CMD_TRACE},
    {"sum", CMD_TRACE},     {"polarization", CMD_TRACE},
    {"material", CMD_TRACE}, {"quantity", CMD_TRACE},
    {"metric", CMD_MAP | CMD_EVAL}, {"bandwidth", CMD_MAP | CMD_EVAL},
    {"noise-figure", CMD_MAP | CMD_EVAL}, {"threshold-db", CMD_MAP | CMD_EVAL},
};
#define N_CLI_OPTIONS (int)(sizeof cli_options / sizeof cli_options[0])
#define OPT_HELP 'h'

typedef struct map_args {
  int nx, ny;
  double bbox[4];
  int bbox_given;
  const char *png, *npy;
  int grad;             /* --npy holds (ny, nx, 3): power and gradient */
  const char *grad_png; /* gradient figure */
  double db_lo, db_hi;
  int db_range_given; /* else the radio model's scale follows the data */
  double dpi; /* of PNG figures */
  int dpi_given;
  const char *points;
  int wrt_scene; /* eval --wrt scene: derivatives by every scene parameter */
  drt__cli_work_limit limit; /* --yes, --max-minutes, --quiet */
  drt__cli_network network;  /* --metric and its receiver */
} map_args;

static const char *command_help[] = {
    "usage: drt2d COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  map      render a power map (PNG figure and/or .npy array)\n"
    "  eval     received power at given points, as CSV\n"
    "  info     describe a scene and its path candidates\n"
    "  paths    every path from the transmitters to one receiver point\n"
    "  devices  list OpenCL devices and the one --device auto picks\n"
    "  optimize place a transmitter by gradient ascent\n"
    "  study    random-scene convergence study, exact vs smoothed descent\n"
    "\n"
    "Run 'drt2d COMMAND --help' for the options of a command, and\n"
    "'drt2d --version' for the version of drt2d.\n",
};

static const char *common_help =
    "scene and tracing options:\n"
    "  --scene NAME|FILE   square, square-wall, square-obstacle (default),\n"
    "                      basic, random:SEED:NWALLS, or a .json/.geojson file\n"
    "  --tx X,Y            transmitter (repeatable; replaces the scene's)\n"
    "  --rx X,Y            receiver (repeatable; replaces the scene's)\n"
    "  --order K|KMIN:KMAX interaction orders (default 0:1)\n"
    "  --method M          path method: im (image method, walls only;\n"
    "                      default), fpt (Fermat: shortest path, Newton),\n"
    "                      mpt (min-path: least interaction error, LM)\n"
    "  --only TYPE         candidates use only wall, ris or vertex objects\n"
    "                      (repeatable; every object still obstructs)\n"
    "  --smoothing MODE    none (exact tests, default), sigmoid, hard-sigmoid\n"
    "  --alpha A           smoothing sharpness, > 0 (default 100)\n"
    "  --seed S            seed of mpt's random starts (default 0)\n"
    "  --candidates C      visible (default: only candidates that can\n"
    "                      contribute, the same sums) or all (the whole\n"
    "                      enumeration)\n"
    "  --model M           paper (unitless power of the paper; default for\n"
    "                      built-in scenes) or radio (watts and dBm; default\n"
    "                      for scenes in metres: GeoJSON, \"units\": \"m\")\n"
    "  --frequency HZ      radio: carrier frequency (default 3.5e9)\n"
    "  --tx-power DBM      radio: transmit power (default 20)\n"
    "  --sum S             radio: coherent (fields, then |sum|^2; default)\n"
    "                      or incoherent (powers)\n"
    "  --polarization P    radio: vertical (default) or horizontal\n"
    "  --material NAME     radio: material of walls without one (default\n"
    "                      concrete; ITU-R P.2040 names, e.g. brick, glass,\n"
    "                      metal, ceiling-board)\n"
    "  --quantity Q        radio: power (dBm, with the transmitters' powers\n"
    "                      and antennas; default) or path-gain (dB, without)\n";

static const char *device_help =
    "device options:\n"
    "  --device D          auto (a GPU, else the CPU; default), cpu, gpu,\n"
    "                      ref (serial C reference, double), or a number\n"
    "                      from 'drt2d devices'\n"
    "  --precision P       float (default) or double (default with ref)\n";

static void print_command_help(int command) {
  if (command == CMD_MAP)
    printf("usage: drt2d map [OPTIONS] --png FILE|--npy FILE\n\n"
           "Power over a grid of receiver (or transmitter) positions.\n\n"
           "map options:\n"
           "  --grid N|NXxNY      grid points per axis, ends included "
           "(default 300)\n"
           "  --bbox X0,Y0,X1,Y1  grid extent (default: the scene's bounding "
           "box)\n"
           "  --vary rx|tx        moving endpoint: rx (coverage map, default) "
           "or tx\n"
           "  --png FILE          figure: dB relative to P0 = 1/h^2, colour "
           "bar, scene;\n"
           "                      .png, .svg or .pdf as the name ends\n"
           "  --npy FILE          linear power, shape (ny, nx), row 0 = "
           "south;\n"
           "                      float32 or float64 as computed\n"
           "  --db-range LO,HI    colour scale of the figure (default "
           "-50,5)\n"
           "  --grad              also the gradient of the power by the "
           "moving\n"
           "                      endpoint: --npy then holds (ny, nx, 3) = "
           "(P, dP/dx, dP/dy)\n"
           "  --grad-png FILE     figure of the gradient: |grad P| in dB "
           "rel. P0 per\n"
           "                      unit length (60 dB below its maximum), "
           "with arrows\n"
           "  --dpi N             pixels per inch of .png figures (default "
           "72, one a point)\n%s"
           "                      (per-transmitter metrics: --npy holds the "
           "SINR in dB,\n"
           "                      the server's index, -1 for none, or "
           "coverage 1/0)\n",
           drt__cli_network_help);
  else if (command == CMD_EVAL)
    printf("usage: drt2d eval [OPTIONS] --points FILE|-\n\n"
           "Received power at points read one 'x y' pair per line ('#' "
           "starts a\ncomment); prints CSV with columns x,y,power,dpdx,dpdy "
           "(the power's\nderivatives by the moving endpoint).\n\n"
           "eval options:\n"
           "  --points FILE|-     the points ('-' reads standard input)\n"
           "  --vary rx|tx        the points are receivers (default) or "
           "transmitters\n"
           "  --wrt endpoint|scene  derivatives by the moving endpoint only "
           "(default),\n"
           "                      or also by every scene parameter: columns "
           "d_w3_ax,\n"
           "                      d_w3_ay, d_w3_bx, d_w3_by (wall 3; r for a "
           "RIS, also\n"
           "                      _phi; v for a vertex, ax and ay), "
           "d_<tx name>_x, _y\n"
           "                      (the fixed endpoints) and d_R (reflection "
           "coefficient;\n"
           "                      in the radio model each transmitter's "
           "d_<tx name>_azimuth\n"
           "                      instead, per radian)\n%s"
           "                      (per-transmitter metrics: columns "
           "power_<tx name> in W,\n"
           "                      then sinr_db, server (index, -1 for "
           "none), covered)\n",
           drt__cli_network_help);
  else if (command == CMD_INFO)
    printf("usage: drt2d info [OPTIONS]\n\nObjects, transmitters, "
           "receivers, bounding box and candidate counts.\n\n%s",
           common_help);
  else if (command == CMD_DEVICES)
    printf("usage: drt2d devices\n\nLists the OpenCL platforms and "
           "devices, numbered for --device N.\n");
  else
    printf("%s", command_help[0]);
}

/* The help of `command`. Its parts are flushed one by one: each fits the
 * stream's buffer, so a failed write is seen with its errno. */
static void print_help(int command) {
  print_command_help(command);
  if (command != CMD_MAP && command != CMD_EVAL) return;
  drt__cli_flush_stdout();
  printf("%s\n%s\n%s", drt__cli_work_limit_help, common_help, device_help);
}

static int usage_error(const char *command, const char *message,
                       const char *detail) {
  fprintf(stderr, "drt2d %s: %s%s (see 'drt2d %s --help')\n", command, message,
          detail, command);
  return DRT_EXIT_USAGE;
}

static int parse_map_option(map_args *m, const char *name, const char *value,
                            drt_vary *vary) {
  int limit = drt__cli_work_limit_option(&m->limit, name, value);
  if (limit) return limit < 0 ? -1 : 0;
  int network = drt__cli_network_option(&m->network, name, value);
  if (network) return network < 0 ? -1 : 0;
  if (strcmp(name, "grid") == 0) return drt__parse_grid(name, value, &m->nx, &m->ny);
  if (strcmp(name, "bbox") == 0) {
    m->bbox_given = 1;
    return drt__parse_bbox(name, value, m->bbox);
  }
  if (strcmp(name, "dpi") == 0) {
    m->dpi_given = 1;
    return drt__parse_dpi(name, value, &m->dpi);
  }
  if (strcmp(name, "png") == 0) m->png = value;
  else if (strcmp(name, "grad") == 0) m->grad = 1;
  else if (strcmp(name, "grad-png") == 0) m->grad_png = value;
  else if (strcmp(name, "npy") == 0) m->npy = value;
  else if (strcmp(name, "points") == 0) m->points = value;
  else if (strcmp(name, "wrt") == 0) {
    if (strcmp(value, "scene") == 0) m->wrt_scene = 1;
    else if (strcmp(value, "endpoint") == 0) m->wrt_scene = 0;
    else {
      fprintf(stderr, "drt2d: --wrt: invalid value '%s' (expected endpoint "
              "or scene)\n", value);
      return -1;
    }
  }
  else if (strcmp(name, "db-range") == 0) {
    m->db_range_given = 1;
    return drt__parse_range(name, value, &m->db_lo, &m->db_hi);
  }
  else if (strcmp(name, "vary") == 0) {
    if (strcmp(value, "rx") == 0) *vary = DRT_VARY_RX;
    else if (strcmp(value, "tx") == 0) *vary = DRT_VARY_TX;
    else {
      fprintf(stderr, "drt2d: --vary: invalid value '%s' (expected rx or tx)\n",
              value);
      return -1;
    }
  }
  return 0;
}

/* Options that take no value. */
static int is_flag(const char *name) {
  return strcmp(name, "grad") == 0 || strcmp(name, "yes") == 0 ||
         strcmp(name, "quiet") == 0;
}

/* Parses argv for `command`; returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, const char *name, int command,
                      drt__cli_common *common, map_args *m) {
  struct option longopts[N_CLI_OPTIONS + 2];
  for (int i = 0; i < N_CLI_OPTIONS; i++)
    longopts[i] = (struct option){
        cli_options[i].name,
        is_flag(cli_options[i].name) ? no_argument : required_argument, NULL,
        256 + i};
  longopts[N_CLI_OPTIONS] = (struct option){"help", no_argument, NULL, OPT_HELP};
  longopts[N_CLI_OPTIONS + 1] = (struct option){0, 0, 0, 0};
  optind = 0; /* full re-initialisation: the CLI may run more than once */
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    if (opt == OPT_HELP) {
      print_help(command);
      return 0;
    }
    if (opt == ':')
      return usage_error(name, "missing value for ", argv[optind - 1]);
    if (opt == '?')
      return usage_error(name, "unknown option ", argv[optind - 1]);
    const struct cli_option *o = &cli_options[opt - 256];
    if (!(o->commands & command)) {
      fprintf(stderr, "drt2d %s: --%s is not an option of this command (see "
              "'drt2d %s --help')\n", name, o->name, name);
      return DRT_EXIT_USAGE;
    }
    int rc = drt__cli_common_option(common, o->name, optarg);
    if (rc == 0) rc = parse_map_option(m, o->name, optarg, &common->trace.vary) ? -1 : 1;
    if (rc < 0) return DRT_EXIT_USAGE;
  }
  if (optind < argc)
    return usage_error(name, "unexpected argument ", argv[optind]);
  return -1;
}

static double seconds_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void to_db(double *values, size_t n, double reference) {
  for (size_t i = 0; i < n; i++) values[i] = 10.0 * log10(values[i] / reference);
}

static const char *scene_label(const drt__cli_common *c) {
  const char *slash = strrchr(c->scene, '/');
  return slash ? slash + 1 : c->scene;
}

/* "exact", or the smoothing with its alpha; in the radio model with the
 * carrier and the sum. */
static void smoothing_label(const drt__cli_common *c, char out[64]) {
  static const char *modes[] = {"exact", "sigmoid", "hard sigmoid"};
  char radio[40] = "";
  if (c->trace.model == DRT_MODEL_RADIO)
    snprintf(radio, sizeof radio, ", %.4g GHz %s", c->trace.frequency / 1e9,
             c->trace.sum == DRT_SUM_COHERENT ? "coherent" : "incoherent");
  if (c->trace.smoothing)
    snprintf(out, 64, "%s alpha=%g%s", modes[c->trace.smoothing],
             c->trace.alpha, radio);
  else
    snprintf(out, 64, "exact%s", radio);
}

/* A figure of values (dB) over the map's grid with the scene drawn on top:
 * only the fixed endpoints, since the moving one is every cell. */
static void figure_of_scene(drt__figure *fig, const double *db,
                            const map_args *m, const drt_scene *scene,
                            const drt__cli_common *c, const char *title,
                            const char *unit) {
  int vary_tx = c->trace.vary == DRT_VARY_TX;
  *fig = (drt__figure){
      .db = db, .nx = m->nx, .ny = m->ny,
      .db_lo = m->db_lo, .db_hi = m->db_hi,
      .objects = drt_scene_object(scene, 0),
      .n_objects = drt_scene_object_count(scene),
      .tx = drt_scene_tx(scene, 0),
      .n_tx = vary_tx ? 0 : drt_scene_tx_count(scene),
      .rx = drt_scene_rx(scene, 0),
      .n_rx = vary_tx ? drt_scene_rx_count(scene) : 0,
      .title = title, .unit = unit};
  memcpy(fig->bbox, m->bbox, sizeof fig->bbox);
}

static drt_status report_no_memory(const char *path) {
  fprintf(stderr, "drt2d: %s: out of memory for the figure\n", path);
  return DRT_ENOMEM;
}

/* The power figure; converts power to dB in place. */
static drt_status write_png(const char *path, double *power, const map_args *m,
                            const drt_scene *scene, const drt__cli_common *c) {
  char title[256], mode[64];
  smoothing_label(c, mode);
  snprintf(title, sizeof title, "%s, %s map, orders %d:%d, %s", scene_label(c),
           c->trace.vary == DRT_VARY_TX ? "tx" : "rx", c->trace.order_min,
           c->trace.order_max, mode);
  size_t n = (size_t)m->nx * m->ny;
  int radio = c->trace.model == DRT_MODEL_RADIO;
  to_db(power, n, drt_power_reference(&c->trace));
  drt__figure fig;
  figure_of_scene(&fig, power, m, scene, c, title, drt__cli_db_unit(&c->trace, 0));
  if (radio && !m->db_range_given) { /* the data's top, 100 dB deep */
    fig.db_hi = drt__cli_db_top(power, n);
    fig.db_lo = fig.db_hi - 100;
  }
  return drt__figure_write(&fig, path, m->dpi);
}

/* One line on stderr: time, paths traced per second, solver iterations. */
static void report_work(const drt_context *ctx, int nx, int ny, double elapsed,
                        double paths, double iterations) {
  int ranks = drt__mpi_size();
  fprintf(stderr, "drt2d: %dx%d map on %s", nx, ny,
          drt_context_device_name(ctx));
  if (ranks > 1) fprintf(stderr, " (rank 0 of %d)", ranks);
  fprintf(stderr, " in %.3f s (%.3g paths/s", elapsed, paths / elapsed);
  if (iterations > 0)
    fprintf(stderr, ", %.2f solver iterations per path", iterations / paths);
  fprintf(stderr, ")\n");
}

static int grid_box(map_args *m, const drt_scene *scene) {
  if (m->bbox_given) return 0;
  drt_status status = drt_scene_bbox(scene, m->bbox);
  if (status) {
    drt__cli_report("--bbox", status);
    return -1;
  }
  if (m->bbox[2] == m->bbox[0] || m->bbox[3] == m->bbox[1]) {
    fprintf(stderr, "drt2d: the scene's bounding box is flat; give --bbox\n");
    return -1;
  }
  return 0;
}

/* The gradient figure: |grad P| in dB relative to P0 per unit length, the
 * top of the scale at the largest value (rounded up to 5 dB), 60 dB deep,
 * with arrows along the gradient about 24 to an axis. */
static drt_status write_grad_png(const char *path, const double *values,
                                 const map_args *m, const drt_scene *scene,
                                 const drt__cli_common *c) {
  size_t n = (size_t)m->nx * m->ny;
  double *db = malloc(n * sizeof *db), *arrows = malloc(2 * n * sizeof *arrows);
  if (!db || !arrows) {
    free(db);
    free(arrows);
    return report_no_memory(path);
  }
  double top;
  for (size_t i = 0; i < n; i++) {
    arrows[2 * i] = values[3 * i + 1];
    arrows[2 * i + 1] = values[3 * i + 2];
    db[i] = 10.0 * log10(hypot(arrows[2 * i], arrows[2 * i + 1]) /
                         drt_power_reference(&c->trace));
  }
  top = drt__cli_db_top(db, n); /* a flat map: any scale shows it */
  char title[256], mode[64];
  smoothing_label(c, mode);
  snprintf(title, sizeof title, "%s, gradient by %s, orders %d:%d, %s",
           scene_label(c), c->trace.vary == DRT_VARY_TX ? "tx" : "rx",
           c->trace.order_min, c->trace.order_max, mode);
  int longer = m->nx > m->ny ? m->nx : m->ny;
  drt__figure fig;
  figure_of_scene(&fig, db, m, scene, c, title, drt__cli_db_unit(&c->trace, 1));
  fig.db_lo = top - 60;
  fig.db_hi = top;
  fig.arrows = arrows;
  fig.arrow_every = longer / 24 > 1 ? longer / 24 : 1;
  drt_status status = drt__figure_write(&fig, path, m->dpi);
  free(db);
  free(arrows);
  return status;
}

/* Keeps the power of interleaved (P, dP/dx, dP/dy) triples. */
static void keep_power(double *values, size_t n) {
  for (size_t i = 0; i < n; i++) values[i] = values[3 * i];
}

static drt_status write_outputs(double *values, int gradient,
                                const drt_context *ctx, const drt_scene *scene,
                                const drt__cli_common *c, const map_args *m) {
  int as_float = drt_context_precision(ctx) == DRT_PRECISION_FLOAT;
  size_t n = (size_t)m->nx * m->ny;
  size_t shape[3] = {(size_t)m->ny, (size_t)m->nx, 3};
  drt_status status = DRT_OK;
  if (m->npy && m->grad) {
    status = drt__npy_write(m->npy, values, shape, 3, as_float);
    if (status) drt__cli_report("--npy", status);
  }
  if (!status && m->grad_png) {
    status = write_grad_png(m->grad_png, values, m, scene, c);
    if (status) drt__cli_report("--grad-png", status);
  }
  if (gradient) keep_power(values, n);
  if (!status && m->npy && !m->grad) {
    status = drt__npy_write(m->npy, values, shape, 2, as_float);
    if (status) drt__cli_report("--npy", status);
  }
  if (!status && m->png) {
    status = write_png(m->png, values, m, scene, c);
    if (status) drt__cli_report("--png", status);
  }
  return status;
}

/* What a map computes a cell: its power, with its gradient, each
 * transmitter's power apart (a per-transmitter metric), or those and
 * each transmitter's delay moments (drt__cli_metric_width). */
typedef enum map_values {
  MAP_POWER, MAP_GRADIENT, MAP_PER_TX, MAP_DELAYS
} map_values;

/* What --metric asks for, else the power with or without its gradient. */
static map_values values_of(const drt__cli_network *network, int gradient) {
  if (drt__cli_metric_delays(network)) return MAP_DELAYS;
  if (drt__cli_metric_per_tx(network)) return MAP_PER_TX;
  return gradient ? MAP_GRADIENT : MAP_POWER;
}

/* Whether the values are a per-transmitter metric's. */
static int per_tx_values(map_values values) {
  return values == MAP_PER_TX || values == MAP_DELAYS;
}

/* Each of n points' t powers, then its 3 t delay moments, into share. */
static drt_status compute_delays(drt_context *ctx, const drt_scene *scene,
                                 const drt_trace_options *o, const double *xy,
                                 const drt_grid *grid, size_t n,
                                 double *share) {
  size_t t = drt_scene_tx_count(scene);
  double *power = malloc((n ? n : 1) * t * sizeof *power);
  double *moments = malloc((n ? n : 1) * 3 * t * sizeof *moments);
  drt_status status = power && moments ? DRT_OK : DRT_ENOMEM;
  if (!status)
    status = grid ? drt_map_compute_per_tx(ctx, scene, o, grid, power)
                  : drt_eval_points_per_tx(ctx, scene, o, xy, n, power);
  if (!status)
    status = grid ? drt_map_compute_delay_moments(ctx, scene, o, grid, moments)
                  : drt_eval_points_delay_moments(ctx, scene, o, xy, n, moments);
  for (size_t i = 0; i < n && !status; i++) {
    memcpy(share + 4 * t * i, power + t * i, t * sizeof *share);
    memcpy(share + 4 * t * i + t, moments + 3 * t * i, 3 * t * sizeof *share);
  }
  free(power);
  free(moments);
  return status;
}

static drt_status compute_grid(drt_context *ctx, const drt_scene *scene,
                               const drt_trace_options *o, const drt_grid *grid,
                               map_values values, double *share) {
  if (values == MAP_DELAYS)
    return compute_delays(ctx, scene, o, NULL, grid,
                          drt_grid_point_count(grid), share);
  if (values == MAP_PER_TX) return drt_map_compute_per_tx(ctx, scene, o, grid, share);
  return values == MAP_GRADIENT ? drt_map_compute_grad(ctx, scene, o, grid, share)
                                : drt_map_compute(ctx, scene, o, grid, share);
}

static drt_status compute_points(drt_context *ctx, const drt_scene *scene,
                                 const drt_trace_options *o, const double *xy,
                                 size_t n, map_values values, double *share) {
  if (values == MAP_DELAYS) return compute_delays(ctx, scene, o, xy, NULL, n, share);
  if (values == MAP_PER_TX) return drt_eval_points_per_tx(ctx, scene, o, xy, n, share);
  return values == MAP_GRADIENT ? drt_eval_points_grad(ctx, scene, o, xy, n, share)
                                : drt_eval_points(ctx, scene, o, xy, n, share);
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The 99th percentile of the finite values, rounded up to 5: a scale's
 * top that a few outlying cells do not flatten; 1 if none is > 0. */
static double top_percentile(const double *values, size_t n) {
  double *finite = malloc((n ? n : 1) * sizeof *finite);
  size_t k = 0;
  for (size_t i = 0; finite && i < n; i++)
    if (isfinite(values[i])) finite[k++] = values[i];
  double top = 0;
  if (k) {
    qsort(finite, k, sizeof *finite, by_value);
    top = 5 * ceil(finite[(size_t)(0.99 * (double)(k - 1))] / 5);
  }
  free(finite);
  return top > 0 ? top : 1;
}

/* A per-transmitter metric's figure: SINR in dB from -10 to 40 dB (the
 * range of a cell's modulation and coding; or --db-range), the best
 * server as one colour a transmitter, coverage as covered or not, its
 * share in the title, the delay spread in ns up to its 99th percentile. */
static drt_status write_metric_png(const char *path, const double *values,
                                   const map_args *m, const drt_scene *scene,
                                   const drt__cli_common *c) {
  size_t n = (size_t)m->nx * m->ny, t = drt_scene_tx_count(scene);
  drt__cli_metric metric = m->network.metric;
  const char *names[DRT_FIGURE_MAX_CLASSES];
  char mode[64], title[320], share[64] = "";
  smoothing_label(c, mode);
  if (metric == DRT__METRIC_COVERAGE) {
    double covered = 0;
    for (size_t i = 0; i < n; i++) covered += values[i];
    snprintf(share, sizeof share, " %.1f %% at SINR >= %g dB,",
             100 * covered / (double)n, m->network.options.threshold_db);
  }
  snprintf(title, sizeof title, "%s, %s,%s orders %d:%d, %s", scene_label(c),
           drt__cli_metric_name(&m->network), share, c->trace.order_min,
           c->trace.order_max, mode);
  drt__figure fig;
  figure_of_scene(&fig, values, m, scene, c, title,
                  drt__cli_metric_unit(&m->network));
  if (metric == DRT__METRIC_SINR && !m->db_range_given) {
    fig.db_lo = -10;
    fig.db_hi = 40;
  } else if (metric == DRT__METRIC_DELAY_SPREAD && !m->db_range_given) {
    fig.db_lo = 0; /* NaN (no server) is drawn as 0 */
    fig.db_hi = top_percentile(values, n);
  } else if (metric == DRT__METRIC_BEST_SERVER) { /* t checked by run_map */
    for (size_t j = 0; j < t && j < DRT_FIGURE_MAX_CLASSES; j++)
      names[j] = drt_scene_tx(scene, j)->name;
    fig.class_names = names;
    fig.n_classes = (int)t;
  } else if (metric == DRT__METRIC_COVERAGE) {
    static const uint32_t grey_green[2] = {0xbdbdbd, 0x2ca02c};
    names[0] = "not covered";
    names[1] = "covered";
    fig.class_names = names;
    fig.n_classes = 2;
    fig.class_rgb = grey_green;
  }
  return drt__figure_write(&fig, path, m->dpi);
}

/* A per-transmitter metric's outputs from the cells' powers (t a cell). */
static drt_status write_metric_outputs(const double *power, size_t t,
                                       const drt_context *ctx,
                                       const drt_scene *scene,
                                       const drt__cli_common *c,
                                       const map_args *m) {
  size_t n = (size_t)m->nx * m->ny;
  double *values = malloc(n * sizeof *values);
  if (!values) return report_no_memory(m->png ? m->png : m->npy);
  drt__cli_metric_values(&m->network, power, n, t, values);
  int as_float = drt_context_precision(ctx) == DRT_PRECISION_FLOAT;
  size_t shape[2] = {(size_t)m->ny, (size_t)m->nx};
  drt_status status = DRT_OK;
  if (m->npy) {
    status = drt__npy_write(m->npy, values, shape, 2, as_float);
    if (status) drt__cli_report("--npy", status);
  }
  if (!status && m->png) {
    status = write_metric_png(m->png, values, m, scene, c);
    if (status) drt__cli_report("--png", status);
  }
  free(values);
  return status;
}

/* This rank's cells [first, first + count) of the map, into share (width
 * values a cell): the whole map in one call, or across processes the
 * share's grid points, keyed by their cells. */
static drt_status compute_share(drt_context *ctx, const drt_scene *scene,
                                const drt__cli_common *c, const drt_grid *grid,
                                map_values values, size_t first, size_t count,
                                double *share) {
  if (count == drt_grid_point_count(grid))
    return compute_grid(ctx, scene, &c->trace, grid, values, share);
  double *xy = malloc((count ? count : 1) * 2 * sizeof *xy);
  if (!xy) return DRT_ENOMEM;
  for (size_t i = 0; i < count; i++) {
    size_t cell = first + i;
    drt_grid_point(grid, (int)(cell / (size_t)grid->nx),
                   (int)(cell % (size_t)grid->nx), &xy[2 * i], &xy[2 * i + 1]);
  }
  drt_trace_options o = c->trace;
  o.first_key = first;
  drt_status status = compute_points(ctx, scene, &o, xy, count, values, share);
  free(xy);
  return status;
}

/* A rank's share of the map, as drt__mpi_run_share runs it. */
typedef struct map_share {
  drt_context *ctx;
  const drt_scene *scene;
  const drt__cli_common *c;
  drt_grid grid;
  map_values kind;
  size_t first, count;
  double *values;
} map_share;

static drt_status run_map_share(void *data, drt__mpi_progress *progress) {
  (void)progress; /* reported through the context */
  map_share *m = data;
  return compute_share(m->ctx, m->scene, m->c, &m->grid, m->kind, m->first,
                       m->count, m->values);
}

/* This rank's share of the map, with progress; 1 when it went well. */
static int compute_with_progress(drt_context *ctx, const drt_scene *scene,
                                 const drt__cli_common *c, map_args *m,
                                 map_values kind, size_t first, size_t count,
                                 double *share) {
  map_share work = {ctx, scene, c,
                    {m->nx, m->ny, {m->bbox[0], m->bbox[1], m->bbox[2], m->bbox[3]}},
                    kind, first, count, share};
  drt__share job = {.command = "map", .unit = "cells", .limit = &m->limit,
                    .total = (double)drt_grid_point_count(&work.grid),
                    .count = count, .ctx = ctx, .allocated = share != NULL,
                    .work = run_map_share, .data = &work};
  return drt__mpi_run_share(&job);
}

/* The map, shared between the ranks (one without MPI); rank 0 gathers and
 * writes. ctx is NULL on a rank whose device failed: it still takes part,
 * so that every rank learns of the failure. */
static int compute_and_write(drt_context *ctx, drt_scene *scene,
                             drt__cli_common *c, map_args *m) {
  int gradient = m->grad || m->grad_png;
  map_values kind = values_of(&m->network, gradient);
  size_t t = drt_scene_tx_count(scene);
  size_t width = per_tx_values(kind)    ? drt__cli_metric_width(&m->network, t)
                 : kind == MAP_GRADIENT ? 3
                                        : 1;
  size_t cells = (size_t)m->nx * (size_t)m->ny;
  size_t first, count;
  drt__mpi_share(cells, &first, &count);
  int root = drt__mpi_rank() == 0, shared = drt__mpi_size() > 1;
  double *values = root ? malloc(cells * width * sizeof *values) : NULL;
  double *share = shared ? malloc((count ? count : 1) * width * sizeof *share)
                         : values;
  if (root && !values)
    fprintf(stderr, "drt2d: map: cannot allocate %zu MiB for %dx%d cells\n",
            (cells * width * sizeof *values) >> 20, m->nx, m->ny);
  double start = seconds_now();
  int ok = (!root || values) &&
           compute_with_progress(ctx, scene, c, m, kind, first, count, share);
  int rc = DRT_EXIT_FAILURE;
  if (drt__mpi_agree(ok) && drt__mpi_gather(share, values, cells,
                                            width * sizeof *share) == 0) {
    drt_eval_stats stats;
    drt_context_last_stats(ctx, &stats);
    double paths = drt__mpi_sum(stats.paths);
    double iterations = drt__mpi_sum(stats.solver_iterations);
    double elapsed = seconds_now() - start;
    if (!root) rc = 0;
    else if (!drt__cli_assert_finite("map", "cell", values, cells, width) &&
             !(per_tx_values(kind)
                   ? write_metric_outputs(values, t, ctx, scene, c, m)
                   : write_outputs(values, gradient, ctx, scene, c, m))) {
      report_work(ctx, m->nx, m->ny, elapsed, paths, iterations);
      rc = 0;
    }
  }
  if (shared) free(share);
  free(values);
  return rc;
}

/* Refuses, before any allocation, a grid whose values alone would take
 * more than 3/4 of this machine's memory (the figure needs more still). */
static int check_map_fits(const map_args *m) {
  int values = m->grad || m->grad_png ? 3 : 1;
  double bytes = (double)m->nx * m->ny * values * sizeof(double);
  double physical = (double)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
  if (physical <= 0 || bytes <= 0.75 * physical) return 0;
  fprintf(stderr, "drt2d: --grid: a %dx%d map needs %.0f MiB for its values "
          "(%d bytes a cell), more than 3/4 of this machine's %.0f MiB; use a "
          "smaller grid\n", m->nx, m->ny, bytes / (1 << 20), 8 * values,
          physical / (1 << 20));
  return -1;
}

/* The figures fit their formats at --dpi, checked before any work (a
 * usage error): a grid too large for a raster, a PNG too large to draw. */
static int check_figure_sizes(const map_args *m) {
  drt__figure fig = {.nx = m->nx, .ny = m->ny, .db_lo = m->db_lo,
                     .db_hi = m->db_hi, .unit = "dB rel. P0 per unit length"};
  memcpy(fig.bbox, m->bbox, sizeof fig.bbox);
  const char *names[] = {"png", "grad-png"};
  const char *paths[] = {m->png, m->grad_png};
  const int panels[] = {1, 1};
  return drt__cli_check_figure_sizes(&fig, names, paths, panels, 2, m->dpi);
}

/* --metric against the options and the scene, before any work. */
static int check_map_metric(const map_args *m, drt__cli_common *c,
                            const drt_scene *scene) {
  size_t t = drt_scene_tx_count(scene);
  if (drt__cli_metric_prepare(&m->network, &c->trace, m->grad || m->grad_png,
                              "map", t))
    return -1;
  if (m->network.metric == DRT__METRIC_BEST_SERVER && m->png &&
      t > DRT_FIGURE_MAX_CLASSES) {
    fprintf(stderr, "drt2d map: --png: a best-server figure tells at most %d "
            "transmitters apart, not %zu (--npy holds any number)\n",
            DRT_FIGURE_MAX_CLASSES, t);
    return -1;
  }
  return 0;
}

static int run_map(drt__cli_common *c, map_args *m) {
  if (!m->png && !m->npy && !m->grad_png)
    return usage_error("map", "nothing to write: give --png FILE, --npy "
                       "FILE or --grad-png FILE", "");
  const char *names[] = {"png", "grad-png", "npy"};
  const char *paths[] = {m->png, m->grad_png, m->npy};
  int checked = drt__cli_check_figures(names, paths, 2, m->dpi_given);
  if (!checked) checked = drt__cli_check_outputs(names, paths, 3, c->scene);
  if (checked) return checked;
  if (check_map_fits(m)) return DRT_EXIT_USAGE;
  if (drt__cli_stop_before_work) return 0;
  drt_scene *scene = drt__cli_load_scene(c);
  if (!scene) return DRT_EXIT_FAILURE;
  int rc = DRT_EXIT_FAILURE;
  drt_context *ctx = NULL;
  drt_status status = drt_trace_options_check(&c->trace, scene);
  if (status) {
    drt__cli_report("options", status);
    rc = DRT_EXIT_USAGE;
  } else if (check_map_metric(m, c, scene)) {
    rc = DRT_EXIT_USAGE;
  } else if (drt__cli_check_scene_range(c, scene) ||
             (m->bbox_given &&
              drt__cli_check_option_range("bbox", m->bbox, 2, c))) {
    rc = DRT_EXIT_USAGE;
  } else if (grid_box(m, scene) == 0) {
    rc = check_figure_sizes(m);
    if (!rc) {
      ctx = drt__cli_open_context(c);
      rc = compute_and_write(ctx, scene, c, m);
    }
  }
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
  return rc;
}

/* Reads the points of path ("-": stdin), printing what is wrong:
 * DRT_POINTS_OK or cli_points.h's failures. */
static int read_points(const char *path, drt_precision precision,
                       double **xy, size_t *n) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  if (!f) {
    fprintf(stderr, "drt2d: --points: %s: cannot open: %s\n", path,
            strerror(errno));
    return DRT_POINTS_BAD_FILE;
  }
  int rc = drt__points_read(f, f == stdin ? "<stdin>" : path, precision, xy, n);
  if (rc) fprintf(stderr, "drt2d: %s\n", drt_last_error());
  if (f != stdin) fclose(f);
  return rc;
}

/* A number as CSV text: 9 significant digits identify a float exactly,
 * a double is written in its shortest exact form. */
static void format_value(double value, int is_float, char out[DRT_NUMBER_CHARS]) {
  if (is_float) snprintf(out, DRT_NUMBER_CHARS, "%.9g", value);
  else drt__format_double(value, out);
}

/* A point's x,y at the head of a CSV row, each in its shortest exact
 * form. */
static void print_point(const double *xy) {
  char text[DRT_NUMBER_CHARS];
  drt__format_double(xy[0], text);
  printf("%s,", text);
  drt__format_double(xy[1], text);
  printf("%s", text);
}

/* The CSV header with one column a scene parameter; 0 on success. */
static int print_scene_header(const drt_scene *scene,
                              const drt_trace_options *o, size_t count) {
  printf("x,y,power,dpdx,dpdy");
  for (size_t p = 0; p < count; p++) {
    char name[64];
    drt_status status = drt_scene_param_name(scene, o, p, name, sizeof name);
    if (status) {
      drt__cli_report("eval", status);
      return -1;
    }
    putchar(',');
    drt__cli_print_csv_field(name);
  }
  printf("\n");
  return 0;
}

/* The CSV of eval: x, y, then width values a point (power, dP/dx, dP/dy,
 * and with --wrt scene a column per scene parameter). */
static int print_eval(const drt_context *ctx, const drt_scene *scene,
                      const drt__cli_common *c, int wrt_scene,
                      const double *xy, const double *out, size_t n,
                      size_t width) {
  int radio = c->trace.model == DRT_MODEL_RADIO;
  if (wrt_scene) {
    if (print_scene_header(scene, &c->trace, width - 3)) return -1;
  } else {
    /* The radio model's power is in watts, its derivatives in W/m; the
     * path gain is a ratio, its derivatives in 1/m. */
    if (drt__cli_path_gain(&c->trace)) printf("x,y,path_gain,dgdx,dgdy,path_gain_db\n");
    else printf("x,y,power,dpdx,dpdy%s\n", radio ? ",power_dbm" : "");
  }
  int is_float = drt_context_precision(ctx) == DRT_PRECISION_FLOAT;
  for (size_t i = 0; i < n; i++) {
    char text[DRT_NUMBER_CHARS];
    print_point(xy + 2 * i);
    for (size_t k = 0; k < width; k++) {
      format_value(out[width * i + k], is_float, text);
      printf(",%s", text);
    }
    if (radio && !wrt_scene) /* -inf where no path arrives */
      printf(",%.9g", 10.0 * log10(out[width * i] / drt_power_reference(&c->trace)));
    printf("\n");
  }
  return 0;
}

/* The CSV of eval --metric: x, y, each transmitter's power (W) in a
 * column power_<name>, then the metric's columns: sinr_db and server (the
 * strongest transmitter's index, -1 for none), with coverage also
 * covered (1 or 0); best-server has server alone, delay-spread server and
 * delay_spread_ns. */
static int print_eval_metric(const drt_context *ctx, const drt_scene *scene,
                             const drt__cli_network *network, const double *xy,
                             const double *values, size_t n) {
  size_t t = drt_scene_tx_count(scene);
  size_t width = drt__cli_metric_width(network, t);
  drt__cli_metric metric = network->metric;
  int delays = drt__cli_metric_delays(network);
  printf("x,y");
  for (size_t j = 0; j < t; j++) {
    char column[64];
    snprintf(column, sizeof column, "power_%s", drt_scene_tx(scene, j)->name);
    putchar(',');
    drt__cli_print_csv_field(column);
  }
  int sinr = metric == DRT__METRIC_SINR || metric == DRT__METRIC_COVERAGE;
  printf("%s,server%s%s\n", sinr ? ",sinr_db" : "",
         metric == DRT__METRIC_COVERAGE ? ",covered" : "",
         delays ? ",delay_spread_ns" : "");
  int is_float = drt_context_precision(ctx) == DRT_PRECISION_FLOAT;
  double noise = drt_noise_power(&network->options);
  for (size_t i = 0; i < n; i++) {
    char text[DRT_NUMBER_CHARS];
    print_point(xy + 2 * i);
    const double *v = values + width * i;
    for (size_t j = 0; j < t; j++) {
      format_value(v[j], is_float, text);
      printf(",%s", text);
    }
    drt__cli_point_metrics pm =
        drt__cli_metric_point(network, noise, v, delays ? v + t : NULL, t);
    if (sinr) printf(",%.9g", pm.sinr_db);
    printf(",%d", pm.server);
    if (metric == DRT__METRIC_COVERAGE) printf(",%d", pm.covered);
    if (delays) printf(",%.9g", pm.delay_spread_ns);
    printf("\n");
  }
  return 0;
}

/* The points of --points on every rank: rank 0 reads them (standard input
 * reaches it alone) and sends them on. 0, or the exit code of a bad file
 * on every rank (rank 0 has said why). */
static int shared_points(const drt__cli_common *c, const map_args *m,
                         double **xy, size_t *n) {
  int read = drt__mpi_rank() == 0
                 ? read_points(m->points, drt__cli_precision(c), xy, n)
                 : DRT_POINTS_OK;
  unsigned long long count = *n;
  if (drt__mpi_broadcast(&read, sizeof read) ||
      drt__mpi_broadcast(&count, sizeof count))
    read = DRT_POINTS_BAD_FILE;
  if (read)
    return read == DRT_POINTS_OUT_OF_RANGE ? DRT_EXIT_USAGE : DRT_EXIT_FAILURE;
  *n = (size_t)count;
  if (drt__mpi_rank() > 0 && !(*xy = malloc((*n ? *n : 1) * 2 * sizeof **xy))) {
    fprintf(stderr, "drt2d: eval: out of memory for %zu points\n", *n);
    read = -1;
  }
  if (!drt__mpi_agree(read == 0) ||
      drt__mpi_broadcast(*xy, *n * 2 * sizeof **xy))
    return DRT_EXIT_FAILURE;
  return 0;
}

/* A rank's share of eval's points, as drt__mpi_run_share runs it. */
typedef struct eval_work {
  drt_context *ctx;
  const drt_scene *scene;
  drt_trace_options trace; /* keyed from the share's first point */
  int wrt_scene;
  map_values values;       /* MAP_GRADIENT, or --metric's (values_of) */
  const double *xy;        /* the share's points */
  size_t count;
  double *out;
} eval_work;

static drt_status run_eval_share(void *data, drt__mpi_progress *progress) {
  (void)progress; /* reported through the context */
  eval_work *e = data;
  if (per_tx_values(e->values))
    return compute_points(e->ctx, e->scene, &e->trace, e->xy, e->count,
                          e->values, e->out);
  return e->wrt_scene ? drt_eval_points_scene_grad(e->ctx, e->scene, &e->trace,
                                                   e->xy, e->count, e->out)
                      : drt_eval_points_grad(e->ctx, e->scene, &e->trace,
                                             e->xy, e->count, e->out);
}

/* This rank's points [first, first + count) into share, with progress; 1
 * when it went well. */
static int eval_share(drt_context *ctx, const drt_scene *scene,
                      const drt__cli_common *c, const map_args *m,
                      const double *xy, size_t n, size_t first, size_t count,
                      double *share) {
  eval_work work = {.ctx = ctx, .scene = scene, .trace = c->trace,
                    .wrt_scene = m->wrt_scene,
                    .values = values_of(&m->network, 1), /* eval: gradients */
                    .xy = xy + 2 * first, .count = count, .out = share};
  work.trace.first_key = first;
  drt__share job = {.command = "eval", .unit = "points", .limit = &m->limit,
                    .total = (double)n, .count = count, .ctx = ctx,
                    .allocated = share != NULL, .work = run_eval_share,
                    .data = &work};
  return drt__mpi_run_share(&job);
}

/* eval once the scene is loaded: the checks, the points, the values of
 * each rank's share, gathered and printed by rank 0. */
static int eval_with_scene(drt__cli_common *c, map_args *m, drt_scene *scene) {
  drt_status status = drt_trace_options_check(&c->trace, scene);
  if (status) {
    drt__cli_report("options", status);
    return DRT_EXIT_USAGE;
  }
  size_t t = drt_scene_tx_count(scene);
  if (drt__cli_metric_prepare(&m->network, &c->trace, m->wrt_scene, "eval", t))
    return DRT_EXIT_USAGE;
  int per_tx = per_tx_values(values_of(&m->network, 1));
  int rc = drt__cli_check_scene_range(c, scene);
  if (rc) return rc;
  double *xy = NULL;
  size_t n = 0;
  rc = shared_points(c, m, &xy, &n);
  if (rc) {
    free(xy);
    return rc;
  }
  size_t width = per_tx ? drt__cli_metric_width(&m->network, t)
                        : 3 + (m->wrt_scene ? drt_scene_param_count(scene, &c->trace)
                                            : 0);
  size_t first, count;
  drt__mpi_share(n, &first, &count);
  int root = drt__mpi_rank() == 0, shared = drt__mpi_size() > 1;
  double *out = root ? malloc((n ? n : 1) * width * sizeof *out) : NULL;
  double *share = shared ? malloc((count ? count : 1) * width * sizeof *share)
                         : out;
  drt_context *ctx = drt__cli_open_context(c);
  int ok = (!root || out) && eval_share(ctx, scene, c, m, xy, n, first, count,
                                        share);
  rc = DRT_EXIT_FAILURE;
  if (drt__mpi_agree(ok) &&
      drt__mpi_gather(share, out, n, width * sizeof *share) == 0) {
    if (!root) rc = 0;
    else if (!drt__cli_assert_finite("eval", "point", out, n, width) &&
             !(per_tx ? print_eval_metric(ctx, scene, &m->network, xy, out, n)
                      : print_eval(ctx, scene, c, m->wrt_scene, xy, out, n,
                                   width)))
      rc = 0;
  }
  if (shared) free(share);
  free(out);
  free(xy);
  drt_context_destroy(ctx);
  return rc;
}

static int run_eval(drt__cli_common *c, map_args *m) {
  if (!m->points)
    return usage_error("eval", "give the points with --points FILE|-", "");
  if (drt__cli_stop_before_work) return 0;
  drt_scene *scene = drt__cli_load_scene(c);
  if (!scene) return DRT_EXIT_FAILURE;
  int rc = eval_with_scene(c, m, scene);
  drt_scene_destroy(scene);
  return rc;
}

static const char *object_type_name(drt_object_type type) {
  return type == DRT_OBJECT_WALL ? "wall"
         : type == DRT_OBJECT_RIS ? "ris"
                                  : "vertex";
}

static void print_object(size_t i, const drt_object *o) {
  if (o->type == DRT_OBJECT_VERTEX)
    printf("  %zu vertex (%.10g, %.10g)\n", i, o->ax, o->ay);
  else
    printf("  %zu %s (%.10g, %.10g) -> (%.10g, %.10g)%s\n", i,
           object_type_name(o->type), o->ax, o->ay, o->bx, o->by,
           o->type == DRT_OBJECT_RIS ? "" : "");
  if (o->type == DRT_OBJECT_RIS) printf("      phi %.10g rad\n", o->phi);
}

static void print_points(const char *label, size_t n,
                         const drt_point *(*get)(const drt_scene *, size_t),
                         const drt_scene *scene) {
  printf("%s: %zu\n", label, n);
  for (size_t i = 0; i < n; i++) {
    const drt_point *p = get(scene, i);
    printf("  %s (%.10g, %.10g)", p->name, p->x, p->y);
    if (p->antenna.pattern == DRT_PATTERN_SECTOR)
      printf(", sector antenna at %.10g deg",
             p->antenna.azimuth * (180 / 3.14159265358979323846));
    if (p->antenna.has_power) printf(", %.10g dBm", p->antenna.power_dbm);
    printf("\n");
  }
}

/* n (n - 1)^(k - 1) candidates of order k (1 for k = 0) in floating
 * point, for counts past what a size_t holds. */
static double candidate_figure(size_t n, int k) {
  if (k == 0) return 1;
  if (n == 0) return 0;
  return (double)n * pow((double)(n - 1), k - 1);
}

/* The visible candidates by order (docs/method.md §13), where culling
 * applies: the image method, with transmitters to trace from. */
static int print_visible(const drt__cli_common *c, const drt_scene *scene,
                         size_t usable) {
  if (c->trace.candidates == DRT_CANDIDATES_ALL) return 0;
  if (c->trace.method != DRT_METHOD_IM || drt_scene_tx_count(scene) == 0) {
    printf("visible candidates: counted for the image method from the "
           "transmitters (give --tx)\n");
    return 0;
  }
  double kept[DRT_MAX_ORDER + 1], seconds, bytes;
  drt_status status =
      drt_candidates_visible(scene, &c->trace, kept, &seconds, &bytes);
  if (status) { /* e.g. more candidates than a trace may take */
    printf("visible candidates: not counted: %s\n", drt_last_error());
    return 0;
  }
  printf("visible candidates (some receiver may use them; each map unit "
         "tests its own):\n");
  for (int k = c->trace.order_min; k <= c->trace.order_max; k++) {
    double all = candidate_figure(usable, k) * (double)drt_scene_tx_count(scene);
    printf("  order %d: %.0f (%.3g %% of %.0f)\n", k,
           kept[k - c->trace.order_min],
           all > 0 ? 100 * kept[k - c->trace.order_min] / all : 0.0, all);
  }
  printf("  set-up: %.3f s, %.1f MiB\n", seconds, bytes / (1 << 20));
  return 0;
}

/* The power model and units in force (docs/method.md §14). */
static void print_model(const drt__cli_common *c, const drt_scene *scene) {
  const drt_trace_options *o = &c->trace;
  const char *units = drt_scene_in_metres(scene) ? "metres" : "unitless";
  if (o->model == DRT_MODEL_PAPER) {
    printf("model: paper (power V R^k / (h^2 + L^2), dB rel. P0; scene "
           "units: %s)\n", units);
    return;
  }
  printf("model: radio (scene units: %s, read as metres; %.6g GHz, %.6g dBm "
         "a transmitter, %s sum, %s polarization, walls of %s unless they "
         "say; alpha in 1/m)\n", units, o->frequency / 1e9, o->tx_power_dbm,
         o->sum == DRT_SUM_COHERENT ? "coherent" : "incoherent",
         o->polarization == DRT_POLARIZATION_VERTICAL ? "vertical"
                                                      : "horizontal",
         drt_material_name(o->default_material));
  if (o->quantity == DRT_QUANTITY_PATH_GAIN)
    printf("quantity: path gain (dB; without the transmitters' powers and "
           "antennas)\n");
}

static int run_info(drt__cli_common *c) {
  drt_scene *scene = drt__cli_load_scene(c);
  if (!scene) return DRT_EXIT_FAILURE;
  size_t n = drt_scene_object_count(scene);
  printf("scene: %s\nobjects: %zu\n", c->scene, n);
  for (size_t i = 0; i < n; i++) print_object(i, drt_scene_object(scene, i));
  print_points("transmitters", drt_scene_tx_count(scene), drt_scene_tx, scene);
  print_points("receivers", drt_scene_rx_count(scene), drt_scene_rx, scene);
  double box[4];
  if (drt_scene_bbox(scene, box) == DRT_OK)
    printf("bounding box: (%.10g, %.10g) -> (%.10g, %.10g)\n", box[0], box[1],
           box[2], box[3]);
  print_model(c, scene);
  size_t usable = drt_scene_candidate_objects(scene, &c->trace);
  printf("candidates (orders %d:%d, over %zu objects):\n", c->trace.order_min,
         c->trace.order_max, usable);
  double total = 0;
  size_t exact_total = 0;
  int exact = 1;
  for (int k = c->trace.order_min; k <= c->trace.order_max; k++) {
    size_t count = drt_candidate_count(usable, k);
    double figure = candidate_figure(usable, k);
    if (count == SIZE_MAX && figure >= (double)SIZE_MAX) {
      exact = 0; /* the library's count saturates: print the true figure */
      printf("  order %d: about %.9g\n", k, figure);
    } else {
      printf("  order %d: %zu\n", k, count);
    }
    if (exact_total > SIZE_MAX - count) exact = 0;
    exact_total += count;
    total += figure;
  }
  if (exact) printf("  total: %zu\n", exact_total);
  else printf("  total: about %.9g\n", total);
  int rc = print_visible(c, scene, usable);
  drt_scene_destroy(scene);
  return rc;
}

static int run_devices(void) {
  size_t size = 0;
  drt_status status = drt_devices_listing(NULL, 0, &size);
  char *listing = status ? NULL : malloc(size);
  if (!status && !listing) {
    fprintf(stderr, "drt2d: devices: out of memory\n");
    return DRT_EXIT_FAILURE;
  }
  if (!status) status = drt_devices_listing(listing, size, NULL);
  if (status) {
    drt__cli_report("devices", status);
    free(listing);
    return DRT_EXIT_FAILURE;
  }
  printf("%s", listing);
  free(listing);
  return 0;
}

static int command_code(const char *name) {
  static const struct {
    const char *name;
    int code;
  } commands[] = {{"map", CMD_MAP},
                  {"eval", CMD_EVAL},
                  {"info", CMD_INFO},
                  {"devices", CMD_DEVICES}};
  for (int i = 0; i < 4; i++)
    if (strcmp(name, commands[i].name) == 0) return commands[i].code;
  return 0;
}

static int run_command(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "%s", command_help[0]);
    return DRT_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    print_help(0);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("drt2d %s\n", drt_version());
    return 0;
  }
  if (strcmp(argv[1], "study") == 0) return drt__cli_study(argc - 1, argv + 1);
  int command = command_code(argv[1]);
  /* Across processes, map and eval share their work; the rest runs on
   * rank 0 alone. */
  if (drt__mpi_rank() > 0 && !(command & (CMD_MAP | CMD_EVAL))) return 0;
  if (strcmp(argv[1], "optimize") == 0)
    return drt__cli_optimize(argc - 1, argv + 1);
  if (strcmp(argv[1], "paths") == 0) return drt__cli_paths(argc - 1, argv + 1);
  if (!command) {
    fprintf(stderr, "drt2d: unknown command '%s' (commands: map, eval, info, "
            "paths, devices, optimize, study; see 'drt2d --help')\n", argv[1]);
    return DRT_EXIT_USAGE;
  }
  drt__cli_common common;
  drt__cli_common_init(&common);
  map_args m = {
      .nx = 300, .ny = 300, .db_lo = -50, .db_hi = 5, .dpi = DRT_FIGURE_DPI};
  drt__cli_work_limit_init(&m.limit);
  drt__cli_network_init(&m.network);
  int rc = parse_args(argc - 1, argv + 1, argv[1], command, &common, &m);
  if (rc >= 0) return rc;
  if (drt__cli_stop_before_work && (command == CMD_INFO || command == CMD_DEVICES))
    return 0;
  switch (command) {
  case CMD_MAP:
    return run_map(&common, &m);
  case CMD_EVAL:
    return run_eval(&common, &m);
  case CMD_INFO:
    return run_info(&common);
  default:
    return run_devices();
  }
}

/* A failed write to standard output (a full disk, /dev/full, a closed
 * descriptor) is a failed command: one line on stderr, exit 1 unless the
 * command already failed. err is the write's errno, -1 when unknown. */
static int stdout_failed(int rc, int err) {
  fprintf(stderr, "drt2d: standard output: %s\n",
          err > 0 ? strerror(err) : "write error");
  return rc ? rc : DRT_EXIT_FAILURE;
}

/* Every command ends here, so every byte it printed is checked; the
 * stream's error is cleared, so that the next in-process run starts clean,
 * and stdout stays open. */
int drt_cli_main(int argc, char **argv) {
  int rc = run_command(argc, argv);
  int err = drt__cli_stdout_error();
  return err ? stdout_failed(rc, err) : rc;
}

void drt_cli_cleanup_on_signals(void) { drt__atomic_cleanup_on_signals(); }

void drt_cli_guard_stdout(void) {
  if (fcntl(STDOUT_FILENO, F_GETFD) != -1 || errno != EBADF) return;
  /* Read-only, so a write fails (EBADF) as on the closed descriptor;
   * moved to 1 if a lower one (a closed stdin) was free. */
  int fd = open("/dev/null", O_RDONLY);
  if (fd >= 0 && fd != STDOUT_FILENO) {
    dup2(fd, STDOUT_FILENO);
    close(fd);
  }
}

int drt_cli_close_stdout(int rc) {
  /* drt_cli_main has flushed and checked; what is left is close's own
   * error (e.g. a delayed write error on a network file system). */
  if (fclose(stdout) != 0 && errno != EBADF) return stdout_failed(rc, errno);
  return rc;
}
