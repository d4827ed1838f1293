/*
** resolve.c: from declarations to a checked policy.
**
** In order: the policy header and documents; enumerations and records;
** the fact schema (with row slots for the VM); parameters; decisions;
** rules, tables and defaults as rules; 'replace' and 'overrides'; the
** precedence order within each decision; the order of decisions by
** dependency. Everything is checked on the way, and every problem found
** is reported before giving up, so one run shows them all.
*/
#include <gc.h>
#include <stdio.h>
#include <string.h>

#include "grow.h"
#include "sema.h"

static const char *builtin_types[] = {"bool", "integer", "money", "date",
                                      "text", "percentage"};
#define NBUILTIN_TYPES 6

static char *fmt(const char *f, const char *a, const char *b) {
  int n = snprintf(NULL, 0, f, a, b);
  char *r = GC_MALLOC_ATOMIC(n + 1);
  snprintf(r, n + 1, f, a, b);
  return r;
}

/* { ====== declarations of names ====== */

static void dup_error(sema *s, decl *d, const char *what, loc_t first) {
  diag_error(s->d, d->name_loc, "%s '%s' is already declared", what,
             d->name);
  diag_note(s->d, first, "first declared here");
}

static void collect_types(sema *s) {
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind != DECL_ENUM && d->kind != DECL_RECORD) continue;
    int prev = strmap_get(s->types, d->name);
    int builtin = 0;
    for (int i = 0; i < NBUILTIN_TYPES; i++)
      if (!strcmp(d->name, builtin_types[i])) builtin = 1;
    if (builtin) {
      diag_error(s->d, d->name_loc, "'%s' is a built-in type", d->name);
      continue;
    }
    if (prev >= 0) {
      loc_t l = TY_KIND(prev) == TK_ENUM ? s->enums[TY_IDX(prev)].loc
                                        : s->records[TY_IDX(prev)].loc;
      dup_error(s, d, "type", l);
      continue;
    }
    if (d->kind == DECL_ENUM) {
      int i = SEM_PUSH(s->enums, s->nenums, s->capenums);
      sem_enum *e = &s->enums[i];
      e->name = d->name;
      e->loc = d->name_loc;
      e->n = ast_count(d->fields);
      e->values = GC_MALLOC(e->n * sizeof *e->values);
      e->index = strmap_new();
      int k = 0;
      for (ast *v = d->fields; v; v = v->next) {
        if (strmap_get(e->index, v->name) >= 0)
          diag_error(s->d, v->loc, "'%s' is already a value of '%s'",
                     v->name, d->name);
        else
          strmap_put(e->index, v->name, k);
        e->values[k++] = v->name;
      }
      strmap_put(s->types, d->name, TY(TK_ENUM, i));
    } else {
      int i = SEM_PUSH(s->records, s->nrecords, s->caprecords);
      s->records[i].name = d->name;
      s->records[i].loc = d->name_loc;
      s->records[i].fields = d->fields;
      s->records[i].list = -1;
      strmap_put(s->types, d->name, TY(TK_RECORD, i));
    }
  }
}

/* Resolves a TYPE node of a decision or parameter: no records or lists. */
static int value_type(sema *s, ast *t) {
  for (int i = 0; i < NBUILTIN_TYPES; i++)
    if (!strcmp(t->name, builtin_types[i])) {
      if (t->op == 's') {
        diag_error(s->d, t->loc, "a set holds values of an enumeration, "
                   "not %s", t->name);
        return TY_ERROR;
      }
      if (t->op == 'l') break;
      return TY(i == 0 ? TK_BOOL : i == 1 ? TK_INT : i == 2 ? TK_MONEY
                : i == 3 ? TK_DATE : i == 4 ? TK_TEXT : TK_PERCENT, 0);
    }
  int ty = strmap_get(s->types, t->name);
  if (ty < 0) {
    diag_error(s->d, t->loc, "unknown type '%s'", t->name);
    return TY_ERROR;
  }
  if (t->op == 's') {
    if (TY_KIND(ty) != TK_ENUM) {
      diag_error(s->d, t->loc, "a set holds values of an enumeration, not "
                 "'%s'", t->name);
      return TY_ERROR;
    }
    if (s->enums[TY_IDX(ty)].n > 63) {
      diag_error(s->d, t->loc, "a set can hold values of an enumeration of "
                 "at most 63 values; '%s' has %d", t->name,
                 s->enums[TY_IDX(ty)].n);
      return TY_ERROR;
    }
    return TY(TK_SET, TY_IDX(ty));
  }
  return ty;
}

/* } ====== */

/* { ====== the fact schema ====== */

static char *join_path(const char *a, const char *b) {
  if (!*a) return (char *)b;
  return fmt("%s.%s", a, b);
}

static int field_attrs(sema *s, int f, ast *attrs, int in_list) {
  sem_field *fd = &s->fields[f];
  for (ast *a = attrs; a; a = a->next) {
    if (!strcmp(a->name, "optional")) {
      fd->flags |= FF_OPTIONAL;
    } else if (!strcmp(a->name, "protected")) {
      fd->flags |= FF_PROTECTED;
      fd->reason = a->a ? a->a->name : NULL;
    } else if (!strcmp(a->name, "identifier")) {
      if (in_list || fd->object != 0 || TY_KIND(fd->type) != TK_TEXT)
        diag_error(s->d, a->loc, "only a text fact of the case itself can "
                   "be its identifier");
      fd->flags |= FF_IDENTIFIER;
    } else if (!strcmp(a->name, "default")) {
      int k = TY_KIND(fd->type);
      if (k == TK_RECORD || k == TK_LIST || k == TK_TEXT) {
        diag_error(s->d, a->loc, "a %s fact cannot have a default",
                   k == TK_TEXT ? "text" : k == TK_LIST ? "list" : "record");
        continue;
      }
      type_ctx c = {s, -1, "a default", {0}, {0}, 0, 0, NULL};
      if (types_expr(&c, a->a, fd->type) == TY_ERROR) continue;
      if (types_const(s, a->a, fd->type, &fd->dflt)) continue;
      fd->flags |= FF_DEFAULT;
    } else {
      diag_error(s->d, a->loc, "'%s' does not apply to a fact", a->name);
    }
  }
  if (TY_KIND(fd->type) == TK_RECORD &&
      (fd->flags & (FF_OPTIONAL | FF_DEFAULT | FF_PROTECTED))) {
    diag_error(s->d, fd->loc, "'%s' is a record: mark its fields optional, "
               "defaulted or protected, not the record", fd->path);
    fd->flags &= ~(unsigned)(FF_OPTIONAL | FF_DEFAULT | FF_PROTECTED);
  }
  if ((fd->flags & FF_OPTIONAL) && (fd->flags & FF_DEFAULT))
    diag_error(s->d, fd->loc, "'%s' is both optional and defaulted: choose "
               "one", fd->path);
  return 0;
}

static int next_slot(sema *s, int list) {
  if (list < 0) return s->case_width++;
  return s->lists[list].width++;
}

/* Adds the fields of one object, then opens the records among them, so
   that each object's fields are contiguous. 'rowpath' is the path of the
   row's root ('' for the case, 'provisions' for its items) and 'prefix'
   the path of this object within the row. */
