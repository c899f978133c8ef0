/* drt2d.h — public API of drt2d, a differentiable 2D radio ray tracer. */
#ifndef DRT2D_H
#define DRT2D_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility: DRT_API marks the functions
 * libdrt2d.so exports, which are exactly those declared here. */
#if defined(__GNUC__) || defined(__clang__)
#define DRT_API __attribute__((visibility("default")))
#else
#define DRT_API
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

/* The version of this header. The library's SONAME carries the major
 * version (libdrt2d.so.0). */
#define DRT_VERSION_MAJOR 0
#define DRT_VERSION_MINOR 1
#define DRT_VERSION_PATCH 0
/* major * 10000 + minor * 100 + patch, e.g. 100 for 0.1.0. */
#define DRT_VERSION_NUMBER                                                     \
  (DRT_VERSION_MAJOR * 10000 + DRT_VERSION_MINOR * 100 + DRT_VERSION_PATCH)

/* The version of the library in use, which may be newer than the header a
 * program was compiled with: "0.1.0" (static string). */
DRT_API const char *drt_version(void);
/* The same as a number, as DRT_VERSION_NUMBER. */
DRT_API int drt_version_number(void);

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */
/* ------------------------------------------------------------------------ */

/* One table generates the enum, drt_strerror and drt_status_name. */
#define DRT_STATUS_MAP(X)                                                      \
  X(OK, 0, "success")                                                          \
  X(EINVAL, -1, "invalid argument")                                            \
  X(ENOMEM, -2, "out of memory")                                               \
  X(EIO, -3, "input/output error")                                             \
  X(EPARSE, -4, "malformed input file")                                        \
  X(ESCHEMA, -5, "input file does not follow the scene format")                \
  X(ENODEVICE, -6, "no OpenCL platform or device found")                       \
  X(ENOFP64, -7, "device does not support double precision")                   \
  X(ECL, -8, "OpenCL call failed")                                             \
  X(EBUILD, -9, "OpenCL program build failed")                                 \
  X(EUNSUPPORTED, -10, "operation not supported for this input")               \
  X(ETOOBIG, -11, "work does not fit in memory")                              \
  X(ECANCELED, -12, "cancelled by the progress callback")

typedef enum drt_status {
#define DRT__STATUS_ENUM(name, code, text) DRT_##name = code,
  DRT_STATUS_MAP(DRT__STATUS_ENUM)
#undef DRT__STATUS_ENUM
} drt_status;

/* Short, static description of a status code (never NULL). */
DRT_API const char *drt_strerror(drt_status status);
/* The code's name, e.g. "DRT_EINVAL" (static, never NULL). */
DRT_API const char *drt_status_name(drt_status status);
/* Details of the last failure on this thread (file, line, option, OpenCL
 * call, build log...). Every function that returns a drt_status empties it
 * when called, so it describes the failure of the last such call, and is
 * empty after one that returned DRT_OK (and before any call); functions
 * returning other types leave it alone. The text lives in a buffer of the
 * calling thread, valid until that thread's next call of a function
 * returning a drt_status: copy it to keep it. Never NULL. */
DRT_API const char *drt_last_error(void);

/* ------------------------------------------------------------------------ */
/* Scenes                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct drt_scene drt_scene;

typedef enum drt_object_type {
  DRT_OBJECT_WALL = 0,   /* segment a->b, specular reflection */
  DRT_OBJECT_RIS = 1,    /* segment a->b, outgoing ray at angle phi to normal */
  DRT_OBJECT_VERTEX = 2, /* point a, corner diffraction */
} drt_object_type;

/* What a wall is made of, for the radio model (docs/method.md §14): the
 * materials of ITU-R P.2040 (Table 3), eps_r = a f^b, sigma = c f^d with
 * f in GHz, each valid over its own frequency range; or a custom constant
 * permittivity and conductivity. */
typedef enum drt_material {
  DRT_MATERIAL_DEFAULT = 0, /* the trace options' default_material */
  DRT_MATERIAL_VACUUM,
  DRT_MATERIAL_CONCRETE,
  DRT_MATERIAL_BRICK,
  DRT_MATERIAL_PLASTERBOARD,
  DRT_MATERIAL_WOOD,
  DRT_MATERIAL_GLASS,
  DRT_MATERIAL_CEILING_BOARD,
  DRT_MATERIAL_CHIPBOARD,
  DRT_MATERIAL_PLYWOOD,
  DRT_MATERIAL_MARBLE,
  DRT_MATERIAL_FLOORBOARD,
  DRT_MATERIAL_METAL,
  DRT_MATERIAL_VERY_DRY_GROUND,
  DRT_MATERIAL_MEDIUM_DRY_GROUND,
  DRT_MATERIAL_WET_GROUND,
  DRT_MATERIAL_CUSTOM, /* the object's eps_r and sigma */
} drt_material;
#define DRT_MATERIAL_COUNT (DRT_MATERIAL_CUSTOM + 1)

