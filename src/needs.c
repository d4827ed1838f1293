/*
** needs.c: deciding a partial case in three values, and the facts still
** needed (entitle needs).
**
** The program is run as vm_run runs it, with one more bit per register:
** unknown. A fact the case does not give reads as unknown; an operation
** on an unknown value gives an unknown value. Where the code branches on
** an unknown value (a condition, an exception, 'and', 'or', 'if', an item
** of 'any'), both ways are followed: the decision is run again from its
** start for each way, depth first, with the way taken written into the
** register so that the rest of the path is consistent with it. A decision
** is settled when every path gives it the same outcome, open otherwise.
** So 'false and unknown' is false (both paths fail the rule), a rule whose
** exception holds needs nothing more, and nothing is ever settled that a
** fact could still change: every value the facts could take follows one
** of the paths. What is lost is only precision (two reads of one fact are
** two independent unknowns), which can leave a decision open longer,
** never settle it wrongly.
**
** Each open decision names the unknown facts its paths read, with those
** of the open decisions it reads; the fact named by the most open
** decisions is asked first.
*/
#include "needs.h"

#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "facts.h"
#include "trace.h"

/* The weight of a fact read on every path of an open region. */
#define NEEDS_WHOLE 1024

/* What holds a decision or requirement open, and what it reads. */
typedef struct {
  uint32_t first, n;   /* its facts, with those of what it reads, in pool,
                          each with a weight in poolw */
} region;

/* How one path through a decision ended. */
typedef struct {
  int status;          /* DS_*, or for a requirement 1 met, 0 not met */
  ent_val value;       /* the decision's value when it has one */
  int code;            /* a requirement's error, ERR_* */
  int unknown;         /* the value rests on an unknown fact */
} outcome;

struct needs_ctx {
  const ent_program *p;
  ent_vm *vm;
  uint32_t *unk_at;    /* per word of case memory: unknown entry + 1 */
  uint32_t *open_at;   /* per word: open region + 1, at a decision's slot */
  size_t words;
  unsigned char *ru;   /* per register: unknown */
  ent_val *saveR;
  unsigned char *saveU;
  /* The paths of the region being run. */
  unsigned char choice[NEEDS_MAX_FORKS], alt[NEEDS_MAX_FORKS];
  uint32_t nchoice, depth;
  int overflow;        /* a path met more forks than NEEDS_MAX_FORKS */
  /* What the region being run reads: unknown entries and open regions,
     each once (stamped with the region's number). */
  uint32_t *touched, ntouched, captouched;
  uint32_t *deps, ndeps, capdeps;
  uint32_t *fstamp, serial;
  /* How many paths of the region read each entry, counted once a path
     (pstamp holds the path's number). */
  uint32_t *pcount, *pstamp, pserial;
  uint32_t *pos;       /* an entry's place in the pool, building one */
  /* Open regions and their facts. */
  region *regions;
  uint32_t nregions, capregions;
  uint32_t *pool, npool, cappool;
  uint32_t *poolw, cappoolw;
  uint32_t *score, *order, norder; /* per entry; entries in first-read order */
  uint32_t *needed, nneeded;       /* entries, most useful first */
};

needs_ctx *needs_new(const ent_program *p) {
  needs_ctx *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  n->p = p;
  n->ru = calloc(p->nregs + 4, 1);
  n->saveR = calloc(p->nregs + 4, sizeof *n->saveR);
  n->saveU = calloc(p->nregs + 4, 1);
  if (!n->ru || !n->saveR || !n->saveU) {
    needs_free(n);
    return NULL;
  }
  return n;
}

void needs_free(needs_ctx *n) {
  if (!n) return;
  free(n->unk_at);
  free(n->open_at);
  free(n->ru);
  free(n->saveR);
  free(n->saveU);
  free(n->touched);
  free(n->deps);
  free(n->fstamp);
  free(n->pcount);
  free(n->pstamp);
  free(n->pos);
  free(n->regions);
  free(n->pool);
  free(n->poolw);
  free(n->score);
  free(n->order);
  free(n->needed);
  free(n);
}

uint32_t needs_open(const needs_ctx *n) { return n->nregions; }

/* Appends 'v' to a growing array of uint32_t; -1 when out of memory. */
static int push(uint32_t **a, uint32_t *n, uint32_t *cap, uint32_t v) {
  if (*n == *cap) {
    uint32_t c = *cap ? 2 * *cap : 64;
    if (c < *cap) return -1;
    uint32_t *b = realloc(*a, (size_t)c * sizeof *b);
    if (!b) return -1;
    *a = b;
    *cap = c;
  }
  (*a)[(*n)++] = v;
  return 0;
}

