/*
** lsp_index.c: the declarations of a policy and the uses of their names,
** for entitle lsp.
**
** Symbols come from the declarations as parsed, in every file of the
** policy. A use found by the checker (a NAME it resolved: ast.sym_kind)
** names the symbol it resolved to; a name the checker does not resolve
** (a rule's target, an 'overrides', a test's paths and values) or that a
** policy with errors left unresolved is looked up by its name, as the
** language would read it. References are kept for the root file only:
** the editor asks about the file it shows.
*/
#include "lsp_index.h"

#include <gc.h>
#include <stdio.h>
#include <string.h>

#include "grow.h"
#include "out.h"
#include "program.h"
#include "sema.h"

const char *const lx_kind_words[LX_NKINDS] = {
#define X(k, w) w,
    LX_KINDS(X)
#undef X
};

static char *cat(const char *a, const char *b, const char *c) {
  size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
  char *r = GC_MALLOC_ATOMIC(na + nb + nc + 1);
  memcpy(r, a, na);
  memcpy(r + na, b, nb);
  memcpy(r + na + nb, c, nc + 1);
  return r;
}

static const char *loc_key(loc_t l) {
  char buf[32];
  snprintf(buf, sizeof buf, "%d:%u", l.file, (unsigned)l.start);
  return cat(buf, "", "");
}

static int get(const strmap *m, const char *key) {
  return key ? strmap_get(m, key) : -1;
}

/* { ====== paths ====== */

char *lx_normalize(const char *p) {
  size_t n = strlen(p);
  char *out = GC_MALLOC_ATOMIC(n + 2);
  size_t k = 0;
  int abs = p[0] == '/';
  if (abs) out[k++] = '/';
  size_t base = k; /* '..' never climbs above this */
  const char *s = p;
  while (*s) {
    while (*s == '/') s++;
    if (!*s) break;
    const char *e = s;
    while (*e && *e != '/') e++;
    size_t l = (size_t)(e - s);
    if (l == 1 && s[0] == '.') {
      /* nothing */
    } else if (l == 2 && s[0] == '.' && s[1] == '.' && k > base &&
               !(k - base >= 2 && out[k - 1] == '.' && out[k - 2] == '.' &&
                 (k - base == 2 || out[k - 3] == '/'))) {
      while (k > base && out[k - 1] != '/') k--;
      if (k > base) k--;
    } else {
      if (k > base) out[k++] = '/';
      memcpy(out + k, s, l);
      k += l;
    }
    s = e;
  }
  out[k] = 0;
  return out;
}

/* The file an import in file 'from' reads, as module.c names it. */
static char *import_path(const char *from, const char *rel) {
  if (rel[0] == '/') return lx_normalize(rel);
  const char *slash = strrchr(from, '/');
  size_t dl = slash ? (size_t)(slash - from + 1) : 0;
  char *r = GC_MALLOC_ATOMIC(dl + strlen(rel) + 1);
  memcpy(r, from, dl);
  strcpy(r + dl, rel);
  return lx_normalize(r);
}

/* } ====== */

/* { ====== symbols ====== */

/* Kinds a later declaration of a name takes over from an earlier one
   ('replace rule', 'replace parameter', a test of the importing file);
   for the others the first declaration is the one that counts. */
static int later_wins(lx_kind k) {
  return k == LX_RULE || k == LX_PARAM || k == LX_TEST;
}

static int add_sym(lsp_index *x, lx_kind k, const char *name, loc_t loc,
                   loc_t range, const decl *d, const ast *node, int parent,
                   const char *key) {
  GROW(x->syms, x->nsyms, x->capsyms);
  int i = x->nsyms++;
  lx_sym *y = &x->syms[i];
  memset(y, 0, sizeof *y);
  y->kind = k;
  y->name = name ? name : "";
  y->loc = loc;
  y->range = range;
  y->d = d;
  y->node = node;
  y->parent = parent;
  y->file = -1;
  if (parent >= 0) y->container = x->syms[parent].name;
  y->replaces = d && d->replace && key ? strmap_get(x->names[k], key) : -1;
  if (key && (later_wins(k) || strmap_get(x->names[k], key) < 0))
    strmap_put(x->names[k], key, i);
  if (loc.file >= 0) strmap_put(x->at, loc_key(loc), i);
  return i;
}

