/*
** compile.c: a checked policy to an ent_program.
**
** The program is straight-line code that makes every decision in
** dependency order: for a per-item decision, a loop over the list's items.
** Within a decision, each rule is one block, strongest first:
**
**     RULE r          skip to the end if a rule that beats r applied
**     PART 0 ... FAILIFNOT x, 0      one block per condition
**     PART k ... EXCEPTIF  x, k      one block per exception
**     PART v ... APPLY x             the value
**
** and DEC_END settles the outcome. Registers are allocated as a stack:
** register 0 always holds 0, the base of the case row.
*/
#include <gc.h>
#include <string.h>

#include "compile.h"
#include "sema.h"

typedef struct {
  sema *s;
  ent_program *p;
  /* growable output arrays */
  ent_ins *code;
  uint32_t ncode, capcode;
  ent_val *consts;
  uint32_t nconsts, capconsts;
  char *str;
  uint32_t nstr, capstr;
  strmap *strs;
  prog_part *parts;
  uint32_t nparts, capparts;
  prog_ref *refs;
  uint32_t nrefs, caprefs;
  uint32_t *beaten;
  uint32_t nbeaten, capbeaten;
  prog_cite *cites;
  uint32_t ncites, capcites;
  int top, maxreg;
  int too_big;         /* an operand did not fit its 16 bits */
  const ast *at;       /* the expression being compiled, or NULL */
  const ast *big_at;   /* ... when an operand first did not fit */
  int level_reg[10];
  int *rule_index;     /* sema rule -> program rule, or -1 */
  prog_agg *aggs;      /* aggregates with witnesses, by part */
  uint32_t naggs, capaggs;
  uint32_t cur_part;   /* the part of a rule being compiled, or NONE */
  uint32_t cur_dec;    /* ... and its decision */
  int agg_depth;       /* aggregates open around the expression */
  uint32_t *width;     /* words of a list's item row so far */
  uint32_t case_width; /* ... and of the case's row */
} cg;

#define NONE UINT32_MAX

static strref intern(cg *g, const char *s) {
  if (!s) s = "";
  int prev = strmap_get(g->strs, s);
  if (prev >= 0) return (strref)prev;
  size_t n = strlen(s) + 1;
  GROW_TO_ATOMIC(g->str, g->nstr, g->capstr, g->nstr + n);
  strref r = g->nstr;
  memcpy(g->str + g->nstr, s, n);
  g->nstr += (uint32_t)n;
  strmap_put(g->strs, s, (int)r);
  return r;
}

static uint32_t emit(cg *g, int op, int a, int b, int c) {
  /* Operands are 16 bits: a policy too large for them is refused rather
     than compiled to read the wrong fact (found by fuzzing). */
  if ((a < 0 || a > 0xffff || b < 0 || b > 0xffff || c < 0 || c > 0xffff) &&
      !g->too_big) {
    g->too_big = 1;
    g->big_at = g->at;
  }
  GROW_ATOMIC(g->code, g->ncode, g->capcode);
  g->code[g->ncode] = (ent_ins){(uint16_t)op, (uint16_t)a, (uint16_t)b,
                                (uint16_t)c};
  return g->ncode++;
}

static uint32_t emit_bx(cg *g, int op, int a, uint32_t bx) {
  return emit(g, op, a, (int)(bx & 0xffff), (int)(bx >> 16));
}

static void patch(cg *g, uint32_t at, uint32_t target) {
  g->code[at].b = (uint16_t)(target & 0xffff);
  g->code[at].c = (uint16_t)(target >> 16);
}

static int reg(cg *g) {
  int r = g->top++;
  if (g->top > g->maxreg) g->maxreg = g->top;
  return r;
}

static uint32_t konst(cg *g, ent_val v) {
  for (uint32_t i = 0; i < g->nconsts && i < 64; i++)
    if (g->consts[i] == v) return i;
  GROW_ATOMIC(g->consts, g->nconsts, g->capconsts);
  g->consts[g->nconsts] = v;
  return g->nconsts++;
}

static void load_value(cg *g, int dst, ent_val v) {
  if (v >= 0 && v <= 0xffff)
    emit(g, OP_LOADI, dst, (int)v, 0);
  else
    emit_bx(g, OP_LOADK, dst, konst(g, v));
}

static ent_val text_const(cg *g, const char *s) {
  strref off = intern(g, s);
  return TEXT_VAL(TEXT_IN_PROGRAM, off, strlen(s));
}

static int row_reg(cg *g, int level) {
  return level < 0 ? 0 : g->level_reg[level];
}

static void expr(cg *g, ast *e, int dst);

