/*
** explain.c: decisions and their explanations, in JSON, and what every
** renderer shares: values, names of decisions and of what a condition
** reads, and the order in which decisions are shown (the text renderer
** is explain_text.c, the HTML report report.c).
**
** For each decision: its value and outcome; the rule that decided it with
** its title and citation; each condition of that rule with the facts it
** read and their values; the exceptions that did not fire; and every
** other rule of the decision with why it did not apply (the first
** condition that failed, the exception that fired, the rule that
** overrode it, or what it needed and could not read).
*/
#include "explain.h"

#include "facts.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The output tree: decision names split at their dots into groups. */
typedef struct onode {
  const char *name;
  size_t nlen;
  char *jkey;          /* '"name":', escaped once */
  size_t jlen;
  int dec;             /* leaf: decision index */
  int list;            /* group of per-item decisions of this list */
  int first, next;     /* first child, next sibling (-1: none) */
  int parent, last;    /* parent (-1: the root), last child (-1: none) */
} onode;

/* A piece of JSON made once per program, copied into every result: the
   texts of rules and conditions are the bulk of an explanation, and
   escaping them case after case cost more than deciding. */
typedef struct {
  char *s;
  uint32_t n;
} frag;

/* A ref whose key was not made, or was made for one list and is read
   under another too (only a crafted program does that): either way no
   scope's list matches it, and it is written the slow way. */
#define NO_LIST (-2)
#define MIXED_LISTS (-3)

struct explain_ctx {
  const ent_program *p;
  char digest[72];
  frag *enum_json;     /* each enumeration value as a JSON string */
  onode *nodes;
  int nnodes, cap;
  int *gslot;          /* the groups by parent and name (node index + 1) */
  uint32_t gmask, ngroups;
  frag head;           /* '"policy":{...},"decisions":' */
  frag *rule_obj;      /* per rule: '"rule":{"id":...,"title":...}' */
  frag *rule_id;       /* per rule: its id as a JSON string */
  frag *part_text;     /* per part: its source text as a JSON string */
  frag *ref_pre;       /* per ref: the key of what it reads, '"path":', */
  frag *ref_post;      /* split around an item's key if it has one */
  int32_t *ref_list;   /* the list those were made for, or NO_LIST */
  frag *dec_pre;       /* per decision: its explanation's key, split */
  frag *dec_post;      /* around an item's key like a ref's */
  outbuf key;          /* the current item's key, escaped */
  uint32_t *ldec;      /* the per-item decisions, list by list, in order */
  uint32_t *ldec_at;   /* per list: where its own start in 'ldec' */
  uint32_t *ldec_n;    /* per list: how many it has */
  int oom;             /* an allocation failed while making the above */
};

/* Where a decision is explained: a row, its list, and its item's key
   escaped for a JSON string (empty for the case's own row). */
typedef struct {
  ent_val row;
  int list;
  const char *key;
  size_t keyn;
} scope;

/* The bytes written to 'b', kept in a block of their own size. An outbuf
   starts at 64 KB and a piece is a few dozen bytes, but a program has a
   piece for every rule, condition and fact read: 10,000 rules made
   125,000 of them, which as 64 KB blocks took 8 GB of address space and
   500 MB of memory. The 64 KB block freed here is the next one's. */
static frag take(explain_ctx *x, outbuf *b) {
  frag f = {NULL, (uint32_t)b->len};
  if (b->len && (f.s = malloc(b->len))) memcpy(f.s, b->buf, b->len);
  else f.n = 0;
  if (b->error || f.n != b->len) x->oom = 1;
  out_free(b);
  return f;
}

static frag json_frag(explain_ctx *x, const char *s) {
  outbuf b;
  out_init(&b, NULL);
  out_json(&b, s, strlen(s));
  return take(x, &b);
}

static uint64_t group_hash(int parent, const char *name, size_t n) {
  return vm_hash_bytes(name, n) ^ vm_hash_mix((uint64_t)parent + 1);
}

/* The slot of group 'name' under 'parent', or the empty slot it would
   take: a policy of 60,000 decisions has 60,000 children of the root,
   and looking each one up among its siblings was quadratic. */
static int *group_slot(explain_ctx *x, int parent, const char *name,
                       size_t n) {
  for (uint64_t h = group_hash(parent, name, n);; h++) {
    int *s = &x->gslot[h & x->gmask];
    if (!*s) return s;
    const onode *g = &x->nodes[*s - 1];
    if (g->parent == parent && g->nlen == n && !memcmp(g->name, name, n))
      return s;
  }
}

/* Room for one more group, at most half the slots in use. */
static int group_room(explain_ctx *x) {
  if (x->gslot && 2 * ((uint64_t)x->ngroups + 1) <= (uint64_t)x->gmask + 1)
    return 0;
  uint64_t cap = x->gslot ? 2 * ((uint64_t)x->gmask + 1) : 64;
  int *slots = cap <= UINT32_MAX ? calloc(cap, sizeof *slots) : NULL;
  if (!slots) return -1;
  free(x->gslot);
  x->gslot = slots;
  x->gmask = (uint32_t)(cap - 1);
  for (int i = 0; i < x->nnodes; i++)
    if (x->nodes[i].dec < 0 && x->nodes[i].parent >= 0)
      *group_slot(x, x->nodes[i].parent, x->nodes[i].name,
                  x->nodes[i].nlen) = i + 1;
  return 0;
}