/* A field's declaration, from its name to its last attribute. */
static loc_t field_range(const ast *f) {
  loc_t r = f->loc;
  if (f->a) r = loc_span(r, f->a->loc);
  for (const ast *a = f->b; a; a = a->next) r = loc_span(r, a->loc);
  if (f->c) r = loc_span(r, f->c->loc); /* its description */
  return r;
}

static void declare_fields(lsp_index *x, const decl *d, const char *rec,
                           int parent) {
  for (const ast *f = d->fields; f; f = f->next)
    if (f->kind == AST_FIELD && f->name)
      add_sym(x, LX_FACT, f->name, f->loc, field_range(f), d, f, parent,
              cat(rec, ".", f->name));
}

static void declare(lsp_index *x, const decl *d, strmap *files) {
  loc_t nl = d->name_loc, r = d->loc;
  if (nl.file != r.file || nl.start < r.start || nl.end > r.end) nl = r;
  switch (d->kind) {
  case DECL_POLICY:
    add_sym(x, LX_POLICY, d->str, nl, r, d, NULL, -1, NULL);
    break;
  case DECL_IMPORT: {
    int i = add_sym(x, LX_IMPORT, d->str, nl, r, d, NULL, -1, NULL);
    if (d->module >= 0 && d->module < x->d->nfiles && d->str)
      x->syms[i].file =
          get(files, import_path(x->d->names[d->module], d->str));
    break;
  }
  case DECL_DOCUMENT:
    add_sym(x, LX_DOCUMENT, d->name, nl, r, d, NULL, -1, d->name);
    break;
  case DECL_ENUM: {
    int e = add_sym(x, LX_ENUM, d->name, nl, r, d, NULL, -1, d->name);
    for (const ast *v = d->fields; v; v = v->next) {
      int i = add_sym(x, LX_ENUMVAL, v->name, v->loc, v->loc, d, v, e,
                      cat(d->name, ".", v->name));
      if (strmap_get(x->values, v->name) < 0)
        strmap_put(x->values, v->name, i);
    }
    break;
  }
  case DECL_RECORD:
    declare_fields(x, d, d->name,
                   add_sym(x, LX_RECORD, d->name, nl, r, d, NULL, -1,
                           d->name));
    break;
  case DECL_FACTS: /* 'facts' is a keyword: no record has that name */
    nl = loc_make(r.file, r.start, r.start + 5 <= r.end ? r.start + 5
                                                        : r.end);
    declare_fields(x, d, "facts",
                   add_sym(x, LX_RECORD, "facts", nl, r, d, NULL, -1,
                           "facts"));
    break;
  case DECL_PARAM:
    add_sym(x, LX_PARAM, d->name, nl, r, d, NULL, -1, d->name);
    break;
  case DECL_DECISION:
    add_sym(x, LX_DECISION, d->name, nl, r, d, NULL, -1, d->name);
    break;
  case DECL_RULE:
    if (!d->str) add_sym(x, LX_RULE, d->name, nl, r, d, NULL, -1, d->name);
    break;
  case DECL_TABLE:
    add_sym(x, LX_TABLE, d->name, nl, r, d, NULL, -1, d->name);
    break;
  case DECL_TEST:
    add_sym(x, LX_TEST, d->name, nl, r, d, NULL, -1, d->name);
    break;
  case DECL_REQUIRE:
    add_sym(x, LX_REQUIRE, d->title ? d->title : "require", nl, r, d, NULL,
            -1, NULL);
    break;
  default: /* 'also cites', 'dated by': uses of names declared elsewhere */
    break;
  }
}

/* } ====== */

