/* cli_options.c — strict parsing of option values and the common options:
 * malformed numbers are errors that name the option, never guesses. */
#define _DEFAULT_SOURCE /* realpath */
#include "cli_options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "cli.h"
#include "cli_mpi.h"
#include "coordinate_range.h"
#include "drawing.h"
#include "figure.h"
#include "number.h"

static int bad_value(const char *option, const char *text, const char *want) {
  fprintf(stderr, "drt2d: --%s: invalid value '%s' (expected %s)\n", option,
          text, want);
  return -1;
}

void drt__cli_common_init(drt__cli_common *c) {
  memset(c, 0, sizeof *c);
  c->scene = "square-obstacle";
  drt_trace_options_init(&c->trace);
  drt_context_options_init(&c->context);
  c->radio_default = 1;
}

/* A usage error for a value holding a number the reader refused: a
 * number too small says so (it is finite, and "expected a finite number"
 * would be false), anything else gets the option's expected form. */
static int refuse_number(const char *option, const char *text,
                         drt__number_verdict verdict, const char *want) {
  if (verdict != DRT_NUMBER_TOO_SMALL) return bad_value(option, text, want);
  fprintf(stderr, "drt2d: --%s: invalid value '%s' (a number is %s)\n",
          option, text, drt__number_problem(verdict));
  return -1;
}

int drt__parse_double(const char *option, const char *text, double *value) {
  drt__number_verdict verdict =
      drt__read_number(text, text + strlen(text), value);
  if (verdict) return refuse_number(option, text, verdict, "a finite number");
  return 0;
}

/* A decimal integer in [lo, hi] spanning exactly [text, end). */
static int parse_int_span(const char *text, const char *end, long lo, long hi,
                          long *value) {
  char buf[32], *stop;
  size_t len = (size_t)(end - text);
  if (len == 0 || len >= sizeof buf || text[0] < '0' || text[0] > '9')
    return -1;
  memcpy(buf, text, len);
  buf[len] = '\0';
  errno = 0;
  long v = strtol(buf, &stop, 10);
  if (*stop || errno || v < lo || v > hi) return -1;
  *value = v;
  return 0;
}

int drt__parse_int(const char *option, const char *text, long lo, long hi,
                   long *value) {
  if (parse_int_span(text, text + strlen(text), lo, hi, value)) {
    char want[96];
    snprintf(want, sizeof want, "an integer from %ld to %ld", lo, hi);
    return bad_value(option, text, want);
  }
  return 0;
}

/* Splits text at sep into up to n finite numbers; returns how many were
 * read, or -1 if a field is not one (*verdict then says why). */
static int parse_numbers(const char *text, char sep, double *values, int n,
                         drt__number_verdict *verdict) {
  int count = 0;
  const char *start = text;
  *verdict = DRT_NUMBER_MALFORMED;
  for (;;) {
    const char *end = strchr(start, sep);
    if (!end) end = start + strlen(start);
    if (count == n) return -1;
    *verdict = drt__read_number(start, end, &values[count]);
    if (*verdict) return -1;
    count++;
    if (*end == '\0') return count;
    start = end + 1;
  }
}

int drt__parse_point(const char *option, const char *text, double xy[2]) {
  drt__number_verdict verdict;
  if (parse_numbers(text, ',', xy, 2, &verdict) != 2)
    return refuse_number(option, text, verdict, "X,Y with two finite numbers");
  return 0;
}

int drt__parse_order(const char *option, const char *text, int *kmin,
                     int *kmax) {
  char want[96];
  snprintf(want, sizeof want, "K or KMIN:KMAX, integers 0 <= KMIN <= KMAX <= %d",
           DRT_MAX_ORDER);
  const char *colon = strchr(text, ':');
  const char *end = text + strlen(text);
  long lo, hi;
  if (parse_int_span(text, colon ? colon : end, 0, DRT_MAX_ORDER, &lo))
    return bad_value(option, text, want);
  hi = lo;
  if (colon && parse_int_span(colon + 1, end, 0, DRT_MAX_ORDER, &hi))
    return bad_value(option, text, want);
  if (lo > hi) return bad_value(option, text, want);
  *kmin = (int)lo;
  *kmax = (int)hi;
  return 0;
}

