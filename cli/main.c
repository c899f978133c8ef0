/* main.c — entry point of the drt2d command-line tool. */
#include "cli.h"
#include "cli_mpi.h"

int main(int argc, char **argv) {
  drt__mpi_start(&argc, &argv);
  drt_cli_guard_stdout();
  drt_cli_cleanup_on_signals();
  int rc = drt__mpi_finish(drt_cli_main(argc, argv));
  return drt_cli_close_stdout(rc);
}
