/* cli_options.h — strict parsers for command-line values, and the options
 * shared by every drt2d command. */
#ifndef DRT_HOST_CLI_OPTIONS_H
#define DRT_HOST_CLI_OPTIONS_H

#include <stddef.h>

#include "drt2d.h"
#include "figure.h"

#define DRT_CLI_MAX_POINTS 64

/* Options common to map, eval and info. */
typedef struct drt__cli_common {
  const char *scene; /* built-in name or file; default "square-obstacle" */
  double tx[DRT_CLI_MAX_POINTS][2];
  int n_tx;
  double rx[DRT_CLI_MAX_POINTS][2];
  int n_rx;
  drt_trace_options trace;
  drt_context_options context;
  int precision_given;
  int only_given;
  int model_given;   /* --model: else the scene's units choose */
  int radio_default; /* a scene in metres defaults to the radio model */
} drt__cli_common;

void drt__cli_common_init(drt__cli_common *common);

/* Each parser returns 0 on success, or prints "drt2d: --OPTION: why" to
 * stderr and returns -1. `option` is the option's name, for the message. */
/* The name of a smoothing mode as --smoothing takes it. */
const char *drt__smoothing_name(drt_smoothing smoothing);

int drt__parse_double(const char *option, const char *text, double *value);
int drt__parse_int(const char *option, const char *text, long lo, long hi,
                   long *value);
int drt__parse_point(const char *option, const char *text, double xy[2]);
int drt__parse_order(const char *option, const char *text, int *kmin,
                     int *kmax);
int drt__parse_grid(const char *option, const char *text, int *nx, int *ny);
int drt__parse_bbox(const char *option, const char *text, double box[4]);
int drt__parse_range(const char *option, const char *text, double *lo,
                     double *hi);
/* A figure resolution in dots per inch (drawing.h's range). */
int drt__parse_dpi(const char *option, const char *text, double *dpi);
/* The index of text among names[0..n) into *value; else prints that the
 * option wants `want` and returns -1. */
int drt__parse_choice(const char *option, const char *text,
                      const char *const *names, int n, const char *want,
                      int *value);

/* Handles one common option (by name, without "--"); returns 1 if it was
 * one and parsed, 0 if not a common option, -1 on a bad value. */
int drt__cli_common_option(drt__cli_common *common, const char *name,
                           const char *value);

/* Loads the scene and applies --tx/--rx; prints the error and returns NULL
 * on failure. */
drt_scene *drt__cli_load_scene(drt__cli_common *common);

/* The precision the command computes in: --precision, else double on
 * the ref device and float on the others. */
drt_precision drt__cli_precision(const drt__cli_common *common);

/* Coordinates the precision cannot compute (coordinate_range.h), found
 * before any work: a usage error (DRT_EXIT_USAGE, printed) naming the
 * option, or the scene file and field; 0 if all fit. The option form
 * checks n (x, y) pairs given by one option (--bbox: two pairs); the scene
 * form checks --tx, --rx, then the scene's own coordinates. */
int drt__cli_check_option_range(const char *option, const double *xy,
                                size_t n, const drt__cli_common *common);
int drt__cli_check_scene_range(const drt__cli_common *common,
                               const drt_scene *scene);

/* Every value finite: the outputs' last check, since the inputs' ranges
 * are checked (a non-finite value is a bug, never written). values holds
 * n_items items ("cell", "point") of width values each; prints the first
 * non-finite one under `what` and returns DRT_EXIT_FAILURE, else 0. */
int drt__cli_assert_finite(const char *what, const char *item,
                           const double *values, size_t n_items, size_t width);

/* Creates the context for --device/--precision; prints errors. */
drt_context *drt__cli_open_context(const drt__cli_common *common);

/* Checks a command's output files before any work. paths[i] is the file
 * of option names[i] (without "--"), NULL when not given. A usage error
 * (DRT_EXIT_USAGE): an empty name, a name that looks like an option
 * (--npy --png takes "--png" as the file), or two options that would
 * write one file: each output is written to a temporary file renamed onto
 * its path, so the last would silently replace the others; paths are
 * compared as resolved (./a, d/../a and a symbolic link to a are one
 * file), and existing devices and pipes, written in place, may be shared.
 * A failure (DRT_EXIT_FAILURE): an output that cannot be created (no such
 * directory, no permission), found by creating its temporary file. Prints
 * the reason and returns the exit code, or 0. At most DRT_CLI_MAX_OUTPUTS
 * paths are checked. scene, the --scene value (NULL when the command reads
 * none), must not be among the outputs either (a usage error): the scene
 * would be replaced by what was computed from it. */
#define DRT_CLI_MAX_OUTPUTS 8
int drt__cli_check_outputs(const char *const *names, const char *const *paths,
                           size_t n, const char *scene);

/* Test hook of the option-parsing fuzz target: when set, every command
 * returns 0 once its options are parsed and checked, before it reads a
 * scene or points file or opens a device. */
extern int drt__cli_stop_before_work;

/* Checks a command's figure outputs (paths[i] of option names[i], NULL
 * when not given) before any work: each name must end in .png, .svg or
 * .pdf, and --dpi (dpi_given) needs a .png among them, since only a PNG
 * has pixels. Prints the reason and returns DRT_EXIT_USAGE, or 0. */
int drt__cli_check_figures(const char *const *names, const char *const *paths,
                           size_t n, int dpi_given);

/* Checks, before any work, that panels[i] figures like `figure` (its
 * values not needed), side by side, fit paths[i] (option names[i], NULL
 * when not given) at dpi (drt__figure_check_size). Prints the reason and
 * returns DRT_EXIT_USAGE, or 0. */
int drt__cli_check_figure_sizes(const drt__figure *figure,
                                const char *const *names,
                                const char *const *paths, const int *panels,
                                size_t n, double dpi);

/* Flushes stdout, keeping the errno of a failure for
 * drt__cli_stdout_error: commands flush through it, not fflush. */
void drt__cli_flush_stdout(void);
/* Flushes stdout and says whether everything printed since the last call
 * was written: 0 if so, else the errno of the first failure (-1 when not
 * known); clears the stream's error flag. */
int drt__cli_stdout_error(void);

/* The long options of a command (getopt_long): its own, which take a
 * value and return 256 + their index, the common ones it takes (512 +
 * index), then its n_flags flags as given, "help" returning 'h', and the
 * terminator: out holds n_own + n_shared + n_flags + 2 entries. */
struct option;
void drt__cli_longopts(struct option *out, const char *const *own, int n_own,
                       const char *const *shared, int n_shared,
                       const struct option *flags, int n_flags);

/* The units of the model's dB figures: whether the radio model computes
 * the path gain; the unit of 10 log10(P / drt_power_reference) for a map
 * and of its gradient's ("dB rel. P0", "dBm", "dB path gain", ...); the
 * largest finite of n dB values rounded up to 5 dB (0 for none), a colour
 * scale's default top. */
int drt__cli_path_gain(const drt_trace_options *trace);
const char *drt__cli_db_unit(const drt_trace_options *trace, int gradient);
double drt__cli_db_top(const double *db, size_t n);

/* Prints one CSV field to stdout, quoted (RFC 4180) when it holds a
 * separator, a quote or a line break (names come from scene files). */
void drt__cli_print_csv_field(const char *text);

/* Prints "drt2d: <what>: <last error>" for a failed library call. */
void drt__cli_report(const char *what, drt_status status);

#endif