int drt__parse_grid(const char *option, const char *text, int *nx, int *ny) {
  const char *want = "N or NXxNY, integers from 1 to 65536";
  const char *x = strchr(text, 'x');
  const char *end = text + strlen(text);
  long a, b;
  if (parse_int_span(text, x ? x : end, 1, 65536, &a))
    return bad_value(option, text, want);
  b = a;
  if (x && parse_int_span(x + 1, end, 1, 65536, &b))
    return bad_value(option, text, want);
  *nx = (int)a;
  *ny = (int)b;
  return 0;
}

int drt__parse_bbox(const char *option, const char *text, double box[4]) {
  drt__number_verdict verdict;
  if (parse_numbers(text, ',', box, 4, &verdict) != 4)
    return refuse_number(option, text, verdict,
                         "X0,Y0,X1,Y1 with X1 > X0 and Y1 > Y0");
  if (!(box[2] > box[0]) || !(box[3] > box[1]))
    return bad_value(option, text, "X0,Y0,X1,Y1 with X1 > X0 and Y1 > Y0");
  return 0;
}

int drt__parse_range(const char *option, const char *text, double *lo,
                     double *hi) {
  double v[2];
  drt__number_verdict verdict;
  if (parse_numbers(text, ',', v, 2, &verdict) != 2)
    return refuse_number(option, text, verdict, "LO,HI with HI > LO");
  if (!(v[1] > v[0])) return bad_value(option, text, "LO,HI with HI > LO");
  *lo = v[0];
  *hi = v[1];
  return 0;
}

int drt__parse_dpi(const char *option, const char *text, double *dpi) {
  char want[64];
  snprintf(want, sizeof want, "a resolution from %g to %g", DRT_FIGURE_MIN_DPI,
           DRT_FIGURE_MAX_DPI);
  double v;
  if (drt__read_number(text, text + strlen(text), &v) ||
      drt__figure_check_dpi(v) != DRT_OK)
    return bad_value(option, text, want);
  *dpi = v;
  return 0;
}

int drt__cli_check_figures(const char *const *names, const char *const *paths,
                           size_t n, int dpi_given) {
  int any_png = 0;
  for (size_t i = 0; i < n; i++) {
    if (!paths[i]) continue;
    drt__figure_format format;
    if (drt__figure_format_of(paths[i], &format) != DRT_OK) {
      fprintf(stderr, "drt2d: --%s: %s\n", names[i], drt_last_error());
      return DRT_EXIT_USAGE;
    }
    any_png |= format == DRT_FIGURE_PNG;
  }
  if (dpi_given && !any_png) {
    fprintf(stderr, "drt2d: --dpi: sets a PNG figure's resolution, and no "
            "figure here is a .png\n");
    return DRT_EXIT_USAGE;
  }
  return 0;
}

int drt__cli_check_figure_sizes(const drt__figure *figure,
                                const char *const *names,
                                const char *const *paths, const int *panels,
                                size_t n, double dpi) {
  for (size_t i = 0; i < n; i++) {
    drt_status status =
        paths[i] ? drt__figure_check_size(figure, panels[i], paths[i], dpi)
                 : DRT_OK;
    if (status) {
      char option[64];
      snprintf(option, sizeof option, "--%s", names[i]);
      drt__cli_report(option, status);
      return DRT_EXIT_USAGE;
    }
  }
  return 0;
}

const char *drt__smoothing_name(drt_smoothing smoothing) {
  static const char *names[] = {"none", "sigmoid", "hard-sigmoid"};
  return names[smoothing];
}

static int parse_smoothing(const char *text, drt_smoothing *smoothing) {
  for (int i = 0; i < 3; i++)
    if (strcmp(text, drt__smoothing_name((drt_smoothing)i)) == 0) {
      *smoothing = (drt_smoothing)i;
      return 0;
    }
  return bad_value("smoothing", text, "none, sigmoid or hard-sigmoid");
}

static int parse_method(const char *text, drt_method *method) {
  static const char *names[DRT_METHOD_COUNT] = {"im", "fpt", "mpt"};
  for (int i = 0; i < DRT_METHOD_COUNT; i++)
    if (strcmp(text, names[i]) == 0) {
      *method = (drt_method)i;
      return 0;
    }
  return bad_value("method", text, "im, fpt or mpt");
}

/* --only TYPE, repeatable: the first one replaces the default (all types),
 * later ones add to it. */
static int parse_only(const char *text, drt__cli_common *c) {
  static const char *names[] = {"wall", "ris", "vertex"};
  for (unsigned i = 0; i < 3; i++)
    if (strcmp(text, names[i]) == 0) {
      if (!c->only_given) c->trace.only = 0;
      c->only_given = 1;
      c->trace.only |= 1u << i;
      return 0;
    }
  return bad_value("only", text, "wall, ris or vertex");
}