static int add_node(explain_ctx *x, int parent, const char *name, size_t n,
                    int dec, int list) {
  if (x->oom) return -1;
  int *slot = NULL;
  if (parent >= 0 && dec < 0) {
    if (group_room(x)) {
      x->oom = 1;
      return -1;
    }
    slot = group_slot(x, parent, name, n);
    if (*slot) return *slot - 1;
  }
  if (x->nnodes == x->cap) {
    int cap = x->cap ? x->cap * 2 : 32;
    onode *nodes = realloc(x->nodes, (size_t)cap * sizeof *nodes);
    if (!nodes) {
      x->oom = 1;
      return -1;
    }
    x->nodes = nodes;
    x->cap = cap;
  }
  int i = x->nnodes++;
  x->nodes[i] = (onode){name, n, NULL, 0, dec, list, -1, -1, parent, -1};
  if (slot) {
    *slot = i + 1;
    x->ngroups++;
  }
  outbuf k;
  out_init(&k, NULL);
  out_json(&k, name, n);
  out_c(&k, ':');
  frag f = take(x, &k);
  x->nodes[i].jkey = f.s;
  x->nodes[i].jlen = f.n;
  if (parent >= 0) {
    onode *pn = &x->nodes[parent];
    if (pn->last >= 0) x->nodes[pn->last].next = i;
    else pn->first = i;
    pn->last = i;
  }
  return i;
}

static void str_field(outbuf *o, const char *key, const char *val) {
  out_c(o, '"');
  out_s(o, key);
  out_s(o, "\":");
  out_json(o, val, strlen(val));
}

/* '"rule":{...}': a rule as every explanation that names it shows it. */
static frag rule_frag(explain_ctx *x, uint32_t ri) {
  const ent_program *p = x->p;
  const prog_rule *r = &p->rules[ri];
  outbuf o;
  out_init(&o, NULL);
  out_s(&o, "\"rule\":{");
  str_field(&o, "id", prog_str(p, r->id));
  out_c(&o, ',');
  str_field(&o, "title", prog_str(p, r->title));
  if (r->ncites) {
    out_s(&o, ",\"cites\":[");
    for (uint32_t k = 0; k < r->ncites; k++) {
      const prog_cite *c = &p->cites[r->first_cite + k];
      out_s(&o, k ? ",{" : "{");
      str_field(&o, "document", prog_str(p, c->doc));
      out_c(&o, ',');
      str_field(&o, "section", prog_str(p, c->section));
      if (*prog_str(p, c->quote)) {
        out_c(&o, ',');
        str_field(&o, "quote", prog_str(p, c->quote));
      }
      out_c(&o, '}');
    }
    out_c(&o, ']');
    if (*prog_str(p, r->file)) {
      /* A file name may hold any character: escaped as it is written. */
      out_s(&o, ",\"source\":");
      out_json_begin(&o);
      out_s(&o, prog_str(p, r->file));
      out_c(&o, ':');
      out_int(&o, r->line);
      out_json_end(&o);
    }
  }
  out_c(&o, '}');
  return take(x, &o);
}

/* The JSON key '"name":', or with a list's path 'lp' the key
   '"lp.ITEM.name":' as the two pieces around the item's key ITEM. */
static void split_key(explain_ctx *x, const char *lp, const char *name,
                      frag *pre, frag *post) {
  outbuf a, b;
  out_init(&a, NULL);
  out_init(&b, NULL);
  out_json_begin(&a);
  if (lp) {
    out_s(&a, lp);
    out_c(&a, '.');
    out_json_end(&a);
    a.len--; /* the key follows, inside the same string */
    out_json_begin(&b);
    b.len--;
    out_c(&b, '.');
  }
  outbuf *o = lp ? &b : &a;
  out_s(o, name);
  out_json_end(o);
  out_c(o, ':');
  *pre = take(x, &a);
  *post = take(x, &b);
}

/* The key '"path":' of what ref 'i' reads in a rule of a decision of list
   'list', split where an item's key goes. Mirrors explain_ref_path; a
   ref it cannot split that way is left to it. */
static void ref_frags(explain_ctx *x, uint32_t i, int list) {
  const ent_program *p = x->p;
  if (x->ref_list[i] != NO_LIST) {
    if (x->ref_list[i] != list) x->ref_list[i] = MIXED_LISTS;
    return;
  }
  const prog_ref *r = &p->refs[i];
  const char *lp = NULL, *name;
  if (r->kind == REF_AGE) return; /* its name holds two others */
  if (r->kind == REF_PARAM) {
    name = prog_str(p, p->params[r->index].name);
  } else if (r->kind == REF_DECISION) {
    const prog_decision *pd = &p->decisions[r->index];
    if (pd->list >= 0 && (!r->item || pd->list != list)) return;
    if (pd->list >= 0) lp = prog_str(p, p->fields[p->lists[list].field].path);
    name = prog_str(p, pd->name);
  } else {
    if (r->item && list >= 0)
      lp = prog_str(p, p->fields[p->lists[list].field].path);
    name = prog_str(p, p->fields[r->index].path);
  }
  split_key(x, lp, name, &x->ref_pre[i], &x->ref_post[i]);
  x->ref_list[i] = list;
}

/* Every ref a decision's rules can show, with the decision's list. */
static void decision_frags(explain_ctx *x, const prog_decision *pd) {
  const ent_program *p = x->p;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t ri = pd->first_rule + k;
    if (ri >= p->nrules) break;
    const prog_rule *r = &p->rules[ri];
    for (uint32_t q = 0; q <= r->nconds + r->nexcs; q++) {
      uint32_t pi = q < r->nconds + r->nexcs ? r->first_part + q
                                             : r->value_part;
      if (pi >= p->nparts) continue;
      const prog_part *pt = &p->parts[pi];
      for (uint32_t j = 0; j < pt->nrefs; j++)
        if (pt->first_ref + j < p->nrefs)
          ref_frags(x, pt->first_ref + j, pd->list);
    }
  }
}

/* The key of a decision's explanation: '"budget.total":', or
   '"provisions.' and '.included":' around an item's key. */
static void decision_key_frags(explain_ctx *x, uint32_t d) {
  const ent_program *p = x->p;
  const prog_decision *pd = &p->decisions[d];
  split_key(x, pd->list >= 0
                ? prog_str(p, p->fields[p->lists[pd->list].field].path)
                : NULL,
            prog_str(p, pd->name), &x->dec_pre[d], &x->dec_post[d]);
}

/* Each list's per-item decisions, in the order they are declared:
   explanations go item by item, each item with all of its decisions, and
   finding them by a walk of every decision for every item made a case's
   explanation quadratic in the decisions of a large policy. */