static void build_object(sema *s, int obj, ast *fields, int list,
                         const char *prefix, int depth) {
  s->objects[obj].first_field = s->nfields;
  s->objects[obj].list = list;
  const char *rowkey = list < 0 ? "" : s->fields[s->lists[list].field].path;
  for (ast *fa = fields; fa; fa = fa->next) {
    int f = SEM_PUSH(s->fields, s->nfields, s->capfields);
    sem_field *fd = &s->fields[f];
    fd->name = fa->name;
    fd->path = join_path(prefix, fa->name);
    fd->object = obj;
    fd->loc = fa->loc;
    fd->sub = -1;
    fd->title = fa->c ? fa->c->name : NULL;
    char *key = fmt("%s:%s", rowkey, fd->path);
    if (strmap_get(s->fieldmap, key) >= 0) {
      diag_error(s->d, fa->loc, "fact '%s' is already declared", fd->path);
      fd->type = TY_ERROR;
      continue;
    }
    strmap_put(s->fieldmap, key, f);
    ast *t = fa->a;
    if (t->op == 'l') {
      int rt = strmap_get(s->types, t->name);
      if (rt < 0 || TY_KIND(rt) != TK_RECORD) {
        diag_error(s->d, t->loc, "a list holds records; '%s' is not a "
                   "record", t->name);
        fd->type = TY_ERROR;
        continue;
      }
      if (list >= 0) {
        diag_error(s->d, t->loc, "a list item cannot hold a list");
        fd->type = TY_ERROR;
        continue;
      }
      int l = SEM_PUSH(s->lists, s->nlists, s->caplists);
      fd = &s->fields[f];
      fd->type = TY(TK_LIST, l);
      fd->sub = l;
      fd->slot = s->case_width;
      s->case_width += 2;
      s->lists[l].field = f;
      s->lists[l].item_name = t->name;
      s->lists[l].key = -1;
      sem_record *r = &s->records[TY_IDX(rt)];
      if (r->list >= 0)
        diag_error(s->d, t->loc, "record '%s' is already the item of list "
                   "'%s'; each list needs its own record type", t->name,
                   s->fields[s->lists[r->list].field].path);
      else
        r->list = l;
    } else {
      int rt = value_type(s, t);
      /* A case carries amounts, counts and dates; rates are the
         policy's own, in parameters. */
      if (TY_KIND(rt) == TK_PERCENT) {
        diag_error(s->d, t->loc, "a fact cannot be a percentage: rates "
                   "belong to the policy, as parameters");
        rt = TY_ERROR;
      }
      fd = &s->fields[f];
      fd->type = rt;
      if (rt != TY_ERROR && TY_KIND(rt) != TK_RECORD)
        fd->slot = next_slot(s, list);
    }
    field_attrs(s, f, fa->b, list >= 0);
  }
  s->objects[obj].nfields = s->nfields - s->objects[obj].first_field;
  int first = s->objects[obj].first_field, n = s->objects[obj].nfields;
  if (depth > 16) {
    diag_error(s->d, s->fields[first].loc, "records nested more than 16 "
               "deep (is a record part of itself?)");
    return;
  }
  for (int i = first; i < first + n; i++) {
    int k = TY_KIND(s->fields[i].type);
    if (s->fields[i].type == TY_ERROR || (k != TK_RECORD && k != TK_LIST))
      continue;
    int o = SEM_PUSH(s->objects, s->nobjects, s->capobjects);
    s->objects[o].parent_field = i;
    s->fields[i].sub = k == TK_LIST ? s->fields[i].sub : o;
    if (k == TK_RECORD) {
      sem_record *r = &s->records[TY_IDX(s->fields[i].type)];
      build_object(s, o, r->fields, list, s->fields[i].path, depth + 1);
    } else {
      int l = TY_IDX(s->fields[i].type);
      int rt = strmap_get(s->types, s->lists[l].item_name);
      sem_record *r = &s->records[TY_IDX(rt)];
      s->lists[l].object = o;
      build_object(s, o, r->fields, l, "", depth + 1);
      s->fields[i].sub = l;
    }
  }
}

static void build_schema(sema *s) {
  ast *all = NULL, **tail = &all;
  decl *facts = NULL;
  for (decl *d = s->decls; d; d = d->next)
    if (d->kind == DECL_FACTS) {
      facts = d;
      /* Copy the field nodes: the lists of several blocks are joined. */
      for (ast *f = d->fields; f; f = f->next) {
        ast *c = ast_new(AST_FIELD, f->loc);
        *c = *f;
        c->next = NULL;
        *tail = c; /* a tail pointer: appending stays linear */
        tail = &c->next;
      }
    }
  int o = SEM_PUSH(s->objects, s->nobjects, s->capobjects);
  s->objects[o].parent_field = -1;
  if (!facts) {
    diag_error(s->d, loc_make(s->root, 0, 0), "the policy declares no "
               "facts: add a 'facts ... end' block");
    return;
  }
  build_object(s, o, all, -1, "", 0);
  /* List keys: a required text or integer field of the item. */
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind != DECL_FACTS) continue;
    for (ast *f = d->fields; f; f = f->next) {
      if (f->a->op != 'l') continue;
      int fi = strmap_get(s->fieldmap, fmt(":%s%s", f->name, ""));
      if (fi < 0 || s->fields[fi].type == TY_ERROR) continue;
      int l = s->fields[fi].sub;
      int k = strmap_get(s->fieldmap, fmt("%s:%s", f->name, f->a->a->name));
      if (k < 0) {
        diag_error(s->d, f->a->a->loc, "'%s' has no field '%s' to key the "
                   "list by", f->a->name, f->a->a->name);
        continue;
      }
      int kk = TY_KIND(s->fields[k].type);
      if ((kk != TK_TEXT && kk != TK_INT) ||
          (s->fields[k].flags & (FF_OPTIONAL | FF_DEFAULT)) ||
          s->fields[k].object != s->lists[l].object)
        diag_error(s->d, f->a->a->loc, "a list key must be a required text "
                   "or whole-number field of the item");
      s->lists[l].key = k;
    }
  }
}

/* } ====== */

/* { ====== parameters and decisions ====== */

static void collect_params(sema *s) {
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind != DECL_PARAM) continue;
    int prev = strmap_get(s->parammap, d->name);
    if (d->replace) {
      if (prev < 0) {
        diag_error(s->d, d->name_loc, "'replace parameter %s' replaces "
                   "nothing: no parameter of that name is declared before",
                   d->name);
        continue;
      }
      s->params[prev].value = d->value;
      s->params[prev].loc = d->name_loc;
      if (d->title) s->params[prev].title = d->title;
      continue;
    }
    if (prev >= 0) {
      dup_error(s, d, "parameter", s->params[prev].loc);
      diag_note(s->d, d->name_loc, "to change it, write 'replace parameter "
                "%s = ...'", d->name);
      continue;
    }
    int i = SEM_PUSH(s->params, s->nparams, s->capparams);
    s->params[i].name = d->name;
    s->params[i].title = d->title;
    s->params[i].value = d->value;
    s->params[i].loc = d->name_loc;
    s->params[i].type = value_type(s, d->type);
    strmap_put(s->parammap, d->name, i);
  }
  /* Parameters may use the parameters declared before them. */
  for (int i = 0; i < s->nparams; i++) {
    sem_param *p = &s->params[i];
    if (p->type == TY_ERROR) continue;
    if (TY_KIND(p->type) == TK_TEXT) {
      diag_error(s->d, p->loc, "a parameter cannot be text");
      continue;
    }
    type_ctx c = {s, -1, fmt("parameter '%s'", p->name, ""), {0}, {0}, 0, 0,
                  NULL};
    p->done = 1;
    if (types_expr(&c, p->value, p->type) != TY_ERROR &&
        !types_const(s, p->value, p->type, &p->val))
      p->done = 2;
  }
}

static int list_of_item(sema *s, const char *item) {
  for (int l = 0; l < s->nlists; l++)
    if (!strcmp(s->lists[l].item_name, item)) return l;
  return -1;
}

