/*
** tablecheck.c: static checks of decision tables, as DMN tools make them.
**
** Where every input of a table is a boolean or an enumeration, each cell
** is a set of values and the table can be checked exhaustively:
**   - a gap: a combination of inputs that no row covers, while a decision
**     the table sets has no default (such a case would be undecided);
**   - an overlap, in a table of equal rows: two rows that both apply to
**     some combination and set different values (a conflict);
**   - in a 'first' table, a row that can never apply because the rows
**     above it cover every combination it covers.
** These are warnings: the policy may intend them, and the VM reports the
** outcome (undecided, conflict) if a case ever reaches one. Tables with
** other inputs, or too many combinations, are not checked.
*/
#include <gc.h>
#include <stdio.h>
#include <string.h>

#include "sema.h"

/* More combinations than this are not enumerated. */
#define TABLES_MAX_COMBINATIONS 65536

typedef struct {
  sema *s;
  sem_table *t;
  int dom[64];          /* number of values of each input */
  uint64_t *mask;       /* nrows x nin: values each cell accepts */
} checker;

static int domain(sema *s, int ty) {
  if (ty == TY(TK_BOOL, 0)) return 2;
  if (TY_KIND(ty) == TK_ENUM) return s->enums[TY_IDX(ty)].n;
  return 0;
}

/* The value of a constant cell operand, or -1. */
static int64_t const_value(sema *s, const ast *e) {
  if (e->kind == AST_BOOL) return e->num;
  if (e->kind == AST_NAME && e->sym_kind == SYM_ENUMVAL) return e->num;
  if (e->kind == AST_NAME && e->sym_kind == SYM_PARAM &&
      s->params[e->sym].done == 2 &&
      domain(s, s->params[e->sym].type) > 0)
    return s->params[e->sym].val;
  return -1;
}

/* The set of values cell condition 'c' accepts, or 0 with *ok = 0. */
static uint64_t cell_mask(checker *k, const ast *c, int col, int *ok) {
  uint64_t all = k->dom[col] == 64 ? ~UINT64_C(0)
                                   : (UINT64_C(1) << k->dom[col]) - 1;
  if (!c) return all;
  if (c->op == OPB_OR) /* a list of values: 'input = a or input = b' */
    return cell_mask(k, c->a, col, ok) | cell_mask(k, c->b, col, ok);
  if (c->op == OPB_EQ || c->op == OPB_NE) {
    int64_t v = const_value(k->s, c->b);
    if (v < 0 || v >= k->dom[col]) return *ok = 0, 0;
    uint64_t m = UINT64_C(1) << v;
    return c->op == OPB_EQ ? m : all & ~m;
  }
  if (c->op == OPB_IN && c->b->kind == AST_SET) {
    uint64_t m = 0;
    for (ast *x = c->b->a; x; x = x->next) {
      int64_t v = const_value(k->s, x);
      if (v < 0 || v >= k->dom[col]) return *ok = 0, 0;
      m |= UINT64_C(1) << v;
    }
    return m;
  }
  return *ok = 0, 0;
}

static int row_matches(checker *k, int row, const int *combo) {
  for (int c = 0; c < k->t->nin; c++)
    if (!((k->mask[row * k->t->nin + c] >> combo[c]) & 1)) return 0;
  return 1;
}

static const char *value_name(sema *s, int ty, int v) {
  if (ty == TY(TK_BOOL, 0)) return v ? "true" : "false";
  return s->enums[TY_IDX(ty)].values[v];
}

static char *describe(checker *k, const int *combo) {
  char buf[512];
  size_t n = 0;
  buf[0] = 0;
  for (int c = 0; c < k->t->nin && n < sizeof buf - 64; c++)
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s = %s",
                          c ? ", " : "",
                          diag_snippet(k->s->d, k->t->inputs[c]->loc),
                          value_name(k->s, k->t->inputs[c]->ty, combo[c]));
  char *r = GC_MALLOC_ATOMIC(n + 1);
  memcpy(r, buf, n + 1);
  return r;
}

/* Steps 'combo' to the next combination; 0 after the last. */
static int next_combo(checker *k, int *combo) {
  for (int c = k->t->nin - 1; c >= 0; c--) {
    if (++combo[c] < k->dom[c]) return 1;
    combo[c] = 0;
  }
  return 0;
}

