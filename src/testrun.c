/*
** testrun.c: 'entitle test', the tests written in rule files.
**
** A test's 'given' facts (after those of the test it is 'like') are
** written out as a JSON case and decoded exactly as a real case would be,
** so a test can only give facts a case could give. Each expectation is
** then compared with the decision, and a failure is shown with the
** expected and actual values and the decision's explanation.
*/
#include <gc.h>
#include <stdio.h>
#include <string.h>

#include "bytecode.h"
#include "cli.h"
#include "explain.h"
#include "facts.h"
#include "out.h"
#include "policy.h"
#include "sema.h"
#include "trace.h"
#include "vm.h"

/* A tree of given facts: a record (fields), a list (items) or a value. */
typedef struct tnode {
  const char *name;     /* field name, in a record */
  ast *value;           /* a scalar or set value */
  int kind;             /* 'r' record, 'l' list, 'v' value */
  struct tnode *kids;   /* record fields or list items */
  struct tnode *next;
  strmap *index;        /* a list's items by key (item_index) */
  struct tnode **items; /* ... the items the index points into */
} tnode;

static tnode *tnew(int kind, const char *name) {
  tnode *t = GC_MALLOC(sizeof *t);
  t->kind = kind;
  t->name = name;
  return t;
}

static tnode *from_value(ast *v, const char *name);

static tnode *tcopy(const tnode *t) {
  if (!t) return NULL;
  tnode *c = tnew(t->kind, t->name);
  c->value = t->value;
  tnode **link = &c->kids;
  for (tnode *k = t->kids; k; k = k->next) {
    *link = tcopy(k);
    link = &(*link)->next;
  }
  return c;
}

static tnode *from_value(ast *v, const char *name) {
  if (v->kind == AST_RECORD) {
    tnode *t = tnew('r', name);
    tnode **link = &t->kids;
    for (ast *f = v->a; f; f = f->next) {
      *link = from_value(f->a, f->name);
      link = &(*link)->next;
    }
    return t;
  }
  if (v->kind == AST_LIST) {
    tnode *t = tnew('l', name);
    tnode **link = &t->kids;
    for (ast *f = v->a; f; f = f->next) {
      *link = from_value(f, NULL);
      link = &(*link)->next;
    }
    return t;
  }
  tnode *t = tnew('v', name);
  t->value = v;
  return t;
}

static tnode *child(tnode *t, const char *name, size_t n) {
  for (tnode *k = t->kids; k; k = k->next)
    if (k->name && strlen(k->name) == n && !memcmp(k->name, name, n))
      return k;
  return NULL;
}

/* An item's key as a given or expect line names it: a text as it is, a
   whole number in decimal (as 'visits.3.done' writes it); NULL for a key
   of any other kind, which no line can name. */
static const char *key_name(const ast *v) {
  if (v->kind == AST_TEXT) return v->name;
  if (v->kind != AST_INT) return NULL;
  char buf[24];
  snprintf(buf, sizeof buf, "%lld", (long long)v->num);
  return GC_strdup(buf);
}

/* Indexes the items of list 't' by their key field 'key', so that a test
   giving a value to each of thousands of items finds each one at once. */
static void item_index(tnode *t, const char *key) {
  size_t n = 0;
  for (tnode *k = t->kids; k; k = k->next) n++;
  t->index = strmap_new();
  t->items = GC_MALLOC((n + 1) * sizeof *t->items);
  n = 0;
  for (tnode *k = t->kids; k; k = k->next, n++) {
    t->items[n] = k;
    tnode *f = child(k, key, strlen(key));
    const char *name = f && f->value ? key_name(f->value) : NULL;
    if (name && strmap_get(t->index, name) < 0)
      strmap_put(t->index, name, (int)n);
  }
}

