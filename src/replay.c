/*
** replay.c: the subcommands that read kept decision records: explain
** (render them) and verify (decide their cases again and compare); and
** the decision reports of a batch, written into a directory, whether the
** cases are decided now (eval --jsonl --format html) or read from their
** records (explain --format html --out).
**
** A record is read back into a case memory (record.c), so explain gives
** the bytes eval gives for the same case. verify decides each case with
** the program, writes its record, and compares the two record by record:
** first the program, then each decision's value by name, then the rest
** of the explanation part by part, so that what differs is named.
*/
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "explain.h"
#include "facts.h"
#include "out.h"
#include "program.h"
#include "record.h"
#include "report.h"
#include "trace.h"
#include "bytecode.h"

/* An input named on the command line: a file, or standard input for
   '-'. NULL, with the error printed, when it cannot be opened. */
static FILE *open_input(const char *name) {
  if (!strcmp(name, "-")) return stdin;
  FILE *f = fopen(name, "rb");
  struct stat st;
  if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    f = NULL;
    errno = EISDIR;
  }
  if (!f)
    fprintf(stderr, "entitle: error: cannot read '%s': %s\n", name,
            strerror(errno));
  return f;
}

/* The next line of 'f' without its end of line (and '\r'), in '*buf';
   -1 at the end of the input. */
static ssize_t next_line(FILE *f, char **buf, size_t *cap) {
  ssize_t n = getline(buf, cap, f);
  if (n < 0) return -1;
  while (n && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r')) n--;
  (*buf)[n] = 0;
  return n;
}

static int blank(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return !*s;
}

/* What both subcommands need to read records of one program. */
typedef struct {
  ent_program *p;
  ent_vm *vm;
  explain_ctx *x;
  record_ctx *rec;
} replay;

static int replay_open(replay *r, const char *prog, int *status) {
  memset(r, 0, sizeof *r);
  r->p = cli_open(prog, status);
  if (!r->p) return -1;
  char hex[65];
  bc_digest_hex(r->p, hex);
  r->vm = vm_new(r->p);
  r->x = r->vm ? explain_new(r->p, hex) : NULL;
  r->rec = r->x ? record_new(r->p, r->x) : NULL;
  if (!r->rec) {
    fprintf(stderr, "entitle: error: out of memory\n");
    *status = EXIT_INTERNAL;
    return -1;
  }
  return 0;
}

static void replay_close(replay *r) {
  record_free(r->rec);
  explain_free(r->x);
  vm_free(r->vm);
}

static int write_failed(outbuf *o) {
  fprintf(stderr, "entitle: error: cannot write the result: %s\n",
          strerror(o->error));
  return EXIT_IO;
}

/* { ====== the reports of a batch ====== */

/* The values one decision took over a batch: counted by value for the
   decisions with few values (yes or no, a choice, a set), and for money
   the total; any other only as decided or not. */
#define MAX_VALUES 24
typedef struct {
  uint32_t dec;
  char *value[MAX_VALUES + 2];
  uint64_t count[MAX_VALUES + 2];
  size_t n;
  int64_t total;       /* money: the sum of the values decided */
  int overflow;        /* ... which does not fit */
} tally_dec;

typedef struct {
  replay *r;
  const char *dir;
  tally_dec *dec;
  char **ids, **files, **errors;
  size_t n, nerrors, cap, caperr;
  outbuf page, scratch;
  int oom;
} batch;

static void count_value(tally_dec *t, const char *v) {
  for (size_t i = 0; i < t->n; i++)
    if (!strcmp(t->value[i], v)) {
      t->count[i]++;
      return;
    }
  if (t->n == MAX_VALUES) {
    v = "(other values)";
    for (size_t i = 0; i < t->n; i++)
      if (!strcmp(t->value[i], v)) {
        t->count[i]++;
        return;
      }
  }
  if (t->n > MAX_VALUES || !(t->value[t->n] = strdup(v))) return;
  t->count[t->n++] = 1;
}

static int few_values(int32_t type) {
  int k = TY_KIND(type);
  return k == TK_BOOL || k == TK_ENUM || k == TK_SET;
}

/* Adds the decisions of the case in the batch's VM to the counts. */
static void count_case(batch *b) {
  const ent_program *p = b->r->p;
  const ent_vm *vm = b->r->vm;
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    if (pd->flags & DF_INTERNAL) continue;
    ent_val base = 0, n = 1;
    if (pd->list >= 0) tr_items(p, vm, (uint32_t)pd->list, &base, &n);
    for (ent_val i = 0; i < n; i++) {
      ent_val row = pd->list >= 0 ? tr_item_row(p, (uint32_t)pd->list,
                                                base, i) : 0;
      ent_val st = tr_dec_state(vm, pd, row), v = tr_dec_value(vm, pd, row);
      tally_dec *t = &b->dec[d];
      if (!tr_decided(DS_STATUS(st))) {
        count_value(t, "(not decided)");
        continue;
      }
      if (!few_values(pd->type)) {
        count_value(t, "(decided)");
        if (TY_KIND(pd->type) == TK_MONEY &&
            __builtin_add_overflow(t->total, v, &t->total))
          t->overflow = 1;
        continue;
      }
      b->scratch.len = 0;
      explain_value_text(p, vm, pd->type, v, &b->scratch);
      out_c(&b->scratch, 0);
      if (!b->scratch.error) count_value(t, b->scratch.buf);
    }
  }
}