static void collect_decisions(sema *s) {
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind != DECL_DECISION) continue;
    int prev = strmap_get(s->decmap, d->name);
    if (prev >= 0) {
      dup_error(s, d, "decision", s->decisions[prev].loc);
      continue;
    }
    int i = SEM_PUSH(s->decisions, s->ndecisions, s->capdecisions);
    sem_decision *dc = &s->decisions[i];
    dc->name = d->name;
    dc->title = d->title;
    dc->loc = d->name_loc;
    dc->cites = d->cites;
    dc->list = -1;
    for (ast *c = d->cites; c; c = c->next)
      if (strmap_get(s->docs, c->name) < 0)
        diag_error(s->d, c->loc, "unknown document '%s': declare it with "
                   "'document %s \"full title\"'", c->name, c->name);
    dc->default_rule = -1;
    dc->type = value_type(s, d->type);
    strmap_put(s->decmap, d->name, i);
    const char *dot = strchr(d->name, '.');
    if (dot) {
      char *head = GC_MALLOC_ATOMIC(dot - d->name + 1);
      memcpy(head, d->name, dot - d->name);
      head[dot - d->name] = 0;
      int l = list_of_item(s, head);
      if (l >= 0) {
        dc->list = l;
        if (strchr(dot + 1, '.'))
          diag_error(s->d, d->name_loc, "a decision for each %s is named "
                     "'%s.name', with no further dots", head, head);
        if (strmap_get(s->fieldmap, fmt("%s:%s",
                       s->fields[s->lists[l].field].path, dot + 1)) >= 0)
          diag_error(s->d, d->name_loc, "'%s' is already a fact of each %s",
                     dot + 1, head);
      }
    }
    if (dc->list < 0 && strmap_get(s->fieldmap, fmt(":%s%s", d->name, ""))
        >= 0)
      diag_error(s->d, d->name_loc, "'%s' is already a fact", d->name);
    for (ast *a = d->attrs; a; a = a->next) {
      if (!strcmp(a->name, "default")) {
        dc->dflt = a->a;
        dc->flags |= DF_DEFAULT;
      } else if (!strcmp(a->name, "internal")) {
        dc->flags |= DF_INTERNAL;
      } else if (!strcmp(a->name, "collect")) {
        if (TY_KIND(dc->type) != TK_SET && dc->type != TY_ERROR)
          diag_error(s->d, a->loc, "only a 'set of' decision can collect");
        dc->flags |= DF_COLLECT;
      } else {
        diag_error(s->d, a->loc, "'%s' does not apply to a decision",
                   a->name);
      }
    }
    if ((dc->flags & DF_COLLECT) && (dc->flags & DF_DEFAULT))
      diag_error(s->d, d->name_loc, "a collecting decision starts from the "
                 "empty set and takes no default");
    int k = TY_KIND(dc->type);
    if (k == TK_RECORD || k == TK_LIST)
      diag_error(s->d, d->type->loc, "a decision cannot be a record or a "
                 "list");
  }
}

/* } ====== */

/* { ====== rules ====== */

static int new_rule(sema *s, const char *id, loc_t loc, loc_t id_loc,
                    int dec, int kind) {
  int r = SEM_PUSH(s->rules, s->nrules, s->caprules);
  s->rules[r].id = id;
  s->rules[r].loc = loc;
  s->rules[r].id_loc = id_loc;
  s->rules[r].decision = dec;
  s->rules[r].kind = kind;
  return r;
}

/* Splits 'when' into the parts the explanation reports one by one. */
static void split_and(ast *e, ast ***out, int *n, int *cap) {
  if (e->kind == AST_BINOP && e->op == OPB_AND) {
    split_and(e->a, out, n, cap);
    split_and(e->b, out, n, cap);
    return;
  }
  GROW(*out, *n, *cap);
  (*out)[(*n)++] = e;
}

static void set_parts(sema *s, int r, ast *when, ast *unless) {
  ast **parts = NULL;
  int n = 0, cap = 0;
  if (when) split_and(when, &parts, &n, &cap);
  int nc = n;
  for (ast *u = unless; u; u = u->next) {
    GROW(parts, n, cap);
    parts[n++] = u;
  }
  sem_rule *ru = &s->rules[r];
  ru->parts = parts;
  ru->nconds = nc;
  ru->nexcs = n - nc;
  ru->texts = GC_MALLOC((n ? n : 1) * sizeof *ru->texts);
  for (int i = 0; i < n; i++) ru->texts[i] = diag_snippet(s->d, parts[i]->loc);
  if (n > 250)
    diag_error(s->d, ru->id_loc, "rule '%s' has %d conditions and "
               "exceptions; at most 250 are allowed", ru->id, n);
}

/* { ====== periods: dated parameters, rules and tables ====== */

static const char *date_text(int64_t d) {
  char *b = GC_MALLOC_ATOMIC(11);
  b[date_format(d, b)] = 0;
  return b;
}

/* 'in force from D until E', the text a period shows as a condition. */
static const char *period_text(const ast *pr) {
  if (pr->b && pr->c)
    return fmt("in force from %s until %s", date_text(pr->b->num),
               date_text(pr->c->num));
  return fmt("in force %s %s", pr->b ? "from" : "until",
             date_text(pr->b ? pr->b->num : pr->c->num));
}

/* Makes period 'pr' the first condition of rule 'r' (replacing the
   period it had): 'FACT >= from and FACT <= until' on the policy's date,
   shown as 'in force from ... until ...'. A rule out of force on the
   case's date does not apply, and says so. */
static void add_period(sema *s, int r, ast *pr) {
  if (s->dated_bad) return;
  if (!s->dated_by) {
    diag_error(s->d, pr->loc, "a period needs the policy's date: declare "
               "once which fact it is, as in 'dated by decision_date'");
    return;
  }
  if (pr->b && pr->c && pr->c->num < pr->b->num) {
    diag_error(s->d, pr->loc, "the period ends before it starts");
    return;
  }
  ast *cond = NULL;
  for (int k = 0; k < 2; k++) {
    ast *bound = k ? pr->c : pr->b;
    if (!bound) continue;
    ast *fact = ast_new(AST_NAME, s->dated_loc);
    fact->name = s->dated_by;
    ast *cmp = ast_new(AST_BINOP, pr->loc);
    cmp->op = k ? OPB_LE : OPB_GE;
    cmp->a = fact;
    cmp->b = bound;
    if (cond) {
      ast *both = ast_new(AST_BINOP, pr->loc);
      both->op = OPB_AND;
      both->a = cond;
      both->b = cmp;
      cond = both;
    } else {
      cond = cmp;
    }
  }
  sem_rule *ru = &s->rules[r];
  int n = ru->nconds + ru->nexcs, skip = ru->has_period;
  ast **parts = GC_MALLOC((size_t)(n + 1) * sizeof *parts);
  const char **texts = GC_MALLOC((size_t)(n + 1) * sizeof *texts);
  parts[0] = cond;
  texts[0] = period_text(pr);
  for (int i = skip; i < n; i++) {
    parts[i + 1 - skip] = ru->parts[i];
    texts[i + 1 - skip] = ru->texts[i];
  }
  ru->parts = parts;
  ru->texts = texts;
  ru->nconds += 1 - skip;
  ru->has_period = 1;
}

/* 'replace rule R from D until E': the period of a rule declared
   before, which otherwise stays as it was. */
static void period_of_rule(sema *s, decl *d) {
  int prev = strmap_get(s->rulemap, d->name);
  if (prev < 0) {
    diag_error(s->d, d->name_loc, "'replace rule %s' replaces nothing: no "
               "rule of that name is declared before", d->name);
    return;
  }
  if (s->rules[prev].final_) {
    diag_error(s->d, d->name_loc, "rule '%s' is final and cannot be "
               "replaced", d->name);
    return;
  }
  add_period(s, prev, d->period);
}

/* 'dated by FACT', declared once in the policy (in any of its files). */
static void collect_dated(sema *s) {
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind != DECL_DATED) continue;
    if (s->dated_by) {
      diag_error(s->d, d->loc, "the policy's date is already declared: "
                 "'dated by' is written once");
      diag_note(s->d, s->dated_loc, "declared here");
      continue;
    }
    s->dated_by = d->name;
    s->dated_loc = d->name_loc;
  }
}

/* The policy's date must be a date fact of the case itself. */
static void check_dated(sema *s) {
  if (!s->dated_by) return;
  int f = strmap_get(s->fieldmap, fmt(":%s", s->dated_by, ""));
  if (f < 0 || s->fields[f].object != 0)
    diag_error(s->d, s->dated_loc, "'%s' is not a fact of the case: the "
               "policy's date is a date the case gives", s->dated_by);
  else if (TY_KIND(s->fields[f].type) != TK_DATE)
    diag_error(s->d, s->dated_loc, "'%s' is %s, not a date", s->dated_by,
               type_name(s, s->fields[f].type));
  else {
    s->dated_field = f + 1;
    return;
  }
  s->dated_bad = 1; /* reported once here, not at every period */
}

/* Checks the periods of dated parameter 'name' (PERIOD list 'list', in
   the order written) and closes each open period the day before the
   next one starts. Periods must be in date order and must not overlap;
   a gap is allowed (no value is in force there). */
