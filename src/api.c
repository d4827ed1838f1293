/*
** api.c: libentitle's public interface (include/entitle.h) over the
** internal stages, and the one way of deciding a case and rendering its
** result (api.h), which the entitle command uses too: it lives in the
** core library so that the command and libentitle cannot drift apart.
**
** The compiler allocates from the garbage-collected heap. A program handed
** to a caller is rooted (its header is an uncollectable object), so it
** lives wherever the caller keeps the pointer, until ent_program_free().
** Deciding does not touch the collector at all, which is why contexts can
** run on threads the collector knows nothing of.
*/
#define GC_THREADS
#include <gc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/entitle.h"
#include "api.h"
#include "bytecode.h"
#include "diag.h"
#include "explain.h"
#include "facts.h"
#include "needs.h"
#include "out.h"
#include "policy.h"
#include "record.h"
#include "report.h"
#include "trace.h"
#include "vm.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_once(void) {
  GC_INIT();
  GC_allow_register_threads();
}

void ent_init(void) { pthread_once(&once, init_once); }

/* The collector must know a thread before it allocates: compiling on a
   thread the caller made registers it for the duration of the call. */
static int enter(void) {
  ent_init();
  if (GC_thread_is_registered()) return 0;
  struct GC_stack_base sb;
  if (GC_get_stack_base(&sb) != GC_SUCCESS) return 0;
  return GC_register_my_thread(&sb) == GC_SUCCESS;
}

static void leave(int registered) {
  if (registered) GC_unregister_my_thread();
}

void ent_error_clear(ent_error *err) {
  if (!err) return;
  free(err->details);
  memset(err, 0, sizeof *err);
}

static void set_error(ent_error *err, ent_status st, const char *msg) {
  if (!err) return;
  ent_error_clear(err);
  err->status = st;
  snprintf(err->message, sizeof err->message, "%s", msg);
}

/* Fills 'err' from the first error in 'd', with every message in
   'details'. */