typedef struct drt_object {
  drt_object_type type;
  double ax, ay; /* first endpoint, or the vertex */
  double bx, by; /* second endpoint (equal to a for a vertex) */
  double phi;    /* RIS angle in radians, 0 otherwise */
  /* Radio model only. A zero-filled tail (as from an initialiser that
   * stops at phi) means the default material and a RIS amplitude of 1. */
  drt_material material;
  double eps_r, sigma; /* with DRT_MATERIAL_CUSTOM: eps_r >= 1, sigma >= 0 S/m */
  double amplitude;    /* a RIS's field amplitude in (0, 1]; 0: 1 */
} drt_object;

/* The material's name in scene files ("concrete", "ceiling-board", ...;
 * "default", "custom"), static, never NULL. */
DRT_API const char *drt_material_name(drt_material material);
/* The material of a name drt_material_name gives (not "default" or
 * "custom"); DRT_EINVAL for an unknown name. */
DRT_API drt_status drt_material_from_name(const char *name,
                                          drt_material *out);
/* The complex relative permittivity eta = eps_r - j sigma / (2 pi f eps0)
 * of a material (an ITU one, or custom with eps_r, sigma) at frequency_hz:
 * DRT_EINVAL outside the material's frequency range or for custom values
 * out of range. */
DRT_API drt_status drt_material_permittivity(drt_material material,
                                             double eps_r, double sigma,
                                             double frequency_hz,
                                             double *eta_re, double *eta_im);

/* A transmitter's antenna in the horizontal plane (radio model,
 * docs/method.md §14): isotropic, or the sector element of 3GPP TR 38.901,
 * G = 8 dBi - min(12 (phi / 65 deg)^2, 30 dB), phi the departure angle
 * from its boresight. */
typedef enum drt_pattern {
  DRT_PATTERN_ISOTROPIC = 0,
  DRT_PATTERN_SECTOR = 1,
} drt_pattern;

typedef struct drt_antenna {
  drt_pattern pattern;
  double azimuth;   /* boresight in radians, counter-clockwise from +x */
  int has_power;    /* 0: the trace options' tx_power_dbm */
  double power_dbm; /* with has_power: this transmitter's power */
} drt_antenna;

typedef struct drt_point {
  char name[32];
  double x, y;
  /* Transmitters in the radio model; zero-filled: isotropic at the trace
   * options' power. Receivers are isotropic. */
  drt_antenna antenna;
} drt_point;

/* The functions that make a scene store it in *out, which the caller owns
 * and frees with drt_scene_destroy; *out is NULL when they fail. */

/* An empty scene. */
DRT_API drt_status drt_scene_create(drt_scene **out);
/* destroy(NULL) is a no-op. */
DRT_API void drt_scene_destroy(drt_scene *scene);
/* A built-in scene: "square", "square-wall", "square-obstacle", "basic" or
 * "random:SEED:NWALLS". */
DRT_API drt_status drt_scene_builtin(const char *name, drt_scene **out);
/* A scene file: ".json" (drt2d scene format) or ".geojson". */
DRT_API drt_status drt_scene_load(const char *path, drt_scene **out);
/* Writes the scene in the drt2d JSON format (atomically: temp file + rename). */
DRT_API drt_status drt_scene_save_json(const drt_scene *scene,
                                       const char *path);

DRT_API drt_status drt_scene_add_object(drt_scene *scene,
                                        const drt_object *object);
DRT_API drt_status drt_scene_add_wall(drt_scene *scene, double ax, double ay,
                                      double bx, double by);
/* name may be NULL: a default name ("tx0", "rx1", ...) is given. */
DRT_API drt_status drt_scene_add_tx(drt_scene *scene, const char *name,
                                    double x, double y);
DRT_API drt_status drt_scene_add_rx(drt_scene *scene, const char *name,
                                    double x, double y);
/* n points xy[2i], xy[2i + 1] at once, with default names: all are added
 * or, on a failure (a non-finite point), none. */
DRT_API drt_status drt_scene_add_tx_points(drt_scene *scene, const double *xy,
                                           size_t n);
DRT_API drt_status drt_scene_add_rx_points(drt_scene *scene, const double *xy,
                                           size_t n);
/* Sets transmitter `index`'s antenna: DRT_EINVAL for an unknown pattern,
 * a non-finite azimuth or power, or an index out of range. */
DRT_API drt_status drt_scene_set_tx_antenna(drt_scene *scene, size_t index,
                                            const drt_antenna *antenna);
DRT_API void drt_scene_clear_tx(drt_scene *scene);
DRT_API void drt_scene_clear_rx(drt_scene *scene);

/* Object, transmitter or receiver `index` (0 .. count - 1), or NULL past
 * the end. The pointer is into the scene itself: it stays valid until the
 * scene is next changed (any drt_scene_add_* or drt_scene_clear_* call) or
 * destroyed. Copy the struct to keep it longer. */
DRT_API size_t drt_scene_object_count(const drt_scene *scene);
DRT_API const drt_object *drt_scene_object(const drt_scene *scene,
                                           size_t index);
DRT_API size_t drt_scene_tx_count(const drt_scene *scene);
DRT_API const drt_point *drt_scene_tx(const drt_scene *scene, size_t index);
DRT_API size_t drt_scene_rx_count(const drt_scene *scene);
DRT_API const drt_point *drt_scene_rx(const drt_scene *scene, size_t index);
/* Whether the scene's coordinates are metres (GeoJSON, or a JSON scene
 * with "units": "m"), which makes the radio model the CLI's default. */
