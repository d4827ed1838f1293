/*
** types.c: names and types of expressions.
**
** Every NAME in an expression is resolved here, in this order: a variable
** of an enclosing 'any/all/count/sum', the current item (the record type
** of a per-item decision), where an enumeration is expected one of its
** values (an error if it is also a fact, decision or parameter), a fact,
** a decision, a parameter. Each expression gets its
** type; a protected fact read anywhere is an error; each decision read
** inside a decision's rules is recorded as a dependency of that decision.
*/
#include <gc.h>
#include <stdio.h>
#include <string.h>

#include "sema.h"

static int err(type_ctx *c, ast *e, const char *fmt, const char *a,
               const char *b) {
  diag_error(c->s->d, e->loc, fmt, a, b);
  e->ty = TY_ERROR;
  return TY_ERROR;
}

static char *cat3(const char *a, const char *b, const char *c) {
  size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
  char *r = GC_MALLOC_ATOMIC(na + nb + nc + 1);
  memcpy(r, a, na);
  memcpy(r + na, b, nb);
  memcpy(r + na + nb, c, nc + 1);
  return r;
}

/* How messages name type 'ty': "a date", "a list of 'provision'". A name
   with an enumeration or list in it is made in a new collected string:
   compiles run on several threads at once (include/entitle.h), so no
   buffer may be shared between calls. */
const char *type_name(const sema *s, int ty) {
  static const char *const kinds[] = {"a boolean", "a whole number",
                                      "money", "a date", "text", "", "",
                                      "a duration", "a record", "a list",
                                      "a percentage", "an error"};
  if (ty < 0) return "anything";
  int kind = TY_KIND(ty);
  switch (kind) {
  case TK_ENUM: return cat3("'", s->enums[TY_IDX(ty)].name, "'");
  case TK_SET: return cat3("a set of '", s->enums[TY_IDX(ty)].name, "'");
  case TK_LIST:
    return cat3("a list of '", s->lists[TY_IDX(ty)].item_name, "'");
  default: return kind <= TK_ERROR ? kinds[kind] : "?";
  }
}

/* Field 'path' in the rows of list 'list' (-1: the case row). */
static int find_field(sema *s, int list, const char *path) {
  const char *row = list < 0 ? "" : s->fields[s->lists[list].field].path;
  return strmap_get(s->fieldmap, cat3(row, ":", path));
}

/* Records that the decision being defined reads 'dec'; 'across' when it
   reads it for items other than its own (through an aggregate), which
   decides whether the two can be made in one pass over a list. */
static void add_dep(type_ctx *c, int dec, loc_t loc, int across) {
  if (c->decision < 0) return;
  sem_decision *d = &c->s->decisions[c->decision];
  for (int i = 0; i < d->ndeps; i++)
    if (d->deps[i] == dec) {
      if (across) d->dep_across[i] = 1;
      return;
    }
  /* 'dep_locs' and 'dep_across' run beside 'deps', with its capacity. */
  int cap = d->capdeps, cap2 = cap;
  GROW_ATOMIC(d->deps, d->ndeps, d->capdeps);
  GROW_TO_ATOMIC(d->dep_locs, d->ndeps, cap, d->capdeps);
  GROW_TO_ATOMIC(d->dep_across, d->ndeps, cap2, d->capdeps);
  d->deps[d->ndeps] = dec;
  d->dep_locs[d->ndeps] = loc;
  d->dep_across[d->ndeps++] = (unsigned char)across;
}

