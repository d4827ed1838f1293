/*
** serve_log.c: the decision log of entitle serve, with group commit.
**
** Requests append their lines to a queue in memory and wait; one thread
** takes the whole queue, writes it with one write() and makes it durable
** with one fdatasync(), then wakes every request whose line it synced.
** While it syncs, the next requests queue up behind it: the more requests
** at once, the more lines share a sync. A request is answered only once
** woken, so every decision a client received is in the log, and after a
** crash at most the last line is incomplete.
**
** The same thread rotates the file when it has grown past its limit,
** between two writes: never while lines are being written.
*/
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  uint64_t seq;
  void *waiter;
} log_wait;

struct serve_log {
  pthread_mutex_t mu;
  pthread_cond_t cv;           /* lines queued, or stop */
  pthread_t thread;
  int fd;
  char *path;
  uint64_t size, max_bytes;
  outbuf queue;                /* lines not yet taken by the thread */
  uint64_t queued, synced;     /* sequence numbers */
  log_wait *waits;             /* requests waiting for their lines */
  size_t nwaits, capwaits;
  int failed, stop;
  serve_log_wake *wake;
};

/* Makes the directory entry of 'path' durable: a new or renamed file
   would otherwise be lost in a crash with its contents synced. */
static void sync_dir(const char *path) {
  char *copy = strdup(path);
  if (!copy) return;
  int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  free(copy);
}

static int open_file(serve_log *l) {
  /* 0600: the log holds the facts of cases. */
  l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (l->fd < 0) return -1;
  struct stat st;
  l->size = fstat(l->fd, &st) ? 0 : (uint64_t)st.st_size;
  sync_dir(l->path);
  return 0;
}

/* Renames the full log to PATH.N, the first N not taken, and starts a new
   one. On failure the old file goes on growing. */
static void rotate(serve_log *l) {
  size_t n = strlen(l->path) + 24;
  char *to = malloc(n);
  if (!to) return;
  struct stat st;
  for (unsigned k = 1;; k++) {
    snprintf(to, n, "%s.%u", l->path, k);
    if (stat(to, &st)) break;
  }
  if (rename(l->path, to)) {
    fprintf(stderr, "entitle serve: cannot rotate the log to '%s': %s\n", to,
            strerror(errno));
    free(to);
    return;
  }
  int old = l->fd;
  if (open_file(l)) {
    fprintf(stderr, "entitle serve: cannot open a new log '%s': %s\n",
            l->path, strerror(errno));
    l->fd = old;
    l->failed = 1;
  } else {
    close(old);
  }
  free(to);
}