DRT_API void drt_scene_set_metres(drt_scene *scene, int metres);
DRT_API int drt_scene_in_metres(const drt_scene *scene);
/* Min/max over all object points, transmitters and receivers:
 * box = {x0, y0, x1, y1}. Fails on an empty scene. */
DRT_API drt_status drt_scene_bbox(const drt_scene *scene, double box[4]);

/* Number of path candidates of order k (docs/method.md §2) over n objects:
 * 1 for k = 0, n (n-1)^(k-1) otherwise. Saturates at SIZE_MAX. */
DRT_API size_t drt_candidate_count(size_t n_objects, int order);

/* ------------------------------------------------------------------------ */
/* Tracing options                                                          */
/* ------------------------------------------------------------------------ */

typedef enum drt_method {
  DRT_METHOD_IM = 0,  /* image method: closed form, walls only */
  DRT_METHOD_FPT = 1, /* Fermat path tracing: shortest path, Newton */
  DRT_METHOD_MPT = 2, /* min-path tracing: least interaction error, LM */
} drt_method;
#define DRT_METHOD_COUNT 3

typedef enum drt_smoothing {
  DRT_SMOOTHING_NONE = 0,         /* exact yes/no tests */
  DRT_SMOOTHING_SIGMOID = 1,      /* 1 / (1 + exp(-alpha x)) */
  DRT_SMOOTHING_HARD_SIGMOID = 2, /* clamp(alpha x + 3, 0, 6) / 6 */
} drt_smoothing;

typedef enum drt_vary {
  DRT_VARY_RX = 0, /* the moving point is the receiver (coverage map) */
  DRT_VARY_TX = 1, /* the moving point is the transmitter */
} drt_vary;

#define DRT_MAX_ORDER 8

/* Bits of drt_trace_options.only: which object types candidates may use. */
#define DRT_ONLY_WALL (1u << DRT_OBJECT_WALL)
#define DRT_ONLY_RIS (1u << DRT_OBJECT_RIS)
#define DRT_ONLY_VERTEX (1u << DRT_OBJECT_VERTEX)
#define DRT_ONLY_ALL (DRT_ONLY_WALL | DRT_ONLY_RIS | DRT_ONLY_VERTEX)

/* Which candidates a trace evaluates (docs/method.md §13). */
typedef enum drt_candidates {
  DRT_CANDIDATES_VISIBLE = 0, /* only those that can contribute: the same
                                 sums (to 1e-12 a path with the sigmoid) */
  DRT_CANDIDATES_ALL = 1,     /* the whole enumeration of §2 */
} drt_candidates;

/* The paper's unitless power V R^k / (h^2 + L^2) on unit-square scenes,
 * or the radio model: scenes in metres, a carrier frequency, materials,
 * Fresnel reflection, watts (docs/method.md §14). */
typedef enum drt_model {
  DRT_MODEL_PAPER = 0,
  DRT_MODEL_RADIO = 1,
} drt_model;

/* How the radio model adds a transmitter's paths: their fields, then
 * |sum|^2 (interference), or their powers. Transmitters add as powers. */
typedef enum drt_sum {
  DRT_SUM_COHERENT = 0,
  DRT_SUM_INCOHERENT = 1,
} drt_sum;

/* What the radio model reports: received power in watts (with the
 * transmitters' powers and antennas), or the path gain, the same without
 * them (each transmitter isotropic at 1 W: a ratio, shown in dB). */
typedef enum drt_quantity {
  DRT_QUANTITY_POWER = 0,
  DRT_QUANTITY_PATH_GAIN = 1,
} drt_quantity;

/* The radio model's polarisation: E normal to the plane of the scene
 * (vertical antennas over a top view; TE reflection), or in it (TM). */
typedef enum drt_polarization {
  DRT_POLARIZATION_VERTICAL = 0,
  DRT_POLARIZATION_HORIZONTAL = 1,
} drt_polarization;

typedef struct drt_trace_options {
  int order_min, order_max;  /* default 0, 1 */
  drt_method method;         /* default DRT_METHOD_IM */
  drt_smoothing smoothing;   /* default DRT_SMOOTHING_NONE */
  double alpha;              /* default 100 */
  drt_vary vary;             /* default DRT_VARY_RX */
  unsigned only;             /* DRT_ONLY_* bits; default DRT_ONLY_ALL. Every
                                object still obstructs. */
  uint64_t seed;             /* random starts of MPT; default 0 */
  uint64_t first_key;        /* the key of an evaluation's first point:
                                MPT's starts at point i (cell i of a map)
                                are drawn from seed and first_key + i, so
                                a share of points evaluated apart, with its
                                first point's key, gets the values of the
                                whole; default 0 */
  drt_candidates candidates; /* default DRT_CANDIDATES_VISIBLE */
  /* The power model (docs/method.md §14). */
  drt_model model;           /* default DRT_MODEL_PAPER */
  double frequency;          /* radio: carrier in Hz; default 3.5e9 */
  double tx_power_dbm;       /* radio: per transmitter; default 20 */
  drt_sum sum;               /* radio: default DRT_SUM_COHERENT */
  drt_polarization polarization; /* radio: default DRT_POLARIZATION_VERTICAL */
  drt_material default_material; /* radio: for objects without their own;
                                    default DRT_MATERIAL_CONCRETE */
  drt_quantity quantity;     /* radio: default DRT_QUANTITY_POWER */
} drt_trace_options;