/* The item of list 't' whose key field 'key' is named 'id' (key_name). */
static tnode *item(tnode *t, const char *key, const char *id, size_t n) {
  if (!t->index) item_index(t, key);
  int i = strmap_get(t->index, GC_strndup(id, n));
  return i < 0 ? NULL : t->items[i];
}

typedef struct {
  sema *s;
  diag *d;
  const ent_program *p;
  int failed;
  /* Coverage, per program rule: tests where it applied, where it did
     not, and per exception where it held and where it did not. */
  uint32_t *applied, *refused;
  uint32_t *exc_held, *exc_not;  /* indexed by part */
  strmap *decisions;             /* decision_names */
} runner;

/* Applies 'path = value' to the tree 'root'. A list's items are addressed
   by their key: 'provisions.p1.universal'. */
static int give(runner *r, tnode *root, ast *g) {
  const char *path = g->a->name;
  tnode *t = root;
  tnode *list = NULL; /* the list whose item 't' is, if it is one */
  uint32_t list_id = 0;
  int obj = 0;
  const char *s = path;
  for (;;) {
    const char *dot = strchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    /* Find the field in the object, for its type. */
    const prog_object *o = &r->p->objects[obj];
    const prog_field *f = NULL;
    for (uint32_t k = 0; k < o->nfields; k++) {
      const prog_field *ff = &r->p->fields[o->first_field + k];
      const char *nm = prog_str(r->p, ff->name);
      if (strlen(nm) == n && !memcmp(nm, s, n)) f = ff;
    }
    if (!f) {
      diag_error(r->d, g->a->loc, "'%s' is not a fact of the case", path);
      return -1;
    }
    tnode *c = child(t, s, n);
    if (!dot) {
      /* A new key for an item: its list's index no longer holds. */
      if (list && f == &r->p->fields[r->p->lists[list_id].key])
        list->index = NULL;
      tnode *nv = from_value(g->b, f ? prog_str(r->p, f->name) : NULL);
      if (c) {
        nv->next = c->next;
        *c = *nv;
      } else {
        nv->next = t->kids;
        t->kids = nv;
      }
      return 0;
    }
    int kind = TY_KIND(f->type);
    if (kind == TK_RECORD) {
      if (!c) {
        c = tnew('r', prog_str(r->p, f->name));
        c->next = t->kids;
        t->kids = c;
      }
      t = c;
      list = NULL;
      obj = (int)f->sub;
      s = dot + 1;
      continue;
    }
    if (kind == TK_LIST) {
      const prog_list *l = &r->p->lists[f->sub];
      const char *id = dot + 1;
      const char *d2 = strchr(id, '.');
      size_t idn = d2 ? (size_t)(d2 - id) : strlen(id);
      tnode *it = c ? item(c, prog_str(r->p, r->p->fields[l->key].name), id,
                           idn)
                    : NULL;
      if (!it) {
        diag_error(r->d, g->a->loc, "'%s': the list has no item '%.*s'",
                   path, (int)idn, id);
        return -1;
      }
      if (!d2) {
        diag_error(r->d, g->a->loc, "'%s': name a field of the item", path);
        return -1;
      }
      t = it;
      list = c;
      list_id = f->sub;
      obj = (int)l->object;
      s = d2 + 1;
      continue;
    }
    diag_error(r->d, g->a->loc, "'%.*s' is not a record or a list", (int)n,
               s);
    return -1;
  }
}

#define LIKE_DEPTH 64

/* The case of test 't', through the tests it is 'like'; 'chain' holds the
   'depth' tests that led here, to tell a cycle from a long chain. */