/* Sized for this case: the maps over case memory and the per-entry
   tables. */
static int prepare(needs_ctx *n, ent_vm *vm) {
  n->vm = vm;
  size_t words = vm->memused + 1;
  free(n->unk_at);
  free(n->open_at);
  n->unk_at = calloc(words, sizeof *n->unk_at);
  n->open_at = calloc(words, sizeof *n->open_at);
  n->words = words;
  uint32_t ne = vm->nunknown + 1;
  free(n->fstamp);
  free(n->pcount);
  free(n->pstamp);
  free(n->pos);
  free(n->score);
  free(n->order);
  free(n->needed);
  n->fstamp = calloc(ne, sizeof *n->fstamp);
  n->pcount = calloc(ne, sizeof *n->pcount);
  n->pstamp = calloc(ne, sizeof *n->pstamp);
  n->pos = calloc(ne, sizeof *n->pos);
  n->score = calloc(ne, sizeof *n->score);
  n->order = calloc(ne, sizeof *n->order);
  n->needed = calloc(ne, sizeof *n->needed);
  if (!n->unk_at || !n->open_at || !n->fstamp || !n->score || !n->order ||
      !n->needed || !n->pcount || !n->pstamp || !n->pos)
    return -1;
  for (uint32_t e = 0; e < vm->nunknown; e++) {
    ent_val at = vm->unknown[e].at;
    if (at < 0 || (size_t)at >= words) return -1;
    n->unk_at[at] = e + 1;
  }
  n->nregions = n->npool = n->norder = n->nneeded = 0;
  n->serial = n->pserial = 0;
  return 0;
}

/* The region being run reads unknown entry 'e'. */
static int touch(needs_ctx *n, uint32_t e) {
  if (n->pstamp[e] != n->pserial) {
    n->pstamp[e] = n->pserial;
    n->pcount[e]++;
  }
  if (n->fstamp[e] == n->serial) return 0;
  if (!n->fstamp[e]) n->order[n->norder++] = e;
  n->fstamp[e] = n->serial;
  n->pcount[e] = 1;
  return push(&n->touched, &n->ntouched, &n->captouched, e);
}

/* ... and open region 'r'. */
static int depend(needs_ctx *n, uint32_t r) {
  for (uint32_t k = 0; k < n->ndeps; k++)
    if (n->deps[k] == r) return 0;
  return push(&n->deps, &n->ndeps, &n->capdeps, r);
}

/* A new region: nothing read yet. */
static void region_begin(needs_ctx *n) {
  n->serial++;
  n->pserial++;
  n->ntouched = n->ndeps = 0;
  n->nchoice = n->depth = 0;
  n->overflow = 0;
}

/* Adds entry 'e' with weight 'w' to the pool of the region being built,
   or raises its weight there. */
static int pool_add(needs_ctx *n, uint32_t e, uint32_t w) {
  if (n->fstamp[e] == n->serial) {
    uint32_t at = n->pos[e];
    if (n->poolw[at] < w) n->poolw[at] = w;
    return 0;
  }
  n->fstamp[e] = n->serial;
  n->pos[e] = n->npool;
  uint32_t np = n->npool;
  if (push(&n->poolw, &np, &n->cappoolw, w)) return -1;
  return push(&n->pool, &n->npool, &n->cappool, e);
}

/* The region just run, over 'paths' paths, is open: its facts, with
   those of the open regions it reads. A fact weighs what share of the
   paths read it (NEEDS_WHOLE when all did): a fact every path reads must
   be known to decide, one read on some paths only may never be needed.
   Returns the region's number, or -1 when out of memory. */