DRT_API void drt_trace_options_init(drt_trace_options *options);
/* Checks ranges and combinations (e.g. IM on a non-wall object). */
DRT_API drt_status drt_trace_options_check(const drt_trace_options *options,
                                           const drt_scene *scene);
/* Objects of the scene that candidates may use under options->only. */
DRT_API size_t drt_scene_candidate_objects(const drt_scene *scene,
                                           const drt_trace_options *options);
/* The visible candidates (docs/method.md §13) of each order
 * options->order_min .. order_max into kept[0 ..], summed over the fixed
 * endpoints (the transmitters of a receiver map, the receivers of a
 * transmitter map): those some point may use, before the per-unit tests;
 * and the time and memory culling takes to set up. Image method only
 * (DRT_EUNSUPPORTED otherwise). */
DRT_API drt_status drt_candidates_visible(const drt_scene *scene,
                                          const drt_trace_options *options,
                                          double *kept, double *seconds,
                                          double *bytes);

/* Path constants of docs/method.md §6. */
#define DRT_REFLECTION_COEF 0.5
#define DRT_HEIGHT 0.1
#define DRT_P0 (1.0 / (DRT_HEIGHT * DRT_HEIGHT))

/* ------------------------------------------------------------------------ */
/* Contexts: where the work runs                                            */
/* ------------------------------------------------------------------------ */

typedef struct drt_context drt_context;

typedef enum drt_device_kind {
  DRT_DEVICE_AUTO = 0, /* a GPU if any, else a CPU (POCL) */
  DRT_DEVICE_CPU = 1,
  DRT_DEVICE_GPU = 2,
  DRT_DEVICE_REF = 3,   /* the serial C reference evaluator, no OpenCL */
  DRT_DEVICE_INDEX = 4, /* the device numbered `index` in drt_devices_list */
} drt_device_kind;

typedef enum drt_precision {
  DRT_PRECISION_FLOAT = 0,
  DRT_PRECISION_DOUBLE = 1,
} drt_precision;

typedef struct drt_context_options {
  drt_device_kind device; /* default DRT_DEVICE_AUTO */
  int index;              /* with DRT_DEVICE_INDEX: the device's number;
                             with AUTO or GPU: which GPU, counted modulo
                             the GPUs found (so the processes of a node
                             share its GPUs by local rank); default 0 */
  drt_precision precision; /* default float; the ref device is double only */
} drt_context_options;

DRT_API void drt_context_options_init(drt_context_options *options);
/* A context on the chosen device, stored in *out (NULL on failure), which
 * the caller frees with drt_context_destroy. options NULL: the defaults. A
 * context is used by one thread at a time. */
DRT_API drt_status drt_context_create(const drt_context_options *options,
                                      drt_context **out);
/* destroy(NULL) is a no-op. */
DRT_API void drt_context_destroy(drt_context *context);
/* Human-readable name of the device in use ("ref (serial C, double)"),
 * owned by the context: valid until drt_context_destroy. */
DRT_API const char *drt_context_device_name(const drt_context *context);
DRT_API drt_precision drt_context_precision(const drt_context *context);

/* Progress of an evaluation: `done` of `total` points (grid cells for a
 * map) finished. A non-zero return cancels it: the call then returns
 * DRT_ECANCELED, with its output array's contents unspecified. */
typedef int (*drt_progress_callback)(void *user, double done, double total);

/* Every later drt_eval_*, drt_map_* and drt_eval_points_scene_grad call on
 * the context reports through callback (NULL: none, the default): once
 * with done = 0 when the device is ready (its program built), then after
 * each finished tile. With a callback, tiles start small and grow, so the
 * first report comes soon and a rate measured on it holds for the rest;
 * the results are the same bits (a value never depends on the tiling).
 * Work done as several evaluations reports as one (done of the whole):
 * drt_map_objective's receivers' maps, the per-transmitter and delay-
 * moment calls, a coherent sum of several transmitters.
 * drt_optimize_run reports through its own on_step instead, and
 * drt_study_run through its options' progress. */
DRT_API void drt_context_set_progress(drt_context *context,
                                      drt_progress_callback callback,
                                      void *user);

/* Writes a listing of every OpenCL platform and device, one line each,
 * numbered as DRT_DEVICE_INDEX expects, and which one DRT_DEVICE_AUTO
 * picks, into buf: NUL-terminated, cut to size - 1 bytes when longer
 * (size must be at least 1). drt_devices_listing also says how long the
 * whole listing is. */
DRT_API drt_status drt_devices_describe(char *buf, size_t size);
/* The same listing, and *needed (when needed is not NULL) receives the
 * bytes it takes with its terminating NUL, whatever size is. buf may be
 * NULL when size is 0, to ask for the size alone: call once for the size,
 * then with a buffer of that size. With a shorter buffer, buf receives the
 * listing cut to size - 1 bytes and the call still returns DRT_OK (compare
 * *needed with size). */
