/*
** diff.c: 'entitle diff', the impact of a policy change over a caseload.
**
** Decides every case (JSON Lines) under two programs, OLD and NEW, and
** reports the cases whose decisions differ: for each, the decisions that
** changed with their values and deciding rules, and (in text and HTML)
** both explanations of each change; then a summary: cases decided and
** changed, changes per decision (from which value to which), what each
** rule newly decides or no longer decides, money totals before and
** after, and the cases that became invalid or undecided.
**
** Decisions of the two programs are matched by name (a per-item decision
** by its list and name), rules by id. Unchanged decisions are compared as
** raw words and nothing is formatted for them, so that a diff costs
** little more than deciding each case twice.
*/
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "explain.h"
#include "facts.h"
#include "out.h"
#include "report.h"
#include "strmap.h"
#include "trace.h"
#include "vm.h"

enum { FMT_TEXT, FMT_JSONL, FMT_HTML };

/* One program and the context that decides a case with it. */
typedef struct {
  const char *path;
  const ent_program *p;
  ent_vm *vm;
  explain_ctx *x;
  int ok;              /* the current case was decided */
  char error[1024];    /* else why not */
} side;

/* A decision present in both programs. */
typedef struct {
  uint32_t d[2];       /* its index in OLD and in NEW */
  int32_t list[2];     /* its list in each, or -1 */
  const char *name;    /* 'budget.total', or 'provisions.included' */
  int money;
  __int128 total[2];   /* the sum of its decided values */
  uint64_t cases;      /* cases in which it changed */
  uint64_t last_case;  /* the last case counted, plus one */
} pair;

/* A change of value counted for the summary. */
typedef struct {
  const char *decision, *old, *new_;
  uint64_t n;
} transition;

/* What a rule newly decides or no longer decides. */
typedef struct {
  const char *id;
  uint64_t gained, lost;
} rule_count;

typedef struct {
  side s[2];
  pair *pairs;
  size_t npairs;
  int32_t *rule_map;   /* OLD rule index -> NEW rule with the same id */
  strmap *trans_ix, *rule_ix;
  transition *trans;
  size_t ntrans, captrans;
  rule_count *rules;
  size_t nrules, caprules;
  const char **lists[4]; /* case ids: invalid under OLD, NEW; undecided */
  size_t nlist[4], caplist[4];
  uint64_t ncases, nchanged;
  int format;
  outbuf out, body;    /* stdout; a changed case's HTML sections */
  outbuf scratch;
} differ;

/* A copy of 'n' bytes that need not end in NUL (libgc's GC_strndup
   measures its argument with strlen first). */
static const char *copy(const char *s, size_t n) {
  char *c = GC_MALLOC_ATOMIC(n + 1);
  memcpy(c, s, n);
  c[n] = 0;
  return c;
}

/* { ====== matching the two programs ====== */

static const char *decision_key(const ent_program *p, uint32_t d) {
  const prog_decision *pd = &p->decisions[d];
  const char *name = prog_str(p, pd->name);
  if (pd->list < 0) return name;
  const char *list =
      prog_str(p, p->fields[p->lists[pd->list].field].path);
  size_t n = strlen(list) + strlen(name) + 2;
  char *k = GC_MALLOC_ATOMIC(n);
  snprintf(k, n, "%s.%s", list, name);
  return k;
}

/* Pairs each decision of OLD with NEW's of the same name, and each rule
   of OLD with NEW's of the same id. Decisions only one program has are
   not compared: their cases are changed through what reads them. */
static void match(differ *D) {
  const ent_program *po = D->s[0].p, *pn = D->s[1].p;
  strmap *names = strmap_new();
  for (uint32_t d = 0; d < pn->ndecisions; d++)
    strmap_put(names, decision_key(pn, d), (int)d);
  D->pairs = GC_MALLOC((po->ndecisions + 1) * sizeof *D->pairs);
  for (uint32_t d = 0; d < po->ndecisions; d++) {
    const char *k = decision_key(po, d);
    int e = strmap_get(names, k);
    if (e < 0) continue;
    const prog_decision *a = &po->decisions[d], *b = &pn->decisions[e];
    if (TY_KIND(a->type) != TY_KIND(b->type) ||
        (a->list < 0) != (b->list < 0))
      continue;
    pair *pr = &D->pairs[D->npairs++];
    memset(pr, 0, sizeof *pr);
    pr->d[0] = d;
    pr->d[1] = (uint32_t)e;
    pr->list[0] = a->list;
    pr->list[1] = b->list;
    pr->name = k;
    pr->money = TY_KIND(a->type) == TK_MONEY;
  }
  strmap *ids = strmap_new();
  for (uint32_t r = 0; r < pn->nrules; r++)
    strmap_put(ids, prog_str(pn, pn->rules[r].id), (int)r);
  D->rule_map = GC_MALLOC_ATOMIC((po->nrules + 1) * sizeof *D->rule_map);
  for (uint32_t r = 0; r < po->nrules; r++)
    D->rule_map[r] = strmap_get(ids, prog_str(po, po->rules[r].id));
}

