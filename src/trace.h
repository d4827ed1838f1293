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

/* Whether a decision of this status has a value. */
static inline int tr_decided(int status) {
  return status == DS_DECIDED || status == DS_AGREED || status == DS_DEFAULT;
}

#endif
