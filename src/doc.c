/*
** doc.c: entitle doc, a rule file as a page an officer or auditor reads.
**
** The page has the policy's text (for a literate file, its prose, read
** as Markdown) with each rule block's rules named after the passage they
** implement and each quoted sentence marked beside the rules that quote
** it; then every rule with its title, citations and source; the
** parameters with their values and periods; the decisions; and the
** tests as worked examples. It is the decision report's page (report.c)
** with a few rules of its own, so it is as plain, self-contained and
** printable. Every string from the rule file is escaped; Markdown is
** read for its headings, paragraphs, lists, tables, quotations, code,
** emphasis and links (shown as their text), and any markup it holds is
** shown as text.
*/
#include <ctype.h>
#include <errno.h>
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytecode.h"
#include "cli.h"
#include "literate.h"
#include "out.h"
#include "parse.h"
#include "policy.h"
#include "report.h"
#include "sema.h"
#include "strmap.h"

/* The page's own rules, after the report's stylesheet. */
static const char doc_style[] =
    "pre{font-family:Consolas,'Courier New',monospace;font-size:16px;"
    "background:#f3f2f1;padding:10px 15px;margin:0 0 20px;"
    "white-space:pre-wrap;overflow-wrap:anywhere}"
    "mark{background:#fff2a8;color:#0b0c0c;padding:0 2px;"
    "box-shadow:0 2px 0 #ffdd00}"
    ".rules{border-left:5px solid #1d70b8;background:#f3f2f1;"
    "padding:10px 15px;margin:0 0 30px;font-size:16px}"
    ".rules p{margin:0 0 5px;font-weight:bold}.rules ul{margin:0}"
    ".quoted{border-left:5px solid #ffdd00;padding:5px 15px;"
    "margin:0 0 20px;font-size:16px}.quoted p{margin:0}"
    ".quoted ul{margin:0}"
    ".rule{border-top:2px solid #0b0c0c;padding-top:5px}"
    /* Values break at their spaces only: an amount is never cut. */
    "table.values code{overflow-wrap:normal}"
    "table.values th{width:45%}"
    "table.example code{overflow-wrap:normal}"
    "table.example th{width:40%}"
    "section.rule caption{font-size:19px}"
    "section.text hr{border:0;border-top:1px solid #b1b4b6;margin:30px 0}"
    "@media print{pre{font-size:10pt}.rules,.quoted{break-inside:avoid}"
    "section.rule caption{font-size:12pt}h2,h3,h4{break-inside:avoid}"
    "mark{box-shadow:none;text-decoration:underline}}";

/* A quotation found in the page's text: its bytes and the rule that
   quotes it. */
typedef struct {
  uint32_t start, end;
  const decl *by;
} qmark;

/* A declaration and the id of its place on the page. */
typedef struct {
  const decl *d;
  const char *id;
} named;

typedef struct {
  outbuf *o;
  sema *s;
  diag *d;
  const ent_program *p;
  int root;               /* the file documented (diag file id) */
  decl *decls;            /* its declarations, as written (the checker
                             rewrites some of its own: dated parameters) */
  const char *name;       /* its name, as the program keeps it */
  const char *src;        /* its text: the Markdown of a literate file */
  const char *rules;      /* its rule text: the same, prose made spaces */
  size_t len;
  int literate;
  literate_file lf;
  qmark *marks;           /* quotations found in the text, in order */
  int nmarks, capmarks;
  decl **tests;           /* the file's tests, for 'like' links */
  int ntests, captests;
  const char *doc;        /* the document whose text is being written */
  named *ids;             /* each declaration's place on the page */
  int nids, capids;
} page;

static void h(outbuf *o, const char *s) { out_html(o, s, strlen(s)); }

/* Whether 'x' is declared in the file documented, not an import. */
static int own(const page *g, const decl *x) { return x->module == g->root; }

static void hn(outbuf *o, const char *s, size_t n) { out_html(o, s, n); }

/* The source text of 'l' with its runs of white space made one space. */
static const char *snip(page *g, loc_t l) { return diag_snippet(g->d, l); }

/* { ====== quotations in the text ====== */

/* A text with each run of white space made one space, and for each byte
   the offset it came from, to find quotations as the compiler does
   (whitespace and line breaks normalised, nothing else). */
typedef struct {
  char *s;
  uint32_t *map;
  size_t n;
} flat;

static flat flatten(const char *t, size_t len) {
  flat f;
  f.s = GC_MALLOC_ATOMIC(len + 1);
  f.map = GC_MALLOC_ATOMIC((len + 1) * sizeof *f.map);
  f.n = 0;
  int space = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)t[i];
    /* A no-break space is a space, as the compiler counts it. */
    if (c == 0xC2 && i + 1 < len && (unsigned char)t[i + 1] == 0xA0) {
      space = 1;
      i++;
      continue;
    }
    if (isspace(c)) {
      space = 1;
      continue;
    }
    if (space && f.n) {
      f.map[f.n] = (uint32_t)i;
      f.s[f.n++] = ' ';
    }
    space = 0;
    f.map[f.n] = (uint32_t)i;
    f.s[f.n++] = (char)c;
  }
  f.s[f.n] = 0;
  f.map[f.n] = (uint32_t)len;
  return f;
}

static void add_mark(page *g, uint32_t a, uint32_t b, const decl *by) {
  GROW_ATOMIC(g->marks, g->nmarks, g->capmarks);
  g->marks[g->nmarks++] = (qmark){a, b, by};
}

/* Marks every occurrence of each quotation, in 'text', of the citations
   of 'by' to a document whose text it is ('doc_has_text' says). */
static void find_quotes(page *g, const char *text, size_t len,
                        int (*doc_has_text)(page *, const char *)) {
  flat all = flatten(text, len);
  for (decl *x = g->decls; x; x = x->next) {
    if (x->module != g->root) continue;
    for (ast *c = x->cites; c; c = c->next) {
      if (!c->b || !c->b->name || !doc_has_text(g, c->name)) continue;
      flat q = flatten(c->b->name, strlen(c->b->name));
      if (!q.n) continue;
      for (char *at = all.s; (at = strstr(at, q.s)); at++) {
        size_t i = (size_t)(at - all.s);
        uint32_t end = all.map[i + q.n - 1] + 1;
        /* To the end of the last character, which may be several bytes:
           a mark never cuts a character in two. */
        while (end < len && ((unsigned char)text[end] & 0xC0) == 0x80) end++;
        add_mark(g, all.map[i], end, x);
      }
    }
  }
}

