/*
** facts.h: a case as JSON text to the VM's case memory.
*/
#ifndef ENT_FACTS_H
#define ENT_FACTS_H

#include <stddef.h>

#include "vm.h"

/* One thing wrong with a case. */
typedef struct facts_problem {
  size_t offset;       /* byte offset of the problem in the input */
  int line, col;       /* 1-based */
  char path[256];      /* 'provisions[2].annual_cost', or '' */
  char message[384];
} facts_problem;

/* The most problems one case reports; past it they are only counted. */
#define FACTS_MAX_PROBLEMS 100

/* Why a case was refused: the first problem found, in the fields of a
   facts_problem, then every other one. The decoder goes on after a
   missing fact or a value it cannot take, so that one run names them
   all; it stops at text that is not JSON, or at a limit. */
typedef struct {
  size_t offset;
  int line, col;
  char path[256];
  char message[384];
  int count;                 /* problems found, the first included */
  int nmore;                 /* problems after the first kept in 'more' */
  const facts_problem *more; /* held by the VM until its next case */
} facts_error;

/* The deepest JSON nesting a case may have: deeper input is refused
   before it is read (a case's schema is never that deep). */
#define FACTS_MAX_DEPTH 64

/* Decodes one case into 'vm', replacing the previous case. Returns 0, or
   -1 with 'err' filled in: nothing of the case may then be used. At most
   FACTS_MAX_PROBLEMS problems are kept: count - 1 - nmore were not. */
int facts_decode(ent_vm *vm, const char *json, size_t len, facts_error *err);

/* A fact a partial case does not give yet: the word 'at' of the case
   memory, which holds its default or absent meanwhile; field 'field' of
   the row 'row', an item of list 'list' or the case's own row (list -1).
   A list not given is one entry, its field's. */
typedef struct facts_unknown {
  ent_val at;
  uint32_t field;
  int32_t list;
  ent_val row;
} facts_unknown;

/* As facts_decode, for a case of which only some facts are known yet
   (entitle needs): a key left out means the fact is not known, listed
   in vm->unknown; null for an optional or defaulted fact means it is
   known to be left out. Every other rule of a case holds, and an item
   must still give its key. */
int facts_decode_partial(ent_vm *vm, const char *json, size_t len,
                         facts_error *err);

/* A case with no facts given: every fact absent or its default, every
   list empty. For a case made from a record rather than from JSON
   (record.c). Returns 0, or -1 when out of memory. */
int facts_blank(ent_vm *vm);
/* Gives list 'l' of the blank case 'n' fresh items, returning the row of
   the first, or -1 when out of memory or over the items limit. */
ent_val facts_add_items(ent_vm *vm, uint32_t l, uint64_t n);

/* The case identifier, if the schema has one and the case gave it. */
const char *facts_case_id(const ent_vm *vm, uint32_t *len);

#endif