static void compare(cg *g, ast *e, int dst) {
  int save = g->top;
  int a = reg(g), b = reg(g);
  expr(g, e->a, a);
  expr(g, e->b, b);
  int text = TY_KIND(e->a->ty) == TK_TEXT;
  switch (e->op) {
  case OPB_EQ: emit(g, text ? OP_TEXTEQ : OP_EQ, dst, a, b); break;
  case OPB_NE:
    if (text) {
      emit(g, OP_TEXTEQ, dst, a, b);
      emit(g, OP_NOT, dst, dst, 0);
    } else {
      emit(g, OP_NE, dst, a, b);
    }
    break;
  case OPB_LT: emit(g, OP_LT, dst, a, b); break;
  case OPB_LE: emit(g, OP_LE, dst, a, b); break;
  case OPB_GT: emit(g, OP_LT, dst, b, a); break;
  case OPB_GE: emit(g, OP_LE, dst, b, a); break;
  case OPB_IN: emit(g, OP_INSET, dst, a, b); break;
  case OPB_NOTIN:
    emit(g, OP_INSET, dst, a, b);
    emit(g, OP_NOT, dst, dst, 0);
    break;
  }
  g->top = save;
}

static void arith(cg *g, ast *e, int dst) {
  int save = g->top;
  int a = reg(g), b = reg(g);
  expr(g, e->a, a);
  if (TY_KIND(e->a->ty) == TK_DATE) {
    ast *dur = e->b;
    expr(g, dur->a, b);
    if (e->op == OPB_SUB) emit(g, OP_NEG, b, b, 0);
    int op = dur->op == 'y' ? OP_ADDYEARS : dur->op == 'm' ? OP_ADDMONTHS
                                                           : OP_ADDDAYS;
    emit(g, op, dst, a, b);
  } else {
    expr(g, e->b, b);
    emit(g, e->op == OPB_ADD ? OP_ADD : e->op == OPB_SUB ? OP_SUB : OP_MUL,
         dst, a, b);
  }
  g->top = save;
}

static void collect_refs(cg *g, ast *e, uint32_t first);
static void item_refs(cg *g, ast *e, int level, uint32_t first);
static void add_ref(cg *g, prog_ref r, uint32_t first);

/* An aggregate of the part being compiled whose witnesses the VM keeps,
   or NONE: only one directly in a part of a rule, not one inside another
   (it is evaluated once per item of the outer one) or a requirement. */
static uint32_t witness(cg *g, ast *e, int level) {
  if (g->cur_part == NONE || g->agg_depth) return NONE;
  GROW_ATOMIC(g->aggs, g->naggs, g->capaggs);
  prog_agg *a = &g->aggs[g->naggs];
  int list = g->p->decisions[g->cur_dec].list;
  a->text = intern(g, diag_snippet(g->s->d, e->loc));
  a->kind = e->op == OPA_ANY ? AGG_ANY : e->op == OPA_ALL ? AGG_ALL
            : e->op == OPA_COUNT ? AGG_COUNT : AGG_SUM;
  a->part = g->cur_part;
  a->decision = g->cur_dec;
  a->list = (uint32_t)e->a->sym;
  a->slot = list >= 0 ? g->width[list]++ : g->case_width++;
  a->first_ref = g->nrefs;
  item_refs(g, e->b, level, g->nrefs);
  item_refs(g, e->c, level, a->first_ref);
  a->nrefs = g->nrefs - a->first_ref;
  return g->naggs++;
}

/* 'A / N rounded M' and 'A * P rounded M' as one MULDIV over three
   consecutive registers: A, 1, N for a division; A, P, one million for
   a percentage. The product is exact (128 bits in the VM) and rounded
   once. */
static void rounded(cg *g, ast *e, int dst) {
  ast *in = e->a;
  int save = g->top;
  int w = reg(g);
  reg(g);
  reg(g);
  if (in->op == OPB_DIV) {
    expr(g, in->a, w);
    load_value(g, w + 1, 1);
    expr(g, in->b, w + 2);
  } else {
    int pl = TY_KIND(in->a->ty) == TK_PERCENT;
    expr(g, pl ? in->b : in->a, w);
    expr(g, pl ? in->a : in->b, w + 1);
    load_value(g, w + 2, PERCENT_ONE);
  }
  emit(g, OP_MULDIV, dst, w, e->op);
  g->top = save;
}

/* min, max (folded pairwise, left to right), days_between (a plain
   subtraction: dates in the calendar are far from overflowing), the
   other calendar functions one instruction each. */
