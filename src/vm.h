/*
** vm.h: the evaluation context of one thread.
**
** An ent_vm holds everything a case needs: the case memory (the case row
** and one row per list item), the registers and the case's text. It is
** sized on first use and reused: deciding a case in the steady state
** allocates nothing. A program may be shared by many VMs.
*/
#ifndef ENT_VM_H
#define ENT_VM_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

/* The keys of a long list seen so far (facts.c), so that a repeated key
   is found in constant time; item indices plus one, 0 for empty. */
typedef struct keyset {
  uint32_t *slot;
  uint32_t cap;   /* slots allocated */
  uint32_t mask;  /* slots in use, minus one: a power of two */
} keyset;

/* A divisor w as an odd number 'inv' inverts times 2^k (vm.c). */
typedef struct vm_divisor {
  uint64_t inv, max;  /* odd's inverse mod 2^64; UINT64_MAX / w */
  unsigned k;
} vm_divisor;

typedef struct ent_vm {
  const ent_program *p;
  ent_val *mem;
  size_t memcap, memused;
  ent_val *regs;
  char *text;
  size_t textcap, textused;
  uint64_t budget;     /* loop steps allowed per case */
  uint64_t max_items;  /* items allowed in one list of a case */
  uint64_t max_bytes;  /* bytes allowed in one case's JSON */
  uint64_t steps;
  uint32_t *name_len;  /* length of each field's name, for the decoder */
  uint32_t *seen;      /* generation stamp per field, for the decoder */
  unsigned char *required; /* per field: 1 if a case must give it */
  uint32_t *nrequired; /* per object: how many of its fields are required */
  uint32_t gen;
  ent_val *case_tmpl;    /* a fresh case row: defaults, or absent */
  ent_val **item_tmpl;   /* the same for an item of each list */
  keyset *keysets;     /* the decoder's, one per list nesting depth */
  uint32_t nkeysets;
  uint32_t *enum_len;  /* length of each enumeration value's name */
  uint32_t *enum_slot; /* long enumerations' values by name (vm_enum_hash):
                          indices into enum_values plus one, 0 for empty */
  uint32_t enum_mask;
  struct facts_unknown *unknown; /* a partial case's facts not given */
  uint32_t nunknown, capunknown;
  struct facts_problem *problems; /* the decoder's problems after the
                          first of a refused case, made on first use */
  ent_val *wit;        /* the witness log of the case: item rows */
  uint32_t nwit, capwit;
  struct facts_field *ffields; /* the decoder's table of fields */
  ent_ins *xcode;       /* the code with superinstructions (vm.c) */
  uint32_t *dec_state0; /* per decision: its first rule's state slot,
                           the others after it; UINT32_MAX if not so */
  vm_divisor *list_div; /* per list: its row width, to divide by */
  uint32_t failed_part;  /* VM_INVALID: the requirement not met */
  int failed_code;       /* ... and why: ERR_NONE if it was false */
} ent_vm;

/* Default limits; a caller may change them per context. */
#define VM_DEFAULT_BUDGET 50000000u
#define VM_DEFAULT_MAX_ITEMS 100000u
#define VM_DEFAULT_MAX_BYTES (64u << 20)

/* From this many values on, the decoder finds an enumeration's value by
   hash (enum_slot), not by trying each name. */
#define VM_ENUM_HASH_FROM 16

/* FNV-1a over the bytes, finished with MurmurHash3's last mixing step:
   the decoder's hash of a list key or an enumeration value. */
static inline uint64_t vm_hash_mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdu;
  h ^= h >> 33;
  return h;
}

static inline uint64_t vm_hash_bytes(const char *s, size_t n) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t k = 0; k < n; k++) h = (h ^ (unsigned char)s[k]) * 0x100000001b3u;
  return vm_hash_mix(h);
}

/* The hash of value name 's' of enumeration 'e' in enum_slot. */
static inline uint64_t vm_enum_hash(uint32_t e, const char *s, size_t n) {
  return vm_hash_bytes(s, n) ^ vm_hash_mix((uint64_t)e + 1);
}

enum { VM_OK = 0, VM_BUDGET = 1, VM_MEMORY = 2, VM_FAULT = 3, VM_INVALID = 4 };

ent_vm *vm_new(const ent_program *p);
void vm_free(ent_vm *vm);
/* Makes room for 'words' more words of case memory; -1 when out of
   memory. Growth is geometric, so a stream of similar cases stops
   allocating after the first few. */
int vm_reserve(ent_vm *vm, size_t words);
int vm_reserve_text(ent_vm *vm, size_t bytes);
/* Runs the program over the decoded case. Returns VM_OK or an error. */
int vm_run(ent_vm *vm);
/* Room for 'n' more entries in the witness log; -1 when out of memory. */
int vm_reserve_witnesses(ent_vm *vm, uint32_t n);
/* The bytes of a text value. */
const char *vm_text(const ent_vm *vm, ent_val v, uint32_t *len);

#endif
