/* cli_paths.h — the `drt2d paths` command. */
#ifndef DRT_HOST_CLI_PATHS_H
#define DRT_HOST_CLI_PATHS_H

/* argv[0] is "paths"; returns the exit code (0, 1 failure, 2 usage). */
int drt__cli_paths(int argc, char **argv);

#endif
