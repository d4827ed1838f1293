/*
** explain_text.c: decisions and their explanations in text, for people:
** for each decision its value, the rule that decided it with its title
** and citations, each condition with what it read and the items behind
** its aggregates, and every other rule of the decision with why it did
** not apply.
*/
#include <string.h>

#include "explain.h"
#include "facts.h"
#include "trace.h"


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

/* An item of aggregate 'a' and what was read of it: 'provisions.p2
   (provisions.p2.in_request = true, ...)'. */
static void witness_item_text(const ent_program *p, const ent_vm *vm,
                              const prog_agg *a, ent_val wrow, outbuf *o) {
  out_s(o, prog_str(p, p->fields[p->lists[a->list].field].path));
  out_c(o, '.');
  explain_item_key(p, vm, a->list, wrow, o);
  if (!a->nrefs) return;
  out_s(o, " (");
  for (uint32_t k = 0; k < a->nrefs; k++) {
    const prog_ref *r = &p->refs[a->first_ref + k];
    if (k) out_s(o, ", ");
    explain_ref_path(p, vm, r, wrow, (int)a->list, o);
    out_s(o, " = ");
    explain_ref_value(p, vm, r, wrow, 0, o);
  }
  out_c(o, ')');
}

/* Starts a line of witnesses: the line break of the one before (written
   as it is, even while escaping), then the indent. */
static void witness_line(outbuf *o, int *first, const char *indent,
                         const char *brk) {
  if (!*first) {
    int esc = o->escape;
    o->escape = 0;
    out_s(o, brk);
    o->escape = esc;
  }
  *first = 0;
  out_s(o, indent);
}

int explain_witness_text(const ent_program *p, const ent_vm *vm,
                         uint32_t part, ent_val row, const char *indent,
                         const char *brk, outbuf *o) {
  uint32_t first, n;
  tr_part_aggs(p, part, &first, &n);
  int none = 1;
  for (uint32_t k = 0; k < n; k++) {
    const prog_agg *a = &p->aggs[first + k];
    tr_witness w;
    tr_witnesses(p, vm, a, row, &w);
    if (!w.evaluated) continue;
    if (n > 1) {
      witness_line(o, &none, indent, brk);
      out_s(o, "in '");
      out_s(o, prog_str(p, a->text));
      out_s(o, "':");
    }
    const char *in = n > 1 ? "  " : "";
    ent_val base, items;
    tr_items(p, vm, a->list, &base, &items);
    const char *lp = prog_str(p, p->fields[p->lists[a->list].field].path);
    if ((a->kind == AGG_ANY || a->kind == AGG_ALL) && !w.n) {
      witness_line(o, &none, indent, brk);
      out_s(o, in);
      out_s(o, a->kind == AGG_ANY ? "met by no item of " : "met by every "
                                                         "item of ");
      out_s(o, lp);
      out_s(o, " (");
      out_int(o, items);
      out_s(o, items == 1 ? " item)" : " items)");
      continue;
    }
    if (!w.count) {
      witness_line(o, &none, indent, brk);
      out_s(o, in);
      out_s(o, "no item of ");
      out_s(o, lp);
      out_s(o, " counted");
      continue;
    }
    for (uint32_t i = 0; i < w.n; i++) {
      witness_line(o, &none, indent, brk);
      out_s(o, in);
      out_s(o, a->kind == AGG_ANY ? "met by " : a->kind == AGG_ALL
                                                  ? "not met by "
                                                  : "counted: ");
      witness_item_text(p, vm, a, w.rows[i], o);
    }
    if (w.count > w.n && a->kind >= AGG_COUNT) {
      witness_line(o, &none, indent, brk);
      out_s(o, in);
      out_s(o, "and ");
      out_int(o, w.count - w.n);
      out_s(o, w.count - w.n == 1 ? " more item" : " more items");
    }
  }
  return !none;
}

/* The witnesses of a part in text, a line each. */
static void witness_lines(const ent_program *p, const ent_vm *vm,
                          const prog_part *pt, ent_val row,
                          const char *indent, outbuf *o) {
  if (p->naggs &&
      explain_witness_text(p, vm, (uint32_t)(pt - p->parts), row, indent,
                           "\n", o))
    out_c(o, '\n');
}

/* The citations on one line, then each quotation on a line of its own
   after its section's name: the policy's words beside the rule. */
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
  for (uint32_t k = 0; k < r->ncites; k++) {
    const prog_cite *c = &p->cites[r->first_cite + k];
    if (!*prog_str(p, c->quote)) continue;
    out_s(o, "\n    ");
    out_s(o, prog_str(p, c->section));
    out_s(o, ": \"");
    out_s(o, prog_str(p, c->quote));
    out_c(o, '"');
  }
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
    witness_lines(p, vm, pt, row, "      ", o);
  }
  for (uint32_t k = 0; k < r->nexcs; k++) {
    const prog_part *pt = &p->parts[r->first_part + r->nconds + k];
    out_s(o, "    unless '");
    out_s(o, prog_str(p, pt->text));
    out_s(o, "', which does not hold");
    reads_text(p, vm, pt, row, list, o);
    out_c(o, '\n');
    witness_lines(p, vm, pt, row, "      ", o);
  }
  if (r->value_part < p->nparts &&
      (show_value || p->parts[r->value_part].nrefs)) {
    const prog_part *pt = &p->parts[r->value_part];
    out_s(o, "    giving ");
    out_s(o, prog_str(p, pt->text));
    reads_text(p, vm, pt, row, list, o);
    out_c(o, '\n');
    witness_lines(p, vm, pt, row, "      ", o);
  }
}