DRT_API drt_status drt_devices_listing(char *buf, size_t size,
                                       size_t *needed);

/* ------------------------------------------------------------------------ */
/* Evaluation                                                               */
/* ------------------------------------------------------------------------ */

/* Every evaluation below returns DRT_EINVAL for a coordinate (point,
 * endpoint or object) outside what its precision can square at the
 * highest order: |x| <= 1e17 in float, 1e152 in double. */

/* Received power at n points xy[2i], xy[2i+1] (xy has 2 n entries) of the
 * moving endpoint (see options->vary), summed over the fixed endpoints and
 * every candidate of the requested orders. Writes n values: power[i] at
 * point i. */
DRT_API drt_status drt_eval_points(drt_context *context, const drt_scene *scene,
                                   const drt_trace_options *options,
                                   const double *xy, size_t n, double *power);

typedef struct drt_grid {
  int nx, ny;       /* points per axis, both ends included */
  double bbox[4];   /* x0, y0, x1, y1 */
} drt_grid;

/* Grid point (row r, column c): x = x0 + c (x1-x0)/(nx-1), y = y0 + r
 * (y1-y0)/(ny-1) (a single point sits at x0 or y0). */
DRT_API void drt_grid_point(const drt_grid *grid, int row, int col, double *x,
                            double *y);

/* Points of a grid, nx * ny: the values a map writes (times 3 for a
 * gradient map); 0 when nx or ny is below 1. */
DRT_API size_t drt_grid_point_count(const drt_grid *grid);

/* Power map: writes drt_grid_point_count(grid) values, power[r * nx + c] at
 * grid point (r, c). Computed in tiles, so device memory stays bounded
 * whatever the grid size. */
DRT_API drt_status drt_map_compute(drt_context *context, const drt_scene *scene,
                                   const drt_trace_options *options,
                                   const drt_grid *grid, double *power);

/* Value and gradient (docs/method.md §8) at n points: writes 3 n values,
 * out[3 i] the power at point i, out[3 i + 1] and out[3 i + 2] its
 * derivatives by the moving endpoint's x and y, hand-derived through the
 * path points and the smoothed validity (which contributes nothing without
 * smoothing). */
DRT_API drt_status drt_eval_points_grad(drt_context *context,
                                        const drt_scene *scene,
                                        const drt_trace_options *options,
                                        const double *xy, size_t n,
                                        double *out);
/* The same over a grid: writes 3 drt_grid_point_count(grid) values, the
 * triple of grid point (r, c) at out[3 (r * nx + c)]. */
DRT_API drt_status drt_map_compute_grad(drt_context *context,
                                        const drt_scene *scene,
                                        const drt_trace_options *options,
                                        const drt_grid *grid, double *out);

/* Scene parameters, in this order: each object's coordinates in file order
 * (a wall's ax, ay, bx, by; a RIS's also phi; a vertex's ax, ay), the x
 * and y of each fixed endpoint (the transmitters, or with DRT_VARY_TX the
 * receivers), then in the paper's model the reflection coefficient R, in
 * the radio model (receiver maps) each transmitter's azimuth in radians.
 * Named "d_<o>_<coord>" with <o> the object's type letter (w wall, r ris,
 * v vertex) and index (as in `drt2d info`: "d_w3_ax", "d_r4_phi"),
 * "d_<point name>_x", "d_R" and "d_<tx name>_azimuth".
 * drt_scene_param_count is their number, which depends on options->vary
 * and options->model only. */
DRT_API size_t drt_scene_param_count(const drt_scene *scene,
                                     const drt_trace_options *options);
/* A buffer of this many bytes holds any parameter name with its NUL. */
#define DRT_PARAM_NAME_SIZE 48
/* Writes the name of parameter `index` (0 .. drt_scene_param_count - 1)
 * into name, NUL-terminated, cut to size - 1 bytes when longer (never with
 * size >= DRT_PARAM_NAME_SIZE). */
DRT_API drt_status drt_scene_param_name(const drt_scene *scene,
                                        const drt_trace_options *options,
                                        size_t index, char *name, size_t size);
/* Value and derivatives by the moving endpoint and by every scene
 * parameter at n points, hand-derived in the kernels (docs/method.md §8):
 * writes n w values, w = 3 + drt_scene_param_count(scene, options);
 * out[i w .. i w + w - 1] holds the power at point i, its derivatives by
 * the moving endpoint's x and y, then by each parameter in order. A path's
 * power depends only on its own objects, the one object whose test decides
 * its obstruction, its endpoints and R, so the cost grows with the points
 * and candidates, not with the parameters. */
DRT_API drt_status drt_eval_points_scene_grad(drt_context *context,
                                              const drt_scene *scene,
                                              const drt_trace_options *options,
                                              const double *xy, size_t n,
                                              double *out);

/* One path of drt_trace_paths, from a transmitter of the scene to the
 * receiver point through `order` objects. */
