/*
** cli.c: the subcommands: check, compile, eval, test, disasm.
**
** Each subcommand parses its own options, calls the library's stages and
** maps their outcome to one of the documented exit statuses. Output goes
** through one buffered writer; a write error (such as a closed pipe) ends
** the run with EXIT_IO and a message, never a crash.
*/
#include "cli.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <gc.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "bytecode.h"
#include "config.h"
#include "diag.h"
#include "explain.h"
#include "facts.h"
#include "fmt.h"
#include "lsp.h"
#include "out.h"
#include "policy.h"
#include "sema.h"
#include "serve.h"
#include "vm.h"

static const char usage_text[] =
    "usage: entitle COMMAND [OPTIONS] ARGS\n"
    "\n"
    "commands:\n"
    "  check [--strict] FILE...      check rule files; report every error\n"
    "  compile FILE -o OUT           compile a rule file to a program file\n"
    "  eval [--format json|text|record] [--no-explain] PROGRAM [CASE|-]\n"
    "                                decide one case (JSON) and explain it\n"
    "  eval --jsonl [--format json|record] [--no-explain] [--jobs N] PROGRAM < CASES\n"
    "                                decide one case per line (N threads)\n"
    "  eval --format html PROGRAM [CASE|-]\n"
    "  eval --jsonl --format html --out DIR PROGRAM < CASES\n"
    "                                decision reports: a page per case, and\n"
    "                                for a batch an index in DIR\n"
    "      eval limits: --max-steps N (loop steps a case may take, 50000000),\n"
    "      --max-items N (items in one list, 100000), --max-case-bytes N\n"
    "      (bytes of one case, 67108864)\n"
    "  explain [--format text|json|html] [--out DIR] PROGRAM RECORDS\n"
    "                                render kept decision records\n"
    "  verify PROGRAM CASES RECORDS  decide the cases again and compare them\n"
    "                                with their records\n"
    "  needs [--format json|text] PROGRAM [CASE|-]\n"
    "                                for a partial case: what is decided, and\n"
    "                                the facts still needed, most useful first\n"
    "  diff [--format text|jsonl|html] OLD NEW CASES\n"
    "                                decide each case (one per line) under\n"
    "                                both programs; report what changed\n"
    "                                (exit 0 nothing, 1 something changed)\n"
    "  serve [--listen HOST:PORT] [--log FILE] [--tokens FILE] [--threads N]\n"
    "        [--max-body BYTES] POLICY...\n"
    "                                decide cases over HTTP (doc/serve.md)\n"
    "  test [--coverage] FILE...     run the tests written in rule files\n"
    "  doc [--format html] [--out FILE] FILE\n"
    "                                a rule file (plain or literate) as a\n"
    "                                page to read: text, rules, examples\n"
    "  disasm PROGRAM                list a program's code\n"
    "  fmt [--check|--write] FILE... print rule files in their canonical\n"
    "                                layout, or check or rewrite them\n"
    "  lsp                           a language server on standard input and\n"
    "                                output, for editors (doc/lsp.md)\n"
    "  help                          this text\n"
    "  version                       the version of entitle\n"
    "\n"
    "PROGRAM is a rule file or a compiled program. Exit status: 0 success,\n"
    "1 errors in a rule file, 2 an invalid case, 3 failed tests, 4 a record\n"
    "that does not match, 64 usage, 65 errors in a rule file given to diff,\n"
    "70 internal error, 74 input or output error.\n";

static int usage(const char *msg) {
  if (msg) fprintf(stderr, "entitle: %s\n", msg);
  fputs(usage_text, stderr);
  return EXIT_USAGE;
}

static int report(diag *d) {
  diag_print(d, stderr);
  return d->nerrors ? EXIT_RULES : EXIT_OK;
}

/* Loading failures are rule-file errors unless the file could not be
   read at all (the kinds of the errors say which). */
static int load_failed(diag *d) {
  diag_print(d, stderr);
  int st = diag_status(d);
  return st ? st : EXIT_RULES;
}

/* --strict: every warning is an error, and so is a default that cites
   no policy text (sema_check_strict). */
static int cmd_check(int argc, char **argv) {
  int strict = argc > 0 && !strcmp(argv[0], "--strict");
  argc -= strict;
  argv += strict;
  if (argc < 1) return usage("check: name at least one rule file");
  int rc = EXIT_OK;
  for (int i = 0; i < argc; i++) {
    diag *d = diag_new();
    struct sema *s = NULL;
    ent_program *p = policy_compile(d, argv[i], NULL, 0, &s);
    if (p && strict) sema_check_strict(s);
    int r = p ? report(d) : load_failed(d);
    if (r > rc) rc = r;
  }
  return rc;
}