/* Whether byte 'at' of the text is inside a quotation. */
static int marked(const page *g, uint32_t at) {
  for (int i = 0; i < g->nmarks; i++)
    if (at >= g->marks[i].start && at < g->marks[i].end) return 1;
  return 0;
}

/* } ====== */

/* { ====== Markdown ====== */

/* Text to render inline: bytes, each with the offset of the source text
   it came from (so that quotations can be marked where they are). */
typedef struct {
  char *s;
  uint32_t *map;
  size_t n, cap;
} run;

static void run_add(run *r, const char *src, uint32_t a, uint32_t b) {
  if (r->n + (b - a) + 1 > r->cap) {
    size_t cap = (r->n + (b - a) + 1) * 2;
    r->s = grow_copy(r->s, r->n, cap, 1, 1);
    r->map = grow_copy(r->map, r->n, cap, sizeof *r->map, 1);
    r->cap = cap;
  }
  for (uint32_t i = a; i < b; i++) {
    r->s[r->n] = src[i];
    r->map[r->n++] = i;
  }
}

/* Writes bytes [a, b) of 'r' as text, marking what is quoted; a mark is
   closed before the call returns, so that it nests in the inline markup
   around it. */
static void emit_text(page *g, const run *r, size_t a, size_t b) {
  outbuf *o = g->o;
  int in = 0;
  size_t from = a;
  for (size_t i = a; i <= b; i++) {
    int m = i < b && marked(g, r->map[i]);
    if (i < b && m == in) continue;
    hn(o, r->s + from, i - from);
    from = i;
    if (in) OUT_LIT(o, "</mark>");
    if (m && i < b) OUT_LIT(o, "<mark>");
    in = m;
  }
}

static int is_punct(char c) { return c && ispunct((unsigned char)c); }

/* The end of the first run of exactly 'n' backticks at or after 'i', or
   0 (a code span's closing run). */
static size_t code_close(const run *r, size_t i, size_t b, size_t n) {
  while (i < b) {
    if (r->s[i] != '`') {
      i++;
      continue;
    }
    size_t k = i;
    while (k < b && r->s[k] == '`') k++;
    if (k - i == n) return i;
    i = k;
  }
  return 0;
}

/* Where emphasis opened by 'n' characters 'c' at 'i' closes: the next
   run of the same 'n' characters, not after a space, or 0. */
static size_t emph_close(const run *r, size_t i, size_t b, char c, size_t n) {
  for (size_t k = i + n; k + n <= b; k++) {
    if (r->s[k] == '`') {
      size_t e = 0, m = k;
      while (m < b && r->s[m] == '`') m++;
      e = code_close(r, m, b, m - k);
      if (e) k = e + (m - k) - 1;
      continue;
    }
    size_t m = 0;
    while (k + m < b && r->s[k + m] == c) m++;
    if (m == n && k > i + n && !isspace((unsigned char)r->s[k - 1]) &&
        (c != '_' || k + m == b || !isalnum((unsigned char)r->s[k + m])))
      return k;
    if (m) k += m - 1;
  }
  return 0;
}

/* Inline Markdown: code spans, emphasis, links (their text), escapes. */
static void inline_md(page *g, const run *r, size_t a, size_t b) {
  outbuf *o = g->o;
  size_t text = a, i = a;
  while (i < b) {
    char c = r->s[i];
    if (c == '\\' && i + 1 < b && is_punct(r->s[i + 1])) {
      emit_text(g, r, text, i);
      emit_text(g, r, i + 1, i + 2);
      i += 2;
      text = i;
    } else if (c == '`') {
      size_t k = i;
      while (k < b && r->s[k] == '`') k++;
      size_t e = code_close(r, k, b, k - i);
      if (!e) {
        i = k;
        continue;
      }
      emit_text(g, r, text, i);
      OUT_LIT(o, "<code>");
      size_t s0 = k, e0 = e;
      if (e0 - s0 >= 2 && r->s[s0] == ' ' && r->s[e0 - 1] == ' ') s0++, e0--;
      emit_text(g, r, s0, e0);
      OUT_LIT(o, "</code>");
      i = e + (k - i);
      text = i;
    } else if (c == '*' || c == '_') {
      size_t n = 0;
      while (i + n < b && r->s[i + n] == c) n++;
      int word = c == '_' && i > a && isalnum((unsigned char)r->s[i - 1]);
      size_t want = n >= 2 ? 2 : 1;
      size_t e = word || i + n >= b || isspace((unsigned char)r->s[i + n])
                     ? 0
                     : emph_close(r, i + n - want, b, c, want);
      if (!e) {
        i += n;
        continue;
      }
      emit_text(g, r, text, i + n - want);
      out_s(o, want == 2 ? "<strong>" : "<em>");
      inline_md(g, r, i + n, e);
      out_s(o, want == 2 ? "</strong>" : "</em>");
      i = e + want;
      text = i;
    } else if (c == '[') {
      /* A link shows its text; where it points is left out. */
      size_t k = i + 1;
      int depth = 1;
      while (k < b && depth) {
        if (r->s[k] == '[') depth++;
        else if (r->s[k] == ']') depth--;
        k += depth != 0;
      }
      if (k + 1 >= b || r->s[k + 1] != '(') {
        i++;
        continue;
      }
      const char *close = memchr(r->s + k + 2, ')', b - k - 2);
      if (!close) {
        i++;
        continue;
      }
      emit_text(g, r, text, i);
      inline_md(g, r, i + 1, k);
      i = (size_t)(close - r->s) + 1;
      text = i;
    } else {
      i++;
    }
  }
  emit_text(g, r, text, b);
}

/* One line of a block of Markdown: its bytes, line end left out. */
typedef struct {
  uint32_t at, end;
} line;

static int blank(const char *t, line l) {
  for (uint32_t i = l.at; i < l.end; i++)
    if (!isspace((unsigned char)t[i])) return 0;
  return 1;
}

static uint32_t indent(const char *t, line l) {
  uint32_t i = l.at;
  while (i < l.end && t[i] == ' ') i++;
  return i - l.at;
}

/* An ATX heading's level ('#' to '######'), its text in '*c'; or 0. */
static int atx(const char *t, line l, line *c) {
  uint32_t i = l.at + indent(t, l);
  if (i - l.at > 3) return 0;
  int n = 0;
  while (i < l.end && t[i] == '#') i++, n++;
  if (n < 1 || n > 6 || (i < l.end && t[i] != ' ' && t[i] != '\t'))
    return 0;
  while (i < l.end && isspace((unsigned char)t[i])) i++;
  uint32_t e = l.end;
  while (e > i && isspace((unsigned char)t[e - 1])) e--;
  uint32_t k = e;
  while (k > i && t[k - 1] == '#') k--;
  if (k == i || t[k - 1] == ' ') e = k;
  while (e > i && isspace((unsigned char)t[e - 1])) e--;
  *c = (line){i, e};
  return n;
}