static int order_periods(sema *s, const char *name, ast *list) {
  int ok = 1;
  for (ast *pr = list; pr; pr = pr->next) {
    ast *next = pr->next;
    if (pr->b && pr->c && pr->c->num < pr->b->num) {
      diag_error(s->d, pr->loc, "this period of '%s' ends before it "
                 "starts", name);
      ok = 0;
    }
    if (!next) break;
    if (!next->b) {
      diag_error(s->d, next->loc, "periods of '%s' must each start with "
                 "'from DATE' after the first, in date order", name);
      ok = 0;
      continue;
    }
    int64_t start = pr->b ? pr->b->num : pr->c ? pr->c->num : DATE_MIN - 1;
    if (next->b->num <= start) {
      diag_error(s->d, next->loc, "periods of '%s' are not in date order: "
                 "this one starts on or before the one above", name);
      ok = 0;
      continue;
    }
    if (pr->c && pr->c->num >= next->b->num) {
      diag_error(s->d, next->loc, "periods of '%s' overlap: the one above "
                 "runs until %s", name, date_text(pr->c->num));
      ok = 0;
      continue;
    }
    if (!pr->c) {
      int64_t last;
      date_add_days(next->b->num, -1, &last);
      pr->c = ast_new(AST_DATE, next->b->loc);
      pr->c->num = last;
    }
  }
  return ok;
}

/* A period of a dated parameter as a rule of its internal decision. */
static decl *period_rule(const decl *base, const decl *src, ast *pr) {
  decl *r = decl_new(DECL_RULE, pr->loc);
  const ast *at = pr->b ? pr->b : pr->c;
  char day[11] = "always";
  if (at) day[date_format(at->num, day)] = 0;
  for (char *c = day; *c; c++)
    if (*c == '-') *c = '_';
  r->name = fmt("%s.%s", base->name, fmt(pr->b ? "from_%s" : pr->c
                                         ? "until_%s" : "%s", day, ""));
  r->name_loc = pr->loc;
  r->title = src->title ? src->title : base->title;
  r->cites = src->cites ? src->cites : base->cites;
  r->target = ast_new(AST_NAME, base->name_loc);
  r->target->name = base->name;
  r->value = pr->a;
  if (pr->b || pr->c) r->period = pr;
  r->module = src->module;
  return r;
}

/* A parameter with periods ('= V from D ...', in its declaration or
   added by 'replace parameter') becomes an internal decision of its own
   name, with one rule per period: rules read it as before, the
   explanation names the period that gave its value, and a case dated
   where no period is in force leaves it (and what reads it) undecided.
   A plain value is a period without dates; a plain 'replace parameter'
   after periods replaces them all. */
static void expand_dated_params(sema *s) {
  strmap *dated = s->dated_params = strmap_new();
  for (decl *d = s->decls; d; d = d->next)
    if (d->kind == DECL_PARAM && d->periods) strmap_put(dated, d->name, 1);
  decl **link = &s->decls;
  strmap *seen = strmap_new();
  decl **bases = NULL;
  ast **lists = NULL;
  int n = 0, cap = 0;
  for (decl *d = *link; d; d = *link) {
    if (d->kind != DECL_PARAM || strmap_get(dated, d->name) < 0) {
      link = &d->next;
      continue;
    }
    *link = d->next; /* the parameter's declarations leave the list */
    ast *mine = d->periods;
    if (!mine) {
      mine = ast_new(AST_PERIOD, d->loc);
      mine->a = d->value;
    }
    for (ast *pr = mine; pr; pr = pr->next) pr->aux = 0;
    int i = strmap_get(seen, d->name);
    if (i < 0 && d->replace) {
      diag_error(s->d, d->name_loc, "'replace parameter %s' replaces "
                 "nothing: no parameter of that name is declared before",
                 d->name);
      continue;
    }
    if (i >= 0 && !d->replace) {
      diag_error(s->d, d->name_loc, "parameter '%s' is already declared",
                 d->name);
      continue;
    }
    /* Remember where each period came from, for its title and cites. */
    decl *src = GC_MALLOC(sizeof *src);
    *src = *d;
    for (ast *pr = mine; pr; pr = pr->next) pr->name = (const char *)src;
    if (i < 0) {
      if (n == cap) {
        int c = cap ? cap * 2 : 8;
        bases = grow_copy(bases, (size_t)n, (size_t)c, sizeof *bases, 0);
        lists = grow_copy(lists, (size_t)n, (size_t)c, sizeof *lists, 0);
        cap = c;
      }
      i = n++;
      strmap_put(seen, d->name, i);
      bases[i] = d;
      lists[i] = mine;
      /* The decision takes the parameter's place in the list. */
      decl *dec = decl_new(DECL_DECISION, d->loc);
      dec->name = d->name;
      dec->name_loc = d->name_loc;
      dec->type = d->type;
      dec->title = d->title;
      dec->module = d->module;
      dec->attrs = ast_new(AST_ATTR, d->loc);
      dec->attrs->name = "internal";
      dec->next = *link;
      *link = dec;
      link = &dec->next;
      /* Placeholder: its rules follow once every period is known. */
      d->next = NULL;
    } else if (d->periods) {
      lists[i] = ast_append(lists[i], mine);
    } else {
      lists[i] = mine; /* a plain value replaces every period */
    }
  }
  /* The rules go at the end: their order among themselves is their
     order in time, and rules of other decisions are not affected. */
  for (int i = 0; i < n; i++) {
    if (!order_periods(s, bases[i]->name, lists[i])) continue;
    for (ast *pr = lists[i]; pr; pr = pr->next) {
      decl *r = period_rule(bases[i], (const decl *)pr->name, pr);
      if (!r->cites) {
        diag_error(s->d, pr->loc, "a value of the dated parameter '%s' "
                   "cites no policy text: add 'cites DOCUMENT \"section\"' "
                   "after its description", bases[i]->name);
        continue;
      }
      *link = r;
      link = &r->next;
    }
  }
}

/* } ====== */

static void check_cite(sema *s, decl *d, int r, const char *what) {
  sem_rule *ru = &s->rules[r];
  if (!d->title)
    diag_error(s->d, d->name_loc, "%s '%s' has no title: add one line in "
               "plain English, in quotes, after its name", what, d->name);
  ru->title = d->title;
  if (!d->cites) {
    diag_error(s->d, d->name_loc, "%s '%s' cites no policy text: add "
               "'cites DOCUMENT \"section\"'", what, d->name);
    return;
  }
  for (ast *c = d->cites; c; c = c->next)
    if (strmap_get(s->docs, c->name) < 0)
      diag_error(s->d, c->loc, "unknown document '%s': declare it with "
                 "'document %s \"full title\"'", c->name, c->name);
  ru->cites = d->cites;
}

static int target_decision(sema *s, ast *t) {
  int dec = strmap_get(s->decmap, t->name);
  if (dec < 0)
    diag_error(s->d, t->loc, "unknown decision '%s': declare it with "
               "'decision %s: TYPE'", t->name, t->name);
  return dec;
}

/* Rule 'r' is final, and the rule at 'at' would 'verb' ("replace",
   "override") it: one error for both ways of trying. */
static void final_error(sema *s, loc_t at, int r, const char *verb) {
  diag_error(s->d, at, "rule '%s' is final: no rule may %s it",
             s->rules[r].id, verb);
  diag_note(s->d, s->rules[r].id_loc, "declared final here");
}