static void list_decisions(explain_ctx *x) {
  const ent_program *p = x->p;
  for (uint32_t d = 0; d < p->ndecisions; d++)
    if (p->decisions[d].list >= 0) x->ldec_n[p->decisions[d].list]++;
  uint32_t at = 0;
  for (uint32_t l = 0; l < p->nlists; l++) {
    x->ldec_at[l] = at;
    at += x->ldec_n[l];
    x->ldec_n[l] = 0;
  }
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    int l = p->decisions[d].list;
    if (l >= 0) x->ldec[x->ldec_at[l] + x->ldec_n[l]++] = d;
  }
}

/* Whether 'd', a per-item decision, is the first of its list. */
static int first_of_list(const explain_ctx *x, uint32_t d) {
  return x->ldec[x->ldec_at[x->p->decisions[d].list]] == d;
}

static void make_frags(explain_ctx *x) {
  const ent_program *p = x->p;
  outbuf h;
  out_init(&h, NULL);
  out_s(&h, "\"policy\":{");
  str_field(&h, "name", prog_str(p, p->name));
  out_c(&h, ',');
  str_field(&h, "version", prog_str(p, p->version));
  out_c(&h, ',');
  str_field(&h, "digest", x->digest);
  /* Only for a policy that imports files, so that one file's output is
     as it was before imports were recorded. */
  if (p->nimports) out_s(&h, ",\"imports\":[");
  for (uint32_t i = 0; i < p->nimports; i++) {
    out_s(&h, i ? ",{" : "{");
    str_field(&h, "file", prog_str(p, p->imports[i].file));
    out_c(&h, ',');
    str_field(&h, "name", prog_str(p, p->imports[i].name));
    out_c(&h, ',');
    str_field(&h, "version", prog_str(p, p->imports[i].version));
    out_c(&h, '}');
  }
  out_s(&h, p->nimports ? "]},\"decisions\":" : "},\"decisions\":");
  x->head = take(x, &h);
  x->enum_json = calloc(p->nenum_values + 1, sizeof *x->enum_json);
  x->rule_obj = calloc(p->nrules + 1, sizeof *x->rule_obj);
  x->rule_id = calloc(p->nrules + 1, sizeof *x->rule_id);
  x->part_text = calloc(p->nparts + 1, sizeof *x->part_text);
  x->ref_pre = calloc(p->nrefs + 1, sizeof *x->ref_pre);
  x->ref_post = calloc(p->nrefs + 1, sizeof *x->ref_post);
  x->ref_list = malloc((p->nrefs + 1) * sizeof *x->ref_list);
  x->dec_pre = calloc(p->ndecisions + 1, sizeof *x->dec_pre);
  x->dec_post = calloc(p->ndecisions + 1, sizeof *x->dec_post);
  x->ldec = calloc(p->ndecisions + 1, sizeof *x->ldec);
  x->ldec_at = calloc(p->nlists + 1, sizeof *x->ldec_at);
  x->ldec_n = calloc(p->nlists + 1, sizeof *x->ldec_n);
  if (!x->enum_json || !x->rule_obj || !x->rule_id || !x->part_text ||
      !x->ref_pre || !x->ref_post || !x->ref_list || !x->dec_pre ||
      !x->dec_post || !x->ldec || !x->ldec_at || !x->ldec_n) {
    x->oom = 1;
    return;
  }
  list_decisions(x);
  for (uint32_t i = 0; i < p->nenum_values; i++)
    x->enum_json[i] = json_frag(x, prog_str(p, p->enum_values[i]));
  for (uint32_t i = 0; i < p->nrules; i++) {
    x->rule_obj[i] = rule_frag(x, i);
    x->rule_id[i] = json_frag(x, prog_str(p, p->rules[i].id));
  }
  for (uint32_t i = 0; i < p->nparts; i++)
    x->part_text[i] = json_frag(x, prog_str(p, p->parts[i].text));
  for (uint32_t i = 0; i < p->nrefs; i++) x->ref_list[i] = NO_LIST;
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    decision_frags(x, &p->decisions[d]);
    decision_key_frags(x, d);
  }
  out_init(&x->key, NULL);
}

explain_ctx *explain_new(const ent_program *p, const char *digest_hex) {
  explain_ctx *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->p = p;
  snprintf(x->digest, sizeof x->digest, "sha256:%s", digest_hex);
  add_node(x, -1, "", 0, -1, -1);
  make_frags(x);
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    if (pd->flags & DF_INTERNAL) continue;
    int at = 0;
    if (pd->list >= 0) {
      const char *ln = prog_str(p, p->fields[p->lists[pd->list].field].path);
      at = add_node(x, 0, ln, strlen(ln), -1, pd->list);
      add_node(x, at, prog_str(p, pd->name), strlen(prog_str(p, pd->name)),
               (int)d, -1);
      continue;
    }
    const char *s = prog_str(p, pd->name);
    for (;;) {
      const char *dot = strchr(s, '.');
      if (!dot) {
        add_node(x, at, s, strlen(s), (int)d, -1);
        break;
      }
      at = add_node(x, at, s, (size_t)(dot - s), -1, -1);
      s = dot + 1;
    }
  }
  if (x->oom) {
    explain_free(x);
    return NULL;
  }
  return x;
}

static void free_frags(frag *f, uint32_t n) {
  for (uint32_t i = 0; f && i < n; i++) free(f[i].s);
  free(f);
}

void explain_free(explain_ctx *x) {
  if (!x) return;
  const ent_program *p = x->p;
  for (int i = 0; i < x->nnodes; i++) free(x->nodes[i].jkey);
  free(x->nodes);
  free(x->gslot);
  free(x->head.s);
  free_frags(x->enum_json, p->nenum_values);
  free_frags(x->rule_obj, p->nrules);
  free_frags(x->rule_id, p->nrules);
  free_frags(x->part_text, p->nparts);
  free_frags(x->ref_pre, p->nrefs);
  free_frags(x->ref_post, p->nrefs);
  free(x->ref_list);
  free_frags(x->dec_pre, p->ndecisions);
  free_frags(x->dec_post, p->ndecisions);
  out_free(&x->key);
  free(x->ldec);
  free(x->ldec_at);
  free(x->ldec_n);
  free(x);
}