/* Room for one more string in '*a', which holds 'n' of '*cap'. */
static int grow(char ***a, size_t *cap, size_t n) {
  if (n < *cap) return 0;
  size_t c = *cap ? *cap * 2 : 64;
  char **m = realloc(*a, c * sizeof *m);
  if (!m) return -1;
  *a = m;
  *cap = c;
  return 0;
}

static int write_file(const char *path, const outbuf *o) {
  FILE *f = fopen(path, "wb");
  int ok = f && fwrite(o->buf, 1, o->len, f) == o->len;
  if (f && fclose(f)) ok = 0;
  if (!ok)
    fprintf(stderr, "entitle: error: cannot write '%s': %s\n", path,
            strerror(errno ? errno : EIO));
  return ok ? 0 : -1;
}

/* Writes the page of the case in the batch's VM, read from line
   'lineno'. Returns 0, or -1 when it cannot be written. */
static int batch_case(batch *b, unsigned long long lineno) {
  char file[64], path[4096];
  snprintf(file, sizeof file, "case-%06llu.html", lineno);
  snprintf(path, sizeof path, "%s/%s", b->dir, file);
  b->page.len = 0;
  report_html(b->r->x, b->r->vm, &b->page);
  if (b->page.error) {
    b->oom = 1;
    return -1;
  }
  if (write_file(path, &b->page)) return -1;
  count_case(b);
  uint32_t idn;
  const char *id = facts_case_id(b->r->vm, &idn);
  char label[600];
  snprintf(label, sizeof label, "%.*s", id ? (int)(idn < 500 ? idn : 500)
                                           : 0, id ? id : "");
  if (!id) snprintf(label, sizeof label, "(no identifier), line %llu", lineno);
  if (b->n == b->cap) {
    size_t c = b->cap ? 2 * b->cap : 64;
    char **ids = realloc(b->ids, c * sizeof *ids);
    if (ids) b->ids = ids;
    char **files = realloc(b->files, c * sizeof *files);
    if (files) b->files = files;
    if (!ids || !files) return b->oom = 1, -1;
    b->cap = c;
  }
  b->ids[b->n] = strdup(label);
  b->files[b->n] = strdup(file);
  if (!b->ids[b->n] || !b->files[b->n]) return b->oom = 1, -1;
  b->n++;
  return 0;
}

static void batch_error(batch *b, const char *name,
                        unsigned long long lineno, const char *msg) {
  fprintf(stderr, "%s:%llu: error: %s\n", name, lineno, msg);
  char line[700];
  snprintf(line, sizeof line, "Line %llu: %s", lineno, msg);
  if (grow(&b->errors, &b->caperr, b->nerrors) ||
      !(b->errors[b->nerrors] = strdup(line))) {
    b->oom = 1;
    return;
  }
  b->nerrors++;
}