static void applied_all_text(const ent_program *p, const ent_vm *vm,
                             const prog_decision *pd, ent_val row,
                             uint32_t skip, const char *lead,
                             int show_value, outbuf *o) {
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    if (rj != skip &&
        RS_STATE(tr_rule_state(vm, &p->rules[rj], row)) == RS_APPLIED)
      applied_text(p, vm, rj, row, pd->list, lead, show_value, o);
  }
}

void explain_decision_text(explain_ctx *x, const ent_vm *vm, uint32_t dec,
                           ent_val row, outbuf *o) {
  const ent_program *p = explain_program(x);
  const prog_decision *pd = &p->decisions[dec];
  ent_val st = tr_dec_state(vm, pd, row);
  int s = DS_STATUS(st);
  const prog_ref *when;
  explain_decision_path(p, vm, dec, row, o);
  if (tr_decided(s)) {
    out_s(o, " = ");
    explain_value_text(p, vm, pd->type, tr_dec_value(vm, pd, row), o);
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
  } else if (explain_nothing_in_force(p, vm, pd, row, &when)) {
    out_s(o, " is UNDECIDED\n  nothing was in force on ");
    explain_ref_value(p, vm, when, row, 0, o);
    out_s(o, ": no rule or value of it applies on that date\n");
  } else {
    out_s(o, " is UNDECIDED\n  no rule applied and the decision has no "
             "default\n");
  }
  int header = 0;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    const prog_rule *r = &p->rules[rj];
    ent_val rs = tr_rule_state(vm, r, row);
    int state = RS_STATE(rs);
    if (state == RS_APPLIED || r->kind == RK_DEFAULT) continue;
    if (!header) out_s(o, "  not applied:\n");
    header = 1;
    out_s(o, "    ");
    out_s(o, prog_str(p, r->id));
    out_s(o, ": ");
    explain_why_not_text(p, vm, rj, row, 1, o);
    out_c(o, '\n');
    const prog_part *pt = explain_why_not_part(p, vm, rj, row);
    if (pt) witness_lines(p, vm, pt, row, "        ", o);
  }
}

const prog_part *explain_why_not_part(const ent_program *p, const ent_vm *vm,
                                      uint32_t ri, ent_val row) {
  const prog_rule *r = &p->rules[ri];
  int state = RS_STATE(tr_rule_state(vm, r, row));
  if (state != RS_FAILED && state != RS_EXCEPTED) return NULL;
  return &p->parts[r->first_part + RS_PART(tr_rule_state(vm, r, row))];
}

void explain_why_not_text(const ent_program *p, const ent_vm *vm,
                          uint32_t ri, ent_val row, int with_reads,
                          outbuf *o) {
  const prog_rule *r = &p->rules[ri];
  ent_val rs = tr_rule_state(vm, r, row);
  const prog_part *pt = explain_why_not_part(p, vm, ri, row);
  int list = p->decisions[r->decision].list;
  switch (RS_STATE(rs)) {
  case RS_FAILED:
    out_c(o, '\'');
    out_s(o, prog_str(p, pt->text));
    out_s(o, "' does not hold");
    if (with_reads) reads_text(p, vm, pt, row, list, o);
    break;
  case RS_EXCEPTED:
    out_s(o, "its exception '");
    out_s(o, prog_str(p, pt->text));
    out_s(o, "' holds");
    if (with_reads) reads_text(p, vm, pt, row, list, o);
    break;
  case RS_OVERRIDDEN:
    out_s(o, "overridden by ");
    out_s(o, prog_str(p, p->rules[RS_OPERAND(rs)].id));
    break;
  case RS_ERROR:
    out_s(o, "could not be evaluated: ");
    if (RS_CODE(rs) == ERR_ABSENT) {
      out_s(o, prog_str(p, p->fields[RS_OPERAND(rs)].path));
      out_s(o, " is absent");
    } else if (RS_CODE(rs) == ERR_DECISION) {
      out_s(o, prog_str(p, p->decisions[RS_OPERAND(rs)].name));
      out_s(o, " is undecided or in conflict");
    } else {
      out_s(o, explain_error_name(RS_CODE(rs)));
    }
    break;
  default:
    out_s(o, "not evaluated");
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

typedef struct {
  explain_ctx *x;
  const ent_vm *vm;
  outbuf *o;
} text_visit;

static void text_one(void *arg, uint32_t dec, ent_val row) {
  text_visit *t = arg;
  explain_decision_text(t->x, t->vm, dec, row, t->o);
  out_c(t->o, '\n');
}

void explain_text(explain_ctx *x, const ent_vm *vm, outbuf *o) {
  const ent_program *p = explain_program(x);
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
  out_s(o, explain_digest(x));
  out_s(o, ")\n");
  for (uint32_t i = 0; i < p->nimports; i++) {
    out_s(o, "  importing ");
    out_s(o, prog_str(p, p->imports[i].file));
    out_s(o, ": ");
    out_s(o, prog_str(p, p->imports[i].name));
    if (*prog_str(p, p->imports[i].version)) {
      out_s(o, ", ");
      out_s(o, prog_str(p, p->imports[i].version));
    }
    out_c(o, '\n');
  }
  out_c(o, '\n');
  text_visit t = {x, vm, o};
  explain_each(x, vm, text_one, &t);
}
