/*
** verify.c: the bytecode verifier.
**
** The verifier runs on every program loaded from a file. It checks that
** every index in every table is in range, that every string is inside the
** pool, that every operand fits its format (opcodes.h), that jumps land
** inside the code and go forward (only LOOP_NEXT goes back, to the start
** of its loop), and that rule instructions sit inside the block of the
** decision they belong to. What it cannot know (values in case memory) the
** VM checks as it runs.
*/
#include <gc.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bytecode.h"
#include "strmap.h"
#include "utf8.h"

typedef struct {
  const ent_program *p;
  char *err;
  size_t errlen;
  int failed;
} verifier;

__attribute__((format(printf, 2, 3)))
static int bad(verifier *v, const char *fmt, ...) {
  if (v->failed) return -1;
  v->failed = 1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->err, v->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

static int str_ok(verifier *v, strref s, const char *what, uint32_t i) {
  if (s >= v->p->nstrings)
    return bad(v, "%s %u names string %u, past the string table (%u bytes)",
               what, i, s, v->p->nstrings);
  /* The pool is UTF-8 (tables_ok), so a string is too unless it starts
     inside a character: fuzzing found one that did, and its bytes went
     into explain_json's output, which was then not JSON. */
  if (((unsigned char)v->p->strings[s] & 0xC0) == 0x80)
    return bad(v, "%s %u names string %u, inside a character", what, i, s);
  return 0;
}

static int type_ok(verifier *v, int32_t t, const char *what, uint32_t i) {
  const ent_program *p = v->p;
  int k = TY_KIND(t);
  uint32_t x = (uint32_t)TY_IDX(t);
  if (t < 0 || k >= TK_ERROR)
    return bad(v, "%s %u has an unknown type %d", what, i, t);
  if ((k == TK_ENUM || k == TK_SET) && x >= p->nenums)
    return bad(v, "%s %u has a type naming enum %u of %u", what, i, x,
               p->nenums);
  if (k == TK_SET && p->enums[x].n > 64)
    return bad(v, "%s %u is a set of an enum of more than 64 values", what,
               i);
  if (k == TK_LIST && x >= p->nlists)
    return bad(v, "%s %u has a type naming list %u of %u", what, i, x,
               p->nlists);
  return 0;
}

/* Whether constant 'x' is a value of type 'ty': a date in the calendar,
   an enumeration value of its enumeration, a set of its values. */
static int value_ok(verifier *v, int32_t ty, ent_val x, const char *what,
                    uint32_t i) {
  const ent_program *p = v->p;
  int ok = 1;
  switch (TY_KIND(ty)) {
  case TK_BOOL: ok = x == 0 || x == 1; break;
  case TK_DATE: ok = x >= DATE_MIN && x <= DATE_MAX; break;
  case TK_ENUM: ok = x >= 0 && (uint64_t)x < p->enums[TY_IDX(ty)].n; break;
  case TK_SET: {
    uint32_t n = p->enums[TY_IDX(ty)].n;
    ok = n >= 64 || ((uint64_t)x >> n) == 0;
    break;
  }
  case TK_TEXT: case TK_RECORD: case TK_LIST: ok = 0; break;
  default: break;
  }
  if (!ok) return bad(v, "%s %u has a value that is not of its type", what, i);
  return 0;
}

/* The width of the row a list index (or -1, the case) denotes. */
/* The type of what ref 'r' reads (not REF_AGE). */
static int32_t ref_type(const ent_program *p, const prog_ref *r) {
  return r->kind == REF_FIELD      ? p->fields[r->index].type
         : r->kind == REF_DECISION ? p->decisions[r->index].type
                                   : p->params[r->index].type;
}

/* Whether REF_AGE ref 'i' of a part whose refs start at 'first' names two
   earlier refs of the part that read dates: 0 if so. */
static int age_ref_ok(const ent_program *p, uint32_t first, uint32_t i) {
  const prog_ref *r = &p->refs[i];
  uint32_t two[2] = {r->index, r->item};
  for (int k = 0; k < 2; k++)
    if (two[k] < first || two[k] >= i || p->refs[two[k]].kind == REF_AGE ||
        TY_KIND(ref_type(p, &p->refs[two[k]])) != TK_DATE)
      return -1;
  return 0;
}

static uint32_t row_width(const ent_program *p, int32_t list) {
  return list < 0 ? p->case_width : p->lists[list].width;
}

/* explain.c shows the per-item decisions of a list under the list's
   path, and case decisions under the groups their dotted names make
   ('budget.total' under 'budget'); a name shared by a list and a group,
   or by two lists, merges them, and the item decisions are then read
   from the wrong rows. The compiler refuses such names ("'items.n'
   groups decisions under 'items', which is a fact"); fuzzing found a
   crafted program with one, and explain_json read past the case memory
   (tests/fuzz/regress/program-group-named-like-list). Lists are few and
   their fields were checked by tables_ok. */
static int groups_ok(verifier *v) {
  const ent_program *p = v->p;
  strmap *paths = strmap_new();
  const char *shared = NULL;
  for (uint32_t l = 0; l < p->nlists && !shared; l++) {
    const char *path = prog_str(p, p->fields[p->lists[l].field].path);
    if (strmap_get(paths, path) >= 0) shared = path;
    else strmap_put(paths, path, (int)l);
  }
  for (uint32_t i = 0; i < p->ndecisions && !shared; i++) {
    const char *name = prog_str(p, p->decisions[i].name);
    const char *dot = strchr(name, '.');
    if (p->decisions[i].list >= 0 || !dot) continue;
    size_t n = (size_t)(dot - name);
    char *group = GC_MALLOC_ATOMIC(n + 1);
    memcpy(group, name, n);
    group[n] = 0;
    if (strmap_get(paths, group) >= 0) shared = group;
  }
  if (shared)
    return bad(v, "'%s' names a list and also another list or a group of "
               "decisions", shared);
  return 0;
}

/* Each imported file: its strings, a file name, and no file twice (a
   policy reads each file once, module.c). */
static int imports_ok(verifier *v) {
  const ent_program *p = v->p;
  for (uint32_t i = 0; i < p->nimports; i++) {
    const prog_import *im = &p->imports[i];
    if (str_ok(v, im->file, "import", i) || str_ok(v, im->name, "import", i)
        || str_ok(v, im->version, "import", i))
      return -1;
    if (!p->strings[im->file])
      return bad(v, "import %u names no file", i);
    for (uint32_t k = 0; k < i; k++)
      if (!strcmp(prog_str(p, p->imports[k].file), prog_str(p, im->file)))
        return bad(v, "imports %u and %u name the same file '%s'", k, i,
                   prog_str(p, im->file));
  }
  return 0;
}

static int tables_ok(verifier *v) {
  const ent_program *p = v->p;
  if (!p->nstrings || p->strings[p->nstrings - 1] != 0)
    return bad(v, "the string table does not end with a NUL byte");
  /* The pool must be UTF-8 text (NUL bytes end its strings). Fuzzing: a
     pool with other bytes loaded, and explain_json then wrote them into
     its output, which was no longer JSON (RFC 8259 wants UTF-8). The
     compiler only stores text of UTF-8 rule files, so a pool that is not
     UTF-8 was made by hand or damaged. */
  if (!utf8_valid((const unsigned char *)p->strings, p->nstrings))
    return bad(v, "the string table is not UTF-8 text");
  if (str_ok(v, p->name, "the header", 0) ||
      str_ok(v, p->version, "the header", 0) ||
      str_ok(v, p->status, "the header", 0))
    return -1;
  if (imports_ok(v)) return -1;
  if (p->nregs == 0 || p->nregs > 65535)
    return bad(v, "the program asks for %u registers", p->nregs);
  if (p->case_width > (1u << 24))
    return bad(v, "the case row is %u words wide", p->case_width);
  for (uint32_t i = 0; i < p->nenum_values; i++)
    if (str_ok(v, p->enum_values[i], "enum value", i)) return -1;
  for (uint32_t i = 0; i < p->nenums; i++) {
    const prog_enum *e = &p->enums[i];
    if (str_ok(v, e->name, "enum", i)) return -1;
    if (e->first > p->nenum_values || e->n > p->nenum_values - e->first)
      return bad(v, "enum %u has values past the enum value table", i);
  }
  for (uint32_t i = 0; i < p->nlists; i++) {
    const prog_list *l = &p->lists[i];
    if (l->field >= p->nfields || l->object >= p->nobjects ||
        l->key >= p->nfields)
      return bad(v, "list %u names a field or object out of range", i);
    if (l->width == 0 || l->width > (1u << 20))
      return bad(v, "list %u has rows %u words wide", i, l->width);

    if (str_ok(v, l->item_name, "list", i)) return -1;
  }
  for (uint32_t i = 0; i < p->nobjects; i++) {
    const prog_object *o = &p->objects[i];
    if (o->first_field > p->nfields ||
        o->nfields > p->nfields - o->first_field)
      return bad(v, "object %u has fields past the field table", i);
    if (o->list != -1 && (o->list < 0 || (uint32_t)o->list >= p->nlists))
      return bad(v, "object %u belongs to list %d of %u", i, o->list,
                 p->nlists);
  }
  if (!p->nobjects) return bad(v, "the program has no case object");
  if (p->objects[0].list != -1 || p->objects[0].parent_field != UINT32_MAX)
    return bad(v, "the case object belongs to a list or a field");
  /* The objects form a tree under the case: each is opened by one field
     of an object nearer the case, so the decoder's walk ends. */
  for (uint32_t i = 1; i < p->nobjects; i++) {
    uint32_t at = i, steps = 0;
    while (at != 0) {
      uint32_t pf = p->objects[at].parent_field;
      if (pf >= p->nfields || p->fields[pf].object >= p->nobjects ||
          ++steps > p->nobjects)
        return bad(v, "object %u is not reached from the case", i);
      at = p->fields[pf].object;
    }
  }
  for (uint32_t i = 0; i < p->nfields; i++) {
    const prog_field *f = &p->fields[i];
    if (str_ok(v, f->name, "field", i) || str_ok(v, f->path, "field", i) ||
        str_ok(v, f->reason, "field", i) || str_ok(v, f->title, "field", i) ||
        type_ok(v, f->type, "field", i))
      return -1;
    /* The compiler never makes one, and the decoder reads none. */
    if (TY_KIND(f->type) == TK_PERCENT)
      return bad(v, "field %u is a percentage", i);
    if (f->object >= p->nobjects)
      return bad(v, "field %u belongs to object %u of %u", i, f->object,
                 p->nobjects);
    const prog_object *o = &p->objects[f->object];
    if (i < o->first_field || i >= o->first_field + o->nfields)
      return bad(v, "field %u is not among the fields of its object", i);
    uint32_t w = row_width(p, o->list);
    int k = TY_KIND(f->type);
    if (k == TK_RECORD) {
      if (f->sub >= p->nobjects || p->objects[f->sub].parent_field != i ||
          p->objects[f->sub].list != o->list)
        return bad(v, "record field %u opens object %u, which is not its "
                   "own", i, f->sub);
    } else if (k == TK_LIST) {
      if (o->list != -1 || f->slot >= w || w - f->slot < 2)
        return bad(v, "list field %u has its slot outside the case row", i);
      if (f->sub >= p->nlists || p->lists[f->sub].field != i ||
          (uint32_t)TY_IDX(f->type) != f->sub ||
          p->objects[p->lists[f->sub].object].parent_field != i)
        return bad(v, "list field %u and its list disagree", i);
    } else if (f->slot >= w) {
      return bad(v, "field %u has slot %u in a row of %u words", i, f->slot,
                 w);
    }
  }
  if (p->date_field != UINT32_MAX &&
      (p->date_field >= p->nfields ||
       prog_field_list(p, p->date_field) != -1 ||
       TY_KIND(p->fields[p->date_field].type) != TK_DATE))
    return bad(v, "the policy's date is field %u, not a date of the case",
               p->date_field);
  for (uint32_t i = 0; i < p->nlists; i++) {
    const prog_list *l = &p->lists[i];
    if (p->objects[l->object].list != (int32_t)i ||
        p->fields[l->key].object != l->object)
      return bad(v, "list %u: its item object or key belongs elsewhere", i);
    int kk = TY_KIND(p->fields[l->key].type);
    if (kk != TK_TEXT && kk != TK_INT)
      return bad(v, "list %u is keyed by a field that is not text or a "
                 "number", i);
  }
  for (uint32_t i = 0; i < p->nparams; i++)
    if (str_ok(v, p->params[i].name, "parameter", i) ||
        type_ok(v, p->params[i].type, "parameter", i) ||
        value_ok(v, p->params[i].type, p->params[i].value, "parameter", i))
      return -1;
  for (uint32_t i = 0; i < p->nfields; i++)
    if ((p->fields[i].flags & FF_DEFAULT) &&
        value_ok(v, p->fields[i].type, p->fields[i].dflt, "field", i))
      return -1;
  for (uint32_t i = 0; i < p->nrefs; i++) {
    const prog_ref *r = &p->refs[i];
    uint32_t lim = r->kind == REF_FIELD      ? p->nfields
                   : r->kind == REF_DECISION ? p->ndecisions
                   : r->kind == REF_PARAM    ? p->nparams : 0;
    if (r->kind == REF_AGE) continue; /* checked with its part */
    if (r->kind > REF_AGE || r->index >= lim || r->item > 1)
      return bad(v, "reference %u is out of range", i);
  }
  for (uint32_t i = 0; i < p->nparts; i++) {
    const prog_part *pt = &p->parts[i];
    if (str_ok(v, pt->text, "part", i) || str_ok(v, pt->title, "part", i))
      return -1;
    if (pt->first_ref > p->nrefs || pt->nrefs > p->nrefs - pt->first_ref)
      return bad(v, "part %u reads references past the table", i);
    for (uint32_t k = 0; k < pt->nrefs; k++)
      if (p->refs[pt->first_ref + k].kind == REF_AGE &&
          age_ref_ok(p, pt->first_ref, pt->first_ref + k))
        return bad(v, "part %u works out an age from what is not two of "
                   "its dates", i);
  }
  /* A REF_AGE outside every part would never be shown: refused too. */
  for (uint32_t i = 0, at = 0; i < p->nrefs; i++) {
    while (at < p->nparts &&
           p->parts[at].first_ref + p->parts[at].nrefs <= i)
      at++;
    if (p->refs[i].kind == REF_AGE &&
        (at == p->nparts || p->parts[at].first_ref > i))
      return bad(v, "reference %u is out of range", i);
  }
  for (uint32_t i = 0; i < p->ndecisions; i++) {
    const prog_decision *d = &p->decisions[i];
    if (str_ok(v, d->name, "decision", i) ||
        str_ok(v, d->title, "decision", i) ||
        type_ok(v, d->type, "decision", i))
      return -1;
    int k = TY_KIND(d->type);
    if (k == TK_RECORD || k == TK_LIST)
      return bad(v, "decision %u is a record or a list", i);
    if (d->list != -1 && (d->list < 0 || (uint32_t)d->list >= p->nlists))
      return bad(v, "decision %u belongs to list %d of %u", i, d->list,
                 p->nlists);
    uint32_t w = row_width(p, d->list);
    if (d->slot >= w || w - d->slot < 2)
      return bad(v, "decision %u has slot %u in a row of %u words", i,
                 d->slot, w);
    if (d->first_rule > p->nrules || d->nrules > p->nrules - d->first_rule)
      return bad(v, "decision %u has rules past the rule table", i);

  }
  /* After the decisions: an aggregate's slot is in its decision's row. */
  for (uint32_t i = 0; i < p->naggs; i++) {
    const prog_agg *a = &p->aggs[i];
    if (str_ok(v, a->text, "aggregate", i)) return -1;
    if (a->kind > AGG_SUM || a->part >= p->nparts ||
        a->decision >= p->ndecisions || a->list >= p->nlists ||
        (i && a->part < p->aggs[i - 1].part))
      return bad(v, "aggregate %u is out of range or out of order", i);
    if (a->first_ref > p->nrefs || a->nrefs > p->nrefs - a->first_ref)
      return bad(v, "aggregate %u reads references past the table", i);
    /* What it reads of an item is read in a row of its list. */
    for (uint32_t k = 0; k < a->nrefs; k++) {
      const prog_ref *r = &p->refs[a->first_ref + k];
      if (r->kind == REF_AGE)
        return bad(v, "aggregate %u works out an age", i);
      int64_t l = r->kind == REF_FIELD ? prog_field_list(p, r->index)
                  : r->kind == REF_DECISION ? p->decisions[r->index].list
                                            : -2;
      if (l != -2 && (!r->item || l != (int64_t)a->list))
        return bad(v, "aggregate %u reads what is not in an item of its "
                   "list", i);
    }
    if (a->slot >= row_width(p, p->decisions[a->decision].list))
      return bad(v, "aggregate %u has slot %u outside its decision's row", i,
                 a->slot);
  }
  for (uint32_t i = 0; i < p->ncites; i++)
    if (str_ok(v, p->cites[i].doc, "citation", i) ||
        str_ok(v, p->cites[i].section, "citation", i) ||
        str_ok(v, p->cites[i].quote, "citation", i))
      return -1;
  for (uint32_t i = 0; i < p->nrequires; i++)
    if (p->requires[i] >= p->nparts)
      return bad(v, "requirement %u names part %u of %u", i, p->requires[i],
                 p->nparts);
  for (uint32_t i = 0; i < p->ndecisions; i++)
    if (p->order[i] >= p->ndecisions)
      return bad(v, "the evaluation order names decision %u of %u",
                 p->order[i], p->ndecisions);
  for (uint32_t i = 0; i < p->nrules; i++) {
    const prog_rule *r = &p->rules[i];
    if (str_ok(v, r->id, "rule", i) || str_ok(v, r->title, "rule", i) ||
        str_ok(v, r->file, "rule", i))
      return -1;
    if (r->decision >= p->ndecisions)
      return bad(v, "rule %u decides decision %u of %u", i, r->decision,
                 p->ndecisions);
    if (r->first_cite > p->ncites || r->ncites > p->ncites - r->first_cite)
      return bad(v, "rule %u has citations past the citation table", i);
    const prog_decision *d = &p->decisions[r->decision];
    if (i < d->first_rule || i >= d->first_rule + d->nrules)
      return bad(v, "rule %u is not among the rules of its decision", i);
    if (r->kind > RK_DEFAULT) return bad(v, "rule %u has kind %u", i, r->kind);
    if (r->state_slot >= row_width(p, d->list))
      return bad(v, "rule %u keeps its state outside its row", i);
    if (r->first_beaten_by > p->nbeaten_by ||
        r->nbeaten_by > p->nbeaten_by - r->first_beaten_by)
      return bad(v, "rule %u: its precedence list is out of range", i);
    for (uint32_t k = 0; k < r->nbeaten_by; k++) {
      uint32_t b = p->beaten_by[r->first_beaten_by + k];
      if (b < d->first_rule || b >= d->first_rule + d->nrules)
        return bad(v, "rule %u is beaten by rule %u of another decision", i,
                   b);
    }
    if (r->end_pc > p->ncode)
      return bad(v, "rule %u ends at instruction %u of %u", i, r->end_pc,
                 p->ncode);
    if (r->nconds > 255 || r->nexcs > 255 - r->nconds ||
        r->first_part > p->nparts ||
        r->nconds + r->nexcs > p->nparts - r->first_part ||
        r->value_part >= p->nparts)
      return bad(v, "rule %u has parts out of range", i);
  }
  /* Each decision's range of rules holds its own rules only (each rule
     lies in its decision's range, checked above, but a range could also
     take in another decision's rules). A rule passes in one range at
     most, so this is linear in the rules. */
  for (uint32_t i = 0; i < p->ndecisions; i++) {
    const prog_decision *d = &p->decisions[i];
    for (uint32_t r = d->first_rule; r < d->first_rule + d->nrules; r++)
      if (p->rules[r].decision != i)
        return bad(v, "decision %u counts rule %u, which decides another",
                   i, r);
  }
  /* Each list is held by the list field that names it. */
  for (uint32_t i = 0; i < p->nlists; i++) {
    const prog_field *f = &p->fields[p->lists[i].field];
    if (TY_KIND(f->type) != TK_LIST || f->sub != i)
      return bad(v, "list %u is held by field %u, which is not that list", i,
                 p->lists[i].field);
  }
  return groups_ok(v);
}

static int operand_ok(verifier *v, uint32_t pc, char fmt, uint32_t x,
                      const char *which) {
  const ent_program *p = v->p;
  uint32_t lim;
  const char *what;
  switch (fmt) {
  case 'r': lim = p->nregs; what = "register"; break;
  case 'w':
    if (x + 2 >= p->nregs)
      return bad(v, "instruction %u (%s): registers %u to %u are past the "
                 "%u registers", pc, op_names[p->code[pc].op], x, x + 2,
                 p->nregs);
    return 0;
  case 'K': lim = p->nconsts; what = "constant"; break;
  case 'l': lim = p->nlists; what = "list"; break;
  case 'D': case 'd': lim = p->ndecisions; what = "decision"; break;
  case 'U': lim = p->nrules; what = "rule"; break;
  case 'f': lim = p->nfields; what = "field"; break;
  case 'Q': lim = p->nparts; what = "part"; break;
  case 'G': lim = p->naggs; what = "aggregate"; break;
  case 'J':
    if (x <= pc || x >= p->ncode)
      return bad(v, "instruction %u (%s) jumps to %u: jumps go forward, "
                 "inside the code", pc, op_names[p->code[pc].op], x);
    return 0;
  case 'B':
    if (x > pc)
      return bad(v, "instruction %u (%s) loops forward to %u", pc,
                 op_names[p->code[pc].op], x);
    return 0;
  default: return 0;
  }
  if (x >= lim)
    return bad(v, "instruction %u (%s): operand %s is %s %u, of %u", pc,
               op_names[p->code[pc].op], which, what, x, lim);
  return 0;
}

/* Marks 'n' words at 'slot' of the row of list 'list' (-1: the case) as
   used by one thing; a word used twice would let the VM overwrite a fact
   or a list header with a decision's value. */
static int claim(verifier *v, unsigned char **rows, int32_t list,
                 uint32_t slot, uint32_t n, const char *what, uint32_t i) {
  unsigned char *row = rows[list + 1];
  for (uint32_t k = 0; k < n; k++) {
    if (row[slot + k])
      return bad(v, "%s %u shares word %u of its row with another entry",
                 what, i, slot + k);
    row[slot + k] = 1;
  }
  return 0;
}

static int slots_ok(verifier *v) {
  const ent_program *p = v->p;
  unsigned char **rows = GC_MALLOC((p->nlists + 1) * sizeof *rows);
  rows[0] = GC_MALLOC_ATOMIC(p->case_width + 1);
  memset(rows[0], 0, p->case_width + 1);
  for (uint32_t l = 0; l < p->nlists; l++) {
    rows[l + 1] = GC_MALLOC_ATOMIC(p->lists[l].width + 1);
    memset(rows[l + 1], 0, p->lists[l].width + 1);
  }
  for (uint32_t i = 0; i < p->nfields; i++) {
    const prog_field *f = &p->fields[i];
    int k = TY_KIND(f->type);
    if (k == TK_RECORD) continue;
    if (claim(v, rows, p->objects[f->object].list, f->slot,
              k == TK_LIST ? 2 : 1, "field", i))
      return -1;
  }
  for (uint32_t i = 0; i < p->ndecisions; i++)
    if (claim(v, rows, p->decisions[i].list, p->decisions[i].slot, 2,
              "decision", i))
      return -1;
  for (uint32_t i = 0; i < p->nrules; i++)
    if (claim(v, rows, p->decisions[p->rules[i].decision].list,
              p->rules[i].state_slot, 1, "rule", i))
      return -1;
  return 0;
}

/* Decision blocks: DEC_BEGIN .. DEC_END. Rule instructions must sit in
   the block of their own decision, after a RULE; jumps must not cross a
   block's edge, except a loop's jump back to its DEC_BEGIN. */
/* Whether an instruction with an 'r' operand in A writes that register
   (the others only read it). */
static int writes_a(int op) {
  switch (op) {
  case OP_JMPIF: case OP_JMPIFNOT: case OP_FAILIFNOT: case OP_EXCEPTIF:
  case OP_APPLY: case OP_CHECK: case OP_DEC_BEGIN:
    return 0;
  default:
    return 1;
  }
}

static int code_ok(verifier *v) {
  const ent_program *p = v->p;
  if (!p->ncode || p->code[p->ncode - 1].op != OP_HALT)
    return bad(v, "the code does not end with HALT");
  /* For each instruction: its decision block (-1 outside) and the rule
     whose block holds it (-1 outside). */
  int32_t *block = GC_MALLOC_ATOMIC((size_t)p->ncode * sizeof *block);
  int32_t *inrule = GC_MALLOC_ATOMIC((size_t)p->ncode * sizeof *inrule);
  int32_t cur = -1, nblock = 0, rule = -1;
  int in_check = 0;
  uint32_t dec = 0;
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    ent_ins i = p->code[pc];
    if (i.op >= OP_COUNT)
      return bad(v, "instruction %u has unknown opcode %u", pc, i.op);
    const char *f = op_formats[i.op];
    uint32_t bx = INS_BX(i);
    if (operand_ok(v, pc, f[0], i.a, "A")) return -1;
    /* Register 0 holds the case row's address, 0, for the whole run. */
    if (i.a == 0 && (f[0] == 'w' || (f[0] == 'r' && writes_a(i.op))))
      return bad(v, "instruction %u (%s) writes register 0", pc,
                 op_names[i.op]);
    if (op_format_bx(f[1])) {
      if (operand_ok(v, pc, f[1], bx, "Bx")) return -1;
    } else {
      if (operand_ok(v, pc, f[1], i.b, "B") ||
          operand_ok(v, pc, f[2], i.c, "C"))
        return -1;
    }
    /* A rule's block ends exactly where the next rule or DEC_END starts,
       so that skipping to its end always goes forward. */
    if ((i.op == OP_RULE || i.op == OP_DEC_END) && rule >= 0) {
      if (p->rules[rule].end_pc != pc)
        return bad(v, "rule %d ends at %u, not where the next rule starts "
                   "(%u)", rule, p->rules[rule].end_pc, pc);
      rule = -1;
    }
    if (i.op == OP_MULDIV && i.c >= ROUND_NMODES)
      return bad(v, "instruction %u (MULDIV) names rounding mode %u, of %d",
                 pc, i.c, ROUND_NMODES);
    switch (i.op) {
    case OP_DEC_BEGIN:
      if (cur >= 0)
        return bad(v, "instruction %u: a decision starts inside another",
                   pc);
      cur = nblock++;
      dec = bx;
      break;
    case OP_DEC_END:
      if (cur < 0)
        return bad(v, "instruction %u: DEC_END outside a decision", pc);
      block[pc] = cur;
      inrule[pc] = -1;
      cur = -1;
      continue;
    case OP_RULE:
      if (cur < 0 || p->rules[bx].decision != dec)
        return bad(v, "instruction %u: rule %u outside the block of its "
                   "decision", pc, bx);
      if (p->rules[bx].end_pc <= pc)
        return bad(v, "instruction %u: rule %u ends before it starts", pc,
                   bx);
      rule = (int32_t)bx;
      break;
    case OP_CHECK_BEGIN:
    case OP_CHECK:
      if (cur >= 0)
        return bad(v, "instruction %u: a requirement inside a decision", pc);
      if (i.op == OP_CHECK && !in_check)
        return bad(v, "instruction %u: CHECK before any CHECK_BEGIN", pc);
      in_check = 1;
      break;
    case OP_PART: case OP_FAILIFNOT: case OP_EXCEPTIF: case OP_APPLY: {
      if (cur < 0 || rule < 0)
        return bad(v, "instruction %u (%s) is outside a rule", pc,
                   op_names[i.op]);
      /* The part an instruction names is one of its rule's: a condition
         for FAILIFNOT, an exception for EXCEPTIF, any (or the value) for
         PART. Explanations look the part up by this number. */
      const prog_rule *r = &p->rules[rule];
      uint32_t lo = i.op == OP_EXCEPTIF ? r->nconds : 0;
      uint32_t hi = i.op == OP_FAILIFNOT ? r->nconds
                    : i.op == OP_EXCEPTIF ? r->nconds + r->nexcs
                                          : r->nconds + r->nexcs + 1;
      if (i.op != OP_APPLY && (i.b < lo || i.b >= hi))
        return bad(v, "instruction %u (%s) names part %u of rule %d, which "
                   "has no such part", pc, op_names[i.op], i.b, rule);
      break;
    }
    default:
      break;
    }
    block[pc] = cur;
    inrule[pc] = rule;
  }
  if (cur >= 0) return bad(v, "the last decision has no DEC_END");
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    ent_ins i = p->code[pc];
    const char *f = op_formats[i.op];
    uint32_t t = INS_BX(i);
    if (f[1] != 'J' && f[1] != 'B') continue;
    /* A loop over a list's items may go back to the start of a decision;
       every other jump stays inside its own rule (or outside rules). */
    if (f[1] == 'B' && block[pc] < 0 && p->code[t].op == OP_DEC_BEGIN)
      continue;
    if (block[t] != block[pc] || inrule[t] != inrule[pc])
      return bad(v, "instruction %u jumps out of its rule or decision", pc);
  }
  return 0;
}

int bc_verify(const ent_program *p, char *err, size_t errlen) {
  verifier v = {p, err, errlen, 0};
  if (tables_ok(&v) || slots_ok(&v)) return -1;
  if (code_ok(&v)) return -1;
  return 0;
}
