/*
** record.c: the decision record, written from a decided case and read
** back into one (doc/record.md).
**
** The record keeps the case memory that explanations read, by name for
** facts and by index into the program for the rest: each decision's state
** and deciding rules, and each rule's state (the condition that failed,
** the exception that held, the rule that overrode it, the fact it could
** not read). Read back, that memory gives the renderers the same bytes,
** so every view of a kept decision is rendered from its record and the
** program, never stored twice.
**
** Records are written on the hot path of a batch (plain appends to an
** outbuf) and read only to render or verify (with jansson).
*/
#include "record.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "trace.h"
#include "value.h"

/* The fields a row's record holds, and the text written before them,
   made once per program: records are written for every case of a batch,
   and escaping the same names case after case would cost more than the
   rest. */
typedef struct {
  uint32_t *fields, nfields;
  char **key;            /* per field: '"path":' (case row only) */
  uint32_t *decs, ndecs; /* the row's decisions, in program order */
  outbuf head;           /* a list's '"path":{"fields":[...],"items":[' */
} row_plan;

/* A decision's entries written lately, by the states they were made
   from: most items of a batch give one of a few entries, and copying one
   costs a tenth of making it. */
#define MEMO_WAYS 4
#define MEMO_RULES 16
typedef struct {
  ent_val state[MEMO_RULES + 1]; /* the decision's, then its rules' */
  char text[MEMO_RULES * 8 + 32];
  uint16_t len;                  /* 0: empty */
} memo;

struct record_ctx {
  const ent_program *p;
  memo *memos;           /* MEMO_WAYS per decision */
  uint32_t *agg_first, *agg_n; /* per decision: its aggregates */
  uint32_t *memo_next;   /* per decision: the way to fill next */
  explain_ctx *x;
  unsigned char *kept;   /* per field: the record holds its value */
  int32_t *row_list;     /* per field: the list in whose items it lives,
                            or -1 for the case's own row */
  row_plan *rows;        /* the case's row, then one per list */
  outbuf head;           /* '{"record":1,"program":"sha256:..."' */
  int oom;
};

static int is_value_field(const prog_field *f) {
  int k = TY_KIND(f->type);
  return k != TK_RECORD && k != TK_LIST;
}

static void *grab(record_ctx *r, size_t n, size_t size) {
  void *m = calloc(n + 1, size);
  if (!m) r->oom = 1;
  return m;
}

/* What row 'rp' (list 'l', or -1 for the case's) writes, and in what
   order. */
static void plan_row(record_ctx *r, row_plan *rp, int l) {
  const ent_program *p = r->p;
  rp->fields = grab(r, p->nfields, sizeof *rp->fields);
  rp->key = grab(r, p->nfields, sizeof *rp->key);
  rp->decs = grab(r, p->ndecisions, sizeof *rp->decs);
  out_init(&rp->head, NULL);
  if (r->oom) return;
  for (uint32_t i = 0; i < p->nfields; i++) {
    if (!r->kept[i] || r->row_list[i] != l) continue;
    rp->fields[rp->nfields++] = i;
  }
  for (uint32_t d = 0; d < p->ndecisions; d++)
    if (p->decisions[d].list == l) rp->decs[rp->ndecs++] = d;
  outbuf *h = &rp->head;
  if (l >= 0) {
    const char *lp = prog_str(p, p->fields[p->lists[l].field].path);
    out_json(h, lp, strlen(lp));
    OUT_LIT(h, ":{\"fields\":[");
  }
  for (uint32_t k = 0; k < rp->nfields; k++) {
    const char *path = prog_str(p, p->fields[rp->fields[k]].path);
    if (l >= 0) {
      if (k) out_c(h, ',');
      out_json(h, path, strlen(path));
      continue;
    }
    outbuf kb;
    out_init(&kb, NULL);
    out_json(&kb, path, strlen(path));
    out_c(&kb, ':');
    out_c(&kb, 0);
    if (kb.error || !(rp->key[k] = strdup(kb.buf))) r->oom = 1;
    out_free(&kb);
  }
  if (l >= 0) OUT_LIT(h, "],\"items\":[");
  if (h->error) r->oom = 1;
}