static void from_diag(ent_error *err, diag *d, ent_status st) {
  if (!err) return;
  ent_error_clear(err);
  err->status = st;
  for (diag_msg *m = d->first; m; m = m->next) {
    if (m->severity != DIAG_ERROR) continue;
    snprintf(err->message, sizeof err->message, "%s", m->text);
    if (m->loc.file >= 0 && m->loc.file < d->nfiles) {
      snprintf(err->file, sizeof err->file, "%s", d->names[m->loc.file]);
      diag_linecol(d, m->loc.file, m->loc.start, &err->line, &err->column);
    }
    err->status = (ent_status)diag_kind_status(m->kind);
    break;
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (f) {
    diag_print(d, f);
    fclose(f);
    err->details = buf;
  }
}

/* Roots a program for the caller: a copy of its header in an
   uncollectable object, which the collector scans but never frees. */
static ent_program *hand_out(ent_program *p) {
  ent_program *h = GC_MALLOC_UNCOLLECTABLE(sizeof *h);
  if (!h) return NULL;
  *h = *p;
  char hex[65];
  bc_digest_hex(h, hex);
  snprintf(h->digest_text, sizeof h->digest_text, "sha256:%s", hex);
  return h;
}

/* Hands out 'p' (or reports why there is none) and leaves the
   collector's registration made by enter(). */
static ent_program *finish(ent_program *p, diag *d, ent_error *err,
                           int reg) {
  ent_program *h = p ? hand_out(p) : NULL;
  if (!p) from_diag(err, d, ENT_ERULES);
  else if (err) ent_error_clear(err);
  leave(reg);
  return h;
}

ent_program *ent_compile_string(const char *name, const char *text,
                                size_t len, ent_error *err) {
  if (!name || !text) {
    set_error(err, ENT_EUSAGE, "a name and a text are needed");
    return NULL;
  }
  int reg = enter();
  diag *d = diag_new();
  /* The text must outlive compilation only: copy it into the heap. */
  char *copy = GC_MALLOC_ATOMIC(len + 1);
  memcpy(copy, text, len);
  copy[len] = 0;
  return finish(policy_compile(d, name, copy, len, NULL), d, err, reg);
}

ent_program *ent_compile_file(const char *path, ent_error *err) {
  if (!path) {
    set_error(err, ENT_EUSAGE, "a path is needed");
    return NULL;
  }
  int reg = enter();
  diag *d = diag_new();
  return finish(policy_compile(d, path, NULL, 0, NULL), d, err, reg);
}

ent_program *ent_load(const void *data, size_t len, ent_error *err) {
  if (!data) {
    set_error(err, ENT_EUSAGE, "no data");
    return NULL;
  }
  int reg = enter();
  char msg[512];
  ent_program *p = bc_load(data, len, msg, sizeof msg);
  ent_program *h = p ? hand_out(p) : NULL;
  if (!p) set_error(err, ENT_ERULES, msg);
  else if (err) ent_error_clear(err);
  leave(reg);
  return h;
}

ent_program *ent_load_file(const char *path, ent_error *err) {
  if (!path) {
    set_error(err, ENT_EUSAGE, "a path is needed");
    return NULL;
  }
  int reg = enter();
  diag *d = diag_new();
  return finish(policy_open(d, path), d, err, reg);
}

ent_status ent_save(const ent_program *p, void **data, size_t *len) {
  if (!p || !data || !len) return ENT_EUSAGE;
  outbuf o;
  out_init(&o, NULL);
  ent_program copy = *p;
  bc_save(&copy, &o);
  if (o.error) {
    out_free(&o);
    return ENT_EINTERNAL;
  }
  *data = o.buf;
  *len = o.len;
  return ENT_OK;
}

void ent_program_free(ent_program *p) {
  if (p) GC_FREE(p);
}

const char *ent_program_name(const ent_program *p) {
  return p ? prog_str(p, p->name) : NULL;
}
const char *ent_program_version(const ent_program *p) {
  return p ? prog_str(p, p->version) : NULL;
}
const char *ent_program_digest(const ent_program *p) {
  return p ? p->digest_text : NULL;
}

/* { ====== contexts ====== */

typedef struct {
  uint32_t dec;
  ent_val row;
} instance;

struct ent_context {
  const ent_program *p;
  ent_vm *vm;
  explain_ctx *x;
  record_ctx *rec;     /* made on first use, or by api_context_new */
  needs_ctx *needs;    /* made on first use, by api_needs */
  outbuf out;          /* results */
  outbuf scratch;      /* strings handed out by the walking functions */
  facts_error fe;      /* why the last case was refused */
  int vm_status;       /* what vm_run returned for it */
  int named_limits;    /* the command's limits: name their options */
  int decided;
  instance *inst;
  int ninst, capinst;
};

ent_context *api_context_new(const ent_program *p, const char *digest_hex,
                             int record) {
  ent_context *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->p = p;
  c->vm = vm_new(p);
  c->x = explain_new(p, digest_hex);
  out_init(&c->out, NULL);
  out_init(&c->scratch, NULL);
  if (c->x && record) c->rec = record_new(p, c->x);
  if (!c->vm || !c->x || (record && !c->rec)) {
    ent_context_free(c);
    return NULL;
  }
  return c;
}

ent_context *ent_context_new(const ent_program *p) {
  if (!p) return NULL;
  return api_context_new(p, p->digest_text + 7, 0);
}

void ent_context_free(ent_context *c) {
  if (!c) return;
  record_free(c->rec);
  needs_free(c->needs);
  vm_free(c->vm);
  explain_free(c->x);
  out_free(&c->out);
  out_free(&c->scratch);
  free(c->inst);
  free(c);
}

void api_set_limits(ent_context *c, uint64_t steps, uint64_t items,
                    uint64_t bytes) {
  c->vm->budget = steps;
  c->vm->max_items = items;
  c->vm->max_bytes = bytes;
  c->named_limits = 1;
}

api_outcome api_decide(ent_context *c, const char *json, size_t len) {
  c->decided = 0;
  if (facts_decode(c->vm, json, len, &c->fe)) return API_REFUSED;
  c->vm_status = vm_run(c->vm);
  switch (c->vm_status) {
  case VM_OK: return API_DECIDED;
  case VM_INVALID: return API_UNMET;
  case VM_BUDGET: return API_BUDGET;
  default: return API_FAILED;
  }
}

api_outcome api_needs(ent_context *c, const char *json, size_t len) {
  c->decided = 0;
  if (!c->needs && !(c->needs = needs_new(c->p))) {
    c->vm_status = VM_MEMORY;
    return API_FAILED;
  }
  if (facts_decode_partial(c->vm, json, len, &c->fe)) return API_REFUSED;
  c->vm_status = needs_run(c->needs, c->vm);
  switch (c->vm_status) {
  case VM_OK: return API_DECIDED;
  case VM_INVALID: return API_UNMET;
  case VM_BUDGET: return API_BUDGET;
  default: return API_FAILED;
  }
}

const facts_error *api_case_error(const ent_context *c) { return &c->fe; }

const char *api_reason(ent_context *c) {
  c->scratch.len = 0;
  switch (c->vm_status) {
  case VM_INVALID: explain_requirement(c->p, c->vm, &c->scratch); break;
  case VM_BUDGET:
    out_s(&c->scratch, "the case needs more evaluation steps than allowed");
    if (c->named_limits) out_s(&c->scratch, " (--max-steps)");
    break;
  case VM_MEMORY: out_s(&c->scratch, "out of memory"); break;
  default: out_s(&c->scratch, "internal error in the evaluator"); break;
  }
  out_c(&c->scratch, 0);
  return c->scratch.error ? "out of memory" : c->scratch.buf;
}

static int need_record(ent_context *c) {
  if (!c->rec) c->rec = record_new(c->p, c->x);
  return c->rec ? 0 : -1;
}

int api_render(ent_context *c, api_format f, outbuf *o) {
  switch (f) {
  case API_JSON: explain_json(c->x, c->vm, o, EXPLAIN_ALL); break;
  case API_JSON_BARE: explain_json(c->x, c->vm, o, EXPLAIN_NONE); break;
  case API_TEXT: explain_text(c->x, c->vm, o); break;
  case API_HTML: report_html(c->x, c->vm, o); break;
  case API_NEEDS:
  case API_NEEDS_TEXT:
    if (!c->needs) return -1;
    if (f == API_NEEDS) needs_json(c->needs, c->x, c->vm, o);
    else needs_text(c->needs, c->x, c->vm, o);
    break;
  case API_RECORD:
    if (need_record(c)) return -1;
    record_write(c->rec, c->vm, o);
    break;
  }
  return 0;
}

void api_case_problems(FILE *f, const char *name, const facts_error *e) {
  const char *sep = name ? ":" : "";
  if (!name) name = "";
  fprintf(f, "%s%s%d:%d: error: %s\n", name, sep, e->line, e->col,
          e->message);
  for (int i = 0; i < e->nmore; i++)
    fprintf(f, "%s%s%d:%d: error: %s\n", name, sep, e->more[i].line,
            e->more[i].col, e->more[i].message);
  if (e->count > 1 + e->nmore)
    fprintf(f, "%s%sand %d more problems with the case\n", name,
            *sep ? ": error: " : "", e->count - 1 - e->nmore);
}

/* Lists the decisions of the case in the order explanations show them. */
static int index_case(ent_context *c) {
  const ent_program *p = c->p;
  c->ninst = 0;
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    ent_val base = 0, cnt = 1, width = 0;
    if (pd->list >= 0) {
      tr_items(p, c->vm, (uint32_t)pd->list, &base, &cnt);
      width = p->lists[pd->list].width;
    }
    for (ent_val i = 0; i < cnt; i++) {
      if (c->ninst == c->capinst) {
        int cap = c->capinst ? c->capinst * 2 : 64;
        instance *n = realloc(c->inst, (size_t)cap * sizeof *n);
        if (!n) return -1;
        c->inst = n;
        c->capinst = cap;
      }
      c->inst[c->ninst].dec = d;
      c->inst[c->ninst++].row = base + i * width;
    }
  }
  return 0;
}

