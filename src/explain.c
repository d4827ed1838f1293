/*
** explain.c: decisions and their explanations, in JSON and in text.
**
** For each decision: its value and outcome; the rule that decided it with
** its title and citation; each condition of that rule with the facts it
** read and their values; the exceptions that did not fire; and every
** other rule of the decision with why it did not apply (the first
** condition that failed, the exception that fired, the rule that
** overrode it, or what it needed and could not read).
*/
#include "explain.h"

#include "facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The output tree: decision names split at their dots into groups. */
typedef struct onode {
  const char *name;
  size_t nlen;
  char *jkey;          /* '"name":', escaped once */
  size_t jlen;
  int dec;             /* leaf: decision index */
  int list;            /* group of per-item decisions of this list */
  int first, next;     /* first child, next sibling (-1: none) */
} onode;

struct explain_ctx {
  const ent_program *p;
  char digest[72];
  char **enum_json;    /* each enumeration value as a JSON string */
  uint32_t *enum_len;
  onode *nodes;
  int nnodes, cap;
};

static int add_node(explain_ctx *x, int parent, const char *name, size_t n,
                    int dec, int list) {
  if (parent >= 0)
    for (int c = x->nodes[parent].first; c >= 0; c = x->nodes[c].next)
      if (x->nodes[c].nlen == n && !memcmp(x->nodes[c].name, name, n) &&
          x->nodes[c].dec < 0 && dec < 0)
        return c;
  if (x->nnodes == x->cap) {
    x->cap = x->cap ? x->cap * 2 : 32;
    x->nodes = realloc(x->nodes, (size_t)x->cap * sizeof *x->nodes);
  }
  int i = x->nnodes++;
  x->nodes[i] = (onode){name, n, NULL, 0, dec, list, -1, -1};
  outbuf k;
  out_init(&k, NULL);
  out_json(&k, name, n);
  out_c(&k, ':');
  x->nodes[i].jkey = k.buf;
  x->nodes[i].jlen = k.len;
  if (parent >= 0) {
    int *link = &x->nodes[parent].first;
    while (*link >= 0) link = &x->nodes[*link].next;
    *link = i;
  }
  return i;
}

explain_ctx *explain_new(const ent_program *p, const char *digest_hex) {
  explain_ctx *x = calloc(1, sizeof *x);
  x->p = p;
  snprintf(x->digest, sizeof x->digest, "sha256:%s", digest_hex);
  add_node(x, -1, "", 0, -1, -1);
  x->enum_json = calloc(p->nenum_values + 1, sizeof *x->enum_json);
  x->enum_len = calloc(p->nenum_values + 1, sizeof *x->enum_len);
  for (uint32_t i = 0; i < p->nenum_values; i++) {
    outbuf v;
    out_init(&v, NULL);
    const char *s = prog_str(p, p->enum_values[i]);
    out_json(&v, s, strlen(s));
    x->enum_json[i] = v.buf;
    x->enum_len[i] = (uint32_t)v.len;
  }
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    if (pd->flags & DF_INTERNAL) continue;
    int at = 0;
    if (pd->list >= 0) {
      const char *ln = prog_str(p, p->fields[p->lists[pd->list].field].path);
      at = add_node(x, 0, ln, strlen(ln), -1, pd->list);
      add_node(x, at, prog_str(p, pd->name), strlen(prog_str(p, pd->name)),
               (int)d, -1);
      continue;
    }
    const char *s = prog_str(p, pd->name);
    for (;;) {
      const char *dot = strchr(s, '.');
      if (!dot) {
        add_node(x, at, s, strlen(s), (int)d, -1);
        break;
      }
      at = add_node(x, at, s, (size_t)(dot - s), -1, -1);
      s = dot + 1;
    }
  }
  return x;
}

void explain_free(explain_ctx *x) {
  if (!x) return;
  for (int i = 0; i < x->nnodes; i++) free(x->nodes[i].jkey);
  for (uint32_t i = 0; x->enum_json && i < x->p->nenum_values; i++)
    free(x->enum_json[i]);
  free(x->enum_json);
  free(x->enum_len);
  free(x->nodes);
  free(x);
}