/* } ====== */

/* { ====== one decision in one row ====== */


/* The id of the rule that decided it, 'default', or NULL when it was not
   decided. */
static const char *rule_id(const side *s, uint32_t d, ent_val row,
                           int32_t *index) {
  const ent_program *p = s->p;
  ent_val st = tr_dec_state(s->vm, &p->decisions[d], row);
  *index = -1;
  if (!tr_decided(DS_STATUS(st))) return NULL;
  if (DS_STATUS(st) == DS_DEFAULT) return "default";
  *index = (int32_t)DS_RULE1(st);
  return prog_str(p, p->rules[DS_RULE1(st)].id);
}

/* The value as eval prints it in JSON ('null' when not decided), in a
   string of its own. */
static const char *value_text(differ *D, const side *s, uint32_t d,
                              ent_val row) {
  const prog_decision *pd = &s->p->decisions[d];
  ent_val st = tr_dec_state(s->vm, pd, row);
  D->scratch.len = 0;
  if (tr_decided(DS_STATUS(st)))
    explain_value_json(s->p, s->vm, pd->type, tr_dec_value(s->vm, pd, row),
                       &D->scratch);
  else
    out_s(&D->scratch, "null");
  return copy(D->scratch.buf, D->scratch.len);
}

/* Whether the decision has the same outcome and value in both rows; raw
   words first, formatted values only when they differ (texts, and the
   values of enumerations declared in another order). */
static int same(differ *D, const pair *pr, ent_val ro, ent_val rn) {
  const side *a = &D->s[0], *b = &D->s[1];
  const prog_decision *da = &a->p->decisions[pr->d[0]];
  const prog_decision *db = &b->p->decisions[pr->d[1]];
  int sa = DS_STATUS(tr_dec_state(a->vm, da, ro));
  int sb = DS_STATUS(tr_dec_state(b->vm, db, rn));
  if (!tr_decided(sa) || !tr_decided(sb))
    return !tr_decided(sa) && !tr_decided(sb) &&
           (sa == DS_CONFLICT) == (sb == DS_CONFLICT);
  ent_val va = tr_dec_value(a->vm, da, ro), vb = tr_dec_value(b->vm, db, rn);
  int k = TY_KIND(da->type);
  if (va == vb && k != TK_TEXT && k != TK_ENUM && k != TK_SET) return 1;
  if (va != vb && k != TK_TEXT && k != TK_ENUM && k != TK_SET) return 0;
  const char *x = value_text(D, a, pr->d[0], ro);
  return !strcmp(x, value_text(D, b, pr->d[1], rn));
}

/* } ====== */

/* { ====== the summary's counts ====== */

static void list_push(differ *D, int which, const char *id) {
  if (D->nlist[which] == D->caplist[which]) {
    size_t cap = D->caplist[which] ? D->caplist[which] * 2 : 16;
    const char **n = GC_MALLOC(cap * sizeof *n);
    if (D->nlist[which])
      memcpy(n, D->lists[which], D->nlist[which] * sizeof *n);
    D->lists[which] = n;
    D->caplist[which] = cap;
  }
  D->lists[which][D->nlist[which]++] = id;
}

static void count_transition(differ *D, const char *dec, const char *o,
                             const char *n) {
  size_t len = strlen(dec) + strlen(o) + strlen(n) + 3;
  char *key = GC_MALLOC_ATOMIC(len);
  snprintf(key, len, "%s\x1f%s\x1f%s", dec, o, n);
  int i = strmap_get(D->trans_ix, key);
  if (i < 0) {
    if (D->ntrans == D->captrans) {
      D->captrans = D->captrans ? D->captrans * 2 : 16;
      transition *t = GC_MALLOC(D->captrans * sizeof *t);
      if (D->ntrans) memcpy(t, D->trans, D->ntrans * sizeof *t);
      D->trans = t;
    }
    i = (int)D->ntrans++;
    D->trans[i] = (transition){dec, o, n, 0};
    strmap_put(D->trans_ix, key, i);
  }
  D->trans[i].n++;
}

