/*
** vm.c: the evaluation loop.
**
** One pass over the program makes every decision of the case. The loop
** trusts the program: the verifier (bytecode.c) has checked every
** operand, register and jump at load time. Only what depends on the case
** is checked here: absent optional facts, undecided decisions read by a
** rule, arithmetic overflow, the calendar's range, and the budget of loop
** steps. Rule and decision outcomes are written into the case memory, and
** that is the whole trace: explanations are rendered from it afterwards.
*/
#include "vm.h"

#include "decide.h"

#include <stdlib.h>
#include <string.h>

/* The default number of loop steps one case may take (vm.h) is far above
   what a real case needs (a thousand provisions, each read by a dozen
   aggregates), low enough that a hostile case ends in well under a
   second. */

/* The length of every enumeration value, and a hash table of the values
   of every enumeration of VM_ENUM_HASH_FROM values or more, so that
   decoding an enumerated fact costs the same for 10 values as for
   100,000. */
static int enum_index(ent_vm *vm) {
  const ent_program *p = vm->p;
  vm->enum_len = calloc(p->nenum_values + 1, sizeof *vm->enum_len);
  if (!vm->enum_len) return -1;
  uint64_t big = 0;
  for (uint32_t i = 0; i < p->nenum_values; i++)
    vm->enum_len[i] = (uint32_t)strlen(prog_str(p, p->enum_values[i]));
  for (uint32_t e = 0; e < p->nenums; e++)
    if (p->enums[e].n >= VM_ENUM_HASH_FROM) big += p->enums[e].n;
  if (!big) return 0;
  uint64_t want = 64;
  while (want < 2 * big) want *= 2;
  vm->enum_slot = calloc(want, sizeof *vm->enum_slot);
  if (!vm->enum_slot) return -1;
  vm->enum_mask = (uint32_t)(want - 1);
  for (uint32_t e = 0; e < p->nenums; e++) {
    const prog_enum *en = &p->enums[e];
    if (en->n < VM_ENUM_HASH_FROM) continue;
    for (uint32_t k = 0; k < en->n; k++) {
      uint32_t v = en->first + k;
      uint64_t h = vm_enum_hash(e, prog_str(p, p->enum_values[v]),
                                vm->enum_len[v]);
      while (vm->enum_slot[h & vm->enum_mask]) h++;
      vm->enum_slot[h & vm->enum_mask] = v + 1;
    }
  }
  return 0;
}

/* Superinstructions: the instruction sequences the compiler emits most
   run as one, with one dispatch instead of two to four. They exist only
   in the VM's copy of the code (vm->xcode), never in a program file:
   the opcode of a sequence's first instruction is replaced, and every
   instruction stays where it was, operands and all, so that a jump into
   the middle of a sequence runs the rest of it as before, and the
   handler of a superinstruction reads the operands of the instructions
   after its own from the code. A superinstruction does all that its
   instructions do, registers written included, and fails where the one
   of them that fails would, with the program counter that one would
   have. */
enum {
  OP_X_GET_FAILIFNOT = OP_COUNT, /* GET a; FAILIFNOT a */
  OP_X_GETDEC_JMPIFNOT,          /* GETDEC; JMPIFNOT */
  OP_X_GETDEC_NOT_FAILIFNOT,     /* GETDEC; NOT; FAILIFNOT */
  OP_X_LOADI_EQ,                 /* LOADI; EQ (a constant compared) */
  OP_X_LOADI_NE,
  OP_X_LOADI_LT,
  OP_X_LOADI_LE,
  OP_X_GET_LOADI_EQ_FAILIFNOT,   /* a fact compared with a constant, as a */
  OP_X_GET_LOADI_NE_FAILIFNOT,   /* rule's condition: the dates a rule is */
  OP_X_GET_LOADI_LT_FAILIFNOT,   /* in force from and until, for one */
  OP_X_GET_LOADI_LE_FAILIFNOT,
  OP_X_LOADI_APPLY,              /* LOADI; APPLY: a rule's constant value */
  OP_X_JMPIFNOT_LOOP,            /* JMPIFNOT to a LOOP_NEXT: the next item */
  OP_X_RULE_FREE,                /* RULE of a rule nothing can beat */
  OP_X_GET_LOADI_EQ_JMPIFNOT,    /* a fact compared with a constant, in */
  OP_X_GET_LOADI_NE_JMPIFNOT,    /* an aggregate's filter: 'where */
  OP_X_GET_LOADI_LT_JMPIFNOT,    /* p.stream = education' */
  OP_X_GET_LOADI_LE_JMPIFNOT,
  OP_X_RULE_FREE_GET_FAILIFNOT,  /* a rule whose first condition is a */
  OP_X_RULE_FREE_GETDEC_NOT_FAILIFNOT, /* fact, or 'not' a decision */
  OP_X_WITNESS_GET_ADD_LOOP,     /* a sum's step: WITNESS; GET; ADD; and
                                    the LOOP_NEXT after them */
  OP_X_COUNT
};

static int is_cmp(uint16_t op) {
  return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE;
}