static int use_field(type_ctx *c, ast *e, int f, int level) {
  sem_field *fd = &c->s->fields[f];
  if (fd->flags & FF_PROTECTED) {
    diag_error(c->s->d, e->loc, "%s reads '%s', which is protected%s%s",
               c->what, e->name, fd->reason ? ": " : "",
               fd->reason ? fd->reason : "");
    diag_note(c->s->d, fd->loc, "'%s' is declared protected here", fd->path);
    return e->ty = TY_ERROR;
  }
  if (TY_KIND(fd->type) == TK_RECORD)
    return err(c, e, "'%s' is a record: name one of its fields%s", e->name,
               "");
  e->sym_kind = TY_KIND(fd->type) == TK_LIST ? SYM_LIST : SYM_FIELD;
  e->sym = TY_KIND(fd->type) == TK_LIST ? fd->sub : f;
  e->aux = level;
  return e->ty = fd->type;
}

static int use_decision(type_ctx *c, ast *e, int dec, int level) {
  if (c->facts_only)
    return err(c, e, "%s reads the decision '%s': a requirement on the "
               "case reads only facts and parameters", c->what, e->name);
  e->sym_kind = SYM_DECISION;
  e->sym = dec;
  e->aux = level;
  add_dep(c, dec, e->loc, level > 0);
  return e->ty = c->s->decisions[dec].type;
}

/* Resolves 'rest' as a field or per-item decision of an item of 'list'. */
static int item_member(type_ctx *c, ast *e, int list, const char *rest,
                       int level) {
  sema *s = c->s;
  int f = find_field(s, list, rest);
  if (f >= 0) return use_field(c, e, f, level);
  const char *iname = s->lists[list].item_name;
  int dec = strmap_get(s->decmap, cat3(iname, ".", rest));
  if (dec >= 0) return use_decision(c, e, dec, level);
  return err(c, e, "'%s' has no field or decision '%s'", iname, rest);
}

/* Whether NAME 'e' is a bare word that names nothing but possibly an
   enumeration value, so the other side of a comparison decides it. */
static int bare_word(type_ctx *c, const ast *e) {
  if (e->kind != AST_NAME || strchr(e->name, '.')) return 0;
  sema *s = c->s;
  for (int i = 0; i < c->nvars; i++)
    if (!strcmp(c->vars[i], e->name)) return 0;
  return find_field(s, -1, e->name) < 0 &&
         strmap_get(s->decmap, e->name) < 0 &&
         strmap_get(s->parammap, e->name) < 0;
}

static int enum_value(sema *s, int ty, const char *name) {
  if (TY_KIND(ty) != TK_ENUM) return -1;
  return strmap_get(s->enums[TY_IDX(ty)].index, name);
}

static int type_name_ref(type_ctx *c, ast *e, int want) {
  sema *s = c->s;
  const char *dot = strchr(e->name, '.');
  size_t hl = dot ? (size_t)(dot - e->name) : strlen(e->name);
  const char *rest = dot ? dot + 1 : NULL;
  /* Aggregate variables, innermost first. */
  for (int i = c->nvars - 1; i >= 0; i--)
    if (strlen(c->vars[i]) == hl && !strncmp(c->vars[i], e->name, hl)) {
      if (!rest)
        return err(c, e, "'%s' is an item of a list: name one of its "
                   "fields%s", e->name, "");
      return item_member(c, e, c->var_list[i], rest, i + 1);
    }
  /* The current item of a per-item decision. */
  if (c->decision >= 0 && s->decisions[c->decision].list >= 0) {
    int l = s->decisions[c->decision].list;
    const char *in = s->lists[l].item_name;
    if (strlen(in) == hl && !strncmp(in, e->name, hl)) {
      if (!rest)
        return err(c, e, "'%s' is the current item: name one of its "
                   "fields%s", e->name, "");
      return item_member(c, e, l, rest, 0);
    }
  }
  int ev = enum_value(s, want, e->name);
  if (ev >= 0 && !dot &&
      (find_field(s, -1, e->name) >= 0 || strmap_get(s->decmap, e->name) >= 0
       || strmap_get(s->parammap, e->name) >= 0))
    return err(c, e, "'%s' is both a value of %s and the name of a fact, "
               "decision or parameter: rename one of them", e->name,
               type_name(s, want));
  if (ev >= 0 && !dot) {
    e->sym_kind = SYM_ENUMVAL;
    e->num = ev;
    return e->ty = want;
  }
  int f = find_field(s, -1, e->name);
  if (f >= 0) return use_field(c, e, f, -1);
  int dec = strmap_get(s->decmap, e->name);
  if (dec >= 0) {
    if (s->decisions[dec].list >= 0)
      return err(c, e, "'%s' is decided for each item of a list: read it "
                 "through an item, as in 'any x in %s where x...'",
                 e->name, s->fields[s->lists[s->decisions[dec].list].field]
                              .path);
    return use_decision(c, e, dec, -1);
  }
  int p = strmap_get(s->parammap, e->name);
  if (p >= 0) {
    e->sym_kind = SYM_PARAM;
    e->sym = p;
    return e->ty = s->params[p].type;
  }
  if (TY_KIND(want) == TK_ENUM)
    return err(c, e, "'%s' is not a value of %s", e->name,
               type_name(s, want));
  /* A dated parameter is a decision, made once the case is known: a
     parameter's value or a fact's default cannot wait for it. */
  if (s->dated_params && strmap_get(s->dated_params, e->name) >= 0)
    return err(c, e, "'%s' has values for periods, known only once a case "
               "is dated: only rules, tables and decisions' defaults can "
               "read it%s", e->name, "");
  /* A record-typed list item variable used where a list is wanted. */
  return err(c, e, "unknown name '%s'%s", e->name, "");
}

