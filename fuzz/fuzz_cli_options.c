/* fuzz_cli_options.c — libFuzzer target for the command line's option
 * parsing: every command (map, eval, info, devices, optimize, study) and
 * its checks between options and of output names, stopped before any file
 * is read or device opened (drt__cli_stop_before_work).
 *
 * The input is the argument list, one argument a line (or NUL-separated).
 * Every '/' is read as '_', so that the output checks (which create and
 * remove a temporary file beside each output) stay inside the target's
 * scratch folder, its working directory.
 *
 * Invariants besides "no crash, leak or UB":
 * - the exit status is 0, 1 or 2;
 * - 0 prints nothing on stderr; 1 and 2 print one line that starts with
 *   "drt2d" (one error, one line), or the usage listing when no command
 *   is named;
 * - nothing is left in the scratch folder. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <unistd.h>

#include "cli.h"
#include "cli_options.h"
#include "fuzz_common.h"

#define MAX_ARGS 64

static FILE *captured; /* stderr of one run */
static char scratch[] = "/tmp/drt2d-fuzz-cli-XXXXXX";

/* The scratch folder is empty after every run: removed at exit (crash
 * files go where -artifact_prefix says, the current folder by default). */
static void remove_scratch(void) { rmdir(scratch); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  if (!mkdtemp(scratch) || chdir(scratch) != 0)
    drt_fuzz_fail("scratch folder", "cannot create");
  atexit(remove_scratch);
  if (!freopen("/dev/null", "w", stdout))
    drt_fuzz_fail("stdout", "cannot open /dev/null");
  captured = tmpfile();
  if (!captured) drt_fuzz_fail("tmpfile", "cannot create");
  drt__cli_stop_before_work = 1;
  return 0;
}

/* Splits data into arguments at each newline or NUL (an argument cannot
 * hold a NUL), in one NUL-terminated copy where every '/' is made '_';
 * 0 when there are too many arguments. */
static int split_args(const uint8_t *data, size_t size, char *copy,
                      char **args, int *n) {
  for (size_t i = 0; i < size; i++)
    copy[i] = data[i] == '/' ? '_' : data[i] == '\n' ? '\0' : (char)data[i];
  copy[size] = '\0';
  *n = 0;
  args[(*n)++] = "drt2d";
  for (size_t start = 0; start < size; ) {
    if (*n == MAX_ARGS + 1) return 0;
    args[(*n)++] = copy + start;
    start += strlen(copy + start) + 1;
  }
  args[*n] = NULL;
  return 1;
}

static void check_stderr(int rc, int argc) {
  fflush(stderr);
  long length = ftell(captured);
  char text[8192];
  size_t got = length > 0 ? fread(text, 1, sizeof text - 1,
                                  (rewind(captured), captured))
                          : 0;
  text[got] = '\0';
  if (rc == 0 && got) drt_fuzz_fail("exit 0 with a message", text);
  if (rc == 0) return;
  if (!got) drt_fuzz_fail("a failure without a message", "");
  if (argc == 1) return; /* no command: the usage listing */
  int lines = 0;
  for (char *line = text; *line; lines++) {
    if (strncmp(line, "drt2d", 5) != 0)
      drt_fuzz_fail("a line that does not start with drt2d", text);
    char *end = strchr(line, '\n');
    if (!end) drt_fuzz_fail("a message without its newline", text);
    line = end + 1;
  }
  if (lines != 1) drt_fuzz_fail("more than one line", text);
}

static void check_scratch_empty(void) {
  DIR *d = opendir(".");
  if (!d) drt_fuzz_fail("scratch folder", "cannot list");
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      drt_fuzz_fail("left in the scratch folder", e->d_name);
  closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *copy = malloc(size + 1), *args[MAX_ARGS + 2];
  int argc = 0;
  if (!copy || !split_args(data, size, copy, args, &argc)) {
    free(copy);
    return 0;
  }
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  if (ftruncate(fileno(captured), 0) != 0) drt_fuzz_fail("tmpfile", "truncate");
  rewind(captured);
  dup2(fileno(captured), STDERR_FILENO);
  int rc = drt_cli_main(argc, args);
  fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  if (rc != 0 && rc != 1 && rc != 2) drt_fuzz_fail("exit status", "not 0-2");
  fseek(captured, 0, SEEK_END);
  check_stderr(rc, argc);
  check_scratch_empty();
  free(copy);
  return 0;
}
