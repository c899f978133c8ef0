/* cli_paths.c — `drt2d paths`: every path from the transmitters to one
 * receiver point (drt_trace_paths), as CSV, JSON and a figure of the
 * scene with the paths coloured by power. */
#include "cli_paths.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "cli.h"
#include "cli_options.h"
#include "drawing.h"
#include "figure.h"

static const char *const own_options[] = {"json", "png", "dpi", "db-range"};
static const char *const shared_options[] = {
    "scene",     "tx",        "rx",    "order",        "method",
    "only",      "smoothing", "alpha", "seed",         "device",
    "precision", "model",     "frequency", "tx-power", "sum",
    "polarization", "material", "quantity"};
#define N_OWN (int)(sizeof own_options / sizeof own_options[0])
#define N_SHARED (int)(sizeof shared_options / sizeof shared_options[0])
#define OPT_HELP 'h'
/* Longer side of the figure's map, in cells, and its default depth. */
#define FIGURE_CELLS 500
#define FIGURE_DB_SPAN 60.0

typedef struct paths_args {
  drt__cli_common common;
  const char *json, *png;
  double dpi, db_lo, db_hi;
  int dpi_given, db_given;
} paths_args;

static void print_help(void) {
  printf(
      "usage: drt2d paths [OPTIONS]\n\n"
      "Lists every path with validity V > 0 from the transmitters to one\n"
      "receiver point: its objects, interaction points, length, delay,\n"
      "complex amplitude, power, departure and arrival angles and V (the\n"
      "terms whose sum 'drt2d eval' returns there). CSV on standard output,\n"
      "one path a line, by transmitter, order and candidate; a summary line\n"
      "on standard error.\n\n"
      "options:\n"
      "  --tx X,Y            the transmitter (default: the scene's; with\n"
      "                      several, the paths of each)\n"
      "  --rx X,Y            the receiver point (default: the scene's one\n"
      "                      receiver)\n"
      "  --json FILE         the settings, every path and the total\n"
      "  --png FILE          the scene with the paths coloured by power\n"
      "                      (.png, .svg or .pdf as the name ends)\n"
      "  --db-range LO,HI    its colour scale (default: %.0f dB below the\n"
      "                      strongest path, rounded up to 5 dB)\n"
      "  --dpi N             pixels per inch of a .png figure (default 72)\n\n"
      "tracing options, as for 'drt2d map': --scene, --order, --method,\n"
      "--only, --smoothing, --alpha, --seed, --device, --precision, --model,\n"
      "--frequency, --tx-power, --sum, --polarization, --material and\n"
      "--quantity (see 'drt2d map --help').\n",
      FIGURE_DB_SPAN);
}

static int usage_error(const char *message, const char *detail) {
  fprintf(stderr, "drt2d paths: %s%s (see 'drt2d paths --help')\n", message,
          detail);
  return DRT_EXIT_USAGE;
}

static int parse_own(paths_args *a, const char *name, const char *v) {
  if (strcmp(name, "json") == 0) a->json = v;
  else if (strcmp(name, "png") == 0) a->png = v;
  else if (strcmp(name, "dpi") == 0) {
    a->dpi_given = 1;
    return drt__parse_dpi(name, v, &a->dpi);
  } else { /* db-range */
    a->db_given = 1;
    return drt__parse_range(name, v, &a->db_lo, &a->db_hi);
  }
  return 0;
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, paths_args *a) {
  struct option longopts[N_OWN + N_SHARED + 2];
  drt__cli_longopts(longopts, own_options, N_OWN, shared_options, N_SHARED,
                    NULL, 0);
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
    if (opt >= 512)
      rc = drt__cli_common_option(&a->common, shared_options[opt - 512],
                                  optarg);
    else rc = parse_own(a, own_options[opt - 256], optarg);
  }
  if (rc < 0) return DRT_EXIT_USAGE;
  if (optind < argc) return usage_error("unexpected argument ", argv[optind]);
  return -1;
}

/* Checks between options and of the outputs; -1 to go on, else an exit
 * code. */