record_ctx *record_new(const ent_program *p, explain_ctx *x) {
  record_ctx *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->p = p;
  r->x = x;
  r->kept = calloc(p->nfields + 1, 1);
  r->row_list = calloc(p->nfields + 1, sizeof *r->row_list);
  if (!r->kept || !r->row_list) {
    record_free(r);
    return NULL;
  }
  for (uint32_t i = 0; i < p->nfields; i++)
    r->row_list[i] = (int32_t)prog_field_list(p, i);
  /* What an explanation can show: every fact a condition, exception or
     value reads; the keys that name items; the case's identifier. */
  for (uint32_t i = 0; i < p->nrefs; i++)
    if (p->refs[i].kind == REF_FIELD && p->refs[i].index < p->nfields)
      r->kept[p->refs[i].index] = 1;
  for (uint32_t l = 0; l < p->nlists; l++)
    if (p->lists[l].key < p->nfields) r->kept[p->lists[l].key] = 1;
  for (uint32_t i = 0; i < p->nfields; i++) {
    if ((p->fields[i].flags & FF_IDENTIFIER) && r->row_list[i] < 0)
      r->kept[i] = 1;
    if (!is_value_field(&p->fields[i])) r->kept[i] = 0;
  }
  r->rows = grab(r, p->nlists + 1, sizeof *r->rows);
  r->memos = grab(r, (size_t)p->ndecisions * MEMO_WAYS, sizeof *r->memos);
  r->memo_next = grab(r, p->ndecisions, sizeof *r->memo_next);
  r->agg_first = grab(r, p->ndecisions, sizeof *r->agg_first);
  r->agg_n = grab(r, p->ndecisions, sizeof *r->agg_n);
  /* A decision's rules have consecutive parts, so its aggregates are
     consecutive in the table, which is sorted by part. */
  for (uint32_t i = p->naggs; !r->oom && i-- > 0;) {
    r->agg_first[p->aggs[i].decision] = i;
    r->agg_n[p->aggs[i].decision]++;
  }
  out_init(&r->head, NULL);
  OUT_LIT(&r->head, "{\"record\":1,\"program\":\"");
  out_s(&r->head, explain_digest(x));
  out_c(&r->head, '"');
  for (uint32_t l = 0; !r->oom && l <= p->nlists; l++)
    plan_row(r, &r->rows[l], (int)l - 1);
  if (r->oom || r->head.error) {
    record_free(r);
    return NULL;
  }
  return r;
}

void record_free(record_ctx *r) {
  if (!r) return;
  for (uint32_t l = 0; r->rows && l <= r->p->nlists; l++) {
    row_plan *rp = &r->rows[l];
    for (uint32_t k = 0; rp->key && k < rp->nfields; k++) free(rp->key[k]);
    free(rp->fields);
    free(rp->key);
    free(rp->decs);
    out_free(&rp->head);
  }
  free(r->rows);
  free(r->memos);
  free(r->memo_next);
  free(r->agg_first);
  free(r->agg_n);
  out_free(&r->head);
  free(r->kept);
  free(r->row_list);
  free(r);
}

/* { ====== writing ====== */

/* Decision states and rule states as the record spells them. */
static const char ds_letter[] = "PDAFCNE";
static const char rs_letter[] = "pafeox";

static int has_rule1(int s) {
  return s == DS_DECIDED || s == DS_AGREED || s == DS_DEFAULT ||
         s == DS_CONFLICT || s == DS_ERROR;
}
static int has_rule2(int s) { return s == DS_AGREED || s == DS_CONFLICT; }

/* Writes 'v' in decimal at 'b'; returns the end. */
static char *put_uint(char *b, uint64_t v) {
  char t[20];
  int n = 0;
  do t[n++] = (char)('0' + v % 10);
  while (v /= 10);
  while (n) *b++ = t[--n];
  return b;
}

/* A rule's state word as a token at 'b' (at most 40 bytes), or the word
   itself ('#' and its decimal value) when it holds anything the token
   would lose. Returns the end. */
static char *rule_token(const prog_decision *pd, ent_val w, char *b) {
  int s = RS_STATE(w), part = RS_PART(w), code = RS_CODE(w);
  uint32_t op = RS_OPERAND(w);
  switch (s) {
  case RS_PENDING:
  case RS_APPLIED:
    if (w != RS_MAKE(s, 0, 0, 0)) break;
    *b++ = rs_letter[s];
    return b;
  case RS_FAILED:
  case RS_EXCEPTED:
    if (w != RS_MAKE(s, part, 0, 0)) break;
    *b++ = rs_letter[s];
    return put_uint(b, (uint64_t)part);
  case RS_OVERRIDDEN:
    if (w != RS_MAKE(s, 0, 0, op) || op < pd->first_rule ||
        op - pd->first_rule >= pd->nrules)
      break;
    *b++ = 'o';
    return put_uint(b, op - pd->first_rule);
  case RS_ERROR:
    *b++ = 'x';
    b = put_uint(b, (uint64_t)part);
    *b++ = '.';
    b = put_uint(b, (uint64_t)code);
    *b++ = '.';
    return put_uint(b, op);
  }
  *b++ = '#';
  if (w < 0) *b++ = '-';
  return put_uint(b, w < 0 ? -(uint64_t)w : (uint64_t)w);
}