/* { ====== names ====== */

static int sym_of(const lsp_index *x, lx_kind k, const char *name) {
  return get(x->names[k], name);
}

/* A fact's path read from the case down through its records, as an
   expression names it ('child.date_of_birth'); in a test, through the
   items of lists by their keys too ('provisions.p1.annual_cost'), and on
   to a decision for each item ('provisions.p1.included'). */
static int fact_path(const lsp_index *x, const char *path, int test) {
  const char *dot = strchr(path, '.');
  size_t n = dot ? (size_t)(dot - path) : strlen(path);
  char *seg = GC_MALLOC_ATOMIC(n + 1);
  memcpy(seg, path, n);
  seg[n] = 0;
  int sym = sym_of(x, LX_FACT, cat("facts", ".", seg));
  while (sym >= 0 && dot) {
    const ast *type = x->syms[sym].node ? x->syms[sym].node->a : NULL;
    if (!type || !type->name) return -1;
    const char *rest = dot + 1;
    if (type->op == 'l') {
      if (!test) return -1;
      dot = strchr(rest, '.'); /* the item's key */
      if (!dot) return sym;
      rest = dot + 1;
    }
    dot = strchr(rest, '.');
    n = dot ? (size_t)(dot - rest) : strlen(rest);
    seg = GC_MALLOC_ATOMIC(n + 1);
    memcpy(seg, rest, n);
    seg[n] = 0;
    int f = sym_of(x, LX_FACT, cat(type->name, ".", seg));
    if (f < 0) return sym_of(x, LX_DECISION, cat(type->name, ".", rest));
    sym = f;
  }
  return sym;
}

/* What a name in an expression or a test names, by its name alone: a
   fact, a decision, a parameter, or a value of an enumeration. */
static int name_sym(const lsp_index *x, const char *name, int test) {
  if (!name) return -1;
  int k = fact_path(x, name, test);
  if (k < 0) k = sym_of(x, LX_DECISION, name);
  if (k < 0) k = sym_of(x, LX_PARAM, name);
  if (k < 0 && !strchr(name, '.')) k = get(x->values, name);
  return k;
}

/* What the checker resolved NAME 'e' to. */
static int checked_sym(const lsp_index *x, const ast *e) {
  const sema *s = x->s;
  int i = e->sym;
  switch (e->sym_kind) {
  case SYM_FIELD:
    return i >= 0 && i < s->nfields ? get(x->at, loc_key(s->fields[i].loc))
                                    : -1;
  case SYM_LIST:
    if (i < 0 || i >= s->nlists) return -1;
    i = s->lists[i].field;
    return i >= 0 && i < s->nfields ? get(x->at, loc_key(s->fields[i].loc))
                                    : -1;
  case SYM_DECISION: {
    if (i < 0 || i >= s->ndecisions) return -1;
    int k = sym_of(x, LX_DECISION, s->decisions[i].name);
    /* A parameter with periods is checked as a decision (resolve.c). */
    return k >= 0 ? k : sym_of(x, LX_PARAM, s->decisions[i].name);
  }
  case SYM_PARAM:
    return i >= 0 && i < s->nparams ? sym_of(x, LX_PARAM, s->params[i].name)
                                    : -1;
  case SYM_ENUMVAL:
    if (TY_KIND(e->ty) != TK_ENUM || TY_IDX(e->ty) >= s->nenums || !e->name)
      return -1;
    return sym_of(x, LX_ENUMVAL,
                  cat(s->enums[TY_IDX(e->ty)].name, ".", e->name));
  default:
    return -1;
  }
}

/* } ====== */

/* { ====== references in the root file ====== */

static void ref(lsp_index *x, loc_t l, int sym, int checked) {
  if (sym < 0 || l.file != x->root || l.end < l.start) return;
  GROW(x->refs, x->nrefs, x->caprefs);
  x->refs[x->nrefs++] = (lx_ref){l, sym, checked};
}