typedef struct drt_path {
  int transmitter;             /* its index in the scene */
  int order;                   /* interactions k */
  int objects[DRT_MAX_ORDER];  /* the objects' scene indices, in order */
  double points[2 * (DRT_MAX_ORDER + 2)]; /* x, y of the transmitter, the
                                             k interaction points, the
                                             receiver */
  double length;               /* scene units (metres in the radio model) */
  double validity;             /* V, in (0, 1] */
  /* The complex amplitude a at the receiver: in the radio model in
   * sqrt(W), the field whose |a|^2 is the path's power (its phase
   * e^(-j k L) included; the quantity's P_tx and antenna gains as in
   * drt_eval_points); in the paper's model sqrt(R^k / (h^2 + L^2)), real. */
  double amplitude_re, amplitude_im;
  double power;                /* V |a|^2: watts, or the paper's power */
  double delay;                /* L / c in seconds (radio model; else 0) */
  /* Angle of departure (of the first segment, leaving the transmitter) and
   * of arrival (pointing from the receiver back along the last segment),
   * degrees counter-clockwise from +x, in (-180, 180]. */
  double departure_deg, arrival_deg;
  double iterations;           /* the solver's (0 for the image method) */
} drt_path;

/* Every path with V > 0 from every transmitter of the scene to the
 * receiver at (rx_x, rx_y), over the options' orders, method, smoothing
 * and model: the terms whose sum drt_eval_points returns there (the
 * coherent sum adds V a of each transmitter's paths, then the powers; the
 * incoherent and the paper's model add V |a|^2). On success *paths
 * (released with drt_paths_free) holds *count paths, by transmitter,
 * order, then candidate. Receiver maps only: options->vary must be
 * DRT_VARY_RX; a device context only (not the ref evaluator). */
DRT_API drt_status drt_trace_paths(drt_context *context,
                                   const drt_scene *scene,
                                   const drt_trace_options *options,
                                   double rx_x, double rx_y, drt_path **paths,
                                   size_t *count);
DRT_API void drt_paths_free(drt_path *paths);

/* Work done by the last evaluation on a context (written into *stats). */
typedef struct drt_eval_stats {
  double paths;             /* (point x fixed endpoint x candidate) traced */
  double solver_iterations; /* summed over those paths (0 for IM) */
} drt_eval_stats;

DRT_API void drt_context_last_stats(const drt_context *context,
                                    drt_eval_stats *stats);

/* ------------------------------------------------------------------------ */
/* Network metrics (docs/method.md §15)                                     */
/* ------------------------------------------------------------------------ */

/* Received power from each transmitter of the scene apart, at n receiver
 * points: writes n * t values, t = drt_scene_tx_count(scene), the power
 * at point i from transmitter j at power[i t + j] (each transmitter's
 * sum as drt_eval_points forms it: coherent within a transmitter). A
 * receiver map's: options->vary must be DRT_VARY_RX. */
DRT_API drt_status drt_eval_points_per_tx(drt_context *context,
                                          const drt_scene *scene,
                                          const drt_trace_options *options,
                                          const double *xy, size_t n,
                                          double *power);
/* The same over a grid: power[(r nx + c) t + j] at grid point (r, c). */
DRT_API drt_status drt_map_compute_per_tx(drt_context *context,
                                          const drt_scene *scene,
                                          const drt_trace_options *options,
                                          const drt_grid *grid, double *power);

/* Each transmitter's delay moments at n receiver points (the radio
 * model): moments[(i t + j) 3 + m] = sum over transmitter j's paths p of
 * V_p |a_p|^2 tau_p^m, tau_p = L_p / c, for m = 0, 1, 2 (W, W s, W s^2:
 * the paths' powers as an incoherent sum, whatever options->sum says). */
DRT_API drt_status drt_eval_points_delay_moments(drt_context *context,
                                                 const drt_scene *scene,
                                                 const drt_trace_options *options,
                                                 const double *xy, size_t n,
                                                 double *moments);
/* The same over a grid: moments[((r nx + c) t + j) 3 + m]. */
DRT_API drt_status drt_map_compute_delay_moments(drt_context *context,
                                                 const drt_scene *scene,
                                                 const drt_trace_options *options,
                                                 const drt_grid *grid,
                                                 double *moments);
/* The RMS delay spread sqrt(m2 / m0 - (m1 / m0)^2) in seconds of one
 * transmitter's three moments; 0 where m0 = 0 (no path). */
DRT_API double drt_delay_spread(const double moments[3]);

/* The receiver's noise and the coverage threshold. */
typedef struct drt_network_options {
  double bandwidth;       /* Hz; default 20e6 */
  double noise_figure_db; /* dB; default 7 */
  double threshold_db;    /* coverage: SINR at or above it, dB; default 0 */
} drt_network_options;

DRT_API void drt_network_options_init(drt_network_options *options);
/* DRT_EINVAL naming the option when a value is out of range (bandwidth
 * finite > 0, noise figure finite >= 0, threshold finite). */
DRT_API drt_status drt_network_options_check(const drt_network_options *options);
/* The noise power k_B T B F in watts, T = 290 K. */
DRT_API double drt_noise_power(const drt_network_options *options);

/* From n points' powers by transmitter (t a point, drt_eval_points_per_tx's
 * layout, watts): server[i], the index of the strongest transmitter (the
 * first of equals; -1 where none arrives), and sinr[i] = S / (I + N), S
 * its power, I the sum of the others', N = noise (linear; 0 where none
 * arrives). Either output may be NULL. */