static void count_rule(differ *D, const char *id, int gained) {
  int i = strmap_get(D->rule_ix, id);
  if (i < 0) {
    if (D->nrules == D->caprules) {
      D->caprules = D->caprules ? D->caprules * 2 : 16;
      rule_count *t = GC_MALLOC(D->caprules * sizeof *t);
      if (D->nrules) memcpy(t, D->rules, D->nrules * sizeof *t);
      D->rules = t;
    }
    i = (int)D->nrules++;
    D->rules[i] = (rule_count){id, 0, 0};
    strmap_put(D->rule_ix, id, i);
  }
  if (gained) D->rules[i].gained++;
  else D->rules[i].lost++;
}

/* } ====== */

/* { ====== deciding a case twice ====== */

static void decide(side *s, const char *line, size_t len) {
  facts_error e;
  s->ok = 0;
  if (facts_decode(s->vm, line, len, &e)) {
    snprintf(s->error, sizeof s->error, "%s%s%s", e.path,
             *e.path ? ": " : "", e.message);
    return;
  }
  int r = vm_run(s->vm);
  if (r == VM_INVALID) {
    outbuf m;
    out_init(&m, NULL);
    explain_requirement(s->p, s->vm, &m);
    out_c(&m, 0);
    snprintf(s->error, sizeof s->error, "%s", m.buf ? m.buf : "");
    out_free(&m);
    return;
  }
  if (r != VM_OK) {
    snprintf(s->error, sizeof s->error, "%s",
             r == VM_BUDGET ? "the case needs more evaluation steps than "
                              "allowed"
                            : "the case could not be evaluated");
    return;
  }
  s->ok = 1;
}

/* The case's identifier, or 'line N'. */
static const char *case_name(const side *s, uint64_t lineno) {
  uint32_t n = 0;
  const char *id = s->ok ? facts_case_id(s->vm, &n) : NULL;
  if (id && n) return copy(id, n);
  char b[32];
  snprintf(b, sizeof b, "line %llu", (unsigned long long)lineno);
  return GC_strdup(b);
}

/* The rows of a pair's decision in one side: the case's, or its list's
   items. */
static void rows_of(const side *s, int32_t list, ent_val *first,
                    uint64_t *n, uint32_t *width) {
  if (list < 0) {
    *first = 0;
    *n = 1;
    *width = 0;
    return;
  }
  ent_val count;
  tr_items(s->p, s->vm, (uint32_t)list, first, &count);
  *n = (uint64_t)count;
  *width = s->p->lists[list].width;
}

/* Starts the report of a changed case. */
static void case_open(differ *D, const char *id) {
  outbuf *o = &D->out;
  if (D->format == FMT_JSONL) {
    out_s(o, "{\"case_id\":");
    out_json(o, id, strlen(id));
    out_s(o, ",\"changes\":[");
  } else if (D->format == FMT_TEXT) {
    out_s(o, "case ");
    out_s(o, id);
    out_s(o, "\n");
  } else {
    outbuf *b = &D->body;
    out_s(b, "<h3 class=\"decision\">Case <code>");
    out_html(b, id, strlen(id));
    out_s(b, "</code></h3>\n");
  }
}

static void explanation_html(outbuf *b, side *s, uint32_t d, ent_val row,
                             const char *who) {
  outbuf t;
  out_init(&t, NULL);
  explain_decision_text(s->x, s->vm, d, row, &t);
  out_s(b, "<p>Under ");
  out_s(b, who);
  out_s(b, " (<code>");
  out_html(b, s->path, strlen(s->path));
  out_s(b, "</code>):</p>\n<pre>");
  out_html(b, t.buf ? t.buf : "", t.len);
  out_s(b, "</pre>\n");
  out_free(&t);
}