/* The names in expression 'e' and the expressions after it in its list.
   'checked_only': a copy the checker made (a table's rows as rules),
   whose unresolved names were already looked up in the original. */
static void walk(lsp_index *x, const ast *e, int checked_only) {
  for (; e; e = e->next) {
    if (e->loc.file >= 0 && e->loc.file != x->root) return;
    switch (e->kind) {
    case AST_NAME:
      if (x->s && e->sym_kind != SYM_NONE)
        ref(x, e->loc, checked_sym(x, e), 1);
      else if (!checked_only)
        ref(x, e->loc, name_sym(x, e->name, 0), 0);
      break;
    case AST_TEXT: case AST_BOOL: case AST_INT: case AST_MONEY:
    case AST_DATE: case AST_PERCENT:
      break;
    default:
      walk(x, e->a, checked_only);
      walk(x, e->b, checked_only);
      walk(x, e->c, checked_only);
    }
  }
}

static void cites_refs(lsp_index *x, const ast *c) {
  for (; c; c = c->next) ref(x, c->loc, sym_of(x, LX_DOCUMENT, c->name), 0);
}

/* Where word 'w' is in the text of 'l', after its first word when
   'skip' ('set of X', 'list of X keyed by K'); 'l' itself if nowhere. */
static loc_t word_in(const lsp_index *x, loc_t l, const char *w, int skip) {
  if (l.file < 0 || l.file >= x->d->nfiles) return l;
  const char *t = x->d->texts[l.file];
  size_t len = x->d->lens[l.file], wl = strlen(w);
  uint32_t end = l.end > len ? (uint32_t)len : l.end;
  uint32_t i = l.start;
  if (skip)
    while (i < end && t[i] != ' ' && t[i] != '\t' && t[i] != '\n') i++;
  for (; i + wl <= end; i++) {
    if (memcmp(t + i, w, wl)) continue;
    int before = i > l.start ? (unsigned char)t[i - 1] : ' ';
    int after = i + wl < end ? (unsigned char)t[i + wl] : ' ';
    int word = (before == ' ' || before == '\t' || before == '\n') &&
               (after == ' ' || after == '\t' || after == '\n' ||
                after == '\r');
    if (word) return loc_make(l.file, i, i + (uint32_t)wl);
  }
  return l;
}

static void type_refs(lsp_index *x, const ast *t) {
  if (!t || t->kind != AST_TYPE || !t->name) return;
  int k = sym_of(x, LX_RECORD, t->name);
  if (k < 0) k = sym_of(x, LX_ENUM, t->name);
  ref(x, word_in(x, t->loc, t->name, t->op != 0), k, 0);
  if (t->op == 'l' && t->a && t->a->name)
    ref(x, t->a->loc, sym_of(x, LX_FACT, cat(t->name, ".", t->a->name)), 0);
}

/* The type a test's value is read as: of the fact, decision or
   parameter its path names. */
static const ast *sym_type(const lsp_index *x, int sym) {
  if (sym < 0) return NULL;
  const lx_sym *y = &x->syms[sym];
  if (y->kind == LX_FACT) return y->node->a;
  if (y->kind == LX_DECISION || y->kind == LX_PARAM) return y->d->type;
  return NULL;
}

/* The values of a test: enumeration values of the type expected, the
   fields of records and of list items. */
static void test_value(lsp_index *x, const ast *type, const ast *v) {
  const char *tn = type ? type->name : NULL;
  switch (v ? v->kind : AST_NKINDS) {
  case AST_NAME: {
    int k = tn ? sym_of(x, LX_ENUMVAL, cat(tn, ".", v->name)) : -1;
    ref(x, v->loc, k >= 0 ? k : get(x->values, v->name), 0);
    break;
  }
  case AST_SET:
    for (const ast *e = v->a; e; e = e->next) test_value(x, type, e);
    break;
  case AST_RECORD:
    for (const ast *f = v->a; f; f = f->next) {
      if (f->kind != AST_FIELDINIT || !f->name) continue;
      int k = tn ? sym_of(x, LX_FACT, cat(tn, ".", f->name)) : -1;
      uint32_t n = (uint32_t)strlen(f->name);
      ref(x, loc_make(f->loc.file, f->loc.start, f->loc.start + n), k, 0);
      test_value(x, sym_type(x, k), f->a);
    }
    break;
  case AST_LIST:
    for (const ast *r = v->a; r; r = r->next) test_value(x, type, r);
    break;
  default:
    break;
  }
}