/* Whether 'd' is the first per-item decision of its list: explanations
   go item by item, each item with all of its decisions. */
static int first_of_list(const ent_program *p, uint32_t d) {
  for (uint32_t e = 0; e < d; e++)
    if (p->decisions[e].list == p->decisions[d].list) return 0;
  return 1;
}

static int decided(int st) {
  return st == DS_DECIDED || st == DS_AGREED || st == DS_DEFAULT;
}

void explain_value_json(const ent_program *p, const ent_vm *vm, int32_t type,
                        ent_val v, outbuf *o) {
  if (v == VAL_ABSENT) {
    out_s(o, "null");
    return;
  }
  switch (TY_KIND(type)) {
  case TK_BOOL: out_s(o, v ? "true" : "false"); break;
  case TK_INT: out_int(o, v); break;
  case TK_MONEY:
    out_c(o, '"');
    out_money(o, v);
    out_c(o, '"');
    break;
  case TK_DATE:
    out_c(o, '"');
    out_date(o, v);
    out_c(o, '"');
    break;
  case TK_TEXT: {
    uint32_t n;
    const char *s = vm_text(vm, v, &n);
    out_json(o, s, n);
    break;
  }
  case TK_ENUM: {
    const prog_enum *e = &p->enums[TY_IDX(type)];
    if (v < 0 || (uint64_t)v >= e->n) {
      out_s(o, "null");
      break;
    }
    const char *s = prog_str(p, p->enum_values[e->first + v]);
    out_json(o, s, strlen(s));
    break;
  }
  case TK_SET: {
    const prog_enum *e = &p->enums[TY_IDX(type)];
    out_c(o, '[');
    int first = 1;
    for (uint32_t i = 0; i < e->n && i < 64; i++)
      if (((uint64_t)v >> i) & 1) {
        if (!first) out_c(o, ',');
        first = 0;
        const char *s = prog_str(p, p->enum_values[e->first + i]);
        out_json(o, s, strlen(s));
      }
    out_c(o, ']');
    break;
  }
  default: out_s(o, "null");
  }
}

void explain_value_text(const ent_program *p, const ent_vm *vm, int32_t type,
                        ent_val v, outbuf *o) {
  if (v == VAL_ABSENT) {
    out_s(o, "(absent)");
    return;
  }
  switch (TY_KIND(type)) {
  case TK_ENUM: {
    const prog_enum *e = &p->enums[TY_IDX(type)];
    if (v >= 0 && (uint64_t)v < e->n)
      out_s(o, prog_str(p, p->enum_values[e->first + v]));
    break;
  }
  case TK_SET: {
    const prog_enum *e = &p->enums[TY_IDX(type)];
    out_c(o, '{');
    int first = 1;
    for (uint32_t i = 0; i < e->n && i < 64; i++)
      if (((uint64_t)v >> i) & 1) {
        if (!first) out_s(o, ", ");
        first = 0;
        out_s(o, prog_str(p, p->enum_values[e->first + i]));
      }
    out_c(o, '}');
    break;
  }
  case TK_MONEY: out_money(o, v); break;
  case TK_DATE: out_date(o, v); break;
  default: explain_value_json(p, vm, type, v, o);
  }
}

void explain_item_key(const ent_program *p, const ent_vm *vm, uint32_t l,
                      ent_val row, outbuf *o) {
  const prog_field *kf = &p->fields[p->lists[l].key];
  ent_val v = vm->mem[row + kf->slot];
  if (TY_KIND(kf->type) == TK_TEXT) {
    uint32_t n;
    const char *s = vm_text(vm, v, &n);
    out_mem(o, s, n);
  } else {
    out_int(o, v);
  }
}

/* The name a reader sees for a decision in a row: 'budget.total' or
   'provisions.p1.included'. */
void explain_decision_path(const ent_program *p, const ent_vm *vm,
                          uint32_t dec, ent_val row, outbuf *o) {
  const prog_decision *pd = &p->decisions[dec];
  if (pd->list >= 0) {
    out_s(o, prog_str(p, p->fields[p->lists[pd->list].field].path));
    out_c(o, '.');
    explain_item_key(p, vm, (uint32_t)pd->list, row, o);
    out_c(o, '.');
  }
  out_s(o, prog_str(p, pd->name));
}

