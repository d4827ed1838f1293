/*
** trace.h: what deciding a case leaves behind, read and written one way.
**
** The decoder writes the facts into the case memory and the VM writes
** each decision's value and state and each rule's state beside them.
** Everything that reads a decided case (the renderers, the record, the
** test runner and the library) reads it through these functions, and a
** record is turned back into a case memory through them, so that a change
** of the row layout touches this file and the VM only.
**
** A row is the case's own (row 0) or a list item's; per-item facts and
** decisions live in their item's row.
*/
#ifndef ENT_TRACE_H
#define ENT_TRACE_H

#include "vm.h"

static inline ent_val tr_field(const ent_vm *vm, const prog_field *f,
                               ent_val row) {
  return vm->mem[row + f->slot];
}

static inline void tr_set_field(ent_vm *vm, const prog_field *f, ent_val row,
                                ent_val v) {
  vm->mem[row + f->slot] = v;
}

/* The items of list 'l': the row of the first and how many there are. */
static inline void tr_items(const ent_program *p, const ent_vm *vm,
                            uint32_t l, ent_val *first, ent_val *n) {
  const prog_field *f = &p->fields[p->lists[l].field];
  *first = vm->mem[f->slot];
  *n = vm->mem[f->slot + 1];
}

static inline ent_val tr_item_count(const ent_program *p, const ent_vm *vm,
                                    uint32_t l) {
  return vm->mem[p->fields[p->lists[l].field].slot + 1];
}

static inline ent_val tr_item_row(const ent_program *p, uint32_t l,
                                  ent_val first, ent_val i) {
  return first + i * (ent_val)p->lists[l].width;
}

static inline ent_val tr_dec_value(const ent_vm *vm, const prog_decision *d,
                                   ent_val row) {
  return vm->mem[row + d->slot];
}

/* The state word: DS_STATUS, DS_RULE1 and DS_RULE2 of program.h. */
static inline ent_val tr_dec_state(const ent_vm *vm, const prog_decision *d,
                                   ent_val row) {
  return vm->mem[row + d->slot + 1];
}

static inline void tr_set_decision(ent_vm *vm, const prog_decision *d,
                                   ent_val row, ent_val value,
                                   ent_val state) {
  vm->mem[row + d->slot] = value;
  vm->mem[row + d->slot + 1] = state;
}

/* The state word: RS_STATE, RS_PART, RS_CODE and RS_OPERAND. */
static inline ent_val tr_rule_state(const ent_vm *vm, const prog_rule *r,
                                    ent_val row) {
  return vm->mem[row + r->state_slot];
}

static inline void tr_set_rule(ent_vm *vm, const prog_rule *r, ent_val row,
                               ent_val state) {
  vm->mem[row + r->state_slot] = state;
}

/* The aggregates of part 'part' (the table is sorted by part): the first
   and how many. */
static inline void tr_part_aggs(const ent_program *p, uint32_t part,
                                uint32_t *first, uint32_t *n) {
  uint32_t lo = 0, hi = p->naggs;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (p->aggs[mid].part < part) lo = mid + 1;
    else hi = mid;
  }
  *first = lo;
  while (hi < p->naggs && p->aggs[hi].part == part) hi++;
  *n = hi - lo;
}

/* The witnesses of aggregate 'a' as evaluated in row 'row': whether it
   was, how many items matched in all, and the rows of those kept. A row
   that is not an item of the aggregate's list (only a damaged program
   could leave one) is left out. */
typedef struct {
  int evaluated;
  uint32_t count, n;
  ent_val rows[WITNESS_MAX];
} tr_witness;

static inline void tr_witnesses(const ent_program *p, const ent_vm *vm,
                                const prog_agg *a, ent_val row,
                                tr_witness *w) {
  ent_val word = vm->mem[row + a->slot], first, items;
  /* WIT_* in program.h */
  w->evaluated = WIT_EVALUATED(word);
  w->count = w->evaluated ? WIT_COUNT(word) : 0;
  w->n = 0;
  if (!w->evaluated) return;
  tr_items(p, vm, a->list, &first, &items);
  uint32_t keep = agg_keeps(a->kind);
  ent_val width = (ent_val)p->lists[a->list].width;
  for (uint32_t k = 0; k < w->count && k < keep; k++) {
    uint64_t at = (uint64_t)WIT_AT(word) + k;
    if (at >= vm->nwit) break;
    ent_val r = vm->wit[at];
    if (r >= first && r < first + items * width && !((r - first) % width))
      w->rows[w->n++] = r;
  }
}

static inline void tr_set_witnesses(ent_vm *vm, const prog_agg *a,
                                    ent_val row, ent_val word) {
  vm->mem[row + a->slot] = word;
}

/* Whether a decision of this status has a value. */
static inline int tr_decided(int status) {
  return status == DS_DECIDED || status == DS_AGREED || status == DS_DEFAULT;
}

#endif