static int build(runner *r, int t, tnode **out, int *chain, int depth) {
  sem_test *st = &r->s->tests[t];
  tnode *root;
  for (int k = 0; k < depth; k++)
    if (chain[k] == t) {
      diag_error(r->d, st->d->like_loc, "tests are 'like' each other in a "
                 "cycle");
      return -1;
    }
  if (depth == LIKE_DEPTH && st->d->like) {
    diag_error(r->d, r->s->tests[chain[0]].d->like_loc, "tests are 'like' "
               "each other more than %d deep", LIKE_DEPTH);
    return -1;
  }
  chain[depth] = t;
  if (st->d->like) {
    int b = strmap_get(r->s->testmap, st->d->like);
    if (b < 0) {
      diag_error(r->d, st->d->like_loc, "no test is named \"%s\"",
                 st->d->like);
      return -1;
    }
    tnode *base;
    if (build(r, b, &base, chain, depth + 1)) return -1;
    root = tcopy(base);
  } else {
    root = tnew('r', NULL);
  }
  for (ast *g = st->d->given; g; g = g->next)
    if (give(r, root, g)) return -1;
  *out = root;
  return 0;
}

static void to_json(const tnode *t, outbuf *o) {
  if (t->kind == 'r' || t->kind == 'l') {
    out_c(o, t->kind == 'r' ? '{' : '[');
    /* Every field and item, however many: a list of 4,096 items at most
       here cut longer lists in tests short without a word. */
    for (const tnode *k = t->kids; k; k = k->next) {
      if (k != t->kids) out_c(o, ',');
      if (t->kind == 'r') {
        out_json(o, k->name, strlen(k->name));
        out_c(o, ':');
      }
      to_json(k, o);
    }
    out_c(o, t->kind == 'r' ? '}' : ']');
    return;
  }
  ast *v = t->value;
  switch (v->kind) {
  case AST_BOOL: out_s(o, v->num ? "true" : "false"); break;
  case AST_INT: out_int(o, v->num); break;
  case AST_MONEY: out_c(o, '"'); out_money(o, v->num); out_c(o, '"'); break;
  case AST_DATE: out_c(o, '"'); out_date(o, v->num); out_c(o, '"'); break;
  case AST_TEXT: out_json(o, v->name, strlen(v->name)); break;
  case AST_NAME: out_json(o, v->name, strlen(v->name)); break;
  case AST_SET:
    out_c(o, '[');
    for (ast *x = v->a; x; x = x->next) {
      if (x != v->a) out_c(o, ',');
      out_json(o, x->name, strlen(x->name));
    }
    out_c(o, ']');
    break;
  default: out_s(o, "null");
  }
}

/* The name in decision_names of decision 'name' of the items of the list
   at path 'list': the two split by a byte no name has. */
static char *item_decision_name(const char *list, const char *name) {
  char *k = GC_MALLOC_ATOMIC(strlen(list) + strlen(name) + 2);
  sprintf(k, "%s\x01%s", list, name);
  return k;
}

/* The program's decisions by the name an expectation gives them: a
   decision of the case by its name, a decision of each item of a list by
   item_decision_name. */
static strmap *decision_names(const ent_program *p) {
  strmap *m = strmap_new();
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    const char *name = prog_str(p, pd->name);
    if (pd->list >= 0)
      name = item_decision_name(
          prog_str(p, p->fields[p->lists[pd->list].field].path), name);
    if (strmap_get(m, name) < 0) strmap_put(m, name, (int)d);
  }
  return m;
}

/* The items of list 'l' of the case just decided, by key: made the first
   time an expectation names one of its items, so that a test of n items
   with an expectation on each costs n lookups, not n walks of the list. */
static strmap *item_names(const ent_program *p, const ent_vm *vm,
                          uint32_t l) {
  strmap *m = strmap_new();
  ent_val base, cnt;
  tr_items(p, vm, l, &base, &cnt);
  for (ent_val i = 0; i < cnt && i < INT32_MAX; i++) {
    outbuf k;
    out_init(&k, NULL);
    explain_item_key(p, vm, l, tr_item_row(p, l, base, i), &k);
    /* Terminated: the key is copied as a C string. */
    out_c(&k, 0);
    char *key = GC_strdup(k.error ? "" : k.buf);
    out_free(&k);
    if (strmap_get(m, key) < 0) strmap_put(m, key, (int)i);
  }
  return m;
}