void explain_ref_path(const ent_program *p, const ent_vm *vm,
                     const prog_ref *r, ent_val row, int list, outbuf *o) {
  if (r->kind == REF_PARAM) {
    out_s(o, prog_str(p, p->params[r->index].name));
    return;
  }
  if (r->kind == REF_DECISION) {
    explain_decision_path(p, vm, r->index, r->item ? row : 0, o);
    return;
  }
  if (r->item && list >= 0) {
    out_s(o, prog_str(p, p->fields[p->lists[list].field].path));
    out_c(o, '.');
    explain_item_key(p, vm, (uint32_t)list, row, o);
    out_c(o, '.');
  }
  out_s(o, prog_str(p, p->fields[r->index].path));
}

/* Writes the value of what a ref reads; 'json' picks the form. */
void explain_ref_value(const ent_program *p, const ent_vm *vm,
                      const prog_ref *r, ent_val row, int json, outbuf *o) {
  ent_val base = r->item ? row : 0;
  if (r->kind == REF_PARAM) {
    const prog_param *pp = &p->params[r->index];
    if (json) explain_value_json(p, vm, pp->type, pp->value, o);
    else explain_value_text(p, vm, pp->type, pp->value, o);
    return;
  }
  if (r->kind == REF_DECISION) {
    const prog_decision *pd = &p->decisions[r->index];
    ent_val st = vm->mem[base + pd->slot + 1];
    if (!decided(DS_STATUS(st))) {
      const char *w = DS_STATUS(st) == DS_CONFLICT ? "conflict" : "undecided";
      if (json) out_json(o, w, strlen(w));
      else out_s(o, w);
      return;
    }
    if (json) explain_value_json(p, vm, pd->type, vm->mem[base + pd->slot], o);
    else explain_value_text(p, vm, pd->type, vm->mem[base + pd->slot], o);
    return;
  }
  const prog_field *f = &p->fields[r->index];
  if (TY_KIND(f->type) == TK_LIST) {
    ent_val n = vm->mem[f->slot + 1];
    if (json) out_int(o, n);
    else {
      out_int(o, n);
      out_s(o, n == 1 ? " item" : " items");
    }
    return;
  }
  ent_val v = vm->mem[base + f->slot];
  if (json) explain_value_json(p, vm, f->type, v, o);
  else explain_value_text(p, vm, f->type, v, o);
}

static void part_reads_json(const ent_program *p, const ent_vm *vm,
                            const prog_part *pt, ent_val row, int list,
                            outbuf *o) {
  out_s(o, "\"reads\":{");
  for (uint32_t k = 0; k < pt->nrefs; k++) {
    const prog_ref *r = &p->refs[pt->first_ref + k];
    if (k) out_c(o, ',');
    out_json_begin(o);
    explain_ref_path(p, vm, r, row, list, o);
    out_json_end(o);
    out_c(o, ':');
    explain_ref_value(p, vm, r, row, 1, o);
  }
  out_c(o, '}');
}

static void str_field(outbuf *o, const char *key, const char *val) {
  out_c(o, '"');
  out_s(o, key);
  out_s(o, "\":");
  out_json(o, val, strlen(val));
}

static void rule_json(const ent_program *p, uint32_t ri, outbuf *o) {
  const prog_rule *r = &p->rules[ri];
  out_c(o, '{');
  str_field(o, "id", prog_str(p, r->id));
  out_c(o, ',');
  str_field(o, "title", prog_str(p, r->title));
  if (r->ncites) {
    out_s(o, ",\"cites\":[");
    for (uint32_t k = 0; k < r->ncites; k++) {
      const prog_cite *c = &p->cites[r->first_cite + k];
      out_s(o, k ? ",{" : "{");
      str_field(o, "document", prog_str(p, c->doc));
      out_c(o, ',');
      str_field(o, "section", prog_str(p, c->section));
      out_c(o, '}');
    }
    out_c(o, ']');
    if (*prog_str(p, r->file)) {
      char line[32];
      snprintf(line, sizeof line, ":%u", r->line);
      /* A file name may hold any character: escaped as it is written. */
      out_s(o, ",\"source\":");
      out_json_begin(o);
      out_s(o, prog_str(p, r->file));
      out_s(o, line);
      out_json_end(o);
    }
  }
  out_c(o, '}');
}