DRT_API void drt_network_metrics(const double *power, size_t n, size_t t,
                                 double noise, int *server, double *sinr);

/* ------------------------------------------------------------------------ */
/* Optimisation (docs/method.md §10)                                        */
/* ------------------------------------------------------------------------ */

/* What the transmitter placement maximises over the receivers' normalised
 * powers f_i = P_i / drt_power_reference(options): P_i / P0 in the paper's
 * model, P_i / 1 mW in the radio model (so 10 log10 f_i is in dBm; the
 * path gain's unit is 1, dB). */
typedef enum drt_objective {
  DRT_OBJECTIVE_MIN = 0,     /* min_i f_i (the paper's) */
  DRT_OBJECTIVE_SUM = 1,     /* sum_i f_i */
  DRT_OBJECTIVE_SOFTMIN = 2, /* -T log sum_i exp(-f_i / T) */
} drt_objective;

/* The power the model's dB are relative to, and the unit of the
 * objective's f_i: DRT_P0 (paper's model), 1e-3 W (radio model: dBm), or
 * 1 (radio model, DRT_QUANTITY_PATH_GAIN: a ratio). */
DRT_API double drt_power_reference(const drt_trace_options *options);

/* Value and gradient of every (point, fixed endpoint) pair apart, where
 * drt_eval_points_grad sums over the fixed endpoints (the scene's
 * receivers with vary = DRT_VARY_TX, else its transmitters: n_fixed is
 * drt_scene_rx_count or drt_scene_tx_count): writes 3 n n_fixed values,
 * out[3 (i n_fixed + f) + c] for point i and fixed endpoint f, c as in
 * drt_eval_points_grad. A point's n_fixed triples sum to
 * drt_eval_points_grad's (up to rounding). All pairs go to the device
 * together: one launch per order (and per 2^18 pairs). */
DRT_API drt_status drt_eval_pairs_grad(drt_context *context,
                                       const drt_scene *scene,
                                       const drt_trace_options *options,
                                       const double *xy, size_t n, double *out);

/* The objective over a grid of transmitter positions (a transmitter map,
 * docs/method.md §7): writes drt_grid_point_count(grid) values,
 * values[r * nx + c] = F at grid point (r, c), with the scene's receivers
 * and options' orders, method and smoothing (vary is ignored). temperature
 * is softmin's T. */
DRT_API drt_status drt_map_objective(drt_context *context,
                                     const drt_scene *scene,
                                     const drt_trace_options *options,
                                     drt_objective objective,
                                     double temperature, const drt_grid *grid,
                                     double *values);

/* One step of a descent, as recorded before the step's update (the last
 * record is where the descent ends). */
typedef struct drt_optimize_step {
  int step;          /* 0 .. steps */
  double alpha;      /* of the smoothed objective; NaN without smoothing */
  double tx[2];      /* transmitter position */
  double f_exact;    /* objective with exact tests (smoothing none) */
  double f_smoothed; /* objective at alpha (f_exact without smoothing) */
  double grad[2];    /* d f_smoothed / d tx, NaN components kept */
  double grad_norm;  /* |grad| */
} drt_optimize_step;

/* Called after each record; a non-zero return stops the descent (the
 * run then returns DRT_OK with the steps done so far). */
typedef int (*drt_optimize_callback)(void *user, const drt_optimize_step *step);

typedef struct drt_optimize_options {
  int steps;          /* Adam steps; default 100 */
  double lr;          /* learning rate; default 0.01 */
  double alpha_start; /* geometric alpha schedule over the steps */
  double alpha_end;   /*   (docs/method.md §10); default 1 and 100 */
  drt_smoothing smoothing; /* default DRT_SMOOTHING_HARD_SIGMOID; NONE
                              descends the exact objective, alpha unused */
  drt_objective objective; /* default DRT_OBJECTIVE_MIN */
  double temperature; /* softmin's T in units of f_i; default 1e-3 */
  double start[2];    /* where the transmitter starts; default NaN, NaN:
                         the scene's first transmitter */
  drt_optimize_callback on_step; /* may be NULL */
  void *user;                    /* passed to on_step */
} drt_optimize_options;

/* The descent's outcome. */
typedef struct drt_optimize_result {
  int steps;          /* Adam steps taken */
  double start[2], tx[2]; /* first and final transmitter position */
  double f_start;     /* exact objective at the start */
  double f_exact;     /* exact objective at the end */
  int nan_gradients;  /* gradient components that were NaN, taken as 0 */
} drt_optimize_result;

DRT_API void drt_optimize_options_init(drt_optimize_options *options);
/* Checks ranges: steps >= 1, finite lr > 0, 0 < alpha_start, alpha_end,
 * finite temperature > 0, known smoothing and objective. */
DRT_API drt_status
drt_optimize_options_check(const drt_optimize_options *options);

/* Adam on the transmitter position maximising the objective of the scene's
 * receivers' f_i (loss = -F; the radio model's moving transmitter is
 * isotropic at the options' power), alpha raised geometrically step by step
 * (docs/method.md §10). trace gives orders, method and seed (its vary,
 * smoothing and alpha are replaced). Each step evaluates all receivers in
 * one launch: smoothed value and gradient, then the exact value (one launch
 * for both without smoothing). trajectory, if not NULL, has room for
 * options->steps + 1 records, of which result->steps + 1 are written (fewer
 * than all when on_step stops the descent); *result is written. */