static void collect_rule(sema *s, decl *d) {
  if (d->str && !strcmp(d->str, "period")) {
    period_of_rule(s, d);
    return;
  }
  int tprev = strmap_get(s->tablemap, d->name);
  if (tprev >= 0) {
    dup_error(s, d, "table", s->tables[tprev].d->name_loc);
    return;
  }
  int prev = strmap_get(s->rulemap, d->name);
  if (prev >= 0 && !d->replace) {
    dup_error(s, d, "rule", s->rules[prev].id_loc);
    diag_note(s->d, d->name_loc, "to change it, write 'replace rule %s'",
              d->name);
    return;
  }
  if (d->replace && prev < 0) {
    diag_error(s->d, d->name_loc, "'replace rule %s' replaces nothing: no "
               "rule of that name is declared before", d->name);
    return;
  }
  if (d->replace && s->rules[prev].final_) {
    final_error(s, d->name_loc, prev, "replace");
    return;
  }
  int dec = target_decision(s, d->target);
  /* The rule replaced may itself name no decision (an error already
     reported): then there is nothing to compare (fuzzing found the
     message reading the decision at index -1:
     tests/fuzz/regress/eval-replace-rule-of-unknown-decision). */
  if (d->replace && dec >= 0 && s->rules[prev].decision >= 0 &&
      s->rules[prev].decision != dec)
    diag_error(s->d, d->target->loc, "the replacement of '%s' must decide "
               "'%s', as the rule it replaces does", d->name,
               s->decisions[s->rules[prev].decision].name);
  int r = new_rule(s, d->name, d->loc, d->name_loc, dec, RK_RULE);
  if (d->replace) s->rules[prev].dropped = 1;
  sem_rule *ru = &s->rules[r];
  ru->module = d->module;
  ru->final_ = d->final_;
  ru->includes = d->includes;
  ru->target = d->target;
  ru->value = d->value;
  ru->overrides = d->overrides;
  set_parts(s, r, d->when, d->unless);
  if (d->period) add_period(s, r, d->period);
  check_cite(s, d, r, "rule");
  strmap_put(s->rulemap, d->name, r);
  if (dec >= 0) {
    sem_decision *dc = &s->decisions[dec];
    int collect = (dc->flags & DF_COLLECT) != 0;
    if (collect && !d->includes)
      diag_error(s->d, d->target->loc, "'%s' collects values: write '%s "
                 "includes VALUE'", dc->name, dc->name);
    if (!collect && d->includes)
      diag_error(s->d, d->target->loc, "'%s' does not collect values: write "
                 "'%s = VALUE'", dc->name, dc->name);
  }
}

static ast *cell_cond(sema *s, ast *input, ast *cell) {
  if (cell->op == '-') return NULL;
  ast *e;
  if (cell->op == 'l') {
    if (cell->a->next) {
      /* Several values: the input equals one of them, whatever its type
         (not a set, which only enumerations have). */
      e = NULL;
      for (ast *v = cell->a; v; v = v->next) {
        ast *eq = ast_new(AST_BINOP, v->loc);
        eq->op = OPB_EQ;
        eq->a = input;
        eq->b = ast_new(AST_NAME, v->loc);
        *eq->b = *v;
        eq->b->next = NULL;
        if (!e) {
          e = eq;
        } else {
          ast *or = ast_new(AST_BINOP, cell->loc);
          or->op = OPB_OR;
          or->a = e;
          or->b = eq;
          e = or;
        }
      }
      e->loc = cell->loc;
      e->aux = 'l'; /* shown as 'input in {values}' */
    } else {
      e = ast_new(AST_BINOP, cell->loc);
      e->op = OPB_EQ;
      e->a = input;
      e->b = cell->a;
    }
  } else {
    e = ast_new(AST_BINOP, cell->loc);
    e->op = cell->op;
    e->a = input;
    e->b = cell->a;
  }
  (void)s;
  return e;
}

/* Each row of a table is a rule of each decision the table sets; in a
   'first' table each row overrides the rows below it. The conditions of
   each cell are kept with the table for the coverage checks below. */
static void collect_table(sema *s, decl *d) {
  int nin = ast_count(d->head_in), nout = ast_count(d->head_out);
  if (nin > 64 || nout > 64) {
    diag_error(s->d, d->name_loc, "a table has at most 64 inputs and 64 "
               "outputs");
    return;
  }
  ast *ins[64], *outs[64];
  int decs[64], i = 0;
  for (ast *c = d->head_in; c; c = c->next) {
    if (c->op != 'l' || c->a->next) {
      diag_error(s->d, c->loc, "a table's header names one input per "
                 "column");
      return;
    }
    ins[i++] = c->a;
  }
  i = 0;
  for (ast *c = d->head_out; c; c = c->next) {
    if (c->op != 'l' || c->a->next || c->a->kind != AST_NAME) {
      diag_error(s->d, c->loc, "after '||' the header names the decisions "
                 "the table sets");
      return;
    }
    outs[i] = c->a;
    decs[i] = target_decision(s, c->a);
    if (decs[i] >= 0 && (s->decisions[decs[i]].flags & DF_COLLECT))
      diag_error(s->d, c->loc, "a table cannot set the collecting decision "
                 "'%s'", c->a->name);
    i++;
  }
  int prev = strmap_get(s->rulemap, d->name);
  if (prev >= 0) {
    dup_error(s, d, "rule or table", s->rules[prev].id_loc);
    return;
  }
  prev = strmap_get(s->tablemap, d->name);
  if (prev >= 0) {
    dup_error(s, d, "table", s->tables[prev].d->name_loc);
    return;
  }
  int ti = SEM_PUSH(s->tables, s->ntables, s->captables);
  strmap_put(s->tablemap, d->name, ti);
  sem_table *tb = &s->tables[ti];
  tb->d = d;
  tb->nin = nin;
  tb->nout = nout;
  tb->nrows = ast_count(d->rows);
  tb->inputs = GC_MALLOC((size_t)nin * sizeof *tb->inputs);
  memcpy(tb->inputs, ins, (size_t)nin * sizeof *ins);
  tb->cells = GC_MALLOC((size_t)(tb->nrows * nin + 1) * sizeof *tb->cells);
  tb->outputs = GC_MALLOC((size_t)(tb->nrows * nout + 1) *
                          sizeof *tb->outputs);
  tb->decisions = GC_MALLOC_ATOMIC((size_t)nout * sizeof *tb->decisions);
  memcpy(tb->decisions, decs, (size_t)nout * sizeof *decs);
  int *prev_rows[64];
  int nprev[64] = {0}, capprev[64] = {0};
  for (int o = 0; o < nout; o++) prev_rows[o] = NULL;
  int nrow = 0;
  for (ast *row = d->rows; row; row = row->next) {
    nrow++;
    if (ast_count(row->a) != nin || ast_count(row->b) != nout) {
      diag_error(s->d, row->loc, "row %d has %d inputs and %d outputs; the "
                 "header has %d and %d", nrow, ast_count(row->a),
                 ast_count(row->b), nin, nout);
      tb->valid = -1;
      continue;
    }
    ast *when = NULL;
    int k = 0;
    for (ast *c = row->a; c; c = c->next, k++) {
      ast *cond = cell_cond(s, ins[k], c);
      tb->cells[(nrow - 1) * nin + k] = cond;
      if (!cond) continue;
      if (!when) {
        when = cond;
      } else {
        ast *and = ast_new(AST_BINOP, loc_span(when->loc, cond->loc));
        and->op = OPB_AND;
        and->a = when;
        and->b = cond;
        when = and;
      }
    }
    k = 0;
    for (ast *c = row->b; c; c = c->next, k++) {
      if (c->op != 'l' || c->a->next) {
        diag_error(s->d, c->loc, "an output cell holds one value");
        continue;
      }
      tb->outputs[(nrow - 1) * nout + k] = c->a;
      char num[16];
      snprintf(num, sizeof num, "%d", nrow);
      char *id = nout > 1 ? fmt("%s.row%s", d->name, fmt("%s.%s", num,
                                                         outs[k]->name))
                          : fmt("%s.row%s", d->name, num);
      int r = new_rule(s, id, row->loc, row->loc, decs[k], RK_ROW);
      strmap_put(s->rulemap, id, r);
      sem_rule *ru = &s->rules[r];
      ru->table = ti + 1;
      ru->module = d->module;
      ru->value = c->a;
      ru->target = outs[k];
      set_parts(s, r, when, NULL);
      /* A row's conditions read 'input = value'; show them that way. */
      for (int p = 0; p < ru->nconds; p++) {
        static const char *ops[] = {"=", "!=", "<", "<=", ">", ">=", "in"};
        ast *pe = ru->parts[p];
        const char *lhs = diag_snippet(s->d, pe->a->loc);
        const char *rhs = diag_snippet(s->d, pe->b->loc);
        if (pe->op == OPB_OR) {
          /* 'input = a or input = b': shown as the cell was written. */
          ast *first = pe;
          while (first->op == OPB_OR) first = first->a;
          ru->texts[p] = fmt("%s in {%s}",
                             diag_snippet(s->d, first->a->loc),
                             diag_snippet(s->d, pe->loc));
          continue;
        }
        ru->texts[p] = fmt("%s %s", lhs, fmt("%s %s",
                                             ops[pe->op - OPB_EQ], rhs));
      }
      if (d->period) add_period(s, r, d->period);
      check_cite(s, d, r, "table");
      ru->title = d->title;
      /* In a 'first' table each row beats the next, and through it every
         later row (the VM follows the chain): n-1 edges, not n^2/2. */
      if (d->first && nprev[k]) {
        sem_rule *above = &s->rules[prev_rows[k][nprev[k] - 1]];
        sem_intpush(&above->beats, &above->nbeats, &above->capbeats, r);
      }
      sem_intpush(&prev_rows[k], &nprev[k], &capprev[k], r);
    }
  }
  if (!nrow) diag_warning(s->d, d->name_loc, "table '%s' has no rows",
                          d->name);
}