/* One decision in one row: its status and deciding rules, then a token
   per rule, all in one string; a decision the output does not show
   (internal) carries its value beside it. Built in a small buffer and
   copied out in pieces: a record has a token for every rule of every
   item, and writing them byte by byte cost more than deciding. */
/* The witnesses of one aggregate evaluated in a row: 'wK=COUNT', then
   the positions of the items kept in their list, ':I,J,...'. */
static char *witness_token(const ent_program *p, const ent_vm *vm,
                           const prog_agg *a, uint32_t k, ent_val row,
                           char *b) {
  tr_witness w;
  tr_witnesses(p, vm, a, row, &w);
  if (!w.evaluated) return b;
  ent_val base, n;
  tr_items(p, vm, a->list, &base, &n);
  *b++ = ' ';
  *b++ = 'w';
  b = put_uint(b, k);
  *b++ = '=';
  b = put_uint(b, w.count);
  for (uint32_t i = 0; i < w.n; i++) {
    *b++ = i ? ',' : ':';
    b = put_uint(b, (uint64_t)((w.rows[i] - base) /
                               (ent_val)p->lists[a->list].width));
  }
  return b;
}

static void make_entry(const record_ctx *r, const ent_vm *vm, uint32_t d,
                       ent_val row, outbuf *o) {
  const ent_program *p = r->p;
  const prog_decision *pd = &p->decisions[d];
  ent_val st = tr_dec_state(vm, pd, row);
  int s = DS_STATUS(st);
  int with_value = (pd->flags & DF_INTERNAL) && tr_decided(s);
  char buf[512], *b = buf;
  if (with_value) *b++ = '[';
  *b++ = '"';
  if (s < 0 || s >= (int)sizeof ds_letter - 1) s = DS_PENDING;
  *b++ = ds_letter[s];
  if (has_rule1(s)) b = put_uint(b, DS_RULE1(st) - pd->first_rule);
  if (has_rule2(s)) {
    *b++ = ',';
    b = put_uint(b, DS_RULE2(st) - pd->first_rule);
  }
  for (uint32_t k = 0; k < pd->nrules; k++) {
    if (b - buf > (ptrdiff_t)sizeof buf - 48) {
      out_mem(o, buf, (size_t)(b - buf));
      b = buf;
    }
    *b++ = ' ';
    b = rule_token(pd, tr_rule_state(vm, &p->rules[pd->first_rule + k], row),
                   b);
  }
  for (uint32_t k = 0; k < r->agg_n[d]; k++) {
    if (b - buf > (ptrdiff_t)sizeof buf - 200) {
      out_mem(o, buf, (size_t)(b - buf));
      b = buf;
    }
    b = witness_token(p, vm, &p->aggs[r->agg_first[d] + k], k, row, b);
  }
  *b++ = '"';
  out_mem(o, buf, (size_t)(b - buf));
  if (with_value) {
    out_c(o, ',');
    explain_value_json(p, vm, pd->type, tr_dec_value(vm, pd, row), o);
    out_c(o, ']');
  }
}