static int write_file(const char *path, const void *data, size_t n) {
  char *tmp = GC_MALLOC_ATOMIC(strlen(path) + 16);
  sprintf(tmp, "%s.tmp%d", path, (int)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    fprintf(stderr, "entitle: error: cannot write '%s': %s\n", path,
            strerror(errno));
    return EXIT_IO;
  }
  int ok = fwrite(data, 1, n, f) == n;
  ok = !fclose(f) && ok;
  if (!ok || rename(tmp, path)) {
    fprintf(stderr, "entitle: error: cannot write '%s': %s\n", path,
            strerror(errno));
    remove(tmp);
    return EXIT_IO;
  }
  return EXIT_OK;
}

static int cmd_compile(int argc, char **argv) {
  const char *in = NULL, *outp = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o")) {
      if (i + 1 >= argc) return usage("compile: -o needs a file name");
      outp = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return usage("compile: unknown option");
    } else if (in) {
      return usage("compile: one rule file at a time");
    } else {
      in = argv[i];
    }
  }
  if (!in || !outp) return usage("compile: name a rule file and -o OUT");
  diag *d = diag_new();
  ent_program *p = policy_compile(d, in, NULL, 0, NULL);
  if (!p) return load_failed(d);
  diag_print(d, stderr);
  outbuf o;
  out_init(&o, NULL);
  bc_save(p, &o);
  int rc = write_file(outp, o.buf, o.len);
  out_free(&o);
  return rc;
}

static int cmd_disasm(int argc, char **argv) {
  if (argc != 1) return usage("disasm: name one program");
  diag *d = diag_new();
  ent_program *p = policy_open(d, argv[0]);
  if (!p) return load_failed(d);
  outbuf o;
  out_init(&o, stdout);
  bc_disasm(p, &o);
  if (out_flush(&o)) {
    fprintf(stderr, "entitle: error: cannot write the listing: %s\n",
            strerror(o.error));
    out_free(&o);
    return EXIT_IO;
  }
  out_free(&o);
  return EXIT_OK;
}

/* Reads all of 'f', but no more than 'max' + 1 bytes: a longer input is
   refused by the decoder without being read whole. */
