/* cli_mpi.h — the command line across processes. Started by an MPI
 * launcher (mpirun, srun), `map`, `eval` and `study` share their work
 * between the ranks by key (cells, points, trials: contiguous ranges in
 * rank order), each rank on its own device (a node's GPUs by local rank);
 * rank 0 gathers in key order and writes every output, so any number of
 * ranks gives the bytes of one process. Every other command runs on rank 0
 * alone. Without MPI (a build without it, or a process not started by a
 * launcher) there is one rank and each function below is trivial. */
#ifndef DRT_CLI_MPI_H
#define DRT_CLI_MPI_H

#include <stddef.h>

#include "cli_progress.h"
#include "drt2d.h"

/* For main, first: starts MPI when a launcher started this process. Ranks
 * other than 0 keep their standard error in a temporary file, so that a
 * message all ranks print (a usage error) appears once, and their standard
 * output on /dev/null; a failing rank's message reaches rank 0 through
 * drt__mpi_agree. */
void drt__mpi_start(int *argc, char ***argv);
/* For main, last: every rank ends with the worst exit code of all (so a
 * rank that failed makes every rank fail); ends MPI. */
int drt__mpi_finish(int rc);

int drt__mpi_rank(void);
int drt__mpi_size(void); /* 1 without MPI */
int drt__mpi_local_rank(void); /* among the ranks of this node */

/* This rank's share of n items: [*first, *first + *count). */
void drt__mpi_share(size_t n, size_t *first, size_t *count);

/* Every rank calls it at the same point with whether its part went well;
 * returns 1 when every rank's did. Otherwise rank 0 prints, unless it
 * failed itself (and has said why), "drt2d: rank R of N: <the last line
 * rank R printed>" for the first failing rank R. */
int drt__mpi_agree(int ok);

/* Gathers every rank's share (drt__mpi_share of n items of `size` bytes,
 * this rank's at mine) into all[0 .. n) on rank 0 (all may be NULL on the
 * others). Returns 0, or -1 after printing an MPI failure. */
int drt__mpi_gather(const void *mine, void *all, size_t n, size_t size);

/* Rank 0's `bytes` at buf, on every rank. Returns 0, or -1 after printing
 * an MPI failure. */
int drt__mpi_broadcast(void *buf, size_t bytes);

/* The sum of every rank's value, on every rank. */
double drt__mpi_sum(double value);

/* Progress across ranks. Each rank estimates its own share's time (its
 * local progress stops it beyond --max-minutes, as in one process); rank
 * 0's bar counts every rank's items, which the others send it. */
typedef struct drt__mpi_progress {
  drt__cli_progress *local;
  double total;     /* items of every rank */
  double *done;     /* rank 0: the latest count of each rank */
  int finished;     /* rank 0: ranks whose share is done */
  double last_sent; /* others: clock of the last count sent */
} drt__mpi_progress;

/* total: items of every rank together. */
void drt__mpi_progress_init(drt__mpi_progress *p, drt__cli_progress *local,
                            double total);
/* A drt_progress_callback for this rank's share (done of total). */
int drt__mpi_progress_report(void *progress, double done, double total);
/* Every rank, once its share is done or has failed: the others send their
 * last count; rank 0 waits for all of them, drawing its bar. */
void drt__mpi_progress_end(drt__mpi_progress *p, double done);

/* One rank's share of a command's work, as drt__mpi_run_share runs it. */
typedef struct drt__share {
  const char *command, *unit;       /* "map", "cells": for messages */
  const drt__cli_work_limit *limit; /* --max-minutes, --quiet */
  double total;                     /* items of every rank */
  size_t count;                     /* this rank's */
  drt_context *ctx;  /* its device; NULL if none (it has said why) */
  int allocated;     /* its buffers are there */
  int own_progress;  /* the work reports itself (else through ctx) */
  /* The work, reporting to progress (a drt__mpi_progress_report user). */
  drt_status (*work)(void *data, drt__mpi_progress *progress);
  void *data;
} drt__share;

/* Runs one rank's share with its progress, unless it has no device or no
 * memory (said here), and ends the progress, so that every rank calls it.
 * 1 when the work went well; a failure is printed as "drt2d: <command>:
 * <why>". */
int drt__mpi_run_share(const drt__share *share);

#endif