/* The superinstruction for a comparison 'op', from the first of four. */
static uint16_t cmp_x(uint16_t op, uint16_t eq) {
  return (uint16_t)(eq + (op == OP_NE) + 2 * (op == OP_LT) + 3 * (op == OP_LE));
}

/* Makes vm->xcode, the program's code with superinstructions, and the
   first rule state of each decision whose rules' states are side by
   side (as the compiler lays them out), so that DEC_BEGIN resets them
   in one run. The program has been verified: every operand is valid. */
static int translate(ent_vm *vm) {
  const ent_program *p = vm->p;
  uint32_t n = p->ncode;
  ent_ins *x = malloc((n ? n : 1) * sizeof *x);
  vm->dec_state0 = malloc((p->ndecisions + 1) * sizeof *vm->dec_state0);
  vm->list_div = calloc(p->nlists + 1, sizeof *vm->list_div);
  if (!x || !vm->dec_state0 || !vm->list_div) {
    free(x);
    return -1;
  }
  if (n) memcpy(x, p->code, n * sizeof *x);
  const ent_ins *c = p->code;
  for (uint32_t pc = 0; pc < n; pc++) {
    uint32_t left = n - pc;
    uint16_t op = c[pc].op, op1 = left > 1 ? c[pc + 1].op : OP_HALT;
    uint16_t op2 = left > 2 ? c[pc + 2].op : OP_HALT;
    uint16_t op3 = left > 3 ? c[pc + 3].op : OP_HALT;
    if (op == OP_GET && op1 == OP_LOADI && is_cmp(op2) && op3 == OP_FAILIFNOT)
      x[pc].op = cmp_x(op2, OP_X_GET_LOADI_EQ_FAILIFNOT);
    else if (op == OP_GET && op1 == OP_LOADI && is_cmp(op2) &&
             op3 == OP_JMPIFNOT)
      x[pc].op = cmp_x(op2, OP_X_GET_LOADI_EQ_JMPIFNOT);
    else if (op == OP_GET && op1 == OP_FAILIFNOT)
      x[pc].op = OP_X_GET_FAILIFNOT;
    else if (op == OP_WITNESS && op1 == OP_GET && op2 == OP_ADD &&
             op3 == OP_LOOP_NEXT)
      x[pc].op = OP_X_WITNESS_GET_ADD_LOOP;
    else if (op == OP_GETDEC && op1 == OP_NOT && op2 == OP_FAILIFNOT)
      x[pc].op = OP_X_GETDEC_NOT_FAILIFNOT;
    else if (op == OP_GETDEC && op1 == OP_JMPIFNOT)
      x[pc].op = OP_X_GETDEC_JMPIFNOT;
    else if (op == OP_LOADI && is_cmp(op1))
      x[pc].op = cmp_x(op1, OP_X_LOADI_EQ);
    else if (op == OP_LOADI && op1 == OP_APPLY)
      x[pc].op = OP_X_LOADI_APPLY;
    else if (op == OP_JMPIFNOT && INS_BX(c[pc]) < n &&
             c[INS_BX(c[pc])].op == OP_LOOP_NEXT)
      x[pc].op = OP_X_JMPIFNOT_LOOP;
    else if (op == OP_RULE && INS_BX(c[pc]) < p->nrules &&
             p->rules[INS_BX(c[pc])].kind != RK_DEFAULT &&
             p->rules[INS_BX(c[pc])].nbeaten_by == 0)
      x[pc].op = op1 == OP_GET && op2 == OP_FAILIFNOT
                     ? OP_X_RULE_FREE_GET_FAILIFNOT
                 : op1 == OP_GETDEC && op2 == OP_NOT && op3 == OP_FAILIFNOT
                     ? OP_X_RULE_FREE_GETDEC_NOT_FAILIFNOT
                     : OP_X_RULE_FREE;
  }
  vm->xcode = x;
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    uint32_t s0 = pd->nrules ? p->rules[pd->first_rule].state_slot : 0;
    for (uint32_t k = 1; k < pd->nrules && s0 != UINT32_MAX; k++)
      if (p->rules[pd->first_rule + k].state_slot != s0 + k) s0 = UINT32_MAX;
    vm->dec_state0[d] = s0;
  }
  /* Whether a row is an item's is a test of divisibility by the width of
     the list's rows, made with a multiplication rather than a division
     (Hacker's Delight, 10-16): w = odd << k, and x is a multiple of w
     when x times the inverse of odd, rotated right by k, is at most
     UINT64_MAX / w. */
  for (uint32_t l = 0; l < p->nlists; l++) {
    uint64_t w = p->lists[l].width, odd = w, inv;
    unsigned k = 0;
    if (!w) continue;
    while (!(odd & 1)) odd >>= 1, k++;
    inv = odd; /* Newton's iteration: each step doubles the bits right */
    for (int it = 0; it < 5; it++) inv *= 2 - odd * inv;
    vm->list_div[l] = (vm_divisor){inv, UINT64_MAX / w, k};
  }
  return 0;
}