static void call(cg *g, ast *e, int dst) {
  int save = g->top;
  if (!strcmp(e->name, "min") || !strcmp(e->name, "max")) {
    int t = reg(g);
    expr(g, e->a, dst);
    for (ast *x = e->a->next; x; x = x->next) {
      expr(g, x, t);
      emit(g, e->name[1] == 'i' ? OP_MIN : OP_MAX, dst, dst, t);
    }
  } else if (e->op == 4) {
    expr(g, e->a, dst);
    emit(g, OP_ENDOFMONTH, dst, dst, 0);
  } else {
    int a = reg(g), b = reg(g);
    expr(g, e->a, a);
    expr(g, e->a->next, b);
    emit(g, e->op == 1 ? OP_SUB : e->op == 2 ? OP_MONTHSDIFF : OP_YEARSDIFF,
         dst, e->op == 1 ? b : a, e->op == 1 ? a : b);
  }
  g->top = save;
}

/* any / all / count / sum: a loop over the list's items with the
   variable's row in the first of three registers. */
static void aggregate(cg *g, ast *e, int dst) {
  int save = g->top;
  int w = reg(g);
  reg(g);
  reg(g);
  int t = reg(g);
  int level = e->aux + 1;
  g->level_reg[level] = w;
  int list = e->a->sym;
  uint32_t wi = witness(g, e, level);
  g->agg_depth++;
  load_value(g, dst, e->op == OPA_ALL ? 1 : 0);
  if (wi != NONE) emit_bx(g, OP_WITNESS_BEGIN, 0, wi);
  emit(g, OP_LOOP_INIT, w, list, 0);
  uint32_t jnext = emit_bx(g, OP_JMP, 0, 0);
  uint32_t body = g->ncode;
  uint32_t skip = UINT32_MAX, jdone = UINT32_MAX;
  switch (e->op) {
  case OPA_ANY:
  case OPA_ALL:
    expr(g, e->b, t);
    skip = emit_bx(g, e->op == OPA_ANY ? OP_JMPIFNOT : OP_JMPIF, t, 0);
    if (wi != NONE) emit_bx(g, OP_WITNESS, w, wi);
    load_value(g, dst, e->op == OPA_ANY ? 1 : 0);
    jdone = emit_bx(g, OP_JMP, 0, 0);
    break;
  case OPA_COUNT:
    if (e->b) {
      expr(g, e->b, t);
      skip = emit_bx(g, OP_JMPIFNOT, t, 0);
    }
    if (wi != NONE) emit_bx(g, OP_WITNESS, w, wi);
    load_value(g, t, 1);
    emit(g, OP_ADD, dst, dst, t);
    break;
  case OPA_SUM:
    if (e->b) {
      expr(g, e->b, t);
      skip = emit_bx(g, OP_JMPIFNOT, t, 0);
    }
    if (wi != NONE) emit_bx(g, OP_WITNESS, w, wi);
    expr(g, e->c, t);
    emit(g, OP_ADD, dst, dst, t);
    break;
  }
  g->agg_depth--;
  uint32_t next = g->ncode;
  patch(g, jnext, next);
  if (skip != UINT32_MAX) patch(g, skip, next);
  emit_bx(g, OP_LOOP_NEXT, w, body);
  if (jdone != UINT32_MAX) patch(g, jdone, g->ncode);
  g->top = save;
}

static void expr_code(cg *g, ast *e, int dst);

/* Compiles 'e' into register 'dst', noting 'e' as the expression being
   compiled: an instruction too large for the bytecode is reported there. */
static void expr(cg *g, ast *e, int dst) {
  const ast *outer = g->at;
  g->at = e;
  expr_code(g, e, dst);
  g->at = outer;
}