static int64_t region_open(needs_ctx *n, uint32_t paths) {
  if (n->nregions == n->capregions) {
    uint32_t c = n->capregions ? 2 * n->capregions : 64;
    region *r = realloc(n->regions, c * sizeof *r);
    if (!r) return -1;
    n->regions = r;
    n->capregions = c;
  }
  uint32_t id = n->nregions;
  n->regions[id].first = n->npool;
  /* A fresh stamp marks the entries already in this region's list. */
  n->serial++;
  if (!paths) paths = 1;
  for (uint32_t k = 0; k < n->ntouched; k++) {
    uint32_t e = n->touched[k];
    uint64_t c = n->pcount[e] < paths ? n->pcount[e] : paths;
    if (pool_add(n, e, (uint32_t)(c * NEEDS_WHOLE / paths))) return -1;
  }
  for (uint32_t k = 0; k < n->ndeps; k++) {
    const region *d = &n->regions[n->deps[k]];
    for (uint32_t j = 0; j < d->n; j++)
      if (pool_add(n, n->pool[d->first + j], n->poolw[d->first + j]))
        return -1;
  }
  n->regions[id].n = n->npool - n->regions[id].first;
  n->nregions++;
  return id;
}

/* A region starts at instruction 'pc' (its DEC_BEGIN or CHECK_BEGIN):
   each of its paths starts again from there, with the registers and
   witness log as they are now. */
static void walk_begin(needs_ctx *n, ent_vm *vm, uint32_t pc, uint32_t *start,
                       uint32_t *savewit) {
  uint32_t words = vm->p->nregs + 4;
  region_begin(n);
  *start = pc;
  memcpy(n->saveR, vm->regs, words * sizeof *vm->regs);
  memcpy(n->saveU, n->ru, words);
  *savewit = vm->nwit;
}

/* The way an unknown condition goes on this path: the choices already
   made replay, a new one takes 'false' first. */
static int choose(needs_ctx *n) {
  if (n->depth < n->nchoice) return n->choice[n->depth++];
  if (n->nchoice == NEEDS_MAX_FORKS) {
    n->overflow = 1;
    return 0;
  }
  n->choice[n->nchoice] = 0;
  n->alt[n->nchoice] = 0;
  n->nchoice++;
  n->depth++;
  return 0;
}

/* The next path: the last choice not yet taken both ways is flipped.
   Returns 0 when every path has been followed. */
static int next_path(needs_ctx *n) {
  while (n->nchoice > 0 && n->alt[n->nchoice - 1]) n->nchoice--;
  if (!n->nchoice) return 0;
  n->choice[n->nchoice - 1] = 1;
  n->alt[n->nchoice - 1] = 1;
  n->depth = 0;
  return 1;
}

static int same_outcome(const outcome *a, const outcome *b) {
  if (a->unknown || b->unknown) return 0;
  int da = tr_decided(a->status), db = tr_decided(b->status);
  if (da != db) return 0;
  if (da) return a->value == b->value;
  return a->status == b->status && a->code == b->code;
}

/* The aggregate result register of the loop starting at 'pc' (its
   LOOP_INIT): the compiler loads the start value just before, with only
   a WITNESS_BEGIN between (compile.c, aggregate). -1 if the code is not
   of that shape. */
static int agg_register(const ent_program *p, uint32_t pc) {
  uint32_t k = pc;
  if (k > 0 && p->code[k - 1].op == OP_WITNESS_BEGIN) k--;
  if (k == 0) return -1;
  const ent_ins *l = &p->code[k - 1];
  if (l->op != OP_LOADI && l->op != OP_LOADK) return -1;
  return l->a;
}

/* The instruction after the loop whose LOOP_INIT is at 'pc': the loop's
   JMP goes to its LOOP_NEXT, the loop's last instruction. 0 when the code
   is not of that shape (only a damaged program). */
static uint32_t loop_end(const ent_program *p, uint32_t pc) {
  if (pc + 1 >= p->ncode || p->code[pc + 1].op != OP_JMP) return 0;
  uint32_t next = INS_BX(p->code[pc + 1]);
  if (next >= p->ncode || p->code[next].op != OP_LOOP_NEXT ||
      p->code[next].a != p->code[pc].a)
    return 0;
  return next + 1;
}

#define UNKNOWN2(b, c)        \
  if (ru[b] || ru[c]) {       \
    ru[i.a] = 1;              \
    R[i.a] = 0;               \
    break;                    \
  }                           \
  ru[i.a] = 0

#define FORK(reg)                    \
  if (ru[reg]) {                     \
    R[reg] = choose(n);              \
    ru[reg] = 0;                     \
  }