ent_vm *vm_new(const ent_program *p) {
  ent_vm *vm = calloc(1, sizeof *vm);
  if (!vm) return NULL;
  vm->p = p;
  vm->budget = VM_DEFAULT_BUDGET;
  vm->max_items = VM_DEFAULT_MAX_ITEMS;
  vm->max_bytes = VM_DEFAULT_MAX_BYTES;
  vm->regs = calloc(p->nregs + 4, sizeof *vm->regs);
  vm->name_len = calloc(p->nfields + 1, sizeof *vm->name_len);
  vm->seen = calloc(p->nfields + 1, sizeof *vm->seen);
  vm->required = calloc(p->nfields + 1, sizeof *vm->required);
  vm->nrequired = calloc(p->nobjects + 1, sizeof *vm->nrequired);
  if (!vm->regs || !vm->name_len || !vm->seen || !vm->required ||
      !vm->nrequired || vm_reserve(vm, p->case_width + 64)) {
    vm_free(vm);
    return NULL;
  }
  for (uint32_t i = 0; i < p->nfields; i++)
    vm->name_len[i] = (uint32_t)strlen(prog_str(p, p->fields[i].name));
  if (enum_index(vm) || translate(vm)) {
    vm_free(vm);
    return NULL;
  }
  for (uint32_t o = 0; o < p->nobjects; o++)
    for (uint32_t k = 0; k < p->objects[o].nfields; k++) {
      uint32_t f = p->objects[o].first_field + k;
      if (f >= p->nfields) break;
      vm->required[f] = !(p->fields[f].flags & (FF_OPTIONAL | FF_DEFAULT));
      vm->nrequired[o] += vm->required[f];
    }
  return vm;
}

int vm_reserve_witnesses(ent_vm *vm, uint32_t n) {
  if ((uint64_t)vm->nwit + n <= vm->capwit) return 0;
  uint64_t cap = vm->capwit ? vm->capwit : 256;
  while (cap < (uint64_t)vm->nwit + n) cap *= 2;
  if (cap > UINT32_MAX / 2) return -1;
  ent_val *w = realloc(vm->wit, cap * sizeof *w);
  if (!w) return -1;
  vm->wit = w;
  vm->capwit = (uint32_t)cap;
  return 0;
}

void vm_free(ent_vm *vm) {
  if (!vm) return;
  free(vm->wit);
  free(vm->mem);
  free(vm->regs);
  free(vm->text);
  free(vm->name_len);
  free(vm->seen);
  free(vm->required);
  free(vm->nrequired);
  free(vm->case_tmpl);
  if (vm->item_tmpl)
    for (uint32_t l = 0; l < vm->p->nlists; l++) free(vm->item_tmpl[l]);
  free(vm->item_tmpl);
  for (uint32_t i = 0; i < vm->nkeysets; i++) free(vm->keysets[i].slot);
  free(vm->keysets);
  free(vm->enum_len);
  free(vm->enum_slot);
  free(vm->problems);
  free(vm->unknown);
  free(vm->xcode);
  free(vm->ffields);
  free(vm->dec_state0);
  free(vm->list_div);
  free(vm);
}

int vm_reserve(ent_vm *vm, size_t words) {
  if (vm->memused + words <= vm->memcap) return 0;
  size_t cap = vm->memcap ? vm->memcap : 256;
  while (cap < vm->memused + words) {
    if (cap > ((size_t)1 << 40)) return -1;
    cap *= 2;
  }
  ent_val *m = realloc(vm->mem, cap * sizeof *m);
  if (!m) return -1;
  vm->mem = m;
  vm->memcap = cap;
  return 0;
}

int vm_reserve_text(ent_vm *vm, size_t bytes) {
  if (vm->textused + bytes <= vm->textcap) return 0;
  size_t cap = vm->textcap ? vm->textcap : 4096;
  while (cap < vm->textused + bytes) {
    if (cap > ((size_t)1 << 30)) return -1;
    cap *= 2;
  }
  char *t = realloc(vm->text, cap);
  if (!t) return -1;
  vm->text = t;
  vm->textcap = cap;
  return 0;
}

const char *vm_text(const ent_vm *vm, ent_val v, uint32_t *len) {
  uint64_t off = TEXT_OFF(v), n = TEXT_LEN(v);
  /* Only a damaged program can make a text of another value; it reads
     as empty rather than outside the text. */
  uint64_t size = (v & TEXT_IN_PROGRAM) ? vm->p->nstrings : vm->textused;
  if (v < 0 || off + n > size || n == 0) {
    *len = 0;
    return ""; /* also before the first case's text exists */
  }
  *len = (uint32_t)n;
  if (v & TEXT_IN_PROGRAM) return vm->p->strings + off;
  return vm->text + off;
}

/* Dispatch: computed goto where the compiler has it (each instruction
   jumps straight to the next one's code, which branch predictors follow
   far better than one shared switch), a switch elsewhere. The verifier
   has checked every opcode, so the table needs no bounds check. */
#if defined(__GNUC__) && !defined(ENT_SWITCH_DISPATCH)
#define vmdispatch(x) goto *jump[(x)];
#define vmcase(l) L_##l:
#define vmbreak                                                          \
  do {                                                                   \
    i = *pc++;                                                           \
    goto *jump[i.op];                                                    \
  } while (0)
#else
#define vmdispatch(x) switch (x)
#define vmcase(l) case l:
#define vmbreak break
#endif