/* A line of three or more '-', '*' or '_' and spaces only. */
static int thematic(const char *t, line l, char only) {
  char ch = 0;
  int n = 0;
  if (indent(t, l) > 3) return 0;
  for (uint32_t i = l.at; i < l.end; i++) {
    char c = t[i];
    if (c == ' ' || c == '\t') continue;
    if ((c != '-' && c != '*' && c != '_' && c != '=') || (ch && c != ch))
      return 0;
    ch = c;
    n++;
  }
  return n >= 3 ? (only ? ch == only : ch != '=') : 0;
}

/* A list item's marker: 'u' (-, * or +) or 'o' (1. or 1)), its number in
   '*num' and where its text starts in '*text'; or 0. */
static int list_item(const char *t, line l, long *num, uint32_t *text) {
  uint32_t i = l.at + indent(t, l);
  if (i - l.at > 3 || i >= l.end) return 0;
  int kind = 0;
  if (t[i] == '-' || t[i] == '*' || t[i] == '+') {
    kind = 'u';
    i++;
  } else if (isdigit((unsigned char)t[i])) {
    long v = 0;
    int digits = 0;
    while (i < l.end && isdigit((unsigned char)t[i]) && digits < 9)
      v = v * 10 + (t[i++] - '0'), digits++;
    if (i >= l.end || (t[i] != '.' && t[i] != ')')) return 0;
    i++;
    kind = 'o';
    *num = v;
  } else {
    return 0;
  }
  if (i < l.end && t[i] != ' ' && t[i] != '\t') return 0;
  while (i < l.end && (t[i] == ' ' || t[i] == '\t')) i++;
  *text = i;
  return kind;
}

/* Whether 'l' and the line after it start a pipe table. */
static int table_start(const char *t, line l, line next) {
  if (!memchr(t + l.at, '|', l.end - l.at)) return 0;
  int dashes = 0;
  for (uint32_t i = next.at; i < next.end; i++) {
    char c = t[i];
    if (c == '-') dashes++;
    else if (c != '|' && c != ':' && c != ' ' && c != '\t') return 0;
  }
  return dashes > 0 && memchr(t + next.at, '|', next.end - next.at) != NULL;
}

static int starts_block(const char *t, line l) {
  line c;
  long num;
  uint32_t text;
  literate_fence f;
  uint32_t i = l.at + indent(t, l);
  return atx(t, l, &c) || thematic(t, l, 0) ||
         literate_read_fence(t + l.at, l.end - l.at, &f) ||
         (i < l.end && t[i] == '>') || list_item(t, l, &num, &text);
}

static void link_to(page *g, const decl *x);

/* Whether line 'l' of a document's text heads a section its rules cite
   (as quote.c finds headings: the line is the title or ends with it). */
static int cited_heading(page *g, const char *t, line l) {
  if (!g->doc) return 0;
  uint32_t e = l.end;
  while (e > l.at && isspace((unsigned char)t[e - 1])) e--;
  for (decl *x = g->decls; x; x = x->next)
    for (const ast *c = x->cites; c; c = c->next) {
      if (strcmp(c->name, g->doc) || !c->a || !c->a->name) continue;
      size_t n = strlen(c->a->name);
      if (n && e - l.at >= n && !memcmp(t + e - n, c->a->name, n)) return 1;
    }
  return 0;
}

/* The rules that quote something in [a, b) of the text, beside it. */
static void quoted_by(page *g, uint32_t a, uint32_t b) {
  outbuf *o = g->o;
  int n = 0;
  for (int i = 0; i < g->nmarks; i++) {
    const qmark *m = &g->marks[i];
    if (m->end <= a || m->start >= b) continue;
    int seen = 0;
    for (int j = 0; j < i && !seen; j++)
      seen = g->marks[j].by == m->by && g->marks[j].end > a &&
             g->marks[j].start < b;
    if (seen) continue;
    if (!n++) OUT_LIT(o, "<aside class=\"quoted\">\n<p>Quoted by:</p>\n<ul>\n");
    OUT_LIT(o, "<li>");
    link_to(g, m->by);
    if (m->by->title) {
      OUT_LIT(o, ": ");
      h(o, m->by->title);
    }
    OUT_LIT(o, "</li>\n");
  }
  if (n) OUT_LIT(o, "</ul>\n</aside>\n");
}

/* Renders lines [from, to) as one inline run inside 'open' ... 'close':
   a paragraph, a heading, a list item. 'skip' says where each line's
   text starts (its marker or indentation left out). */
static void inline_lines(page *g, const char *t, const line *ls, int from,
                         int to, const uint32_t *skip, const char *open,
                         const char *close) {
  run r = {0};
  for (int k = from; k < to; k++) {
    uint32_t a = skip ? skip[k - from] : ls[k].at;
    uint32_t e = ls[k].end;
    while (a < e && (t[a] == ' ' || t[a] == '\t')) a++;
    while (e > a && isspace((unsigned char)t[e - 1])) e--;
    if (r.n) run_add(&r, t, ls[k].at - 1, ls[k].at); /* the line break */
    run_add(&r, t, a, e);
  }
  for (size_t i = 0; i < r.n; i++)
    if (r.s[i] == '\n' || r.s[i] == '\r') r.s[i] = ' ';
  out_s(g->o, open);
  inline_md(g, &r, 0, r.n);
  out_s(g->o, close);
}

/* The cells of a table row, split at its unescaped bars. */
static void table_row(page *g, const char *t, line l, int head) {
  outbuf *o = g->o;
  uint32_t a = l.at + indent(t, l), e = l.end;
  while (e > a && isspace((unsigned char)t[e - 1])) e--;
  if (a < e && t[a] == '|') a++;
  if (e > a && t[e - 1] == '|' && (e - 1 == a || t[e - 2] != '\\')) e--;
  OUT_LIT(o, "<tr>");
  uint32_t c = a;
  for (uint32_t i = a; i <= e; i++) {
    if (i < e && (t[i] != '|' || (i > a && t[i - 1] == '\\'))) continue;
    line cell = {c, i};
    out_s(o, head ? "<th scope=\"col\">" : "<td>");
    inline_lines(g, t, &cell, 0, 1, NULL, "", "");
    out_s(o, head ? "</th>" : "</td>");
    c = i + 1;
  }
  OUT_LIT(o, "</tr>\n");
}