static void expr_code(cg *g, ast *e, int dst) {
  switch (e->kind) {
  case AST_BOOL: case AST_INT: case AST_MONEY: case AST_DATE:
  case AST_PERCENT:
    load_value(g, dst, e->num);
    return;
  case AST_ROUND:
    rounded(g, e, dst);
    return;
  case AST_CALL:
    call(g, e, dst);
    return;
  case AST_TEXT:
    emit_bx(g, OP_LOADK, dst, konst(g, text_const(g, e->name)));
    return;
  case AST_SET: {
    uint64_t m = 0;
    for (ast *x = e->a; x; x = x->next) m |= UINT64_C(1) << x->num;
    load_value(g, dst, (ent_val)m);
    return;
  }
  case AST_NAME:
    switch (e->sym_kind) {
    case SYM_FIELD: {
      sem_field *f = &g->s->fields[e->sym];
      if (f->flags & FF_OPTIONAL)
        emit(g, OP_GETOPT, dst, row_reg(g, e->aux), e->sym);
      else
        emit(g, OP_GET, dst, row_reg(g, e->aux), f->slot);
      return;
    }
    case SYM_DECISION:
      emit(g, OP_GETDEC, dst, row_reg(g, e->aux), e->sym);
      return;
    case SYM_PARAM:
      load_value(g, dst, g->s->params[e->sym].val);
      return;
    case SYM_ENUMVAL:
      load_value(g, dst, e->num);
      return;
    }
    return;
  case AST_BINOP:
    if (e->op == OPB_AND || e->op == OPB_OR) {
      expr(g, e->a, dst);
      uint32_t j = emit_bx(g, e->op == OPB_AND ? OP_JMPIFNOT : OP_JMPIF, dst,
                           0);
      expr(g, e->b, dst);
      patch(g, j, g->ncode);
    } else if (e->op >= OPB_EQ && e->op <= OPB_NOTIN) {
      compare(g, e, dst);
    } else {
      arith(g, e, dst);
    }
    return;
  case AST_UNOP:
    expr(g, e->a, dst);
    emit(g, e->op == '!' ? OP_NOT : OP_NEG, dst, dst, 0);
    return;
  case AST_IF: {
    expr(g, e->a, dst);
    uint32_t jelse = emit_bx(g, OP_JMPIFNOT, dst, 0);
    expr(g, e->b, dst);
    uint32_t jend = emit_bx(g, OP_JMP, 0, 0);
    patch(g, jelse, g->ncode);
    expr(g, e->c, dst);
    patch(g, jend, g->ncode);
    return;
  }
  case AST_GIVEN:
    emit(g, OP_GIVEN, dst, row_reg(g, e->a->aux), e->a->sym);
    if (!e->op) emit(g, OP_NOT, dst, dst, 0);
    return;
  case AST_AGE: {
    int save = g->top;
    int a = reg(g), b = reg(g);
    expr(g, e->a, a);
    expr(g, e->b, b);
    emit(g, OP_AGE, dst, a, b);
    g->top = save;
    return;
  }
  case AST_AGG:
    aggregate(g, e, dst);
    return;
  default:
    return;
  }
}

/* { ====== explanation tables: parts and what they read ====== */

static void add_ref(cg *g, prog_ref r, uint32_t first) {
  for (uint32_t i = first; i < g->nrefs; i++)
    if (g->refs[i].kind == r.kind && g->refs[i].index == r.index &&
        g->refs[i].item == r.item)
      return;
  GROW_ATOMIC(g->refs, g->nrefs, g->caprefs);
  g->refs[g->nrefs++] = r;
}

/* The ref of a name a part reads, in '*r'; 0 if the name is not one (a
   variable of an aggregate). */
static int name_ref(const cg *g, const ast *e, prog_ref *r) {
  if (e->kind != AST_NAME) return 0;
  if (e->sym_kind == SYM_LIST) {
    *r = (prog_ref){REF_FIELD, (uint32_t)g->s->lists[e->sym].field, 0};
    return 1;
  }
  if (e->aux > 0 || (e->sym_kind != SYM_FIELD &&
                     e->sym_kind != SYM_DECISION &&
                     e->sym_kind != SYM_PARAM))
    return 0;
  *r = (prog_ref){e->sym_kind == SYM_FIELD      ? REF_FIELD
                  : e->sym_kind == SYM_DECISION ? REF_DECISION
                                                : REF_PARAM,
                  (uint32_t)e->sym, e->aux == 0};
  return 1;
}

/* The index of ref 'r' among the part's refs from 'first', or -1. */
static int64_t find_ref(const cg *g, prog_ref r, uint32_t first) {
  for (uint32_t i = first; i < g->nrefs; i++)
    if (g->refs[i].kind == r.kind && g->refs[i].index == r.index &&
        g->refs[i].item == r.item)
      return i;
  return -1;
}

/* The facts, decisions and parameters a part reads, for the explanation.
   Inside an aggregate only the list itself is named: its items' values
   are summarised by the aggregate's result. An age worked out from two
   dates the part names is shown too. */
static void collect_refs(cg *g, ast *e, uint32_t first) {
  if (!e) return;
  prog_ref r, b, d;
  switch (e->kind) {
  case AST_NAME:
    if (name_ref(g, e, &r)) add_ref(g, r, first);
    return;
  case AST_AGE:
    collect_refs(g, e->a, first);
    collect_refs(g, e->b, first);
    if (name_ref(g, e->a, &b) && name_ref(g, e->b, &d)) {
      r = (prog_ref){REF_AGE, (uint32_t)find_ref(g, b, first),
                     (uint32_t)find_ref(g, d, first)};
      add_ref(g, r, first);
    }
    return;
  case AST_AGG:
    collect_refs(g, e->a, first);
    return;
  case AST_CALL:
  case AST_SET:
    for (ast *x = e->a; x; x = x->next) collect_refs(g, x, first);
    return;
  default:
    collect_refs(g, e->a, first);
    collect_refs(g, e->b, first);
    collect_refs(g, e->c, first);
  }
}

