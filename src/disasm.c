/*
** disasm.c: a program's bytecode as text, for 'entitle disasm'.
**
** One line an instruction (its address, name and operands as opcodes.h
** gives their formats), with the decision and rule each block belongs to
** and what a constant, fact or decision operand names. It reads a
** program that the verifier has accepted, so it trusts every index.
*/
#include <stdio.h>

#include "bytecode.h"

void bc_disasm(const ent_program *p, outbuf *o) {
  char line[256];
  char hex[65];
  bc_digest_hex(p, hex);
  /* Names are written piece by piece, not through 'line': fuzzing showed
     a long policy name (rules/send/leeds.rules has one) cut the header
     at 256 bytes, losing the counts and the newline before the code. */
  out_s(o, "; policy ");
  out_s(o, prog_str(p, p->name));
  out_s(o, ", version ");
  out_s(o, prog_str(p, p->version));
  snprintf(line, sizeof line, "\n; sha256:%s\n"
           "; %u decisions, %u rules, %u instructions, %u registers, case "
           "row %u words\n", hex, p->ndecisions, p->nrules, p->ncode,
           p->nregs, p->case_width);
  out_s(o, line);
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    ent_ins i = p->code[pc];
    const char *f = op_formats[i.op];
    if (i.op == OP_DEC_BEGIN) {
      const prog_decision *d = &p->decisions[INS_BX(i)];
      out_s(o, "\n; decision ");
      if (d->list >= 0) {
        out_s(o, prog_str(p, p->lists[d->list].item_name));
        out_c(o, '.');
      }
      out_s(o, prog_str(p, d->name));
      out_c(o, '\n');
    } else if (i.op == OP_RULE) {
      const prog_rule *r = &p->rules[INS_BX(i)];
      out_s(o, "; rule ");
      out_s(o, prog_str(p, r->id));
      out_s(o, " (");
      out_s(o, prog_str(p, r->file));
      snprintf(line, sizeof line, ":%u)\n", r->line);
      out_s(o, line);
    }
    int n = snprintf(line, sizeof line, "%6u  %-10s", pc, op_names[i.op]);
    if (op_format_bx(f[1])) {
      if (f[0] != '-') n += snprintf(line + n, sizeof line - n, " %u", i.a);
      n += snprintf(line + n, sizeof line - n, " %u", INS_BX(i));
      if (f[1] == 'K')
        snprintf(line + n, sizeof line - n, "    ; %lld",
                 (long long)p->consts[INS_BX(i)]);
    } else {
      if (f[0] != '-') n += snprintf(line + n, sizeof line - n, " %u", i.a);
      if (f[1] != '-') n += snprintf(line + n, sizeof line - n, " %u", i.b);
      if (f[2] != '-') n += snprintf(line + n, sizeof line - n, " %u", i.c);
      if (i.op == OP_GETOPT || i.op == OP_GIVEN)
        snprintf(line + n, sizeof line - n, "    ; %s",
                 prog_str(p, p->fields[i.c].path));
      else if (i.op == OP_GETDEC)
        snprintf(line + n, sizeof line - n, "    ; %s",
                 prog_str(p, p->decisions[i.c].name));
    }
    out_s(o, line);
    out_c(o, '\n');
  }
}