/* Renders bytes [a, b) of 't' (whole lines) as Markdown. */
static void markdown(page *g, const char *t, uint32_t a, uint32_t b) {
  outbuf *o = g->o;
  line *ls = NULL;
  int nl = 0, cap = 0;
  for (uint32_t at = a; at < b;) {
    const char *p = memchr(t + at, '\n', b - at);
    uint32_t e = p ? (uint32_t)(p - t) : b;
    GROW_ATOMIC(ls, nl, cap);
    uint32_t end = e;
    if (end > at && t[end - 1] == '\r') end--;
    ls[nl++] = (line){at, end};
    at = p ? e + 1 : b;
  }
  uint32_t *skip = GC_MALLOC_ATOMIC(((size_t)nl + 1) * sizeof *skip);
  for (int i = 0; i < nl;) {
    line l = ls[i], c;
    literate_fence f;
    long num = 0;
    uint32_t text;
    int kind, lvl;
    uint32_t from = l.at;
    if (blank(t, l)) {
      i++;
      continue;
    }
    if (literate_read_fence(t + l.at, l.end - l.at, &f)) {
      /* A code block of another language: shown as it is. */
      int k = i + 1;
      literate_fence e;
      while (k < nl && !(literate_read_fence(t + ls[k].at,
                                             ls[k].end - ls[k].at, &e) &&
                         e.ch == f.ch && e.len >= f.len && e.rest_blank))
        k++;
      OUT_LIT(o, "<pre><code>");
      for (int j = i + 1; j < k; j++) {
        run r = {0};
        run_add(&r, t, ls[j].at, ls[j].end);
        emit_text(g, &r, 0, r.n);
        out_c(o, '\n');
      }
      OUT_LIT(o, "</code></pre>\n");
      i = k + 1;
    } else if ((lvl = atx(t, l, &c))) {
      static const char *const open[] = {"<h3>", "<h4>", "<h5>", "<h6>"};
      static const char *const close[] = {"</h3>\n", "</h4>\n", "</h5>\n",
                                          "</h6>\n"};
      int k = lvl > 4 ? 3 : lvl - 1;
      line one = {c.at, c.end};
      inline_lines(g, t, &one, 0, 1, NULL, open[k], close[k]);
      i++;
    } else if (thematic(t, l, 0)) {
      OUT_LIT(o, "<hr>\n");
      i++;
    } else if (t[l.at + indent(t, l)] == '>') {
      int k = i;
      while (k < nl && !blank(t, ls[k]) &&
             t[ls[k].at + indent(t, ls[k])] == '>') {
        uint32_t s = ls[k].at + indent(t, ls[k]) + 1;
        skip[k - i] = s;
        k++;
      }
      inline_lines(g, t, ls, i, k, skip, "<blockquote><p>",
                   "</p></blockquote>\n");
      i = k;
    } else if (i + 1 < nl && table_start(t, l, ls[i + 1])) {
      OUT_LIT(o, "<table>\n<thead>");
      table_row(g, t, l, 1);
      OUT_LIT(o, "</thead>\n<tbody>\n");
      int k = i + 2;
      while (k < nl && !blank(t, ls[k]) &&
             memchr(t + ls[k].at, '|', ls[k].end - ls[k].at))
        table_row(g, t, ls[k++], 0);
      OUT_LIT(o, "</tbody>\n</table>\n");
      i = k;
    } else if ((kind = list_item(t, l, &num, &text))) {
      if (kind == 'o' && num != 1) {
        char open[48];
        snprintf(open, sizeof open, "<ol start=\"%ld\">\n", num);
        out_s(o, open);
      } else {
        out_s(o, kind == 'o' ? "<ol>\n" : "<ul>\n");
      }
      int k = i;
      while (k < nl) {
        long n2;
        uint32_t t2;
        if (list_item(t, ls[k], &n2, &t2) != kind) break;
        int j = k + 1;
        skip[0] = t2;
        /* Its other lines: indented, or a paragraph's lazy lines. */
        while (j < nl && !blank(t, ls[j]) &&
               !list_item(t, ls[j], &n2, &text) &&
               (indent(t, ls[j]) >= 2 || !starts_block(t, ls[j]))) {
          skip[j - k] = ls[j].at;
          j++;
        }
        inline_lines(g, t, ls, k, j, skip, "<li>", "</li>\n");
        k = j;
        /* A blank line between items keeps the list going. */
        int m = k;
        while (m < nl && blank(t, ls[m])) m++;
        if (m < nl && m > k && list_item(t, ls[m], &n2, &t2) == kind) k = m;
      }
      out_s(o, kind == 'o' ? "</ol>\n" : "</ul>\n");
      i = k;
    } else if (cited_heading(g, t, l) &&
               (i + 1 >= nl || blank(t, ls[i + 1]))) {
      /* A plain text's heading of a section the rules cite. */
      inline_lines(g, t, ls, i, i + 1, NULL, "<h3>", "</h3>\n");
      i++;
    } else {
      int k = i + 1;
      int setext = 0;
      while (k < nl && !blank(t, ls[k])) {
        if (thematic(t, ls[k], '=') || (thematic(t, ls[k], '-') &&
                                        indent(t, ls[k]) <= 3)) {
          setext = t[ls[k].at + indent(t, ls[k])] == '=' ? 1 : 2;
          break;
        }
        if (starts_block(t, ls[k]) ||
            (k + 1 < nl && table_start(t, ls[k], ls[k + 1])))
          break;
        k++;
      }
      if (setext) {
        inline_lines(g, t, ls, i, k, NULL, setext == 1 ? "<h3>" : "<h4>",
                     setext == 1 ? "</h3>\n" : "</h4>\n");
        k++;
      } else {
        inline_lines(g, t, ls, i, k, NULL, "<p>", "</p>\n");
      }
      i = k;
    }
    quoted_by(g, from, i < nl ? ls[i].at : b);
  }
}

/* } ====== */

/* { ====== the rules of the file ====== */

/* How the box after a passage names a declaration of its rule block. */
static const char *kind_word(const decl *x) {
  switch (x->kind) {
  case DECL_RULE: return "Rule";
  case DECL_TABLE: return "Table";
  case DECL_PARAM: return "Parameter";
  case DECL_DECISION: return "Decision";
  case DECL_TEST: return "Worked example";
  case DECL_FACTS: return "The facts of a case";
  case DECL_RECORD: return "Record";
  case DECL_ENUM: return "The values of";
  case DECL_DOCUMENT: return "Document";
  case DECL_POLICY: return "The policy's name, version and status";
  case DECL_IMPORT: return "The rules of";
  case DECL_REQUIRE: return "A requirement on the case";
  case DECL_CITE: return "More citations for";
  case DECL_DATED: return "Decided on the date in";
  }
  return "";
}

