/*
** record.h: the decision record, the compact form of a decided case that
** is kept (doc/record.md).
**
** A record holds what the case contributed and nothing the program
** already says: the facts the explanation reads, and the state of every
** decision and rule, by index into the program. Written from a decided
** case; read back into a case memory, from which the renderers of
** explain.c give the same bytes as for the case itself.
*/
#ifndef ENT_RECORD_H
#define ENT_RECORD_H

#include <stddef.h>

#include "explain.h"

#define RECORD_FORMAT 1

typedef struct record_ctx record_ctx;

/* For program 'p', whose decisions 'x' writes. NULL if out of memory. */
record_ctx *record_new(const ent_program *p, explain_ctx *x);
void record_free(record_ctx *r);

/* One record of the case decided in 'vm', as one line without its
   newline. */
void record_write(record_ctx *r, const ent_vm *vm, outbuf *o);

/* Reads the record in 'text' into 'vm', as if its case had just been
   decided there. Returns 0, or -1 with a message in 'err' (the record is
   not JSON, is not a record, was made by another program, or names what
   the program does not have). 'vm' must be one of this program's. */
int record_read(record_ctx *r, ent_vm *vm, const char *text, size_t len,
                char *err, size_t errn);

#endif