static int check_args(const paths_args *a) {
  if (a->common.n_tx > 1)
    return usage_error("--tx: give one transmitter", "");
  if (a->common.n_rx > 1)
    return usage_error("--rx: give one receiver point", "");
  const char *names[] = {"png", "json"};
  const char *paths[] = {a->png, a->json};
  int checked = drt__cli_check_figures(names, paths, 1, a->dpi_given);
  if (!checked) checked = drt__cli_check_outputs(names, paths, 2, a->common.scene);
  return checked ? checked : -1;
}

/* ------------------------------------------------------------------------ */
/* Units                                                                    */
/* ------------------------------------------------------------------------ */

static int is_radio(const drt__cli_common *c) {
  return c->trace.model == DRT_MODEL_RADIO;
}
static int is_path_gain(const drt__cli_common *c) {
  return drt__cli_path_gain(&c->trace);
}

static double db_of(const drt__cli_common *c, double power) {
  return 10.0 * log10(power / drt_power_reference(&c->trace));
}

static const char *power_name(const drt__cli_common *c) {
  return is_path_gain(c) ? "path_gain" : is_radio(c) ? "power_w" : "power";
}
static const char *db_name(const drt__cli_common *c) {
  return is_path_gain(c) ? "path_gain_db"
         : is_radio(c)   ? "power_dbm"
                         : "power_db";
}
static const char *db_unit(const drt__cli_common *c) {
  return drt__cli_db_unit(&c->trace, 0);
}

/* The received power of the paths: coherent, the sum over transmitters of
 * |sum V a|^2; else the sum of V |a|^2. */
static double total_power(const drt__cli_common *c, const drt_path *p,
                          size_t n, size_t n_tx) {
  if (!is_radio(c) || c->trace.sum != DRT_SUM_COHERENT) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += p[i].power;
    return sum;
  }
  double total = 0;
  for (size_t t = 0; t < n_tx; t++) {
    double re = 0, im = 0;
    for (size_t i = 0; i < n; i++)
      if ((size_t)p[i].transmitter == t) {
        re += p[i].validity * p[i].amplitude_re;
        im += p[i].validity * p[i].amplitude_im;
      }
    total += re * re + im * im;
  }
  return total;
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                      */
/* ------------------------------------------------------------------------ */

static void print_header(const drt__cli_common *c) {
  if (is_radio(c))
    printf("tx,order,objects,validity,length_m,delay_ns,amplitude_re,"
           "amplitude_im,phase_deg,%s,%s,aod_deg,aoa_deg,iterations,points\n",
           power_name(c), db_name(c));
  else
    printf("tx,order,objects,validity,length,amplitude,%s,%s,aod_deg,"
           "aoa_deg,iterations,points\n", power_name(c), db_name(c));
}