static int batch_index(batch *b) {
  const ent_program *p = b->r->p;
  outbuf *o = &b->page;
  o->len = 0;
  report_index_begin(o, p, explain_digest(b->r->x));
  OUT_LIT(o, "<h2 id=\"summary\">Decisions over the batch</h2>\n<p>");
  out_int(o, (int64_t)b->n);
  out_s(o, b->n == 1 ? " case decided" : " cases decided");
  if (b->nerrors) {
    OUT_LIT(o, ", ");
    out_int(o, (int64_t)b->nerrors);
    out_s(o, b->nerrors == 1 ? " could not be" : " could not be");
  }
  OUT_LIT(o, ".</p>\n");
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    tally_dec *t = &b->dec[d];
    if ((pd->flags & DF_INTERNAL) || !t->n) continue;
    b->scratch.len = 0;
    if (pd->list >= 0) {
      out_s(&b->scratch, prog_str(p, p->fields[p->lists[pd->list].field]
                                         .path));
      OUT_LIT(&b->scratch, ".(each item).");
    }
    out_s(&b->scratch, prog_str(p, pd->name));
    if (TY_KIND(pd->type) == TK_MONEY) {
      OUT_LIT(&b->scratch, " (total of the values decided: ");
      if (t->overflow) OUT_LIT(&b->scratch, "too large to add up");
      else out_money(&b->scratch, t->total);
      out_c(&b->scratch, ')');
    }
    out_c(&b->scratch, 0);
    report_index_counts(o, b->scratch.buf, (const char *const *)t->value,
                        t->count, t->n);
  }
  report_index_cases(o, (const char *const *)b->ids,
                     (const char *const *)b->files, b->n,
                     (const char *const *)b->errors, b->nerrors);
  if (o->error) return b->oom = 1, -1;
  char path[4096];
  snprintf(path, sizeof path, "%s/index.html", b->dir);
  return write_file(path, o);
}

static int batch_open(batch *b, replay *r, const char *dir) {
  memset(b, 0, sizeof *b);
  b->r = r;
  b->dir = dir;
  out_init(&b->page, NULL);
  out_init(&b->scratch, NULL);
  b->dec = calloc(r->p->ndecisions + 1, sizeof *b->dec);
  if (!b->dec) return -1;
  for (uint32_t d = 0; d < r->p->ndecisions; d++) b->dec[d].dec = d;
  struct stat st;
  if (mkdir(dir, 0777) && (errno != EEXIST || stat(dir, &st) ||
                           !S_ISDIR(st.st_mode))) {
    fprintf(stderr, "entitle: error: cannot make the directory '%s': %s\n",
            dir, strerror(errno == EEXIST ? ENOTDIR : errno));
    return -1;
  }
  return 0;
}

static void batch_close(batch *b) {
  for (uint32_t d = 0; b->dec && d < b->r->p->ndecisions; d++)
    for (size_t i = 0; i < b->dec[d].n; i++) free(b->dec[d].value[i]);
  free(b->dec);
  for (size_t i = 0; i < b->n; i++) {
    free(b->ids[i]);
    free(b->files[i]);
  }
  for (size_t i = 0; i < b->nerrors; i++) free(b->errors[i]);
  free(b->ids);
  free(b->files);
  free(b->errors);
  out_free(&b->page);
  out_free(&b->scratch);
}

/* The reports of every line of 'in' (cases, or records when 'records'),
   into 'dir'. Returns an exit status. */