void explain_value_json(const ent_program *p, const ent_vm *vm, int32_t type,
                        ent_val v, outbuf *o) {
  if (v == VAL_ABSENT) {
    out_s(o, "null");
    return;
  }
  switch (TY_KIND(type)) {
  case TK_BOOL: out_s(o, v ? "true" : "false"); break;
  case TK_INT: out_int(o, v); break;
  case TK_MONEY:
    out_c(o, '"');
    out_money(o, v);
    out_c(o, '"');
    break;
  case TK_DATE:
    out_c(o, '"');
    out_date(o, v);
    out_c(o, '"');
    break;
  case TK_PERCENT: {
    char b[40];
    b[percent_format(v, b)] = 0;
    out_c(o, '"');
    out_s(o, b);
    out_c(o, '"');
    break;
  }
  case TK_TEXT: {
    uint32_t n;
    const char *s = vm_text(vm, v, &n);
    out_json(o, s, n);
    break;
  }
  case TK_ENUM: {
    const prog_enum *e = &p->enums[TY_IDX(type)];
    if (v < 0 || (uint64_t)v >= e->n) {
      out_s(o, "null");
      break;
    }
    const char *s = prog_str(p, p->enum_values[e->first + v]);
    out_json(o, s, strlen(s));
    break;
  }
  case TK_SET: {
    const prog_enum *e = &p->enums[TY_IDX(type)];
    out_c(o, '[');
    int first = 1;
    for (uint32_t i = 0; i < e->n && i < 64; i++)
      if (((uint64_t)v >> i) & 1) {
        if (!first) out_c(o, ',');
        first = 0;
        const char *s = prog_str(p, p->enum_values[e->first + i]);
        out_json(o, s, strlen(s));
      }
    out_c(o, ']');
    break;
  }
  default: out_s(o, "null");
  }
}

void explain_value_text(const ent_program *p, const ent_vm *vm, int32_t type,
                        ent_val v, outbuf *o) {
  if (v == VAL_ABSENT) {
    out_s(o, "(absent)");
    return;
  }
  switch (TY_KIND(type)) {
  case TK_ENUM: {
    const prog_enum *e = &p->enums[TY_IDX(type)];
    if (v >= 0 && (uint64_t)v < e->n)
      out_s(o, prog_str(p, p->enum_values[e->first + v]));
    break;
  }
  case TK_SET: {
    const prog_enum *e = &p->enums[TY_IDX(type)];
    out_c(o, '{');
    int first = 1;
    for (uint32_t i = 0; i < e->n && i < 64; i++)
      if (((uint64_t)v >> i) & 1) {
        if (!first) out_s(o, ", ");
        first = 0;
        out_s(o, prog_str(p, p->enum_values[e->first + i]));
      }
    out_c(o, '}');
    break;
  }
  case TK_MONEY: out_money(o, v); break;
  case TK_DATE: out_date(o, v); break;
  case TK_PERCENT: {
    char b[40];
    b[percent_format(v, b)] = 0;
    out_s(o, b);
    break;
  }
  default: explain_value_json(p, vm, type, v, o);
  }
}

void explain_item_key(const ent_program *p, const ent_vm *vm, uint32_t l,
                      ent_val row, outbuf *o) {
  const prog_field *kf = &p->fields[p->lists[l].key];
  ent_val v = tr_field(vm, kf, row);
  if (TY_KIND(kf->type) == TK_TEXT) {
    uint32_t n;
    const char *s = vm_text(vm, v, &n);
    out_mem(o, s, n);
  } else {
    out_int(o, v);
  }
}

/* The name a reader sees for a decision in a row: 'budget.total' or
   'provisions.p1.included'. */
void explain_decision_path(const ent_program *p, const ent_vm *vm,
                          uint32_t dec, ent_val row, outbuf *o) {
  const prog_decision *pd = &p->decisions[dec];
  if (pd->list >= 0) {
    out_s(o, prog_str(p, p->fields[p->lists[pd->list].field].path));
    out_c(o, '.');
    explain_item_key(p, vm, (uint32_t)pd->list, row, o);
    out_c(o, '.');
  }
  out_s(o, prog_str(p, pd->name));
}

void explain_ref_path(const ent_program *p, const ent_vm *vm,
                     const prog_ref *r, ent_val row, int list, outbuf *o) {
  if (r->kind == REF_AGE) {
    out_s(o, "age of ");
    explain_ref_path(p, vm, &p->refs[r->index], row, list, o);
    out_s(o, " on ");
    explain_ref_path(p, vm, &p->refs[r->item], row, list, o);
    return;
  }
  if (r->kind == REF_PARAM) {
    out_s(o, prog_str(p, p->params[r->index].name));
    return;
  }
  if (r->kind == REF_DECISION) {
    explain_decision_path(p, vm, r->index, r->item ? row : 0, o);
    return;
  }
  if (r->item && list >= 0) {
    out_s(o, prog_str(p, p->fields[p->lists[list].field].path));
    out_c(o, '.');
    explain_item_key(p, vm, (uint32_t)list, row, o);
    out_c(o, '.');
  }
  out_s(o, prog_str(p, p->fields[r->index].path));
}

/* What a ref reads: a value of a type, or a word for a decision that has
   none ('conflict', 'undecided'), or for a list the number of its items
   (then 'count' is set). */
typedef struct {
  int32_t type;
  ent_val v;
  const char *word;
  int count;
} reading;