/* GCC merges the copies of the dispatch at the end of every instruction
   into one (cross-jumping), which gives every instruction the same
   indirect jump to predict: kept apart, each instruction's jump learns
   which instruction usually follows it. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(ENT_SWITCH_DISPATCH)
__attribute__((optimize("no-crossjumping", "no-gcse")))
#endif
int vm_run(ent_vm *vm) {
  const ent_program *p = vm->p;
  const ent_ins *code = vm->xcode;
  const prog_rule *rules = p->rules;
  ent_val *R = vm->regs;
  ent_val *M = vm->mem;
  const uint64_t memused = vm->memused;
  /* The next instruction: a pointer into the code, not an index. */
  const ent_ins *pc = code;
  uint32_t dec = 0, rule = UINT32_MAX, part = 0, err_rule = UINT32_MAX;
  /* Of the decision being made: its value and state words, its flags;
     of the rule being run: its state word, where it ends, its kind. */
  ent_val *dv = M;
  uint32_t dflags = 0;
  ent_val *rstate = M;
  const ent_ins *rend = code;
  uint32_t rkind = 0;
  const uint64_t budget = vm->budget;
  /* The last word of case memory: a decision's two words are read only
     below it. */
  const uint64_t memlast = memused ? memused - 1 : 0;
  uint32_t check = UINT32_MAX;
  ent_val drow = 0;
  const prog_decision *pd = p->decisions;
  int code_err = 0;
  uint32_t operand = 0;
  uint64_t steps = 0;
  R[0] = 0;
  vm->nwit = 0;
#if defined(__GNUC__) && !defined(ENT_SWITCH_DISPATCH)
  static const void *const jump[] = {
#define OP(name, a, b, c) &&L_OP_##name,
#include "opcodes.h"
#undef OP
      &&L_OP_X_GET_FAILIFNOT, &&L_OP_X_GETDEC_JMPIFNOT,
      &&L_OP_X_GETDEC_NOT_FAILIFNOT, &&L_OP_X_LOADI_EQ, &&L_OP_X_LOADI_NE,
      &&L_OP_X_LOADI_LT, &&L_OP_X_LOADI_LE, &&L_OP_X_GET_LOADI_EQ_FAILIFNOT,
      &&L_OP_X_GET_LOADI_NE_FAILIFNOT, &&L_OP_X_GET_LOADI_LT_FAILIFNOT,
      &&L_OP_X_GET_LOADI_LE_FAILIFNOT, &&L_OP_X_LOADI_APPLY,
      &&L_OP_X_JMPIFNOT_LOOP, &&L_OP_X_RULE_FREE,
      &&L_OP_X_GET_LOADI_EQ_JMPIFNOT, &&L_OP_X_GET_LOADI_NE_JMPIFNOT,
      &&L_OP_X_GET_LOADI_LT_JMPIFNOT, &&L_OP_X_GET_LOADI_LE_JMPIFNOT,
      &&L_OP_X_RULE_FREE_GET_FAILIFNOT,
      &&L_OP_X_RULE_FREE_GETDEC_NOT_FAILIFNOT, &&L_OP_X_WITNESS_GET_ADD_LOOP,
  };
  _Static_assert(sizeof jump / sizeof *jump == OP_X_COUNT,
                 "a superinstruction without its handler");
#endif

/* The work of the instructions that superinstructions are made of, each
   given its operands. */
#define DO_GET(a, b, c)                                                  \
  do {                                                                   \
    uint64_t at_ = (uint64_t)R[b] + (c);                                 \
    if (at_ >= memused) return VM_FAULT;                                 \
    R[a] = M[at_];                                                       \
  } while (0)
#define DO_GETDEC(a, b, c)                                               \
  do {                                                                   \
    uint64_t at_ = (uint64_t)R[b] + pd[c].slot;                          \
    if (at_ >= memlast) return VM_FAULT;                                 \
    /* Decided, agreed or defaulted: the three states in a row. */       \
    if ((unsigned)(DS_STATUS(M[at_ + 1]) - DS_DECIDED) >                 \
        DS_DEFAULT - DS_DECIDED) {                                       \
      code_err = ERR_DECISION;                                           \
      operand = (c);                                                     \
      goto fail;                                                         \
    }                                                                    \
    R[a] = M[at_];                                                       \
  } while (0)
/* FAILIFNOT: a rule whose condition is false fails, and the code goes
   on after it; otherwise at 'next'. */
#define DO_FAILIFNOT(a, k, next)                                         \
  do {                                                                   \
    if (rule == UINT32_MAX) return VM_FAULT;                             \
    if (!R[a]) {                                                         \
      *rstate = RS_MAKE(RS_FAILED, (k), 0, 0);                           \
      pc = rend;                                                         \
    } else {                                                             \
      pc = (next);                                                       \
    }                                                                    \
  } while (0)
#define DO_CMP(op, a, b, c)                                              \
  (R[a] = (op) == OP_EQ ? R[b] == R[c] : (op) == OP_NE ? R[b] != R[c]    \
          : (op) == OP_LT ? R[b] < R[c] : R[b] <= R[c])