/* Every problem of a refused case, one a line (api_case_problems), or
   NULL when out of memory. */
static char *case_details(const facts_error *fe) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  api_case_problems(f, NULL, fe);
  if (fclose(f)) {
    free(buf);
    return NULL;
  }
  return buf;
}

ent_status ent_decide(ent_context *c, const char *json, size_t len,
                      ent_error *err) {
  if (!c || !json) {
    set_error(err, ENT_EUSAGE, "a context and a case are needed");
    return ENT_EUSAGE;
  }
  api_outcome r = api_decide(c, json, len);
  if (r == API_REFUSED) {
    if (err) {
      set_error(err, ENT_ECASE, c->fe.message);
      err->line = c->fe.line;
      err->column = c->fe.col;
      snprintf(err->path, sizeof err->path, "%s", c->fe.path);
      err->details = case_details(&c->fe);
    }
    return ENT_ECASE;
  }
  if (r != API_DECIDED) {
    ent_status st = r == API_FAILED ? ENT_EINTERNAL : ENT_ECASE;
    if (err) set_error(err, st, api_reason(c));
    return st;
  }
  if (index_case(c)) {
    set_error(err, ENT_EINTERNAL, "out of memory");
    return ENT_EINTERNAL;
  }
  c->decided = 1;
  return ENT_OK;
}