static int expect(type_ctx *c, ast *e, int got, int want) {
  if (got == TY_ERROR || want < 0 || got == want) return got;
  diag_error(c->s->d, e->loc, "expected %s, found %s", type_name(c->s, want),
             type_name(c->s, got));
  return e->ty = TY_ERROR;
}

static int is_ordered(int ty) {
  int k = TY_KIND(ty);
  return k == TK_INT || k == TK_MONEY || k == TK_DATE || k == TK_PERCENT;
}

static int type_compare(type_ctx *c, ast *e) {
  ast *first = e->a, *second = e->b;
  if (bare_word(c, e->a)) first = e->b, second = e->a;
  int t1 = types_expr(c, first, -1);
  if (t1 == TY_ERROR) return e->ty = TY_ERROR;
  int t2 = types_expr(c, second, t1);
  if (t2 == TY_ERROR) return e->ty = TY_ERROR;
  if (t1 != t2) {
    diag_error(c->s->d, e->loc, "cannot compare %s with %s",
               type_name(c->s, e->a->ty), type_name(c->s, e->b->ty));
    return e->ty = TY_ERROR;
  }
  if (e->op != OPB_EQ && e->op != OPB_NE && !is_ordered(t1))
    return err(c, e, "%s cannot be ordered: only '=' and '!=' compare "
               "such values%s", type_name(c->s, t1), "");
  if (TY_KIND(t1) == TK_DURATION)
    return err(c, e, "durations cannot be compared%s%s", "", "");
  return e->ty = TY(TK_BOOL, 0);
}

static int type_member(type_ctx *c, ast *e) {
  int tl, tr;
  if (bare_word(c, e->a)) {
    tr = types_expr(c, e->b, -1);
    if (tr == TY_ERROR) return e->ty = TY_ERROR;
    if (TY_KIND(tr) != TK_SET)
      return err(c, e->b, "expected a set after 'in', found %s",
                 type_name(c->s, tr), "");
    tl = types_expr(c, e->a, TY(TK_ENUM, TY_IDX(tr)));
  } else {
    tl = types_expr(c, e->a, -1);
    if (tl == TY_ERROR) return e->ty = TY_ERROR;
    if (TY_KIND(tl) != TK_ENUM)
      return err(c, e->a, "only a value of an enumeration can be in a set, "
                 "not %s%s", type_name(c->s, tl), "");
    tr = types_expr(c, e->b, TY(TK_SET, TY_IDX(tl)));
  }
  if (tl == TY_ERROR || tr == TY_ERROR) return e->ty = TY_ERROR;
  if (TY_KIND(tr) != TK_SET || TY_IDX(tr) != TY_IDX(tl))
    return err(c, e, "'%s' is not a set of %s", type_name(c->s, tr),
               type_name(c->s, tl));
  return e->ty = TY(TK_BOOL, 0);
}

