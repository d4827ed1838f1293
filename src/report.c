/*
** report.c: the decision report, one HTML page per case for people to
** read and print (appeal bundles, decision letters, file reviews), and
** the index page of a batch.
**
** The page follows what council staff know from GOV.UK: plain headings, a
** summary of the case, a table of every decision, then each decision with
** the rule that made it, the policy text it cites, the facts it read and
** the rules that did not apply. It is self-contained (no script, no font,
** no image, no link outside the page) and prints to A4 with the case on
** every page. Every string from the case or the policy is escaped.
*/
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "trace.h"

/* The stylesheet: GOV.UK's colours and measures, in system fonts. */
static const char style[] =
    "body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;"
    "background:#fff;margin:0;line-height:1.4;font-size:19px}"
    "main{max-width:960px;margin:0 auto;padding:20px 15px 60px}"
    "h1{font-size:48px;line-height:1.05;margin:0 0 30px}"
    "h2{font-size:36px;margin:45px 0 20px}"
    "h3{font-size:24px;margin:30px 0 15px}"
    ".caption{color:#505a5f;font-size:24px;margin:0 0 5px}"
    "a{color:#1d70b8}a:visited{color:#4c2c92}"
    "a:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;"
    "box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}"
    "code{font-family:Consolas,'Courier New',monospace;font-size:0.9em;"
    "overflow-wrap:anywhere}"
    "table{border-collapse:collapse;width:100%;margin:0 0 30px}"
    "caption{text-align:left;font-weight:bold;font-size:24px;"
    "margin-bottom:10px}"
    "th,td{text-align:left;vertical-align:top;padding:10px 20px 10px 0;"
    "border-bottom:1px solid #b1b4b6}"
    "th{font-weight:bold}"
    "dl.summary{margin:0 0 30px}dl.summary div{display:flex;"
    "border-bottom:1px solid #b1b4b6;padding:10px 0}"
    "dl.summary dt{font-weight:bold;width:30%;margin:0;padding-right:20px}"
    "dl.summary dd{margin:0;width:70%;overflow-wrap:anywhere}"
    ".tag{display:inline-block;padding:2px 8px;font-weight:bold;"
    "background:#cce2d8;color:#005a30}"
    ".tag.default{background:#bfe3e0;color:#10403c}"
    ".tag.undecided{background:#f4cdc6;color:#942514}"
    ".decision{border-top:2px solid #0b0c0c;padding-top:5px}"
    "blockquote{margin:0 0 20px;padding:15px;border-left:10px solid #b1b4b6}"
    "blockquote.quote{margin:10px 0 15px;border-left-color:#1d70b8}"
    "blockquote.quote p{margin:0}"
    "details{margin:0 0 30px}summary{color:#1d70b8;cursor:pointer;"
    "text-decoration:underline}"
    ".source{color:#505a5f;font-size:16px}"
    "td.witness{padding-left:20px;border-left:5px solid #b1b4b6}"
    "@page{size:A4;margin:20mm 15mm 20mm 15mm;"
    "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);"
    "font:12px Arial,sans-serif}}"
    "@media print{body{font-size:12pt}main{max-width:none;padding:0}"
    "h1{font-size:24pt}h2{font-size:18pt;break-after:avoid}"
    "h3{font-size:14pt;break-after:avoid}"
    "details::details-content{content-visibility:visible;display:block}"
    "summary{color:#0b0c0c;text-decoration:none;list-style:none;"
    "font-weight:bold}a{color:#0b0c0c;text-decoration:none}"
    "tr{break-inside:avoid}}";

static void h(outbuf *o, const char *s) { out_html(o, s, strlen(s)); }

/* A piece written through the renderers of explain.c, escaped. */
#define ESCAPED(o, call)        \
  do {                          \
    int esc_ = (o)->escape;     \
    (o)->escape = OUT_ESC_HTML; \
    call;                       \
    (o)->escape = esc_;         \
  } while (0)

