/* main.c — entry point of the drt2d command-line tool. */
#include "cli.h"

int main(int argc, char **argv) { return drt_cli_main(argc, argv); }