char *cli_slurp(FILE *f, size_t *len, size_t max) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (n == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        return NULL;
      }
      buf = nb;
    }
    size_t k = fread(buf + n, 1, cap - n, f);
    if (!k) break;
    n += k;
    if (n > max) break;
  }
  if (ferror(f)) {
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

/* One problem of a case in an error record: its column, path and
   message. */

/* Whether input is waiting on 'fd' now: a read would not block. */
static int input_ready(int fd) {
  struct pollfd pf = {fd, POLLIN, 0};
  return poll(&pf, 1, 0) != 0;
}

/* Reads what input has, up to 'n' bytes, into 'at': fewer when fewer are
   there, so that a program which sends one case and waits for its result
   gets it. Returns the bytes read, 0 at the end, or -1 with errno. */
static ssize_t read_input(int fd, char *at, size_t n) {
  for (;;) {
    ssize_t k = read(fd, at, n);
    if (k >= 0 || errno != EINTR) return k;
  }
}


typedef struct {
  uint64_t steps, items, bytes;
} limits;

/* The library's context (api.h) with the command's limits, for 'fmt':
   the command decides and renders as libentitle does. NULL if out of
   memory. */
static ent_context *eval_context(const ent_program *p, const char *hex,
                                 api_format fmt, const limits *lim) {
  ent_context *c = api_context_new(p, hex, fmt == API_RECORD);
  if (c) api_set_limits(c, lim->steps, lim->items, lim->bytes);
  return c;
}

/* One thread's evaluation context, and what it renders. */
typedef struct {
  ent_context *c;
  api_format fmt;
  uint64_t max_bytes;  /* --max-case-bytes, for the line too long */
} worker;

/* Returns 0, or -1 if out of memory. Each thread makes its own worker,
   so that its blocks come from that thread's allocator arena instead of
   lying between another worker's, in cache lines both threads write:
   with all workers made by one thread, deciding took 6% longer. */
static int worker_init(worker *w, const ent_program *p, api_format fmt,
                       const char *hex, const limits *lim) {
  w->fmt = fmt;
  w->max_bytes = lim->bytes;
  w->c = eval_context(p, hex, fmt, lim);
  return w->c ? 0 : -1;
}

static void worker_free(worker *w) { ent_context_free(w->c); }

/* Decides one line of --jsonl input into 'o'. Returns 1 if the line was
   not a valid case (an error record is written instead), 0 if decided. */
static int decide_line(worker *w, const char *line, size_t len,
                       uint64_t lineno, outbuf *o) {
  if (!line) {
    char msg[128];
    snprintf(msg, sizeof msg, "the line is longer than the limit of %llu "
             "bytes (--max-case-bytes)", (unsigned long long)w->max_bytes);
    api_error_line(o, lineno, NULL, msg);
    return 1;
  }
  if (len && line[len - 1] == '\r') len--;
  /* A blank line is not a case, and reporting it keeps line numbers of
     input and output in step. */
  api_outcome r = api_decide(w->c, line, len);
  if (r == API_REFUSED) {
    api_error_line(o, lineno, api_case_error(w->c), NULL);
    return 1;
  }
  if (r != API_DECIDED) {
    api_error_line(o, lineno, NULL, api_reason(w->c));
    return 1;
  }
  /* Rendered straight into the batch's results: no copy. */
  if (api_render(w->c, w->fmt, o)) {
    api_error_line(o, lineno, NULL, "out of memory");
    return 1;
  }
  out_c(o, '\n');
  return 0;
}

/* The input of --jsonl. Lines are read straight into the buffer of the
   batch that will decide them, and so are not copied; only the start of
   a line that a read cut in two is carried over to the next batch. A line
   longer than the limit is skipped as it comes, never held whole. */
typedef struct {
  int fd;
  size_t max;          /* longest line kept; longer ones are skipped */
  char *carry;         /* the start of the line the last read cut */
  size_t ncarry, capcarry;
  int eof, error;
  int skipping;        /* inside a line longer than 'max' */
  uint64_t lineno;     /* lines handed out so far */
} reader;

/* A line of a batch; one longer than the limit has no text. */
typedef struct {
  size_t off, len;
  int toolong;
} span;

/* A batch of whole input lines and its results. Batches are decided by
   different threads side by side, so each has cache lines of its own. */
typedef struct {
  _Alignas(128) char *data;
  size_t len, cap;
  span *line;
  size_t n, capn;
  uint64_t first;      /* the line number of its first line */
  uint64_t ticket;     /* its place in the order results go out */
  outbuf out;
  uint64_t bad;
  int done;            /* decided, its results not yet written */
} batch;

/* Input read for one batch: enough cases that the locks and the hand-over
   of results cost little beside deciding them, few enough that results
   stream out steadily and little memory is held (128 to 256 KiB were the
   fastest on 2 KiB cases; 32 KiB and 1 MiB were slower). */
#define BATCH_BYTES (256 * 1024)

/* Makes room for 'n' more bytes of text. */
static int batch_room(batch *b, size_t n) {
  if (b->cap - b->len >= n) return 0;
  size_t cap = b->cap ? b->cap : BATCH_BYTES;
  while (cap - b->len < n) cap *= 2;
  char *d = realloc(b->data, cap);
  if (!d) return -1;
  b->data = d;
  b->cap = cap;
  return 0;
}

/* Records a line of the text; one too long has no text. */
static int batch_add(batch *b, size_t off, size_t len, int toolong) {
  if (b->n == b->capn) {
    size_t capn = b->capn ? b->capn * 2 : 1024;
    span *s = realloc(b->line, capn * sizeof *s);
    if (!s) return -1;
    b->line = s;
    b->capn = capn;
  }
  b->line[b->n++] = (span){off, len, toolong};
  return 0;
}

/* Keeps the start of a cut line for the next batch. */
static int carry_over(reader *R, const char *s, size_t n) {
  if (n > R->capcarry) {
    size_t cap = R->capcarry ? R->capcarry : 4096;
    while (cap < n) cap *= 2;
    char *c = realloc(R->carry, cap);
    if (!c) return -1;
    R->carry = c;
    R->capcarry = cap;
  }
  if (n) memcpy(R->carry, s, n);
  R->ncarry = n;
  return 0;
}

/* Reads the next batch of whole lines into 'b' (under the input lock).
   Returns the number of lines, 0 at the end of the input. */
static size_t fill(reader *R, batch *b) {
  /* A batch grown for a long line gives the memory back. */
  if (b->cap > 4 * BATCH_BYTES && R->ncarry <= BATCH_BYTES) {
    free(b->data);
    b->data = NULL;
    b->cap = 0;
  }
  b->len = b->n = 0;
  b->first = R->lineno + 1;
  if (batch_room(b, R->ncarry > BATCH_BYTES ? R->ncarry : BATCH_BYTES))
    goto nomem;
  if (R->ncarry) memcpy(b->data, R->carry, R->ncarry);
  b->len = R->ncarry;
  R->ncarry = 0;
  size_t start = 0, scan = 0, taken = 0;
  for (;;) {
    char *nl = b->len > scan ? memchr(b->data + scan, '\n', b->len - scan)
                             : NULL;
    if (nl) {
      size_t end = (size_t)(nl - b->data);
      int r = R->skipping ? batch_add(b, 0, 0, 1)
                          : batch_add(b, start, end - start,
                                      end - start > R->max);
      if (r) goto nomem;
      R->skipping = 0;
      start = scan = end + 1;
      continue;
    }
    /* The text of a line too long to keep is dropped as it comes. */
    if (R->skipping || b->len - start > R->max) {
      R->skipping = 1;
      b->len = start;
    }
    scan = b->len;
    if (R->eof) {
      if (R->skipping || b->len > start) {
        if (batch_add(b, start, b->len - start, R->skipping)) goto nomem;
        R->skipping = 0;
        start = b->len;
      }
      break;
    }
    /* Skipped text counts too: a run of long lines still makes batches.
       A batch also ends when it has lines and no more input is there:
       a program waiting for their results gets them. */
    if (b->n && (b->len == b->cap || taken >= BATCH_BYTES ||
                 !input_ready(R->fd)))
      break;
    if (b->len == b->cap && batch_room(b, b->cap)) goto nomem;
    ssize_t k = read_input(R->fd, b->data + b->len, b->cap - b->len);
    if (k <= 0) {
      if (k < 0) R->error = errno ? errno : EIO;
      R->eof = 1;
    } else {
      b->len += (size_t)k;
      taken += (size_t)k;
    }
  }
  if (carry_over(R, b->data + start, b->len - start)) goto nomem;
  R->lineno += b->n;
  return b->n;
nomem:
  /* The lines read whole are still decided. */
  R->error = ENOMEM;
  R->eof = 1;
  R->skipping = 0;
  R->ncarry = 0;
  R->lineno += b->n;
  return b->n;
}

/* The threads of --jsonl --jobs N, the calling thread among them. Each
   takes the next batch and its ticket under the input lock, decides the
   batch alone, and leaves it done. Results go out in ticket order: the
   thread that finds the next ticket to write done writes it, and those
   after it that are done too. A batch's slot is read into again only
   once its results are written, so a thread can run ahead of a slow one
   by a few batches, not without bound. */
typedef struct {
  pthread_mutex_t in;  /* the reader and 'next' */
  reader *R;
  uint64_t next;       /* the ticket of the next batch read */
  pthread_mutex_t out; /* the slots' 'done', 'turn' and what was written */
  pthread_cond_t freed;
  batch *slot;         /* ticket t is read into slot[t % nslot] */
  uint64_t nslot;
  uint64_t turn;       /* the ticket whose results go out next */
  int writing;         /* a thread is writing results */
  uint64_t bad;
  int error;           /* errno of the first failed write */
  uint64_t errline;    /* the last line of the results not written */
  atomic_int stop;     /* a write failed: every thread ends */
  const ent_program *p; /* what each thread's worker is made of */
  api_format fmt;
  const char *hex;
  const limits *lim;
} pool;

/* Writes what 'o' holds to the standard output; 0, or the errno. */
static int write_out(outbuf *o) {
  errno = 0;
  /* Flushed each time: a program waiting for these results gets them
     now, not when a buffer fills. */
  if (o->len && (fwrite(o->buf, 1, o->len, stdout) != o->len ||
                 fflush(stdout)))
    return errno ? errno : EIO;
  return 0;
}

/* Results a batch holds before it writes them out while still deciding,
   when its turn to write has come; and, if its turn has not come, the
   amount at which it waits for its turn. A batch is a few hundred cases
   and most results are a few KB, but a large policy's explanations can
   be megabytes a case, and a batch held whole took gigabytes. */
#ifndef PART_BYTES /* the sanitizer build of scripts/test makes them small */
#define PART_BYTES (4u << 20)
#define WAIT_BYTES (64u << 20)
#endif

/* Writes 'o' out, the output lock released meanwhile (the caller holds
   it, and 'writing' is set); a failure stops the run, naming 'line' as
   the last line whose results were not written. */
static void pool_write(pool *pl, outbuf *o, uint64_t line) {
  pthread_mutex_unlock(&pl->out);
  int err = o->error ? o->error : write_out(o);
  pthread_mutex_lock(&pl->out);
  if (err) {
    pl->error = err;
    pl->errline = line;
    atomic_store(&pl->stop, 1);
  }
}

/* Writes the results 'b' has so far, if its turn has come (or, when it
   holds WAIT_BYTES, once it has come), so that they are not all held
   until the batch is done. */
static void pool_part(pool *pl, batch *b, uint64_t line) {
  pthread_mutex_lock(&pl->out);
  while (b->out.len >= WAIT_BYTES && !atomic_load(&pl->stop) &&
         (pl->turn != b->ticket || pl->writing))
    pthread_cond_wait(&pl->freed, &pl->out);
  if (pl->turn == b->ticket && !pl->writing && !atomic_load(&pl->stop)) {
    pl->writing = 1;
    pool_write(pl, &b->out, line);
    b->out.len = 0;
    pl->writing = 0;
    pthread_cond_broadcast(&pl->freed);
  }
  pthread_mutex_unlock(&pl->out);
}

/* Decides every line of 'b', unless the run is stopping. */
static void batch_run(pool *pl, batch *b, worker *w) {
  b->out.len = 0;
  b->bad = 0;
  for (size_t i = 0; i < b->n; i++) {
    if (atomic_load_explicit(&pl->stop, memory_order_relaxed)) return;
    const span *s = &b->line[i];
    b->bad += (uint64_t)decide_line(w, s->toolong ? NULL : b->data + s->off,
                                    s->len, b->first + i, &b->out);
    if (b->out.len >= PART_BYTES) pool_part(pl, b, b->first + i);
  }
}

/* Takes the next ticket and reads its batch. Returns the batch, or NULL
   at the end of the input or when the run stops. */
static batch *pool_take(pool *pl) {
  batch *b = NULL;
  pthread_mutex_lock(&pl->in);
  pthread_mutex_lock(&pl->out);
  while (pl->next >= pl->turn + pl->nslot && !atomic_load(&pl->stop))
    pthread_cond_wait(&pl->freed, &pl->out);
  pthread_mutex_unlock(&pl->out);
  if (!atomic_load(&pl->stop)) {
    b = &pl->slot[pl->next % pl->nslot];
    b->ticket = pl->next;
    if (fill(pl->R, b)) pl->next++;
    else b = NULL;
  }
  pthread_mutex_unlock(&pl->in);
  return b;
}

/* Marks 'b' done. Unless another thread is writing (it will come to
   'b'), writes the results of the next ticket while it is done, and of
   the ones after it, in order. */
static void pool_done(pool *pl, batch *b) {
  pthread_mutex_lock(&pl->out);
  b->done = 1;
  if (!pl->writing) {
    pl->writing = 1;
    batch *c;
    while (!atomic_load(&pl->stop) &&
           (c = &pl->slot[pl->turn % pl->nslot])->done) {
      pool_write(pl, &c->out, c->first + c->n - 1);
      pl->bad += c->bad;
      c->done = 0;
      pl->turn++;
      pthread_cond_broadcast(&pl->freed);
    }
    pl->writing = 0;
  }
  pthread_mutex_unlock(&pl->out);
}

static void pool_work(pool *pl, worker *w) {
  batch *b;
  while ((b = pool_take(pl))) {
    batch_run(pl, b, w);
    pool_done(pl, b);
  }
}

/* A thread that cannot make its worker leaves its share to the others. */
static void *pool_thread(void *arg) {
  pool *pl = arg;
  worker w;
  if (!worker_init(&w, pl->p, pl->fmt, pl->hex, pl->lim)) pool_work(pl, &w);
  worker_free(&w);
  return NULL;
}

/* What a --jsonl run came to. */
typedef struct {
  uint64_t lines, bad;
  int werror, rerror;  /* errno of a failed write, of a failed read */
  uint64_t wline;      /* the line after which writing failed */
} tally;

/* Batches held at once, as many again as there are threads: enough that
   a thread which decides faster than another (a core shared with other
   work, a run of costly cases) seldom waits for it. */
#define SLOTS_PER_JOB 2

/* --jsonl with 'jobs' threads, the calling one among them (with one job,
   it alone). Returns -1 if out of memory. A thread that cannot be started
   leaves its share to the others. */
static int run_pool(const ent_program *p, api_format fmt, const char *hex,
                    const limits *lim, int jobs, tally *t) {
  reader R = {fileno(stdin), lim->bytes, NULL, 0, 0, 0, 0, 0, 0};
  pool pl;
  memset(&pl, 0, sizeof pl);
  pl.R = &R;
  pl.nslot = (uint64_t)jobs * SLOTS_PER_JOB;
  atomic_init(&pl.stop, 0);
  pl.p = p;
  pl.fmt = fmt;
  pl.hex = hex;
  pl.lim = lim;
  worker w;
  pl.slot = aligned_alloc(_Alignof(batch), pl.nslot * sizeof *pl.slot);
  pthread_t *th = calloc((size_t)jobs, sizeof *th);
  if (worker_init(&w, p, fmt, hex, lim) || !pl.slot || !th) {
    worker_free(&w);
    free(pl.slot);
    free(th);
    return -1;
  }
  memset(pl.slot, 0, pl.nslot * sizeof *pl.slot);
  for (uint64_t i = 0; i < pl.nslot; i++) out_init(&pl.slot[i].out, NULL);
  pthread_mutex_init(&pl.in, NULL);
  pthread_mutex_init(&pl.out, NULL);
  pthread_cond_init(&pl.freed, NULL);
  int started = 1;
  while (started < jobs &&
         !pthread_create(&th[started], NULL, pool_thread, &pl))
    started++;
  pool_work(&pl, &w);
  for (int i = 1; i < started; i++) pthread_join(th[i], NULL);
  errno = 0;
  if (!pl.error && fflush(stdout)) {
    pl.error = errno ? errno : EIO;
    pl.errline = R.lineno;
  }
  t->lines = R.lineno;
  t->bad = pl.bad;
  t->werror = pl.error;
  t->wline = pl.errline;
  t->rerror = R.error;
  pthread_mutex_destroy(&pl.in);
  pthread_mutex_destroy(&pl.out);
  pthread_cond_destroy(&pl.freed);
  for (uint64_t i = 0; i < pl.nslot; i++) {
    free(pl.slot[i].data);
    free(pl.slot[i].line);
    out_free(&pl.slot[i].out);
  }
  free(R.carry);
  free(pl.slot);
  free(th);
  worker_free(&w);
  return 0;
}

/* --jsonl: one case a line, one result a line, in order. Deciding does
   not touch the collector, so the threads need not be known to it. */
static int eval_jsonl(ent_program *p, api_format fmt, int jobs,
                      const char *hex, const limits *lim) {
  tally t = {0, 0, 0, 0, 0};
  int r = run_pool(p, fmt, hex, lim, jobs, &t);
  if (r) {
    fprintf(stderr, "entitle: error: out of memory\n");
    return EXIT_INTERNAL;
  }
  if (t.werror) {
    fprintf(stderr, "entitle: error: cannot write the results after line "
            "%llu: %s\n", (unsigned long long)t.wline, strerror(t.werror));
    return EXIT_IO;
  }
  if (t.rerror) {
    fprintf(stderr, "entitle: error: cannot read the cases after line "
            "%llu: %s\n", (unsigned long long)t.lines, strerror(t.rerror));
    return EXIT_IO;
  }
  if (t.bad) {
    fprintf(stderr, "entitle: %llu of %llu cases could not be decided\n",
            (unsigned long long)t.bad, (unsigned long long)t.lines);
    return EXIT_CASE;
  }
  return EXIT_OK;
}

/* What --format and --no-explain or --explain ask for. */
static api_format eval_format(const char *format, int how) {
  if (!strcmp(format, "record")) return API_RECORD;
  if (!strcmp(format, "text")) return API_TEXT;
  if (!strcmp(format, "html")) return API_HTML;
  return how == EXPLAIN_NONE ? API_JSON_BARE : API_JSON;
}

/* Decides the case 'text' (read from 'name') with 'c' and writes its
   result as 'fmt' to the standard output; returns the exit status. */
static int decide_one(ent_context *c, const char *name, const char *text,
                      size_t len, api_format fmt) {
  int partial = fmt == API_NEEDS || fmt == API_NEEDS_TEXT;
  api_outcome r = partial ? api_needs(c, text, len) : api_decide(c, text, len);
  if (r == API_REFUSED) {
    api_case_problems(stderr, name, api_case_error(c));
    return EXIT_CASE;
  }
  if (r != API_DECIDED) {
    fprintf(stderr, "%s: error: %s\n", name, api_reason(c));
    return r == API_FAILED ? EXIT_INTERNAL : EXIT_CASE;
  }
  outbuf o;
  out_init(&o, stdout);
  int rc = EXIT_OK;
  if (api_render(c, fmt, &o)) {
    fprintf(stderr, "entitle: error: out of memory\n");
    rc = EXIT_INTERNAL;
  }
  /* JSON and records are one line; text and HTML end as they are. */
  else if (fmt != API_TEXT && fmt != API_HTML && fmt != API_NEEDS_TEXT)
    out_c(&o, '\n');
  if (out_flush(&o)) {
    fprintf(stderr, "entitle: error: cannot write the result: %s\n",
            strerror(o.error));
    rc = EXIT_IO;
  }
  out_free(&o);
  return rc;
}

/* eval of one case, from 'casef' or the standard input. */
static int eval_one(const ent_program *p, const char *hex, api_format fmt,
                    const limits *lim, const char *casef) {
  FILE *in = stdin;
  const char *name = "<stdin>";
  if (casef && strcmp(casef, "-")) {
    struct stat st;
    in = fopen(casef, "rb");
    if (!in) {
      fprintf(stderr, "entitle: error: cannot read '%s': %s\n", casef,
              strerror(errno));
      return EXIT_IO;
    }
    if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
      fprintf(stderr, "entitle: error: cannot read '%s': it is a directory\n",
              casef);
      fclose(in);
      return EXIT_IO;
    }
    name = casef;
  }
  size_t len = 0;
  char *text = cli_slurp(in, &len, lim->bytes);
  if (in != stdin) fclose(in);
  if (!text) {
    fprintf(stderr, "entitle: error: cannot read '%s': %s\n", name,
            strerror(errno ? errno : EIO));
    return EXIT_IO;
  }
  ent_context *c = eval_context(p, hex, fmt, lim);
  int rc;
  if (!c) {
    fprintf(stderr, "entitle: error: out of memory\n");
    rc = EXIT_INTERNAL;
  } else {
    rc = decide_one(c, name, text, len, fmt);
  }
  free(text);
  ent_context_free(c);
  return rc;
}