/* One changed decision of a changed case, in the chosen format. */
static void change(differ *D, const pair *pr, ent_val ro, ent_val rn,
                   int first, const char *vo, const char *vn,
                   const char *ro_id, const char *rn_id) {
  side *a = &D->s[0], *b = &D->s[1];
  outbuf *o = &D->out;
  D->scratch.len = 0;
  explain_decision_path(a->p, a->vm, pr->d[0], ro, &D->scratch);
  const char *path = copy(D->scratch.buf, D->scratch.len);
  if (D->format == FMT_JSONL) {
    if (!first) out_c(o, ',');
    out_s(o, "{\"decision\":");
    out_json(o, path, strlen(path));
    out_s(o, ",\"old\":");
    out_s(o, vo);
    out_s(o, ",\"new\":");
    out_s(o, vn);
    out_s(o, ",\"old_rule\":");
    if (ro_id) out_json(o, ro_id, strlen(ro_id));
    else out_s(o, "null");
    out_s(o, ",\"new_rule\":");
    if (rn_id) out_json(o, rn_id, strlen(rn_id));
    else out_s(o, "null");
    out_c(o, '}');
    return;
  }
  if (D->format == FMT_TEXT) {
    out_s(o, "  ");
    out_s(o, path);
    out_s(o, ": ");
    out_s(o, vo);
    out_s(o, " (");
    out_s(o, ro_id ? ro_id : "undecided");
    out_s(o, ") -> ");
    out_s(o, vn);
    out_s(o, " (");
    out_s(o, rn_id ? rn_id : "undecided");
    out_s(o, ")\n    under OLD:\n");
    outbuf t;
    out_init(&t, NULL);
    explain_decision_text(a->x, a->vm, pr->d[0], ro, &t);
    out_s(&t, "    under NEW:\n");
    explain_decision_text(b->x, b->vm, pr->d[1], rn, &t);
    /* Indented under the change it explains. */
    for (size_t i = 0; i < t.len; i++) {
      if (i == 0 || t.buf[i - 1] == '\n')
        if (strncmp(t.buf + i, "    under", 9)) out_s(o, "      ");
      out_c(o, t.buf[i]);
    }
    out_free(&t);
    return;
  }
  outbuf *h = &D->body;
  out_s(h, "<h4><code>");
  out_html(h, path, strlen(path));
  out_s(h, "</code>: ");
  out_html(h, vo, strlen(vo));
  out_s(h, " to ");
  out_html(h, vn, strlen(vn));
  out_s(h, "</h4>\n");
  explanation_html(h, a, pr->d[0], ro, "the old policy");
  explanation_html(h, b, pr->d[1], rn, "the new policy");
}

/* A case valid under one program and not the other. */
static void validity_change(differ *D, const char *id) {
  outbuf *o = &D->out;
  side *a = &D->s[0], *b = &D->s[1];
  case_open(D, id);
  if (D->format == FMT_JSONL) {
    out_s(o, "],\"invalid\":{\"old\":");
    if (a->ok) out_s(o, "null");
    else out_json(o, a->error, strlen(a->error));
    out_s(o, ",\"new\":");
    if (b->ok) out_s(o, "null");
    else out_json(o, b->error, strlen(b->error));
    out_s(o, "}}\n");
  } else if (D->format == FMT_TEXT) {
    out_s(o, "  not valid under ");
    out_s(o, a->ok ? "NEW: " : "OLD: ");
    out_s(o, a->ok ? b->error : a->error);
    out_s(o, "\n\n");
  } else {
    out_s(&D->body, "<p>Not valid under the ");
    out_s(&D->body, a->ok ? "new" : "old");
    out_s(&D->body, " policy: ");
    const char *e = a->ok ? b->error : a->error;
    out_html(&D->body, e, strlen(e));
    out_s(&D->body, "</p>\n");
  }
}

