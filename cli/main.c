/* main.c — entry point of the drt2d command-line tool. */
#include "cli.h"

int main(int argc, char **argv) {
  drt_cli_guard_stdout();
  drt_cli_cleanup_on_signals();
  return drt_cli_close_stdout(drt_cli_main(argc, argv));
}