int needs_run(needs_ctx *n, ent_vm *vm) {
  const ent_program *p = vm->p;
  if (prepare(n, vm)) return VM_MEMORY;
  const ent_ins *code = p->code;
  const prog_rule *rules = p->rules;
  const prog_decision *pd = p->decisions;
  ent_val *R = vm->regs;
  unsigned char *ru = n->ru;
  ent_val *M = vm->mem;
  const uint64_t memused = vm->memused;
  uint32_t pc = 0, start = 0;
  uint32_t dec = 0, rule = UINT32_MAX, part = 0, err_rule = UINT32_MAX;
  uint32_t check = UINT32_MAX;
  int in_region = 0, vunknown = 0, mixed = 0;
  uint32_t paths = 0, savewit = 0;
  outcome first = {0, 0, 0, 0}, now;
  ent_val drow = 0;
  int code_err = 0;
  uint32_t operand = 0;
  uint64_t steps = 0;
  memset(ru, 0, p->nregs + 4);
  R[0] = 0;
  vm->nwit = 0;

  for (;;) {
    if (pc >= p->ncode) return VM_FAULT;
    ent_ins i = code[pc++];
    /* Every instruction counts, so that following many paths is bounded
       by the same budget as one run's loops. */
    if (++steps > vm->budget) {
      vm->steps = steps;
      return VM_BUDGET;
    }
    switch (i.op) {
    case OP_HALT:
      vm->steps = steps;
      return VM_OK;
    case OP_LOADK: R[i.a] = p->consts[INS_BX(i)]; ru[i.a] = 0; break;
    case OP_LOADI: R[i.a] = i.b; ru[i.a] = 0; break;
    case OP_MOVE: R[i.a] = R[i.b]; ru[i.a] = ru[i.b]; break;
    case OP_GET: {
      uint64_t at = (uint64_t)R[i.b] + i.c;
      if (ru[i.b] || at >= memused) return VM_FAULT;
      if (n->unk_at[at]) {
        if (touch(n, n->unk_at[at] - 1)) return VM_MEMORY;
        ru[i.a] = 1;
        R[i.a] = 0;
        break;
      }
      R[i.a] = M[at];
      ru[i.a] = 0;
      break;
    }
    case OP_GETOPT:
    case OP_GIVEN: {
      uint64_t at = (uint64_t)R[i.b] + p->fields[i.c].slot;
      if (ru[i.b] || at >= memused) return VM_FAULT;
      if (n->unk_at[at]) {
        if (touch(n, n->unk_at[at] - 1)) return VM_MEMORY;
        ru[i.a] = 1;
        R[i.a] = 0;
        break;
      }
      ru[i.a] = 0;
      if (i.op == OP_GIVEN) {
        R[i.a] = M[at] != VAL_ABSENT;
        break;
      }
      if (M[at] == VAL_ABSENT) {
        code_err = ERR_ABSENT;
        operand = i.c;
        goto fail;
      }
      R[i.a] = M[at];
      break;
    }
    case OP_GETDEC: {
      uint64_t at = (uint64_t)R[i.b] + p->decisions[i.c].slot;
      if (ru[i.b] || at + 1 >= memused) return VM_FAULT;
      int st = DS_STATUS(M[at + 1]);
      if (st == DS_PENDING && n->open_at[at]) {
        if (depend(n, n->open_at[at] - 1)) return VM_MEMORY;
        ru[i.a] = 1;
        R[i.a] = 0;
        break;
      }
      if (!tr_decided(st)) {
        code_err = ERR_DECISION;
        operand = i.c;
        goto fail;
      }
      R[i.a] = M[at];
      ru[i.a] = 0;
      break;
    }
    case OP_NOT: R[i.a] = !R[i.b]; ru[i.a] = ru[i.b]; break;
    case OP_NEG:
      if (ru[i.b]) {
        ru[i.a] = 1;
        break;
      }
      if (!val_sub(0, R[i.b], &R[i.a])) {
        code_err = ERR_OVERFLOW;
        goto fail;
      }
      ru[i.a] = 0;
      break;
    case OP_EQ: { UNKNOWN2(i.b, i.c); R[i.a] = R[i.b] == R[i.c]; break; }
    case OP_NE: { UNKNOWN2(i.b, i.c); R[i.a] = R[i.b] != R[i.c]; break; }
    case OP_LT: { UNKNOWN2(i.b, i.c); R[i.a] = R[i.b] < R[i.c]; break; }
    case OP_LE: { UNKNOWN2(i.b, i.c); R[i.a] = R[i.b] <= R[i.c]; break; }
    case OP_MIN: {
      UNKNOWN2(i.b, i.c);
      R[i.a] = R[i.b] < R[i.c] ? R[i.b] : R[i.c];
      break;
    }
    case OP_MAX: {
      UNKNOWN2(i.b, i.c);
      R[i.a] = R[i.b] > R[i.c] ? R[i.b] : R[i.c];
      break;
    }
    case OP_UNION: { UNKNOWN2(i.b, i.c); R[i.a] = R[i.b] | R[i.c]; break; }
    case OP_TEXTEQ: {
      UNKNOWN2(i.b, i.c);
      uint32_t la, lb;
      const char *a = vm_text(vm, R[i.b], &la);
      const char *b = vm_text(vm, R[i.c], &lb);
      R[i.a] = la == lb && !memcmp(a, b, la);
      break;
    }
    case OP_INSET: {
      UNKNOWN2(i.b, i.c);
      ent_val v = R[i.b];
      R[i.a] = v >= 0 && v < 64 && ((uint64_t)R[i.c] >> v) & 1;
      break;
    }
    case OP_SINGLETON: {
      ent_val v = R[i.b];
      ru[i.a] = ru[i.b];
      R[i.a] = v >= 0 && v < 64 ? (ent_val)(UINT64_C(1) << v) : 0;
      break;
    }
    case OP_ADD:
    case OP_SUB:
    case OP_MUL: {
      UNKNOWN2(i.b, i.c);
      int ok = i.op == OP_ADD   ? val_add(R[i.b], R[i.c], &R[i.a])
               : i.op == OP_SUB ? val_sub(R[i.b], R[i.c], &R[i.a])
                                : val_mul(R[i.b], R[i.c], &R[i.a]);
      if (!ok) {
        code_err = ERR_OVERFLOW;
        goto fail;
      }
      break;
    }
    case OP_ADDDAYS:
    case OP_ADDMONTHS:
    case OP_ADDYEARS:
    case OP_AGE:
    case OP_MONTHSDIFF:
    case OP_YEARSDIFF:
    case OP_ENDOFMONTH:
      if (ru[i.b] || (i.op != OP_ENDOFMONTH && ru[i.c])) {
        ru[i.a] = 1;
        break;
      }
      ru[i.a] = 0;
      if ((code_err = decide_calendar(i.op, R[i.b], R[i.c], &R[i.a])))
        goto fail;
      break;
    case OP_MULDIV: {
      if (ru[i.b] || ru[i.b + 1] || ru[i.b + 2]) {
        ru[i.a] = 1;
        break;
      }
      ru[i.a] = 0;
      int64_t out;
      int r = val_muldiv(R[i.b], R[i.b + 1], R[i.b + 2], i.c, &out);
      if (r != MULDIV_OK) {
        code_err = r == MULDIV_BY_ZERO ? ERR_DIVZERO : ERR_OVERFLOW;
        goto fail;
      }
      R[i.a] = out;
      break;
    }
    case OP_JMP: pc = INS_BX(i); break;
    case OP_JMPIF:
      FORK(i.a);
      if (R[i.a]) pc = INS_BX(i);
      break;
    case OP_JMPIFNOT:
      FORK(i.a);
      if (!R[i.a]) pc = INS_BX(i);
      break;
    case OP_LOOP_INIT: {
      const prog_list *l = &p->lists[i.b];
      uint32_t slot = p->fields[l->field].slot;
      if (n->unk_at[slot]) {
        /* Items not known yet: an aggregate over them is unknown; the
           decisions of each item wait, open, on the list. */
        uint32_t end = loop_end(p, pc - 1);
        if (!end) return VM_FAULT;
        if (!in_region) region_begin(n);
        if (touch(n, n->unk_at[slot] - 1)) return VM_MEMORY;
        if (in_region) {
          int r = agg_register(p, pc - 1);
          if (r < 0) return VM_FAULT;
          ru[r] = 1;
        } else {
          if (region_open(n, 1) < 0) return VM_MEMORY;
        }
        pc = end;
        break;
      }
      R[i.a] = M[slot] - (ent_val)l->width;
      R[i.a + 1] = M[slot + 1];
      R[i.a + 2] = l->width;
      ru[i.a] = ru[i.a + 1] = ru[i.a + 2] = 0;
      break;
    }
    case OP_LOOP_NEXT:
      if (R[i.a + 1] > 0) {
        R[i.a + 1]--;
        if (__builtin_add_overflow(R[i.a], R[i.a + 2], &R[i.a]))
          return VM_FAULT;
        pc = INS_BX(i);
      }
      break;
    case OP_WITNESS_BEGIN: {
      const prog_agg *ag = &p->aggs[INS_BX(i)];
      if (ag->decision != dec) return VM_FAULT;
      uint32_t keep = agg_keeps(ag->kind);
      if (vm_reserve_witnesses(vm, keep)) return VM_MEMORY;
      M[drow + ag->slot] = WIT_MAKE(vm->nwit, 0);
      vm->nwit += keep;
      break;
    }
    case OP_WITNESS: {
      const prog_agg *ag = &p->aggs[INS_BX(i)];
      ent_val *w = &M[drow + ag->slot];
      if (ag->decision != dec || !WIT_EVALUATED(*w)) return VM_FAULT;
      uint32_t c = WIT_COUNT(*w);
      if (c < agg_keeps(ag->kind)) vm->wit[WIT_AT(*w) + c] = R[i.a];
      if (c < UINT32_MAX) *w = WIT_MAKE(WIT_AT(*w), c + 1);
      break;
    }
    case OP_CHECK_BEGIN:
      check = INS_BX(i);
      /* A requirement is a region of its own, like a decision. */
      if (!in_region) {
        walk_begin(n, vm, pc - 1, &start, &savewit);
        in_region = 1;
        mixed = 0;
        paths = 0;
      }
      break;
    case OP_CHECK:
      if (check == UINT32_MAX) return VM_FAULT;
      FORK(i.a);
      now = (outcome){R[i.a] ? 1 : 0, 0, ERR_NONE, 0};
      goto path_end;
    case OP_DEC_BEGIN: {
      check = UINT32_MAX;
      rule = UINT32_MAX;
      dec = INS_BX(i);
      drow = R[i.a];
      const prog_decision *d = &pd[dec];
      if (ru[i.a] || !decide_row_ok(p, M, d, drow)) return VM_FAULT;
      if (!in_region) {
        walk_begin(n, vm, pc - 1, &start, &savewit);
        in_region = 1;
        mixed = 0;
        paths = 0;
      }
      vunknown = 0;
      decide_begin(p, M, d, drow);
      err_rule = UINT32_MAX;
      break;
    }
    case OP_RULE:
      rule = INS_BX(i);
      part = 0;
      if (decide_beaten(p, M, drow, dec, rule)) pc = rules[rule].end_pc;
      break;
    case OP_PART: part = i.b; break;
    case OP_FAILIFNOT:
      if (rule == UINT32_MAX) return VM_FAULT;
      FORK(i.a);
      if (!R[i.a]) {
        M[drow + rules[rule].state_slot] = RS_MAKE(RS_FAILED, i.b, 0, 0);
        pc = rules[rule].end_pc;
      }
      break;
    case OP_EXCEPTIF:
      if (rule == UINT32_MAX) return VM_FAULT;
      FORK(i.a);
      if (R[i.a]) {
        M[drow + rules[rule].state_slot] = RS_MAKE(RS_EXCEPTED, i.b, 0, 0);
        pc = rules[rule].end_pc;
      }
      break;
    case OP_APPLY:
      if (rule == UINT32_MAX) return VM_FAULT;
      if (ru[i.a]) vunknown = 1;
      decide_apply(p, M, &pd[dec], drow, rule, R[i.a]);
      break;
    case OP_DEC_END: {
      decide_end(M, &pd[dec], drow, err_rule);
      ent_val *st = &M[drow + pd[dec].slot + 1];
      now = (outcome){DS_STATUS(*st), M[drow + pd[dec].slot], ERR_NONE,
                      vunknown};
      goto path_end;
    }
    default:
      return VM_FAULT;
    }
    continue;

  fail:
    if (check != UINT32_MAX) {
      now = (outcome){0, 0, code_err, 0};
      goto path_end;
    }
    if (rule == UINT32_MAX || rules[rule].end_pc < pc) return VM_FAULT;
    M[drow + rules[rule].state_slot] = RS_MAKE(RS_ERROR, part, code_err,
                                               operand);
    if (err_rule == UINT32_MAX) err_rule = rule;
    pc = rules[rule].end_pc;
    operand = 0;
    continue;

  path_end:
    /* One path through the region is done: compare it with the first,
       and follow the next one, if any, from the region's start. */
    if (!in_region) return VM_FAULT;
    if (!paths++) first = now;
    else if (!same_outcome(&first, &now)) mixed = 1;
    if (now.unknown) mixed = 1;
    if (paths < NEEDS_MAX_PATHS && !n->overflow && next_path(n)) {
      memcpy(R, n->saveR, (p->nregs + 4) * sizeof *R);
      memcpy(ru, n->saveU, p->nregs + 4);
      vm->nwit = savewit;
      pc = start;
      in_region = 1;
      n->pserial++;
      continue;
    }
    if (n->overflow || (paths >= NEEDS_MAX_PATHS && next_path(n))) mixed = 1;
    in_region = 0;
    if (check != UINT32_MAX) {
      /* A requirement the known facts already fail refuses the case, as
         eval would; one that only unknown facts could fail waits. */
      if (!mixed && !first.status) {
        vm->failed_part = check;
        vm->failed_code = first.code;
        return VM_INVALID;
      }
      if (mixed && region_open(n, paths) < 0) return VM_MEMORY;
      check = UINT32_MAX;
      continue;
    }
    if (mixed) {
      const prog_decision *d = &pd[dec];
      int64_t id = region_open(n, paths);
      if (id < 0) return VM_MEMORY;
      M[drow + d->slot] = 0;
      M[drow + d->slot + 1] = DS_MAKE(DS_PENDING, 0, 0);
      n->open_at[drow + d->slot] = (uint32_t)id + 1;
    }
    rule = UINT32_MAX;
  }
}