static void print_path(const drt__cli_common *c, const drt_scene *scene,
                       const drt_path *p) {
  drt__cli_print_csv_field(drt_scene_tx(scene, (size_t)p->transmitter)->name);
  printf(",%d,", p->order);
  for (int j = 0; j < p->order; j++)
    printf("%s%d", j ? " " : "", p->objects[j]);
  printf(",%.9g,%.9g", p->validity, p->length);
  if (is_radio(c))
    printf(",%.9g,%.9g,%.9g,%.9g", p->delay * 1e9, p->amplitude_re,
           p->amplitude_im,
           atan2(p->amplitude_im, p->amplitude_re) * 180.0 / 3.14159265358979323846);
  else
    printf(",%.9g", p->amplitude_re);
  printf(",%.9g,%.9g,%.9g,%.9g,%.0f,", p->power, db_of(c, p->power),
         p->departure_deg, p->arrival_deg, p->iterations);
  for (int j = 0; j < p->order + 2; j++)
    printf("%s%.9g %.9g", j ? " " : "", p->points[2 * j],
           p->points[2 * j + 1]);
  printf("\n");
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

static cJSON *xy_json(double x, double y) {
  cJSON *xy = cJSON_CreateArray();
  cJSON_AddItemToArray(xy, cJSON_CreateNumber(x));
  cJSON_AddItemToArray(xy, cJSON_CreateNumber(y));
  return xy;
}

static cJSON *path_json(const drt__cli_common *c, const drt_path *p) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "transmitter", p->transmitter);
  cJSON_AddNumberToObject(j, "order", p->order);
  cJSON *objects = cJSON_AddArrayToObject(j, "objects");
  for (int k = 0; k < p->order; k++)
    cJSON_AddItemToArray(objects, cJSON_CreateNumber(p->objects[k]));
  cJSON *points = cJSON_AddArrayToObject(j, "points");
  for (int k = 0; k < p->order + 2; k++)
    cJSON_AddItemToArray(points, xy_json(p->points[2 * k], p->points[2 * k + 1]));
  cJSON_AddNumberToObject(j, "validity", p->validity);
  cJSON_AddNumberToObject(j, "length", p->length);
  if (is_radio(c)) cJSON_AddNumberToObject(j, "delay_ns", p->delay * 1e9);
  cJSON_AddItemToObject(j, "amplitude", xy_json(p->amplitude_re,
                                                p->amplitude_im));
  cJSON_AddNumberToObject(j, power_name(c), p->power);
  cJSON_AddNumberToObject(j, db_name(c), db_of(c, p->power));
  cJSON_AddNumberToObject(j, "aod_deg", p->departure_deg);
  cJSON_AddNumberToObject(j, "aoa_deg", p->arrival_deg);
  cJSON_AddNumberToObject(j, "iterations", p->iterations);
  return j;
}

static const char *model_label(const drt__cli_common *c) {
  if (!is_radio(c)) return "paper";
  return c->trace.sum == DRT_SUM_COHERENT ? "radio, coherent"
                                          : "radio, incoherent";
}

static int write_json(const paths_args *a, const drt_scene *scene,
                      const double rx[2], const drt_path *p, size_t n,
                      double total) {
  const drt__cli_common *c = &a->common;
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "scene", c->scene);
  cJSON_AddStringToObject(root, "model", model_label(c));
  if (is_radio(c)) cJSON_AddNumberToObject(root, "frequency_hz", c->trace.frequency);
  cJSON_AddNumberToObject(root, "order_min", c->trace.order_min);
  cJSON_AddNumberToObject(root, "order_max", c->trace.order_max);
  cJSON *tx = cJSON_AddArrayToObject(root, "transmitters");
  for (size_t t = 0; t < drt_scene_tx_count(scene); t++) {
    const drt_point *point = drt_scene_tx(scene, t);
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "name", point->name);
    cJSON_AddItemToObject(item, "position", xy_json(point->x, point->y));
    cJSON_AddItemToArray(tx, item);
  }
  cJSON_AddItemToObject(root, "receiver", xy_json(rx[0], rx[1]));
  cJSON_AddNumberToObject(root, power_name(c), total);
  if (total > 0) cJSON_AddNumberToObject(root, db_name(c), db_of(c, total));
  else cJSON_AddNullToObject(root, db_name(c));
  cJSON *list = cJSON_AddArrayToObject(root, "paths");
  for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(list, path_json(c, p + i));
  char *text = cJSON_Print(root);
  drt_status status = text ? drt__atomic_write_text(a->json, text)
                           : DRT_ENOMEM;
  if (status) fprintf(stderr, "drt2d: --json: %s: %s\n", a->json,
                      text ? drt_last_error() : "out of memory");
  cJSON_free(text);
  cJSON_Delete(root);
  return status ? DRT_EXIT_FAILURE : 0;
}

/* ------------------------------------------------------------------------ */
/* Figure                                                                   */
/* ------------------------------------------------------------------------ */

/* The figure's box: the scene's, grown by 2 % so marks on its edge show. */
static int figure_box(const drt_scene *scene, double box[4]) {
  if (drt_scene_bbox(scene, box) || box[2] <= box[0] || box[3] <= box[1])
    return -1;
  double gx = 0.02 * (box[2] - box[0]), gy = 0.02 * (box[3] - box[1]);
  box[0] -= gx;
  box[1] -= gy;
  box[2] += gx;
  box[3] += gy;
  return 0;
}

