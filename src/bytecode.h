/*
** bytecode.h: compiled programs as files: save, load and digest
** (bytecode.c), verify (verify.c), disassemble (disasm.c).
*/
#ifndef ENT_BYTECODE_H
#define ENT_BYTECODE_H

#include <stddef.h>

#include "out.h"
#include "program.h"

/* The file format version this engine reads and writes. */
#define BC_FORMAT_VERSION 6
#define BC_MAGIC "ENTITLE\0"

/* Serialises 'p' into 'o' (in memory); fills p->digest with the sha256
   of the bytes written after the digest field itself. */
void bc_save(ent_program *p, outbuf *o);
/* Fills p->digest as bc_save() would, without writing a file. */
void bc_digest(ent_program *p);
/* The SHA-256 of n bytes: what a file's digest field holds for its body. */
void bc_sha256(const void *data, size_t n, unsigned char out[32]);
/* Loads and verifies a program; on failure returns NULL and writes a
   message naming what is wrong and where into 'err'. */
ent_program *bc_load(const unsigned char *data, size_t len, char *err,
                     size_t errlen);
/* Checks every index, operand and jump of a program. 0 or -1 with 'err'. */
int bc_verify(const ent_program *p, char *err, size_t errlen);
void bc_digest_hex(const ent_program *p, char out[65]);
void bc_disasm(const ent_program *p, outbuf *o);
/* Whether the data starts like a compiled program. */
int bc_is_program(const unsigned char *data, size_t len);

#endif
