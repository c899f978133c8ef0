/* cli.h — the drt2d command-line tool, callable in-process (for tests). */
#ifndef DRT_HOST_CLI_H
#define DRT_HOST_CLI_H

/* Exit codes: 0 success, 1 the work failed, 2 bad usage. */
#define DRT_EXIT_FAILURE 1
#define DRT_EXIT_USAGE 2

int drt_cli_main(int argc, char **argv);

#endif