/* The entries of the open regions, those read by the most first, then
   in the order the program first read them. */
static int by_score_ctx_cmp(const needs_ctx *n, uint32_t a, uint32_t b) {
  if (n->score[a] != n->score[b]) return n->score[a] > n->score[b] ? -1 : 1;
  return 0;
}

static void rank(needs_ctx *n) {
  memset(n->score, 0, (n->vm->nunknown + 1) * sizeof *n->score);
  for (uint32_t r = 0; r < n->nregions; r++)
    for (uint32_t k = 0; k < n->regions[r].n; k++)
      n->score[n->pool[n->regions[r].first + k]] +=
          n->poolw[n->regions[r].first + k];
  /* A stable insertion sort of the first-read order by score: the lists
     are as long as a case's unknown facts. */
  n->nneeded = 0;
  for (uint32_t k = 0; k < n->norder; k++) {
    uint32_t e = n->order[k];
    if (!n->score[e]) continue;
    uint32_t j = n->nneeded++;
    while (j > 0 && by_score_ctx_cmp(n, e, n->needed[j - 1]) < 0) {
      n->needed[j] = n->needed[j - 1];
      j--;
    }
    n->needed[j] = e;
  }
}

/* The path of unknown entry 'e' as explanations write it:
   'ehc_stage', 'provisions', 'provisions.p2.in_request'. */