/* Compares every paired decision of one decided case. */
static void compare_case(differ *D, uint64_t caseno) {
  side *a = &D->s[0], *b = &D->s[1];
  const char *id = NULL;
  int nchanges = 0, undecided_in[2] = {0, 0};
  for (size_t k = 0; k < D->npairs; k++) {
    pair *pr = &D->pairs[k];
    ent_val fa, fb;
    uint64_t na, nb;
    uint32_t wa, wb;
    rows_of(a, pr->list[0], &fa, &na, &wa);
    rows_of(b, pr->list[1], &fb, &nb, &wb);
    uint64_t n = na < nb ? na : nb;
    const prog_decision *da = &a->p->decisions[pr->d[0]];
    const prog_decision *db = &b->p->decisions[pr->d[1]];
    for (uint64_t i = 0; i < n; i++) {
      ent_val ro = fa + (ent_val)(i * wa), rn = fb + (ent_val)(i * wb);
      int sa = DS_STATUS(tr_dec_state(a->vm, da, ro));
      int sb = DS_STATUS(tr_dec_state(b->vm, db, rn));
      if (pr->money) {
        if (tr_decided(sa)) pr->total[0] += tr_dec_value(a->vm, da, ro);
        if (tr_decided(sb)) pr->total[1] += tr_dec_value(b->vm, db, rn);
      }
      int32_t ia, ib;
      const char *ra = rule_id(a, pr->d[0], ro, &ia);
      const char *rb = rule_id(b, pr->d[1], rn, &ib);
      int rule_same = ia >= 0 ? D->rule_map[ia] == ib && ib >= 0
                              : ib < 0 && (ra == NULL) == (rb == NULL);
      if (!rule_same) {
        if (ra) count_rule(D, ra, 0);
        if (rb) count_rule(D, rb, 1);
      }
      if (same(D, pr, ro, rn)) continue;
      if (tr_decided(sa) && !tr_decided(sb)) undecided_in[1] = 1;
      if (!tr_decided(sa) && tr_decided(sb)) undecided_in[0] = 1;
      if (!id) {
        id = case_name(a, caseno);
        case_open(D, id);
      }
      const char *vo = value_text(D, a, pr->d[0], ro);
      const char *vn = value_text(D, b, pr->d[1], rn);
      change(D, pr, ro, rn, nchanges == 0, vo, vn, ra, rb);
      /* From which value to which, for values that fall in a few kinds;
         amounts, numbers, dates and texts are summed or listed per
         case instead. */
      int kind = TY_KIND(da->type);
      if (kind == TK_BOOL || kind == TK_ENUM || kind == TK_SET)
        count_transition(D, pr->name, vo, vn);
      if (pr->last_case != caseno + 1) {
        pr->last_case = caseno + 1;
        pr->cases++;
      }
      nchanges++;
    }
  }
  if (!nchanges) return;
  D->nchanged++;
  for (int w = 0; w < 2; w++)
    if (undecided_in[w]) list_push(D, 2 + w, id);
  if (D->format == FMT_JSONL) out_s(&D->out, "]}\n");
  else if (D->format == FMT_TEXT) out_c(&D->out, '\n');
}

static void one_case(differ *D, const char *line, size_t len,
                     uint64_t lineno) {
  D->ncases++;
  decide(&D->s[0], line, len);
  decide(&D->s[1], line, len);
  side *a = &D->s[0], *b = &D->s[1];
  if (a->ok && b->ok) {
    compare_case(D, lineno);
    return;
  }
  if (!a->ok && !b->ok) return; /* refused by both: nothing changed */
  const char *id = case_name(a->ok ? a : b, lineno);
  list_push(D, a->ok ? 1 : 0, id);
  D->nchanged++;
  validity_change(D, id);
}

/* } ====== */

/* { ====== the summary ====== */

static void money_json(outbuf *o, __int128 v) {
  if (v > INT64_MAX || v <= INT64_MIN) {
    out_s(o, "null"); /* beyond any amount: only an absurd caseload */
    return;
  }
  out_c(o, '"');
  out_money(o, (int64_t)v);
  out_c(o, '"');
}

static void ids_json(outbuf *o, const char *key, const char **ids,
                     size_t n, int comma) {
  if (comma) out_c(o, ',');
  out_json(o, key, strlen(key));
  out_s(o, ":[");
  for (size_t i = 0; i < n; i++) {
    if (i) out_c(o, ',');
    out_json(o, ids[i], strlen(ids[i]));
  }
  out_c(o, ']');
}