static void test_refs(lsp_index *x, const decl *d) {
  if (d->like) ref(x, d->like_loc, sym_of(x, LX_TEST, d->like), 0);
  for (int pass = 0; pass < 2; pass++)
    for (const ast *g = pass ? d->expect : d->given; g; g = g->next) {
      if (!g->a) continue;
      int k = name_sym(x, g->a->name, 1);
      ref(x, g->a->loc, k, 0);
      test_value(x, sym_type(x, k), g->b);
      if (g->c && g->c->name) {
        int r = sym_of(x, LX_RULE, g->c->name);
        ref(x, g->c->loc, r >= 0 ? r : sym_of(x, LX_TABLE, g->c->name), 0);
      }
    }
}

/* A rule or table named in 'overrides': 'r', 't' or a row 't.row2'. */
static int rule_sym(const lsp_index *x, const char *name) {
  int k = sym_of(x, LX_RULE, name);
  if (k >= 0 || !name) return k;
  const char *dot = strchr(name, '.');
  if (!dot) return sym_of(x, LX_TABLE, name);
  char *t = GC_MALLOC_ATOMIC((size_t)(dot - name) + 1);
  memcpy(t, name, (size_t)(dot - name));
  t[dot - name] = 0;
  return sym_of(x, LX_TABLE, t);
}

static int decision_sym(const lsp_index *x, const char *name) {
  int k = sym_of(x, LX_DECISION, name);
  return k >= 0 ? k : sym_of(x, LX_PARAM, name);
}

static void decl_refs(lsp_index *x, const decl *d) {
  int k = -1;
  cites_refs(x, d->cites);
  switch (d->kind) {
  case DECL_RECORD: case DECL_FACTS:
    for (const ast *f = d->fields; f; f = f->next) {
      type_refs(x, f->a);
      for (const ast *a = f->b; a; a = a->next) walk(x, a->a, 0);
    }
    break;
  case DECL_PARAM:
    type_refs(x, d->type);
    walk(x, d->value, 0);
    walk(x, d->periods, 0);
    break;
  case DECL_DECISION:
    type_refs(x, d->type);
    for (const ast *a = d->attrs; a; a = a->next) walk(x, a->a, 0);
    break;
  case DECL_RULE:
    if (d->str) ref(x, d->name_loc, sym_of(x, LX_RULE, d->name), 0);
    if (d->target) ref(x, d->target->loc, decision_sym(x, d->target->name), 0);
    walk(x, d->value, 0);
    walk(x, d->when, 0);
    walk(x, d->unless, 0);
    for (const ast *o = d->overrides; o; o = o->next)
      ref(x, o->loc, rule_sym(x, o->name), 0);
    break;
  case DECL_TABLE:
    walk(x, d->head_in, 0);
    for (const ast *c = d->head_out; c; c = c->next)
      for (const ast *e = c->a; e; e = e->next)
        if (e->kind == AST_NAME) ref(x, e->loc, decision_sym(x, e->name), 0);
    walk(x, d->rows, 0);
    break;
  case DECL_CITE:
    if (!d->str) break;
    if (!strcmp(d->str, "rule")) k = sym_of(x, LX_RULE, d->name);
    else if (!strcmp(d->str, "table")) k = sym_of(x, LX_TABLE, d->name);
    else k = decision_sym(x, d->name);
    ref(x, d->name_loc, k, 0);
    break;
  case DECL_DATED:
    ref(x, d->name_loc, fact_path(x, d->name, 0), 0);
    break;
  case DECL_REQUIRE:
    walk(x, d->value, 0);
    break;
  case DECL_TEST:
    test_refs(x, d);
    break;
  default:
    break;
  }
}