static int same_output(const ast *a, const ast *b) {
  if (!a || !b || a->kind != b->kind) return 0;
  switch (a->kind) {
  case AST_BOOL: case AST_INT: case AST_MONEY: case AST_DATE:
    return a->num == b->num;
  case AST_TEXT: return !strcmp(a->name, b->name);
  case AST_NAME:
    if (a->sym_kind == SYM_ENUMVAL && b->sym_kind == SYM_ENUMVAL)
      return a->num == b->num;
    return a->sym_kind == b->sym_kind && a->sym == b->sym &&
           !strcmp(a->name, b->name);
  default: return 0;
  }
}

static void check_one(sema *s, sem_table *t) {
  checker K = {s, t, {0}, NULL}, *k = &K;
  if (t->valid < 0 || t->nrows == 0) return;
  long combos = 1;
  for (int c = 0; c < t->nin; c++) {
    k->dom[c] = domain(s, t->inputs[c]->ty);
    if (k->dom[c] <= 0 || k->dom[c] > 64) return;
    combos *= k->dom[c];
    if (combos > TABLES_MAX_COMBINATIONS) return;
  }
  k->mask = GC_MALLOC_ATOMIC((size_t)(t->nrows * t->nin + 1) *
                             sizeof *k->mask);
  int ok = 1;
  for (int r = 0; r < t->nrows; r++)
    for (int c = 0; c < t->nin; c++)
      k->mask[r * t->nin + c] = cell_mask(k, t->cells[r * t->nin + c], c,
                                          &ok);
  if (!ok) return;
  int combo[64] = {0};
  ast *row_ast[4096];
  int nr = 0;
  for (ast *row = t->d->rows; row && nr < 4096; row = row->next)
    row_ast[nr++] = row;
  int defaulted = 1;
  for (int o = 0; o < t->nout; o++)
    if (t->decisions[o] >= 0 &&
        !(s->decisions[t->decisions[o]].flags & DF_DEFAULT))
      defaulted = 0;
  /* Gaps. */
  if (!defaulted) {
    int shown = 0;
    long missing = 0;
    do {
      int covered = 0;
      for (int r = 0; r < t->nrows && !covered; r++)
        covered = row_matches(k, r, combo);
      if (!covered && missing++ < 3) {
        diag_warning(s->d, t->d->name_loc, "table '%s' has no row for %s: "
                     "such a case is undecided", t->d->name,
                     describe(k, combo));
        shown++;
      }
    } while (next_combo(k, combo));
    if (missing > shown)
      diag_note(s->d, t->d->name_loc, "and %ld more combinations",
                missing - shown);
  }
  /* Overlaps in a table of equal rows; dead rows in a 'first' table. */
  for (int j = 0; j < t->nrows && j < nr; j++) {
    if (!t->d->first) {
      for (int i = 0; i < j; i++) {
        int meet = 1;
        for (int c = 0; c < t->nin && meet; c++)
          meet = (k->mask[i * t->nin + c] & k->mask[j * t->nin + c]) != 0;
        if (!meet) continue;
        int same = 1;
        for (int o = 0; o < t->nout && same; o++)
          same = same_output(t->outputs[i * t->nout + o],
                             t->outputs[j * t->nout + o]);
        if (same) continue;
        int ex[64];
        for (int c = 0; c < t->nin; c++)
          ex[c] = __builtin_ctzll(k->mask[i * t->nin + c] &
                                  k->mask[j * t->nin + c]);
        diag_warning(s->d, row_ast[j]->loc, "rows %d and %d of table '%s' "
                     "both apply when %s and set different values: such a "
                     "case is a conflict", i + 1, j + 1, t->d->name,
                     describe(k, ex));
      }
      continue;
    }
    int reachable = 0;
    memset(combo, 0, sizeof combo);
    do {
      if (!row_matches(k, j, combo)) continue;
      int above = 0;
      for (int i = 0; i < j && !above; i++) above = row_matches(k, i, combo);
      if (!above) reachable = 1;
    } while (!reachable && next_combo(k, combo));
    if (!reachable)
      diag_warning(s->d, row_ast[j]->loc, "row %d of table '%s' can never "
                   "apply: the rows above it cover every case it covers",
                   j + 1, t->d->name);
  }
}

void tables_check(sema *s) {
  for (int i = 0; i < s->ntables; i++) check_one(s, &s->tables[i]);
}