/* The id of the place of 'x' on the page, or NULL if it has none.
   Ids are made once, before the page is written (make_ids). */
static const char *decl_id(const page *g, const decl *x) {
  for (int i = 0; i < g->nids; i++)
    if (g->ids[i].d == x) return g->ids[i].id;
  return NULL;
}

/* An id for each declaration with a place on the page: 'rule-ID',
   'also-ID', 'param-NAME', 'decision-NAME', 'example-N'; a name declared
   twice in the file (a rule, then its 'replace') gets '-2' after it. */
static void make_ids(page *g) {
  strmap *used = strmap_new();
  int examples = 0;
  for (decl *x = g->decls; x; x = x->next) {
    if (!own(g, x)) continue;
    const char *pre = x->kind == DECL_RULE || x->kind == DECL_TABLE ? "rule-"
                      : x->kind == DECL_CITE ? "also-"
                      : x->kind == DECL_PARAM ? "param-"
                      : x->kind == DECL_DECISION ? "decision-"
                      : x->kind == DECL_TEST ? "example-" : NULL;
    if (!pre) continue;
    char num[24];
    snprintf(num, sizeof num, "%d", ++examples);
    const char *base = x->kind == DECL_TEST ? num : x->name;
    if (x->kind != DECL_TEST) examples--;
    size_t n = strlen(pre) + strlen(base) + 24;
    char *id = GC_MALLOC_ATOMIC(n);
    snprintf(id, n, "%s%s", pre, base);
    for (int k = 2; strmap_get(used, id) > 0; k++)
      snprintf(id, n, "%s%s-%d", pre, base, k);
    strmap_put(used, id, 1);
    GROW(g->ids, g->nids, g->capids);
    g->ids[g->nids++] = (named){x, id};
  }
}

/* A link to 'x' on the page, or its name. */
static void link_to(page *g, const decl *x) {
  outbuf *o = g->o;
  const char *a = decl_id(g, x);
  const char *name = x->kind == DECL_POLICY || x->kind == DECL_IMPORT
                         ? x->str : x->name;
  if (a) {
    OUT_LIT(o, "<a href=\"#");
    h(o, a);
    OUT_LIT(o, "\">");
  }
  if (x->kind == DECL_TEST) {
    h(o, name);
  } else {
    OUT_LIT(o, "<code>");
    h(o, name ? name : "");
    OUT_LIT(o, "</code>");
  }
  if (a) OUT_LIT(o, "</a>");
}

/* After a passage of a literate file, what its rule block declares. */
static void block_box(page *g, const literate_block *b) {
  outbuf *o = g->o;
  int n = 0;
  for (decl *x = g->decls; x; x = x->next) {
    if (!own(g, x) || x->loc.start < b->start || x->loc.start >= b->end)
      continue;
    if (!n++)
      OUT_LIT(o, "<div class=\"rules\">\n<p>The rules of this passage</p>"
                 "\n<ul>\n");
    OUT_LIT(o, "<li>");
    h(o, kind_word(x));
    if (x->kind != DECL_POLICY && x->kind != DECL_FACTS &&
        x->kind != DECL_REQUIRE) {
      out_c(o, ' ');
      link_to(g, x);
    }
    const char *what = x->kind == DECL_DOCUMENT ? x->str : x->title;
    if (what && x->kind != DECL_TEST) {
      OUT_LIT(o, ": ");
      h(o, what);
    }
    OUT_LIT(o, "</li>\n");
  }
  if (n) OUT_LIT(o, "</ul>\n</div>\n");
}

/* The source of a declaration, from the start of its first line, as
   written (in a literate file, from its rule block). */
static void source(page *g, const decl *x) {
  uint32_t a = x->loc.start, e = x->loc.end;
  if (e > g->len) e = (uint32_t)g->len;
  while (a > 0 && g->rules[a - 1] != '\n') a--;
  OUT_LIT(g->o, "<pre><code>");
  hn(g->o, g->rules + a, e - a);
  OUT_LIT(g->o, "</code></pre>\n");
}

static void summary(outbuf *o, const char *term, const char *value) {
  OUT_LIT(o, "<div><dt>");
  h(o, term);
  OUT_LIT(o, "</dt><dd>");
  h(o, value);
  OUT_LIT(o, "</dd></div>\n");
}

/* A rule's or a table's citations, each with its quotation if any. */
static void cites(page *g, const ast *c) {
  outbuf *o = g->o;
  if (!c) return;
  OUT_LIT(o, "<div><dt>Cites</dt><dd>");
  for (int k = 0; c; c = c->next, k++) {
    if (k) OUT_LIT(o, "<br>");
    h(o, sema_document_title(g->s, c->name));
    OUT_LIT(o, ", section <q>");
    h(o, c->a && c->a->name ? c->a->name : "");
    OUT_LIT(o, "</q>");
    if (c->b && c->b->name) {
      OUT_LIT(o, ": <q>");
      h(o, c->b->name);
      OUT_LIT(o, "</q>");
    }
  }
  OUT_LIT(o, "</dd></div>\n");
}

/* A period as the language reads it: one of a dated parameter without
   'until' runs to the day before the next one ('next') starts. */
static void period(outbuf *o, const ast *pr, const ast *next,
                   const char *none) {
  if (!pr || (!pr->b && !pr->c)) {
    h(o, none);
    return;
  }
  if (pr->b) {
    OUT_LIT(o, "from ");
    out_date(o, pr->b->num);
  }
  if (pr->c || (next && next->b)) {
    out_s(o, pr->b ? " until " : "until ");
    out_date(o, pr->c ? pr->c->num : next->b->num - 1);
  } else if (pr->b && next == NULL) {
    OUT_LIT(o, " on");
  }
}

