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
#include <pthread.h>
#include <gc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytecode.h"
#include "config.h"
#include "diag.h"
#include "explain.h"
#include "facts.h"
#include "out.h"
#include "policy.h"
#include "vm.h"

static const char usage_text[] =
    "usage: entitle COMMAND [OPTIONS] ARGS\n"
    "\n"
    "commands:\n"
    "  check FILE...                 check rule files; report every error\n"
    "  compile FILE -o OUT           compile a rule file to a program file\n"
    "  eval [--format json|text] [--no-explain] PROGRAM [CASE|-]\n"
    "                                decide one case (JSON) and explain it\n"
    "  eval --jsonl [--no-explain] [--jobs N] PROGRAM < CASES\n"
    "                                decide one case per line (N threads)\n"
    "      eval limits: --max-steps N (loop steps a case may take, 50000000),\n"
    "      --max-items N (items in one list, 100000), --max-case-bytes N\n"
    "      (bytes of one case, 67108864)\n"
    "  test [--coverage] FILE...     run the tests written in rule files\n"
    "  disasm PROGRAM                list a program's code\n"
    "  help                          this text\n"
    "  version                       the version of entitle\n"
    "\n"
    "PROGRAM is a rule file or a compiled program. Exit status: 0 success,\n"
    "1 errors in a rule file, 2 an invalid case, 3 failed tests, 64 usage,\n"
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
   read at all. */
static int load_failed(diag *d) {
  diag_print(d, stderr);
  for (diag_msg *m = d->first; m; m = m->next)
    if (m->severity == DIAG_ERROR && !strncmp(m->text, "cannot read", 11))
      return EXIT_IO;
  return EXIT_RULES;
}