/* The expressions the checker made or kept in its own tables: a table's
   rows as rules, defaults, parameters' values, requirements. */
static void sema_refs(lsp_index *x) {
  const sema *s = x->s;
  for (int r = 0; r < s->nrules; r++) {
    const sem_rule *ru = &s->rules[r];
    for (int p = 0; ru->parts && p < ru->nconds + ru->nexcs; p++)
      walk(x, ru->parts[p], 1);
    walk(x, ru->value, 1);
  }
  for (int i = 0; i < s->ndecisions; i++) walk(x, s->decisions[i].dflt, 1);
  for (int i = 0; i < s->nparams; i++) walk(x, s->params[i].value, 1);
  for (int i = 0; i < s->nrequires; i++) walk(x, s->requires[i].cond, 1);
}

/* } ====== */

lsp_index *lx_build(diag *d, struct sema *s, decl **decls, int ndecls,
                    int root) {
  lsp_index *x = GC_MALLOC(sizeof *x);
  x->d = d;
  x->s = s;
  x->root = root;
  for (int k = 0; k < LX_NKINDS; k++) x->names[k] = strmap_new();
  x->values = strmap_new();
  x->at = strmap_new();
  strmap *files = strmap_new();
  for (int f = 0; f < d->nfiles; f++)
    if (strmap_get(files, lx_normalize(d->names[f])) < 0)
      strmap_put(files, lx_normalize(d->names[f]), f);
  for (int i = 0; i < ndecls; i++) declare(x, decls[i], files);
  for (int i = 0; i < x->nsyms; i++) ref(x, x->syms[i].loc, i, 1);
  for (int i = 0; i < ndecls; i++)
    if (decls[i]->module == root) decl_refs(x, decls[i]);
  if (s) sema_refs(x);
  return x;
}

/* Whether reference 'r' suits the cursor at 'off' better than 'b': one
   the cursor is in before one it is just after (the end of a word still
   points at it when nothing starts there), then the narrower, then the
   one the checker resolved. */
static int better(const lx_ref *r, const lx_ref *b, uint32_t off) {
  int ri = off < r->loc.end, bi = off < b->loc.end;
  if (ri != bi) return ri;
  uint32_t rw = r->loc.end - r->loc.start, bw = b->loc.end - b->loc.start;
  if (rw != bw) return rw < bw;
  return r->checked > b->checked;
}

int lx_ref_at(const lsp_index *x, uint32_t off) {
  int best = -1;
  for (int i = 0; i < x->nrefs; i++) {
    const lx_ref *r = &x->refs[i];
    if (off < r->loc.start || off > r->loc.end) continue;
    if (best < 0 || better(r, &x->refs[best], off)) best = i;
  }
  return best;
}

/* { ====== hover ====== */

const char *lx_snippet(const lsp_index *x, loc_t l) {
  return diag_snippet(x->d, l);
}

/* Text as Markdown shows it: its punctuation escaped. */
static void md(outbuf *o, const char *s) {
  for (; s && *s; s++) {
    if (strchr("\\`*_[]<>#|~", *s)) out_c(o, '\\');
    out_c(o, *s);
  }
}

/* Code in a Markdown code span. */
static void code(outbuf *o, const char *s) {
  out_c(o, '`');
  for (; s && *s; s++) out_c(o, *s == '`' ? '\'' : *s);
  out_c(o, '`');
}

static void heading(outbuf *o, const char *word, const char *name) {
  OUT_LIT(o, "**");
  out_s(o, word);
  OUT_LIT(o, "** ");
  code(o, name);
}

/* A declaration's type and attributes as written: 'bool (default
   false)'. */