static int write_reports(replay *r, FILE *in, const char *name, int records,
                         const char *dir) {
  batch b;
  if (batch_open(&b, r, dir)) {
    batch_close(&b);
    return errno == ENOMEM ? EXIT_INTERNAL : EXIT_IO;
  }
  char *line = NULL, err[512];
  size_t cap = 0;
  ssize_t n;
  int failed = 0, bad = 0;
  for (unsigned long long lineno = 1;
       !failed && (n = next_line(in, &line, &cap)) >= 0; lineno++) {
    if (blank(line)) continue;
    if (records) {
      if (record_read(r->rec, r->vm, line, (size_t)n, err, sizeof err)) {
        batch_error(&b, name, lineno, err);
        bad = 1;
        continue;
      }
    } else {
      facts_error e;
      int rc = VM_OK;
      if (facts_decode(r->vm, line, (size_t)n, &e) ||
          (rc = vm_run(r->vm)) != VM_OK) {
        if (rc == VM_INVALID) {
          outbuf m;
          out_init(&m, NULL);
          explain_requirement(r->p, r->vm, &m);
          out_c(&m, 0);
          batch_error(&b, name, lineno, m.error ? "out of memory" : m.buf);
          out_free(&m);
        } else {
          batch_error(&b, name, lineno, rc == VM_OK ? e.message
                      : rc == VM_BUDGET ? "the case needs more evaluation "
                                          "steps than allowed (--max-steps)"
                                        : "internal error in the evaluator");
        }
        bad = 1;
        continue;
      }
    }
    failed = batch_case(&b, lineno);
  }
  free(line);
  int status = records ? EXIT_RECORD : EXIT_CASE;
  if (!failed && ferror(in)) {
    fprintf(stderr, "entitle: error: cannot read '%s': %s\n", name,
            strerror(errno));
    failed = 1;
  }
  if (!failed) failed = batch_index(&b);
  if (!failed)
    fprintf(stderr, "entitle: wrote %zu reports and %s/index.html\n", b.n,
            dir);
  status = b.oom ? EXIT_INTERNAL : failed ? EXIT_IO : bad ? status : EXIT_OK;
  if (b.oom) fprintf(stderr, "entitle: error: out of memory\n");
  batch_close(&b);
  return status;
}

int replay_reports(const char *prog, const char *dir) {
  int status = EXIT_OK;
  replay r;
  if (replay_open(&r, prog, &status)) return status;
  status = write_reports(&r, stdin, "<stdin>", 0, dir);
  replay_close(&r);
  return status;
}

/* } ====== */

/* { ====== explain ====== */

int replay_explain(int argc, char **argv) {
  const char *format = "text", *prog = NULL, *recs = NULL, *dir = NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--format") && i + 1 < argc) format = argv[++i];
    else if (!strncmp(a, "--format=", 9)) format = a + 9;
    else if (!strcmp(a, "--out") && i + 1 < argc) dir = argv[++i];
    else if (!strncmp(a, "--out=", 6)) dir = a + 6;
    else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "entitle: explain: unknown option '%s'\n", a);
      return cli_usage(NULL);
    } else if (!prog) prog = a;
    else if (!recs) recs = a;
    else return cli_usage("explain: too many arguments");
  }
  if (strcmp(format, "text") && strcmp(format, "json") &&
      strcmp(format, "html"))
    return cli_usage("explain: --format is text, json or html");
  if (dir && strcmp(format, "html"))
    return cli_usage("explain: --out DIR writes HTML reports: add --format "
                     "html");
  if (!prog || !recs)
    return cli_usage("explain: name a program and a file of records ('-' "
                     "for standard input)");
  int status = EXIT_OK;
  replay r;
  if (replay_open(&r, prog, &status)) return status;
  FILE *in = open_input(recs);
  if (!in) {
    replay_close(&r);
    return EXIT_IO;
  }
  const char *name = in == stdin ? "<stdin>" : recs;
  if (dir) {
    status = write_reports(&r, in, name, 1, dir);
    if (in != stdin) fclose(in);
    replay_close(&r);
    return status;
  }
  outbuf o;
  out_init(&o, stdout);
  char *line = NULL, err[512];
  size_t cap = 0;
  ssize_t n;
  for (unsigned long long lineno = 1;
       (n = next_line(in, &line, &cap)) >= 0; lineno++) {
    if (blank(line)) continue;
    if (record_read(r.rec, r.vm, line, (size_t)n, err, sizeof err)) {
      out_flush(&o);
      fprintf(stderr, "%s:%llu: error: %s\n", name, lineno, err);
      status = EXIT_RECORD;
      continue;
    }
    if (!strcmp(format, "json")) {
      explain_json(r.x, r.vm, &o, EXPLAIN_ALL);
      out_c(&o, '\n');
    } else if (!strcmp(format, "html")) {
      report_html(r.x, r.vm, &o);
    } else {
      explain_text(r.x, r.vm, &o);
    }
  }
  if (ferror(in)) {
    fprintf(stderr, "entitle: error: cannot read '%s': %s\n", name,
            strerror(errno));
    status = EXIT_IO;
  }
  if (out_flush(&o)) status = write_failed(&o);
  out_free(&o);
  free(line);
  if (in != stdin) fclose(in);
  replay_close(&r);
  return status;
}