static void summary_jsonl(differ *D) {
  outbuf *o = &D->out;
  out_s(o, "{\"summary\":{\"cases\":");
  out_int(o, (int64_t)D->ncases);
  out_s(o, ",\"changed\":");
  out_int(o, (int64_t)D->nchanged);
  out_s(o, ",\"decisions\":{");
  int first = 1;
  for (size_t k = 0; k < D->npairs; k++) {
    const pair *pr = &D->pairs[k];
    if (!pr->cases) continue;
    if (!first) out_c(o, ',');
    first = 0;
    out_json(o, pr->name, strlen(pr->name));
    out_s(o, ":{\"cases\":");
    out_int(o, (int64_t)pr->cases);
    out_s(o, ",\"changes\":[");
    int f2 = 1;
    for (size_t t = 0; t < D->ntrans; t++) {
      const transition *tr = &D->trans[t];
      if (strcmp(tr->decision, pr->name)) continue;
      if (!f2) out_c(o, ',');
      f2 = 0;
      out_s(o, "{\"old\":");
      out_s(o, tr->old);
      out_s(o, ",\"new\":");
      out_s(o, tr->new_);
      out_s(o, ",\"count\":");
      out_int(o, (int64_t)tr->n);
      out_c(o, '}');
    }
    out_s(o, "]}");
  }
  out_s(o, "},\"rules\":{");
  for (size_t r = 0; r < D->nrules; r++) {
    if (r) out_c(o, ',');
    out_json(o, D->rules[r].id, strlen(D->rules[r].id));
    out_s(o, ":{\"newly_decides\":");
    out_int(o, (int64_t)D->rules[r].gained);
    out_s(o, ",\"no_longer_decides\":");
    out_int(o, (int64_t)D->rules[r].lost);
    out_c(o, '}');
  }
  out_s(o, "},\"money\":{");
  first = 1;
  for (size_t k = 0; k < D->npairs; k++) {
    const pair *pr = &D->pairs[k];
    if (!pr->money) continue;
    if (!first) out_c(o, ',');
    first = 0;
    out_json(o, pr->name, strlen(pr->name));
    out_s(o, ":{\"old\":");
    money_json(o, pr->total[0]);
    out_s(o, ",\"new\":");
    money_json(o, pr->total[1]);
    out_s(o, ",\"difference\":");
    money_json(o, pr->total[1] - pr->total[0]);
    out_c(o, '}');
  }
  out_s(o, "}");
  ids_json(o, "invalid_under_old", D->lists[0], D->nlist[0], 1);
  ids_json(o, "invalid_under_new", D->lists[1], D->nlist[1], 1);
  ids_json(o, "undecided_under_old", D->lists[2], D->nlist[2], 1);
  ids_json(o, "undecided_under_new", D->lists[3], D->nlist[3], 1);
  out_s(o, "}}\n");
}

static void money_text(outbuf *o, __int128 v) {
  if (v > INT64_MAX || v <= INT64_MIN) out_s(o, "(too large)");
  else out_money(o, (int64_t)v);
}

static void ids_text(outbuf *o, const char *what, const char **ids,
                     size_t n) {
  if (!n) return;
  out_s(o, what);
  for (size_t i = 0; i < n; i++) {
    out_s(o, i ? ", " : " ");
    out_s(o, ids[i]);
  }
  out_c(o, '\n');
}

static void summary_text(differ *D) {
  outbuf *o = &D->out;
  out_s(o, "summary: ");
  out_int(o, (int64_t)D->nchanged);
  out_s(o, " of ");
  out_int(o, (int64_t)D->ncases);
  out_s(o, D->ncases == 1 ? " case changed\n" : " cases changed\n");
  for (size_t k = 0; k < D->npairs; k++) {
    const pair *pr = &D->pairs[k];
    if (!pr->cases) continue;
    out_s(o, "  ");
    out_s(o, pr->name);
    out_s(o, ": changed in ");
    out_int(o, (int64_t)pr->cases);
    out_s(o, pr->cases == 1 ? " case\n" : " cases\n");
    for (size_t t = 0; t < D->ntrans; t++) {
      const transition *tr = &D->trans[t];
      if (strcmp(tr->decision, pr->name)) continue;
      out_s(o, "    ");
      out_s(o, tr->old);
      out_s(o, " -> ");
      out_s(o, tr->new_);
      out_s(o, ": ");
      out_int(o, (int64_t)tr->n);
      out_c(o, '\n');
    }
  }
  for (size_t r = 0; r < D->nrules; r++) {
    out_s(o, "  rule ");
    out_s(o, D->rules[r].id);
    out_s(o, ": newly decides ");
    out_int(o, (int64_t)D->rules[r].gained);
    out_s(o, ", no longer decides ");
    out_int(o, (int64_t)D->rules[r].lost);
    out_c(o, '\n');
  }
  for (size_t k = 0; k < D->npairs; k++) {
    const pair *pr = &D->pairs[k];
    if (!pr->money) continue;
    out_s(o, "  total ");
    out_s(o, pr->name);
    out_s(o, ": ");
    money_text(o, pr->total[0]);
    out_s(o, " -> ");
    money_text(o, pr->total[1]);
    out_s(o, " (");
    if (pr->total[1] >= pr->total[0]) out_c(o, '+');
    money_text(o, pr->total[1] - pr->total[0]);
    out_s(o, ")\n");
  }
  ids_text(o, "  invalid under OLD only:", D->lists[0], D->nlist[0]);
  ids_text(o, "  invalid under NEW only:", D->lists[1], D->nlist[1]);
  ids_text(o, "  undecided under OLD only:", D->lists[2], D->nlist[2]);
  ids_text(o, "  undecided under NEW only:", D->lists[3], D->nlist[3]);
}