static void type_text(const lsp_index *x, outbuf *o, const ast *type,
                      const ast *attrs) {
  if (!type) return;
  OUT_LIT(o, ": ");
  out_s(o, lx_snippet(x, type->loc));
  for (const ast *a = attrs; a; a = a->next) {
    out_s(o, a == attrs ? " (" : ", ");
    out_s(o, lx_snippet(x, a->loc));
    if (!a->next) out_c(o, ')');
  }
}

static void title(outbuf *o, const char *t) {
  if (!t) return;
  OUT_LIT(o, "\n\n");
  md(o, t);
}

/* Each citation: the document's title, the section, and the policy's
   words it quotes (ast.h: a TEXT in 'b') as a block quote. */
static void cites_text(const lsp_index *x, outbuf *o, const ast *c) {
  for (; c; c = c->next) {
    int k = sym_of(x, LX_DOCUMENT, c->name);
    OUT_LIT(o, "\n\nCites *");
    md(o, k >= 0 && x->syms[k].d->str ? x->syms[k].d->str : c->name);
    OUT_LIT(o, "*");
    if (c->a && c->a->name) {
      OUT_LIT(o, ", \"");
      md(o, c->a->name);
      OUT_LIT(o, "\"");
    }
    if (c->b && c->b->name) {
      OUT_LIT(o, "\n\n> ");
      md(o, c->b->name);
    }
  }
}

/* A rule's citations with those 'also cites' added, as the checker
   gathered them; the declaration's own without it. */
static const ast *rule_cites(const lsp_index *x, const lx_sym *y) {
  if (x->s) {
    int r = strmap_get(x->s->rulemap, y->name);
    if (r >= 0 && r < x->s->nrules && x->s->rules[r].kind == RK_RULE)
      return x->s->rules[r].cites;
  }
  return y->d->cites;
}

static const ast *decision_cites(const lsp_index *x, const lx_sym *y) {
  if (x->s) {
    int i = strmap_get(x->s->decmap, y->name);
    if (i >= 0 && i < x->s->ndecisions) return x->s->decisions[i].cites;
  }
  return y->d->cites;
}

static void hover_rule(const lsp_index *x, outbuf *o, const lx_sym *y) {
  const decl *d = y->d;
  heading(o, d->final_ ? "final rule" : "rule", y->name);
  title(o, d->title);
  if (d->target) {
    OUT_LIT(o, "\n\nDecides ");
    code(o, d->target->name);
    if (d->value) {
      out_s(o, d->includes ? " includes " : " = ");
      code(o, lx_snippet(x, d->value->loc));
    }
  }
  if (d->period) {
    OUT_LIT(o, ", in force");
    if (d->period->b) {
      OUT_LIT(o, " from ");
      out_date(o, d->period->b->num);
    }
    if (d->period->c) {
      OUT_LIT(o, " until ");
      out_date(o, d->period->c->num);
    }
  }
  cites_text(x, o, rule_cites(x, y));
}

static void hover_table(const lsp_index *x, outbuf *o, const lx_sym *y) {
  const decl *d = y->d;
  heading(o, d->first ? "table (first)" : "table", y->name);
  title(o, d->title);
  OUT_LIT(o, "\n\nDecides");
  int n = 0;
  for (const ast *c = d->head_out; c; c = c->next)
    for (const ast *e = c->a; e; e = e->next) {
      out_s(o, n++ ? ", " : " ");
      code(o, e->name ? e->name : lx_snippet(x, e->loc));
    }
  const ast *cites = d->cites;
  if (x->s) { /* with 'also cites': those of its first row's rule */
    int t = strmap_get(x->s->tablemap, y->name);
    for (int r = 0; t >= 0 && r < x->s->nrules; r++)
      if (x->s->rules[r].table == t + 1) {
        cites = x->s->rules[r].cites;
        break;
      }
  }
  cites_text(x, o, cites);
}