/* Paths by power, weakest first, so the strongest is drawn on top. */
static int by_power(const void *x, const void *y) {
  double a = ((const drt_path *)x)->power, b = ((const drt_path *)y)->power;
  return (a > b) - (a < b);
}

/* The rays of the figure, sorted copies of the paths' points. */
typedef struct rays {
  double *points, *db;
  size_t *start;
} rays;

static int make_rays(const drt__cli_common *c, const drt_path *paths, size_t n,
                     rays *r) {
  drt_path *sorted = malloc((n ? n : 1) * sizeof *sorted);
  r->points = malloc((n ? n : 1) * 2 * (DRT_MAX_ORDER + 2) * sizeof *r->points);
  r->db = malloc((n ? n : 1) * sizeof *r->db);
  r->start = malloc((n + 1) * sizeof *r->start);
  if (!sorted || !r->points || !r->db || !r->start) {
    free(sorted);
    return -1;
  }
  memcpy(sorted, paths, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, by_power);
  r->start[0] = 0;
  for (size_t i = 0; i < n; i++) {
    size_t m = (size_t)sorted[i].order + 2;
    memcpy(r->points + 2 * r->start[i], sorted[i].points,
           2 * m * sizeof *r->points);
    r->start[i + 1] = r->start[i] + m;
    r->db[i] = db_of(c, sorted[i].power);
  }
  free(sorted);
  return 0;
}

static void free_rays(rays *r) {
  free(r->points);
  free(r->db);
  free(r->start);
}

static void figure_title(const paths_args *a, const double rx[2], size_t n,
                         double total, char title[160]) {
  const drt__cli_common *c = &a->common;
  const char *slash = strrchr(c->scene, '/');
  snprintf(title, 160, "%s, paths to (%.6g, %.6g): %zu, total %.1f %s (%s)",
           slash ? slash + 1 : c->scene, rx[0], rx[1], n, db_of(c, total),
           db_unit(c), model_label(c));
}

static drt__figure paths_figure(const paths_args *a, const drt_scene *scene,
                                const drt_point *rx, const double box[4]) {
  double w = box[2] - box[0], h = box[3] - box[1];
  drt__figure fig = {
      .nx = w >= h ? FIGURE_CELLS : (int)fmax(1, lround(FIGURE_CELLS * w / h)),
      .ny = h >= w ? FIGURE_CELLS : (int)fmax(1, lround(FIGURE_CELLS * h / w)),
      .db_lo = a->db_lo, .db_hi = a->db_hi,
      .objects = drt_scene_object(scene, 0),
      .n_objects = drt_scene_object_count(scene),
      .tx = drt_scene_tx(scene, 0), .n_tx = drt_scene_tx_count(scene),
      .rx = rx, .n_rx = 1, .unit = db_unit(&a->common)};
  memcpy(fig.bbox, box, sizeof fig.bbox);
  return fig;
}

static int write_png(const paths_args *a, const drt_scene *scene,
                     const double rx[2], const drt_path *p, size_t n,
                     double total) {
  double box[4];
  if (figure_box(scene, box)) {
    fprintf(stderr, "drt2d: --png: the scene's bounding box is flat\n");
    return DRT_EXIT_FAILURE;
  }
  rays r = {0};
  if (make_rays(&a->common, p, n, &r)) {
    free_rays(&r);
    fprintf(stderr, "drt2d: --png: out of memory for %zu paths\n", n);
    return DRT_EXIT_FAILURE;
  }
  drt_point receiver = {.name = "rx", .x = rx[0], .y = rx[1]};
  char title[160];
  figure_title(a, rx, n, total, title);
  drt__figure fig = paths_figure(a, scene, &receiver, box);
  fig.title = title;
  fig.ray_points = r.points;
  fig.ray_start = r.start;
  fig.ray_db = r.db;
  fig.n_rays = n;
  if (!a->db_given) {
    fig.db_hi = drt__cli_db_top(r.db, n); /* the strongest path */
    fig.db_lo = fig.db_hi - FIGURE_DB_SPAN;
  }
  drt_status status = drt__figure_write(&fig, a->png, a->dpi);
  free_rays(&r);
  if (status) drt__cli_report("--png", status);
  return status ? DRT_EXIT_FAILURE : 0;
}