static void rule_entry(page *g, const decl *x) {
  outbuf *o = g->o;
  OUT_LIT(o, "<section class=\"rule\" id=\"");
  h(o, decl_id(g, x));
  OUT_LIT(o, "\">\n<h3>");
  if (x->kind == DECL_CITE) {
    OUT_LIT(o, "Citations added to the ");
    h(o, x->str);
    out_c(o, ' ');
  } else {
    out_s(o, x->kind == DECL_TABLE ? "Table " : "Rule ");
  }
  OUT_LIT(o, "<code>");
  h(o, x->name);
  OUT_LIT(o, "</code>");
  if (x->title) {
    OUT_LIT(o, ": ");
    h(o, x->title);
  }
  OUT_LIT(o, "</h3>\n<dl class=\"summary\">\n");
  if (x->kind == DECL_TABLE) {
    summary(o, "Decides", "one decision for each of its outputs, a row at "
                          "a time");
  } else if (x->target) {
    OUT_LIT(o, "<div><dt>Decides</dt><dd><code>");
    h(o, x->target->name);
    OUT_LIT(o, "</code>");
    if (x->includes) OUT_LIT(o, " (adds a value to the set)");
    OUT_LIT(o, "</dd></div>\n");
  }
  cites(g, x->cites);
  if (x->period) {
    OUT_LIT(o, "<div><dt>In force</dt><dd>");
    period(o, x->period, NULL, "");
    OUT_LIT(o, "</dd></div>\n");
  }
  if (x->final_)
    summary(o, "Standing", "final: no other rule may override it");
  if (x->replace)
    summary(o, "Replaces", "the rule of the same name in an imported file");
  OUT_LIT(o, "</dl>\n");
  source(g, x);
  OUT_LIT(o, "</section>\n");
}

static void rules_section(page *g) {
  outbuf *o = g->o;
  OUT_LIT(o, "<h2 id=\"rules\">Rules</h2>\n");
  int n = 0;
  for (decl *x = g->decls; x; x = x->next)
    if (own(g, x) && (x->kind == DECL_RULE || x->kind == DECL_TABLE ||
                      x->kind == DECL_CITE)) {
      rule_entry(g, x);
      n++;
    }
  if (!n) OUT_LIT(o, "<p>This file declares no rule of its own.</p>\n");
}

/* The parameters and their values, a row for each period of a dated
   one. */
static void parameters(page *g) {
  outbuf *o = g->o;
  int n = 0;
  for (decl *x = g->decls; x; x = x->next) {
    if (!own(g, x) || x->kind != DECL_PARAM) continue;
    if (!n++)
      OUT_LIT(o, "<h2 id=\"parameters\">Parameters</h2>\n<table class=\"values\">"
                 "\n<caption>"
                 "The values the rules use</caption>\n<thead><tr><th scope="
                 "\"col\">Parameter</th><th scope=\"col\">Value</th><th "
                 "scope=\"col\">In force</th></tr></thead>\n<tbody>\n");
    int rows = 0;
    for (const ast *pr = x->periods; pr; pr = pr->next) rows++;
    const ast *pr = x->periods;
    for (int k = 0; k < (rows ? rows : 1); k++) {
      OUT_LIT(o, "<tr>");
      if (!k) {
        OUT_LIT(o, "<th scope=\"row\"");
        if (rows > 1) {
          OUT_LIT(o, " rowspan=\"");
          out_int(o, rows);
          OUT_LIT(o, "\"");
        }
        OUT_LIT(o, " id=\"");
        h(o, decl_id(g, x));
        OUT_LIT(o, "\"><code>");
        h(o, x->name);
        OUT_LIT(o, "</code>");
        if (x->type) {
          OUT_LIT(o, " (");
          h(o, snip(g, x->type->loc));
          OUT_LIT(o, ")");
        }
        if (x->title) {
          OUT_LIT(o, "<br><span class=\"source\">");
          h(o, x->title);
          OUT_LIT(o, "</span>");
        }
        if (x->replace)
          OUT_LIT(o, "<br><span class=\"source\">Replaces the value of an "
                     "imported file</span>");
        for (const ast *c = x->cites; c; c = c->next) {
          OUT_LIT(o, "<br><span class=\"source\">Cites ");
          h(o, sema_document_title(g->s, c->name));
          OUT_LIT(o, ", section <q>");
          h(o, c->a && c->a->name ? c->a->name : "");
          OUT_LIT(o, "</q></span>");
        }
        OUT_LIT(o, "</th>");
      }
      OUT_LIT(o, "<td><code>");
      h(o, snip(g, pr ? pr->a->loc : x->value->loc));
      OUT_LIT(o, "</code></td><td>");
      period(o, pr, pr ? pr->next : NULL, "always");
      OUT_LIT(o, "</td></tr>\n");
      if (pr) pr = pr->next;
    }
  }
  if (n) OUT_LIT(o, "</tbody>\n</table>\n");
}

static void decisions(page *g) {
  outbuf *o = g->o;
  int n = 0;
  for (decl *x = g->decls; x; x = x->next) {
    if (!own(g, x) || x->kind != DECL_DECISION) continue;
    if (!n++)
      OUT_LIT(o, "<h2 id=\"decisions\">Decisions</h2>\n<table>\n<caption>"
                 "What the rules decide</caption>\n<thead><tr><th scope="
                 "\"col\">Decision</th><th scope=\"col\">Kind of value</th>"
                 "<th scope=\"col\">What it is</th></tr></thead>\n<tbody>\n");
    OUT_LIT(o, "<tr><th scope=\"row\" id=\"");
    h(o, decl_id(g, x));
    OUT_LIT(o, "\"><code>");
    h(o, x->name);
    OUT_LIT(o, "</code></th><td>");
    h(o, x->type ? snip(g, x->type->loc) : "");
    for (const ast *at = x->attrs; at; at = at->next) {
      OUT_LIT(o, "<br>");
      h(o, at->name);
      if (at->a) {
        OUT_LIT(o, " <code>");
        h(o, snip(g, at->a->loc));
        OUT_LIT(o, "</code>");
      }
    }
    OUT_LIT(o, "</td><td>");
    h(o, x->title ? x->title : "");
    OUT_LIT(o, "</td></tr>\n");
  }
  if (n) OUT_LIT(o, "</tbody>\n</table>\n");
}