static const char *const err_names[] = {
    "", "absent", "undecided or in conflict", "overflow",
    "outside the calendar", "budget"};

static void why_not_json(const ent_program *p, const ent_vm *vm, uint32_t ri,
                         ent_val row, int list, outbuf *o) {
  const prog_rule *r = &p->rules[ri];
  ent_val st = vm->mem[row + r->state_slot];
  out_s(o, "{\"rule\":");
  out_json(o, prog_str(p, r->id), strlen(prog_str(p, r->id)));
  switch (RS_STATE(st)) {
  case RS_FAILED:
  case RS_EXCEPTED: {
    const prog_part *pt = &p->parts[r->first_part + RS_PART(st)];
    out_s(o, RS_STATE(st) == RS_FAILED ? ",\"failed\":" : ",\"exception\":");
    out_json(o, prog_str(p, pt->text), strlen(prog_str(p, pt->text)));
    out_c(o, ',');
    part_reads_json(p, vm, pt, row, list, o);
    break;
  }
  case RS_OVERRIDDEN: {
    const char *by = prog_str(p, p->rules[RS_OPERAND(st)].id);
    out_s(o, ",\"overridden_by\":");
    out_json(o, by, strlen(by));
    break;
  }
  case RS_ERROR: {
    out_s(o, ",\"error\":");
    const char *e = err_names[RS_CODE(st) < 6 ? RS_CODE(st) : 0];
    out_json(o, e, strlen(e));
    if (RS_CODE(st) == ERR_ABSENT || RS_CODE(st) == ERR_DECISION) {
      out_s(o, ",\"needs\":");
      const char *n = RS_CODE(st) == ERR_ABSENT
                          ? prog_str(p, p->fields[RS_OPERAND(st)].path)
                          : prog_str(p, p->decisions[RS_OPERAND(st)].name);
      out_json(o, n, strlen(n));
    }
    break;
  }
  default:
    out_s(o, ",\"not_evaluated\":true");
  }
  out_c(o, '}');
}

static const char *outcome_name(int st) {
  switch (st) {
  case DS_DECIDED: case DS_AGREED: return "decided";
  case DS_DEFAULT: return "default";
  case DS_CONFLICT: return "conflict";
  default: return "undecided";
  }
}

/* An array of 'n' parts from 'first', each as {key: text, reads: ...}. */
static void parts_json(const ent_program *p, const ent_vm *vm, uint32_t first,
                       uint32_t n, const char *key, ent_val row, int list,
                       outbuf *o) {
  out_c(o, '[');
  for (uint32_t k = 0; k < n; k++) {
    const prog_part *pt = &p->parts[first + k];
    if (k) out_c(o, ',');
    out_c(o, '{');
    str_field(o, key, prog_str(p, pt->text));
    out_c(o, ',');
    part_reads_json(p, vm, pt, row, list, o);
    out_c(o, '}');
  }
  out_c(o, ']');
}

/* The fields that explain why an applied rule gave its value: its
   conditions and what they read, its exceptions (which did not hold), and
   what its value read. Written inside an object already open. */
static void applied_json(const ent_program *p, const ent_vm *vm, uint32_t ri,
                         ent_val row, int list, outbuf *o) {
  const prog_rule *r = &p->rules[ri];
  out_s(o, "\"rule\":");
  rule_json(p, ri, o);
  out_s(o, ",\"because\":");
  parts_json(p, vm, r->first_part, r->nconds, "condition", row, list, o);
  out_s(o, ",\"exceptions_not_applying\":");
  parts_json(p, vm, r->first_part + r->nconds, r->nexcs, "exception", row,
             list, o);
  if (r->value_part < p->nparts && p->parts[r->value_part].nrefs) {
    const prog_part *pt = &p->parts[r->value_part];
    out_s(o, ",\"giving\":{");
    str_field(o, "expression", prog_str(p, pt->text));
    out_c(o, ',');
    part_reads_json(p, vm, pt, row, list, o);
    out_c(o, '}');
  }
}