/* make_entry through the decision's memo of recent entries. */
static void decision_entry(record_ctx *r, const ent_vm *vm, uint32_t d,
                           ent_val row, outbuf *o) {
  const ent_program *p = r->p;
  const prog_decision *pd = &p->decisions[d];
  if (pd->nrules > MEMO_RULES || (pd->flags & DF_INTERNAL) ||
      r->agg_n[d]) {
    make_entry(r, vm, d, row, o);
    return;
  }
  ent_val st[MEMO_RULES + 1];
  st[0] = tr_dec_state(vm, pd, row);
  for (uint32_t k = 0; k < pd->nrules; k++)
    st[k + 1] = tr_rule_state(vm, &p->rules[pd->first_rule + k], row);
  uint32_t nw = pd->nrules + 1;
  memo *m = &r->memos[(size_t)d * MEMO_WAYS];
  for (int w = 0; w < MEMO_WAYS; w++) {
    if (!m[w].len) continue;
    /* A few words: compared inline, a call to memcmp cost more. */
    uint32_t k = 0;
    while (k < nw && m[w].state[k] == st[k]) k++;
    if (k == nw) {
      out_mem(o, m[w].text, m[w].len);
      return;
    }
  }
  size_t n = nw * sizeof *st;
  size_t at = o->len;
  make_entry(r, vm, d, row, o);
  size_t len = o->len - at;
  if (o->error || len > sizeof m->text || o->len < at) return;
  memo *fill = &m[r->memo_next[d]++ % MEMO_WAYS];
  memcpy(fill->state, st, n);
  memcpy(fill->text, o->buf + at, len);
  fill->len = (uint16_t)len;
}

/* The decisions of one row in program order, as a JSON array. */
static void row_trace(record_ctx *r, const row_plan *rp, const ent_vm *vm,
                      ent_val row, outbuf *o) {
  out_c(o, '[');
  for (uint32_t k = 0; k < rp->ndecs; k++) {
    if (k) out_c(o, ',');
    decision_entry(r, vm, rp->decs[k], row, o);
  }
  out_c(o, ']');
}

static void value(const record_ctx *r, const ent_vm *vm, uint32_t fi,
                  ent_val row, outbuf *o) {
  const prog_field *f = &r->p->fields[fi];
  explain_value_json_x(r->x, vm, f->type, tr_field(vm, f, row), o);
}

static void list_json(record_ctx *r, const ent_vm *vm, uint32_t l,
                      outbuf *o) {
  const ent_program *p = r->p;
  const row_plan *rp = &r->rows[l + 1];
  out_mem(o, rp->head.buf, rp->head.len);
  ent_val base, n;
  tr_items(p, vm, l, &base, &n);
  for (ent_val k = 0; k < n; k++) {
    ent_val row = tr_item_row(p, l, base, k);
    out_s(o, k ? ",[" : "[");
    for (uint32_t i = 0; i < rp->nfields; i++) {
      if (i) out_c(o, ',');
      value(r, vm, rp->fields[i], row, o);
    }
    out_c(o, ']');
  }
  OUT_LIT(o, "],\"trace\":[");
  for (ent_val k = 0; k < n; k++) {
    if (k) out_c(o, ',');
    row_trace(r, rp, vm, tr_item_row(p, l, base, k), o);
  }
  OUT_LIT(o, "]}");
}

void record_write(record_ctx *r, const ent_vm *vm, outbuf *o) {
  const ent_program *p = r->p;
  out_mem(o, r->head.buf, r->head.len);
  uint32_t idn;
  const char *id = facts_case_id(vm, &idn);
  if (id) {
    OUT_LIT(o, ",\"case_id\":");
    out_json(o, id, idn);
  }
  OUT_LIT(o, ",\"decisions\":");
  explain_decisions_json(r->x, vm, o);
  OUT_LIT(o, ",\"facts\":{");
  const row_plan *cr = &r->rows[0];
  for (uint32_t k = 0; k < cr->nfields; k++) {
    if (k) out_c(o, ',');
    out_s(o, cr->key[k]);
    value(r, vm, cr->fields[k], 0, o);
  }
  OUT_LIT(o, "},\"lists\":{");
  for (uint32_t l = 0; l < p->nlists; l++) {
    if (l) out_c(o, ',');
    list_json(r, vm, l, o);
  }
  OUT_LIT(o, "},\"trace\":");
  row_trace(r, cr, vm, 0, o);
  out_c(o, '}');
}

/* } ====== */

/* { ====== reading ====== */

typedef struct {
  record_ctx *r;
  ent_vm *vm;
  char *err;
  size_t errn;
} reader;

static int bad(reader *R, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(R->err, R->errn, fmt, ap);
  va_end(ap);
  return -1;
}

/* A money amount as the output writes it: '-' and pounds, two decimals. */
static int money_from(const char *s, size_t n, ent_val *out) {
  int neg = n && s[0] == '-';
  int64_t v;
  if (!money_parse(s + neg, n - neg, INT64_MAX, &v)) return -1;
  *out = neg ? -v : v;
  return 0;
}

