/*
** helpers.c: see helpers.h.
*/
#include "helpers.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "policy.h"

static char errbuf[8192];

ent_program *compile_text(const char *src, const char **errors) {
  diag *d = diag_new();
  ent_program *p = policy_compile(d, "test.rules", src, strlen(src), NULL);
  errbuf[0] = 0;
  FILE *f = fmemopen(errbuf, sizeof errbuf, "w");
  diag_print(d, f);
  fclose(f);
  if (errors) *errors = errbuf;
  return p;
}

const char *first_error(const char *src) {
  diag *d = diag_new();
  ent_program *p = policy_compile(d, "test.rules", src, strlen(src), NULL);
  ck_assert_msg(p == NULL, "expected the policy to be refused");
  for (diag_msg *m = d->first; m; m = m->next)
    if (m->severity == DIAG_ERROR) return m->text;
  ck_abort_msg("refused without an error message");
  return NULL;
}

static ent_vm *last;

ent_vm *decide(const ent_program *p, const char *json) {
  if (last) vm_free(last);
  last = vm_new(p);
  facts_error e;
  int rc = facts_decode(last, json, strlen(json), &e);
  ck_assert_msg(rc == 0, "case refused: %s", e.message);
  ck_assert_int_eq(vm_run(last), VM_OK);
  return last;
}

static const prog_decision *find(const ent_program *p, const char *name) {
  for (uint32_t i = 0; i < p->ndecisions; i++)
    if (p->decisions[i].list < 0 && !strcmp(prog_str(p, p->decisions[i].name),
                                            name))
      return &p->decisions[i];
  ck_abort_msg("no decision '%s'", name);
  return NULL;
}

ent_val decision_value(const ent_vm *vm, const char *name, int *status) {
  const prog_decision *d = find(vm->p, name);
  if (status) *status = DS_STATUS(vm->mem[d->slot + 1]);
  return vm->mem[d->slot];
}

const char *decided_by(const ent_vm *vm, const char *name) {
  const prog_decision *d = find(vm->p, name);
  return prog_str(vm->p, vm->p->rules[DS_RULE1(vm->mem[d->slot + 1])].id);
}

const char *overridden_by(const ent_vm *vm, const char *rule) {
  const ent_program *p = vm->p;
  for (uint32_t i = 0; i < p->nrules; i++) {
    if (strcmp(prog_str(p, p->rules[i].id), rule)) continue;
    ent_val st = vm->mem[p->rules[i].state_slot];
    if (RS_STATE(st) != RS_OVERRIDDEN) return NULL;
    return prog_str(p, p->rules[RS_OPERAND(st)].id);
  }
  return NULL;
}

/* Counts every allocation through the C library, so that a test can show
   that deciding a case allocates nothing. The collector does not use
   malloc, so compiling does not count. */
long test_allocations;
void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t a, size_t b);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_malloc(size_t n) {
  test_allocations++;
  return __real_malloc(n);
}
void *__wrap_realloc(void *p, size_t n) {
  test_allocations++;
  return __real_realloc(p, n);
}
void *__wrap_calloc(size_t a, size_t b) {
  test_allocations++;
  return __real_calloc(a, b);
}