/* Every applied rule of a decision but 'skip', each as an object. */
static void applied_list_json(const ent_program *p, const ent_vm *vm,
                              const prog_decision *pd, ent_val row,
                              uint32_t skip, outbuf *o) {
  out_c(o, '[');
  int first = 1;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    if (rj == skip ||
        RS_STATE(vm->mem[row + p->rules[rj].state_slot]) != RS_APPLIED)
      continue;
    out_s(o, first ? "{" : ",{");
    first = 0;
    applied_json(p, vm, rj, row, pd->list, o);
    out_c(o, '}');
  }
  out_c(o, ']');
}

static void decision_json(explain_ctx *x, const ent_vm *vm, uint32_t dec,
                          ent_val row, outbuf *o) {
  const ent_program *p = x->p;
  const prog_decision *pd = &p->decisions[dec];
  ent_val st = vm->mem[row + pd->slot + 1];
  int s = DS_STATUS(st);
  out_s(o, "{\"value\":");
  if (decided(s)) explain_value_json(p, vm, pd->type, vm->mem[row + pd->slot], o);
  else out_s(o, "null");
  out_s(o, ",\"outcome\":\"");
  out_s(o, outcome_name(s));
  out_s(o, "\",");
  if (decided(s)) {
    uint32_t ri = DS_RULE1(st);
    applied_json(p, vm, ri, row, pd->list, o);
    if (s == DS_AGREED) {
      /* Other rules that applied and agreed, or added to a collection. */
      out_s(o, ",\"also\":");
      applied_list_json(p, vm, pd, row, ri, o);
    }
  } else if (s == DS_CONFLICT) {
    out_s(o, "\"reason\":\"rules of equal standing applied and "
             "disagree\",\"conflict\":");
    applied_list_json(p, vm, pd, row, UINT32_MAX, o);
  } else if (s == DS_ERROR) {
    out_s(o, "\"reason\":");
    out_json_begin(o);
    out_s(o, "rule ");
    out_s(o, prog_str(p, p->rules[DS_RULE1(st)].id));
    out_s(o, " could not be evaluated");
    out_json_end(o);
    out_s(o, ",\"applied\":");
    applied_list_json(p, vm, pd, row, UINT32_MAX, o);
  } else {
    out_s(o, "\"reason\":\"no rule applied and the decision has no "
             "default\"");
  }
  out_s(o, ",\"not_applied\":[");
  int first = 1;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    int rs = RS_STATE(vm->mem[row + p->rules[rj].state_slot]);
    if (rs == RS_APPLIED) continue;
    if (p->rules[rj].kind == RK_DEFAULT && rs == RS_OVERRIDDEN) continue;
    if (!first) out_c(o, ',');
    first = 0;
    why_not_json(p, vm, rj, row, pd->list, o);
  }
  out_s(o, "]}");
}