/* A division or a share that is not followed by 'rounded': the policy
   must say how the pence left over are rounded. */
static int needs_rounding(type_ctx *c, ast *e, const char *what) {
  return err(c, e, "%s must say how it is rounded: add 'rounded half "
             "up', 'rounded half even', 'rounded down' or 'rounded up' "
             "after it%s", what, "");
}

/* 'A / N rounded M': money or a whole number divided by a whole
   number, of A's type. */
static int type_divide(type_ctx *c, ast *e, int tl, int tr) {
  int kl = TY_KIND(tl), kr = TY_KIND(tr);
  if ((kl != TK_INT && kl != TK_MONEY) || kr != TK_INT)
    return err(c, e, "cannot divide %s by %s: money or a whole number is "
               "divided by a whole number", type_name(c->s, tl),
               type_name(c->s, tr));
  if (c->rounded != e) return needs_rounding(c, e, "a division");
  return e->ty = tl;
}

/* 'A * P rounded M': a percentage of money or of a whole number, of
   that type. */
static int type_share(type_ctx *c, ast *e, int tl, int tr) {
  int kl = TY_KIND(tl), kr = TY_KIND(tr);
  int other = kl == TK_PERCENT ? tr : tl;
  int ko = TY_KIND(other);
  if (ko != TK_INT && ko != TK_MONEY)
    return err(c, e, "cannot multiply %s by %s: a percentage is taken of "
               "money or a whole number", type_name(c->s, tl),
               type_name(c->s, tr));
  (void)kr;
  if (c->rounded != e) return needs_rounding(c, e, "a percentage");
  return e->ty = other;
}

/* 'E rounded M' applies to the division or percentage just before it
   (a division inside parentheses too), and to nothing else. */
static int type_round(type_ctx *c, ast *e, int want) {
  ast *in = e->a;
  if (in->kind != AST_BINOP || (in->op != OPB_DIV && in->op != OPB_MUL))
    return err(c, e, "'rounded' follows a division or a percentage, as in "
               "'amount * 12.5%% rounded half up'%s%s", "", "");
  const ast *outer = c->rounded;
  c->rounded = in;
  int t = types_expr(c, in, want);
  c->rounded = outer;
  if (t == TY_ERROR) return e->ty = TY_ERROR;
  if (in->op == OPB_MUL && TY_KIND(in->a->ty) != TK_PERCENT &&
      TY_KIND(in->b->ty) != TK_PERCENT)
    return err(c, e, "nothing to round: a product of whole numbers or of "
               "money and a whole number is exact%s%s", "", "");
  return e->ty = t;
}

/* The built-in functions: min and max of two or more values of one
   ordered type, and the calendar's days_between, months_between,
   years_between (whole numbers) and end_of_month (a date). */
