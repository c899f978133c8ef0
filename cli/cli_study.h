/* cli_study.h — the `drt2d study` command. */
#ifndef DRT_HOST_CLI_STUDY_H
#define DRT_HOST_CLI_STUDY_H

/* argv[0] is "study"; returns the exit code (0, 1 failure, 2 usage). */
int drt__cli_study(int argc, char **argv);

#endif