/* } ====== */

/* { ====== verify ====== */

/* The records of one file by case_id, parsed once. */
typedef struct {
  json_t **rec;
  char **id;
  unsigned long long *line;
  unsigned char *used;
  size_t n, cap;
  char ***sorted;       /* the ids (pointers into 'id') in order */
} recset;

static int recset_add(recset *s, json_t *j, const char *id,
                      unsigned long long line) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 256;
    json_t **r = realloc(s->rec, cap * sizeof *r);
    if (r) s->rec = r;
    char **i = realloc(s->id, cap * sizeof *i);
    if (i) s->id = i;
    unsigned long long *l = realloc(s->line, cap * sizeof *l);
    if (l) s->line = l;
    unsigned char *u = realloc(s->used, cap);
    if (u) s->used = u;
    if (!r || !i || !l || !u) return -1;
    s->cap = cap;
  }
  s->rec[s->n] = j;
  s->id[s->n] = strdup(id);
  s->line[s->n] = line;
  s->used[s->n] = 0;
  return s->id[s->n++] ? 0 : -1;
}

/* Two entries of the sorted index: pointers to ids in the set, so that
   the comparison needs nothing but them. */
static int by_id(const void *a, const void *b) {
  return strcmp(**(char **const *)a, **(char **const *)b);
}

/* Sorts the index of the ids; -1 when out of memory. */
static int recset_sort(recset *s) {
  s->sorted = malloc((s->n + 1) * sizeof *s->sorted);
  if (!s->sorted) return -1;
  for (size_t i = 0; i < s->n; i++) s->sorted[i] = &s->id[i];
  qsort(s->sorted, s->n, sizeof *s->sorted, by_id);
  return 0;
}