static reading ref_read(const ent_program *p, const ent_vm *vm,
                        const prog_ref *r, ent_val row) {
  if (r->kind == REF_AGE) {
    /* The verifier makes both refs earlier dates of the same part. */
    reading b = ref_read(p, vm, &p->refs[r->index], row);
    reading d = ref_read(p, vm, &p->refs[r->item], row);
    if (b.word || d.word || b.v == VAL_ABSENT || d.v == VAL_ABSENT)
      return (reading){0, 0, "unknown", 0};
    return (reading){TY(TK_INT, 0), date_age(b.v, d.v), NULL, 0};
  }
  ent_val base = r->item ? row : 0;
  if (r->kind == REF_PARAM) {
    const prog_param *pp = &p->params[r->index];
    return (reading){pp->type, pp->value, NULL, 0};
  }
  if (r->kind == REF_DECISION) {
    const prog_decision *pd = &p->decisions[r->index];
    ent_val st = tr_dec_state(vm, pd, base);
    if (!tr_decided(DS_STATUS(st)))
      return (reading){0, 0, DS_STATUS(st) == DS_CONFLICT ? "conflict"
                                                          : "undecided", 0};
    return (reading){pd->type, tr_dec_value(vm, pd, base), NULL, 0};
  }
  const prog_field *f = &p->fields[r->index];
  if (TY_KIND(f->type) == TK_LIST)
    return (reading){f->type, tr_item_count(p, vm, f->sub), NULL, 1};
  return (reading){f->type, tr_field(vm, f, base), NULL, 0};
}

/* The period of the rule that decided decision 'pd' in row 'base' ('from
   2026-04-01'), or NULL when that rule has none or has conditions of its
   own: a dated parameter's value is named with its period. A rule's period is
   its first condition, 'in force ...' (resolve.c). */
static const char *deciding_period(const ent_program *p, const ent_vm *vm,
                                   const prog_decision *pd, ent_val base) {
  ent_val st = tr_dec_state(vm, pd, base);
  if (DS_STATUS(st) != DS_DECIDED && DS_STATUS(st) != DS_AGREED)
    return NULL;
  const prog_rule *r = &p->rules[DS_RULE1(st)];
  /* Only a value that is its period alone (a dated parameter's): a rule
     with conditions beside its period decided for its own reasons. */
  if (r->nconds != 1 || r->nexcs) return NULL;
  const char *t = prog_str(p, p->parts[r->first_part].text);
  return strncmp(t, "in force ", 9) ? NULL : t + 9;
}

/* The date a decision was decided on when no rule of it was in force
   (every rule failed at its period), or -1 (a damaged program aside,
   dates are never -1 here: then the usual reason is given). */
int explain_nothing_in_force(const ent_program *p, const ent_vm *vm,
                             const prog_decision *pd, ent_val row,
                             const prog_ref **date) {
  if (!pd->nrules) return 0;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    const prog_rule *r = &p->rules[pd->first_rule + k];
    ent_val st = tr_rule_state(vm, r, row);
    if (r->kind == RK_DEFAULT || !r->nconds || RS_STATE(st) != RS_FAILED ||
        RS_PART(st) != 0)
      return 0;
    const prog_part *pt = &p->parts[r->first_part];
    if (strncmp(prog_str(p, pt->text), "in force ", 9) || !pt->nrefs)
      return 0;
    *date = &p->refs[pt->first_ref];
  }
  return 1;
}

/* Writes the value of what a ref reads; 'json' picks the form. */
void explain_ref_value(const ent_program *p, const ent_vm *vm,
                      const prog_ref *r, ent_val row, int json, outbuf *o) {
  reading g = ref_read(p, vm, r, row);
  if (!json && !g.word && r->kind == REF_DECISION) {
    const prog_decision *pd = &p->decisions[r->index];
    const char *when = deciding_period(p, vm, pd, r->item ? row : 0);
    if (when) {
      explain_value_text(p, vm, g.type, g.v, o);
      out_c(o, ' ');
      out_s(o, when);
      return;
    }
  }
  if (g.word) {
    if (json) out_json(o, g.word, strlen(g.word));
    else out_s(o, g.word);
  } else if (g.count) {
    out_int(o, g.v);
    if (!json) out_s(o, g.v == 1 ? " item" : " items");
  } else if (json) {
    explain_value_json(p, vm, g.type, g.v, o);
  } else {
    explain_value_text(p, vm, g.type, g.v, o);
  }
}

/* A value in JSON, with the program's words escaped once. */
void explain_value_json_x(const explain_ctx *x, const ent_vm *vm,
                          int32_t type, ent_val v, outbuf *o) {
  if (v != VAL_ABSENT && TY_KIND(type) == TK_BOOL) {
    if (v) OUT_LIT(o, "true");
    else OUT_LIT(o, "false");
    return;
  }
  if (v != VAL_ABSENT && TY_KIND(type) == TK_ENUM) {
    const prog_enum *e = &x->p->enums[TY_IDX(type)];
    if (v >= 0 && (uint64_t)v < e->n) {
      const frag *f = &x->enum_json[e->first + (uint32_t)v];
      out_mem(o, f->s, f->n);
      return;
    }
  }
  explain_value_json(x->p, vm, type, v, o);
}

static void ref_key_json(const explain_ctx *x, const ent_vm *vm, uint32_t i,
                         const scope *sc, outbuf *o) {
  if (x->ref_list[i] == sc->list) {
    out_mem(o, x->ref_pre[i].s, x->ref_pre[i].n);
    if (x->ref_post[i].n) {
      out_mem(o, sc->key, sc->keyn);
      out_mem(o, x->ref_post[i].s, x->ref_post[i].n);
    }
    return;
  }
  out_json_begin(o);
  explain_ref_path(x->p, vm, &x->p->refs[i], sc->row, sc->list, o);
  out_json_end(o);
  out_c(o, ':');
}

static const char *const agg_kinds[] = {"any", "all", "count", "sum"};

/* A string built by a renderer, as a JSON string. */
#define JSON_STRING(o, call) \
  do {                       \
    out_json_begin(o);       \
    call;                    \
    out_json_end(o);         \
  } while (0)

/* '"witnesses":[...]' after a part's reads, when the part has aggregates
   that were evaluated: each with the items that made it what it is and
   what was read of them. */