/* A test as a worked example: the facts given, the decisions expected. */
static void example(page *g, int i) {
  outbuf *o = g->o;
  const decl *x = g->tests[i];
  OUT_LIT(o, "<section class=\"rule\" id=\"");
  h(o, decl_id(g, x));
  OUT_LIT(o, "\">\n<h3>");
  h(o, x->name);
  OUT_LIT(o, "</h3>\n");
  if (x->like) {
    int j = 0;
    while (j < g->ntests && strcmp(g->tests[j]->name, x->like)) j++;
    OUT_LIT(o, "<p>The facts of ");
    if (j < g->ntests) {
      OUT_LIT(o, "<a href=\"#");
      h(o, decl_id(g, g->tests[j]));
      OUT_LIT(o, "\">");
    }
    OUT_LIT(o, "<q>");
    h(o, x->like);
    OUT_LIT(o, "</q>");
    if (j < g->ntests) OUT_LIT(o, "</a>");
    out_s(o, x->given ? ", with these changes:</p>\n" : ".</p>\n");
  }
  if (x->given) {
    OUT_LIT(o, "<table class=\"example\">\n<caption>Facts given</caption>\n<thead><tr><th "
               "scope=\"col\">Fact</th><th scope=\"col\">Value</th></tr>"
               "</thead>\n<tbody>\n");
    for (const ast *gv = x->given; gv; gv = gv->next) {
      OUT_LIT(o, "<tr><th scope=\"row\"><code>");
      h(o, gv->a->name);
      OUT_LIT(o, "</code></th><td><code>");
      h(o, snip(g, gv->b->loc));
      OUT_LIT(o, "</code></td></tr>\n");
    }
    OUT_LIT(o, "</tbody>\n</table>\n");
  }
  if (x->expect) {
    OUT_LIT(o, "<table class=\"example\">\n<caption>Decisions expected</caption>\n<thead><tr>"
               "<th scope=\"col\">Decision</th><th scope=\"col\">Value</th>"
               "<th scope=\"col\">Made by</th></tr></thead>\n<tbody>\n");
    for (const ast *e = x->expect; e; e = e->next) {
      OUT_LIT(o, "<tr><th scope=\"row\"><code>");
      h(o, e->a->name);
      OUT_LIT(o, "</code></th><td>");
      if (e->op == 'u') OUT_LIT(o, "not decided");
      else if (e->op == 'c') OUT_LIT(o, "rules in conflict");
      else if (e->op == 'i') OUT_LIT(o, "the case is refused as invalid");
      else {
        OUT_LIT(o, "<code>");
        h(o, snip(g, e->b->loc));
        OUT_LIT(o, "</code>");
      }
      OUT_LIT(o, "</td><td>");
      if (e->name && !strcmp(e->name, "default")) {
        OUT_LIT(o, "the default");
      } else if (e->name) {
        OUT_LIT(o, "rule <code>");
        h(o, e->name);
        OUT_LIT(o, "</code>");
      }
      OUT_LIT(o, "</td></tr>\n");
    }
    OUT_LIT(o, "</tbody>\n</table>\n");
  }
  OUT_LIT(o, "</section>\n");
}

static void examples(page *g) {
  if (!g->ntests) return;
  OUT_LIT(g->o, "<h2 id=\"examples\">Worked examples</h2>\n<p>Each example "
                "is a test of the rule file: <code>entitle test</code> "
                "decides its facts and checks every decision it "
                "expects.</p>\n");
  for (int i = 0; i < g->ntests; i++) example(g, i);
}

/* } ====== */

/* { ====== the page ====== */

/* The prose of a literate file is the text of each document it declares
   that names no text file (literate_check_quotes). */
static int own_document(page *g, const char *doc) {
  for (decl *x = g->decls; x; x = x->next)
    if (own(g, x) && x->kind == DECL_DOCUMENT && !x->text_path &&
        !strcmp(x->name, doc))
      return 1;
  return 0;
}

/* The document whose text is being written (text_document). */
static int this_document(page *g, const char *doc) {
  return !strcmp(g->doc, doc);
}

/* Reads the text file a document of the file names, relative to the
   file's folder as the compiler reads it (quote.c); NULL if it cannot
   be read, which the compiler has already reported. */
static char *read_text(page *g, const decl *x, size_t *n) {
  const char *from = g->d->names[g->root];
  const char *slash = strrchr(from, '/');
  size_t dl = slash ? (size_t)(slash - from + 1) : 0;
  char *path = GC_MALLOC_ATOMIC(dl + strlen(x->text_path) + 1);
  memcpy(path, from, dl);
  strcpy(path + dl, x->text_path);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16;
  char *buf = GC_MALLOC_ATOMIC(cap + 1);
  *n = 0;
  size_t k;
  while ((k = fread(buf + *n, 1, cap - *n, f)) > 0) {
    *n += k;
    if (*n == cap) {
      cap *= 2;
      buf = GC_REALLOC(buf, cap + 1);
    }
  }
  fclose(f);
  buf[*n] = 0;
  return buf;
}

/* The text of each document the file declares with a text file: read as
   Markdown (council pages saved as text are), the headings of the
   sections the rules cite shown as headings, each quotation marked
   beside the rules that quote it. */
static void document_texts(page *g) {
  for (decl *x = g->decls; x; x = x->next) {
    if (!own(g, x) || x->kind != DECL_DOCUMENT || !x->text_path) continue;
    size_t n = 0;
    char *text = read_text(g, x, &n);
    if (!text) continue;
    g->doc = x->name;
    g->nmarks = 0;
    find_quotes(g, text, n, this_document);
    OUT_LIT(g->o, "<h2 id=\"text-");
    h(g->o, x->name);
    OUT_LIT(g->o, "\">The text of <q>");
    h(g->o, x->str);
    OUT_LIT(g->o, "</q></h2>\n<p class=\"source\">From <code>");
    h(g->o, x->text_path);
    OUT_LIT(g->o, "</code>; each sentence a rule quotes is marked.</p>\n"
                  "<section class=\"text\">\n");
    markdown(g, text, 0, (uint32_t)n);
    OUT_LIT(g->o, "</section>\n");
    g->doc = NULL;
  }
  g->nmarks = 0;
}

static void head(page *g) {
  outbuf *o = g->o;
  const ent_program *p = g->p;
  const char *name = prog_str(p, p->name);
  char title[600];
  snprintf(title, sizeof title, "Policy and rules: %s", name);
  report_page_begin_css(o, title, doc_style);
  OUT_LIT(o, "<p class=\"caption\">Policy and rules</p>\n<h1>");
  h(o, name);
  OUT_LIT(o, "</h1>\n<dl class=\"summary\">\n");
  if (*prog_str(p, p->version)) summary(o, "Version", prog_str(p, p->version));
  for (decl *x = g->decls; x; x = x->next)
    if (own(g, x) && x->kind == DECL_POLICY && x->status)
      summary(o, "Status", x->status);
  OUT_LIT(o, "<div><dt>Rule file</dt><dd><code>");
  h(o, g->name);
  OUT_LIT(o, "</code>");
  if (g->literate) OUT_LIT(o, " (the policy's text and its rules)");
  OUT_LIT(o, "</dd></div>\n");
  char hex[65];
  bc_digest_hex(p, hex);
  OUT_LIT(o, "<div><dt>Program digest</dt><dd><code>sha256:");
  h(o, hex);
  OUT_LIT(o, "</code></dd></div>\n");
  for (uint32_t i = 0; i < p->nimports; i++) {
    char what[600];
    snprintf(what, sizeof what, "%s: %s%s%s", prog_str(p, p->imports[i].file),
             prog_str(p, p->imports[i].name),
             *prog_str(p, p->imports[i].version) ? ", " : "",
             prog_str(p, p->imports[i].version));
    summary(o, "Imports", what);
  }
  for (decl *x = g->decls; x; x = x->next)
    if (own(g, x) && x->kind == DECL_DOCUMENT) {
      OUT_LIT(o, "<div><dt>Document <code>");
      h(o, x->name);
      OUT_LIT(o, "</code></dt><dd>");
      h(o, x->str);
      OUT_LIT(o, "</dd></div>\n");
    }
  if (g->s->dated_by) {
    OUT_LIT(o, "<div><dt>Decided on</dt><dd>the date in the fact <code>");
    h(o, g->s->dated_by);
    OUT_LIT(o, "</code></dd></div>\n");
  }
  OUT_LIT(o, "</dl>\n");
}