/* The record of case 'id', by a binary search of the sorted index. */
static int64_t recset_find(const recset *s, const char *id) {
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(*s->sorted[mid], id);
    if (!c) return s->sorted[mid] - s->id;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

static void recset_free(recset *s) {
  for (size_t i = 0; i < s->n; i++) {
    json_decref(s->rec[i]);
    free(s->id[i]);
  }
  free(s->rec);
  free(s->id);
  free(s->line);
  free(s->used);
  free(s->sorted);
}

/* Reads every record of 'name'. Returns the number of records that
   could not be used (each reported), or -1 if the file cannot be read. */
/* Whether another record of record i's case was matched: a second record
   of a case is said once, as such, and not again as one without a case
   (rare: a scan is enough). */
static int twin_used(const recset *s, size_t i) {
  for (size_t j = 0; j < s->n; j++)
    if (j != i && s->used[j] && !strcmp(s->id[j], s->id[i])) return 1;
  return 0;
}

static long read_records(const char *name, recset *s) {
  FILE *in = open_input(name);
  if (!in) return -1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  long bad = 0;
  for (unsigned long long lineno = 1;
       (n = next_line(in, &line, &cap)) >= 0; lineno++) {
    if (blank(line)) continue;
    json_error_t je;
    json_t *j = json_loadb(line, (size_t)n, 0, &je);
    /* A line of entitle serve's decision log holds its record in
       'record' (a record's own 'record' member is its format number). */
    json_t *inner = json_object_get(j, "record");
    if (json_is_object(inner)) {
      json_incref(inner);
      json_decref(j);
      j = inner;
    }
    const char *id = json_string_value(json_object_get(j, "case_id"));
    if (!j || !id) {
      fprintf(stderr, "%s:%llu: error: %s\n", name, lineno,
              !j ? "not a record (not JSON)"
                 : "the record has no case_id: records are matched to "
                   "cases by case_id");
      json_decref(j);
      bad++;
      continue;
    }
    if (recset_add(s, j, id, lineno)) {
      json_decref(j);
      fprintf(stderr, "entitle: error: out of memory\n");
      bad = -1;
      break;
    }
  }
  free(line);
  if (in != stdin) fclose(in);
  return bad;
}

static void print_json(FILE *f, const json_t *j) {
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  fputs(s ? s : "(none)", f);
  free(s);
}

/* Every leaf of two 'decisions' objects that differs, by its name. */
static int diff_decisions(const char *id, const char *path,
                          const json_t *was, const json_t *now) {
  if (json_is_object(was) && json_is_object(now)) {
    int n = 0;
    const char *k;
    json_t *v;
    char sub[1024];
    json_object_foreach((json_t *)was, k, v) {
      snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
      n += diff_decisions(id, sub, v, json_object_get(now, k));
    }
    json_object_foreach((json_t *)now, k, v) {
      if (json_object_get(was, k)) continue;
      snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
      n += diff_decisions(id, sub, NULL, v);
    }
    return n;
  }
  if (was && now && json_equal((json_t *)was, (json_t *)now)) return 0;
  printf("case %s: %s: stored ", id, path);
  print_json(stdout, was);
  printf(", now ");
  print_json(stdout, now);
  printf("\n");
  return 1;
}

/* When the decisions agree: the first part of the explanation that does
   not, named for a person. */
static void diff_explanation(const ent_program *p, const char *id,
                             json_t *was, json_t *now) {
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(now, "facts"), k, v)
    if (!json_equal(v, json_object_get(json_object_get(was, "facts"), k))) {
      printf("case %s: the explanation differs: fact %s: stored ", id, k);
      print_json(stdout, json_object_get(json_object_get(was, "facts"), k));
      printf(", now ");
      print_json(stdout, v);
      printf("\n");
      return;
    }
  json_t *tw = json_object_get(was, "trace"), *tn = json_object_get(now,
                                                                   "trace");
  size_t i = 0;
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    if (p->decisions[d].list >= 0) continue;
    if (!json_equal(json_array_get(tw, i), json_array_get(tn, i))) {
      printf("case %s: the explanation differs: decision %s: stored ", id,
             prog_str(p, p->decisions[d].name));
      print_json(stdout, json_array_get(tw, i));
      printf(", now ");
      print_json(stdout, json_array_get(tn, i));
      printf("\n");
      return;
    }
    i++;
  }
  json_object_foreach(json_object_get(now, "lists"), k, v) {
    json_t *lw = json_object_get(json_object_get(was, "lists"), k);
    if (json_equal(v, lw)) continue;
    const char *part = !json_equal(json_object_get(v, "items"),
                                   json_object_get(lw, "items"))
                           ? "the facts of its items"
                           : "the trace of its items";
    printf("case %s: the explanation differs: list %s: %s\n", id, k, part);
    return;
  }
  printf("case %s: the record differs from the one the program makes now\n",
         id);
}

/* Compares one stored record with the one made now: 0 if they match. */
static int compare(const ent_program *p, const char *id, json_t *was,
                   json_t *now) {
  const char *pw = json_string_value(json_object_get(was, "program"));
  const char *pn = json_string_value(json_object_get(now, "program"));
  if (!pw || !pn || strcmp(pw, pn)) {
    printf("case %s: the record was made by program %s, not by this one, "
           "%s\n", id, pw ? pw : "(none)", pn);
    return 1;
  }
  if (diff_decisions(id, "", json_object_get(was, "decisions"),
                     json_object_get(now, "decisions")))
    return 1;
  if (json_equal(was, now)) return 0;
  diff_explanation(p, id, was, now);
  return 1;
}

typedef struct {
  unsigned long long cases, match, differ, errors;
} tally;

/* Decides the case of one line and compares it with its record. */
static void verify_case(replay *r, recset *s, const char *name,
                        unsigned long long lineno, const char *line,
                        size_t len, outbuf *o, tally *t) {
  facts_error e;
  t->cases++;
  if (facts_decode(r->vm, line, len, &e)) {
    fprintf(stderr, "%s:%llu:%d: error: %s\n", name, lineno, e.col,
            e.message);
    t->errors++;
    return;
  }
  uint32_t idn;
  const char *idp = facts_case_id(r->vm, &idn);
  char *id = idp ? strndup(idp, idn) : NULL;
  int64_t k = id ? recset_find(s, id) : -1;
  if (!id || k < 0) {
    fprintf(stderr, "%s:%llu: error: %s%s%s\n", name, lineno,
            id ? "case " : "the case has no case_id",
            id ? id : "", id ? " has no record" : "");
    t->errors++;
    free(id);
    return;
  }
  s->used[k] = 1;
  int rc = vm_run(r->vm);
  if (rc != VM_OK) {
    printf("case %s: the program now refuses the case (%s)\n", id,
           rc == VM_INVALID ? "a requirement is not met"
                            : "it cannot be decided");
    t->differ++;
    free(id);
    return;
  }
  o->len = 0;
  record_write(r->rec, r->vm, o);
  json_t *now = json_loadb(o->buf, o->len, 0, NULL);
  if (compare(r->p, id, s->rec[k], now)) t->differ++;
  else t->match++;
  json_decref(now);
  free(id);
}