/* ------------------------------------------------------------------------ */
/* The command                                                              */
/* ------------------------------------------------------------------------ */

/* The receiver point: --rx (which replaced the scene's receivers), else
 * the scene's one receiver. */
static int receiver_point(const drt_scene *scene, double rx[2]) {
  size_t n = drt_scene_rx_count(scene);
  if (n != 1) {
    fprintf(stderr, "drt2d paths: the scene has %zu receivers: give one "
            "with --rx X,Y\n", n);
    return DRT_EXIT_USAGE;
  }
  rx[0] = drt_scene_rx(scene, 0)->x;
  rx[1] = drt_scene_rx(scene, 0)->y;
  return -1;
}

static int check_with_scene(paths_args *a, const drt_scene *scene,
                            double rx[2]) {
  drt__cli_common *c = &a->common;
  if (drt_scene_tx_count(scene) == 0)
    return usage_error("the scene has no transmitter: give --tx X,Y", "");
  drt_status status = drt_trace_options_check(&c->trace, scene);
  if (status) {
    drt__cli_report("options", status);
    return DRT_EXIT_USAGE;
  }
  if (drt__cli_check_scene_range(c, scene)) return DRT_EXIT_USAGE;
  return receiver_point(scene, rx);
}

static void print_summary(const paths_args *a, const drt_context *ctx,
                          const double rx[2], size_t n, double total) {
  const drt__cli_common *c = &a->common;
  fprintf(stderr, "drt2d: %zu paths to (%.9g, %.9g), total %.9g%s (%.2f "
          "%s, %s) on %s\n", n, rx[0], rx[1], total,
          is_radio(c) && !is_path_gain(c) ? " W" : "", db_of(c, total),
          db_unit(c), model_label(c), drt_context_device_name(ctx));
}

static int trace_and_write(paths_args *a, drt_context *ctx,
                           const drt_scene *scene, const double rx[2]) {
  const drt__cli_common *c = &a->common;
  drt_path *paths = NULL;
  size_t n = 0;
  drt_status status =
      drt_trace_paths(ctx, scene, &c->trace, rx[0], rx[1], &paths, &n);
  if (status) {
    drt__cli_report("paths", status);
    return DRT_EXIT_FAILURE;
  }
  double total = total_power(c, paths, n, drt_scene_tx_count(scene));
  print_header(c);
  for (size_t i = 0; i < n; i++) print_path(c, scene, paths + i);
  drt__cli_flush_stdout();
  print_summary(a, ctx, rx, n, total);
  int rc = a->json ? write_json(a, scene, rx, paths, n, total) : 0;
  if (!rc && a->png) rc = write_png(a, scene, rx, paths, n, total);
  drt_paths_free(paths);
  return rc;
}

int drt__cli_paths(int argc, char **argv) {
  paths_args a = {.dpi = DRT_FIGURE_DPI};
  drt__cli_common_init(&a.common);
  int rc = parse_args(argc, argv, &a);
  if (rc < 0) rc = check_args(&a);
  if (rc >= 0) return rc;
  if (drt__cli_stop_before_work) return 0;
  drt_scene *scene = drt__cli_load_scene(&a.common);
  if (!scene) return DRT_EXIT_FAILURE;
  double rx[2];
  drt_context *ctx = NULL;
  rc = check_with_scene(&a, scene, rx);
  if (rc < 0)
    rc = (ctx = drt__cli_open_context(&a.common))
             ? trace_and_write(&a, ctx, scene, rx)
             : DRT_EXIT_FAILURE;
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
  return rc;
}