/* 'css', when not NULL, is a page's own rules after the report's. */
static void page_head_css(outbuf *o, const char *title, const char *caseid,
                          const char *css) {
  OUT_LIT(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
             "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
             "content=\"width=device-width, initial-scale=1\">\n<title>");
  h(o, title);
  OUT_LIT(o, "</title>\n<style>");
  out_s(o, style);
  if (css) out_s(o, css);
  OUT_LIT(o, "</style>\n");
  if (caseid) {
    /* The case on every printed page: a string the @page rule shows, in
       CSS quotes, with the characters CSS gives a meaning escaped. */
    OUT_LIT(o, "<style>@page{@top-right{content:\"Case ");
    for (const char *c = caseid; *c; c++) {
      if (*c == '"' || *c == '\\' || *c == '<' || *c == '>' ||
          (unsigned char)*c < 0x20) {
        char e[8];
        snprintf(e, sizeof e, "\\%x ", (unsigned char)*c);
        out_s(o, e);
      } else {
        out_c(o, *c);
      }
    }
    OUT_LIT(o, "\";font:12px Arial,sans-serif}}</style>\n");
  }
  OUT_LIT(o, "</head>\n<body>\n<main>\n");
}

static void page_head(outbuf *o, const char *title, const char *caseid) {
  page_head_css(o, title, caseid, NULL);
}

static void page_foot(outbuf *o) {
  OUT_LIT(o, "</main>\n</body>\n</html>\n");
}

/* The anchor of a decision in a row: 'd-DEC-ROW'. */
static void anchor(outbuf *o, uint32_t dec, ent_val row) {
  OUT_LIT(o, "d-");
  out_int(o, dec);
  out_c(o, '-');
  out_int(o, row);
}

static void summary_row(outbuf *o, const char *term, const char *value,
                        int code) {
  OUT_LIT(o, "<div><dt>");
  h(o, term);
  OUT_LIT(o, "</dt><dd>");
  if (code) OUT_LIT(o, "<code>");
  h(o, value);
  if (code) OUT_LIT(o, "</code>");
  OUT_LIT(o, "</dd></div>\n");
}

typedef struct {
  explain_ctx *x;
  const ent_program *p;
  const ent_vm *vm;
  outbuf *o;
} page;

static const char *outcome_word(int s) {
  switch (s) {
  case DS_DECIDED: case DS_AGREED: return "decided";
  case DS_DEFAULT: return "default";
  case DS_CONFLICT: return "conflict";
  default: return "undecided";
  }
}

/* A row of the table of decisions. */
static void table_row(void *arg, uint32_t dec, ent_val row) {
  page *g = arg;
  const prog_decision *pd = &g->p->decisions[dec];
  if (pd->flags & DF_INTERNAL) return;
  outbuf *o = g->o;
  ent_val st = tr_dec_state(g->vm, pd, row);
  int s = DS_STATUS(st);
  OUT_LIT(o, "<tr><th scope=\"row\"><a href=\"#");
  anchor(o, dec, row);
  OUT_LIT(o, "\">");
  ESCAPED(o, explain_decision_path(g->p, g->vm, dec, row, o));
  OUT_LIT(o, "</a></th><td>");
  if (tr_decided(s))
    ESCAPED(o, explain_value_text(g->p, g->vm, pd->type,
                                  tr_dec_value(g->vm, pd, row), o));
  else
    OUT_LIT(o, "<strong class=\"tag undecided\">not decided</strong>");
  OUT_LIT(o, "</td><td>");
  if (s == DS_DECIDED || s == DS_AGREED) {
    OUT_LIT(o, "rule <code>");
    h(o, prog_str(g->p, g->p->rules[DS_RULE1(st)].id));
    OUT_LIT(o, "</code>");
  } else {
    h(o, s == DS_DEFAULT ? "the default" : s == DS_CONFLICT
                                               ? "rules in conflict"
                                               : "no rule");
  }
  OUT_LIT(o, "</td></tr>\n");
}