/* Renders the decided case as 'f' into the context's result buffer,
   terminated, for the ent_result_ functions. */
static const char *result(ent_context *c, api_format f, size_t *len) {
  if (!c || !c->decided) return NULL;
  c->out.len = 0;
  if (api_render(c, f, &c->out)) return NULL;
  out_c(&c->out, 0);
  if (c->out.error) return NULL;
  if (len) *len = c->out.len - 1;
  return c->out.buf;
}

const char *ent_result_json(ent_context *c, int explanations, size_t *len) {
  return result(c, explanations ? API_JSON : API_JSON_BARE, len);
}

const char *ent_result_record(ent_context *c, size_t *len) {
  return result(c, API_RECORD, len);
}

const char *ent_result_text(ent_context *c, size_t *len) {
  return result(c, API_TEXT, len);
}

ent_status ent_context_load_record(ent_context *c, const char *record,
                                   size_t len, ent_error *err) {
  if (!c || !record) {
    set_error(err, ENT_EUSAGE, "a context and a record are needed");
    return ENT_EUSAGE;
  }
  c->decided = 0;
  if (need_record(c)) {
    set_error(err, ENT_EINTERNAL, "out of memory");
    return ENT_EINTERNAL;
  }
  char msg[512];
  if (record_read(c->rec, c->vm, record, len, msg, sizeof msg)) {
    set_error(err, ENT_ERECORD, msg);
    return ENT_ERECORD;
  }
  if (index_case(c)) {
    set_error(err, ENT_EINTERNAL, "out of memory");
    return ENT_EINTERNAL;
  }
  c->decided = 1;
  return ENT_OK;
}

/* } ====== */

/* { ====== walking decisions and explanations ====== */

/* Strings handed out by one call are built in the scratch buffer as
   offsets first and turned into pointers at the end, because the buffer
   may move while it grows. */
#define NO_STR ((size_t)-1)

static size_t mark(ent_context *c) { return c->scratch.len; }
static size_t end_str(ent_context *c, size_t start) {
  out_c(&c->scratch, 0);
  return start;
}
static const char *at(ent_context *c, size_t off) {
  return off == NO_STR ? NULL : c->scratch.buf + off;
}