static void group_json(explain_ctx *x, const ent_vm *vm, int node,
                       ent_val row, outbuf *o) {
  const ent_program *p = x->p;
  out_c(o, '{');
  int first = 1;
  for (int c = x->nodes[node].first; c >= 0; c = x->nodes[c].next) {
    onode *n = &x->nodes[c];
    if (!first) out_c(o, ',');
    first = 0;
    out_mem(o, n->jkey, n->jlen);
    if (n->dec >= 0) {
      const prog_decision *pd = &p->decisions[n->dec];
      ent_val st = vm->mem[row + pd->slot + 1];
      ent_val v = vm->mem[row + pd->slot];
      if (!decided(DS_STATUS(st))) {
        out_s(o, "null");
      } else if (TY_KIND(pd->type) == TK_BOOL) {
        if (v) out_mem(o, "true", 4);
        else out_mem(o, "false", 5);
      } else if (TY_KIND(pd->type) == TK_ENUM && v >= 0 &&
                 (uint64_t)v < p->enums[TY_IDX(pd->type)].n) {
        uint32_t e = p->enums[TY_IDX(pd->type)].first + (uint32_t)v;
        out_mem(o, x->enum_json[e], x->enum_len[e]);
      } else {
        explain_value_json(p, vm, pd->type, v, o);
      }
    } else if (n->list >= 0) {
      const prog_list *l = &p->lists[n->list];
      ent_val base = vm->mem[p->fields[l->field].slot];
      ent_val cnt = vm->mem[p->fields[l->field].slot + 1];
      out_c(o, '{');
      for (ent_val i = 0; i < cnt; i++) {
        ent_val irow = base + i * (ent_val)l->width;
        if (i) out_c(o, ',');
        out_json_begin(o);
        explain_item_key(p, vm, (uint32_t)n->list, irow, o);
        out_json_end(o);
        out_c(o, ':');
        group_json(x, vm, c, irow, o);
      }
      out_c(o, '}');
    } else {
      group_json(x, vm, c, row, o);
    }
  }
  out_c(o, '}');
}

void explain_json(explain_ctx *x, const ent_vm *vm, outbuf *o, int how) {
  const ent_program *p = x->p;
  out_c(o, '{');
  uint32_t idn;
  const char *id = facts_case_id(vm, &idn);
  if (id) {
    out_s(o, "\"case_id\":");
    out_json(o, id, idn);
    out_c(o, ',');
  }
  out_s(o, "\"policy\":{");
  str_field(o, "name", prog_str(p, p->name));
  out_c(o, ',');
  str_field(o, "version", prog_str(p, p->version));
  out_c(o, ',');
  str_field(o, "digest", x->digest);
  out_s(o, "},\"decisions\":");
  group_json(x, vm, 0, 0, o);
  if (how == EXPLAIN_ALL) {
    out_s(o, ",\"explanations\":{");
    int first = 1;
    for (uint32_t d = 0; d < p->ndecisions; d++) {
      const prog_decision *pd = &p->decisions[d];
      if (pd->list < 0) {
        if (!first) out_c(o, ',');
        first = 0;
        out_json(o, prog_str(p, pd->name), strlen(prog_str(p, pd->name)));
        out_c(o, ':');
        decision_json(x, vm, d, 0, o);
        continue;
      }
      if (!first_of_list(p, d)) continue;
      /* Item by item, each with all of its decisions. */
      const prog_list *l = &p->lists[pd->list];
      ent_val base = vm->mem[p->fields[l->field].slot];
      ent_val cnt = vm->mem[p->fields[l->field].slot + 1];
      for (ent_val i = 0; i < cnt; i++) {
        ent_val irow = base + i * (ent_val)l->width;
        for (uint32_t e = d; e < p->ndecisions; e++) {
          if (p->decisions[e].list != pd->list) continue;
          if (!first) out_c(o, ',');
          first = 0;
          out_json_begin(o);
          explain_decision_path(p, vm, e, irow, o);
          out_json_end(o);
          out_c(o, ':');
          decision_json(x, vm, e, irow, o);
        }
      }
    }
    out_c(o, '}');
  }
  out_c(o, '}');
}

/* { ====== text ====== */

static void reads_text(const ent_program *p, const ent_vm *vm,
                       const prog_part *pt, ent_val row, int list,
                       outbuf *o) {
  if (!pt->nrefs) return;
  out_s(o, " (");
  for (uint32_t k = 0; k < pt->nrefs; k++) {
    const prog_ref *r = &p->refs[pt->first_ref + k];
    if (k) out_s(o, ", ");
    explain_ref_path(p, vm, r, row, list, o);
    out_s(o, " = ");
    explain_ref_value(p, vm, r, row, 0, o);
  }
  out_c(o, ')');
}

static void cites_text(const ent_program *p, const prog_rule *r, outbuf *o) {
  out_s(o, "\n    [");
  for (uint32_t k = 0; k < r->ncites; k++) {
    const prog_cite *c = &p->cites[r->first_cite + k];
    if (k) out_s(o, "; ");
    out_s(o, prog_str(p, c->doc));
    out_s(o, ", ");
    out_s(o, prog_str(p, c->section));
  }
  out_c(o, ']');
}

