/*
** opcodes.c: the name and operand formats of each opcode, expanded from
** the one list in opcodes.h. The verifier, the disassembler and the
** compiler's messages read them; nothing here calls back into them.
*/
#include "program.h"

const char *const op_names[] = {
#define OP(name, a, b, c) #name,
#include "opcodes.h"
#undef OP
};

const char op_formats[][3] = {
#define OP(name, a, b, c) {a, b, c},
#include "opcodes.h"
#undef OP
};