static int write_all(int fd, const char *s, size_t n) {
  while (n) {
    ssize_t k = write(fd, s, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    s += k;
    n -= (size_t)k;
  }
  return 0;
}

/* Wakes the waiters whose lines are synced (all of them once the log has
   failed: they answer 500). Called with the lock held; the wakes run
   after it is released, as they take the HTTP library's locks. */
static size_t take_woken(serve_log *l, log_wait *out, size_t cap) {
  size_t n = 0, keep = 0;
  for (size_t i = 0; i < l->nwaits; i++) {
    if ((l->failed || l->waits[i].seq <= l->synced) && n < cap)
      out[n++] = l->waits[i];
    else
      l->waits[keep++] = l->waits[i];
  }
  l->nwaits = keep;
  return n;
}

static void *log_thread(void *arg) {
  serve_log *l = arg;
  outbuf batch;
  out_init(&batch, NULL);
  size_t capwoken = 256;
  log_wait *woken = malloc(capwoken * sizeof *woken);
  pthread_mutex_lock(&l->mu);
  for (;;) {
    while (!l->queue.len && !l->stop) pthread_cond_wait(&l->cv, &l->mu);
    if (!l->queue.len && l->stop) break;
    /* Take the whole queue: its lines share one write and one sync. */
    outbuf t = batch;
    batch = l->queue;
    l->queue = t;
    l->queue.len = 0;
    uint64_t upto = l->queued;
    int failed = l->failed;
    pthread_mutex_unlock(&l->mu);
    int err = 0;
    if (batch.len && !failed) {
      err = write_all(l->fd, batch.buf, batch.len) || fdatasync(l->fd);
      if (err)
        fprintf(stderr, "entitle serve: cannot write the decision log '%s': "
                "%s; no decision is answered from now on\n", l->path,
                strerror(errno));
      l->size += batch.len;
    }
    batch.len = 0;
    pthread_mutex_lock(&l->mu);
    if (err) l->failed = 1;
    else l->synced = upto;
    if (l->nwaits > capwoken) {
      log_wait *nw = realloc(woken, l->nwaits * sizeof *nw);
      if (nw) woken = nw, capwoken = l->nwaits;
    }
    size_t n = woken ? take_woken(l, woken, capwoken) : 0;
    int full = l->max_bytes && l->size >= l->max_bytes && !l->failed;
    pthread_mutex_unlock(&l->mu);
    for (size_t i = 0; i < n; i++) l->wake(woken[i].waiter);
    if (full) rotate(l);
    pthread_mutex_lock(&l->mu);
  }
  pthread_mutex_unlock(&l->mu);
  out_free(&batch);
  free(woken);
  return NULL;
}

serve_log *serve_log_open(const char *path, uint64_t max_bytes,
                          serve_log_wake *wake) {
  serve_log *l = calloc(1, sizeof *l);
  if (!l || !(l->path = strdup(path))) {
    free(l);
    fprintf(stderr, "entitle serve: out of memory\n");
    return NULL;
  }
  l->max_bytes = max_bytes;
  l->wake = wake;
  out_init(&l->queue, NULL);
  if (open_file(l)) {
    fprintf(stderr, "entitle serve: cannot open the decision log '%s': %s\n",
            path, strerror(errno));
    free(l->path);
    free(l);
    return NULL;
  }
  pthread_mutex_init(&l->mu, NULL);
  pthread_cond_init(&l->cv, NULL);
  if (pthread_create(&l->thread, NULL, log_thread, l)) {
    fprintf(stderr, "entitle serve: cannot start the log's thread\n");
    close(l->fd);
    free(l->path);
    free(l);
    return NULL;
  }
  return l;
}

uint64_t serve_log_append(serve_log *l, const char *line, size_t len) {
  pthread_mutex_lock(&l->mu);
  uint64_t seq = 0;
  if (!l->failed) {
    size_t was = l->queue.len;
    out_mem(&l->queue, line, len);
    out_c(&l->queue, '\n');
    if (l->queue.error) {
      l->queue.len = was;
      l->queue.error = 0;
    } else {
      seq = ++l->queued;
      pthread_cond_signal(&l->cv);
    }
  }
  pthread_mutex_unlock(&l->mu);
  return seq;
}

int serve_log_wait(serve_log *l, uint64_t seq, void *waiter,
                   void (*lock)(void *), void *arg) {
  pthread_mutex_lock(&l->mu);
  int wait = seq > l->synced && !l->failed;
  if (wait && l->nwaits == l->capwaits) {
    size_t cap = l->capwaits ? 2 * l->capwaits : 64;
    log_wait *w = realloc(l->waits, cap * sizeof *w);
    if (w) l->waits = w, l->capwaits = cap;
    else {
      l->failed = 1;
      wait = 0;
    }
  }
  if (wait) {
    l->waits[l->nwaits++] = (log_wait){seq, waiter};
    if (lock) lock(arg);
    pthread_cond_signal(&l->cv);
  }
  pthread_mutex_unlock(&l->mu);
  return wait;
}

int serve_log_durable(serve_log *l, uint64_t seq) {
  pthread_mutex_lock(&l->mu);
  int ok = seq <= l->synced;
  pthread_mutex_unlock(&l->mu);
  return ok;
}

int serve_log_failed(serve_log *l) {
  pthread_mutex_lock(&l->mu);
  int f = l->failed;
  pthread_mutex_unlock(&l->mu);
  return f;
}

void serve_log_close(serve_log *l) {
  if (!l) return;
  pthread_mutex_lock(&l->mu);
  l->stop = 1;
  pthread_cond_signal(&l->cv);
  pthread_mutex_unlock(&l->mu);
  pthread_join(l->thread, NULL);
  fdatasync(l->fd);
  close(l->fd);
  pthread_mutex_destroy(&l->mu);
  pthread_cond_destroy(&l->cv);
  out_free(&l->queue);
  free(l->waits);
  free(l->path);
  free(l);
}