/* Finds decision 'path' for an expectation: its index and row; -1 when
   no decision has that name, -2 when the decision is an item's and the
   case has no such item. 'items' holds item_names per list, made as
   needed. */
static int find_decision(runner *r, const ent_vm *vm, strmap **items,
                         const char *path, uint32_t *dec, ent_val *row) {
  const ent_program *p = r->p;
  int d = strmap_get(r->decisions, path);
  if (d >= 0) {
    *dec = (uint32_t)d;
    *row = 0;
    return 0;
  }
  for (uint32_t l = 0; l < p->nlists; l++) {
    const char *ln = prog_str(p, p->fields[p->lists[l].field].path);
    size_t lnl = strlen(ln);
    if (strncmp(path, ln, lnl) || path[lnl] != '.') continue;
    const char *id = path + lnl + 1;
    const char *last = strrchr(id, '.');
    if (!last) continue;
    d = strmap_get(r->decisions, item_decision_name(ln, last + 1));
    if (d < 0 || p->decisions[d].list != (int32_t)l) continue;
    if (!items[l]) items[l] = item_names(p, vm, l);
    int i = strmap_get(items[l], GC_strndup(id, (size_t)(last - id)));
    if (i < 0) return -2;
    *dec = (uint32_t)d;
    ent_val base, n;
    tr_items(p, vm, l, &base, &n);
    *row = tr_item_row(p, l, base, i);
    return 0;
  }
  return -1;
}

static int expected_value(runner *r, int32_t ty, ast *v, ent_val *out) {
  const ent_program *p = r->p;
  int k = TY_KIND(ty);
  switch (v->kind) {
  case AST_BOOL: if (k != TK_BOOL) return -1; *out = v->num; return 0;
  case AST_INT: if (k != TK_INT) return -1; *out = v->num; return 0;
  case AST_MONEY: if (k != TK_MONEY) return -1; *out = v->num; return 0;
  case AST_DATE: if (k != TK_DATE) return -1; *out = v->num; return 0;
  case AST_NAME: {
    if (k != TK_ENUM) return -1;
    const prog_enum *e = &p->enums[TY_IDX(ty)];
    for (uint32_t i = 0; i < e->n; i++)
      if (!strcmp(prog_str(p, p->enum_values[e->first + i]), v->name)) {
        *out = i;
        return 0;
      }
    return -1;
  }
  case AST_SET: {
    if (k != TK_SET) return -1;
    const prog_enum *e = &p->enums[TY_IDX(ty)];
    uint64_t m = 0;
    for (ast *x = v->a; x; x = x->next) {
      uint32_t i;
      for (i = 0; i < e->n; i++)
        if (!strcmp(prog_str(p, p->enum_values[e->first + i]), x->name))
          break;
      if (i == e->n) return -1;
      m |= UINT64_C(1) << i;
    }
    *out = (ent_val)m;
    return 0;
  }
  default:
    return -1;
  }
}

/* Whether the decision whose state is 'stw', decided with the expected
   value, was decided by the rule an expectation's 'by RULE' names ('by
   default' names the default); when not, adds ' by RULE' to what was
   expected, for the failure. */
static int decided_by(runner *r, ent_val stw, const char *by, outbuf *want) {
  if (!by || !strcmp(prog_str(r->p, r->p->rules[DS_RULE1(stw)].id), by))
    return 1;
  out_s(want, " by ");
  out_s(want, by);
  return 0;
}

/* 'FAIL file:line: test "name"', the first line of a failure. */
static void fail_header(outbuf *o, const char *file, int line,
                        const char *name) {
  out_s(o, "FAIL ");
  out_s(o, file);
  out_c(o, ':');
  out_int(o, line);
  out_s(o, ": test \"");
  out_s(o, name);
  out_s(o, "\"\n");
}