/* LOOP_NEXT 'l', the program counter after it being 'pc'. */
#define DO_LOOP_NEXT(l)                                                  \
  do {                                                                   \
    if (R[(l).a + 1] > 0) {                                              \
      R[(l).a + 1]--;                                                    \
      if (__builtin_add_overflow(R[(l).a], R[(l).a + 2], &R[(l).a]))     \
        return VM_FAULT;                                                 \
      /* The budget counts the instructions of the loop's body, so a     \
         long body costs what it runs. */                                \
      steps += (uint32_t)(pc - code) - INS_BX(l);                        \
      pc = code + INS_BX(l);                                             \
      if (steps > budget) {                                              \
        vm->steps = steps;                                               \
        return VM_BUDGET;                                                \
      }                                                                  \
    }                                                                    \
  } while (0)
/* JMPIFNOT 'j'; to a LOOP_NEXT, that is run too, without a dispatch. */
#define DO_JMPIFNOT(j, next)                                             \
  do {                                                                   \
    if (R[(j).a]) {                                                      \
      pc = (next);                                                       \
    } else if (code[INS_BX(j)].op == OP_LOOP_NEXT) {                     \
      ent_ins l_ = code[INS_BX(j)];                                      \
      pc = code + INS_BX(j) + 1;                                         \
      DO_LOOP_NEXT(l_);                                                  \
    } else {                                                             \
      pc = code + INS_BX(j);                                             \
    }                                                                    \
  } while (0)
/* RULE of rule 'r', which nothing beats and is not a default. */
#define DO_RULE_FREE(r)                                                  \
  do {                                                                   \
    const prog_rule *r_ = &rules[r];                                     \
    rule = (r);                                                          \
    part = 0;                                                            \
    rstate = &M[drow + r_->state_slot];                                  \
    rend = code + r_->end_pc;                                            \
    rkind = r_->kind;                                                    \
  } while (0)
#define DO_WITNESS(a, g)                                                 \
  do {                                                                   \
    const prog_agg *ag_ = &p->aggs[g];                                   \
    ent_val *w_ = &M[drow + ag_->slot];                                  \
    if (ag_->decision != dec || !WIT_EVALUATED(*w_)) return VM_FAULT;    \
    uint32_t n_ = WIT_COUNT(*w_);                                        \
    if (n_ < agg_keeps(ag_->kind)) vm->wit[WIT_AT(*w_) + n_] = R[a];     \
    if (n_ < UINT32_MAX) *w_ = WIT_MAKE(WIT_AT(*w_), n_ + 1);            \
  } while (0)