/* What an aggregate reads of each of its items (the names of level
   'level', its variable's), for its witnesses: their facts and per-item
   decisions. Not what an aggregate inside it reads of its own items. */
static void item_refs(cg *g, ast *e, int level, uint32_t first) {
  if (!e) return;
  switch (e->kind) {
  case AST_NAME:
    if (e->aux == level && (e->sym_kind == SYM_FIELD ||
                            e->sym_kind == SYM_DECISION)) {
      prog_ref r = {e->sym_kind == SYM_FIELD ? REF_FIELD : REF_DECISION,
                    (uint32_t)e->sym, 1};
      add_ref(g, r, first);
    }
    return;
  case AST_SET:
    for (ast *x = e->a; x; x = x->next) item_refs(g, x, level, first);
    return;
  default:
    item_refs(g, e->a, level, first);
    item_refs(g, e->b, level, first);
    item_refs(g, e->c, level, first);
  }
}

static uint32_t add_part(cg *g, const char *text, ast *e) {
  GROW_ATOMIC(g->parts, g->nparts, g->capparts);
  uint32_t i = g->nparts++;
  g->parts[i].text = intern(g, text);
  g->parts[i].title = 0;
  g->parts[i].first_ref = g->nrefs;
  collect_refs(g, e, g->nrefs);
  g->parts[i].nrefs = g->nrefs - g->parts[i].first_ref;
  return i;
}

/* } ====== */

/* Whether evaluating 'e' can fail (an absent fact, an undecided
   decision, overflow, a date out of range): only then does the VM need
   to know which part of the rule it is in. */
static int can_fail(const cg *g, const ast *e) {
  if (!e) return 0;
  switch (e->kind) {
  case AST_NAME:
    return (e->sym_kind == SYM_FIELD &&
            (g->s->fields[e->sym].flags & FF_OPTIONAL)) ||
           e->sym_kind == SYM_DECISION;
  case AST_BINOP:
    if (e->op == OPB_ADD || e->op == OPB_SUB || e->op == OPB_MUL) return 1;
    return can_fail(g, e->a) || can_fail(g, e->b);
  case AST_UNOP:
    return e->op == '-' || can_fail(g, e->a);
  case AST_AGG:
  case AST_ROUND:
    return 1;
  case AST_CALL:
  case AST_SET:
    for (const ast *x = e->a; x; x = x->next)
      if (can_fail(g, x)) return 1;
    return 0;
  case AST_GIVEN:
    return 0;
  default:
    return can_fail(g, e->a) || can_fail(g, e->b) || can_fail(g, e->c);
  }
}

static void rule_code(cg *g, int sr, uint32_t pr) {
  sem_rule *ru = &g->s->rules[sr];
  prog_rule *r = &g->p->rules[pr];
  emit_bx(g, OP_RULE, 0, pr);
  int save = g->top;
  int t = reg(g);
  /* RULE starts at part 0; a PART is needed only before a part that can
     fail, after another part. */
  int at = 0;
  g->cur_dec = r->decision;
  for (int i = 0; i < ru->nconds + ru->nexcs; i++) {
    if (i != at && can_fail(g, ru->parts[i])) emit(g, OP_PART, 0, at = i, 0);
    g->cur_part = r->first_part + (uint32_t)i;
    expr(g, ru->parts[i], t);
    emit(g, i < ru->nconds ? OP_FAILIFNOT : OP_EXCEPTIF, t, i, 0);
  }
  int vp = ru->nconds + ru->nexcs;
  if (vp != at && can_fail(g, ru->value)) emit(g, OP_PART, 0, vp, 0);
  g->cur_part = r->value_part;
  expr(g, ru->value, t);
  g->cur_part = NONE;
  if (ru->includes == 2) emit(g, OP_SINGLETON, t, t, 0);
  emit(g, OP_APPLY, t, 0, 0);
  r->end_pc = g->ncode;
  g->top = save;
}

/* The rules that beat each rule directly, each once. A rule beaten
   through others (a first table's last row, the end of a chain of
   'overrides') is found at run time through the states of the rules that
   beat it directly (OP_RULE in vm.c): listing every rule that beats a
   rule made a table of n rows n^2/2 entries long and its compile cubic. */