static void collect_rules(sema *s) {
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind == DECL_RULE) collect_rule(s, d);
    else if (d->kind == DECL_TABLE) collect_table(s, d);
  }
  for (int r = 0; r < s->nrules; r++) {
    sem_rule *ru = &s->rules[r];
    if (ru->dropped || ru->decision < 0) continue;
    sem_decision *dc = &s->decisions[ru->decision];
    sem_intpush(&dc->rules, &dc->nrules, &dc->caprules, r);
  }
  for (int i = 0; i < s->ndecisions; i++) {
    sem_decision *dc = &s->decisions[i];
    if (!(dc->flags & (DF_DEFAULT | DF_COLLECT))) continue;
    int r = new_rule(s, "default", dc->loc, dc->loc, i, RK_DEFAULT);
    s->rules[r].title = dc->title
                            ? dc->title
                            : fmt("%s when no rule applies", dc->name, "");
    s->rules[r].value = dc->dflt;
    s->rules[r].cites = dc->cites;
    if (dc->flags & DF_COLLECT) {
      s->rules[r].value = ast_new(AST_SET, dc->loc);
      s->rules[r].title = "nothing is collected when no rule applies";
    }
    dc->default_rule = r;
    s->rules[r].texts = GC_MALLOC(sizeof(char *));
    dc = &s->decisions[i];
    sem_intpush(&dc->rules, &dc->nrules, &dc->caprules, r);
  }
}

/* } ====== */

/* { ====== 'also cites': citations added to a rule declared elsewhere ====== */

/* The citation of 'list' of the same document and section as 'c' that
   quotes nothing, or NULL. */
static ast *unquoted_same(ast *list, const ast *c) {
  for (; list; list = list->next)
    if (!list->b && !strcmp(list->name, c->name) &&
        !strcmp(list->a->name, c->a->name))
      return list;
  return NULL;
}

/* A new list: the citations of 'list', then 'add'. The nodes are copied,
   since a list may be shared (a decision's citations are its default's)
   and its links are the nodes' own 'next'. An added quotation of a
   section already cited without one quotes that citation: 'also cites'
   can add the words to a citation, not only a second citation. */
static ast *cites_concat(ast *list, ast *add) {
  ast *head = NULL, **tail = &head;
  for (int pass = 0; pass < 2; pass++)
    for (ast *c = pass ? add : list; c; c = c->next) {
      ast *same = pass && c->b ? unquoted_same(head, c) : NULL;
      if (same) {
        same->b = c->b;
        continue;
      }
      ast *n = ast_new(AST_NAME, c->loc);
      n->name = c->name;
      n->a = c->a;
      n->b = c->b;
      *tail = n;
      tail = &n->next;
    }
  return head;
}

/* Whether 'list' already cites the document and section of 'c', with the
   same quotation or none: two sentences of one section are two
   citations. */
static int cites_has(const ast *list, const ast *c) {
  for (; list; list = list->next)
    if (!strcmp(list->name, c->name) && !strcmp(list->a->name, c->a->name) &&
        !list->b == !c->b && (!c->b || !strcmp(list->b->name, c->b->name)))
      return 1;
  return 0;
}

/* Checks the added citations (each document declared, none already
   there) and returns those to add. */
static ast *new_cites(sema *s, decl *d, ast *have) {
  ast *keep = NULL, **tail = &keep;
  for (ast *c = d->cites; c; c = c->next) {
    if (strmap_get(s->docs, c->name) < 0) {
      diag_error(s->d, c->loc, "unknown document '%s': declare it with "
                 "'document %s \"full title\"'", c->name, c->name);
      continue;
    }
    if (cites_has(have, c)) {
      diag_warning(s->d, c->loc, "%s '%s' already cites %s \"%s\"", d->str,
                   d->name, c->name, c->a->name);
      continue;
    }
    ast *n = ast_new(AST_NAME, c->loc);
    n->name = c->name;
    n->a = c->a;
    n->b = c->b;
    *tail = n;
    tail = &n->next;
  }
  return keep;
}

static void also_cite_rule(sema *s, decl *d) {
  int r = strmap_get(s->rulemap, d->name);
  if (r < 0 || s->rules[r].kind != RK_RULE) {
    if (strmap_get(s->tablemap, d->name) >= 0)
      diag_error(s->d, d->name_loc, "'%s' is a table: write 'table %s also "
                 "cites ...'", d->name, d->name);
    else
      diag_error(s->d, d->name_loc, "unknown rule '%s': 'also cites' adds "
                 "citations to a rule of this policy or of a file it "
                 "imports", d->name);
    return;
  }
  sem_rule *ru = &s->rules[r];
  ru->cites = cites_concat(ru->cites, new_cites(s, d, ru->cites));
}

static void also_cite_table(sema *s, decl *d) {
  int t = strmap_get(s->tablemap, d->name);
  if (t < 0 && strmap_get(s->rulemap, d->name) >= 0) {
    diag_error(s->d, d->name_loc, "'%s' is a rule: write 'rule %s also "
               "cites ...'", d->name, d->name);
    return;
  }
  if (t < 0) {
    diag_error(s->d, d->name_loc, "unknown table '%s': 'also cites' adds "
               "citations to a table of this policy or of a file it "
               "imports", d->name);
    return;
  }
  ast *add = new_cites(s, d, s->tables[t].d->cites);
  for (int r = 0; r < s->nrules; r++)
    if (s->rules[r].table == t + 1)
      s->rules[r].cites = cites_concat(s->rules[r].cites, add);
}

static void also_cite_decision(sema *s, decl *d) {
  int i = strmap_get(s->decmap, d->name);
  if (i < 0) {
    diag_error(s->d, d->name_loc, "unknown decision '%s': 'also cites' adds "
               "citations to the default of a decision of this policy or "
               "of a file it imports", d->name);
    return;
  }
  sem_decision *dc = &s->decisions[i];
  if (dc->default_rule < 0) {
    diag_error(s->d, d->name_loc, "decision '%s' has no default: 'also "
               "cites' on a decision adds to what its default rests on",
               d->name);
    return;
  }
  dc->cites = cites_concat(dc->cites, new_cites(s, d, dc->cites));
  s->rules[dc->default_rule].cites = dc->cites;
}

/* Runs after every rule, table and default exists, and in the order of
   the declarations, imported files first: a rule's own citations come
   first, then those the importing files add. */
static void add_citations(sema *s) {
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind != DECL_CITE) continue;
    if (!strcmp(d->str, "rule")) also_cite_rule(s, d);
    else if (!strcmp(d->str, "table")) also_cite_table(s, d);
    else also_cite_decision(s, d);
  }
}

/* The strict check ('entitle check --strict'): every default carries a
   citation, as every rule and table must. A rule without one is already
   an error (check_cite); a default was allowed none, and then a decision
   made by default was explained citing nothing. */
void sema_check_strict(sema *s) {
  for (int i = 0; i < s->ndecisions; i++) {
    const sem_decision *dc = &s->decisions[i];
    if (dc->default_rule < 0 || s->rules[dc->default_rule].cites) continue;
    diag_error(s->d, dc->loc, "the default of '%s' cites no policy text: "
               "add 'cites DOCUMENT \"section\"' to the decision, or "
               "'decision %s also cites DOCUMENT \"section\"' in the file "
               "that applies it", dc->name, dc->name);
  }
  for (diag_msg *m = s->d->first; m; m = m->next)
    if (m->severity == DIAG_WARNING) {
      m->severity = DIAG_ERROR;
      s->d->nwarnings--;
      s->d->nerrors++;
    }
}