static int parse_candidates(const char *text, drt_candidates *candidates) {
  if (strcmp(text, "visible") == 0) *candidates = DRT_CANDIDATES_VISIBLE;
  else if (strcmp(text, "all") == 0) *candidates = DRT_CANDIDATES_ALL;
  else return bad_value("candidates", text, "visible or all");
  return 0;
}

/* One of n names, by index into *value. */
int drt__parse_choice(const char *option, const char *text,
                      const char *const *names, int n, const char *want,
                      int *value) {
  for (int i = 0; i < n; i++)
    if (strcmp(text, names[i]) == 0) {
      *value = i;
      return 0;
    }
  return bad_value(option, text, want);
}

/* The radio model's options (docs/method.md §14). */
static int parse_radio_option(drt__cli_common *c, const char *name,
                              const char *value) {
  static const char *const models[] = {"paper", "radio"};
  static const char *const sums[] = {"coherent", "incoherent"};
  static const char *const pols[] = {"vertical", "horizontal"};
  static const char *const quantities[] = {"power", "path-gain"};
  int choice = 0, rc = 0;
  drt_trace_options *o = &c->trace;
  if (strcmp(name, "model") == 0) {
    rc = drt__parse_choice(name, value, models, 2, "paper or radio", &choice);
    if (!rc) o->model = (drt_model)choice;
    c->model_given = 1;
  } else if (strcmp(name, "sum") == 0) {
    rc = drt__parse_choice(name, value, sums, 2, "coherent or incoherent", &choice);
    if (!rc) o->sum = (drt_sum)choice;
  } else if (strcmp(name, "polarization") == 0) {
    rc = drt__parse_choice(name, value, pols, 2, "vertical or horizontal", &choice);
    if (!rc) o->polarization = (drt_polarization)choice;
  } else if (strcmp(name, "quantity") == 0) {
    rc = drt__parse_choice(name, value, quantities, 2, "power or path-gain",
                      &choice);
    if (!rc) o->quantity = (drt_quantity)choice;
  } else if (strcmp(name, "frequency") == 0) {
    rc = drt__parse_double(name, value, &o->frequency);
    if (!rc && !(o->frequency > 0))
      rc = bad_value(name, value, "a frequency > 0 in Hz");
  } else if (strcmp(name, "tx-power") == 0) {
    rc = drt__parse_double(name, value, &o->tx_power_dbm);
  } else if (strcmp(name, "material") == 0) {
    if (drt_material_from_name(value, &o->default_material)) {
      fprintf(stderr, "drt2d: --material: %s\n", drt_last_error());
      rc = -1;
    }
  } else {
    return 0;
  }
  return rc ? -1 : 1;
}

static int parse_device(const char *text, drt_context_options *o) {
  static const struct {
    const char *name;
    drt_device_kind kind;
  } kinds[] = {{"auto", DRT_DEVICE_AUTO},
               {"cpu", DRT_DEVICE_CPU},
               {"gpu", DRT_DEVICE_GPU},
               {"ref", DRT_DEVICE_REF}};
  for (int i = 0; i < 4; i++)
    if (strcmp(text, kinds[i].name) == 0) {
      o->device = kinds[i].kind;
      return 0;
    }
  long index;
  if (parse_int_span(text, text + strlen(text), 0, 1023, &index))
    return bad_value("device", text, "auto, cpu, gpu, ref or a device number");
  o->device = DRT_DEVICE_INDEX;
  o->index = (int)index;
  return 0;
}

static int parse_precision(const char *text, drt_precision *precision) {
  if (strcmp(text, "float") == 0) *precision = DRT_PRECISION_FLOAT;
  else if (strcmp(text, "double") == 0) *precision = DRT_PRECISION_DOUBLE;
  else return bad_value("precision", text, "float or double");
  return 0;
}

static int add_point(const char *option, const char *text,
                     double points[][2], int *count) {
  if (*count == DRT_CLI_MAX_POINTS) {
    fprintf(stderr, "drt2d: --%s: at most %d may be given\n", option,
            DRT_CLI_MAX_POINTS);
    return -1;
  }
  if (drt__parse_point(option, text, points[*count])) return -1;
  (*count)++;
  return 0;
}