#define DO_APPLY(a)                                                      \
  do {                                                                   \
    if (rule == UINT32_MAX) return VM_FAULT;                             \
    ent_val v_ = R[a];                                                   \
    ent_val *val_ = &dv[0], *st_ = &dv[1];                               \
    *rstate = RS_MAKE(RS_APPLIED, 0, 0, 0);                              \
    int s_ = DS_STATUS(*st_);                                            \
    if (s_ == DS_PENDING) {                                              \
      *val_ = v_;                                                        \
      *st_ = DS_MAKE(rkind == RK_DEFAULT ? DS_DEFAULT : DS_DECIDED,      \
                     rule, 0);                                           \
    } else if (dflags & DF_COLLECT) {                                    \
      *val_ |= v_;                                                       \
      *st_ = DS_MAKE(DS_AGREED, DS_RULE1(*st_), rule);                   \
    } else if (s_ == DS_DECIDED || s_ == DS_AGREED) {                    \
      if (*val_ == v_)                                                   \
        *st_ = DS_MAKE(DS_AGREED, DS_RULE1(*st_), rule);                 \
      else                                                               \
        *st_ = DS_MAKE(DS_CONFLICT, DS_RULE1(*st_), rule);               \
    }                                                                    \
  } while (0)

  for (;;) {
    ent_ins i = *pc++;
    vmdispatch(i.op) {
    vmcase(OP_HALT)
      vm->steps = steps;
      return VM_OK;
    vmcase(OP_LOADK) R[i.a] = p->consts[INS_BX(i)]; vmbreak;
    vmcase(OP_LOADI) R[i.a] = i.b; vmbreak;
    vmcase(OP_MOVE) R[i.a] = R[i.b]; vmbreak;
    vmcase(OP_GET) DO_GET(i.a, i.b, i.c); vmbreak;
    vmcase(OP_GETOPT) {
      uint64_t at = (uint64_t)R[i.b] + p->fields[i.c].slot;
      if (at >= memused) return VM_FAULT;
      if (M[at] == VAL_ABSENT) {
        code_err = ERR_ABSENT;
        operand = i.c;
        goto fail;
      }
      R[i.a] = M[at];
      vmbreak;
    }
    vmcase(OP_GETDEC) DO_GETDEC(i.a, i.b, i.c); vmbreak;
    vmcase(OP_GIVEN) {
      uint64_t at = (uint64_t)R[i.b] + p->fields[i.c].slot;
      if (at >= memused) return VM_FAULT;
      R[i.a] = M[at] != VAL_ABSENT;
      vmbreak;
    }
    vmcase(OP_NOT) R[i.a] = !R[i.b]; vmbreak;
    vmcase(OP_NEG)
      if (!val_sub(0, R[i.b], &R[i.a])) {
        code_err = ERR_OVERFLOW;
        goto fail;
      }
      vmbreak;
    vmcase(OP_EQ) R[i.a] = R[i.b] == R[i.c]; vmbreak;
    vmcase(OP_NE) R[i.a] = R[i.b] != R[i.c]; vmbreak;
    vmcase(OP_LT) R[i.a] = R[i.b] < R[i.c]; vmbreak;
    vmcase(OP_LE) R[i.a] = R[i.b] <= R[i.c]; vmbreak;
    vmcase(OP_TEXTEQ) {
      uint32_t la, lb;
      const char *a = vm_text(vm, R[i.b], &la);
      const char *b = vm_text(vm, R[i.c], &lb);
      R[i.a] = la == lb && !memcmp(a, b, la);
      vmbreak;
    }
    vmcase(OP_INSET) {
      ent_val v = R[i.b];
      R[i.a] = v >= 0 && v < 64 && ((uint64_t)R[i.c] >> v) & 1;
      vmbreak;
    }
    vmcase(OP_SINGLETON) {
      ent_val v = R[i.b];
      R[i.a] = v >= 0 && v < 64 ? (ent_val)(UINT64_C(1) << v) : 0;
      vmbreak;
    }
    vmcase(OP_ADD)
      if (!val_add(R[i.b], R[i.c], &R[i.a])) {
        code_err = ERR_OVERFLOW;
        goto fail;
      }
      vmbreak;
    vmcase(OP_SUB)
      if (!val_sub(R[i.b], R[i.c], &R[i.a])) {
        code_err = ERR_OVERFLOW;
        goto fail;
      }
      vmbreak;
    vmcase(OP_MUL)
      if (!val_mul(R[i.b], R[i.c], &R[i.a])) {
        code_err = ERR_OVERFLOW;
        goto fail;
      }
      vmbreak;
    vmcase(OP_UNION) R[i.a] = R[i.b] | R[i.c]; vmbreak;
    vmcase(OP_ADDDAYS)
    vmcase(OP_ADDMONTHS)
    vmcase(OP_ADDYEARS)
    vmcase(OP_AGE)
    vmcase(OP_MONTHSDIFF)
    vmcase(OP_YEARSDIFF)
    vmcase(OP_ENDOFMONTH)
      if ((code_err = decide_calendar(i.op, R[i.b], R[i.c], &R[i.a])))
        goto fail;
      vmbreak;
    vmcase(OP_JMP) pc = code + INS_BX(i); vmbreak;
    vmcase(OP_JMPIF)
      if (R[i.a]) pc = code + INS_BX(i);
      vmbreak;
    vmcase(OP_JMPIFNOT)
      if (!R[i.a]) pc = code + INS_BX(i);
      vmbreak;
    vmcase(OP_LOOP_INIT) {
      const prog_list *l = &p->lists[i.b];
      uint32_t slot = p->fields[l->field].slot;
      R[i.a] = M[slot] - (ent_val)l->width;
      R[i.a + 1] = M[slot + 1];
      R[i.a + 2] = l->width;
      vmbreak;
    }
    vmcase(OP_LOOP_NEXT) DO_LOOP_NEXT(i); vmbreak;
    vmcase(OP_WITNESS_BEGIN) {
      const prog_agg *ag = &p->aggs[INS_BX(i)];
      if (ag->decision != dec) return VM_FAULT;
      uint32_t keep = agg_keeps(ag->kind);
      if (vm_reserve_witnesses(vm, keep)) return VM_MEMORY;
      M[drow + ag->slot] = WIT_MAKE(vm->nwit, 0);
      vm->nwit += keep;
      vmbreak;
    }
    vmcase(OP_WITNESS) DO_WITNESS(i.a, INS_BX(i)); vmbreak;
    vmcase(OP_MULDIV) {
      int64_t out;
      int r = val_muldiv(R[i.b], R[i.b + 1], R[i.b + 2], i.c, &out);
      if (r != MULDIV_OK) {
        code_err = r == MULDIV_BY_ZERO ? ERR_DIVZERO : ERR_OVERFLOW;
        goto fail;
      }
      R[i.a] = out;
      vmbreak;
    }
    vmcase(OP_MIN) R[i.a] = R[i.b] < R[i.c] ? R[i.b] : R[i.c]; vmbreak;
    vmcase(OP_MAX) R[i.a] = R[i.b] > R[i.c] ? R[i.b] : R[i.c]; vmbreak;
    vmcase(OP_CHECK_BEGIN)
      check = INS_BX(i);
      vmbreak;
    vmcase(OP_CHECK)
      if (check == UINT32_MAX) return VM_FAULT;
      if (!R[i.a]) {
        vm->failed_part = check;
        vm->failed_code = ERR_NONE;
        return VM_INVALID;
      }
      vmbreak;
    vmcase(OP_DEC_BEGIN) {
      check = UINT32_MAX;
      rule = UINT32_MAX;
      dec = INS_BX(i);
      drow = R[i.a];
      const prog_decision *d = &pd[dec];
      /* The row must be the case's, or an item's of the decision's own
         list: a decision is never written anywhere else. */
      if (d->list < 0) {
        if (drow != 0) return VM_FAULT;
      } else {
        const prog_list *l = &p->lists[d->list];
        const vm_divisor *w = &vm->list_div[d->list];
        uint32_t slot = p->fields[l->field].slot;
        ent_val first = M[slot], n = M[slot + 1];
        uint64_t q = (uint64_t)(drow - first) * w->inv;
        if (w->k) q = q >> w->k | q << (64 - w->k);
        if (drow < first || drow >= first + n * (ent_val)l->width ||
            q > w->max)
          return VM_FAULT;
      }
      dv = &M[drow + d->slot];
      dflags = d->flags;
      dv[0] = 0;
      dv[1] = DS_MAKE(DS_PENDING, 0, 0);
      if (vm->dec_state0[dec] != UINT32_MAX) {
        ent_val *s0 = &M[drow + vm->dec_state0[dec]];
        for (uint32_t k = 0; k < d->nrules; k++) s0[k] = RS_PENDING;
      } else {
        for (uint32_t k = 0; k < d->nrules; k++)
          M[drow + rules[d->first_rule + k].state_slot] = RS_PENDING;
      }
      err_rule = UINT32_MAX;
      vmbreak;
    }
    vmcase(OP_RULE)
      rule = INS_BX(i);
      part = 0;
      const prog_rule *r = &rules[rule];
      ent_val *state = rstate = &M[drow + r->state_slot];
      rend = code + r->end_pc;
      rkind = r->kind;
      if (r->kind == RK_DEFAULT) {
        ent_val st = dv[1];
        if (DS_STATUS(st) != DS_PENDING) {
          *state = RS_MAKE(RS_OVERRIDDEN, 0, 0, DS_RULE1(st));
          pc = code + r->end_pc;
        }
        vmbreak;
      }
      /* Beaten if a rule that beats it directly applied, or was itself
         beaten: by a rule that applied, which beats this one too. Rules
         run after those that beat them, so their states are final. */
      for (uint32_t k = 0; k < r->nbeaten_by; k++) {
        uint32_t b = p->beaten_by[r->first_beaten_by + k];
        ent_val bs = M[drow + rules[b].state_slot];
        if (RS_STATE(bs) == RS_APPLIED || RS_STATE(bs) == RS_OVERRIDDEN) {
          *state = RS_MAKE(RS_OVERRIDDEN, 0, 0,
                           RS_STATE(bs) == RS_APPLIED ? b : RS_OPERAND(bs));
          pc = code + r->end_pc;
          break;
        }
      }
      vmbreak;
    vmcase(OP_PART) part = i.b; vmbreak;
    vmcase(OP_FAILIFNOT) DO_FAILIFNOT(i.a, i.b, pc); vmbreak;
    vmcase(OP_EXCEPTIF)
      if (rule == UINT32_MAX) return VM_FAULT;
      if (R[i.a]) {
        *rstate = RS_MAKE(RS_EXCEPTED, i.b, 0, 0);
        pc = rend;
      }
      vmbreak;
    vmcase(OP_APPLY) DO_APPLY(i.a); vmbreak;
    vmcase(OP_DEC_END) {
      ent_val *st = &dv[1];
      if (DS_STATUS(*st) == DS_CONFLICT) vmbreak;
      if (err_rule != UINT32_MAX)
        *st = DS_MAKE(DS_ERROR, err_rule, 0);
      else if (DS_STATUS(*st) == DS_PENDING)
        *st = DS_MAKE(DS_NO_RULE, 0, 0);
      vmbreak;
    }
    vmcase(OP_X_GET_FAILIFNOT) {
      ent_ins f = pc[0];
      DO_GET(i.a, i.b, i.c);
      DO_FAILIFNOT(f.a, f.b, pc + 1);
      vmbreak;
    }
    vmcase(OP_X_GETDEC_JMPIFNOT) {
      ent_ins j = pc[0];
      DO_GETDEC(i.a, i.b, i.c);
      pc = R[j.a] ? pc + 1 : code + INS_BX(j);
      vmbreak;
    }
    vmcase(OP_X_GETDEC_NOT_FAILIFNOT) {
      ent_ins n = pc[0], f = pc[1];
      DO_GETDEC(i.a, i.b, i.c);
      R[n.a] = !R[n.b];
      DO_FAILIFNOT(f.a, f.b, pc + 2);
      vmbreak;
    }
#define X_LOADI_CMP(OPC)                                                 \
    {                                                                    \
      ent_ins c = *pc++;                                                 \
      R[i.a] = i.b;                                                      \
      DO_CMP(OPC, c.a, c.b, c.c);                                        \
      vmbreak;                                                           \
    }
    vmcase(OP_X_LOADI_EQ) X_LOADI_CMP(OP_EQ)
    vmcase(OP_X_LOADI_NE) X_LOADI_CMP(OP_NE)
    vmcase(OP_X_LOADI_LT) X_LOADI_CMP(OP_LT)
    vmcase(OP_X_LOADI_LE) X_LOADI_CMP(OP_LE)
#define X_GET_LOADI_CMP_FAILIFNOT(OPC)                                   \
    {                                                                    \
      ent_ins l = pc[0], c = pc[1], f = pc[2];                           \
      DO_GET(i.a, i.b, i.c);                                             \
      R[l.a] = l.b;                                                      \
      DO_CMP(OPC, c.a, c.b, c.c);                                        \
      DO_FAILIFNOT(f.a, f.b, pc + 3);                                    \
      vmbreak;                                                           \
    }
    vmcase(OP_X_GET_LOADI_EQ_FAILIFNOT) X_GET_LOADI_CMP_FAILIFNOT(OP_EQ)
    vmcase(OP_X_GET_LOADI_NE_FAILIFNOT) X_GET_LOADI_CMP_FAILIFNOT(OP_NE)
    vmcase(OP_X_GET_LOADI_LT_FAILIFNOT) X_GET_LOADI_CMP_FAILIFNOT(OP_LT)
    vmcase(OP_X_GET_LOADI_LE_FAILIFNOT) X_GET_LOADI_CMP_FAILIFNOT(OP_LE)
    vmcase(OP_X_LOADI_APPLY) {
      ent_ins a = *pc++;
      R[i.a] = i.b;
      DO_APPLY(a.a);
      vmbreak;
    }
    vmcase(OP_X_JMPIFNOT_LOOP)
      if (!R[i.a]) {
        ent_ins l = code[INS_BX(i)];
        pc = code + INS_BX(i) + 1;
        DO_LOOP_NEXT(l);
      }
      vmbreak;
    vmcase(OP_X_RULE_FREE) DO_RULE_FREE(INS_BX(i)); vmbreak;
#define X_GET_LOADI_CMP_JMPIFNOT(OPC)                                    \
    {                                                                    \
      ent_ins l = pc[0], c = pc[1], j = pc[2];                           \
      DO_GET(i.a, i.b, i.c);                                             \
      R[l.a] = l.b;                                                      \
      DO_CMP(OPC, c.a, c.b, c.c);                                        \
      DO_JMPIFNOT(j, pc + 3);                                            \
      vmbreak;                                                           \
    }
    vmcase(OP_X_GET_LOADI_EQ_JMPIFNOT) X_GET_LOADI_CMP_JMPIFNOT(OP_EQ)
    vmcase(OP_X_GET_LOADI_NE_JMPIFNOT) X_GET_LOADI_CMP_JMPIFNOT(OP_NE)
    vmcase(OP_X_GET_LOADI_LT_JMPIFNOT) X_GET_LOADI_CMP_JMPIFNOT(OP_LT)
    vmcase(OP_X_GET_LOADI_LE_JMPIFNOT) X_GET_LOADI_CMP_JMPIFNOT(OP_LE)
    vmcase(OP_X_RULE_FREE_GET_FAILIFNOT) {
      ent_ins g = pc[0], f = pc[1];
      DO_RULE_FREE(INS_BX(i));
      DO_GET(g.a, g.b, g.c);
      DO_FAILIFNOT(f.a, f.b, pc + 2);
      vmbreak;
    }
    vmcase(OP_X_RULE_FREE_GETDEC_NOT_FAILIFNOT) {
      ent_ins g = pc[0], n = pc[1], f = pc[2];
      DO_RULE_FREE(INS_BX(i));
      pc++; /* a GETDEC that fails does so as the second instruction */
      DO_GETDEC(g.a, g.b, g.c);
      R[n.a] = !R[n.b];
      DO_FAILIFNOT(f.a, f.b, pc + 2);
      vmbreak;
    }
    vmcase(OP_X_WITNESS_GET_ADD_LOOP) {
      ent_ins g = pc[0], a = pc[1], l = pc[2];
      DO_WITNESS(i.a, INS_BX(i));
      DO_GET(g.a, g.b, g.c);
      pc += 2; /* an ADD that overflows does so as the third */
      if (!val_add(R[a.b], R[a.c], &R[a.a])) {
        code_err = ERR_OVERFLOW;
        goto fail;
      }
      pc += 1;
      DO_LOOP_NEXT(l);
      vmbreak;
    }
#if !defined(__GNUC__) || defined(ENT_SWITCH_DISPATCH)
    default:
      return VM_FAULT;
#endif
    }
    continue;
  fail:
    if (check != UINT32_MAX) {
      vm->failed_part = check;
      vm->failed_code = code_err;
      return VM_INVALID;
    }
    /* A rule that cannot be evaluated: record why, remember that the
       decision cannot be trusted, and go on with the next rule so that
       the explanation still covers every rule. Outside a rule there is
       nothing to go on with: only a damaged program gets here. */
    if (rule == UINT32_MAX || code + rules[rule].end_pc < pc) return VM_FAULT;
    M[drow + rules[rule].state_slot] = RS_MAKE(RS_ERROR, part, code_err,
                                               operand);
    if (err_rule == UINT32_MAX) err_rule = rule;
    pc = code + rules[rule].end_pc;
    operand = 0;
  }
  return VM_FAULT; /* not reached: the loop ends only by returning */
}