static void witnesses_json(const explain_ctx *x, const ent_vm *vm,
                           uint32_t part, const scope *sc, outbuf *o) {
  const ent_program *p = x->p;
  uint32_t first, n;
  tr_part_aggs(p, part, &first, &n);
  int open = 0;
  for (uint32_t k = 0; k < n; k++) {
    const prog_agg *a = &p->aggs[first + k];
    tr_witness w;
    tr_witnesses(p, vm, a, sc->row, &w);
    if (!w.evaluated) continue;
    if (open) OUT_LIT(o, ",{\"expression\":");
    else OUT_LIT(o, ",\"witnesses\":[{\"expression\":");
    open = 1;
    const char *t = prog_str(p, a->text);
    out_json(o, t, strlen(t));
    OUT_LIT(o, ",\"kind\":\"");
    out_s(o, agg_kinds[a->kind]);
    OUT_LIT(o, "\",\"of\":");
    ent_val base, items;
    tr_items(p, vm, a->list, &base, &items);
    out_int(o, items);
    OUT_LIT(o, ",\"count\":");
    out_int(o, w.count);
    OUT_LIT(o, ",\"items\":[");
    for (uint32_t i = 0; i < w.n; i++) {
      if (i) out_c(o, ',');
      OUT_LIT(o, "{\"item\":");
      JSON_STRING(o, explain_item_key(p, vm, a->list, w.rows[i], o));
      OUT_LIT(o, ",\"reads\":{");
      for (uint32_t j = 0; j < a->nrefs; j++) {
        const prog_ref *r = &p->refs[a->first_ref + j];
        if (j) out_c(o, ',');
        JSON_STRING(o, explain_ref_path(p, vm, r, w.rows[i], (int)a->list,
                                        o));
        out_c(o, ':');
        explain_ref_value(p, vm, r, w.rows[i], 1, o);
      }
      OUT_LIT(o, "}}");
    }
    OUT_LIT(o, "]}");
  }
  if (open) out_c(o, ']');
}

static void part_reads_json(const explain_ctx *x, const ent_vm *vm,
                            const prog_part *pt, const scope *sc,
                            outbuf *o) {
  OUT_LIT(o, "\"reads\":{");
  for (uint32_t k = 0; k < pt->nrefs; k++) {
    uint32_t i = pt->first_ref + k;
    if (k) out_c(o, ',');
    ref_key_json(x, vm, i, sc, o);
    reading g = ref_read(x->p, vm, &x->p->refs[i], sc->row);
    if (g.word) out_json(o, g.word, strlen(g.word));
    else if (g.count) out_int(o, g.v);
    else explain_value_json_x(x, vm, g.type, g.v, o);
  }
  out_c(o, '}');
  if (x->p->naggs) witnesses_json(x, vm, (uint32_t)(pt - x->p->parts), sc, o);
}

static void part_text_json(const explain_ctx *x, uint32_t pi, outbuf *o) {
  out_mem(o, x->part_text[pi].s, x->part_text[pi].n);
}

static const char *const err_names[] = {
    "", "absent", "undecided or in conflict", "overflow",
    "outside the calendar", "budget", "division by zero"};
#define NERR_NAMES (sizeof err_names / sizeof *err_names)

const char *explain_error_name(int code) {
  return err_names[code >= 0 && code < (int)NERR_NAMES ? code : 0];
}

static void why_not_json(const explain_ctx *x, const ent_vm *vm, uint32_t ri,
                         const scope *sc, outbuf *o) {
  const ent_program *p = x->p;
  const prog_rule *r = &p->rules[ri];
  ent_val st = tr_rule_state(vm, r, sc->row);
  OUT_LIT(o, "{\"rule\":");
  out_mem(o, x->rule_id[ri].s, x->rule_id[ri].n);
  switch (RS_STATE(st)) {
  case RS_FAILED:
  case RS_EXCEPTED: {
    uint32_t pi = r->first_part + (uint32_t)RS_PART(st);
    if (RS_STATE(st) == RS_FAILED) OUT_LIT(o, ",\"failed\":");
    else OUT_LIT(o, ",\"exception\":");
    part_text_json(x, pi, o);
    out_c(o, ',');
    part_reads_json(x, vm, &p->parts[pi], sc, o);
    break;
  }
  case RS_OVERRIDDEN: {
    OUT_LIT(o, ",\"overridden_by\":");
    const frag *by = &x->rule_id[RS_OPERAND(st)];
    out_mem(o, by->s, by->n);
    break;
  }
  case RS_ERROR: {
    OUT_LIT(o, ",\"error\":");
    const char *e = err_names[RS_CODE(st) < (int)NERR_NAMES ? RS_CODE(st) : 0];
    out_json(o, e, strlen(e));
    if (RS_CODE(st) == ERR_ABSENT || RS_CODE(st) == ERR_DECISION) {
      OUT_LIT(o, ",\"needs\":");
      const char *n = RS_CODE(st) == ERR_ABSENT
                          ? prog_str(p, p->fields[RS_OPERAND(st)].path)
                          : prog_str(p, p->decisions[RS_OPERAND(st)].name);
      out_json(o, n, strlen(n));
    }
    break;
  }
  default:
    OUT_LIT(o, ",\"not_evaluated\":true");
  }
  out_c(o, '}');
}

/* An array of 'n' parts from 'first', each as {key: text, reads: ...};
   'open' is '{"key":'. */
static void parts_json(const explain_ctx *x, const ent_vm *vm,
                       uint32_t first, uint32_t n, const char *open,
                       size_t openn, const scope *sc, outbuf *o) {
  out_c(o, '[');
  for (uint32_t k = 0; k < n; k++) {
    if (k) out_c(o, ',');
    out_mem(o, open, openn);
    part_text_json(x, first + k, o);
    out_c(o, ',');
    part_reads_json(x, vm, &x->p->parts[first + k], sc, o);
    out_c(o, '}');
  }
  out_c(o, ']');
}

#define PARTS_JSON(x, vm, first, n, open, sc, o) \
  parts_json(x, vm, first, n, "" open, sizeof(open) - 1, sc, o)

/* The fields that explain why an applied rule gave its value: its
   conditions and what they read, its exceptions (which did not hold), and
   what its value read. Written inside an object already open. */
