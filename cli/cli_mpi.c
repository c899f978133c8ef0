/* cli_mpi.c — the command line across processes (cli_mpi.h). Compiled
 * with DRT_HAVE_MPI in an MPI build; without it there is one rank. */
#define _POSIX_C_SOURCE 200809L
#include "cli_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef DRT_HAVE_MPI
#include <mpi.h>
#endif

#include "cli_options.h"

/* Rank `rank`'s share of n items among `size` ranks. */
static void share_of(size_t n, size_t rank, size_t size, size_t *first,
                     size_t *count) {
  /* n * rank / size without overflow: n < 2^64 / size is not assumed. */
  size_t base = n / size, extra = n % size;
  *first = base * rank + (rank < extra ? rank : extra);
  *count = base + (rank < extra ? 1 : 0);
}

void drt__mpi_share(size_t n, size_t *first, size_t *count) {
  share_of(n, (size_t)drt__mpi_rank(), (size_t)drt__mpi_size(), first, count);
}

/* This rank's own share into its place in `all` (nothing to do when the
 * share already is there, as in one process). */
static void keep_own(const void *mine, void *all, size_t first, size_t count,
                     size_t size) {
  char *to = (char *)all + first * size;
  if (count && to != mine) memmove(to, mine, count * size);
}

#ifndef DRT_HAVE_MPI

void drt__mpi_start(int *argc, char ***argv) { (void)argc, (void)argv; }
int drt__mpi_finish(int rc) { return rc; }
int drt__mpi_rank(void) { return 0; }
int drt__mpi_size(void) { return 1; }
int drt__mpi_local_rank(void) { return 0; }
int drt__mpi_agree(int ok) { return ok; }
double drt__mpi_sum(double value) { return value; }

int drt__mpi_gather(const void *mine, void *all, size_t n, size_t size) {
  keep_own(mine, all, 0, n, size);
  return 0;
}

int drt__mpi_broadcast(void *buf, size_t bytes) {
  (void)buf, (void)bytes;
  return 0;
}

#else

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int world_rank, world_size = 1, node_rank;
static int captured_fd = -1; /* ranks > 0: their standard error */

/* Launchers say so in the environment: Open MPI, MPICH and Intel MPI
 * (PMI), Slurm's srun with PMIx. A process started otherwise is one rank
 * and does not start MPI at all. */
static int started_by_launcher(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                                     "PMI_RANK", "PMIX_RANK"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (getenv(vars[i])) return 1;
  return 0;
}

static void capture_output(void) {
  char path[] = "/tmp/drt2d-rank-stderr-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return; /* keep the terminal: messages may repeat */
  unlink(path);
  fflush(stderr);
  if (dup2(fd, STDERR_FILENO) >= 0) captured_fd = fd;
  /* Rank 0 prints every result; should /dev/null not open, a rank's
   * stdout stays the launcher's, where nothing is printed anyway. */
  FILE *null = freopen("/dev/null", "w", stdout);
  (void)null;
}

void drt__mpi_start(int *argc, char ***argv) {
  if (!started_by_launcher()) return;
  int provided;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) !=
      MPI_SUCCESS) {
    fprintf(stderr, "drt2d: MPI_Init failed\n");
    exit(1);
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, world_rank,
                      MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &node_rank);
  MPI_Comm_free(&node);
  if (world_rank > 0) capture_output();
}

static int mpi_running(void) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  if (initialized) MPI_Finalized(&finalized);
  return initialized && !finalized;
}

int drt__mpi_finish(int rc) {
  if (!mpi_running()) return rc;
  int worst = rc;
  MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst;
}

int drt__mpi_rank(void) { return mpi_running() ? world_rank : 0; }
int drt__mpi_size(void) { return mpi_running() ? world_size : 1; }
int drt__mpi_local_rank(void) { return mpi_running() ? node_rank : 0; }

