/*
** decide.h: the steps of making a decision, as the interview's
** three-valued run (needs.c) takes them: the row check, the start,
** whether a rule is beaten, applying a value, the end; and the calendar
** instructions, which the VM (vm.c) runs through here too. The VM takes
** the other steps the same way with the decision's and the rule's words
** kept in locals, fused with the instructions around them; the case fuzz
** target holds the two together (a partial case that leaves nothing
** unknown is decided by needs.c exactly as vm_run decides it).
*/
#ifndef ENT_DECIDE_H
#define ENT_DECIDE_H

#include "program.h"

/* Inlined into the VM's loop however large it grows, as the code they
   replace was. */
#if defined(__GNUC__)
#define DECIDE_INLINE __attribute__((always_inline))
#else
#define DECIDE_INLINE
#endif

/* Whether 'drow' is a row decision 'd' may be written in: the case's, or
   an item's of the decision's own list. */
DECIDE_INLINE static inline int
decide_row_ok(const ent_program *p, const ent_val *M,
                                const prog_decision *d, ent_val drow) {
  if (d->list < 0) return drow == 0;
  const prog_list *l = &p->lists[d->list];
  uint32_t slot = p->fields[l->field].slot;
  ent_val first = M[slot], n = M[slot + 1];
  return drow >= first && drow < first + n * (ent_val)l->width &&
         (drow - first) % (ent_val)l->width == 0;
}

/* DEC_BEGIN: the decision pending, each of its rules not yet run. */
DECIDE_INLINE static inline void
decide_begin(const ent_program *p, ent_val *M,
                                const prog_decision *d, ent_val drow) {
  M[drow + d->slot] = 0;
  M[drow + d->slot + 1] = DS_MAKE(DS_PENDING, 0, 0);
  for (uint32_t k = 0; k < d->nrules; k++)
    M[drow + p->rules[d->first_rule + k].state_slot] = RS_PENDING;
}

/* RULE: whether rule 'rule' of decision 'dec' is beaten before it runs,
   its state then written. A default is beaten by any rule that applied;
   another rule by a rule that beats it directly and applied, or was
   itself beaten (by a rule that applied, which beats this one too).
   Rules run after those that beat them, so their states are final. */
DECIDE_INLINE static inline int
decide_beaten(const ent_program *p, ent_val *M,
                                ent_val drow, uint32_t dec, uint32_t rule) {
  const prog_rule *r = &p->rules[rule];
  ent_val *state = &M[drow + r->state_slot];
  if (r->kind == RK_DEFAULT) {
    ent_val st = M[drow + p->decisions[dec].slot + 1];
    if (DS_STATUS(st) == DS_PENDING) return 0;
    *state = RS_MAKE(RS_OVERRIDDEN, 0, 0, DS_RULE1(st));
    return 1;
  }
  for (uint32_t k = 0; k < r->nbeaten_by; k++) {
    uint32_t b = p->beaten_by[r->first_beaten_by + k];
    ent_val bs = M[drow + p->rules[b].state_slot];
    if (RS_STATE(bs) == RS_APPLIED || RS_STATE(bs) == RS_OVERRIDDEN) {
      *state = RS_MAKE(RS_OVERRIDDEN, 0, 0,
                       RS_STATE(bs) == RS_APPLIED ? b : RS_OPERAND(bs));
      return 1;
    }
  }
  return 0;
}

/* APPLY: rule 'rule' gives decision 'd' the value 'v'. A second rule
   agrees or conflicts; a collecting decision gathers every value. */
DECIDE_INLINE static inline void
decide_apply(const ent_program *p, ent_val *M,
                                const prog_decision *d, ent_val drow,
                                uint32_t rule, ent_val v) {
  ent_val *val = &M[drow + d->slot], *st = &M[drow + d->slot + 1];
  M[drow + p->rules[rule].state_slot] = RS_MAKE(RS_APPLIED, 0, 0, 0);
  int s = DS_STATUS(*st);
  if (s == DS_PENDING) {
    *val = v;
    *st = DS_MAKE(p->rules[rule].kind == RK_DEFAULT ? DS_DEFAULT
                                                    : DS_DECIDED,
                  rule, 0);
  } else if (d->flags & DF_COLLECT) {
    *val |= v;
    *st = DS_MAKE(DS_AGREED, DS_RULE1(*st), rule);
  } else if (s == DS_DECIDED || s == DS_AGREED) {
    *st = DS_MAKE(*val == v ? DS_AGREED : DS_CONFLICT, DS_RULE1(*st), rule);
  }
}

/* DEC_END: a decision a rule could not be evaluated for is in error
   (unless in conflict already); one no rule decided has no rule. */
DECIDE_INLINE static inline void
decide_end(ent_val *M, const prog_decision *d,
                              ent_val drow, uint32_t err_rule) {
  ent_val *st = &M[drow + d->slot + 1];
  if (DS_STATUS(*st) == DS_CONFLICT) return;
  if (err_rule != UINT32_MAX)
    *st = DS_MAKE(DS_ERROR, err_rule, 0);
  else if (DS_STATUS(*st) == DS_PENDING)
    *st = DS_MAKE(DS_NO_RULE, 0, 0);
}

/* The calendar instructions: ADDDAYS, ADDMONTHS, ADDYEARS, AGE,
   MONTHSDIFF, YEARSDIFF and ENDOFMONTH ('c' unused) on 'b' and 'c'.
   Returns ERR_NONE, or ERR_DATE for a date out of the calendar's range:
   a damaged program's stray number is an error, never a wrong date. */
DECIDE_INLINE static inline int
decide_calendar(int op, ent_val b, ent_val c,
                                  ent_val *out) {
  int64_t r;
  switch (op) {
  case OP_ADDDAYS: if (!date_add_days(b, c, &r)) return ERR_DATE; break;
  case OP_ADDMONTHS: if (!date_add_months(b, c, &r)) return ERR_DATE; break;
  case OP_ADDYEARS: if (!date_add_years(b, c, &r)) return ERR_DATE; break;
  default: {
    ent_val d = op == OP_ENDOFMONTH ? b : c;
    if (b < DATE_MIN || b > DATE_MAX || d < DATE_MIN || d > DATE_MAX)
      return ERR_DATE;
    if (op == OP_AGE) r = date_age(b, c);
    else if (op == OP_ENDOFMONTH) r = date_end_of_month(b);
    else if (op == OP_MONTHSDIFF) r = date_months_between(b, c);
    else r = date_months_between(b, c) / 12;
  }
  }
  *out = r;
  return ERR_NONE;
}

#endif