int replay_verify(int argc, char **argv) {
  const char *arg[3] = {NULL, NULL, NULL};
  int nargs = 0;
  for (int i = 0; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "entitle: verify: unknown option '%s'\n", argv[i]);
      return cli_usage(NULL);
    }
    if (nargs == 3) return cli_usage("verify: too many arguments");
    arg[nargs++] = argv[i];
  }
  if (nargs < 3)
    return cli_usage("verify: name a program, a file of cases and a file "
                     "of records");
  if (!strcmp(arg[1], "-") && !strcmp(arg[2], "-"))
    return cli_usage("verify: the cases and the records cannot both be "
                     "standard input");
  int status = EXIT_OK;
  replay r;
  if (replay_open(&r, arg[0], &status)) return status;
  recset s = {0};
  long bad = read_records(arg[2], &s);
  FILE *in = bad < 0 ? NULL : open_input(arg[1]);
  if (!in) {
    recset_free(&s);
    replay_close(&r);
    return bad < 0 && errno == ENOMEM ? EXIT_INTERNAL : EXIT_IO;
  }
  int sorted = !recset_sort(&s);
  tally t = {0, 0, 0, (unsigned long long)bad};
  for (size_t i = 1; sorted && i < s.n; i++)
    if (!strcmp(*s.sorted[i], *s.sorted[i - 1])) {
      fprintf(stderr, "%s:%llu: error: a second record of case %s (the "
              "first is on line %llu)\n", arg[2],
              s.line[s.sorted[i] - s.id], *s.sorted[i],
              s.line[s.sorted[i - 1] - s.id]);
      t.errors++;
    }
  const char *name = in == stdin ? "<stdin>" : arg[1];
  outbuf o;
  out_init(&o, NULL);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  /* One case as eval takes it, over many lines, or one case a line. */
  size_t len;
  char *all = sorted ? cli_slurp(in, &len, SIZE_MAX) : NULL;
  json_t *one = all ? json_loadb(all, len, 0, NULL) : NULL;
  if (json_is_object(one)) {
    verify_case(&r, &s, name, 1, all, len, &o, &t);
  } else if (all && len) {
    FILE *lines = fmemopen(all, len, "r");
    for (unsigned long long lineno = 1;
         lines && (n = next_line(lines, &line, &cap)) >= 0; lineno++)
      if (!blank(line))
        verify_case(&r, &s, name, lineno, line, (size_t)n, &o, &t);
    if (lines) fclose(lines);
  }
  json_decref(one);
  free(all);
  for (size_t i = 0; sorted && i < s.n; i++)
    if (!s.used[i] && !twin_used(&s, i)) {
      fprintf(stderr, "%s:%llu: error: the record of case %s has no case\n",
              arg[2], s.line[i], s.id[i]);
      t.errors++;
    }
  if (!sorted) {
    fprintf(stderr, "entitle: error: out of memory\n");
    status = EXIT_INTERNAL;
  } else if (ferror(in)) {
    fprintf(stderr, "entitle: error: cannot read '%s': %s\n", name,
            strerror(errno));
    status = EXIT_IO;
  } else {
    fflush(stdout);
    fprintf(stderr, "entitle: %llu cases: %llu match their records, %llu "
            "differ, %llu errors\n", t.cases, t.match, t.differ, t.errors);
    if (t.differ || t.errors) status = EXIT_RECORD;
  }
  out_free(&o);
  free(line);
  if (in != stdin) fclose(in);
  recset_free(&s);
  replay_close(&r);
  return status;
}

/* } ====== */