static int type_call(type_ctx *c, ast *e, int want) {
  static const char *const dates2[] = {"days_between", "months_between",
                                       "years_between"};
  int n = ast_count(e->a);
  if (!strcmp(e->name, "min") || !strcmp(e->name, "max")) {
    if (n < 2)
      return err(c, e, "'%s' takes two values or more%s", e->name, "");
    int t = types_expr(c, e->a, want);
    if (t == TY_ERROR) return e->ty = TY_ERROR;
    if (!is_ordered(t))
      return err(c, e->a, "'%s' takes whole numbers, money, dates or "
                 "percentages, not %s", e->name, type_name(c->s, t));
    for (ast *x = e->a->next; x; x = x->next)
      if (expect(c, x, types_expr(c, x, t), t) == TY_ERROR)
        return e->ty = TY_ERROR;
    return e->ty = t;
  }
  int date = TY(TK_DATE, 0);
  for (int k = 0; k < 3; k++)
    if (!strcmp(e->name, dates2[k])) {
      if (n != 2)
        return err(c, e, "'%s' takes two dates, from and to%s", e->name,
                   "");
      if (expect(c, e->a, types_expr(c, e->a, date), date) == TY_ERROR ||
          expect(c, e->a->next, types_expr(c, e->a->next, date), date) ==
              TY_ERROR)
        return e->ty = TY_ERROR;
      e->op = k + 1;
      return e->ty = TY(TK_INT, 0);
    }
  if (!strcmp(e->name, "end_of_month")) {
    if (n != 1)
      return err(c, e, "'end_of_month' takes one date%s%s", "", "");
    if (expect(c, e->a, types_expr(c, e->a, date), date) == TY_ERROR)
      return e->ty = TY_ERROR;
    e->op = 4;
    return e->ty = date;
  }
  return err(c, e, "unknown function '%s': the functions are min, max, "
             "days_between, months_between, years_between and "
             "end_of_month%s", e->name, "");
}

static int type_arith(type_ctx *c, ast *e, int want) {
  int loose = e->op == OPB_MUL || e->op == OPB_DIV;
  int tl = types_expr(c, e->a, loose ? -1 : want);
  if (tl == TY_ERROR) return e->ty = TY_ERROR;
  int tr = types_expr(c, e->b, loose || TY_KIND(tl) == TK_DATE
                                  ? -1 : tl);
  if (tr == TY_ERROR) return e->ty = TY_ERROR;
  int kl = TY_KIND(tl), kr = TY_KIND(tr);
  if (e->op == OPB_DIV) return type_divide(c, e, tl, tr);
  if (e->op == OPB_MUL && (kl == TK_PERCENT || kr == TK_PERCENT))
    return type_share(c, e, tl, tr);
  if (e->op == OPB_MUL) {
    if (kl == TK_INT && kr == TK_INT) return e->ty = tl;
    if (kl == TK_MONEY && kr == TK_INT) return e->ty = tl;
    if (kl == TK_INT && kr == TK_MONEY) return e->ty = tr;
    return err(c, e, "cannot multiply %s by %s: money can only be "
               "multiplied by a whole number or a percentage",
               type_name(c->s, tl),
               type_name(c->s, tr));
  }
  if (kl == TK_DATE && kr == TK_DURATION) return e->ty = tl;
  if ((kl == TK_INT || kl == TK_MONEY) && tl == tr) return e->ty = tl;
  if (kl == TK_DATE && kr == TK_DATE)
    return err(c, e, "dates cannot be added or subtracted; use 'age of' "
               "or compare them%s%s", "", "");
  return err(c, e, "cannot add or subtract %s and %s", type_name(c->s, tl),
             type_name(c->s, tr));
}

/* { ====== parts of a 'where' that do not read the item ====== */

/* Whether 'e' reads the variable of nesting level 'level': a name
   resolved through it has that level in 'aux' (item_member). */
static int reads_var(const ast *e, int level) {
  if (!e) return 0;
  if (e->kind == AST_NAME)
    return e->aux == level && (e->sym_kind == SYM_FIELD ||
                               e->sym_kind == SYM_LIST ||
                               e->sym_kind == SYM_DECISION);
  if (e->kind == AST_SET) {
    for (const ast *x = e->a; x; x = x->next)
      if (reads_var(x, level)) return 1;
    return 0;
  }
  return reads_var(e->a, level) || reads_var(e->b, level) ||
         reads_var(e->c, level);
}

/* An 'and' or 'or' the writer put in parentheses: its location starts
   at the '(' (parser.y widens it), before its left operand. */