/* Records which rules applied in the decided case, for --coverage. */
static void record_coverage(runner *r, const ent_vm *vm) {
  const ent_program *p = r->p;
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    ent_val base = 0, cnt = 1, width = 0;
    if (pd->list >= 0) {
      tr_items(p, vm, (uint32_t)pd->list, &base, &cnt);
      width = p->lists[pd->list].width;
    }
    for (ent_val i = 0; i < cnt; i++)
      for (uint32_t k = 0; k < pd->nrules; k++) {
        uint32_t ri = pd->first_rule + k;
        const prog_rule *ru = &p->rules[ri];
        ent_val st = tr_rule_state(vm, ru, base + i * width);
        switch (RS_STATE(st)) {
        case RS_APPLIED:
          r->applied[ri]++;
          for (uint32_t e = 0; e < ru->nexcs; e++)
            r->exc_not[ru->first_part + ru->nconds + e]++;
          break;
        case RS_EXCEPTED:
          r->refused[ri]++;
          r->exc_held[ru->first_part + RS_PART(st)]++;
          break;
        case RS_FAILED:
          r->refused[ri]++;
          break;
        default:
          break;
        }
      }
  }
}

static int run_test(runner *r, int t, ent_vm *vm, explain_ctx *x,
                    outbuf *o) {
  sem_test *st = &r->s->tests[t];
  int before = r->d->nerrors;
  tnode *root;
  int chain[LIKE_DEPTH + 1];
  if (build(r, t, &root, chain, 0)) return -1;
  outbuf js;
  out_init(&js, NULL);
  to_json(root, &js);
  facts_error e;
  int line, col;
  diag_linecol(r->d, st->d->name_loc.file, st->d->name_loc.start, &line,
               &col);
  const char *file = r->d->names[st->d->name_loc.file];
  int want_invalid = 0;
  for (ast *ex = st->d->expect; ex; ex = ex->next)
    if (ex->op == 'i') want_invalid = 1;
  int bad = facts_decode(vm, js.buf, js.len, &e);
  out_free(&js);
  int rc = bad ? VM_INVALID : vm_run(vm);
  if (want_invalid) {
    if (rc == VM_INVALID) return 0;
    fail_header(o, file, line, st->name);
    out_s(o, "  expected the case to be refused as invalid, but it was "
             "decided\n");
    return 1;
  }
  if (bad) {
    diag_error(r->d, st->d->name_loc, "test \"%s\" does not give a valid "
               "case: %s", st->name, e.message);
    return -1;
  }
  if (rc == VM_INVALID) {
    outbuf m;
    out_init(&m, NULL);
    explain_requirement(r->p, vm, &m);
    out_c(&m, 0);
    diag_error(r->d, st->d->name_loc, "test \"%s\": %s", st->name, m.buf);
    out_free(&m);
    return -1;
  }
  if (rc != VM_OK) {
    diag_error(r->d, st->d->name_loc, "test \"%s\": the case could not be "
               "evaluated", st->name);
    return -1;
  }
  record_coverage(r, vm);
  int ok = 1;
  strmap **items = GC_MALLOC((r->p->nlists + 1) * sizeof *items);
  for (ast *ex = st->d->expect; ex; ex = ex->next) {
    if (ex->op == 'i') continue;
    uint32_t dec;
    ent_val row;
    int f = find_decision(r, vm, items, ex->a->name, &dec, &row);
    if (f == -1) {
      diag_error(r->d, ex->a->loc, "'%s' is not a decision", ex->a->name);
      ok = 0;
      continue;
    }
    if (f == -2) {
      diag_error(r->d, ex->a->loc, "'%s': the case has no such item",
                 ex->a->name);
      ok = 0;
      continue;
    }
    const prog_decision *pd = &r->p->decisions[dec];
    ent_val stw = tr_dec_state(vm, pd, row);
    int s = DS_STATUS(stw);
    int good;
    outbuf want;
    out_init(&want, NULL);
    if (ex->op == 'u') {
      good = s == DS_NO_RULE || s == DS_ERROR;
      out_s(&want, "undecided");
    } else if (ex->op == 'c') {
      good = s == DS_CONFLICT;
      out_s(&want, "conflict");
    } else if (TY_KIND(pd->type) == TK_TEXT && ex->b->kind == AST_TEXT) {
      uint32_t n = 0;
      const char *got = "";
      if (s == DS_DECIDED || s == DS_AGREED || s == DS_DEFAULT)
        got = vm_text(vm, tr_dec_value(vm, pd, row), &n);
      good = (s == DS_DECIDED || s == DS_AGREED || s == DS_DEFAULT) &&
             n == strlen(ex->b->name) && !memcmp(got, ex->b->name, n);
      out_json(&want, ex->b->name, strlen(ex->b->name));
      if (good) good = decided_by(r, stw, ex->name, &want);
    } else {
      ent_val v;
      if (expected_value(r, pd->type, ex->b, &v)) {
        diag_error(r->d, ex->b->loc, "'%s' is %s: this expected value does "
                   "not fit", ex->a->name, type_name(r->s, pd->type));
        out_free(&want);
        ok = 0;
        continue;
      }
      good = (s == DS_DECIDED || s == DS_AGREED || s == DS_DEFAULT) &&
             tr_dec_value(vm, pd, row) == v;
      explain_value_text(r->p, vm, pd->type, v, &want);
      if (good) good = decided_by(r, stw, ex->name, &want);
    }
    if (!good) {
      if (ok) fail_header(o, file, line, st->name);
      ok = 0;
      out_s(o, "  ");
      out_s(o, ex->a->name);
      out_s(o, ": expected ");
      out_mem(o, want.buf ? want.buf : "", want.len);
      out_s(o, "\n  explanation:\n");
      outbuf ex_text;
      out_init(&ex_text, NULL);
      explain_decision_text(x, vm, dec, row, &ex_text);
      /* Indent the explanation under the failure. */
      size_t a = 0;
      for (size_t i = 0; i < ex_text.len; i++)
        if (ex_text.buf[i] == '\n') {
          out_s(o, "    ");
          out_mem(o, ex_text.buf + a, i - a + 1);
          a = i + 1;
        }
      out_free(&ex_text);
    }
    out_free(&want);
  }
  if (r->d->nerrors > before) return -1;
  return ok ? 0 : 1;
}