int drt__cli_common_option(drt__cli_common *c, const char *name,
                           const char *value) {
  int rc = parse_radio_option(c, name, value);
  long seed_value;
  if (rc) return rc;
  if (strcmp(name, "scene") == 0) c->scene = value;
  else if (strcmp(name, "tx") == 0) rc = add_point(name, value, c->tx, &c->n_tx);
  else if (strcmp(name, "rx") == 0) rc = add_point(name, value, c->rx, &c->n_rx);
  else if (strcmp(name, "order") == 0)
    rc = drt__parse_order(name, value, &c->trace.order_min, &c->trace.order_max);
  else if (strcmp(name, "method") == 0)
    rc = parse_method(value, &c->trace.method);
  else if (strcmp(name, "only") == 0)
    rc = parse_only(value, c);
  else if (strcmp(name, "smoothing") == 0)
    rc = parse_smoothing(value, &c->trace.smoothing);
  else if (strcmp(name, "candidates") == 0)
    rc = parse_candidates(value, &c->trace.candidates);
  else if (strcmp(name, "alpha") == 0) {
    rc = drt__parse_double(name, value, &c->trace.alpha);
    if (!rc && !(c->trace.alpha > 0)) rc = bad_value(name, value, "a number > 0");
  } else if (strcmp(name, "device") == 0) rc = parse_device(value, &c->context);
  else if (strcmp(name, "precision") == 0) {
    rc = parse_precision(value, &c->context.precision);
    c->precision_given = 1;
  } else if (strcmp(name, "seed") == 0) {
    rc = drt__parse_int(name, value, 0, 2147483647L, &seed_value);
    c->trace.seed = (uint64_t)seed_value;
  } else return 0;
  return rc ? -1 : 1;
}

void drt__cli_report(const char *what, drt_status status) {
  /* Only the progress bar cancels, and it has said why. */
  if (status == DRT_ECANCELED) return;
  const char *detail = drt_last_error();
  fprintf(stderr, "drt2d: %s: %s\n", what, *detail ? detail : drt_strerror(status));
}

static drt_status replace_points(drt_scene *scene, const drt__cli_common *c) {
  drt_status status = DRT_OK;
  if (c->n_tx) drt_scene_clear_tx(scene);
  for (int i = 0; i < c->n_tx && !status; i++)
    status = drt_scene_add_tx(scene, NULL, c->tx[i][0], c->tx[i][1]);
  if (c->n_rx) drt_scene_clear_rx(scene);
  for (int i = 0; i < c->n_rx && !status; i++)
    status = drt_scene_add_rx(scene, NULL, c->rx[i][0], c->rx[i][1]);
  return status;
}

static int looks_like_file(const char *name) {
  return strchr(name, '/') || strchr(name, '.');
}

drt_scene *drt__cli_load_scene(drt__cli_common *c) {
  drt_scene *scene = NULL;
  drt_status status = looks_like_file(c->scene)
                          ? drt_scene_load(c->scene, &scene)
                          : drt_scene_builtin(c->scene, &scene);
  if (!status) status = replace_points(scene, c);
  if (!status && !c->model_given && c->radio_default &&
      drt_scene_in_metres(scene))
    c->trace.model = DRT_MODEL_RADIO;
  if (status) {
    drt__cli_report("--scene", status);
    drt_scene_destroy(scene);
    return NULL;
  }
  return scene;
}

drt_precision drt__cli_precision(const drt__cli_common *c) {
  /* The ref evaluator computes in double; float is only the default of the
   * OpenCL devices, so ref without --precision means double. */
  if (c->context.device == DRT_DEVICE_REF && !c->precision_given)
    return DRT_PRECISION_DOUBLE;
  return c->context.precision;
}

int drt__cli_check_option_range(const char *option, const double *xy,
                                size_t n, const drt__cli_common *c) {
  drt_precision precision = drt__cli_precision(c);
  for (size_t i = 0; i < 2 * n; i++)
    if (!drt__coordinate_fits(xy[i], precision)) {
      char locator[64];
      snprintf(locator, sizeof locator, "--%s", option);
      drt__range_fail(locator, xy[i], precision);
      fprintf(stderr, "drt2d: %s\n", drt_last_error());
      return DRT_EXIT_USAGE;
    }
  return 0;
}