static void hover_fact(const lsp_index *x, outbuf *o, const lx_sym *y) {
  int top = y->container && !strcmp(y->container, "facts");
  heading(o, "fact", top ? y->name : cat(y->container, ".", y->name));
  type_text(x, o, y->node->a, y->node->b);
  if (y->node->c) title(o, y->node->c->name); /* what it means, in words */
  if (top) {
    OUT_LIT(o, "\n\nA fact of the case");
  } else {
    OUT_LIT(o, "\n\nA field of record ");
    code(o, y->container);
  }
}

static void hover_param(const lsp_index *x, outbuf *o, const lx_sym *y) {
  const decl *d = y->d;
  heading(o, d->replace ? "parameter (replaced)" : "parameter", y->name);
  type_text(x, o, d->type, NULL);
  if (d->value) {
    OUT_LIT(o, " = ");
    code(o, lx_snippet(x, d->value->loc));
  }
  for (const ast *p = d->periods; p; p = p->next) {
    OUT_LIT(o, "\n\n- ");
    code(o, lx_snippet(x, p->loc));
  }
  title(o, d->title);
  cites_text(x, o, d->cites);
}

static void hover_enum(const lsp_index *x, outbuf *o, const lx_sym *y) {
  heading(o, "enumeration", y->name);
  OUT_LIT(o, "\n\nValues:");
  for (const ast *v = y->d->fields; v; v = v->next) {
    out_s(o, v == y->d->fields ? " " : ", ");
    code(o, v->name);
  }
  (void)x;
}

char *lx_hover(const lsp_index *x, int sym) {
  if (sym < 0 || sym >= x->nsyms) return NULL;
  const lx_sym *y = &x->syms[sym];
  const decl *d = y->d;
  outbuf o;
  out_init(&o, NULL);
  switch (y->kind) {
  case LX_RULE: hover_rule(x, &o, y); break;
  case LX_TABLE: hover_table(x, &o, y); break;
  case LX_DECISION:
    heading(&o, "decision", y->name);
    type_text(x, &o, d->type, d->attrs);
    title(&o, d->title);
    cites_text(x, &o, decision_cites(x, y));
    break;
  case LX_PARAM: hover_param(x, &o, y); break;
  case LX_FACT: hover_fact(x, &o, y); break;
  case LX_ENUM: hover_enum(x, &o, y); break;
  case LX_ENUMVAL:
    heading(&o, "value", y->name);
    OUT_LIT(&o, " of enumeration ");
    code(&o, y->container);
    break;
  case LX_RECORD:
    if (d->kind == DECL_FACTS) {
      OUT_LIT(&o, "**facts** of the case");
    } else {
      heading(&o, "record", y->name);
    }
    break;
  case LX_DOCUMENT:
    heading(&o, "document", y->name);
    title(&o, d->str);
    if (d->text_path) { /* the file its quotations are checked against */
      OUT_LIT(&o, "\n\nText: ");
      code(&o, d->text_path);
    }
    break;
  case LX_TEST:
    heading(&o, "test", y->name);
    if (d->like) {
      OUT_LIT(&o, " like ");
      code(&o, d->like);
    }
    break;
  case LX_POLICY:
    OUT_LIT(&o, "**policy** ");
    md(&o, y->name);
    if (d->version) {
      OUT_LIT(&o, "\n\nVersion ");
      md(&o, d->version);
    }
    if (d->status) {
      OUT_LIT(&o, "\n\nStatus: ");
      md(&o, d->status);
    }
    break;
  case LX_IMPORT:
    heading(&o, "import", y->name);
    if (y->file >= 0) {
      OUT_LIT(&o, "\n\n");
      code(&o, x->d->names[y->file]);
    }
    break;
  case LX_REQUIRE:
    OUT_LIT(&o, "**requirement** on the case");
    title(&o, d->title);
    break;
  default:
    break;
  }
  char *r = GC_MALLOC_ATOMIC(o.len + 1);
  if (o.len) memcpy(r, o.buf, o.len);
  r[o.len] = 0;
  out_free(&o);
  return r;
}

/* } ====== */