/* Which rules of 'file' (not of the files it imports, which their own
   tests cover) the tests never made apply, or never saw refused, and the
   exceptions never seen both ways. Returns the number of gaps. */
static int coverage_report(runner *r, const char *file, outbuf *o) {
  const ent_program *p = r->p;
  uint32_t n = 0, applied = 0, refused = 0, nexc = 0, both = 0;
  outbuf gaps;
  out_init(&gaps, NULL);
  for (uint32_t ri = 0; ri < p->nrules; ri++) {
    const prog_rule *ru = &p->rules[ri];
    if (ru->kind == RK_DEFAULT ||
        strcmp(prog_str(p, ru->file), sema_source_name(r->s, r->s->root)))
      continue;
    n++;
    applied += r->applied[ri] > 0;
    refused += r->refused[ri] > 0;
    if (!r->applied[ri] || !r->refused[ri]) {
      out_s(&gaps, "  ");
      out_s(&gaps, prog_str(p, ru->id));
      out_s(&gaps, " (");
      out_s(&gaps, prog_str(p, ru->file));
      out_c(&gaps, ':');
      out_int(&gaps, ru->line);
      out_s(&gaps, !r->applied[ri] ? "): never applied in a test\n"
                                   : "): applied in every test that reached "
                                     "it\n");
    }
    for (uint32_t e = 0; e < ru->nexcs; e++) {
      uint32_t part = ru->first_part + ru->nconds + e;
      nexc++;
      if (r->exc_held[part] && r->exc_not[part]) {
        both++;
        continue;
      }
      out_s(&gaps, "  ");
      out_s(&gaps, prog_str(p, ru->id));
      out_s(&gaps, ": exception '");
      out_s(&gaps, prog_str(p, p->parts[part].text));
      out_s(&gaps, r->exc_held[part] ? "' never seen not to hold\n"
                                     : "' never seen to hold\n");
    }
  }
  out_s(o, "coverage of ");
  out_s(o, file);
  out_s(o, ": ");
  out_int(o, applied);
  out_s(o, " of ");
  out_int(o, n);
  out_s(o, " rules applied, ");
  out_int(o, refused);
  out_s(o, " of ");
  out_int(o, n);
  out_s(o, " seen not to apply, ");
  out_int(o, both);
  out_s(o, " of ");
  out_int(o, nexc);
  out_s(o, " exceptions seen both ways\n");
  out_mem(o, gaps.buf ? gaps.buf : "", gaps.len);
  out_free(&gaps);
  return (int)(n - applied + nexc - both);
}

