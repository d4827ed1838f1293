/*
** layout_digest.c: what of a program the layout of its rule file can
** change.
**
**   layout_digest FILE...
**
** Prints, for each rule file, its program's digest (what 'entitle eval'
** prints and records name) and the digest of the same program with the
** source line of every rule set to 0, then the file's name. A program
** keeps each rule's line for its explanations ('national.rules:152'), so
** a formatter that moves a rule to another line changes the first
** digest; it must never change the second. Exits 1 when a file does not
** compile.
*/
#include <gc.h>
#include <stdio.h>

#include "bytecode.h"
#include "diag.h"
#include "policy.h"
#include "program.h"

int main(int argc, char **argv) {
  GC_INIT();
  for (int i = 1; i < argc; i++) {
    diag *d = diag_new();
    ent_program *p = policy_compile(d, argv[i], NULL, 0, NULL);
    if (!p) {
      diag_print(d, stderr);
      return 1;
    }
    char full[65], lines_aside[65];
    bc_digest_hex(p, full);
    for (uint32_t r = 0; r < p->nrules; r++) p->rules[r].line = 0;
    bc_digest(p);
    bc_digest_hex(p, lines_aside);
    printf("%s %s %s\n", full, lines_aside, argv[i]);
  }
  return 0;
}