static void contents(page *g) {
  outbuf *o = g->o;
  int params = 0, decs = 0;
  for (decl *x = g->decls; x; x = x->next) {
    params += own(g, x) && x->kind == DECL_PARAM;
    decs += own(g, x) && x->kind == DECL_DECISION;
  }
  OUT_LIT(o, "<nav aria-label=\"Contents\">\n<h2 id=\"contents\">Contents"
             "</h2>\n<ul>\n");
  if (g->literate)
    OUT_LIT(o, "<li><a href=\"#text\">The policy and its rules</a></li>\n");
  for (decl *x = g->decls; x; x = x->next)
    if (own(g, x) && x->kind == DECL_DOCUMENT && x->text_path) {
      OUT_LIT(o, "<li><a href=\"#text-");
      h(o, x->name);
      OUT_LIT(o, "\">The text of <q>");
      h(o, x->str);
      OUT_LIT(o, "</q></a></li>\n");
    }
  OUT_LIT(o, "<li><a href=\"#rules\">Rules</a></li>\n");
  if (params) OUT_LIT(o, "<li><a href=\"#parameters\">Parameters</a></li>\n");
  if (decs) OUT_LIT(o, "<li><a href=\"#decisions\">Decisions</a></li>\n");
  if (g->ntests)
    OUT_LIT(o, "<li><a href=\"#examples\">Worked examples</a></li>\n");
  OUT_LIT(o, "</ul>\n</nav>\n");
}

/* A literate file's prose, read as Markdown, with what each rule block
   declares after the passage before it. */
static void policy_text(page *g) {
  OUT_LIT(g->o, "<h2 id=\"text\">The policy and its rules</h2>\n"
                "<section class=\"text\">\n");
  for (int i = 0; i < g->lf.nblocks; i++) {
    const literate_block *b = &g->lf.blocks[i];
    if (b->rules) block_box(g, b);
    else markdown(g, g->lf.prose, b->start, b->end);
  }
  OUT_LIT(g->o, "</section>\n");
}

static void render(page *g) {
  for (decl *x = g->decls; x; x = x->next)
    if (own(g, x) && x->kind == DECL_TEST) {
      GROW(g->tests, g->ntests, g->captests);
      g->tests[g->ntests++] = x;
    }
  make_ids(g);
  head(g);
  contents(g);
  if (g->literate) {
    find_quotes(g, g->lf.prose, g->lf.len, own_document);
    policy_text(g);
  }
  document_texts(g);
  rules_section(g);
  parameters(g);
  decisions(g);
  examples(g);
  report_page_end(g->o);
}

/* Writes 'n' bytes to 'path' through a temporary file renamed over it,
   so that a reader never sees half a page. */
static int write_atomic(const char *path, const char *data, size_t n) {
  char *tmp = GC_MALLOC_ATOMIC(strlen(path) + 32);
  sprintf(tmp, "%s.tmp%d", path, (int)getpid());
  FILE *f = fopen(tmp, "wb");
  int ok = f && fwrite(data, 1, n, f) == n;
  if (f) ok = !fclose(f) && ok;
  if (!ok || rename(tmp, path)) {
    fprintf(stderr, "entitle: error: cannot write '%s': %s\n", path,
            strerror(errno));
    remove(tmp);
    return EXIT_IO;
  }
  return EXIT_OK;
}

int doc_main(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) {
      const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : "");
      if (strcmp(v, "html")) return cli_usage("doc: --format is html");
    } else if (!strcmp(a, "--out") || !strncmp(a, "--out=", 6)) {
      if (a[5] != '=' && i + 1 >= argc)
        return cli_usage("doc: --out needs a file name");
      out = a[5] == '=' ? a + 6 : argv[++i];
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "entitle: doc: unknown option '%s'\n", a);
      return cli_usage(NULL);
    } else if (in) {
      return cli_usage("doc: one rule file at a time");
    } else {
      in = a;
    }
  }
  if (!in) return cli_usage("doc: name a rule file");
  page g;
  memset(&g, 0, sizeof g);
  g.d = diag_new();
  ent_program *p = policy_compile(g.d, in, NULL, 0, &g.s);
  if (!p) {
    diag_print(g.d, stderr);
    int st = diag_status(g.d);
    return st ? st : EXIT_RULES;
  }
  diag_print(g.d, stderr);
  g.p = p;
  g.root = g.s->root;
  g.name = sema_source_name(g.s, g.root);
  g.src = g.rules = g.d->texts[g.root];
  g.len = g.d->lens[g.root];
  g.literate = literate_is(in);
  /* Read again: the checked declarations are the checker's. */
  g.decls = g.literate ? literate_parse(g.d, g.root) : parse_file(g.d, g.root);
  if (g.literate) {
    if (literate_split(g.src, g.len, &g.lf)) {
      fprintf(stderr, "entitle: error: %s: %s\n", in, g.lf.err);
      return EXIT_RULES;
    }
    g.rules = g.lf.rules;
  }
  outbuf o;
  out_init(&o, out ? NULL : stdout);
  g.o = &o;
  render(&g);
  int rc = EXIT_OK;
  if (o.error) {
    fprintf(stderr, "entitle: error: cannot write the page: %s\n",
            strerror(o.error));
    rc = o.error == ENOMEM ? EXIT_INTERNAL : EXIT_IO;
  } else if (out) {
    rc = write_atomic(out, o.buf, o.len);
  } else if (out_flush(&o)) {
    fprintf(stderr, "entitle: error: cannot write the page: %s\n",
            strerror(o.error));
    rc = EXIT_IO;
  }
  out_free(&o);
  return rc;
}

/* } ====== */