int testrun_main(int argc, char **argv) {
  int coverage = 0;
  if (argc > 0 && !strcmp(argv[0], "--coverage")) {
    coverage = 1;
    argc--;
    argv++;
  }
  if (argc < 1) {
    fprintf(stderr, "entitle: test: name at least one rule file\n");
    return EXIT_USAGE;
  }
  int passed = 0, failed = 0, rc = EXIT_OK, ran = 0;
  outbuf o;
  out_init(&o, stdout);
  for (int i = 0; i < argc; i++) {
    diag *d = diag_new();
    sema *s = NULL;
    ent_program *p = policy_compile(d, argv[i], NULL, 0, &s);
    if (!p) {
      diag_print(d, stderr);
      rc = EXIT_RULES;
      continue;
    }
    ran++;
    char hex[65];
    bc_digest_hex(p, hex);
    explain_ctx *x = explain_new(p, hex);
    ent_vm *vm = vm_new(p);
    if (!x || !vm) {
      fprintf(stderr, "entitle: error: out of memory\n");
      explain_free(x);
      vm_free(vm);
      return EXIT_INTERNAL;
    }
    runner r = {s, d, p, 0, NULL, NULL, NULL, NULL, decision_names(p)};
    r.applied = GC_MALLOC_ATOMIC((p->nrules + 1) * sizeof *r.applied);
    r.refused = GC_MALLOC_ATOMIC((p->nrules + 1) * sizeof *r.refused);
    r.exc_held = GC_MALLOC_ATOMIC((p->nparts + 1) * sizeof *r.exc_held);
    r.exc_not = GC_MALLOC_ATOMIC((p->nparts + 1) * sizeof *r.exc_not);
    memset(r.applied, 0, (p->nrules + 1) * sizeof *r.applied);
    memset(r.refused, 0, (p->nrules + 1) * sizeof *r.refused);
    memset(r.exc_held, 0, (p->nparts + 1) * sizeof *r.exc_held);
    memset(r.exc_not, 0, (p->nparts + 1) * sizeof *r.exc_not);
    for (int t = 0; t < s->ntests; t++) {
      if (s->tests[t].module != s->root) continue;
      int res = run_test(&r, t, vm, x, &o);
      if (res == 0) passed++;
      else failed++;
      out_flush(&o);
      diag_print(d, stderr);
      d->first = d->last = NULL;
    }
    if (coverage) coverage_report(&r, argv[i], &o);
    vm_free(vm);
    explain_free(x);
  }
  out_flush(&o);
  /* A file with errors has no tests to count: when no file compiled,
     only its errors are printed. */
  if (ran) printf("%d passed, %d failed\n", passed, failed);
  out_free(&o);
  if (rc != EXIT_OK) return rc;
  return failed ? EXIT_TESTS : EXIT_OK;
}