int drt__cli_check_scene_range(const drt__cli_common *c,
                               const drt_scene *scene) {
  int rc = drt__cli_check_option_range("tx", &c->tx[0][0], (size_t)c->n_tx, c);
  if (!rc) rc = drt__cli_check_option_range("rx", &c->rx[0][0],
                                            (size_t)c->n_rx, c);
  if (rc || !drt__scene_check_range(scene, drt__cli_precision(c))) return rc;
  fprintf(stderr, "drt2d: --scene: %s: %s\n", c->scene, drt_last_error());
  return DRT_EXIT_USAGE;
}

int drt__cli_assert_finite(const char *what, const char *item,
                           const double *values, size_t n_items,
                           size_t width) {
  for (size_t i = 0; i < n_items * width; i++)
    if (!isfinite(values[i])) {
      fprintf(stderr, "drt2d: %s: %s %zu, value %zu of %zu, is %g: nothing "
              "written; a non-finite result is a bug in drt2d, please report "
              "it with the command\n", what, item, i / width, i % width + 1,
              width, values[i]);
      return DRT_EXIT_FAILURE;
    }
  return 0;
}

drt_context *drt__cli_open_context(const drt__cli_common *c) {
  drt_context_options options = c->context;
  options.precision = drt__cli_precision(c);
  /* Across processes a node's ranks take its GPUs in turn (--device N
   * names one device for all). */
  if (options.device == DRT_DEVICE_AUTO || options.device == DRT_DEVICE_GPU)
    options.index = drt__mpi_local_rank();
  /* Test hook: the rank DRT_TEST_FAIL_RANK names finds no device. */
  const char *fail = getenv("DRT_TEST_FAIL_RANK");
  if (fail && atoi(fail) == drt__mpi_rank()) {
    fprintf(stderr, "drt2d: device: no OpenCL device (DRT_TEST_FAIL_RANK)\n");
    return NULL;
  }
  drt_context *context = NULL;
  drt_status status = drt_context_create(&options, &context);
  if (status) {
    drt__cli_report("device", status);
    return NULL;
  }
  return context;
}

/* A file that does not exist yet: its folder resolved, its name appended. */
static char *new_file_key(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t dir_len = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
  char *dir = malloc(dir_len + 1);
  if (!dir) return NULL;
  memcpy(dir, slash ? path : ".", dir_len);
  dir[dir_len] = '\0';
  char *real_dir = *base ? realpath(dir, NULL) : NULL;
  free(dir);
  if (!real_dir) return strdup(path);
  size_t n = strlen(real_dir) + strlen(base) + 2;
  char *key = malloc(n);
  if (key)
    snprintf(key, n, "%s%s%s", real_dir,
             real_dir[strlen(real_dir) - 1] == '/' ? "" : "/", base);
  free(real_dir);
  return key;
}

/* The file an output option will replace, as a malloc'd absolute path; NULL
 * for an existing file that is not regular (a device or a pipe: written in
 * place, one output after the other, nothing replaced). Follows where
 * drt__atomic_open lands (drt__atomic_landing: an existing file at its
 * realpath, a symbolic link, live or dangling, at its target); a file that
 * does not exist yet is named by its resolved directory. A path that
 * cannot be resolved is kept as given: writing there fails anyway. */
static char *output_key(const char *given) {
  struct stat st;
  if (stat(given, &st) == 0 && !S_ISREG(st.st_mode)) return NULL;
  char *landing = drt__atomic_landing(given);
  if (!landing) return strdup(given); /* writing there fails anyway */
  if (stat(landing, &st) == 0) return landing; /* already resolved */
  char *key = new_file_key(landing);
  free(landing);
  return key;
}

/* A usage error for an output name that cannot be meant as one. */
static int check_output_name(const char *name, const char *path) {
  if (!*path) {
    fprintf(stderr, "drt2d: --%s: empty file name\n", name);
    return DRT_EXIT_USAGE;
  }
  if (path[0] == '-') {
    fprintf(stderr, "drt2d: --%s: '%s' looks like an option, not a file "
            "name (for such a file write ./%s)\n", name, path, path);
    return DRT_EXIT_USAGE;
  }
  return 0;
}

/* Two options naming one file: a usage error. */
static int check_distinct_outputs(const char *const *names,
                                  const char *const *paths, size_t n) {
  char *keys[DRT_CLI_MAX_OUTPUTS] = {0};
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    if (!paths[i] || !(keys[i] = output_key(paths[i]))) continue;
    for (size_t j = 0; j < i && !rc; j++)
      if (keys[j] && strcmp(keys[i], keys[j]) == 0) {
        fprintf(stderr, "drt2d: --%s %s and --%s %s name the same file; give "
                "each output its own file\n", names[j], paths[j], names[i],
                paths[i]);
        rc = DRT_EXIT_USAGE;
      }
  }
  for (size_t i = 0; i < n; i++) free(keys[i]);
  return rc;
}