static int enum_from(const ent_program *p, int32_t type, const char *s,
                     ent_val *out) {
  if ((uint32_t)TY_IDX(type) >= p->nenums) return -1;
  const prog_enum *e = &p->enums[TY_IDX(type)];
  for (uint32_t k = 0; k < e->n; k++)
    if (!strcmp(prog_str(p, p->enum_values[e->first + k]), s)) {
      *out = k;
      return 0;
    }
  return -1;
}

/* A value as explain_value_json writes it, back into a word of memory
   (texts into the case's text). */
static int value_from(reader *R, int32_t type, json_t *j, ent_val *out) {
  const ent_program *p = R->r->p;
  ent_vm *vm = R->vm;
  if (json_is_null(j)) {
    *out = VAL_ABSENT;
    return 0;
  }
  const char *s = json_string_value(j);
  size_t n = s ? json_string_length(j) : 0;
  switch (TY_KIND(type)) {
  case TK_BOOL:
    if (!json_is_boolean(j)) return -1;
    *out = json_is_true(j);
    return 0;
  case TK_INT:
    if (!json_is_integer(j)) return -1;
    *out = json_integer_value(j);
    return 0;
  case TK_MONEY: return s ? money_from(s, n, out) : -1;
  case TK_PERCENT: return s && percent_parse(s, n, out) ? 0 : -1;
  case TK_DATE: {
    int64_t d;
    if (!s || !date_parse(s, n, &d)) return -1;
    *out = d;
    return 0;
  }
  case TK_ENUM: return s ? enum_from(p, type, s, out) : -1;
  case TK_SET: {
    if (!json_is_array(j)) return -1;
    ent_val bits = 0, k;
    size_t i;
    json_t *e;
    json_array_foreach(j, i, e) {
      const char *es = json_string_value(e);
      if (!es || enum_from(p, type, es, &k) || k >= 64) return -1;
      bits |= (ent_val)((uint64_t)1 << k);
    }
    *out = bits;
    return 0;
  }
  case TK_TEXT:
    if (!s || n > 0x3fffffff || vm_reserve_text(vm, n + 1)) return -1;
    memcpy(vm->text + vm->textused, s, n);
    *out = TEXT_VAL(0, vm->textused, n);
    vm->textused += n;
    return 0;
  }
  return -1;
}

static int field_value(reader *R, uint32_t fi, ent_val row, json_t *j) {
  const prog_field *f = &R->r->p->fields[fi];
  ent_val v;
  if (value_from(R, f->type, j, &v))
    return bad(R, "the value of '%s' is not one the program gives it",
               prog_str(R->r->p, f->path));
  tr_set_field(R->vm, f, row, v);
  return 0;
}

/* The field of row 'l' (a list, or -1 for the case's) named 'path'. */
static int64_t find_field(const record_ctx *r, int l, const char *path) {
  for (uint32_t i = 0; i < r->p->nfields; i++)
    if (r->row_list[i] == l && is_value_field(&r->p->fields[i]) &&
        !strcmp(prog_str(r->p, r->p->fields[i].path), path))
      return i;
  return -1;
}

static int case_facts(reader *R, json_t *facts) {
  const char *key;
  json_t *v;
  if (!json_is_object(facts)) return bad(R, "'facts' is not an object");
  json_object_foreach(facts, key, v) {
    int64_t fi = find_field(R->r, -1, key);
    if (fi < 0)
      return bad(R, "the record gives a fact '%s' that the program does not "
                 "have", key);
    if (field_value(R, (uint32_t)fi, 0, v)) return -1;
  }
  return 0;
}