static void applied_json(const explain_ctx *x, const ent_vm *vm, uint32_t ri,
                         const scope *sc, outbuf *o) {
  const ent_program *p = x->p;
  const prog_rule *r = &p->rules[ri];
  out_mem(o, x->rule_obj[ri].s, x->rule_obj[ri].n);
  OUT_LIT(o, ",\"because\":");
  PARTS_JSON(x, vm, r->first_part, r->nconds, "{\"condition\":", sc, o);
  OUT_LIT(o, ",\"exceptions_not_applying\":");
  PARTS_JSON(x, vm, r->first_part + r->nconds, r->nexcs, "{\"exception\":",
             sc, o);
  if (r->value_part < p->nparts && p->parts[r->value_part].nrefs) {
    OUT_LIT(o, ",\"giving\":{\"expression\":");
    part_text_json(x, r->value_part, o);
    out_c(o, ',');
    part_reads_json(x, vm, &p->parts[r->value_part], sc, o);
    out_c(o, '}');
  }
}

/* Every applied rule of a decision but 'skip', each as an object. */
static void applied_list_json(const explain_ctx *x, const ent_vm *vm,
                              const prog_decision *pd, const scope *sc,
                              uint32_t skip, outbuf *o) {
  const ent_program *p = x->p;
  out_c(o, '[');
  int first = 1;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    if (rj == skip ||
        RS_STATE(tr_rule_state(vm, &p->rules[rj], sc->row)) != RS_APPLIED)
      continue;
    if (first) out_c(o, '{');
    else OUT_LIT(o, ",{");
    first = 0;
    applied_json(x, vm, rj, sc, o);
    out_c(o, '}');
  }
  out_c(o, ']');
}

static void decision_json(const explain_ctx *x, const ent_vm *vm,
                          uint32_t dec, const scope *sc, outbuf *o) {
  const ent_program *p = x->p;
  const prog_decision *pd = &p->decisions[dec];
  ent_val st = tr_dec_state(vm, pd, sc->row);
  int s = DS_STATUS(st);
  const prog_ref *when;
  OUT_LIT(o, "{\"value\":");
  if (tr_decided(s))
    explain_value_json_x(x, vm, pd->type, tr_dec_value(vm, pd, sc->row), o);
  else OUT_LIT(o, "null");
  switch (s) {
  case DS_DECIDED: case DS_AGREED: OUT_LIT(o, ",\"outcome\":\"decided\","); break;
  case DS_DEFAULT: OUT_LIT(o, ",\"outcome\":\"default\","); break;
  case DS_CONFLICT: OUT_LIT(o, ",\"outcome\":\"conflict\","); break;
  default: OUT_LIT(o, ",\"outcome\":\"undecided\",");
  }
  if (tr_decided(s)) {
    uint32_t ri = DS_RULE1(st);
    applied_json(x, vm, ri, sc, o);
    if (s == DS_AGREED) {
      /* Other rules that applied and agreed, or added to a collection. */
      OUT_LIT(o, ",\"also\":");
      applied_list_json(x, vm, pd, sc, ri, o);
    }
  } else if (s == DS_CONFLICT) {
    OUT_LIT(o, "\"reason\":\"rules of equal standing applied and "
               "disagree\",\"conflict\":");
    applied_list_json(x, vm, pd, sc, UINT32_MAX, o);
  } else if (s == DS_ERROR) {
    OUT_LIT(o, "\"reason\":");
    out_json_begin(o);
    out_s(o, "rule ");
    out_s(o, prog_str(p, p->rules[DS_RULE1(st)].id));
    out_s(o, " could not be evaluated");
    out_json_end(o);
    OUT_LIT(o, ",\"applied\":");
    applied_list_json(x, vm, pd, sc, UINT32_MAX, o);
  } else if (explain_nothing_in_force(x->p, vm, pd, sc->row, &when)) {
    OUT_LIT(o, "\"reason\":\"nothing was in force on ");
    explain_ref_value(x->p, vm, when, sc->row, 0, o);
    OUT_LIT(o, ": no rule or value of it applies on that date\"");
  } else {
    OUT_LIT(o, "\"reason\":\"no rule applied and the decision has no "
               "default\"");
  }
  OUT_LIT(o, ",\"not_applied\":[");
  int first = 1;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    int rs = RS_STATE(tr_rule_state(vm, &p->rules[rj], sc->row));
    if (rs == RS_APPLIED) continue;
    if (p->rules[rj].kind == RK_DEFAULT && rs == RS_OVERRIDDEN) continue;
    if (!first) out_c(o, ',');
    first = 0;
    why_not_json(x, vm, rj, sc, o);
  }
  OUT_LIT(o, "]}");
}

/* Escapes the key of item row 'row' of list 'l' once, for every name in
   the item's explanations that holds it. */
static scope item_scope(explain_ctx *x, const ent_vm *vm, int l, ent_val row) {
  x->key.len = 0;
  x->key.escape = 1;
  explain_item_key(x->p, vm, (uint32_t)l, row, &x->key);
  x->key.escape = 0;
  return (scope){row, l, x->key.buf, x->key.len};
}

/* Whether node 'node' shows anything in a partial case: a decision made
   (a needs run leaves an open one pending, which a full run never does),
   a list whose items are known, or a group with such a member. */
static int node_shown(const explain_ctx *x, const ent_vm *vm, int node,
                      ent_val row, const explain_filter *f);

static int members_shown(const explain_ctx *x, const ent_vm *vm, int node,
                         ent_val row, const explain_filter *f) {
  for (int c = x->nodes[node].first; c >= 0; c = x->nodes[c].next)
    if (node_shown(x, vm, c, row, f)) return 1;
  return 0;
}