static void entry_path(const ent_program *p, const ent_vm *vm,
                       const facts_unknown *u, outbuf *o) {
  if (u->list >= 0) {
    out_s(o, prog_str(p, p->fields[p->lists[u->list].field].path));
    out_c(o, '.');
    explain_item_key(p, vm, (uint32_t)u->list, u->row, o);
    out_c(o, '.');
  }
  out_s(o, prog_str(p, p->fields[u->field].path));
}

static int list_known(void *arg, uint32_t list) {
  const needs_ctx *n = arg;
  const ent_program *p = n->p;
  return !n->unk_at[p->fields[p->lists[list].field].slot];
}

void needs_json(needs_ctx *n, explain_ctx *x, const ent_vm *vm, outbuf *o) {
  rank(n);
  explain_filter f = {list_known, n};
  explain_partial_json(x, vm, &f, o);
  OUT_LIT(o, ",\"needed\":[");
  for (uint32_t k = 0; k < n->nneeded; k++) {
    if (k) out_c(o, ',');
    out_json_begin(o);
    entry_path(n->p, vm, &vm->unknown[n->needed[k]], o);
    out_json_end(o);
  }
  OUT_LIT(o, "]}");
}

/* A field's name in words: 'in_request' is 'in request'. */
static void words(outbuf *o, const char *s) {
  for (; *s; s++) out_c(o, *s == '_' || *s == '.' ? ' ' : *s);
}