/* The citations and source of a rule. */
static void rule_cites(page *g, const prog_rule *r) {
  const ent_program *p = g->p;
  outbuf *o = g->o;
  if (r->ncites) {
    OUT_LIT(o, "<p>Policy text cited:</p>\n<ul>\n");
    for (uint32_t k = 0; k < r->ncites; k++) {
      const prog_cite *c = &p->cites[r->first_cite + k];
      OUT_LIT(o, "<li>");
      h(o, prog_str(p, c->doc));
      OUT_LIT(o, ", section <q>");
      h(o, prog_str(p, c->section));
      OUT_LIT(o, "</q>");
      if (*prog_str(p, c->quote)) {
        /* The policy's own words, as GOV.UK sets a quotation: inset. */
        OUT_LIT(o, ":\n<blockquote class=\"quote\"><p>");
        h(o, prog_str(p, c->quote));
        OUT_LIT(o, "</p></blockquote>\n");
      }
      OUT_LIT(o, "</li>\n");
    }
    OUT_LIT(o, "</ul>\n");
  } else {
    OUT_LIT(o, "<p>This rule cites no policy text.</p>\n");
  }
  if (*prog_str(p, r->file)) {
    OUT_LIT(o, "<p class=\"source\">Rule source: <code>");
    h(o, prog_str(p, r->file));
    OUT_LIT(o, "</code>, line ");
    out_int(o, r->line);
    OUT_LIT(o, "</p>\n");
  }
}

/* The witnesses of a part, a line each, escaped, or nothing (and -1 with
   'o' as it was) when it has none. */
static int witnesses(page *g, const prog_part *pt, ent_val row,
                     const char *open, const char *close) {
  outbuf *o = g->o;
  size_t at = o->len;
  out_s(o, open);
  int esc = o->escape;
  o->escape = OUT_ESC_HTML;
  int any = explain_witness_text(g->p, g->vm, (uint32_t)(pt - g->p->parts),
                                 row, "", "<br>", o);
  o->escape = esc;
  if (!any) {
    o->len = at;
    return -1;
  }
  out_s(o, close);
  return 0;
}

/* The rows of one part of a rule: what it says, then each fact it read
   with its value, then the items that made its aggregates what they
   are. */
static void part_rows(page *g, const char *lead, const prog_part *pt,
                      ent_val row, int list, const char *tail) {
  const ent_program *p = g->p;
  outbuf *o = g->o;
  uint32_t n = pt->nrefs ? pt->nrefs : 1;
  for (uint32_t k = 0; k < n; k++) {
    OUT_LIT(o, "<tr>");
    if (!k) {
      OUT_LIT(o, "<td rowspan=\"");
      out_int(o, n);
      OUT_LIT(o, "\">");
      h(o, lead);
      OUT_LIT(o, " <code>");
      h(o, prog_str(p, pt->text));
      OUT_LIT(o, "</code>");
      h(o, tail);
      OUT_LIT(o, "</td>");
    }
    if (!pt->nrefs) {
      OUT_LIT(o, "<td colspan=\"2\">(reads no fact)</td></tr>\n");
      break;
    }
    const prog_ref *r = &p->refs[pt->first_ref + k];
    OUT_LIT(o, "<td><code>");
    ESCAPED(o, explain_ref_path(p, g->vm, r, row, list, o));
    OUT_LIT(o, "</code></td><td>");
    ESCAPED(o, explain_ref_value(p, g->vm, r, row, 0, o));
    OUT_LIT(o, "</td></tr>\n");
  }
  witnesses(g, pt, row, "<tr><td colspan=\"3\" class=\"witness\">",
            "</td></tr>\n");
}

/* An applied rule: its title, what it cites, and a table of its parts. */
static void applied(page *g, uint32_t ri, ent_val row, int list,
                    const char *lead) {
  const ent_program *p = g->p;
  const prog_rule *r = &p->rules[ri];
  outbuf *o = g->o;
  OUT_LIT(o, "<p>");
  h(o, lead);
  if (r->kind == RK_DEFAULT) {
    OUT_LIT(o, " the decision's default");
  } else {
    OUT_LIT(o, " rule <code>");
    h(o, prog_str(p, r->id));
    OUT_LIT(o, "</code>");
  }
  OUT_LIT(o, ":</p>\n<blockquote>");
  h(o, prog_str(p, r->title));
  OUT_LIT(o, "</blockquote>\n");
  rule_cites(g, r);
  int value = r->value_part < p->nparts &&
              (r->kind == RK_DEFAULT || p->parts[r->value_part].nrefs);
  if (!r->nconds && !r->nexcs && !value) return;
  OUT_LIT(o, "<table>\n<caption>Why</caption>\n<thead><tr><th scope=\"col\">"
             "The rule says</th><th scope=\"col\">Fact read</th>"
             "<th scope=\"col\">Value</th></tr></thead>\n<tbody>\n");
  for (uint32_t k = 0; k < r->nconds; k++)
    part_rows(g, k ? "and" : "because", &p->parts[r->first_part + k], row,
              list, "");
  for (uint32_t k = 0; k < r->nexcs; k++)
    part_rows(g, "unless", &p->parts[r->first_part + r->nconds + k], row,
              list, ", which does not hold");
  if (value) part_rows(g, "giving", &p->parts[r->value_part], row, list, "");
  OUT_LIT(o, "</tbody>\n</table>\n");
}