static void rule_text(const ent_program *p, uint32_t ri, outbuf *o) {
  const prog_rule *r = &p->rules[ri];
  if (r->kind == RK_DEFAULT) {
    out_s(o, "by default");
    if (!r->ncites) return;
    out_s(o, ": \"");
  } else {
    out_s(o, "by rule ");
    out_s(o, prog_str(p, r->id));
    out_s(o, ": \"");
  }
  out_s(o, prog_str(p, r->title));
  out_c(o, '"');
  cites_text(p, r, o);
}

/* An applied rule in text: the rule line, then its conditions with what
   they read, its exceptions that did not hold, and what its value read.
   'lead' starts the rule line ("by", "also by", ...). */
static void applied_text(const ent_program *p, const ent_vm *vm, uint32_t ri,
                         ent_val row, int list, const char *lead,
                         int show_value, outbuf *o) {
  const prog_rule *r = &p->rules[ri];
  out_s(o, lead);
  rule_text(p, ri, o);
  out_c(o, '\n');
  for (uint32_t k = 0; k < r->nconds; k++) {
    const prog_part *pt = &p->parts[r->first_part + k];
    out_s(o, k ? "    and " : "    because ");
    out_s(o, prog_str(p, pt->text));
    reads_text(p, vm, pt, row, list, o);
    out_c(o, '\n');
  }
  for (uint32_t k = 0; k < r->nexcs; k++) {
    const prog_part *pt = &p->parts[r->first_part + r->nconds + k];
    out_s(o, "    unless '");
    out_s(o, prog_str(p, pt->text));
    out_s(o, "', which does not hold");
    reads_text(p, vm, pt, row, list, o);
    out_c(o, '\n');
  }
  if (r->value_part < p->nparts &&
      (show_value || p->parts[r->value_part].nrefs)) {
    const prog_part *pt = &p->parts[r->value_part];
    out_s(o, "    giving ");
    out_s(o, prog_str(p, pt->text));
    reads_text(p, vm, pt, row, list, o);
    out_c(o, '\n');
  }
}

static void applied_all_text(const ent_program *p, const ent_vm *vm,
                             const prog_decision *pd, ent_val row,
                             uint32_t skip, const char *lead,
                             int show_value, outbuf *o) {
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    if (rj != skip &&
        RS_STATE(vm->mem[row + p->rules[rj].state_slot]) == RS_APPLIED)
      applied_text(p, vm, rj, row, pd->list, lead, show_value, o);
  }
}