/* } ====== */

/* { ====== types of rules ====== */

static void check_rule_types(sema *s) {
  for (int r = 0; r < s->nrules; r++) {
    sem_rule *ru = &s->rules[r];
    if (ru->dropped || ru->decision < 0) continue;
    sem_decision *dc = &s->decisions[ru->decision];
    if (dc->type == TY_ERROR) continue;
    type_ctx c = {s, ru->decision, NULL, {0}, {0}, 0, 0, NULL};
    c.what = ru->kind == RK_DEFAULT
                 ? fmt("the default of '%s'", dc->name, "")
                 : fmt("rule '%s'", ru->id, "");
    for (int p = 0; p < ru->nconds + ru->nexcs; p++) {
      int t = types_expr(&c, ru->parts[p], TY(TK_BOOL, 0));
      if (t != TY_ERROR && t != TY(TK_BOOL, 0))
        diag_error(s->d, ru->parts[p]->loc, "a condition must be true or "
                   "false, not %s", type_name(s, t));
    }
    if (!ru->value) continue;
    int want = dc->type;
    if (ru->includes && TY_KIND(want) == TK_SET) {
      /* 'D includes v' adds one value, or a set of them. */
      if (ru->value->kind == AST_SET) {
        types_expr(&c, ru->value, want);
      } else {
        int t = types_expr(&c, ru->value, TY(TK_ENUM, TY_IDX(want)));
        if (t != TY_ERROR && t != TY(TK_ENUM, TY_IDX(want)))
          diag_error(s->d, ru->value->loc, "expected a value of '%s'",
                     s->enums[TY_IDX(want)].name);
        ru->includes = 2; /* one value: the compiler makes it a set */
      }
      continue;
    }
    int t = types_expr(&c, ru->value, want);
    if (t != TY_ERROR && t != want)
      diag_error(s->d, ru->value->loc, "'%s' is %s; this value is %s",
                 dc->name, type_name(s, want), type_name(s, t));
  }
}

/* } ====== */

/* { ====== precedence ====== */

static void resolve_overrides(sema *s) {
  for (int r = 0; r < s->nrules; r++) {
    sem_rule *ru = &s->rules[r];
    if (ru->dropped) continue;
    for (ast *o = ru->overrides; o; o = o->next) {
      int tb = strmap_get(s->tablemap, o->name);
      if (tb >= 0) {
        /* A whole table: every row that sets this rule's decision. */
        int found = 0;
        for (int t = 0; t < s->nrules; t++)
          if (s->rules[t].table == tb + 1 &&
              s->rules[t].decision == ru->decision) {
            sem_intpush(&ru->beats, &ru->nbeats, &ru->capbeats, t);
            found = 1;
          }
        if (!found)
          diag_error(s->d, o->loc, "table '%s' does not set '%s', the "
                     "decision of rule '%s'", o->name,
                     ru->decision >= 0 ? s->decisions[ru->decision].name
                                       : "?", ru->id);
        continue;
      }
      int t = strmap_get(s->rulemap, o->name);
      if (t < 0) {
        diag_error(s->d, o->loc, "rule '%s' overrides unknown rule '%s'",
                   ru->id, o->name);
        continue;
      }
      sem_rule *tr = &s->rules[t];
      if (tr->decision != ru->decision) {
        diag_error(s->d, o->loc, "rule '%s' decides '%s' but '%s' decides "
                   "'%s': a rule only overrides rules of its own decision",
                   ru->id, ru->decision >= 0
                               ? s->decisions[ru->decision].name : "?",
                   o->name, tr->decision >= 0
                               ? s->decisions[tr->decision].name : "?");
        continue;
      }
      if (tr->final_ && !ru->final_) {
        final_error(s, o->loc, t, "override");
        continue;
      }
      if (t == r) {
        diag_error(s->d, o->loc, "rule '%s' overrides itself", o->name);
        continue;
      }
      sem_intpush(&ru->beats, &ru->nbeats, &ru->capbeats, t);
    }
  }
  /* Final rules beat every rule of their decision that is not final. */
  for (int i = 0; i < s->ndecisions; i++) {
    sem_decision *dc = &s->decisions[i];
    for (int a = 0; a < dc->nrules; a++) {
      sem_rule *ra = &s->rules[dc->rules[a]];
      if (!ra->final_) continue;
      for (int b = 0; b < dc->nrules; b++) {
        sem_rule *rb = &s->rules[dc->rules[b]];
        if (!rb->final_ && rb->kind != RK_DEFAULT)
          sem_intpush(&ra->beats, &ra->nbeats, &ra->capbeats, dc->rules[b]);
      }
    }
  }
}

/* A min-heap of rule positions: the ready rule declared first is taken
   first, so ties keep declaration order without rescanning the rules. */
static void heap_push(int *h, int *n, int v) {
  int i = (*n)++;
  while (i > 0 && h[(i - 1) / 2] > v) {
    h[i] = h[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h[i] = v;
}

static int heap_pop(int *h, int *n) {
  int top = h[0], v = h[--*n], i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= *n) break;
    if (c + 1 < *n && h[c + 1] < h[c]) c++;
    if (h[c] >= v) break;
    h[i] = h[c];
    i = c;
  }
  if (*n) h[i] = v;
  return top;
}

/* Orders the rules of each decision so that a rule comes after every rule
   that beats it (Kahn's algorithm; ties keep declaration order). A cycle
   of 'overrides' is an error naming the rules on it. */
static void order_rules(sema *s) {
  for (int i = 0; i < s->ndecisions; i++) {
    sem_decision *dc = &s->decisions[i];
    int n = dc->nrules;
    if (!n) continue;
    int *indeg = GC_MALLOC_ATOMIC(n * sizeof *indeg);
    int *ready = GC_MALLOC_ATOMIC(n * sizeof *ready);
    int *out = GC_MALLOC_ATOMIC(n * sizeof *out);
    memset(indeg, 0, n * sizeof *indeg);
    for (int a = 0; a < n; a++) s->rules[dc->rules[a]].pos = a;
    for (int a = 0; a < n; a++) {
      sem_rule *ra = &s->rules[dc->rules[a]];
      for (int k = 0; k < ra->nbeats; k++)
        indeg[s->rules[ra->beats[k]].pos]++;
    }
    int no = 0, nready = 0;
    /* The default is last whatever happens: it is beaten by every rule. */
    for (int a = 0; a < n; a++)
      if (!indeg[a] && s->rules[dc->rules[a]].kind != RK_DEFAULT)
        heap_push(ready, &nready, a);
    while (nready) {
      int a = heap_pop(ready, &nready);
      sem_rule *ra = &s->rules[dc->rules[a]];
      out[no++] = dc->rules[a];
      for (int k = 0; k < ra->nbeats; k++) {
        int b = s->rules[ra->beats[k]].pos;
        if (!--indeg[b] && s->rules[dc->rules[b]].kind != RK_DEFAULT)
          heap_push(ready, &nready, b);
      }
    }
    if (dc->default_rule >= 0) out[no++] = dc->default_rule;
    if (no < n) {
      for (int a = 0; a < n; a++)
        if (indeg[a] > 0) {
          sem_rule *ra = &s->rules[dc->rules[a]];
          diag_error(s->d, ra->id_loc, "rules of '%s' override each other "
                     "in a cycle, through '%s': precedence must run one way",
                     dc->name, ra->id);
          break;
        }
      continue;
    }
    dc->rules = out;
  }
}

/* } ====== */

/* { ====== order of decisions ====== */

static int cycle_report(sema *s, int *stack, int depth, int at) {
  int start = 0;
  while (stack[start] != at) start++;
  size_t len = 0;
  for (int i = start; i < depth; i++)
    len += strlen(s->decisions[stack[i]].name) + 4;
  len += strlen(s->decisions[at].name) + 1;
  char *msg = GC_MALLOC_ATOMIC(len);
  msg[0] = 0;
  for (int i = start; i < depth; i++) {
    strcat(msg, s->decisions[stack[i]].name);
    strcat(msg, " -> ");
  }
  strcat(msg, s->decisions[at].name);
  diag_error(s->d, s->decisions[at].loc, "decisions depend on each other in "
             "a cycle: %s", msg);
  for (int i = start; i < depth; i++) {
    sem_decision *dc = &s->decisions[stack[i]];
    int next = i + 1 < depth ? stack[i + 1] : at;
    for (int k = 0; k < dc->ndeps; k++)
      if (dc->deps[k] == next)
        diag_note(s->d, dc->dep_locs[k], "'%s' reads '%s' here", dc->name,
                  s->decisions[next].name);
  }
  return -1;
}