static size_t put_str(ent_context *c, const char *s) {
  size_t m = mark(c);
  out_s(&c->scratch, s);
  return end_str(c, m);
}

typedef struct {
  size_t id, title, document, section, more, source;
} rule_offs;

static rule_offs put_rule(ent_context *c, uint32_t ri) {
  const ent_program *p = c->p;
  const prog_rule *r = &p->rules[ri];
  rule_offs o;
  o.id = put_str(c, prog_str(p, r->id));
  o.title = put_str(c, prog_str(p, r->title));
  o.document = o.section = o.more = NO_STR;
  if (r->ncites) {
    o.document = put_str(c, prog_str(p, p->cites[r->first_cite].doc));
    o.section = put_str(c, prog_str(p, p->cites[r->first_cite].section));
  }
  if (r->ncites > 1) {
    size_t m = mark(c);
    for (uint32_t k = 1; k < r->ncites; k++) {
      const prog_cite *ct = &p->cites[r->first_cite + k];
      if (k > 1) out_s(&c->scratch, "; ");
      out_s(&c->scratch, prog_str(p, ct->doc));
      out_s(&c->scratch, ", ");
      out_s(&c->scratch, prog_str(p, ct->section));
    }
    o.more = end_str(c, m);
  }
  size_t m = mark(c);
  out_s(&c->scratch, prog_str(p, r->file));
  out_c(&c->scratch, ':');
  out_int(&c->scratch, r->line);
  o.source = end_str(c, m);
  return o;
}

static void get_rule(ent_context *c, const rule_offs *o, ent_rule_ref *r) {
  r->id = at(c, o->id);
  r->title = at(c, o->title);
  r->document = at(c, o->document);
  r->section = at(c, o->section);
  r->more_cites = at(c, o->more);
  r->source = at(c, o->source);
}


int ent_decision_count(ent_context *c) {
  return c && c->decided ? c->ninst : 0;
}

ent_status ent_decision_get(ent_context *c, int i, ent_decision *out) {
  if (!c || !c->decided || i < 0 || i >= c->ninst || !out) return ENT_EUSAGE;
  const ent_program *p = c->p;
  const instance *in = &c->inst[i];
  const prog_decision *pd = &p->decisions[in->dec];
  ent_val st = tr_dec_state(c->vm, pd, in->row);
  int s = DS_STATUS(st);
  c->scratch.len = 0;
  memset(out, 0, sizeof *out);
  size_t m = mark(c);
  explain_decision_path(p, c->vm, in->dec, in->row, &c->scratch);
  size_t path = end_str(c, m);
  m = mark(c);
  if (tr_decided(s))
    explain_value_json(p, c->vm, pd->type, tr_dec_value(c->vm, pd, in->row),
                       &c->scratch);
  else
    out_s(&c->scratch, "null");
  size_t value = end_str(c, m);
  rule_offs r1 = {NO_STR, NO_STR, NO_STR, NO_STR, NO_STR, NO_STR}, r2 = r1;
  if (tr_decided(s) || s == DS_CONFLICT || s == DS_ERROR)
    r1 = put_rule(c, DS_RULE1(st));
  if (s == DS_CONFLICT) r2 = put_rule(c, DS_RULE2(st));
  if (c->scratch.error) return ENT_EINTERNAL;
  out->path = at(c, path);
  out->value = at(c, value);
  out->outcome = s == DS_DECIDED || s == DS_AGREED ? ENT_DECIDED
                 : s == DS_DEFAULT                 ? ENT_DEFAULT
                 : s == DS_CONFLICT                ? ENT_CONFLICT
                                                   : ENT_UNDECIDED;
  get_rule(c, &r1, &out->rule);
  get_rule(c, &r2, &out->other);
  if (tr_decided(s)) {
    const prog_rule *r = &p->rules[DS_RULE1(st)];
    out->nconditions = (int)(r->nconds + r->nexcs);
    out->nexceptions = (int)r->nexcs;
  }
  for (uint32_t k = 0; k < pd->nrules; k++) {
    const prog_rule *r = &p->rules[pd->first_rule + k];
    int rs = RS_STATE(tr_rule_state(c->vm, r, in->row));
    if (rs != RS_APPLIED && r->kind != RK_DEFAULT) out->nnot_applied++;
  }
  return ENT_OK;
}