static void th_row(outbuf *o, const char *const *cells, int n) {
  out_s(o, "<thead><tr>");
  for (int i = 0; i < n; i++) {
    out_s(o, "<th scope=\"col\">");
    out_s(o, cells[i]);
    out_s(o, "</th>");
  }
  out_s(o, "</tr></thead>\n<tbody>\n");
}

static void td(outbuf *o, const char *s, int code) {
  out_s(o, code ? "<td><code>" : "<td>");
  out_html(o, s, strlen(s));
  out_s(o, code ? "</code></td>" : "</td>");
}

static void summary_html(differ *D) {
  outbuf *o = &D->out;
  char num[64];
  report_page_begin(o, "Impact of a policy change");
  out_s(o, "<p class=\"caption\">Impact of a policy change</p>\n<h1>");
  const char *name = prog_str(D->s[1].p, D->s[1].p->name);
  out_html(o, name, strlen(name));
  out_s(o, "</h1>\n<dl class=\"summary\">\n");
  for (int w = 0; w < 2; w++) {
    out_s(o, w ? "<div><dt>New policy</dt><dd><code>"
               : "<div><dt>Old policy</dt><dd><code>");
    out_html(o, D->s[w].path, strlen(D->s[w].path));
    out_s(o, "</code>, ");
    const char *v = prog_str(D->s[w].p, D->s[w].p->version);
    out_html(o, v, strlen(v));
    out_s(o, "</dd></div>\n");
  }
  snprintf(num, sizeof num, "%llu of %llu",
           (unsigned long long)D->nchanged, (unsigned long long)D->ncases);
  out_s(o, "<div><dt>Cases changed</dt><dd>");
  out_s(o, num);
  out_s(o, "</dd></div>\n</dl>\n<h2>Changes by decision</h2>\n<table>\n"
           "<caption>Cases whose decision changed, by old and new value"
           "</caption>\n");
  static const char *const h1[] = {"Decision", "Old value", "New value",
                                   "Cases"};
  th_row(o, h1, 4);
  for (size_t t = 0; t < D->ntrans; t++) {
    const transition *tr = &D->trans[t];
    out_s(o, "<tr>");
    td(o, tr->decision, 1);
    td(o, tr->old, 1);
    td(o, tr->new_, 1);
    snprintf(num, sizeof num, "%llu", (unsigned long long)tr->n);
    td(o, num, 0);
    out_s(o, "</tr>\n");
  }
  out_s(o, "</tbody>\n</table>\n<h2>Rules</h2>\n<table>\n<caption>What "
           "each rule newly decides or no longer decides</caption>\n");
  static const char *const h2[] = {"Rule", "Newly decides",
                                   "No longer decides"};
  th_row(o, h2, 3);
  for (size_t r = 0; r < D->nrules; r++) {
    out_s(o, "<tr>");
    td(o, D->rules[r].id, 1);
    snprintf(num, sizeof num, "%llu", (unsigned long long)D->rules[r].gained);
    td(o, num, 0);
    snprintf(num, sizeof num, "%llu", (unsigned long long)D->rules[r].lost);
    td(o, num, 0);
    out_s(o, "</tr>\n");
  }
  out_s(o, "</tbody>\n</table>\n<h2>Money</h2>\n<table>\n<caption>Totals "
           "over every case decided</caption>\n");
  static const char *const h3[] = {"Decision", "Before", "After",
                                   "Difference"};
  th_row(o, h3, 4);
  for (size_t k = 0; k < D->npairs; k++) {
    const pair *pr = &D->pairs[k];
    if (!pr->money) continue;
    out_s(o, "<tr>");
    td(o, pr->name, 1);
    for (int c = 0; c < 3; c++) {
      outbuf m;
      out_init(&m, NULL);
      money_text(&m, c == 2 ? pr->total[1] - pr->total[0] : pr->total[c]);
      out_c(&m, 0);
      td(o, m.buf, 0);
      out_free(&m);
    }
    out_s(o, "</tr>\n");
  }
  out_s(o, "</tbody>\n</table>\n");
  static const char *const what[] = {
      "Invalid under the old policy only", "Invalid under the new policy "
      "only", "Undecided under the old policy only", "Undecided under the "
      "new policy only"};
  for (int w = 0; w < 4; w++) {
    if (!D->nlist[w]) continue;
    out_s(o, "<h2>");
    out_s(o, what[w]);
    out_s(o, "</h2>\n<ul>\n");
    for (size_t i = 0; i < D->nlist[w]; i++) {
      out_s(o, "<li>");
      out_html(o, D->lists[w][i], strlen(D->lists[w][i]));
      out_s(o, "</li>\n");
    }
    out_s(o, "</ul>\n");
  }
  out_s(o, "<h2>Changed cases</h2>\n");
  out_mem(o, D->body.buf, D->body.len);
  report_page_end(o);
}