static int is_chain(const ast *e) {
  return e->kind == AST_BINOP && (e->op == OPB_OR || e->op == OPB_AND) &&
         e->loc.start == e->a->loc.start;
}

/* The source text of 'l' on one line, cut to about 40 characters (at a
   character boundary) so that a message quoting it stays readable. */
static const char *short_text(sema *s, loc_t l) {
  char *t = diag_snippet(s->d, l);
  size_t n = strlen(t);
  if (n <= 40) return t;
  n = 36;
  while (n && ((unsigned char)t[n] & 0xC0) == 0x80) n--;
  return cat3(GC_strndup(t, n), "", " ...");
}

/* 'where' (and 'satisfy') take everything to their right, so in
   'any p in ps where p.x or flag' the 'or flag' is tested for each item,
   not once: the writer most likely meant '(any p in ps where p.x) or
   flag'. Warns at each operand of the condition's top 'and'/'or' chain
   that does not read the variable; a chain in parentheses is one operand,
   so '(p.x or flag)' says it is meant. */
static void where_part(type_ctx *c, const ast *agg, const ast *part,
                       const ast *parent) {
  int level = agg->aux + 1;
  if (is_chain(part)) {
    where_part(c, agg, part->a, part);
    where_part(c, agg, part->b, part);
    return;
  }
  if (!parent || reads_var(part, level)) return;
  sema *s = c->s;
  const char *kw = agg->op == OPA_ALL ? "satisfy" : "where";
  const char *head =
      agg->op == OPA_SUM ? cat3("sum ", short_text(s, agg->c->loc), " for")
      : agg->op == OPA_ANY ? "any" : agg->op == OPA_ALL ? "all" : "count";
  const char *whole = cat3(cat3("(", head, " "), agg->name,
                           cat3(" in ", agg->a->name, cat3(" ", kw, " ...)")));
  const char *part_text = short_text(s, part->loc);
  /* 'any' and 'all' are true or false, and can be joined to the part
     outside their parentheses; a count or a sum cannot. */
  const char *op = parent->op == OPB_OR ? " or " : " and ";
  const char *fix =
      agg->op == OPA_COUNT || agg->op == OPA_SUM
          ? cat3("test it outside '", whole, "'")
      : parent->b == part ? cat3("write '", cat3(whole, op, part_text), "'")
                          : cat3("write '", cat3(part_text, op, whole), "'");
  diag_warning(s->d, part->loc, "'%s' does not read '%s', but '%s' takes "
               "everything to its right, so it is part of the condition "
               "on each item: to test it once, %s; if it is meant for each "
               "item, put the whole condition in parentheses",
               part_text, agg->name, kw, fix);
}

/* } ====== */

static int type_agg(type_ctx *c, ast *e, int want) {
  (void)want;
  int tl = types_expr(c, e->a, -1);
  if (tl == TY_ERROR) return e->ty = TY_ERROR;
  if (e->a->sym_kind != SYM_LIST || e->a->aux != -1)
    return err(c, e->a, "'%s' is not a list of the case", e->a->name, "");
  if (c->nvars == 8)
    return err(c, e, "aggregates nested more than 8 deep%s%s", "", "");
  for (int i = 0; i < c->nvars; i++)
    if (!strcmp(c->vars[i], e->name))
      return err(c, e, "'%s' is already a variable here; choose another "
                 "name%s", e->name, "");
  c->vars[c->nvars] = e->name;
  c->var_list[c->nvars++] = e->a->sym;
  int ok = 1;
  if (e->b && expect(c, e->b, types_expr(c, e->b, TY(TK_BOOL, 0)),
                     TY(TK_BOOL, 0)) == TY_ERROR)
    ok = 0;
  int tv = -1;
  if (e->c) {
    tv = types_expr(c, e->c, -1);
    if (tv == TY_ERROR) ok = 0;
    else if (TY_KIND(tv) != TK_MONEY && TY_KIND(tv) != TK_INT) {
      err(c, e->c, "only money and whole numbers can be summed, not %s%s",
          type_name(c->s, tv), "");
      ok = 0;
    }
  }
  c->nvars--;
  e->aux = c->nvars; /* the nesting level of this aggregate's variable */
  if (!ok) return e->ty = TY_ERROR;
  if (e->b) where_part(c, e, e->b, NULL);
  if (e->op == OPA_SUM) return e->ty = tv;
  if (e->op == OPA_COUNT) return e->ty = TY(TK_INT, 0);
  return e->ty = TY(TK_BOOL, 0);
}