static void beaten_lists(cg *g, sem_decision *dc) {
  sema *s = g->s;
  int n = dc->nrules;
  size_t nn = n > 0 ? (size_t)n : 1;
  for (int a = 0; a < n; a++) s->rules[dc->rules[a]].pos = a;
  /* direct[b] lists the positions of rules beating the rule at b */
  int **direct = GC_MALLOC(nn * sizeof *direct);
  int *nd = GC_MALLOC_ATOMIC(nn * sizeof *nd);
  int *cd = GC_MALLOC_ATOMIC(nn * sizeof *cd);
  memset(nd, 0, nn * sizeof *nd);
  memset(cd, 0, nn * sizeof *cd);
  for (int a = 0; a < n; a++) {
    sem_rule *ra = &s->rules[dc->rules[a]];
    for (int k = 0; k < ra->nbeats; k++) {
      int b = s->rules[ra->beats[k]].pos;
      sem_intpush(&direct[b], &nd[b], &cd[b], a);
    }
  }
  /* mark[a] == b + 1: rule a is already listed as beating rule b */
  int *mark = GC_MALLOC_ATOMIC(nn * sizeof *mark);
  memset(mark, 0, nn * sizeof *mark);
  for (int b = 0; b < n; b++) {
    uint32_t first = g->nbeaten;
    for (int k = 0; k < nd[b]; k++) {
      int a = direct[b][k];
      if (mark[a] == b + 1) continue;
      mark[a] = b + 1;
      GROW_ATOMIC(g->beaten, g->nbeaten, g->capbeaten);
      g->beaten[g->nbeaten++] = g->rule_index[dc->rules[a]];
    }
    prog_rule *r = &g->p->rules[g->rule_index[dc->rules[b]]];
    r->first_beaten_by = first;
    r->nbeaten_by = g->nbeaten - first;
  }
}

static void lay_out_tables(cg *g) {
  sema *s = g->s;
  ent_program *p = g->p;
  p->nenums = s->nenums;
  p->enums = GC_MALLOC_ATOMIC((s->nenums + 1) * sizeof *p->enums);
  uint32_t nv = 0;
  for (int i = 0; i < s->nenums; i++) nv += s->enums[i].n;
  p->enum_values = GC_MALLOC_ATOMIC((nv + 1) * sizeof *p->enum_values);
  nv = 0;
  for (int i = 0; i < s->nenums; i++) {
    p->enums[i].name = intern(g, s->enums[i].name);
    p->enums[i].first = nv;
    p->enums[i].n = s->enums[i].n;
    for (int k = 0; k < s->enums[i].n; k++)
      p->enum_values[nv++] = intern(g, s->enums[i].values[k]);
  }
  p->nenum_values = nv;
  p->nfields = s->nfields;
  p->fields = GC_MALLOC_ATOMIC((s->nfields + 1) * sizeof *p->fields);
  for (int i = 0; i < s->nfields; i++) {
    sem_field *f = &s->fields[i];
    prog_field *pf = &p->fields[i];
    memset(pf, 0, sizeof *pf);
    pf->name = intern(g, f->name);
    pf->path = intern(g, f->path);
    pf->type = f->type;
    pf->object = f->object;
    pf->slot = f->slot;
    pf->flags = f->flags;
    pf->sub = f->sub < 0 ? UINT32_MAX : (uint32_t)f->sub;
    pf->dflt = f->dflt;
    pf->reason = intern(g, f->reason);
    pf->title = intern(g, f->title);
  }
  p->nobjects = s->nobjects;
  p->objects = GC_MALLOC_ATOMIC((s->nobjects + 1) * sizeof *p->objects);
  for (int i = 0; i < s->nobjects; i++) {
    p->objects[i].first_field = s->objects[i].first_field;
    p->objects[i].nfields = s->objects[i].nfields;
    p->objects[i].list = s->objects[i].list;
    p->objects[i].parent_field = s->objects[i].parent_field < 0
                                     ? UINT32_MAX
                                     : (uint32_t)s->objects[i].parent_field;
  }
  p->nlists = s->nlists;
  p->lists = GC_MALLOC_ATOMIC((s->nlists + 1) * sizeof *p->lists);
  for (int i = 0; i < s->nlists; i++) {
    p->lists[i].field = s->lists[i].field;
    p->lists[i].object = s->lists[i].object;
    p->lists[i].key = s->lists[i].key;
    p->lists[i].width = s->lists[i].width;
    p->lists[i].item_name = intern(g, s->lists[i].item_name);
  }
  p->nparams = s->nparams;
  p->params = GC_MALLOC_ATOMIC((s->nparams + 1) * sizeof *p->params);
  for (int i = 0; i < s->nparams; i++) {
    p->params[i].name = intern(g, s->params[i].name);
    p->params[i].type = s->params[i].type;
    p->params[i].value = s->params[i].val;
  }
}