/* Every applied rule of a decision but 'skip'. */
static void applied_all(page *g, const prog_decision *pd, ent_val row,
                        uint32_t skip, const char *lead) {
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    if (rj != skip &&
        RS_STATE(tr_rule_state(g->vm, &g->p->rules[rj], row)) == RS_APPLIED)
      applied(g, rj, row, pd->list, lead);
  }
}

static void not_applied(page *g, const prog_decision *pd, ent_val row) {
  const ent_program *p = g->p;
  outbuf *o = g->o;
  int n = 0;
  for (uint32_t k = 0; k < pd->nrules; k++) {
    const prog_rule *r = &p->rules[pd->first_rule + k];
    int st = RS_STATE(tr_rule_state(g->vm, r, row));
    if (st != RS_APPLIED && r->kind != RK_DEFAULT) n++;
  }
  if (!n) return;
  OUT_LIT(o, "<details>\n<summary>Rules that did not apply (");
  out_int(o, n);
  OUT_LIT(o, ")</summary>\n<table>\n<caption>Rules that did not apply"
             "</caption>\n<thead><tr><th scope=\"col\">Rule</th>"
             "<th scope=\"col\">Why it did not apply</th>"
             "<th scope=\"col\">Facts read</th></tr></thead>\n<tbody>\n");
  for (uint32_t k = 0; k < pd->nrules; k++) {
    uint32_t rj = pd->first_rule + k;
    const prog_rule *r = &p->rules[rj];
    if (RS_STATE(tr_rule_state(g->vm, r, row)) == RS_APPLIED ||
        r->kind == RK_DEFAULT)
      continue;
    OUT_LIT(o, "<tr><td><code>");
    h(o, prog_str(p, r->id));
    OUT_LIT(o, "</code><br>");
    h(o, prog_str(p, r->title));
    OUT_LIT(o, "</td><td>");
    ESCAPED(o, explain_why_not_text(p, g->vm, rj, row, 0, o));
    OUT_LIT(o, "</td><td>");
    const prog_part *pt = explain_why_not_part(p, g->vm, rj, row);
    for (uint32_t i = 0; pt && i < pt->nrefs; i++) {
      const prog_ref *ref = &p->refs[pt->first_ref + i];
      if (i) OUT_LIT(o, "<br>");
      OUT_LIT(o, "<code>");
      ESCAPED(o, explain_ref_path(p, g->vm, ref, row, pd->list, o));
      OUT_LIT(o, "</code> = ");
      ESCAPED(o, explain_ref_value(p, g->vm, ref, row, 0, o));
    }
    if (pt) witnesses(g, pt, row, "<br>", "");
    OUT_LIT(o, "</td></tr>\n");
  }
  OUT_LIT(o, "</tbody>\n</table>\n</details>\n");
}