/* } ====== */

static int open_side(side *s, const char *path, int *status) {
  s->path = path;
  s->p = cli_open(path, status);
  if (!s->p) return -1;
  s->vm = vm_new(s->p);
  s->x = explain_new(s->p, s->p->digest_text);
  if (!s->vm || !s->x) {
    *status = EXIT_INTERNAL;
    return -1;
  }
  return 0;
}

static int flush(differ *D) {
  if (!D->out.len) return 0;
  if (fwrite(D->out.buf, 1, D->out.len, stdout) != D->out.len) return -1;
  D->out.len = 0;
  return 0;
}

int diff_main(int argc, char **argv) {
  differ D;
  memset(&D, 0, sizeof D);
  D.format = FMT_TEXT;
  int i = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (!strcmp(argv[i], "--format") && i + 1 < argc) {
      const char *f = argv[++i];
      if (!strcmp(f, "text")) D.format = FMT_TEXT;
      else if (!strcmp(f, "jsonl")) D.format = FMT_JSONL;
      else if (!strcmp(f, "html")) D.format = FMT_HTML;
      else return cli_usage("diff: --format is text, jsonl or html");
    } else {
      return cli_usage("diff: unknown option");
    }
  }
  if (argc - i != 3) return cli_usage("diff: OLD NEW CASES");
  int status = EXIT_OK;
  /* A rule file's errors make the diff fail: status 1 means that a case
     changed, so they are reported with DIFF_TROUBLE's status. */
  if (open_side(&D.s[0], argv[i], &status) ||
      open_side(&D.s[1], argv[i + 1], &status))
    return status == EXIT_RULES ? EXIT_DIFF_RULES : status;
  const char *cases = argv[i + 2];
  FILE *in = strcmp(cases, "-") ? fopen(cases, "rb") : stdin;
  if (!in) {
    perror(cases);
    return EXIT_IO;
  }
  match(&D);
  D.trans_ix = strmap_new();
  D.rule_ix = strmap_new();
  out_init(&D.out, NULL);
  out_init(&D.body, NULL);
  out_init(&D.scratch, NULL);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  uint64_t lineno = 0;
  int io = 0;
  while ((n = getline(&line, &cap, in)) >= 0) {
    lineno++;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
    if (!n) continue;
    one_case(&D, line, (size_t)n, lineno);
    if (D.out.len > (1 << 16) && flush(&D)) io = 1;
  }
  if (ferror(in)) io = 1;
  free(line);
  if (in != stdin) fclose(in);
  if (D.format == FMT_JSONL) summary_jsonl(&D);
  else if (D.format == FMT_TEXT) summary_text(&D);
  else summary_html(&D);
  if (flush(&D) || fflush(stdout)) io = 1;
  if (io) {
    fprintf(stderr, "entitle diff: input or output error\n");
    return EXIT_IO;
  }
  return D.nchanged ? EXIT_DIFF_CHANGED : EXIT_OK;
}