double drt__mpi_sum(double value) {
  if (drt__mpi_size() == 1) return value;
  double sum = value;
  MPI_Allreduce(&value, &sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return sum;
}

#define LINE_BYTES 1024

/* The last non-empty line this rank printed on its captured stderr. */
static void last_line(char line[LINE_BYTES]) {
  line[0] = '\0';
  fflush(stderr);
  struct stat st;
  if (captured_fd < 0 || fstat(captured_fd, &st) != 0 || st.st_size <= 0)
    return;
  char tail[4 * LINE_BYTES + 1];
  off_t from = st.st_size > (off_t)sizeof tail - 1
                   ? st.st_size - (off_t)sizeof tail + 1
                   : 0;
  ssize_t n = pread(captured_fd, tail, sizeof tail - 1, from);
  if (n <= 0) return;
  tail[n] = '\0';
  while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r')) tail[--n] = '\0';
  char *start = strrchr(tail, '\n');
  start = start ? start + 1 : tail;
  if (strncmp(start, "drt2d: ", 7) == 0) start += 7;
  size_t length = strlen(start);
  if (length > LINE_BYTES - 1) length = LINE_BYTES - 1; /* cut, not lost */
  memcpy(line, start, length);
  line[length] = '\0';
}

int drt__mpi_agree(int ok) {
  if (drt__mpi_size() == 1) return ok;
  int all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (all_ok) return 1;
  char line[LINE_BYTES];
  if (!ok) last_line(line);
  else line[0] = '\0';
  int *oks = world_rank == 0 ? malloc((size_t)world_size * sizeof *oks) : NULL;
  char *lines = world_rank == 0 ? malloc((size_t)world_size * LINE_BYTES) : NULL;
  MPI_Gather(&ok, 1, MPI_INT, oks, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Gather(line, LINE_BYTES, MPI_CHAR, lines, LINE_BYTES, MPI_CHAR, 0,
             MPI_COMM_WORLD);
  if (world_rank == 0 && ok && oks && lines)
    for (int r = 1; r < world_size; r++)
      if (!oks[r]) {
        const char *said = lines + (size_t)r * LINE_BYTES;
        fprintf(stderr, "drt2d: rank %d of %d: %s\n", r, world_size,
                *said ? said : "failed without a message");
        break;
      }
  free(oks);
  free(lines);
  return 0;
}

/* Pieces of at most this many bytes: MPI counts are ints. */
#define PIECE_BYTES ((size_t)1 << 30)

static int transfer(void *buf, size_t bytes, int peer, int receive) {
  char *p = buf;
  for (size_t done = 0; done < bytes; done += PIECE_BYTES) {
    int n = (int)(bytes - done < PIECE_BYTES ? bytes - done : PIECE_BYTES);
    int err = receive ? MPI_Recv(p + done, n, MPI_BYTE, peer, 23,
                                 MPI_COMM_WORLD, MPI_STATUS_IGNORE)
                      : MPI_Send(p + done, n, MPI_BYTE, peer, 23,
                                 MPI_COMM_WORLD);
    if (err != MPI_SUCCESS) {
      fprintf(stderr, "drt2d: MPI transfer with rank %d failed\n", peer);
      return -1;
    }
  }
  return 0;
}

int drt__mpi_broadcast(void *buf, size_t bytes) {
  if (drt__mpi_size() == 1) return 0;
  char *p = buf;
  for (size_t done = 0; done < bytes; done += PIECE_BYTES) {
    int n = (int)(bytes - done < PIECE_BYTES ? bytes - done : PIECE_BYTES);
    if (MPI_Bcast(p + done, n, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS) {
      fprintf(stderr, "drt2d: MPI broadcast failed\n");
      return -1;
    }
  }
  return 0;
}

int drt__mpi_gather(const void *mine, void *all, size_t n, size_t size) {
  size_t first, count;
  drt__mpi_share(n, &first, &count);
  if (drt__mpi_rank() > 0) return transfer((void *)mine, count * size, 0, 0);
  keep_own(mine, all, first, count, size);
  for (int r = 1; r < drt__mpi_size(); r++) {
    share_of(n, (size_t)r, (size_t)world_size, &first, &count);
    if (transfer((char *)all + first * size, count * size, r, 1)) return -1;
  }
  return 0;
}

#endif

/* ------------------------------------------------------------------------ */
/* Progress across ranks                                                    */
/* ------------------------------------------------------------------------ */

#define PROGRESS_TAG 17
#define SEND_EVERY_SECONDS 0.25

void drt__mpi_progress_init(drt__mpi_progress *p, drt__cli_progress *local,
                            double total) {
  *p = (drt__mpi_progress){.local = local, .total = total};
  if (drt__mpi_size() > 1 && drt__mpi_rank() == 0)
    p->done = calloc((size_t)drt__mpi_size(), sizeof *p->done);
}

#ifdef DRT_HAVE_MPI
/* Rank 0: takes in the counts the others sent. */
static void receive_counts(drt__mpi_progress *p, int wait) {
  for (;;) {
    int pending = 0;
    MPI_Status st;
    if (wait) {
      MPI_Probe(MPI_ANY_SOURCE, PROGRESS_TAG, MPI_COMM_WORLD, &st);
      pending = 1;
    } else {
      MPI_Iprobe(MPI_ANY_SOURCE, PROGRESS_TAG, MPI_COMM_WORLD, &pending, &st);
    }
    if (!pending) return;
    double message[2];
    MPI_Recv(message, 2, MPI_DOUBLE, st.MPI_SOURCE, PROGRESS_TAG,
             MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (p->done) p->done[st.MPI_SOURCE] = message[0];
    if (message[1] != 0) p->finished++;
    if (wait) return;
  }
}

static void send_count(double done, int final) {
  double message[2] = {done, final};
  MPI_Send(message, 2, MPI_DOUBLE, 0, PROGRESS_TAG, MPI_COMM_WORLD);
}

/* Every rank's count, on rank 0. */
static double all_done(const drt__mpi_progress *p, double own) {
  double sum = own;
  for (int r = 1; p->done && r < drt__mpi_size(); r++) sum += p->done[r];
  return sum;
}
#endif

int drt__mpi_progress_report(void *progress, double done, double total) {
  drt__mpi_progress *p = progress;
  if (drt__mpi_size() == 1)
    return drt__cli_progress_report(p->local, done, total);
#ifdef DRT_HAVE_MPI
  if (drt__mpi_rank() > 0) {
    double t = now();
    if (t - p->last_sent >= SEND_EVERY_SECONDS) {
      p->last_sent = t;
      send_count(done, 0);
    }
    return drt__cli_progress_report(p->local, done, total);
  }
  receive_counts(p, 0);
  if (p->done) p->done[0] = done;
  return drt__cli_progress_report(p->local, all_done(p, done), p->total);
#else
  return 0;
#endif
}

void drt__mpi_progress_end(drt__mpi_progress *p, double done) {
  if (drt__mpi_size() == 1) return;
#ifdef DRT_HAVE_MPI
  if (drt__mpi_rank() > 0) {
    send_count(done, 1);
    return;
  }
  if (p->done) p->done[0] = done;
  while (p->finished < drt__mpi_size() - 1) {
    receive_counts(p, 1);
    drt__cli_progress_report(p->local, all_done(p, done), p->total);
  }
  free(p->done);
  p->done = NULL;
#endif
}

int drt__mpi_run_share(const drt__share *s) {
  drt__cli_progress local;
  drt__mpi_progress shared;
  drt__cli_progress_init(&local, s->command, s->unit, s->limit, 1);
  drt__mpi_progress_init(&shared, &local, s->total);
  int can = s->ctx && s->allocated;
  drt_status status = DRT_ENOMEM;
  if (can && !s->own_progress)
    drt_context_set_progress(s->ctx, drt__mpi_progress_report, &shared);
  if (can) status = s->work(s->data, &shared);
  if (can && !s->own_progress) drt_context_set_progress(s->ctx, NULL, NULL);
  drt__mpi_progress_end(&shared, status ? 0 : (double)s->count);
  drt__cli_progress_finish(&local);
  if (can && status) drt__cli_report(s->command, status);
  else if (s->ctx && !s->allocated)
    fprintf(stderr, "drt2d: %s: out of memory for %zu %s\n", s->command,
            s->count, s->unit);
  return !status;
}