/* One decision's section. */
static void decision_section(void *arg, uint32_t dec, ent_val row) {
  page *g = arg;
  const ent_program *p = g->p;
  const prog_decision *pd = &p->decisions[dec];
  if (pd->flags & DF_INTERNAL) return;
  outbuf *o = g->o;
  ent_val st = tr_dec_state(g->vm, pd, row);
  int s = DS_STATUS(st);
  OUT_LIT(o, "<section class=\"decision\" id=\"");
  anchor(o, dec, row);
  OUT_LIT(o, "\">\n<h3><code>");
  ESCAPED(o, explain_decision_path(p, g->vm, dec, row, o));
  OUT_LIT(o, "</code>: ");
  if (tr_decided(s))
    ESCAPED(o, explain_value_text(p, g->vm, pd->type,
                                  tr_dec_value(g->vm, pd, row), o));
  else
    OUT_LIT(o, "not decided");
  OUT_LIT(o, " <strong class=\"tag ");
  out_s(o, outcome_word(s));
  OUT_LIT(o, "\">");
  out_s(o, outcome_word(s));
  OUT_LIT(o, "</strong></h3>\n");
  if (*prog_str(p, pd->title)) {
    OUT_LIT(o, "<p>");
    h(o, prog_str(p, pd->title));
    OUT_LIT(o, "</p>\n");
  }
  if (tr_decided(s)) {
    applied(g, DS_RULE1(st), row, pd->list,
            s == DS_DEFAULT ? "No rule applied, so it is" : "Decided by");
    if (s == DS_AGREED) applied_all(g, pd, row, DS_RULE1(st), "Also by");
  } else if (s == DS_CONFLICT) {
    OUT_LIT(o, "<p>Rules of equal standing apply and disagree, and none "
               "overrides the others.</p>\n");
    applied_all(g, pd, row, UINT32_MAX, "Applies:");
  } else if (s == DS_ERROR) {
    OUT_LIT(o, "<p>Rule <code>");
    h(o, prog_str(p, p->rules[DS_RULE1(st)].id));
    OUT_LIT(o, "</code> could not be evaluated.</p>\n");
    applied_all(g, pd, row, UINT32_MAX, "Applied:");
  } else {
    OUT_LIT(o, "<p>No rule applied and the decision has no default.</p>\n");
  }
  not_applied(g, pd, row);
  OUT_LIT(o, "</section>\n");
}

/* The facts of the case's own row that some rule reads. */
static void case_facts(page *g) {
  const ent_program *p = g->p;
  outbuf *o = g->o;
  int any = 0;
  for (uint32_t i = 0; i < p->nrefs; i++) {
    const prog_ref *r = &p->refs[i];
    if (r->kind != REF_FIELD || r->item || r->index >= p->nfields) continue;
    int seen = 0;
    for (uint32_t j = 0; j < i && !seen; j++)
      seen = p->refs[j].kind == REF_FIELD && !p->refs[j].item &&
             p->refs[j].index == r->index;
    if (seen) continue;
    if (!any)
      OUT_LIT(o, "<table>\n<caption>Facts of the case read by the rules"
                 "</caption>\n<thead><tr><th scope=\"col\">Fact</th>"
                 "<th scope=\"col\">Value</th></tr></thead>\n<tbody>\n");
    any = 1;
    OUT_LIT(o, "<tr><th scope=\"row\"><code>");
    ESCAPED(o, explain_ref_path(p, g->vm, r, 0, -1, o));
    OUT_LIT(o, "</code></th><td>");
    ESCAPED(o, explain_ref_value(p, g->vm, r, 0, 0, o));
    OUT_LIT(o, "</td></tr>\n");
  }
  if (any) OUT_LIT(o, "</tbody>\n</table>\n");
}

void report_html(explain_ctx *x, const ent_vm *vm, outbuf *o) {
  const ent_program *p = explain_program(x);
  uint32_t idn;
  const char *idp = facts_case_id(vm, &idn);
  char id[512];
  snprintf(id, sizeof id, "%.*s", idp ? (int)(idn < 500 ? idn : 500) : 0,
           idp ? idp : "");
  char title[600];
  snprintf(title, sizeof title, "Decision report: case %s",
           idp ? id : "(no identifier)");
  page_head(o, title, idp ? id : "(no identifier)");
  OUT_LIT(o, "<p class=\"caption\">Decision report</p>\n<h1>Case ");
  if (idp) out_html(o, idp, idn);
  else OUT_LIT(o, "(no identifier)");
  OUT_LIT(o, "</h1>\n<dl class=\"summary\">\n");
  summary_row(o, "Policy", prog_str(p, p->name), 0);
  if (*prog_str(p, p->version))
    summary_row(o, "Version", prog_str(p, p->version), 0);
  summary_row(o, "Program digest", explain_digest(x), 1);
  for (uint32_t i = 0; i < p->nimports; i++) {
    char what[600];
    snprintf(what, sizeof what, "%s: %s%s%s", prog_str(p, p->imports[i].file),
             prog_str(p, p->imports[i].name),
             *prog_str(p, p->imports[i].version) ? ", " : "",
             prog_str(p, p->imports[i].version));
    summary_row(o, "Imports", what, 0);
  }
  if (p->date_field != UINT32_MAX) {
    /* The date the policy decides on ('dated by'): which of its rules
       and values were in force. */
    const prog_field *f = &p->fields[p->date_field];
    OUT_LIT(o, "<div><dt>Decision date (<code>");
    h(o, prog_str(p, f->path));
    OUT_LIT(o, "</code>)</dt><dd>");
    ESCAPED(o, explain_value_text(p, vm, f->type, tr_field(vm, f, 0), o));
    OUT_LIT(o, "</dd></div>\n");
  }
  OUT_LIT(o, "</dl>\n");
  page g = {x, p, vm, o};
  case_facts(&g);
  OUT_LIT(o, "<h2 id=\"decisions\">Decisions</h2>\n<table>\n<caption>"
             "Every decision and its value</caption>\n<thead><tr>"
             "<th scope=\"col\">Decision</th><th scope=\"col\">Value</th>"
             "<th scope=\"col\">Made by</th></tr></thead>\n<tbody>\n");
  explain_each(x, vm, table_row, &g);
  OUT_LIT(o, "</tbody>\n</table>\n<h2 id=\"explanations\">How each decision "
             "was made</h2>\n");
  explain_each(x, vm, decision_section, &g);
  page_foot(o);
}