/* Depth-first ordering; iterative so that a long chain of decisions does
   not use the C stack. */
static int order_decisions(sema *s) {
  int n = s->ndecisions, no = 0, rc = 0;
  size_t nn = (size_t)n + 1;
  s->order = GC_MALLOC_ATOMIC(nn * sizeof *s->order);
  int *stack = GC_MALLOC_ATOMIC(nn * sizeof *stack);
  int *iter = GC_MALLOC_ATOMIC(nn * sizeof *iter);
  for (int i = 0; i < n; i++) s->decisions[i].mark = 0;
  for (int root = 0; root < n; root++) {
    if (s->decisions[root].mark) continue;
    int depth = 0;
    stack[depth] = root;
    iter[depth++] = 0;
    s->decisions[root].mark = 1;
    while (depth) {
      sem_decision *dc = &s->decisions[stack[depth - 1]];
      if (iter[depth - 1] < dc->ndeps) {
        int next = dc->deps[iter[depth - 1]++];
        if (s->decisions[next].mark == 1) {
          rc = cycle_report(s, stack, depth, next);
          continue;
        }
        if (s->decisions[next].mark == 2) continue;
        s->decisions[next].mark = 1;
        stack[depth] = next;
        iter[depth++] = 0;
      } else {
        dc->mark = 2;
        s->order[no++] = stack[--depth];
      }
    }
  }
  return rc;
}

/* } ====== */

/* By the map of names, not a walk of the declarations: a citation is
   looked up for every rule, and a policy can have thousands of both. */
static decl *docs_decl(sema *s, const char *name) {
  int i = strmap_get(s->docs, name);
  return i >= 0 ? s->docdecls[i] : NULL;
}

const char *sema_document_title(sema *s, const char *name) {
  decl *d = docs_decl(s, name);
  return d ? d->str : "";
}

/* Declaration 'd' of document 'k' may name its text: one file, though a
   national file and a council's may both declare the document. */
static void doc_text(sema *s, int k, decl *d) {
  if (!d->text_path) return;
  decl *had = s->doctexts[k];
  if (had && (had->module != d->module ||
              strcmp(had->text_path, d->text_path))) {
    diag_error(s->d, d->text_loc, "document '%s' already names its text",
               d->name);
    diag_note(s->d, had->text_loc, "named here");
    return;
  }
  s->doctexts[k] = d;
}

static void collect_docs_and_tests(sema *s) {
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind == DECL_POLICY && d->module == s->root) {
      if (s->policy) {
        diag_error(s->d, d->name_loc, "a file has one 'policy' header");
        continue;
      }
      s->policy = d;
    } else if (d->kind == DECL_DOCUMENT) {
      /* A local file may declare a document the national file declares
         too, so that it reads whole; the titles must agree. */
      int prev = strmap_get(s->docs, d->name);
      if (prev >= 0) {
        if (strcmp(sema_document_title(s, d->name), d->str)) {
          diag_error(s->d, d->name_loc, "document '%s' is already declared "
                     "with another title", d->name);
          diag_note(s->d, docs_decl(s, d->name)->name_loc, "declared here");
        }
        doc_text(s, prev, d);
        continue;
      }
      int k = SEM_PUSH(s->docdecls, s->ndocdecls, s->capdocdecls);
      s->docdecls[k] = d;
      SEM_PUSH(s->doctexts, s->ndoctexts, s->capdoctexts);
      strmap_put(s->docs, d->name, k);
      doc_text(s, k, d);
    } else if (d->kind == DECL_TEST) {
      int prev = strmap_get(s->testmap, d->name);
      if (prev >= 0 && s->tests[prev].module == d->module) {
        diag_error(s->d, d->name_loc, "test \"%s\" is already declared",
                   d->name);
        continue;
      }
      int t = SEM_PUSH(s->tests, s->ntests, s->captests);
      s->tests[t].name = d->name;
      s->tests[t].d = d;
      s->tests[t].module = d->module;
      strmap_put(s->testmap, d->name, t);
    }
  }
  if (!s->policy)
    diag_error(s->d, loc_make(s->root, 0, 0), "the file has no 'policy' "
               "header: start it with 'policy \"name\" version \"...\"'");
}

/* A parameter, a fact and a decision never share a name, and no decision
   name is a group of others ('budget' beside 'budget.total') or the name
   of a list (whose items' decisions are printed under it). */
static void check_name_clashes(sema *s) {
  for (int i = 0; i < s->nparams; i++) {
    sem_param *p = &s->params[i];
    if (strmap_get(s->fieldmap, fmt(":%s%s", p->name, "")) >= 0 ||
        strmap_get(s->decmap, p->name) >= 0)
      diag_error(s->d, p->loc, "parameter '%s' has the name of a fact or a "
                 "decision", p->name);
  }
  for (int i = 0; i < s->ndecisions; i++) {
    sem_decision *dc = &s->decisions[i];
    if (dc->list >= 0) continue;
    const char *n = dc->name;
    for (const char *dot = strchr(n, '.'); dot; dot = strchr(dot + 1, '.')) {
      char *head = GC_MALLOC_ATOMIC((size_t)(dot - n) + 1);
      memcpy(head, n, (size_t)(dot - n));
      head[dot - n] = 0;
      int other = strmap_get(s->decmap, head);
      if (other >= 0 && s->decisions[other].list < 0)
        diag_error(s->d, dc->loc, "'%s' groups decisions under '%s', which "
                   "is itself a decision", n, head);
      if (strmap_get(s->fieldmap, fmt(":%s%s", head, "")) >= 0)
        diag_error(s->d, dc->loc, "'%s' groups decisions under '%s', which "
                   "is a fact", n, head);
    }
  }
}

/* Lays out decision values and rule states in their rows. */
static void assign_slots(sema *s) {
  for (int i = 0; i < s->ndecisions; i++) {
    sem_decision *dc = &s->decisions[i];
    dc->slot = next_slot(s, dc->list);
    next_slot(s, dc->list);
  }
}

/* Requirements on the case: conditions a valid case meets, checked
   before anything is decided. */
static void collect_requires(sema *s) {
  for (decl *d = s->decls; d; d = d->next) {
    if (d->kind != DECL_REQUIRE) continue;
    if (!d->title)
      diag_error(s->d, d->name_loc, "a requirement needs a message saying, "
                 "in plain English, what a valid case must meet");
    int i = SEM_PUSH(s->requires, s->nrequires, s->caprequires);
    s->requires[i].cond = d->value;
    s->requires[i].title = d->title;
    s->requires[i].loc = d->loc;
    type_ctx c = {s, -1, "a requirement", {0}, {0}, 0, 1, NULL};
    int t = types_expr(&c, d->value, TY(TK_BOOL, 0));
    if (t != TY_ERROR && t != TY(TK_BOOL, 0))
      diag_error(s->d, d->value->loc, "a requirement must be true or "
                 "false, not %s", type_name(s, t));
  }
}

int resolve_policy(sema *s) {
  s->docs = strmap_new();
  s->types = strmap_new();
  s->fieldmap = strmap_new();
  s->decmap = strmap_new();
  s->parammap = strmap_new();
  s->rulemap = strmap_new();
  s->testmap = strmap_new();
  s->tablemap = strmap_new();
  collect_docs_and_tests(s);
  collect_dated(s);
  expand_dated_params(s);
  collect_types(s);
  collect_params(s);
  build_schema(s);
  check_dated(s);
  collect_decisions(s);
  check_name_clashes(s);
  collect_rules(s);
  add_citations(s);
  quotes_check(s);
  check_rule_types(s);
  collect_requires(s);
  if (!s->d->nerrors) tables_check(s);
  resolve_overrides(s);
  if (s->d->nerrors) return -1;
  order_rules(s);
  if (order_decisions(s)) return -1;
  assign_slots(s);
  return s->d->nerrors ? -1 : 0;
}