/* No output replaces the scene file it is computed from: a usage error. */
static int check_spares_scene(const char *const *names,
                              const char *const *paths, size_t n,
                              const char *scene) {
  char *scene_key = scene && looks_like_file(scene) ? realpath(scene, NULL)
                                                    : NULL;
  int rc = 0;
  for (size_t i = 0; i < n && scene_key && !rc; i++) {
    char *key = paths[i] ? output_key(paths[i]) : NULL;
    if (key && strcmp(key, scene_key) == 0) {
      fprintf(stderr, "drt2d: --%s %s is the scene file (--scene %s): it "
              "would be replaced; write the output elsewhere\n", names[i],
              paths[i], scene);
      rc = DRT_EXIT_USAGE;
    }
    free(key);
  }
  free(scene_key);
  return rc;
}

int drt__cli_check_outputs(const char *const *names, const char *const *paths,
                           size_t n, const char *scene) {
  if (n > DRT_CLI_MAX_OUTPUTS) n = DRT_CLI_MAX_OUTPUTS;
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++)
    if (paths[i]) rc = check_output_name(names[i], paths[i]);
  if (!rc) rc = check_distinct_outputs(names, paths, n);
  if (!rc) rc = check_spares_scene(names, paths, n, scene);
  for (size_t i = 0; i < n && !rc; i++) {
    drt_status status = paths[i] ? drt__atomic_probe(paths[i]) : DRT_OK;
    if (status) {
      char option[64];
      snprintf(option, sizeof option, "--%s", names[i]);
      drt__cli_report(option, status);
      rc = DRT_EXIT_FAILURE;
    }
  }
  return rc;
}

int drt__cli_stop_before_work;

/* errno of the first failed flush of stdout since the last check. */
static int stdout_errno;

void drt__cli_flush_stdout(void) {
  errno = 0;
  if (fflush(stdout) != 0 && !stdout_errno) stdout_errno = errno;
}

int drt__cli_stdout_error(void) {
  drt__cli_flush_stdout();
  int err = ferror(stdout) ? (stdout_errno ? stdout_errno : -1) : 0;
  stdout_errno = 0;
  clearerr(stdout);
  return err;
}

/* Prints one CSV field, quoted (RFC 4180) when it holds a separator, a
 * quote or a line break: point names come from the scene file. */
void drt__cli_print_csv_field(const char *text) {
  if (!text[strcspn(text, ",\"\r\n")]) {
    fputs(text, stdout);
    return;
  }
  putchar('"');
  for (const char *p = text; *p; p++) {
    if (*p == '"') putchar('"');
    putchar(*p);
  }
  putchar('"');
}

void drt__cli_longopts(struct option *out, const char *const *own, int n_own,
                       const char *const *shared, int n_shared,
                       const struct option *flags, int n_flags) {
  int k = 0;
  for (int i = 0; i < n_own; i++)
    out[k++] = (struct option){own[i], required_argument, NULL, 256 + i};
  for (int i = 0; i < n_shared; i++)
    out[k++] = (struct option){shared[i], required_argument, NULL, 512 + i};
  for (int i = 0; i < n_flags; i++) out[k++] = flags[i];
  out[k++] = (struct option){"help", no_argument, NULL, 'h'};
  out[k] = (struct option){0, 0, 0, 0};
}

int drt__cli_path_gain(const drt_trace_options *t) {
  return t->model == DRT_MODEL_RADIO && t->quantity == DRT_QUANTITY_PATH_GAIN;
}

const char *drt__cli_db_unit(const drt_trace_options *t, int gradient) {
  if (t->model != DRT_MODEL_RADIO)
    return gradient ? "dB rel. P0 per unit length" : "dB rel. P0";
  if (drt__cli_path_gain(t)) return gradient ? "dB(1/m), path gain" : "dB path gain";
  return gradient ? "dB(mW/m)" : "dBm";
}

double drt__cli_db_top(const double *db, size_t n) {
  double top = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (isfinite(db[i]) && db[i] > top) top = db[i];
  return isfinite(top) ? 5.0 * ceil(top / 5.0) : 0;
}
