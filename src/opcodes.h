/*
** opcodes.h: the instruction set of the entitle VM, defined once.
**
** Every instruction is 8 bytes: a 16-bit opcode and three 16-bit operands
** A, B and C. 'Bx' is B and C read together as one 32-bit operand (B low),
** used for jump targets, constant and table indices.
**
**    15             0 15             0 15             0 15             0
**   +----------------+----------------+----------------+----------------+
**   |      op        |       A        |       B        |       C        |
**   +----------------+----------------+----------------+----------------+
**                                     |<------------- Bx -------------->|
**
** R[x] is register x; M[x] is word x of the case memory, where the case
** row starts at 0 and each list item has a row of its own. Every jump is
** to an absolute instruction index and every jump but LOOP_NEXT goes
** forward, so a program runs in time bounded by its length times the
** sizes of its lists.
**
** OP(name, A, B, C): the format letters say how the verifier checks each
** operand. In A, B or C alone:
**   r  a register (below the program's register count)
**   w  a register and the two after it (a loop's row, count and width)
**   l  a list index          d  a decision index      f  a field index
**   n  a small number (for PART, FAILIFNOT, EXCEPTIF: a part of the
**      current rule, checked by the verifier)
**   o  a word offset in a row (checked by the VM against case memory)
**   -  unused
** In B, naming the 32-bit Bx:
**   G  an aggregate index (a witness)
**   K  a constant index      U  a rule index          D  a decision index
**   Q  a part index (a requirement)
**   J  a forward jump target inside the code, within the same decision
**   B  a backward jump target (LOOP_NEXT only), to the loop's start
**
** This file is the only place an instruction is defined: it expands into
** the opcode enum (program.h), the name and format tables (opcodes.c),
** and the opcode reference in doc/bytecode.md (scripts/opdoc, checked by
** the test suite), and its comments are that reference.
*/

/* Opcode: HALT
** The end of the program: every decision has been made. */
OP(HALT, '-', '-', '-')

/* Opcode: LOADK A Bx
** Synopsis: R[A] = K[Bx] */
OP(LOADK, 'r', 'K', '-')

/* Opcode: LOADI A B
** Synopsis: R[A] = B (a small non-negative number: booleans, enum values) */
OP(LOADI, 'r', 'n', '-')

/* Opcode: MOVE A B
** Synopsis: R[A] = R[B] */
OP(MOVE, 'r', 'r', '-')

/* Opcode: GET A B C
** Synopsis: R[A] = M[R[B] + C]
** A fact or a field that is always present (required or defaulted). */
OP(GET, 'r', 'r', 'o')

/* Opcode: GETOPT A B C
** Synopsis: R[A] = M[R[B] + slot(field C)], error if absent
** An optional fact: when the case does not give it the rule cannot be
** evaluated, and the error names field C. */
OP(GETOPT, 'r', 'r', 'f')

/* Opcode: GETDEC A B C
** Synopsis: R[A] = value of decision C in row R[B], error if not decided
** A rule that reads a decision that is undecided or in conflict cannot be
** evaluated; the error names decision C. */
OP(GETDEC, 'r', 'r', 'd')

/* Opcode: GIVEN A B C
** Synopsis: R[A] = field C in row R[B] is present */
OP(GIVEN, 'r', 'r', 'f')

/* Opcode: NOT A B
** Synopsis: R[A] = !R[B] */
OP(NOT, 'r', 'r', '-')

/* Opcode: NEG A B
** Synopsis: R[A] = -R[B], error on overflow */
OP(NEG, 'r', 'r', '-')

/* Opcode: EQ A B C
** Synopsis: R[A] = R[B] == R[C] */
OP(EQ, 'r', 'r', 'r')
/* Opcode: NE A B C
** Synopsis: R[A] = R[B] != R[C] */
OP(NE, 'r', 'r', 'r')
/* Opcode: LT A B C
** Synopsis: R[A] = R[B] < R[C] */
OP(LT, 'r', 'r', 'r')
/* Opcode: LE A B C
** Synopsis: R[A] = R[B] <= R[C] */
OP(LE, 'r', 'r', 'r')

/* Opcode: TEXTEQ A B C
** Synopsis: R[A] = text R[B] equals text R[C] */
OP(TEXTEQ, 'r', 'r', 'r')

/* Opcode: INSET A B C
** Synopsis: R[A] = enum value R[B] is in set R[C] */
OP(INSET, 'r', 'r', 'r')

/* Opcode: ADD A B C
** Synopsis: R[A] = R[B] + R[C], error on overflow */
OP(ADD, 'r', 'r', 'r')
/* Opcode: SUB A B C
** Synopsis: R[A] = R[B] - R[C], error on overflow */
OP(SUB, 'r', 'r', 'r')
/* Opcode: MUL A B C
** Synopsis: R[A] = R[B] * R[C], error on overflow */
OP(MUL, 'r', 'r', 'r')
/* Opcode: UNION A B C
** Synopsis: R[A] = R[B] | R[C] (sets) */
OP(UNION, 'r', 'r', 'r')

/* Opcode: SINGLETON A B
** Synopsis: R[A] = the set holding only enum value R[B] */
OP(SINGLETON, 'r', 'r', '-')