/* entitle needs [--format json|text] PROGRAM [CASE|-]: the interview. */
static int cmd_needs(int argc, char **argv) {
  const char *format = "json", *prog = NULL, *casef = NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--format")) {
      if (i + 1 >= argc) return usage("needs: --format needs json or text");
      format = argv[++i];
    } else if (!strncmp(a, "--format=", 9)) {
      format = a + 9;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "entitle: needs: unknown option '%s'\n", a);
      return usage(NULL);
    } else if (!prog) {
      prog = a;
    } else if (!casef) {
      casef = a;
    } else {
      return usage("needs: too many arguments");
    }
  }
  if (strcmp(format, "json") && strcmp(format, "text"))
    return usage("needs: --format is json or text");
  if (!prog) return usage("needs: name a program");
  diag *d = diag_new();
  ent_program *p = policy_open(d, prog);
  if (!p) return load_failed(d);
  char hex[65];
  bc_digest_hex(p, hex);
  limits lim = {VM_DEFAULT_BUDGET, VM_DEFAULT_MAX_ITEMS, VM_DEFAULT_MAX_BYTES};
  return eval_one(p, hex, strcmp(format, "text") ? API_NEEDS : API_NEEDS_TEXT,
                  &lim, casef);
}

static int cmd_eval(int argc, char **argv) {
  const char *format = "json", *prog = NULL, *casef = NULL, *dir = NULL;
  int jsonl = 0, how = EXPLAIN_ALL, jobs = 1;
  uint64_t max_steps = VM_DEFAULT_BUDGET, max_items = VM_DEFAULT_MAX_ITEMS;
  uint64_t max_bytes = VM_DEFAULT_MAX_BYTES;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--format")) {
      if (i + 1 >= argc) return usage("eval: --format needs json or text");
      format = argv[++i];
    } else if (!strncmp(a, "--format=", 9)) {
      format = a + 9;
    } else if (!strcmp(a, "--jsonl")) {
      jsonl = 1;
    } else if (!strcmp(a, "--out") || !strncmp(a, "--out=", 6)) {
      if (a[5] != '=' && i + 1 >= argc)
        return usage("eval: --out needs a directory");
      dir = a[5] == '=' ? a + 6 : argv[++i];
    } else if (!strcmp(a, "--jobs") || !strncmp(a, "--jobs=", 7)) {
      const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : "");
      char *end;
      long n = strtol(v, &end, 10);
      if (!*v || *end || n < 1 || n > 256)
        return usage("eval: --jobs takes a number of threads from 1 to 256");
      jobs = (int)n;
    } else if (!strncmp(a, "--max-", 6)) {
      const char *eq = strchr(a, '=');
      size_t nl = eq ? (size_t)(eq - a) : strlen(a);
      const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : "");
      char *end;
      unsigned long long n = strtoull(v, &end, 10);
      if (!*v || *end || n == 0 || *v == '-')
        return usage("eval: a limit is a positive whole number");
      if (nl == 11 && !strncmp(a, "--max-steps", nl)) max_steps = n;
      else if (nl == 11 && !strncmp(a, "--max-items", nl)) max_items = n;
      else if (nl == 16 && !strncmp(a, "--max-case-bytes", nl)) max_bytes = n;
      else return usage("eval: unknown limit: --max-steps, --max-items or "
                        "--max-case-bytes");
    } else if (!strcmp(a, "--explain=record")) {
      format = "record";
    } else if (!strcmp(a, "--no-explain")) {
      how = EXPLAIN_NONE;
    } else if (!strcmp(a, "--explain")) {
      how = EXPLAIN_ALL;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "entitle: eval: unknown option '%s'\n", a);
      return usage(NULL);
    } else if (!prog) {
      prog = a;
    } else if (!casef) {
      casef = a;
    } else {
      return usage("eval: too many arguments");
    }
  }
  if (strcmp(format, "json") && strcmp(format, "text") &&
      strcmp(format, "record") && strcmp(format, "html"))
    return usage("eval: --format is json, text, record or html");
  int html = !strcmp(format, "html");
  if (dir && !(jsonl && html))
    return usage("eval: --out DIR is for --jsonl --format html");
  if (jsonl && html && !dir)
    return usage("eval --jsonl --format html writes a report per case: name "
                 "the directory with --out DIR");
  api_format fmt = eval_format(format, how);
  if (!prog) return usage("eval: name a program");
  if (jsonl && casef && strcmp(casef, "-"))
    return usage("eval --jsonl reads the cases from standard input");
  if (jsonl && !strcmp(format, "text"))
    return usage("eval --jsonl writes JSON or records, not text");
  diag *d = diag_new();
  ent_program *p = policy_open(d, prog);
  if (!p) return load_failed(d);
  char hex[65];
  bc_digest_hex(p, hex);
  if (jsonl && html) return replay_reports(prog, dir);
  limits lim = {max_steps, max_items, max_bytes};
  if (jsonl) return eval_jsonl(p, fmt, jobs, hex, &lim);
  return eval_one(p, hex, fmt, &lim, casef);
}