/* 'Provision p1': the item an entry belongs to, as a reader names it. */
static void item_name(const ent_program *p, const ent_vm *vm,
                      const facts_unknown *u, outbuf *o) {
  const char *name = prog_str(p, p->lists[u->list].item_name);
  if (*name >= 'a' && *name <= 'z') {
    out_c(o, (char)(*name - 'a' + 'A'));
    name++;
  }
  words(o, name);
  out_c(o, ' ');
  explain_item_key(p, vm, (uint32_t)u->list, u->row, o);
}

/* What an answer to a fact of type 'ty' looks like. */
static void answer_form(const ent_program *p, int32_t ty, outbuf *o) {
  switch (TY_KIND(ty)) {
  case TK_BOOL: out_s(o, "yes or no"); break;
  case TK_INT: out_s(o, "a whole number"); break;
  case TK_MONEY: out_s(o, "an amount in pounds and pence"); break;
  case TK_DATE: out_s(o, "a date"); break;
  case TK_TEXT: out_s(o, "text"); break;
  case TK_ENUM:
  case TK_SET: {
    const prog_enum *e = &p->enums[TY_IDX(ty)];
    out_s(o, TY_KIND(ty) == TK_SET ? "any of: " : "one of: ");
    for (uint32_t k = 0; k < e->n; k++) {
      if (k) out_s(o, k + 1 == e->n ? " or " : ", ");
      out_s(o, prog_str(p, p->enum_values[e->first + k]));
    }
    break;
  }
  case TK_LIST: out_s(o, "a list, each item with its key"); break;
  default: out_s(o, "a value"); break;
  }
}