int types_expr(type_ctx *c, ast *e, int want) {
  sema *s = c->s;
  switch (e->kind) {
  case AST_BOOL: return expect(c, e, e->ty = TY(TK_BOOL, 0), want);
  case AST_INT:
    if (TY_KIND(want) == TK_MONEY)
      return err(c, e, "expected money, found the whole number %s: write "
                 "amounts with pence, as '%s.00'", diag_snippet(s->d, e->loc),
                 diag_snippet(s->d, e->loc));
    return expect(c, e, e->ty = TY(TK_INT, 0), want);
  case AST_MONEY: return expect(c, e, e->ty = TY(TK_MONEY, 0), want);
  case AST_DATE: return expect(c, e, e->ty = TY(TK_DATE, 0), want);
  case AST_PERCENT: return expect(c, e, e->ty = TY(TK_PERCENT, 0), want);
  case AST_ROUND: return expect(c, e, type_round(c, e, want), want);
  case AST_CALL: return expect(c, e, type_call(c, e, want), want);
  case AST_TEXT: return expect(c, e, e->ty = TY(TK_TEXT, 0), want);
  case AST_DURATION: {
    int t = types_expr(c, e->a, TY(TK_INT, 0));
    if (t == TY_ERROR) return e->ty = TY_ERROR;
    return expect(c, e, e->ty = TY(TK_DURATION, 0), want);
  }
  case AST_SET: {
    if (TY_KIND(want) != TK_SET) {
      if (!e->a) return err(c, e, "cannot tell what the empty set holds "
                            "here%s%s", "", "");
      int t = types_expr(c, e->a, -1);
      if (t == TY_ERROR) return e->ty = TY_ERROR;
      if (TY_KIND(t) != TK_ENUM)
        return err(c, e, "a set holds values of an enumeration, not %s%s",
                   type_name(s, t), "");
      want = TY(TK_SET, TY_IDX(t));
    }
    int et = TY(TK_ENUM, TY_IDX(want)), ok = 1;
    for (ast *x = e->a; x; x = x->next)
      if (expect(c, x, types_expr(c, x, et), et) == TY_ERROR) ok = 0;
    return e->ty = ok ? want : TY_ERROR;
  }
  case AST_NAME: return expect(c, e, type_name_ref(c, e, want), want);
  case AST_BINOP:
    switch (e->op) {
    case OPB_OR:
    case OPB_AND: {
      int t1 = expect(c, e->a, types_expr(c, e->a, TY(TK_BOOL, 0)),
                      TY(TK_BOOL, 0));
      int t2 = expect(c, e->b, types_expr(c, e->b, TY(TK_BOOL, 0)),
                      TY(TK_BOOL, 0));
      if (t1 == TY_ERROR || t2 == TY_ERROR) return e->ty = TY_ERROR;
      return expect(c, e, e->ty = TY(TK_BOOL, 0), want);
    }
    case OPB_EQ: case OPB_NE: case OPB_LT: case OPB_LE: case OPB_GT:
    case OPB_GE:
      return expect(c, e, type_compare(c, e), want);
    case OPB_IN: case OPB_NOTIN:
      return expect(c, e, type_member(c, e), want);
    default:
      return expect(c, e, type_arith(c, e, want), want);
    }
  case AST_UNOP:
    if (e->op == '!') {
      int t = expect(c, e->a, types_expr(c, e->a, TY(TK_BOOL, 0)),
                     TY(TK_BOOL, 0));
      if (t == TY_ERROR) return e->ty = TY_ERROR;
      return expect(c, e, e->ty = t, want);
    } else {
      int t = types_expr(c, e->a, want);
      if (t == TY_ERROR) return e->ty = TY_ERROR;
      if (TY_KIND(t) != TK_INT && TY_KIND(t) != TK_MONEY &&
          TY_KIND(t) != TK_PERCENT)
        return err(c, e, "cannot negate %s%s", type_name(s, t), "");
      return expect(c, e, e->ty = t, want);
    }
  case AST_IF: {
    int tc = expect(c, e->a, types_expr(c, e->a, TY(TK_BOOL, 0)),
                    TY(TK_BOOL, 0));
    int t1 = types_expr(c, e->b, want);
    int t2 = t1 == TY_ERROR ? TY_ERROR
                            : expect(c, e->c, types_expr(c, e->c, t1), t1);
    if (tc == TY_ERROR || t1 == TY_ERROR || t2 == TY_ERROR)
      return e->ty = TY_ERROR;
    return expect(c, e, e->ty = t1, want);
  }
  case AST_GIVEN: {
    if (e->a->kind != AST_NAME)
      return err(c, e, "only a fact can be given or not%s%s", "", "");
    int t = types_expr(c, e->a, -1);
    if (t == TY_ERROR) return e->ty = TY_ERROR;
    if (e->a->sym_kind != SYM_FIELD ||
        !(s->fields[e->a->sym].flags & FF_OPTIONAL))
      return err(c, e->a, "'%s' is not an optional fact: it is always "
                 "given%s", e->a->name, "");
    return expect(c, e, e->ty = TY(TK_BOOL, 0), want);
  }
  case AST_AGE: {
    int t1 = expect(c, e->a, types_expr(c, e->a, TY(TK_DATE, 0)),
                    TY(TK_DATE, 0));
    int t2 = expect(c, e->b, types_expr(c, e->b, TY(TK_DATE, 0)),
                    TY(TK_DATE, 0));
    if (t1 == TY_ERROR || t2 == TY_ERROR) return e->ty = TY_ERROR;
    return expect(c, e, e->ty = TY(TK_INT, 0), want);
  }
  case AST_AGG: return expect(c, e, type_agg(c, e, want), want);
  default:
    return err(c, e, "this cannot be used in an expression%s%s", "", "");
  }
}