static int node_shown(const explain_ctx *x, const ent_vm *vm, int node,
                      ent_val row, const explain_filter *f) {
  const onode *n = &x->nodes[node];
  if (n->dec >= 0)
    return DS_STATUS(tr_dec_state(vm, &x->p->decisions[n->dec], row)) !=
           DS_PENDING;
  if (n->list >= 0) {
    if (!f->list_known(f->arg, (uint32_t)n->list)) return 0;
    ent_val base, cnt;
    tr_items(x->p, vm, (uint32_t)n->list, &base, &cnt);
    for (ent_val i = 0; i < cnt; i++)
      if (members_shown(x, vm, node, tr_item_row(x->p, (uint32_t)n->list,
                                                  base, i), f))
        return 1;
    return cnt == 0; /* known to have no items */
  }
  return members_shown(x, vm, node, row, f);
}

/* The decisions under 'node' as a JSON object; with a filter, only what
   node_shown shows. */
static void group_json(explain_ctx *x, const ent_vm *vm, int node,
                       ent_val row, const explain_filter *f, outbuf *o) {
  const ent_program *p = x->p;
  out_c(o, '{');
  int first = 1;
  for (int c = x->nodes[node].first; c >= 0; c = x->nodes[c].next) {
    onode *n = &x->nodes[c];
    if (f && !node_shown(x, vm, c, row, f)) continue;
    if (!first) out_c(o, ',');
    first = 0;
    out_mem(o, n->jkey, n->jlen);
    if (n->dec >= 0) {
      const prog_decision *pd = &p->decisions[n->dec];
      ent_val st = tr_dec_state(vm, pd, row);
      if (!tr_decided(DS_STATUS(st))) OUT_LIT(o, "null");
      else explain_value_json_x(x, vm, pd->type, tr_dec_value(vm, pd, row), o);
    } else if (n->list >= 0) {
      const prog_list *l = &p->lists[n->list];
      ent_val base, cnt;
      tr_items(p, vm, (uint32_t)n->list, &base, &cnt);
      out_c(o, '{');
      int ifirst = 1;
      for (ent_val i = 0; i < cnt; i++) {
        ent_val irow = base + i * (ent_val)l->width;
        if (f && !members_shown(x, vm, c, irow, f)) continue;
        if (!ifirst) out_c(o, ',');
        ifirst = 0;
        scope sc = item_scope(x, vm, n->list, irow);
        out_c(o, '"');
        out_mem(o, sc.key, sc.keyn);
        OUT_LIT(o, "\":");
        group_json(x, vm, c, irow, f, o);
      }
      out_c(o, '}');
    } else {
      group_json(x, vm, c, row, f, o);
    }
  }
  out_c(o, '}');
}

const char *explain_digest(const explain_ctx *x) { return x->digest; }
const ent_program *explain_program(const explain_ctx *x) { return x->p; }

void explain_decisions_json(explain_ctx *x, const ent_vm *vm, outbuf *o) {
  group_json(x, vm, 0, 0, NULL, o);
}

void explain_partial_json(explain_ctx *x, const ent_vm *vm,
                          const explain_filter *f, outbuf *o) {
  out_c(o, '{');
  uint32_t idn;
  const char *id = facts_case_id(vm, &idn);
  if (id) {
    OUT_LIT(o, "\"case_id\":");
    out_json(o, id, idn);
    out_c(o, ',');
  }
  out_mem(o, x->head.s, x->head.n);
  group_json(x, vm, 0, 0, f, o);
}

void explain_json(explain_ctx *x, const ent_vm *vm, outbuf *o, int how) {
  const ent_program *p = x->p;
  out_c(o, '{');
  uint32_t idn;
  const char *id = facts_case_id(vm, &idn);
  if (id) {
    OUT_LIT(o, "\"case_id\":");
    out_json(o, id, idn);
    out_c(o, ',');
  }
  out_mem(o, x->head.s, x->head.n);
  group_json(x, vm, 0, 0, NULL, o);
  if (how == EXPLAIN_ALL) {
    OUT_LIT(o, ",\"explanations\":{");
    int first = 1;
    scope top = {0, -1, "", 0};
    for (uint32_t d = 0; d < p->ndecisions; d++) {
      const prog_decision *pd = &p->decisions[d];
      if (pd->list < 0) {
        if (!first) out_c(o, ',');
        first = 0;
        out_mem(o, x->dec_pre[d].s, x->dec_pre[d].n);
        decision_json(x, vm, d, &top, o);
        continue;
      }
      if (!first_of_list(x, d)) continue;
      /* Item by item, each with all of its decisions. */
      const prog_list *l = &p->lists[pd->list];
      ent_val base, cnt;
      tr_items(p, vm, (uint32_t)pd->list, &base, &cnt);
      const uint32_t *decs = x->ldec + x->ldec_at[pd->list];
      uint32_t ndecs = x->ldec_n[pd->list];
      for (ent_val i = 0; i < cnt; i++) {
        scope sc = item_scope(x, vm, pd->list, base + i * (ent_val)l->width);
        for (uint32_t k = 0; k < ndecs; k++) {
          uint32_t e = decs[k];
          if (!first) out_c(o, ',');
          first = 0;
          out_mem(o, x->dec_pre[e].s, x->dec_pre[e].n);
          out_mem(o, sc.key, sc.keyn);
          out_mem(o, x->dec_post[e].s, x->dec_post[e].n);
          decision_json(x, vm, e, &sc, o);
        }
      }
    }
    out_c(o, '}');
  }
  out_c(o, '}');
}

void explain_each(explain_ctx *x, const ent_vm *vm, explain_visit *fn,
                  void *arg) {
  const ent_program *p = x->p;
  for (uint32_t d = 0; d < p->ndecisions; d++) {
    const prog_decision *pd = &p->decisions[d];
    if (pd->list < 0) {
      fn(arg, d, 0);
      continue;
    }
    if (!first_of_list(x, d)) continue;
    ent_val base, cnt;
    tr_items(p, vm, (uint32_t)pd->list, &base, &cnt);
    const uint32_t *decs = x->ldec + x->ldec_at[pd->list];
    for (ent_val i = 0; i < cnt; i++)
      for (uint32_t k = 0; k < x->ldec_n[pd->list]; k++)
        fn(arg, decs[k], tr_item_row(p, (uint32_t)pd->list, base, i));
  }
}