ent_status ent_decision_find(ent_context *c, const char *path,
                             ent_decision *out) {
  if (!c || !c->decided || !path) return ENT_EUSAGE;
  outbuf tmp;
  out_init(&tmp, NULL);
  for (int i = 0; i < c->ninst; i++) {
    tmp.len = 0;
    explain_decision_path(c->p, c->vm, c->inst[i].dec, c->inst[i].row, &tmp);
    if (tmp.len == strlen(path) &&
        (!tmp.len || !memcmp(tmp.buf, path, tmp.len))) {
      out_free(&tmp);
      return ent_decision_get(c, i, out);
    }
  }
  out_free(&tmp);
  return ENT_EUSAGE;
}

/* The deciding rule of decision 'i', or NULL. */
static const prog_rule *winner(ent_context *c, int i) {
  const ent_program *p = c->p;
  const instance *in = &c->inst[i];
  const prog_decision *pd = &p->decisions[in->dec];
  ent_val st = tr_dec_state(c->vm, pd, in->row);
  if (!tr_decided(DS_STATUS(st))) return NULL;
  return &p->rules[DS_RULE1(st)];
}

ent_status ent_condition_get(ent_context *c, int i, int k, const char **text,
                             int *nreads) {
  if (!c || !c->decided || i < 0 || i >= c->ninst) return ENT_EUSAGE;
  const prog_rule *r = winner(c, i);
  if (!r || k < 0 || (uint32_t)k >= r->nconds + r->nexcs) return ENT_EUSAGE;
  const prog_part *pt = &c->p->parts[r->first_part + (uint32_t)k];
  if (text) *text = prog_str(c->p, pt->text);
  if (nreads) *nreads = (int)pt->nrefs;
  return ENT_OK;
}

ent_status ent_condition_read(ent_context *c, int i, int k, int r,
                              ent_read *out) {
  if (!c || !c->decided || i < 0 || i >= c->ninst || !out) return ENT_EUSAGE;
  const prog_rule *ru = winner(c, i);
  if (!ru || k < 0 || (uint32_t)k >= ru->nconds + ru->nexcs)
    return ENT_EUSAGE;
  const prog_part *pt = &c->p->parts[ru->first_part + (uint32_t)k];
  if (r < 0 || (uint32_t)r >= pt->nrefs) return ENT_EUSAGE;
  const prog_ref *ref = &c->p->refs[pt->first_ref + (uint32_t)r];
  const instance *in = &c->inst[i];
  int list = c->p->decisions[in->dec].list;
  c->scratch.len = 0;
  size_t m = mark(c);
  explain_ref_path(c->p, c->vm, ref, in->row, list, &c->scratch);
  size_t name = end_str(c, m);
  m = mark(c);
  explain_ref_value(c->p, c->vm, ref, in->row, 1, &c->scratch);
  size_t value = end_str(c, m);
  if (c->scratch.error) return ENT_EINTERNAL;
  out->name = at(c, name);
  out->value = at(c, value);
  return ENT_OK;
}