int cli_main(int argc, char **argv) {
  /* A closed pipe is reported as a write error, not a silent death. */
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) return usage(NULL);
  const char *cmd = argv[1];
  argc -= 2;
  argv += 2;
  if (!strcmp(cmd, "check")) return cmd_check(argc, argv);
  if (!strcmp(cmd, "compile")) return cmd_compile(argc, argv);
  if (!strcmp(cmd, "eval")) return cmd_eval(argc, argv);
  if (!strcmp(cmd, "test")) return testrun_main(argc, argv);
  if (!strcmp(cmd, "disasm")) return cmd_disasm(argc, argv);
  if (!strcmp(cmd, "fmt")) return fmt_main(argc, argv);
  if (!strcmp(cmd, "explain")) return replay_explain(argc, argv);
  if (!strcmp(cmd, "verify")) return replay_verify(argc, argv);
  if (!strcmp(cmd, "diff")) return diff_main(argc, argv);
  if (!strcmp(cmd, "doc")) return doc_main(argc, argv);
  if (!strcmp(cmd, "serve")) return serve_main(argc, argv);
  if (!strcmp(cmd, "needs")) return cmd_needs(argc, argv);
  if (!strcmp(cmd, "lsp")) return lsp_main(argc, argv);
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("entitle %s (program format %d)\n", PACKAGE_VERSION,
           BC_FORMAT_VERSION);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    fputs(usage_text, stdout);
    return EXIT_OK;
  }
  fprintf(stderr, "entitle: unknown command '%s'\n", cmd);
  return usage(NULL);
}

int cli_usage(const char *msg) { return usage(msg); }

ent_program *cli_open(const char *path, int *status) {
  diag *d = diag_new();
  ent_program *p = policy_open(d, path);
  if (!p) *status = load_failed(d);
  return p;
}