static int cmd_check(int argc, char **argv) {
  if (argc < 1) return usage("check: name at least one rule file");
  int rc = EXIT_OK;
  for (int i = 0; i < argc; i++) {
    diag *d = diag_new();
    ent_program *p = policy_compile(d, argv[i], NULL, 0, NULL);
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
static char *slurp(FILE *f, size_t *len, size_t max) {
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

static void case_error(const char *name, const facts_error *e) {
  fprintf(stderr, "%s:%d:%d: error: %s\n", name, e->line, e->col,
          e->message);
}

static const char *vm_error_text(int rc) {
  switch (rc) {
  case VM_INVALID: return "the case does not meet a requirement";
  case VM_BUDGET: return "the case needs more evaluation steps than allowed";
  case VM_MEMORY: return "out of memory";
  default: return "internal error in the evaluator";
  }
}

/* One line of input for --jsonl, from a reused buffer. */
typedef struct {
  FILE *f;
  char *buf;
  size_t cap, start, end;
  int eof, error;
  size_t max;          /* longest line kept; longer ones are skipped */
  int skipping;        /* inside a line longer than 'max' */
} lines;

/* Returns 1 with the next line, 2 for a line longer than the limit
   (skipped, so that memory stays bounded), 0 at the end. */
static int next_line(lines *l, char **line, size_t *len) {
  for (;;) {
    char *nl = l->end > l->start
                   ? memchr(l->buf + l->start, '\n', l->end - l->start)
                   : NULL;
    if (l->skipping) {
      if (!nl) {
        l->start = l->end;
        if (l->eof) {
          l->skipping = 0;
          return 2;
        }
      } else {
        l->start = (size_t)(nl - l->buf) + 1;
        l->skipping = 0;
        return 2;
      }
    } else if (!nl && l->end - l->start > l->max) {
      l->skipping = 1;
      continue;
    } else if (nl && (size_t)(nl - (l->buf + l->start)) > l->max) {
      l->start = (size_t)(nl - l->buf) + 1;
      return 2;
    }
    if (nl) {
      *line = l->buf + l->start;
      *len = (size_t)(nl - *line);
      l->start = (size_t)(nl - l->buf) + 1;
      return 1;
    }
    if (l->eof) {
      if (l->skipping) continue;
      if (l->end > l->start) {
        *line = l->buf + l->start;
        *len = l->end - l->start;
        l->start = l->end;
        return 1;
      }
      return 0;
    }
    /* Move the partial line to the front, grow if it fills the buffer. */
    if (l->start > 0) {
      memmove(l->buf, l->buf + l->start, l->end - l->start);
      l->end -= l->start;
      l->start = 0;
    }
    if (l->end == l->cap) {
      size_t cap = l->cap ? l->cap * 2 : 1 << 20;
      char *nb = realloc(l->buf, cap);
      if (!nb) {
        l->error = ENOMEM;
        return 0;
      }
      l->buf = nb;
      l->cap = cap;
    }
    size_t k = fread(l->buf + l->end, 1, l->cap - l->end, l->f);
    if (k == 0) {
      if (ferror(l->f)) l->error = errno ? errno : EIO;
      l->eof = 1;
    }
    l->end += k;
  }
}

static void error_record(outbuf *o, uint64_t lineno, const facts_error *e,
                         const char *msg) {
  out_s(o, "{\"line\":");
  out_int(o, (int64_t)lineno);
  out_s(o, ",\"error\":{");
  if (e) {
    out_s(o, "\"column\":");
    out_int(o, e->col);
    out_s(o, ",\"path\":");
    out_json(o, e->path, strlen(e->path));
    out_s(o, ",\"message\":");
    out_json(o, e->message, strlen(e->message));
  } else {
    out_s(o, "\"message\":");
    out_json(o, msg, strlen(msg));
  }
  out_s(o, "}}\n");
}

/* One evaluation context: a VM and a renderer, for one thread. */
typedef struct {
  const ent_program *p;
  ent_vm *vm;
  explain_ctx *x;
  int how;
} worker;

/* Decides one line of --jsonl input into 'o'. Returns 1 if the line was
   not a valid case (an error record is written instead), 0 if decided. */
static int decide_line(worker *w, const char *line, size_t len,
                       uint64_t lineno, outbuf *o) {
  facts_error e;
  if (!line) {
    char msg[128];
    snprintf(msg, sizeof msg, "the line is longer than the limit of %llu "
             "bytes (--max-case-bytes)", (unsigned long long)w->vm->max_bytes);
    error_record(o, lineno, NULL, msg);
    return 1;
  }
  if (len && line[len - 1] == '\r') len--;
  /* A blank line is not a case, and reporting it keeps line numbers of
     input and output in step. */
  if (facts_decode(w->vm, line, len, &e)) {
    error_record(o, lineno, &e, NULL);
    return 1;
  }
  int r = vm_run(w->vm);
  if (r == VM_INVALID) {
    outbuf m;
    out_init(&m, NULL);
    explain_requirement(w->p, w->vm, &m);
    out_c(&m, 0);
    error_record(o, lineno, NULL, m.buf);
    out_free(&m);
    return 1;
  }
  if (r != VM_OK) {
    error_record(o, lineno, NULL, vm_error_text(r));
    return 1;
  }
  explain_json(w->x, w->vm, o, w->how);
  out_c(o, '\n');
  return 0;
}

/* A batch of input lines, copied out of the reader, and its results. */
typedef struct {
  char *data;
  size_t len, cap;
  size_t *start;
  unsigned char *toolong;
  uint32_t n, capn;
  uint64_t first;      /* the line number of its first line */
  outbuf out;
  uint64_t bad;
} batch;

/* Lines per batch: large enough that threads rarely wait on each other,
   small enough that results stream out steadily. */
#define BATCH_LINES 512

/* Appends a line; a NULL 'line' stands for one that was too long. */
static int batch_add(batch *b, const char *line, size_t len) {
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 1 << 20;
    while (cap < b->len + len) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) return -1;
    b->data = d;
    b->cap = cap;
  }
  if (b->n + 2 > b->capn) {
    uint32_t capn = b->capn ? b->capn * 2 : BATCH_LINES + 2;
    size_t *st = realloc(b->start, capn * sizeof *st);
    if (!st) return -1;
    b->start = st;
    unsigned char *tl = realloc(b->toolong, capn);
    if (!tl) return -1;
    b->toolong = tl;
    b->capn = capn;
  }
  b->toolong[b->n] = line == NULL;
  if (len) memcpy(b->data + b->len, line, len);
  b->start[b->n++] = b->len;
  b->len += len;
  b->start[b->n] = b->len;
  return 0;
}

static void batch_run(batch *b, worker *w) {
  b->out.len = 0;
  b->bad = 0;
  for (uint32_t i = 0; i < b->n; i++)
    b->bad += (uint64_t)decide_line(w, b->toolong[i] ? NULL
                                                   : b->data + b->start[i],
                                    b->start[i + 1] - b->start[i],
                                    b->first + i, &b->out);
}

typedef struct {
  pthread_barrier_t go, done;
  batch *round;        /* the batches of the current round, one a thread */
  worker *w;
  int n, stop;
} pool;

typedef struct {
  pool *pl;
  int id;
} pool_arg;

static void *pool_thread(void *arg) {
  pool_arg *a = arg;
  pool *pl = a->pl;
  for (;;) {
    pthread_barrier_wait(&pl->go);
    if (pl->stop) break;
    batch_run(&pl->round[a->id], &pl->w[a->id]);
    pthread_barrier_wait(&pl->done);
  }
  return NULL;
}

/* Reads up to 'n' batches; returns the number of lines read. */
static uint64_t fill(lines *L, batch *bs, int n, uint64_t *lineno) {
  uint64_t got = 0;
  for (int k = 0; k < n; k++) {
    batch *b = &bs[k];
    b->len = b->n = 0;
    b->first = *lineno + 1;
    char *line;
    size_t len;
    int r;
    while (b->n < BATCH_LINES && (r = next_line(L, &line, &len))) {
      if (r == 2) line = NULL, len = 0;
      if (batch_add(b, line, len)) {
        L->error = ENOMEM;
        return got;
      }
      (*lineno)++;
      got++;
    }
  }
  return got;
}

/* --jsonl: one case a line, one result a line, in order. With several
   jobs, threads decide batches of lines while this thread reads the next
   batches and writes the finished ones in input order. */
typedef struct {
  uint64_t steps, items, bytes;
} limits;

static void apply_limits(ent_vm *vm, const limits *lim) {
  vm->budget = lim->steps;
  vm->max_items = lim->items;
  vm->max_bytes = lim->bytes;
}

static int eval_jsonl(ent_program *p, int how, int jobs, const char *hex,
                      const limits *lim) {
  int rc = EXIT_OK;
  worker *w = calloc((size_t)jobs, sizeof *w);
  for (int i = 0; w && i < jobs; i++) {
    w[i].p = p;
    w[i].how = how;
    w[i].vm = vm_new(p);
    w[i].x = explain_new(p, hex);
    if (!w[i].vm || !w[i].x) rc = EXIT_INTERNAL;
    else apply_limits(w[i].vm, lim);
  }
  if (!w || rc) {
    fprintf(stderr, "entitle: error: out of memory\n");
    return EXIT_INTERNAL;
  }
  lines L = {stdin, NULL, 0, 0, 0, 0, 0, lim->bytes, 0};
  outbuf o;
  out_init(&o, stdout);
  uint64_t lineno = 0, bad = 0;
  if (jobs == 1) {
    char *line;
    size_t len;
    int got;
    while ((got = next_line(&L, &line, &len))) {
      bad += (uint64_t)decide_line(&w[0], got == 2 ? NULL : line, len,
                                   ++lineno, &o);
      out_maybe_flush(&o);
      if (o.error) break;
    }
    out_flush(&o);
  } else {
    batch *sets = calloc(2 * (size_t)jobs, sizeof *sets);
    pool pl;
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    pool_arg *args = calloc((size_t)jobs, sizeof *args);
    if (!sets || !th || !args) {
      fprintf(stderr, "entitle: error: out of memory\n");
      return EXIT_INTERNAL;
    }
    for (int i = 0; i < 2 * jobs; i++) out_init(&sets[i].out, NULL);
    pl.w = w;
    pl.n = jobs;
    pl.stop = 0;
    pthread_barrier_init(&pl.go, NULL, (unsigned)jobs + 1);
    pthread_barrier_init(&pl.done, NULL, (unsigned)jobs + 1);
    for (int i = 0; i < jobs; i++) {
      args[i].pl = &pl;
      args[i].id = i;
      pthread_create(&th[i], NULL, pool_thread, &args[i]);
    }
    int r = 0;
    uint64_t got = fill(&L, sets, jobs, &lineno);
    while (got && !o.error) {
      batch *cur = &sets[(r % 2) * jobs];
      pl.round = cur;
      pthread_barrier_wait(&pl.go);
      got = fill(&L, &sets[((r + 1) % 2) * jobs], jobs, &lineno);
      pthread_barrier_wait(&pl.done);
      for (int k = 0; k < jobs && !o.error; k++) {
        bad += cur[k].bad;
        if (cur[k].out.len && fwrite(cur[k].out.buf, 1, cur[k].out.len,
                                     stdout) != cur[k].out.len)
          o.error = errno ? errno : EIO;
      }
      r++;
    }
    if (!o.error && fflush(stdout)) o.error = errno ? errno : EIO;
    pl.stop = 1;
    pthread_barrier_wait(&pl.go);
    for (int i = 0; i < jobs; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&pl.go);
    pthread_barrier_destroy(&pl.done);
    for (int i = 0; i < 2 * jobs; i++) {
      free(sets[i].data);
      free(sets[i].start);
      free(sets[i].toolong);
      out_free(&sets[i].out);
    }
    free(sets);
    free(th);
    free(args);
  }
  if (o.error) {
    fprintf(stderr, "entitle: error: cannot write the results after line "
            "%llu: %s\n", (unsigned long long)lineno, strerror(o.error));
    rc = EXIT_IO;
  } else if (L.error) {
    fprintf(stderr, "entitle: error: cannot read the cases after line "
            "%llu: %s\n", (unsigned long long)lineno, strerror(L.error));
    rc = EXIT_IO;
  } else if (bad) {
    fprintf(stderr, "entitle: %llu of %llu cases could not be decided\n",
            (unsigned long long)bad, (unsigned long long)lineno);
    rc = EXIT_CASE;
  }
  free(L.buf);
  out_free(&o);
  for (int i = 0; i < jobs; i++) {
    vm_free(w[i].vm);
    explain_free(w[i].x);
  }
  free(w);
  return rc;
}

static int cmd_eval(int argc, char **argv) {
  const char *format = "json", *prog = NULL, *casef = NULL;
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
      /* The trace is always recorded (rule and decision states in case
         memory); this renders only the decisions, as --no-explain. */
      how = EXPLAIN_NONE;
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
  if (strcmp(format, "json") && strcmp(format, "text"))
    return usage("eval: --format is json or text");
  if (!prog) return usage("eval: name a program");
  if (jsonl && casef && strcmp(casef, "-"))
    return usage("eval --jsonl reads the cases from standard input");
  if (jsonl && !strcmp(format, "text"))
    return usage("eval --jsonl writes JSON only");
  diag *d = diag_new();
  ent_program *p = policy_open(d, prog);
  if (!p) return load_failed(d);
  char hex[65];
  bc_digest_hex(p, hex);
  explain_ctx *x = explain_new(p, hex);
  if (jsonl) {
    explain_free(x);
    limits lim = {max_steps, max_items, max_bytes};
    return eval_jsonl(p, how, jobs, hex, &lim);
  }
  FILE *in = stdin;
  const char *name = "<stdin>";
  if (casef && strcmp(casef, "-")) {
    struct stat st;
    in = fopen(casef, "rb");
    if (!in) {
      fprintf(stderr, "entitle: error: cannot read '%s': %s\n", casef,
              strerror(errno));
      explain_free(x);
      return EXIT_IO;
    }
    if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
      fprintf(stderr, "entitle: error: cannot read '%s': it is a directory\n",
              casef);
      fclose(in);
      explain_free(x);
      return EXIT_IO;
    }
    name = casef;
  }
  size_t len = 0;
  char *text = slurp(in, &len, max_bytes);
  if (in != stdin) fclose(in);
  if (!text) {
    fprintf(stderr, "entitle: error: cannot read '%s': %s\n", name,
            strerror(errno ? errno : EIO));
    explain_free(x);
    return EXIT_IO;
  }
  ent_vm *vm = vm_new(p);
  facts_error e;
  int rc = EXIT_OK;
  if (vm) {
    limits lim = {max_steps, max_items, max_bytes};
    apply_limits(vm, &lim);
  }
  if (!vm) {
    fprintf(stderr, "entitle: error: out of memory\n");
    rc = EXIT_INTERNAL;
  } else if (facts_decode(vm, text, len, &e)) {
    case_error(name, &e);
    rc = EXIT_CASE;
  } else {
    int r = vm_run(vm);
    if (r == VM_INVALID) {
      outbuf m;
      out_init(&m, NULL);
      explain_requirement(p, vm, &m);
      out_c(&m, 0);
      fprintf(stderr, "%s: error: %s\n", name, m.buf);
      out_free(&m);
      rc = EXIT_CASE;
    } else if (r != VM_OK) {
      fprintf(stderr, "%s: error: %s\n", name, vm_error_text(r));
      rc = r == VM_BUDGET ? EXIT_CASE : EXIT_INTERNAL;
    } else {
      outbuf o;
      out_init(&o, stdout);
      if (!strcmp(format, "json")) {
        explain_json(x, vm, &o, how);
        out_c(&o, '\n');
      } else {
        explain_text(x, vm, &o);
      }
      if (out_flush(&o)) {
        fprintf(stderr, "entitle: error: cannot write the result: %s\n",
                strerror(o.error));
        rc = EXIT_IO;
      }
      out_free(&o);
    }
  }
  free(text);
  vm_free(vm);
  explain_free(x);
  return rc;
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
