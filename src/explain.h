/*
** explain.h: results and explanations, rendered from a decided case.
**
** The VM leaves every decision's outcome and every rule's state in case
** memory; these renderers read them, with the program's tables of rule
** titles, citations and the facts each condition reads, and never change
** anything.
*/
#ifndef ENT_EXPLAIN_H
#define ENT_EXPLAIN_H

#include "out.h"
#include "vm.h"

typedef struct explain_ctx explain_ctx;

/* NULL if out of memory. */
explain_ctx *explain_new(const ent_program *p, const char *digest_hex);
void explain_free(explain_ctx *x);

/* What a result holds: the decisions only, their explanations too, or
   (the command's --format record) the decision record of record.h. */
enum { EXPLAIN_NONE = 0, EXPLAIN_ALL = 1, EXPLAIN_RECORD = 2 };

/* One case's result as one JSON object (no newline). */
void explain_json(explain_ctx *x, const ent_vm *vm, outbuf *o, int how);
/* The program's digest as results name it: 'sha256:...'. */
const char *explain_digest(const explain_ctx *x);
const ent_program *explain_program(const explain_ctx *x);
/* The 'decisions' object of that result alone. */
void explain_decisions_json(explain_ctx *x, const ent_vm *vm, outbuf *o);
/* For a partial case (needs.c): which lists have known items. */
typedef struct {
  int (*list_known)(void *arg, uint32_t list);
  void *arg;
} explain_filter;
/* '{"case_id":...,"policy":{...},"decisions":{...}' without the closing
   brace, the decisions holding only those made: a needs run leaves an
   open decision pending, and 'f' says which lists are known. */
void explain_partial_json(explain_ctx *x, const ent_vm *vm,
                          const explain_filter *f, outbuf *o);
/* The same in text, for people. */
void explain_text(explain_ctx *x, const ent_vm *vm, outbuf *o);
/* The value of a decision as the JSON output shows it. */
void explain_value_json(const ent_program *p, const ent_vm *vm, int32_t type,
                        ent_val v, outbuf *o);
/* The same, faster: the program's words escaped once, by 'x'. */
void explain_value_json_x(const explain_ctx *x, const ent_vm *vm,
                          int32_t type, ent_val v, outbuf *o);
void explain_value_text(const ent_program *p, const ent_vm *vm, int32_t type,
                        ent_val v, outbuf *o);
/* Writes the key of item row 'row' of list 'l'. */
void explain_item_key(const ent_program *p, const ent_vm *vm, uint32_t l,
                      ent_val row, outbuf *o);
/* Why a case failed a requirement (after vm_run returned VM_INVALID). */
void explain_requirement(const ent_program *p, const ent_vm *vm, outbuf *o);
/* The name a reader sees for decision 'dec' in row 'row': 'budget.total',
   'provisions.p1.included'. */
void explain_decision_path(const ent_program *p, const ent_vm *vm,
                           uint32_t dec, ent_val row, outbuf *o);
/* The name and value (JSON if 'json', else text) of what a condition
   reads, for a rule of a decision in row 'row' of list 'list'. */
void explain_ref_path(const ent_program *p, const ent_vm *vm,
                      const prog_ref *r, ent_val row, int list, outbuf *o);
void explain_ref_value(const ent_program *p, const ent_vm *vm,
                       const prog_ref *r, ent_val row, int json, outbuf *o);
/* Calls 'fn' for each decision of the case in the order explanations
   show them: the case's own in program order, and at the first decision
   of a list, each item with all of that list's decisions. */
typedef void explain_visit(void *arg, uint32_t dec, ent_val row);
void explain_each(explain_ctx *x, const ent_vm *vm, explain_visit *fn,
                  void *arg);
/* Why rule 'ri', which did not apply in row 'row', did not: "'C' does
   not hold", "its exception 'E' holds", "overridden by R", ..., with what
   the part read when 'with_reads'. */
void explain_why_not_text(const ent_program *p, const ent_vm *vm,
                          uint32_t ri, ent_val row, int with_reads,
                          outbuf *o);
/* The witnesses of the aggregates of part 'part' evaluated in 'row', a
   line each: 'indent' before each line and 'brk' between them, written as
   it is. Returns 0 when there were none. */
int explain_witness_text(const ent_program *p, const ent_vm *vm,
                         uint32_t part, ent_val row, const char *indent,
                         const char *brk, outbuf *o);
/* Whether decision 'pd' in 'row' is undecided because no rule of it was
   in force on the policy's date (every rule failed at its period); then
   '*date' is the ref of that date. */
int explain_nothing_in_force(const ent_program *p, const ent_vm *vm,
                             const prog_decision *pd, ent_val row,
                             const prog_ref **date);
/* The words for a rule error code (ERR_ABSENT ...): 'absent', ... */
const char *explain_error_name(int code);
/* The condition or exception that made rule 'ri' not apply, or NULL. */
const prog_part *explain_why_not_part(const ent_program *p, const ent_vm *vm,
                                      uint32_t ri, ent_val row);
/* The explanation of one decision in one row, in text. */
void explain_decision_text(explain_ctx *x, const ent_vm *vm, uint32_t dec,
                           ent_val row, outbuf *o);

#endif