/* Constant folding for parameter values and fact defaults: literals,
   sets, parameters and negation only. */
int types_const(sema *s, ast *e, int ty, ent_val *out) {
  switch (e->kind) {
  case AST_BOOL: case AST_INT: case AST_MONEY: case AST_DATE:
  case AST_PERCENT:
    *out = e->num;
    return 0;
  case AST_TEXT:
    *out = 0; /* texts are interned by the compiler */
    return 0;
  case AST_UNOP:
    if (e->op == '-' && !types_const(s, e->a, ty, out) &&
        *out != INT64_MIN) {
      *out = -*out;
      return 0;
    }
    break;
  case AST_SET: {
    uint64_t m = 0;
    for (ast *x = e->a; x; x = x->next) {
      ent_val v;
      if (types_const(s, x, TY(TK_ENUM, TY_IDX(ty)), &v)) return -1;
      m |= UINT64_C(1) << v;
    }
    *out = (ent_val)m;
    return 0;
  }
  case AST_NAME:
    if (e->sym_kind == SYM_ENUMVAL) {
      *out = e->num;
      return 0;
    }
    if (e->sym_kind == SYM_PARAM && s->params[e->sym].done == 2) {
      *out = s->params[e->sym].val;
      return 0;
    }
    break;
  default:
    break;
  }
  diag_error(s->d, e->loc, "expected a constant value here");
  return -1;
}