void explain_decision_text(explain_ctx *x, const ent_vm *vm, uint32_t dec,
                           ent_val row, outbuf *o) {
  const ent_program *p = x->p;
  const prog_decision *pd = &p->decisions[dec];
  ent_val st = vm->mem[row + pd->slot + 1];
  int s = DS_STATUS(st);
  explain_decision_path(p, vm, dec, row, o);
  if (decided(s)) {
    out_s(o, " = ");
    explain_value_text(p, vm, pd->type, vm->mem[row + pd->slot], o);
    out_c(o, '\n');
    uint32_t ri = DS_RULE1(st);
    applied_text(p, vm, ri, row, pd->list, "  ", 0, o);
    if (s == DS_AGREED)
      applied_all_text(p, vm, pd, row, ri, "  also ", 0, o);
  } else if (s == DS_CONFLICT) {
    out_s(o, " is in CONFLICT: rules of equal standing apply and disagree, "
             "and none overrides the others\n");
    applied_all_text(p, vm, pd, row, UINT32_MAX, "  ", 1, o);
  } else if (s == DS_ERROR) {
    out_s(o, " is UNDECIDED\n  rule ");
    out_s(o, prog_str(p, p->rules[DS_RULE1(st)].id));
    out_s(o, " could not be evaluated\n");
    applied_all_text(p, vm, pd, row, UINT32_MAX, "  applied: ", 1, o);
  } else {
    out_s(o, " is UNDECIDED\n  no rule applied and the decision has no "
             "default\n");
  }
  int header = 0;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    const prog_rule *r = &p->rules[rj];
    ent_val rs = vm->mem[row + r->state_slot];
    int state = RS_STATE(rs);
    if (state == RS_APPLIED || r->kind == RK_DEFAULT) continue;
    if (!header) out_s(o, "  not applied:\n");
    header = 1;
    out_s(o, "    ");
    out_s(o, prog_str(p, r->id));
    switch (state) {
    case RS_FAILED: {
      const prog_part *pt = &p->parts[r->first_part + RS_PART(rs)];
      out_s(o, ": '");
      out_s(o, prog_str(p, pt->text));
      out_s(o, "' does not hold");
      reads_text(p, vm, pt, row, pd->list, o);
      break;
    }
    case RS_EXCEPTED: {
      const prog_part *pt = &p->parts[r->first_part + RS_PART(rs)];
      out_s(o, ": its exception '");
      out_s(o, prog_str(p, pt->text));
      out_s(o, "' holds");
      reads_text(p, vm, pt, row, pd->list, o);
      break;
    }
    case RS_OVERRIDDEN:
      out_s(o, ": overridden by ");
      out_s(o, prog_str(p, p->rules[RS_OPERAND(rs)].id));
      break;
    case RS_ERROR:
      out_s(o, ": could not be evaluated: ");
      if (RS_CODE(rs) == ERR_ABSENT) {
        out_s(o, prog_str(p, p->fields[RS_OPERAND(rs)].path));
        out_s(o, " is absent");
      } else if (RS_CODE(rs) == ERR_DECISION) {
        out_s(o, prog_str(p, p->decisions[RS_OPERAND(rs)].name));
        out_s(o, " is undecided or in conflict");
      } else {
        out_s(o, err_names[RS_CODE(rs) < 6 ? RS_CODE(rs) : 0]);
      }
      break;
    default:
      out_s(o, ": not evaluated");
    }
    out_c(o, '\n');
  }
}

void explain_requirement(const ent_program *p, const ent_vm *vm,
                         outbuf *o) {
  const prog_part *pt = &p->parts[vm->failed_part];
  out_s(o, "the case does not meet a requirement of the policy: ");
  out_s(o, prog_str(p, pt->title));
  out_s(o, vm->failed_code == ERR_ABSENT ? " ('" : " ('");
  out_s(o, prog_str(p, pt->text));
  out_s(o, vm->failed_code == ERR_NONE ? "' does not hold" :
           vm->failed_code == ERR_ABSENT ? "' reads a fact the case does not "
                                           "give"
                                         : "' cannot be evaluated");
  reads_text(p, vm, pt, 0, -1, o);
  out_c(o, ')');
}

void explain_text(explain_ctx *x, const ent_vm *vm, outbuf *o) {
  const ent_program *p = x->p;
  uint32_t idn;
  const char *id = facts_case_id(vm, &idn);
  out_s(o, "case ");
  if (id) out_mem(o, id, idn);
  else out_s(o, "(no identifier)");
  out_s(o, " decided by ");
  out_s(o, prog_str(p, p->name));
  if (*prog_str(p, p->version)) {
    out_s(o, ", ");
    out_s(o, prog_str(p, p->version));
  }
  out_s(o, " (");
  out_s(o, x->digest);
  out_s(o, ")\n\n");
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    if (pd->list < 0) {
      explain_decision_text(x, vm, d, 0, o);
      out_c(o, '\n');
      continue;
    }
    if (!first_of_list(p, d)) continue;
    const prog_list *l = &p->lists[pd->list];
    ent_val base = vm->mem[p->fields[l->field].slot];
    ent_val cnt = vm->mem[p->fields[l->field].slot + 1];
    for (ent_val i = 0; i < cnt; i++)
      for (uint32_t e = d; e < p->ndecisions; e++) {
        if (p->decisions[e].list != pd->list) continue;
        explain_decision_text(x, vm, e, base + i * (ent_val)l->width, o);
        out_c(o, '\n');
      }
  }
}

/* } ====== */