void needs_text(needs_ctx *n, explain_ctx *x, const ent_vm *vm, outbuf *o) {
  const ent_program *p = n->p;
  rank(n);
  uint32_t idn;
  const char *id = facts_case_id(vm, &idn);
  out_s(o, "Case ");
  if (id) out_mem(o, id, idn);
  else out_s(o, "without an identifier");
  out_s(o, ": ");
  if (!n->nregions) {
    out_s(o, "every decision can be made; nothing more is needed.\n");
    return;
  }
  out_int(o, (int64_t)(n->nneeded));
  out_s(o, n->nneeded == 1 ? " fact is" : " facts are");
  out_s(o, " still needed.\n\nDecided already:\n");
  (void)x;
  /* Each decision made, as 'path = value'. */
  int any = 0;
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    ent_val base = 0, cnt = 1;
    if (pd->list >= 0) {
      if (!list_known(n, (uint32_t)pd->list)) continue;
      tr_items(p, vm, (uint32_t)pd->list, &base, &cnt);
    }
    for (ent_val i = 0; i < cnt; i++) {
      ent_val row = pd->list >= 0 ? tr_item_row(p, (uint32_t)pd->list, base, i)
                                  : 0;
      ent_val st = tr_dec_state(vm, pd, row);
      if (DS_STATUS(st) == DS_PENDING || (pd->flags & DF_INTERNAL)) continue;
      out_s(o, "  ");
      explain_decision_path(p, vm, d, row, o);
      out_s(o, " = ");
      if (tr_decided(DS_STATUS(st)))
        explain_value_text(p, vm, pd->type, tr_dec_value(vm, pd, row), o);
      else
        out_s(o, "not decided");
      out_c(o, '\n');
      any = 1;
    }
  }
  if (!any) out_s(o, "  nothing yet\n");
  out_s(o, "\nStill needed, the most useful first:\n");
  for (uint32_t k = 0; k < n->nneeded; k++) {
    const facts_unknown *u = &vm->unknown[n->needed[k]];
    const prog_field *f = &p->fields[u->field];
    const char *title = prog_str(p, f->title);
    out_s(o, "  ");
    out_int(o, (int64_t)(k + 1));
    out_s(o, ". ");
    /* The fact's own words where the policy gives them, and always its
       path, which is where the answer goes. */
    if (*title) {
      if (u->list >= 0) {
        item_name(p, vm, u, o);
        out_s(o, ": ");
      }
      out_s(o, title);
      out_s(o, "\n     ");
    }
    entry_path(p, vm, u, o);
    if (!*title && u->list >= 0 && TY_KIND(f->type) != TK_LIST) {
      out_s(o, " (");
      item_name(p, vm, u, o);
      out_s(o, ", ");
      words(o, prog_str(p, f->path));
      out_c(o, ')');
    }
    out_s(o, ": ");
    answer_form(p, f->type, o);
    if (f->flags & FF_OPTIONAL) {
      out_s(o, ", or null if there is none");
    } else if (f->flags & FF_DEFAULT) {
      out_s(o, ", or null for ");
      explain_value_text(p, vm, f->type, f->dflt, o);
    }
    out_c(o, '\n');
  }
}