/* Opcode: ADDDAYS A B C
** Synopsis: R[A] = date R[B] + R[C] days, error outside the calendar */
OP(ADDDAYS, 'r', 'r', 'r')
/* Opcode: ADDMONTHS A B C
** Synopsis: R[A] = date R[B] + R[C] months (day clamped to month end) */
OP(ADDMONTHS, 'r', 'r', 'r')
/* Opcode: ADDYEARS A B C
** Synopsis: R[A] = date R[B] + R[C] years (29 February to 28 February) */
OP(ADDYEARS, 'r', 'r', 'r')
/* Opcode: AGE A B C
** Synopsis: R[A] = whole years from date R[B] to date R[C] */
OP(AGE, 'r', 'r', 'r')

/* Opcode: JMP Bx
** Synopsis: pc = Bx */
OP(JMP, '-', 'J', '-')
/* Opcode: JMPIF A Bx
** Synopsis: if R[A] then pc = Bx */
OP(JMPIF, 'r', 'J', '-')
/* Opcode: JMPIFNOT A Bx
** Synopsis: if not R[A] then pc = Bx */
OP(JMPIFNOT, 'r', 'J', '-')

/* Opcode: LOOP_INIT A B
** Synopsis: R[A] = first row of list B - width; R[A+1] = items; R[A+2] = width
** Prepares a walk over the items of list B; LOOP_NEXT steps it. */
OP(LOOP_INIT, 'w', 'l', '-')
/* Opcode: LOOP_NEXT A Bx
** Synopsis: if R[A+1] > 0 then R[A+1] -= 1, R[A] += R[A+2], pc = Bx
** The only backward jump. Each step counts against the case's budget. */
OP(LOOP_NEXT, 'w', 'B', '-')

/* Opcode: CHECK_BEGIN Bx
** Synopsis: start checking requirement Bx on the case
** Requirements run before any decision; a requirement that does not hold,
** or cannot be evaluated, makes the whole case invalid. */
OP(CHECK_BEGIN, '-', 'Q', '-')
/* Opcode: CHECK A
** Synopsis: if not R[A] then the case is invalid */
OP(CHECK, 'r', '-', '-')

/* Opcode: DEC_BEGIN A Bx
** Synopsis: start decision Bx in row R[A]
** Clears the decision and the states of its rules. */
OP(DEC_BEGIN, 'r', 'D', '-')
/* Opcode: DEC_END
** Synopsis: settle the current decision: winner, default, conflict or
** undecided. */
OP(DEC_END, '-', '-', '-')

/* Opcode: RULE Bx
** Synopsis: start rule Bx; skip to its end if a stronger rule applied
** Records the rule as overridden when a rule in its beaten-by list (the
** rules that take precedence over it directly) applied, naming that rule,
** or was itself overridden, naming the rule that beat that one: the
** stronger rules run first, so precedence carries through chains. */
OP(RULE, '-', 'U', '-')
/* Opcode: PART B
** Synopsis: the rule is now evaluating condition B (for error reports) */
OP(PART, '-', 'n', '-')
/* Opcode: FAILIFNOT A B
** Synopsis: if not R[A] then the rule failed at condition B; skip to end */
OP(FAILIFNOT, 'r', 'n', '-')
/* Opcode: EXCEPTIF A B
** Synopsis: if R[A] then exception B fired; skip to end */
OP(EXCEPTIF, 'r', 'n', '-')
/* Opcode: APPLY A
** Synopsis: the rule applies with value R[A]
** Records a winner; a second winner that disagrees makes a conflict; in a
** collecting decision the values are joined. */
OP(APPLY, 'r', '-', '-')

/* The instructions below were added after program format 3 first
** shipped; they come last so that every earlier opcode keeps its number. */

/* Opcode: MULDIV A B C
** Synopsis: R[A] = R[B] * R[B+1] / R[B+2], rounded by mode C
** Exact: the product is formed in 128 bits and rounded once, by mode C
** (0 half up, 1 half even, 2 down, 3 up; value.h). A percentage of an
** amount divides by 1,000,000 and a division multiplies by 1. Error on
** overflow of the result and on division by zero. */
OP(MULDIV, 'r', 'w', 'n')
/* Opcode: MIN A B C
** Synopsis: R[A] = the smaller of R[B] and R[C] */
OP(MIN, 'r', 'r', 'r')
/* Opcode: MAX A B C
** Synopsis: R[A] = the larger of R[B] and R[C] */
OP(MAX, 'r', 'r', 'r')
/* Opcode: MONTHSDIFF A B C
** Synopsis: R[A] = whole months from date R[B] to date R[C]
** The most n with R[B] + n months <= R[C]; negative when R[C] is
** earlier. */
OP(MONTHSDIFF, 'r', 'r', 'r')
/* Opcode: YEARSDIFF A B C
** Synopsis: R[A] = whole years from date R[B] to date R[C]
** Whole months divided by 12, towards zero. */
OP(YEARSDIFF, 'r', 'r', 'r')
/* Opcode: ENDOFMONTH A B
** Synopsis: R[A] = the last day of the month of date R[B] */
OP(ENDOFMONTH, 'r', 'r', '-')

/* Opcode: WITNESS_BEGIN Bx
** Synopsis: aggregate Bx of the current decision starts: room for its
** witnesses in the case's witness log
** Only an aggregate in a part of a rule has witnesses; the slot of
** aggregate Bx in the decision's row says where they are and how many
** items matched. */
OP(WITNESS_BEGIN, '-', 'G', '-')
/* Opcode: WITNESS A Bx
** Synopsis: item row R[A] is a witness of aggregate Bx
** Counts the item, and keeps its row while the aggregate has room. */
OP(WITNESS, 'r', 'G', '-')