/* The full title of the document a citation names by its short name. */
static const char *document_title(sema *s, const char *name) {
  return strmap_get(s->docs, name) >= 0 ? sema_document_title(s, name)
                                         : name;
}

/* Whether decision 'd' reads, for items other than its own, one of the
   decisions order[first..last]. */
static int reads_across(const sema *s, int d, const int *order, int first,
                        int last) {
  const sem_decision *dc = &s->decisions[d];
  for (int k = 0; k < dc->ndeps; k++) {
    if (!dc->dep_across[k]) continue;
    for (int i = first; i <= last; i++)
      if (dc->deps[k] == order[i]) return 1;
  }
  return 0;
}

/* The name and version of each imported file, in the order the files
   were read: a council's policy rests on the national rules too, and their
   version must be named with every decision. */
static void record_imports(cg *g) {
  sema *s = g->s;
  ent_program *p = g->p;
  p->nimports = s->nfiles > 0 ? (uint32_t)s->nfiles - 1 : 0;
  p->imports = GC_MALLOC_ATOMIC((p->nimports + 1) * sizeof *p->imports);
  for (uint32_t i = 0; i < p->nimports; i++) {
    int file = s->files[i + 1];
    decl *pol = NULL;
    for (decl *d = s->decls; d && !pol; d = d->next)
      if (d->kind == DECL_POLICY && d->module == file) pol = d;
    p->imports[i].file = intern(g, sema_source_name(s, file));
    p->imports[i].name = intern(g, pol && pol->str ? pol->str : "");
    p->imports[i].version = intern(g, pol && pol->version ? pol->version
                                                          : "");
  }
}