/* { ====== the index of a batch ====== */

void report_index_begin(outbuf *o, const ent_program *p, const char *digest) {
  char title[600];
  snprintf(title, sizeof title, "Decision reports: %s", prog_str(p, p->name));
  page_head(o, title, NULL);
  OUT_LIT(o, "<p class=\"caption\">Decision reports</p>\n<h1>");
  h(o, prog_str(p, p->name));
  OUT_LIT(o, "</h1>\n<dl class=\"summary\">\n");
  if (*prog_str(p, p->version))
    summary_row(o, "Version", prog_str(p, p->version), 0);
  summary_row(o, "Program digest", digest, 1);
  OUT_LIT(o, "</dl>\n");
}

void report_index_counts(outbuf *o, const char *decision,
                         const char *const *values, const uint64_t *counts,
                         size_t n) {
  OUT_LIT(o, "<table>\n<caption><code>");
  h(o, decision);
  OUT_LIT(o, "</code></caption>\n<thead><tr><th scope=\"col\">Value</th>"
             "<th scope=\"col\">Cases</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < n; i++) {
    OUT_LIT(o, "<tr><td>");
    h(o, values[i]);
    OUT_LIT(o, "</td><td>");
    out_int(o, (int64_t)counts[i]);
    OUT_LIT(o, "</td></tr>\n");
  }
  OUT_LIT(o, "</tbody>\n</table>\n");
}

void report_index_cases(outbuf *o, const char *const *ids,
                        const char *const *files, size_t n,
                        const char *const *errors, size_t nerrors) {
  OUT_LIT(o, "<h2 id=\"cases\">Cases</h2>\n<table>\n<caption>Each case's "
             "report</caption>\n<thead><tr><th scope=\"col\">Case</th>"
             "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < n; i++) {
    OUT_LIT(o, "<tr><td><a href=\"");
    h(o, files[i]);
    OUT_LIT(o, "\">");
    h(o, ids[i]);
    OUT_LIT(o, "</a></td></tr>\n");
  }
  OUT_LIT(o, "</tbody>\n</table>\n");
  if (nerrors) {
    OUT_LIT(o, "<h2 id=\"refused\">Cases that could not be decided</h2>\n"
               "<ul>\n");
    for (size_t i = 0; i < nerrors; i++) {
      OUT_LIT(o, "<li>");
      h(o, errors[i]);
      OUT_LIT(o, "</li>\n");
    }
    OUT_LIT(o, "</ul>\n");
  }
  page_foot(o);
}

/* } ====== */

/* { ====== pages of other commands ====== */

/* The head of a page in the report's style, up to <main>; entitle diff
   writes its page between this and report_page_end. */
void report_page_begin(outbuf *o, const char *title) {
  page_head(o, title, NULL);
}

void report_page_begin_css(outbuf *o, const char *title, const char *css) {
  page_head_css(o, title, NULL, css);
}

void report_page_end(outbuf *o) { page_foot(o); }

/* } ====== */