/* A descent that diverges (a non-finite objective, or the transmitter
 * outside the coordinate range) ends with DRT_EINVAL. */
DRT_API drt_status drt_optimize_run(drt_context *context,
                                    const drt_scene *scene,
                                    const drt_trace_options *trace,
                                    const drt_optimize_options *options,
                                    drt_optimize_step *trajectory,
                                    drt_optimize_result *result);

/* ------------------------------------------------------------------------ */
/* Convergence studies (docs/method.md §11; protocol in docs/study.md)      */
/* ------------------------------------------------------------------------ */

#define DRT_STUDY_MAX_COUNTS 8 /* receiver counts in one study */
#define DRT_STUDY_MAX_RECEIVERS 16

/* Called after each batched launch: `done` of `total` trials, counting a
 * batch's trials in proportion to its launches done. */
typedef void (*drt_study_progress)(void *user, double done, double total);

typedef struct drt_study_options {
  int trials;               /* per receiver count; default 100 */
  int receivers[DRT_STUDY_MAX_COUNTS]; /* default {2, 3, 4} */
  int n_counts;             /* entries of receivers; default 3 */
  int walls;                /* interior random walls; default 2 */
  int order;                /* orders 0..order; default 0 (line of sight) */
  int steps;                /* Adam steps; default 100 */
  double lr;                /* default 0.01 */
  double alpha_start, alpha_end; /* geometric schedule; default 1, 100 */
  drt_smoothing smoothing;  /* of the smoothed arm; default hard sigmoid */
  uint64_t seed;            /* default 0 */
  double tolerance_db;      /* success: 10 log10(F_opt / F_end) <= this;
                               default 1 */
  int grid;                 /* optimum search: grid x grid transmitter map
                               of the room; default 101 */
  int refine_starts;        /* best grid maxima refined; default 3 */
  int batch;                /* trials per launch; 0 (default) = all */
  drt_study_progress progress; /* may be NULL */
  void *progress_user;
} drt_study_options;

DRT_API void drt_study_options_init(drt_study_options *options);
/* Checks every field's range. */
DRT_API drt_status drt_study_options_check(const drt_study_options *options);
/* n_counts * trials. */
DRT_API size_t drt_study_trial_count(const drt_study_options *options);

/* One trial: both arms start from `start`; F is the exact objective
 * min_i P_i / P0 (docs/method.md §10). */
typedef struct drt_study_trial {
  int receivers;             /* its receiver count */
  int index;                 /* its number among the trials of that count */
  double start[2];
  double f_start;            /* exact F at the start */
  double optimum[2];         /* best position of the map and refinement */
  double f_optimum;          /* exact F there; 0: no position serves every
                                receiver (the trial is left out of rates) */
  double end_exact[2], end_smoothed[2]; /* where each arm ends */
  double f_exact, f_smoothed; /* exact F where each arm ends */
  int success_exact, success_smoothed; /* 1 when within the tolerance */
} drt_study_trial;

/* Trial `trial` (0 .. drt_study_trial_count - 1; receiver counts in
 * order, then trials) as a new scene (drt_scene_destroy it): the
 * unit-square room, its interior walls, its receivers, and its start as
 * the transmitter. Depends only on the seed, the walls option, the
 * receiver count and the trial's number. */
DRT_API drt_status drt_study_trial_scene(const drt_study_options *options,
                                         size_t trial, drt_scene **out);

/* Runs every trial: writes drt_study_trial_count(options) records into
 * trials. A diverging arm ends the study with DRT_EINVAL. */
DRT_API drt_status drt_study_run(drt_context *context,
                                 const drt_study_options *options,
                                 drt_study_trial *trials);
/* Trials first .. first + count - 1 alone, into trials[0 .. count - 1]:
 * each the same record as drt_study_run writes for it, so processes may
 * share a study by ranges. Progress counts the range's trials. */
DRT_API drt_status drt_study_run_range(drt_context *context,
                                       const drt_study_options *options,
                                       size_t first, size_t count,
                                       drt_study_trial *trials);

/* A statistic with its 95 % confidence interval. */
typedef struct drt_study_interval {
  double value, lo, hi;
} drt_study_interval;

/* The results of one receiver count. Rates are over solvable trials. */
typedef struct drt_study_summary {
  int receivers;
  int trials, solvable;
  int exact, smoothed, both;   /* successes of each arm, of both */
  drt_study_interval rate_exact, rate_smoothed; /* Wilson intervals */
  drt_study_interval ratio;    /* rate_smoothed / rate_exact: paired
                                  bootstrap percentile interval */
  drt_study_interval kept;     /* both / exact, Wilson */
} drt_study_summary;

/* One row per receiver count of the options: writes options->n_counts
 * rows. */
DRT_API drt_status drt_study_summarize(const drt_study_options *options,
                                       const drt_study_trial *trials,
                                       drt_study_summary *rows);

#ifdef __cplusplus
}
#endif

#endif /* DRT2D_H */
