/* cli.h — the drt2d command-line tool, callable in-process (for tests). */
#ifndef DRT_HOST_CLI_H
#define DRT_HOST_CLI_H

/* Exit codes: 0 success, 1 the work failed, 2 bad usage. */
#define DRT_EXIT_FAILURE 1
#define DRT_EXIT_USAGE 2

/* Runs one command. Standard output is flushed and checked before it
 * returns: a failed write prints "drt2d: standard output: <why>" and makes
 * the exit code 1 (a usage error keeps 2). stdout stays open and its error
 * flag is cleared, so it can run again in the same process. */
int drt_cli_main(int argc, char **argv);

/* For the program's main. Before drt_cli_main: when standard output is
 * closed, holds its descriptor with /dev/null opened read-only, so no file
 * the command opens becomes descriptor 1 and takes its printing, and
 * printing still fails. After it: closes stdout, reporting a failed close
 * as drt_cli_main reports a failed write; returns the exit code. */
void drt_cli_guard_stdout(void);
/* For the program's main: SIGINT, SIGTERM or SIGHUP during a write
 * removes the output's temporary file, then ends the program as the
 * signal does by default (exit status 128 + the signal in a shell). */
void drt_cli_cleanup_on_signals(void);
int drt_cli_close_stdout(int rc);

#endif