static uint32_t read_uint(const char **s) {
  uint64_t v = 0;
  while (**s >= '0' && **s <= '9' && v < UINT32_MAX) v = v * 10 + (uint64_t)(*(*s)++ - '0');
  return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Reads one rule token; -1 if it is not one. */
static int rule_from(const prog_decision *pd, const char **s, ent_val *w) {
  const char *t = *s;
  char c = *t++;
  const char *digits = t;
  uint32_t a = read_uint(&t);
  int num = t > digits;
  switch (c) {
  case 'p': *w = RS_MAKE(RS_PENDING, 0, 0, 0); num = !num; break;
  case 'a': *w = RS_MAKE(RS_APPLIED, 0, 0, 0); num = !num; break;
  case 'f': *w = RS_MAKE(RS_FAILED, a, 0, 0); num = num && a < 256; break;
  case 'e': *w = RS_MAKE(RS_EXCEPTED, a, 0, 0); num = num && a < 256; break;
  case 'o':
    num = num && a < pd->nrules;
    *w = RS_MAKE(RS_OVERRIDDEN, 0, 0, pd->first_rule + a);
    break;
  case 'x': {
    if (!num || *t++ != '.') return -1;
    uint32_t code = read_uint(&t);
    if (*t++ != '.') return -1;
    uint32_t op = read_uint(&t);
    num = a < 256 && code < 256;
    *w = RS_MAKE(RS_ERROR, a, code, op);
    break;
  }
  case '#': {
    int neg = *t == '-';
    t += neg;
    uint64_t v = 0;
    while (*t >= '0' && *t <= '9') v = v * 10 + (uint64_t)(*t++ - '0');
    *w = neg ? -(ent_val)v : (ent_val)v;
    num = t > digits + neg;
    break;
  }
  default: return -1;
  }
  *s = t;
  return num ? 0 : -1;
}

/* Reads 'K=COUNT[:I,J,...]', the witnesses of aggregate K of decision
   'd' in 'row', into the row and the witness log. Returns K, or -1. */
static int64_t witness_from(reader *R, uint32_t d, ent_val row,
                            const char **s) {
  const ent_program *p = R->r->p;
  ent_vm *vm = R->vm;
  const char *b = *s;
  uint32_t k = read_uint(s);
  if (*s == b || k >= R->r->agg_n[d] || *(*s)++ != '=') return -1;
  const prog_agg *a = &p->aggs[R->r->agg_first[d] + k];
  b = *s;
  uint32_t count = read_uint(s), keep = agg_keeps(a->kind);
  if (*s == b || vm_reserve_witnesses(vm, keep)) return -1;
  ent_val base, n;
  tr_items(p, vm, a->list, &base, &n);
  uint32_t kept = 0;
  while (**s == (kept ? ',' : ':')) {
    (*s)++;
    b = *s;
    uint32_t i = read_uint(s);
    if (*s == b || i >= n || kept == keep || kept == count) return -1;
    vm->wit[vm->nwit + kept++] = tr_item_row(p, a->list, base, i);
  }
  if (kept != (count < keep ? count : keep)) return -1;
  tr_set_witnesses(vm, a, row, WIT_MAKE(vm->nwit, count));
  vm->nwit += keep;
  return k;
}

/* Reads a decision entry's string into the decision's and its rules'
   states in 'row'; the value is filled in later. */
static int entry_from(reader *R, uint32_t d, ent_val row, const char *s) {
  const ent_program *p = R->r->p;
  const prog_decision *pd = &p->decisions[d];
  const char *at = strchr(ds_letter, *s);
  if (!*s || !at) return -1;
  int st = (int)(at - ds_letter);
  s++;
  uint32_t r1 = 0, r2 = 0;
  if (has_rule1(st)) {
    const char *b = s;
    r1 = read_uint(&s);
    if (s == b || r1 >= pd->nrules) return -1;
    r1 += pd->first_rule;
  }
  if (has_rule2(st)) {
    if (*s++ != ',') return -1;
    const char *b = s;
    r2 = read_uint(&s);
    if (s == b || r2 >= pd->nrules) return -1;
    r2 += pd->first_rule;
  }
  tr_set_decision(R->vm, pd, row, 0, DS_MAKE(st, r1, r2));
  for (uint32_t k = 0; k < pd->nrules; k++) {
    ent_val w;
    if (*s++ != ' ' || rule_from(pd, &s, &w)) return -1;
    tr_set_rule(R->vm, &p->rules[pd->first_rule + k], row, w);
  }
  int64_t last = -1;
  while (*s == ' ' && s[1] == 'w') {
    s += 2;
    int64_t k = witness_from(R, d, row, &s);
    if (k <= last) return -1;
    last = k;
  }
  return *s ? -1 : 0;
}

/* The decisions of one row from its trace array; 'where' names the row
   in messages. */
static int row_from(reader *R, int l, ent_val row, json_t *arr,
                    const char *where) {
  const ent_program *p = R->r->p;
  size_t i = 0;
  if (!json_is_array(arr))
    return bad(R, "the trace of %s is not an array", where);
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    if (pd->list != l) continue;
    json_t *e = json_array_get(arr, i++);
    json_t *str = json_is_array(e) ? json_array_get(e, 0) : e;
    if (!json_is_string(str) ||
        entry_from(R, d, row, json_string_value(str)))
      return bad(R, "the trace of %s does not fit decision '%s' of this "
                 "program", where, prog_str(p, pd->name));
    int s = DS_STATUS(tr_dec_state(R->vm, pd, row));
    if ((pd->flags & DF_INTERNAL) && tr_decided(s)) {
      ent_val v;
      if (!json_is_array(e) || value_from(R, pd->type, json_array_get(e, 1),
                                          &v))
        return bad(R, "the value of decision '%s' in the trace of %s is "
                   "missing or not one the program gives it",
                   prog_str(p, pd->name), where);
      tr_set_decision(R->vm, pd, row, v, tr_dec_state(R->vm, pd, row));
    }
  }
  if (i != json_array_size(arr))
    return bad(R, "the trace of %s has %zu decisions, the program %zu",
               where, json_array_size(arr), i);
  return 0;
}

