/*
** helpers.h: compiling and deciding small policies inside unit tests.
*/
#ifndef ENT_TEST_HELPERS_H
#define ENT_TEST_HELPERS_H

#include "diag.h"
#include "program.h"
#include "vm.h"

/* Compiles 'src'; returns the program or NULL. The messages, printed as
   the command would print them, are in 'errors' (a static buffer). */
ent_program *compile_text(const char *src, const char **errors);
/* Compiles 'src' expecting failure; returns the first error's text. */
const char *first_error(const char *src);
/* Decides 'json' with 'p'; the VM stays valid until the next call. */
ent_vm *decide(const ent_program *p, const char *json);
/* The value and state of case decision 'name' in the last decided case. */
ent_val decision_value(const ent_vm *vm, const char *name, int *status);
/* The rule that beat case-level rule 'rule' (its id), or NULL if it was
   not beaten. */
const char *overridden_by(const ent_vm *vm, const char *rule);
/* The id of the rule that decided 'name'. */
const char *decided_by(const ent_vm *vm, const char *name);

#endif
