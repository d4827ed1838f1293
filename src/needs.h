/*
** needs.h: the interview. Which facts of a partial case are still needed,
** and what is decided already.
**
** A partial case (facts_decode_partial) leaves some facts unknown. needs
** runs the program over it in three values (true, false, unknown): every
** decision that comes out the same whatever the unknown facts turn out to
** be is settled; the others are open, and the unknown facts they read are
** the ones to ask for, those that bear on the most open decisions first.
*/
#ifndef ENT_NEEDS_H
#define ENT_NEEDS_H

#include "explain.h"
#include "out.h"
#include "vm.h"

typedef struct needs_ctx needs_ctx;

/* The most paths one decision is followed along; past it the decision is
   open (never wrongly settled). */
#define NEEDS_MAX_PATHS 4096
/* The most unknown conditions one path meets. */
#define NEEDS_MAX_FORKS 64

needs_ctx *needs_new(const ent_program *p);
void needs_free(needs_ctx *n);

/* Runs the program over the partial case decoded into 'vm'. Returns
   VM_OK; VM_INVALID when the known facts already fail a requirement
   (vm->failed_part, as vm_run); VM_BUDGET, VM_MEMORY or VM_FAULT. */
int needs_run(needs_ctx *n, ent_vm *vm);

/* After VM_OK: '{"case_id":..,"policy":{..},"decisions":{..},"needed":
   [..]}', the decisions made and the paths of the facts needed, most
   useful first. */
void needs_json(needs_ctx *n, explain_ctx *x, const ent_vm *vm, outbuf *o);
/* The same for people: what is decided, and the questions in order. */
void needs_text(needs_ctx *n, explain_ctx *x, const ent_vm *vm, outbuf *o);

/* How many decisions (and requirements) are still open. */
uint32_t needs_open(const needs_ctx *n);

#endif