ent_program *compile_policy(sema *s) {
  cg G = {0}, *g = &G;
  g->s = s;
  g->cur_part = NONE;
  g->strs = strmap_new();
  ent_program *p = GC_MALLOC(sizeof *p);
  g->p = p;
  intern(g, "");
  decl *pol = s->policy;
  p->name = intern(g, pol ? pol->str : "");
  p->version = intern(g, pol ? pol->version : "");
  p->status = intern(g, pol ? pol->status : "");
  record_imports(g);
  lay_out_tables(g);

  /* Rules in program order: grouped by decision, strongest first. */
  g->rule_index = GC_MALLOC_ATOMIC((s->nrules + 1) * sizeof(int));
  for (int i = 0; i < s->nrules; i++) g->rule_index[i] = -1;
  uint32_t nr = 0;
  for (int i = 0; i < s->ndecisions; i++) nr += s->decisions[i].nrules;
  p->rules = GC_MALLOC_ATOMIC((nr + 1) * sizeof *p->rules);
  p->nrules = nr;
  p->ndecisions = s->ndecisions;
  p->decisions = GC_MALLOC_ATOMIC((s->ndecisions + 1) * sizeof
                                  *p->decisions);
  uint32_t *width = GC_MALLOC_ATOMIC((s->nlists + 1) * sizeof *width);
  for (int l = 0; l < s->nlists; l++) width[l] = s->lists[l].width;
  g->width = width;
  g->case_width = s->case_width;
  nr = 0;
  for (int i = 0; i < s->ndecisions; i++) {
    sem_decision *dc = &s->decisions[i];
    prog_decision *pd = &p->decisions[i];
    pd->name = intern(g, dc->list >= 0 ? strchr(dc->name, '.') + 1
                                       : dc->name);
    pd->title = intern(g, dc->title);
    pd->type = dc->type;
    pd->list = dc->list;
    pd->slot = dc->slot;
    pd->flags = dc->flags;
    pd->first_rule = nr;
    pd->nrules = dc->nrules;
    for (int k = 0; k < dc->nrules; k++) {
      sem_rule *ru = &s->rules[dc->rules[k]];
      prog_rule *r = &p->rules[nr];
      memset(r, 0, sizeof *r);
      g->rule_index[dc->rules[k]] = nr++;
      r->id = intern(g, ru->id);
      r->title = intern(g, ru->title);
      r->first_cite = g->ncites;
      for (ast *c = ru->cites; c; c = c->next) {
        GROW_ATOMIC(g->cites, g->ncites, g->capcites);
        g->cites[g->ncites].doc = intern(g, document_title(s, c->name));
        g->cites[g->ncites].section = intern(g, c->a->name);
        g->cites[g->ncites++].quote = intern(g, c->b ? c->b->name : "");
      }
      r->ncites = g->ncites - r->first_cite;
      int line = 0, col;
      if (ru->id_loc.file >= 0) {
        diag_linecol(s->d, ru->id_loc.file, ru->id_loc.start, &line, &col);
        r->file = intern(g, sema_source_name(s, ru->id_loc.file));
      } else {
        r->file = intern(g, "");
      }
      r->line = line;
      r->decision = i;
      r->kind = ru->kind;
      r->final_ = ru->final_;
      r->state_slot = dc->list >= 0 ? width[dc->list]++ : g->case_width++;
      r->nconds = ru->nconds;
      r->nexcs = ru->nexcs;
    }
  }
  /* Document titles: the 'document' declarations by short name. */
  for (int i = 0; i < s->ndecisions; i++) beaten_lists(g, &s->decisions[i]);

  /* Parts and code: first the requirements on the case. */
  g->top = 1;
  g->maxreg = 1;
  p->nrequires = s->nrequires;
  p->requires = GC_MALLOC_ATOMIC((s->nrequires + 1) * sizeof *p->requires);
  for (int i = 0; i < s->nrequires; i++) {
    sem_require *rq = &s->requires[i];
    uint32_t part = add_part(g, diag_snippet(s->d, rq->cond->loc), rq->cond);
    g->parts[part].title = intern(g, rq->title);
    p->requires[i] = part;
    int t = reg(g);
    emit_bx(g, OP_CHECK_BEGIN, 0, part);
    expr(g, rq->cond, t);
    emit(g, OP_CHECK, t, 0, 0);
    g->top--;
  }
  for (int oi = 0; oi < s->ndecisions; oi++) {
    int di = s->order[oi];
    sem_decision *dc = &s->decisions[di];
    int save = g->top;
    int row = 0;
    uint32_t jnext = 0, body = 0;
    /* Consecutive decisions for each item of one list share one pass
       over it, unless one reads another for other items. */
    int last = oi;
    if (dc->list >= 0)
      while (last + 1 < s->ndecisions &&
             s->decisions[s->order[last + 1]].list == dc->list &&
             !reads_across(s, s->order[last + 1], s->order, oi, last))
        last++;
    if (dc->list >= 0) {
      row = reg(g);
      reg(g);
      reg(g);
      g->level_reg[0] = row;
      emit(g, OP_LOOP_INIT, row, dc->list, 0);
      jnext = emit_bx(g, OP_JMP, 0, 0);
      body = g->ncode;
    }
    for (int gi = oi; gi <= last; gi++) {
    di = s->order[gi];
    dc = &s->decisions[di];
    emit_bx(g, OP_DEC_BEGIN, row, di);
    for (int k = 0; k < dc->nrules; k++) {
      int sr = dc->rules[k];
      uint32_t pr = g->rule_index[sr];
      sem_rule *ru = &s->rules[sr];
      prog_rule *r = &p->rules[pr];
      r->first_part = g->nparts;
      for (int i = 0; i < ru->nconds + ru->nexcs; i++)
        add_part(g, ru->texts[i], ru->parts[i]);
      r->value_part = add_part(g, ru->value ? diag_snippet(s->d,
                                                           ru->value->loc)
                                            : "", ru->value);
      rule_code(g, sr, pr);
    }
    emit(g, OP_DEC_END, 0, 0, 0);
    }
    oi = last;
    if (dc->list >= 0) {
      patch(g, jnext, g->ncode);
      emit_bx(g, OP_LOOP_NEXT, row, body);
    }
    g->top = save;
  }
  emit(g, OP_HALT, 0, 0, 0);

  p->order = GC_MALLOC_ATOMIC((s->ndecisions + 1) * sizeof *p->order);
  for (int i = 0; i < s->ndecisions; i++) p->order[i] = s->order[i];
  for (int l = 0; l < s->nlists; l++) p->lists[l].width = width[l];
  p->case_width = g->case_width;
  p->nregs = g->maxreg;
  p->date_field = s->dated_field ? (uint32_t)s->dated_field - 1 : UINT32_MAX;
  p->code = g->code;
  p->ncode = g->ncode;
  p->consts = g->consts;
  p->nconsts = g->nconsts;
  p->parts = g->parts;
  p->nparts = g->nparts;
  p->refs = g->refs;
  p->nrefs = g->nrefs;
  p->aggs = g->aggs;
  p->naggs = g->naggs;
  p->beaten_by = g->beaten;
  p->nbeaten_by = g->nbeaten;
  p->cites = g->cites;
  p->ncites = g->ncites;
  p->strings = g->str;
  p->nstrings = g->nstr;
  if (g->too_big || g->maxreg > 0xffff) {
    diag_error(s->d, g->big_at ? g->big_at->loc : loc_make(s->root, 0, 0),
               "the policy is too large for the bytecode%s: an instruction "
               "names at most 65,535 facts, decisions, registers or words "
               "of a row", g->big_at ? " at this expression" : "");
    return NULL;
  }
  return p;
}