ent_status ent_not_applied_get(ent_context *c, int i, int k,
                               ent_rule_ref *rule, ent_why_not *why,
                               const char **text, ent_rule_ref *by) {
  if (!c || !c->decided || i < 0 || i >= c->ninst) return ENT_EUSAGE;
  const ent_program *p = c->p;
  const instance *in = &c->inst[i];
  const prog_decision *pd = &p->decisions[in->dec];
  for (uint32_t j = 0; j < pd->nrules; j++) {
    uint32_t ri = pd->first_rule + j;
    const prog_rule *r = &p->rules[ri];
    ent_val rs = tr_rule_state(c->vm, r, in->row);
    if (RS_STATE(rs) == RS_APPLIED || r->kind == RK_DEFAULT) continue;
    if (k-- > 0) continue;
    c->scratch.len = 0;
    rule_offs ro = put_rule(c, ri);
    rule_offs bo = {NO_STR, NO_STR, NO_STR, NO_STR, NO_STR, NO_STR};
    size_t t = NO_STR;
    ent_why_not w = ENT_NOT_EVALUATED;
    switch (RS_STATE(rs)) {
    case RS_FAILED:
    case RS_EXCEPTED:
      w = RS_STATE(rs) == RS_FAILED ? ENT_NOT_CONDITION : ENT_NOT_EXCEPTION;
      t = put_str(c, prog_str(p, p->parts[r->first_part + RS_PART(rs)].text));
      break;
    case RS_OVERRIDDEN:
      w = ENT_NOT_OVERRIDDEN;
      bo = put_rule(c, RS_OPERAND(rs));
      break;
    case RS_ERROR: {
      w = ENT_NOT_ERROR;
      size_t m = mark(c);
      if (RS_CODE(rs) == ERR_ABSENT) {
        out_s(&c->scratch, prog_str(p, p->fields[RS_OPERAND(rs)].path));
        out_s(&c->scratch, " is absent");
      } else if (RS_CODE(rs) == ERR_DECISION) {
        out_s(&c->scratch, prog_str(p, p->decisions[RS_OPERAND(rs)].name));
        out_s(&c->scratch, " is undecided or in conflict");
      } else {
        out_s(&c->scratch, RS_CODE(rs) == ERR_OVERFLOW ? "arithmetic overflow"
                           : RS_CODE(rs) == ERR_DIVZERO ? "division by zero"
                                                       : "a date outside the "
                                                         "calendar");
      }
      t = end_str(c, m);
      break;
    }
    default:
      break;
    }
    if (c->scratch.error) return ENT_EINTERNAL;
    if (rule) get_rule(c, &ro, rule);
    if (by) get_rule(c, &bo, by);
    if (why) *why = w;
    if (text) *text = at(c, t);
    return ENT_OK;
  }
  return ENT_EUSAGE;
}

/* } ====== */

/* { ====== the error line of a batch ====== */

static void problem_json(outbuf *o, int col, const char *path,
                         const char *message) {
  out_s(o, "\"column\":");
  out_int(o, col);
  out_s(o, ",\"path\":");
  out_json_text(o, path, strlen(path));
  out_s(o, ",\"message\":");
  out_json_text(o, message, strlen(message));
}

void api_error_line(outbuf *o, uint64_t lineno, const facts_error *e,
                    const char *msg) {
  out_s(o, "{\"line\":");
  out_int(o, (int64_t)lineno);
  out_s(o, ",\"error\":{");
  if (e) {
    /* The first problem, then, when there are more, every one. */
    problem_json(o, e->col, e->path, e->message);
    if (e->count > 1) {
      out_s(o, ",\"problems\":[{");
      problem_json(o, e->col, e->path, e->message);
      for (int i = 0; i < e->nmore; i++) {
        out_s(o, "},{");
        problem_json(o, e->more[i].col, e->more[i].path,
                     e->more[i].message);
      }
      out_s(o, "}]");
    }
    if (e->count > 1 + e->nmore) {
      out_s(o, ",\"more_problems\":");
      out_int(o, e->count - 1 - e->nmore);
    }
  } else {
    out_s(o, "\"message\":");
    out_json_text(o, msg, strlen(msg));
  }
  out_s(o, "}}\n");
}

/* } ====== */
