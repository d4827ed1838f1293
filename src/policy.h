/*
** policy.h: from a rule file or a compiled program to a ready program.
*/
#ifndef ENT_POLICY_H
#define ENT_POLICY_H

#include "diag.h"
#include "program.h"

struct sema;

/* Compiles rule file 'path' (or 'text' under that name, when not NULL).
   On success returns the program, with its digest computed, and the
   checked policy in '*sema_out' (when not NULL). On failure returns NULL;
   the errors are in 'd'. */
ent_program *policy_compile(diag *d, const char *path, const char *text,
                            size_t len, struct sema **sema_out);
/* Reads 'path': a compiled program (loaded and verified) or a rule file
   (compiled). NULL on failure, with the errors in 'd'. */
ent_program *policy_open(diag *d, const char *path);

#endif