static int by_text(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether two items of list 'l' have one key, which no case can give
   (the decoder refuses it): 0 if not. Sorted, not compared in pairs,
   since a list may have many items. */
static int repeated_key(reader *R, uint32_t l, const char *name) {
  const ent_program *p = R->r->p;
  ent_val first, n;
  tr_items(p, R->vm, l, &first, &n);
  if (n < 2) return 0;
  outbuf b;
  out_init(&b, NULL);
  size_t *off = malloc((size_t)n * sizeof *off);
  const char **key = malloc((size_t)n * sizeof *key);
  int rc = !off || !key ? bad(R, "out of memory") : 0;
  for (ent_val i = 0; !rc && i < n; i++) {
    off[i] = b.len;
    explain_item_key(p, R->vm, l, tr_item_row(p, l, first, i), &b);
    out_c(&b, 0);
  }
  if (!rc && b.error) rc = bad(R, "out of memory");
  for (ent_val i = 0; !rc && i < n; i++) key[i] = b.buf + off[i];
  if (!rc) qsort(key, (size_t)n, sizeof *key, by_text);
  for (ent_val i = 1; !rc && i < n; i++)
    if (!strcmp(key[i], key[i - 1]))
      rc = bad(R, "list '%s' has two items with the key '%s'", name, key[i]);
  free(off);
  free(key);
  out_free(&b);
  return rc;
}

static int list_from(reader *R, const char *key, json_t *lj) {
  const ent_program *p = R->r->p;
  int64_t l = -1;
  for (uint32_t k = 0; k < p->nlists; k++)
    if (!strcmp(prog_str(p, p->fields[p->lists[k].field].path), key)) l = k;
  json_t *fields = json_object_get(lj, "fields");
  json_t *items = json_object_get(lj, "items");
  json_t *trace = json_object_get(lj, "trace");
  if (l < 0) return bad(R, "the record gives a list '%s' that the program "
                        "does not have", key);
  if (!json_is_array(fields) || !json_is_array(items) ||
      !json_is_array(trace) || json_array_size(items) !=
      json_array_size(trace))
    return bad(R, "list '%s' needs 'fields', and 'items' and 'trace' of one "
               "length", key);
  size_t nf = json_array_size(fields), n = json_array_size(items);
  int64_t *fi = calloc(nf + 1, sizeof *fi);
  if (!fi) return bad(R, "out of memory");
  int rc = 0;
  for (size_t k = 0; k < nf && !rc; k++) {
    const char *name = json_string_value(json_array_get(fields, k));
    fi[k] = name ? find_field(R->r, (int)l, name) : -1;
    if (fi[k] < 0)
      rc = bad(R, "list '%s' gives a field '%s' that its items do not have",
               key, name ? name : "(not a name)");
  }
  ent_val first = rc ? -1 : facts_add_items(R->vm, (uint32_t)l, n);
  if (!rc && first < 0) rc = bad(R, "list '%s': too many items", key);
  for (size_t i = 0; i < n && !rc; i++) {
    ent_val row = tr_item_row(p, (uint32_t)l, first, (ent_val)i);
    json_t *item = json_array_get(items, i);
    if (!json_is_array(item) || json_array_size(item) != nf) {
      rc = bad(R, "item %zu of list '%s' does not have one value per field",
               i, key);
      break;
    }
    for (size_t k = 0; k < nf && !rc; k++)
      rc = field_value(R, (uint32_t)fi[k], row, json_array_get(item, k));
    char where[300];
    snprintf(where, sizeof where, "item %zu of list '%s'", i, key);
    if (!rc) rc = row_from(R, (int)l, row, json_array_get(trace, i), where);
  }
  free(fi);
  if (!rc) rc = repeated_key(R, (uint32_t)l, key);
  return rc;
}

/* The value of each decision the output shows, from the record's
   'decisions' object, as eval writes it: by the parts of its name, and a
   per-item one under its list's name and its item's key. */
static int values_from(reader *R, json_t *decs) {
  const ent_program *p = R->r->p;
  ent_vm *vm = R->vm;
  outbuf key;
  out_init(&key, NULL);
  int rc = 0;
  for (uint32_t d = 0; d < p->ndecisions && !rc; d++) {
    const prog_decision *pd = &p->decisions[d];
    if (pd->flags & DF_INTERNAL) continue;
    ent_val base = 0, n = 1;
    json_t *scope = decs;
    if (pd->list >= 0) {
      const char *lp = prog_str(p, p->fields[p->lists[pd->list].field].path);
      tr_items(p, vm, (uint32_t)pd->list, &base, &n);
      scope = json_object_get(decs, lp);
      /* Each item the record has, and no other. */
      if (n && json_object_size(scope) != (size_t)n) {
        rc = bad(R, "'decisions' gives %zu items of list '%s', the record "
                 "%lld", json_object_size(scope), lp, (long long)n);
        break;
      }
    }
    for (ent_val i = 0; i < n && !rc; i++) {
      ent_val row = pd->list >= 0 ? tr_item_row(p, (uint32_t)pd->list,
                                                base, i) : 0;
      json_t *at = scope;
      if (pd->list >= 0) {
        key.len = 0;
        explain_item_key(p, vm, (uint32_t)pd->list, row, &key);
        out_c(&key, 0);
        at = json_object_get(at, key.buf);
        at = json_object_get(at, prog_str(p, pd->name));
      } else {
        /* 'budget.total' is 'total' inside 'budget'. */
        const char *s = prog_str(p, pd->name);
        while (at && *s) {
          const char *dot = strchr(s, '.');
          size_t len = dot ? (size_t)(dot - s) : strlen(s);
          at = json_object_getn(at, s, len);
          s += len + (dot != NULL);
        }
      }
      ent_val st = tr_dec_state(vm, pd, row), v = 0;
      if (!at) {
        rc = bad(R, "'decisions' does not give decision '%s'",
                 prog_str(p, pd->name));
      } else if (tr_decided(DS_STATUS(st))) {
        if (value_from(R, pd->type, at, &v))
          rc = bad(R, "'decisions' gives decision '%s' a value the program "
                   "does not give it", prog_str(p, pd->name));
        else tr_set_decision(vm, pd, row, v, st);
      } else if (!json_is_null(at)) {
        rc = bad(R, "'decisions' gives decision '%s' a value, but its trace "
                 "says it has none", prog_str(p, pd->name));
      }
    }
  }
  out_free(&key);
  return rc;
}

int record_read(record_ctx *r, ent_vm *vm, const char *text, size_t len,
                char *err, size_t errn) {
  reader R = {r, vm, err, errn};
  json_error_t je;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (!root)
    return bad(&R, "not a record: column %d: %s", je.column, je.text);
  int rc = 0;
  json_t *fmt = json_object_get(root, "record");
  const char *prog = json_string_value(json_object_get(root, "program"));
  const char *key;
  json_t *v;
  if (!json_is_integer(fmt) || !prog) {
    rc = bad(&R, "not a record: it needs \"record\" and \"program\"");
  } else if (json_integer_value(fmt) != RECORD_FORMAT) {
    rc = bad(&R, "record format %lld is not one this entitle reads (%d)",
             (long long)json_integer_value(fmt), RECORD_FORMAT);
  } else if (strcmp(prog, explain_digest(r->x))) {
    rc = bad(&R, "the record was made by program %s, not by this one, %s",
             prog, explain_digest(r->x));
  } else if (facts_blank(vm)) {
    rc = bad(&R, "out of memory");
  } else if (!json_is_object(json_object_get(root, "lists"))) {
    rc = bad(&R, "'lists' is missing or not an object");
  } else {
    rc = case_facts(&R, json_object_get(root, "facts"));
    json_object_foreach(json_object_get(root, "lists"), key, v) {
      if (rc) break;
      rc = list_from(&R, key, v);
    }
    if (!rc) rc = row_from(&R, -1, 0, json_object_get(root, "trace"),
                           "the case");
    if (!rc) rc = values_from(&R, json_object_get(root, "decisions"));
  }
  json_decref(root);
  return rc;
}

/* } ====== */
