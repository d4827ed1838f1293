/*
** fmt.c: the canonical layout of rule text (entitle fmt).
**
** The syntax tree has no comments, so the formatter works from the token
** stream, with the comments and line breaks found between the tokens,
** and knows of the grammar only what layout needs: where declarations
** and their clauses begin, bracket depth, and which 'and's or 'or's
** join a condition's operands. It never adds, drops or reorders a token,
** and checks that it did not (fmt_verify), so the formatted text is the
** same rule file: only the rules' line numbers, which a program keeps
** for its explanations, move.
**
** The layout is the shipped rule files': declarations at the left
** margin, their clauses indented two columns, a test's facts and
** expectations four (or under the first one, when it shares the line
** of its 'given' or 'expect'), table columns aligned, the trailing
** comments of consecutive lines in one column. Where those files differ
** (a rule's title on its own line or after its name, say) the author's
** choice of line breaks is kept, in the places that take one: before a
** clause, between list items, inside brackets. A condition is on one
** line, or, when it does not fit in FMT_WIDTH columns or was written
** over several lines, one operand to a line, the 'and' or 'or' of each
** right-aligned under the clause's word.
*/
/* realpath(), for --write through a symbolic link. */
#define _XOPEN_SOURCE 700
#include "fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <gc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "grow.h"
#include "literate.h"
#include "oom.h"
#include "parse.h"
#include "parser.h"
#include "sema.h"

int ent_yylex(ENT_YYSTYPE *lval, loc_t *lloc, void *scanner);
int lexer_init(parse_state *ps, const char *text, size_t len);
void lexer_done(parse_state *ps);

/* { ====== tokens and what lies between them ====== */

/* The kinds of declaration, as a set of bits for the clause table. */
enum {
  D_POLICY = 1 << 0, D_IMPORT = 1 << 1, D_DOCUMENT = 1 << 2,
  D_ENUM = 1 << 3, D_RECORD = 1 << 4, D_FACTS = 1 << 5, D_PARAM = 1 << 6,
  D_DATED = 1 << 7, D_DECISION = 1 << 8, D_REQUIRE = 1 << 9,
  D_RULE = 1 << 10, D_TABLE = 1 << 11, D_TEST = 1 << 12
};

/* Whether a token may begin a line: never (only a comment before it puts
   it on a new line), when the source began one there, always, or when
   its condition is broken. */
enum { BRK_NEVER, BRK_MAY, BRK_FORCE, BRK_CHAIN };

/* Where a line begins when a token begins it. */
enum {
  IND_NONE,    /* a token that does not begin lines: 4 past its clause */
  IND_ABS,     /* column 'n' */
  IND_REL,     /* 'n' past the line before */
  IND_ITEM,    /* a test's fact or expectation */
  IND_BRACKET, /* inside brackets: 2 past the opening bracket's line */
  IND_CLOSE,   /* a closing bracket: under its opening bracket's line */
  IND_LIST,    /* after a comma outside brackets: 2 past its clause */
  IND_CHAIN    /* an operator of a broken condition */
};

typedef struct {
  int kind;              /* the parser's token, 0 for the end */
  uint32_t start, end;   /* its bytes in the source */
  int note, nnotes;      /* the comments before it, in fmt_state.notes */
  int nl;                /* line breaks before it in the source */
  unsigned blank : 1;    /* a blank line right before it */
  unsigned decl : 1;     /* it begins a declaration */
  unsigned clause : 1;   /* it begins a clause: its line is the clause's */
  unsigned item1 : 1;    /* the first fact or expectation of a section */
  unsigned section : 1;  /* 'given' or 'expect' */
  unsigned unary : 1;    /* a '-' that negates */
  unsigned attrs : 1;    /* the '(' of a field's or decision's attributes */
  unsigned char brk, ind;
  signed char n;         /* IND_ABS's column, IND_REL's step */
  int chain;             /* BRK_CHAIN: its condition */
  int first;             /* the first token of condition 'first', or -1 */
  int pad;               /* in a table row: spaces after it (its column) */
} ftok;

typedef struct {
  uint32_t start, end;   /* '#' to the end of its line, less trailing blanks */
  unsigned trailing : 1; /* it ends the line of the token before it */
  unsigned blank : 1;    /* a blank line before it */
} fnote;

/* A condition: the operands of a 'when', an 'unless', a requirement, a
   rule's or a parameter's value. */
typedef struct {
  int first, end;        /* its tokens */
  int if_form;           /* 'if A then B else C': broken before then, else */
  int nand, nor, stopped;
  int src_broken;        /* written over lines, or a comment inside */
  int broken, col;       /* at rendering: broken? the first operand's column */
} fchain;

enum { L_CODE, L_BLANK, L_COMMENT };

typedef struct {
  size_t off, len;       /* its text in fmt_state.code */
  int width;             /* in characters */
  int note;              /* its trailing comment, or -1 */
  unsigned char kind;
  unsigned decl : 1;     /* begins a declaration: trailing comments of the
                            declarations before are not aligned with its */
} fline;

typedef struct {
  diag *d;
  int file;
  const char *src;
  size_t len;
  ftok *t;
  int nt, capt;
  fnote *notes;
  int nnotes, capnotes;
  fchain *chains;
  int nchains, capchains;
  /* Rendering. */
  char *code;
  size_t clen, ccap;
  fline *lines;
  int nlines, caplines;
  int col, line_indent, clause_indent;
  int *stack;            /* the indent of each open bracket's line */
  int nstack, capstack;
  int section_indent, item_col;
} fmt_state;

/* Lexes the whole text, with the comments and line breaks before each
   token. The token list ends with kind 0 at the end of the text, which
   holds the comments after the last token. */
static int lex_tokens(fmt_state *f) {
  parse_state ps;
  memset(&ps, 0, sizeof ps);
  ps.d = f->d;
  ps.file = f->file;
  if (lexer_init(&ps, f->src, f->len)) return -1;
  for (;;) {
    ENT_YYSTYPE v;
    loc_t l = {f->file, 0, 0};
    int k = ent_yylex(&v, &l, ps.scanner);
    GROW_ATOMIC(f->t, f->nt, f->capt);
    ftok *t = &f->t[f->nt++];
    memset(t, 0, sizeof *t);
    t->kind = k;
    t->start = k ? l.start : (uint32_t)f->len;
    t->end = k ? l.end : (uint32_t)f->len;
    t->chain = t->first = -1;
    if (!k) break;
  }
  lexer_done(&ps);
  return 0;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Reads what the lexer skipped before each token: only white space, byte
   order marks and comments, since the text lexed without an error. */
static void find_notes(fmt_state *f) {
  uint32_t from = 0;
  for (int i = 0; i < f->nt; i++) {
    ftok *t = &f->t[i];
    t->note = f->nnotes;
    int since = 0, total = 0;
    for (uint32_t p = from; p < t->start; p++) {
      char c = f->src[p];
      if (c == '\n') {
        since++;
        total++;
      }
      if (c != '#') continue;
      uint32_t e = p;
      while (e < t->start && f->src[e] != '\n') e++;
      uint32_t stop = e;
      while (stop > p && is_blank(f->src[stop - 1])) stop--;
      GROW_ATOMIC(f->notes, f->nnotes, f->capnotes);
      fnote *n = &f->notes[f->nnotes++];
      n->start = p;
      n->end = stop;
      n->trailing = i > 0 && total == 0;
      n->blank = since >= 2;
      t->nnotes++;
      since = 0;
      p = e - 1;
    }
    t->nl = total;
    t->blank = since >= 2;
    from = t->end;
  }
}

/* } ====== */

/* { ====== the layout of each token ====== */

/* The words that begin a clause of a declaration, each on a line of its
   own when the source puts it on one. A new clause is one more line:
   'args' tokens after the word stay with it ('cites DOC "section"'), and
   'ident' is for a word that is not reserved, recognised by its spelling
   in its declarations only (as 'text' is in 'document D "T" text "F"').
   'quote' matches only once the lexer reserves it. */
static const struct clause_word {
  const char *word;
  unsigned decls;       /* the declarations it begins a clause of */
  signed char indent;   /* its column, or its step past the line before */
  unsigned char rel;    /* 'indent' is a step past the line before */
  unsigned char args;
  unsigned char cond;   /* a condition follows */
  unsigned char items;  /* a test's facts or expectations follow */
  unsigned char ident;
} clause_words[] = {
    {"version", D_POLICY, 2, 0, 1, 0, 0, 0},
    {"status", D_POLICY, 2, 0, 1, 0, 0, 0},
    {"text", D_DOCUMENT, 2, 0, 1, 0, 0, 1},
    {"cites", D_RULE | D_DECISION | D_TABLE | D_PARAM, 2, 0, 2, 0, 0, 0},
    {"quote", D_RULE | D_DECISION | D_TABLE | D_PARAM, 2, 1, 1, 0, 0, 0},
    {"when", D_RULE, 2, 0, 0, 1, 0, 0},
    {"unless", D_RULE, 2, 0, 0, 1, 0, 0},
    {"from", D_RULE | D_TABLE, 2, 0, 1, 0, 0, 0},
    {"until", D_RULE | D_TABLE, 2, 0, 1, 0, 0, 0},
    {"overrides", D_RULE, 2, 0, 0, 0, 0, 0},
    {"like", D_TEST, 2, 0, 1, 0, 0, 0},
    {"given", D_TEST, 2, 0, 0, 0, 1, 0},
    {"expect", D_TEST, 2, 0, 0, 0, 1, 0},
};

static const struct clause_word *clause_word(const fmt_state *f, int i,
                                             unsigned in_decl) {
  const ftok *t = &f->t[i];
  size_t n = t->end - t->start;
  for (size_t w = 0; w < sizeof clause_words / sizeof *clause_words; w++) {
    const struct clause_word *c = &clause_words[w];
    if ((c->decls & in_decl) && (c->ident || t->kind != IDENT) &&
        strlen(c->word) == n && !memcmp(c->word, f->src + t->start, n))
      return c;
  }
  return NULL;
}

/* The declaration a keyword begins, or 0. 'final' and 'replace' begin
   the rule or parameter after them. */
static unsigned decl_of(const fmt_state *f, int i) {
  int k = f->t[i].kind;
  while (k == FINAL || k == REPLACE) k = f->t[++i].kind;
  switch (k) {
  case POLICY: return D_POLICY;
  case IMPORT: return D_IMPORT;
  case DOCUMENT: return D_DOCUMENT;
  case ENUM: return D_ENUM;
  case RECORD: return D_RECORD;
  case FACTS: return D_FACTS;
  case PARAMETER: return D_PARAM;
  case DATED: return D_DATED;
  case DECISION: return D_DECISION;
  case REQUIRE: return D_REQUIRE;
  case RULE: return D_RULE;
  case TABLE: return D_TABLE;
  case TEST: return D_TEST;
  default: return 0;
  }
}

/* A value's last token, and a value's first: two values side by side,
   outside brackets, mean a new clause begins with the second (a title
   after a name, a rule's target after its citation, a test's next fact
   after a value). 'given' (in 'is given'), 'default' (in 'by default')
   and 'first' (in 'table T first') end one too. */
static int ends_value(int k) {
  switch (k) {
  case IDENT: case STRING: case INTLIT: case MONEYLIT: case DATELIT:
  case PERCENTLIT: case TRUE: case FALSE: case ')': case ']': case '}':
  case YEARS: case MONTHS: case DAYS: case GIVEN: case DEFAULT: case FIRST:
    return 1;
  default:
    return 0;
  }
}

static int starts_value(int k) {
  switch (k) {
  case IDENT: case STRING: case INTLIT: case MONEYLIT: case DATELIT:
  case PERCENTLIT: case TRUE: case FALSE: case '(': case '{': case '[':
  case NOT: case IF: case ANY: case ALL: case COUNT: case SUM: case AGE:
    return 1;
  default:
    return 0;
  }
}

/* After an operand a '-' subtracts; anywhere else it negates. */
static int operand_end(int k) {
  switch (k) {
  case IDENT: case STRING: case INTLIT: case MONEYLIT: case DATELIT:
  case PERCENTLIT: case TRUE: case FALSE: case ')': case ']': case '}':
  case YEARS: case MONTHS: case DAYS:
    return 1;
  default:
    return 0;
  }
}

static void set_break(ftok *t, int brk, int ind, int n) {
  t->brk = (unsigned char)brk;
  t->ind = (unsigned char)ind;
  t->n = (signed char)n;
}

/* The classifier's state, token by token. */
typedef struct {
  unsigned decl;
  int depth;
  int args;            /* tokens still belonging to the word before */
  int in_row;          /* inside a table row */
  int chain;           /* the open condition, or -1 */
  int want_target;     /* a rule's target: its '=' opens a condition */
  int param_values;    /* '= V' clauses of a parameter so far */
  int after_list;      /* the token after a comma or an enum's ':' */
  int after_open;      /* the token after an opening bracket */
} classifier;

/* The operators a broken condition is broken at: its 'or's if it has
   any outside brackets, else its 'and's; then/else for an 'if'. */
static void close_chain(fmt_state *f, classifier *c, int end) {
  if (c->chain < 0) return;
  fchain *ch = &f->chains[c->chain];
  ch->end = end;
  for (int i = ch->first; i < end; i++) {
    ftok *t = &f->t[i];
    if (t->brk != BRK_CHAIN || t->chain != c->chain) continue;
    if (!ch->if_form && ch->nor && t->kind == AND) {
      set_break(t, BRK_NEVER, IND_NONE, 0);
      t->chain = -1;
      continue;
    }
    if (t->nl || t->nnotes) ch->src_broken = 1;
  }
  c->chain = -1;
}

static void open_chain(fmt_state *f, classifier *c, int first) {
  close_chain(f, c, first);
  GROW_ATOMIC(f->chains, f->nchains, f->capchains);
  fchain *ch = &f->chains[f->nchains];
  memset(ch, 0, sizeof *ch);
  ch->first = first;
  ch->if_form = f->t[first].kind == IF;
  f->t[first].first = f->nchains;
  c->chain = f->nchains++;
}

/* An 'and', 'or', 'then' or 'else' outside brackets joins the operands
   of the open condition, until a word whose operand runs to the end of
   the condition ('where', 'satisfy', 'else', a nested 'if'). */
static void chain_token(fmt_state *f, classifier *c, int i) {
  if (c->chain < 0 || c->depth || i == f->chains[c->chain].first) return;
  fchain *ch = &f->chains[c->chain];
  ftok *t = &f->t[i];
  int k = t->kind;
  if (ch->if_form) {
    if (k == THEN || k == ELSE) {
      set_break(t, BRK_CHAIN, IND_CHAIN, 0);
      t->chain = c->chain;
    }
    return;
  }
  if (ch->stopped) return;
  switch (k) {
  case AND: case OR:
    set_break(t, BRK_CHAIN, IND_CHAIN, 0);
    t->chain = c->chain;
    if (k == OR) ch->nor++;
    else ch->nand++;
    break;
  case IF: case THEN: case ELSE: case ANY: case ALL: case COUNT: case SUM:
  case WHERE: case SATISFY: case FROM: case UNTIL:
    ch->stopped = 1;
    break;
  default:
    break;
  }
}

/* A new clause at token i, at 'ind'/'n' when it begins a line. */
static void begin_clause(fmt_state *f, classifier *c, int i, int brk,
                         int ind, int n) {
  close_chain(f, c, i);
  set_break(&f->t[i], brk, ind, n);
  f->t[i].clause = 1;
  c->want_target = 0;
}

/* Whether token i begins a field of a record or of the facts:
   'NAME: TYPE'. */
static int field_start(const fmt_state *f, int i) {
  return f->t[i].kind == IDENT && f->t[i + 1].kind == ':';
}

static void classify_decl(fmt_state *f, classifier *c, int i) {
  ftok *t = &f->t[i];
  c->decl = decl_of(f, i);
  begin_clause(f, c, i, BRK_FORCE, IND_ABS, 0);
  t->decl = 1;
  c->in_row = 0;
  c->param_values = 0;
  c->after_list = c->after_open = 0;
  c->args = t->kind == DOCUMENT ? 2 : 0;
  if (t->kind == REQUIRE) open_chain(f, c, i + 1);
}

/* Brackets: a line break after an opening bracket or a comma inside,
   and before a closing bracket, is kept. */
static int classify_bracket(fmt_state *f, classifier *c, int i) {
  ftok *t = &f->t[i];
  int k = t->kind;
  if (k == ')' || k == ']' || k == '}') {
    if (c->depth) c->depth--;
    set_break(t, BRK_MAY, IND_CLOSE, 0);
    c->after_open = 0;
    return 1;
  }
  if (c->after_open) {
    set_break(t, BRK_MAY, IND_BRACKET, 0);
    c->after_open = 0;
  }
  if (k == '(' || k == '[' || k == '{') {
    if (k == '(' && !c->depth &&
        (c->decl & (D_DECISION | D_RECORD | D_FACTS)))
      t->attrs = 1;
    c->depth++;
    c->after_open = 1;
    return 1;
  }
  if (c->depth && k == ',') {
    c->after_open = 1; /* the next item may begin a line, as after '[' */
    return 1;
  }
  return c->depth > 0;
}

/* A token outside brackets and rows: which clause, list item or
   condition operator it begins, if any. */
static void classify_word(fmt_state *f, classifier *c, int i) {
  ftok *t = &f->t[i];
  int k = t->kind, prev = i ? f->t[i - 1].kind : 0;
  if (k == ROW || k == END) {
    begin_clause(f, c, i, BRK_FORCE, IND_ABS, k == ROW ? 2 : 0);
    c->in_row = k == ROW;
    return;
  }
  if (k == ROUNDED) {
    /* 'rounded down', 'rounded half up': words of the operator. */
    int half = f->t[i + 1].end - f->t[i + 1].start == 4 &&
               !memcmp(f->src + f->t[i + 1].start, "half", 4);
    c->args = half && f->t[i + 2].kind == IDENT ? 2 : 1;
    return;
  }
  const struct clause_word *w = clause_word(f, i, c->decl);
  if (w) {
    if (prev == ALSO) { /* 'rule R also cites ...' */
      c->args = w->args;
      return;
    }
    begin_clause(f, c, i, BRK_MAY, w->rel ? IND_REL : IND_ABS, w->indent);
    c->args = w->args;
    if (w->cond) open_chain(f, c, i + 1);
    if (w->items) {
      t->section = 1;
      f->t[i + 1].item1 = 1;
    }
    return;
  }
  if ((c->decl & (D_RECORD | D_FACTS)) && field_start(f, i)) {
    begin_clause(f, c, i, BRK_FORCE, IND_ABS, 2);
    return;
  }
  /* A parameter's value, and each '= V from D' of a dated one. */
  int period = prev == DATELIT && i >= 2 &&
               (f->t[i - 2].kind == FROM || f->t[i - 2].kind == UNTIL);
  if (c->decl == D_PARAM && k == '=' && (!c->param_values || period)) {
    begin_clause(f, c, i, BRK_MAY, IND_ABS, 2);
    c->param_values++;
    open_chain(f, c, i + 1);
    return;
  }
  if (t->item1 || (ends_value(prev) && starts_value(k) &&
                   !(k == '(' && prev == IDENT))) {
    if (c->decl == D_TEST) {
      begin_clause(f, c, i, BRK_MAY, IND_ITEM, 0);
    } else if (c->decl & (D_RECORD | D_FACTS)) {
      /* What follows a field's type: its description, under the field. */
      begin_clause(f, c, i, BRK_MAY, IND_ABS, 4);
    } else {
      begin_clause(f, c, i, BRK_MAY, IND_ABS, 2);
      c->want_target = c->decl == D_RULE && k == IDENT;
    }
    return;
  }
  if (c->want_target && (k == '=' || k == INCLUDES)) {
    c->want_target = 0;
    open_chain(f, c, i + 1);
    return;
  }
  if (k == ',' || (k == ':' && c->decl == D_ENUM)) {
    c->after_list = 1;
    return;
  }
  chain_token(f, c, i);
}

/* Decides, token by token, where each may begin a line and at which
   column (ftok.brk, ftok.ind), and which conditions there are. */
static void classify(fmt_state *f) {
  classifier c;
  memset(&c, 0, sizeof c);
  c.chain = -1;
  for (int i = 0; i < f->nt; i++) {
    ftok *t = &f->t[i];
    int k = t->kind, prev = i ? f->t[i - 1].kind : 0;
    if (!k) {
      close_chain(f, &c, i);
      set_break(t, BRK_FORCE, IND_ABS, 0); /* the comments at the end */
      break;
    }
    t->unary = k == '-' && !operand_end(prev);
    if (!c.depth && !c.args && decl_of(f, i) &&
        !((prev == FINAL || prev == REPLACE) &&
          (k == RULE || k == FINAL || k == PARAMETER))) {
      classify_decl(f, &c, i);
      continue;
    }
    if (c.args) {
      c.args--;
      continue;
    }
    if (c.in_row && k != ROW && k != END) {
      /* A row is one line: its columns are aligned. */
      if (k == '(' || k == '[' || k == '{') c.depth++;
      if ((k == ')' || k == ']' || k == '}') && c.depth) c.depth--;
      continue;
    }
    if (c.after_list && !c.depth) set_break(t, BRK_MAY, IND_LIST, 0);
    c.after_list = 0;
    if (!classify_bracket(f, &c, i)) classify_word(f, &c, i);
  }
}

/* } ====== */

/* { ====== rendering ====== */

static const char *tok_text(const fmt_state *f, int i, size_t *n) {
  const ftok *t = &f->t[i];
  if (t->kind == NOTIN) {
    *n = 6;
    return "not in";
  }
  *n = t->end - t->start;
  return f->src + t->start;
}

/* Characters, not bytes: '£' is one column. */
static int text_width(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
  return w;
}

static int tok_width(const fmt_state *f, int i) {
  size_t n;
  const char *s = tok_text(f, i, &n);
  return text_width(s, n);
}

/* Whether a space separates tokens i - 1 and i on one line. */
static int spaced(const fmt_state *f, int i) {
  const ftok *a = &f->t[i - 1], *b = &f->t[i];
  int ka = a->kind, kb = b->kind;
  if (a->pad) return 0;
  if (ka == '(' || ka == '[' || ka == '{') return 0;
  if (kb == ')' || kb == ']' || kb == '}' || kb == ',' || kb == ':')
    return 0;
  /* 'things.3.flag': '3.' would begin an amount if '.4' followed. */
  if (kb == '.') return ka == INTLIT && f->t[i + 1].kind == INTLIT;
  if (ka == '.') return 0;
  if (kb == '(' && ka == IDENT && !b->attrs) return 0;
  if (a->unary && kb != BAR && kb != DBAR) return 0;
  return 1;
}

/* The width of tokens [from, to) on one line. */
static int span_width(const fmt_state *f, int from, int to) {
  int w = 0;
  for (int i = from; i < to; i++)
    w += tok_width(f, i) + (i > from && spaced(f, i));
  return w;
}

static void put(fmt_state *f, const char *s, size_t n) {
  GROW_TO_ATOMIC(f->code, f->clen, f->ccap, f->clen + n + 1);
  memcpy(f->code + f->clen, s, n);
  f->clen += n;
  f->col += text_width(s, n);
}

static void put_spaces(fmt_state *f, int n) {
  for (int k = 0; k < n; k++) put(f, " ", 1);
}

/* Ends the line being written, without its trailing blanks. */
static void end_line(fmt_state *f) {
  if (!f->nlines) return;
  fline *l = &f->lines[f->nlines - 1];
  while (f->clen > l->off && f->code[f->clen - 1] == ' ') {
    f->clen--;
    f->col--;
  }
  l->len = f->clen - l->off;
  l->width = f->col;
}

static void new_line(fmt_state *f, int kind, int indent) {
  end_line(f);
  GROW_ATOMIC(f->lines, f->nlines, f->caplines);
  fline *l = &f->lines[f->nlines++];
  memset(l, 0, sizeof *l);
  l->off = f->clen;
  l->note = -1;
  l->kind = (unsigned char)kind;
  f->col = 0;
  f->line_indent = indent;
  put_spaces(f, indent);
}

/* One blank line, never at the start and never two. */
static void blank_line(fmt_state *f) {
  if (!f->nlines || f->lines[f->nlines - 1].kind == L_BLANK) return;
  new_line(f, L_BLANK, 0);
}

/* The column at which token i begins a line. */
static int indent_of(const fmt_state *f, int i) {
  const ftok *t = &f->t[i];
  int top = f->nstack ? f->stack[f->nstack - 1] : f->clause_indent;
  switch (t->ind) {
  case IND_ABS: return t->n;
  case IND_REL: return f->line_indent + t->n;
  case IND_ITEM:
    return f->item_col >= 0 ? f->item_col : f->section_indent + 2;
  case IND_BRACKET: return top + 2;
  case IND_CLOSE: return top;
  case IND_LIST: return f->clause_indent + 2;
  case IND_CHAIN: {
    const fchain *ch = &f->chains[t->chain];
    if (t->kind == THEN || t->kind == ELSE) return ch->col;
    int c = ch->col - tok_width(f, i) - 1;
    return c > 0 ? c : 0;
  }
  default:
    return f->nstack ? top + 2 : f->clause_indent + 4;
  }
}

static int breaks(const fmt_state *f, int i) {
  const ftok *t = &f->t[i];
  if (t->nnotes) return 1; /* a comment ends the line before */
  switch (t->brk) {
  case BRK_FORCE: return 1;
  case BRK_MAY: return t->nl > 0;
  case BRK_CHAIN: return f->chains[t->chain].broken;
  default: return 0;
  }
}

/* The comments before token i: one that ended the line before goes on
   that line; the others each on a line of their own, indented as the
   token's line. */
static void put_notes(fmt_state *f, int i, int indent) {
  const ftok *t = &f->t[i];
  for (int n = t->note; n < t->note + t->nnotes; n++) {
    const fnote *c = &f->notes[n];
    if (c->trailing && f->nlines) {
      f->lines[f->nlines - 1].note = n;
      continue;
    }
    if (c->blank) blank_line(f);
    new_line(f, L_COMMENT, indent);
    put(f, f->src + c->start, c->end - c->start);
  }
}

static void put_token(fmt_state *f, int i) {
  ftok *t = &f->t[i];
  int brk = !f->nlines || breaks(f, i);
  int indent = brk ? indent_of(f, i) : 0;
  put_notes(f, i, indent);
  if (!t->kind) return;
  if (brk) {
    if (t->blank) blank_line(f);
    new_line(f, L_CODE, indent);
    f->lines[f->nlines - 1].decl = t->decl;
  } else if (spaced(f, i)) {
    put(f, " ", 1);
  }
  if (t->clause) f->clause_indent = f->line_indent;
  if (t->first >= 0) {
    /* A condition on one line must fit; otherwise it is broken. */
    fchain *ch = &f->chains[t->first];
    ch->col = f->col;
    int cand = ch->if_form || ch->nor || ch->nand;
    ch->broken = ch->src_broken ||
                 (cand && f->col + span_width(f, ch->first, ch->end) >
                              FMT_WIDTH);
  }
  if (t->item1) f->item_col = brk ? -1 : f->col;
  size_t n;
  const char *s = tok_text(f, i, &n);
  put(f, s, n);
  if (t->section) {
    f->section_indent = f->line_indent;
    f->item_col = -1;
  }
  int k = t->kind;
  if (k == '(' || k == '[' || k == '{') {
    GROW_ATOMIC(f->stack, f->nstack, f->capstack);
    f->stack[f->nstack++] = f->line_indent;
  } else if ((k == ')' || k == ']' || k == '}') && f->nstack) {
    f->nstack--;
  }
  put_spaces(f, t->pad);
}

/* Table rows: the cells of a column padded to its widest. A row is a
   '|', cells split by '|' or '||', and a last '|'. */
static void pad_table(fmt_state *f, int from, int to) {
  int *widths = NULL, nw = 0, capw = 0;
  for (int pass = 0; pass < 2; pass++) {
    int col = 0, cell = -1;
    for (int i = from; i < to; i++) {
      int k = f->t[i].kind;
      if (k != ROW && k != BAR && k != DBAR) {
        if (cell < 0) cell = i;
        continue;
      }
      if (cell >= 0) {
        int w = span_width(f, cell, i);
        if (!pass) {
          GROW_TO_ATOMIC(widths, nw, capw, col + 1);
          if (col >= nw) nw = col + 1;
          if (w > widths[col]) widths[col] = w;
        } else {
          f->t[i - 1].pad = widths[col] - w + 1;
        }
        col++;
      }
      cell = -1;
      if (k == ROW) col = 0;
    }
  }
}

/* The rows of each table: from its first '|' to its 'end'. */
static void pad_tables(fmt_state *f) {
  for (int i = 0; i < f->nt; i++) {
    if (f->t[i].kind != ROW) continue;
    int j = i;
    while (f->t[j].kind && f->t[j].kind != END) j++;
    pad_table(f, i, j);
    i = j;
  }
}

/* Trailing comments in one column: within a run of code lines of one
   declaration, each comment is two columns past the widest line from
   the first commented line to the last. */
static void align_notes(fmt_state *f, int *cols) {
  int run = 0;
  for (int i = 0; i <= f->nlines; i++) {
    int ends = i == f->nlines || f->lines[i].kind != L_CODE ||
               f->lines[i].decl;
    if (!ends) continue;
    int first = -1, last = -1, widest = 0;
    for (int j = run; j < i; j++)
      if (f->lines[j].kind == L_CODE && f->lines[j].note >= 0) {
        if (first < 0) first = j;
        last = j;
      }
    for (int j = first; first >= 0 && j <= last; j++)
      if (f->lines[j].kind == L_CODE && f->lines[j].width > widest)
        widest = f->lines[j].width;
    for (int j = first; first >= 0 && j <= last; j++) cols[j] = widest + 2;
    run = i < f->nlines && f->lines[i].kind == L_CODE ? i : i + 1;
  }
}

static char *assemble(fmt_state *f, size_t *outlen) {
  int *cols = GC_MALLOC_ATOMIC(sizeof *cols * (size_t)(f->nlines + 1));
  align_notes(f, cols);
  size_t cap = f->clen + 1, n = 0;
  for (int i = 0; i < f->nlines; i++) {
    cap += 1;
    if (f->lines[i].note >= 0) {
      const fnote *c = &f->notes[f->lines[i].note];
      cap += (size_t)cols[i] + (c->end - c->start);
    }
  }
  char *out = GC_MALLOC_ATOMIC(cap);
  for (int i = 0; i < f->nlines; i++) {
    const fline *l = &f->lines[i];
    memcpy(out + n, f->code + l->off, l->len);
    n += l->len;
    if (l->note >= 0) {
      const fnote *c = &f->notes[l->note];
      int pad = l->width < cols[i] ? cols[i] - l->width : 1;
      memset(out + n, ' ', (size_t)pad);
      n += (size_t)pad;
      memcpy(out + n, f->src + c->start, c->end - c->start);
      n += c->end - c->start;
    }
    out[n++] = '\n';
  }
  out[n] = 0;
  *outlen = n;
  return out;
}

/* } ====== */

/* The formatted text must be the same tokens as the source, and nothing
   else: a difference is the formatter's bug, never a changed rule. */
static int fmt_verify(fmt_state *f, const char *out, size_t n) {
  diag *d2 = diag_new();
  fmt_state g;
  memset(&g, 0, sizeof g);
  g.d = d2;
  g.src = out;
  g.len = n;
  g.file = diag_add_file(d2, f->d->names[f->file], out, n);
  if (lex_tokens(&g)) {
    diag_internal_error(f->d, NOLOC, "out of memory starting the scanner");
    return -1;
  }
  for (int i = 0; i < f->nt; i++) {
    size_t na, nb;
    const char *a = tok_text(f, i, &na), *b = i < g.nt ? tok_text(&g, i, &nb)
                                                       : NULL;
    if (d2->nerrors || i >= g.nt || f->t[i].kind != g.t[i].kind ||
        na != nb || memcmp(a, b, na)) {
      loc_t l = {f->file, f->t[i].start, f->t[i].end};
      diag_internal_error(f->d, l, "entitle fmt would change the tokens of "
                          "this file here, so it leaves the file as it is: "
                          "please report this bug with the file");
      return -1;
    }
  }
  return 0;
}

typedef struct {
  diag *d;
  int file;
  char *out;
  size_t outlen;
  int rc;
} fmt_job;

static void fmt_steps(void *arg) {
  fmt_job *j = arg;
  j->rc = -1;
  int errors = j->d->nerrors;
  if (module_check_text(j->d, j->file)) return;
  parse_file(j->d, j->file);
  if (j->d->nerrors > errors) return;
  fmt_state f;
  memset(&f, 0, sizeof f);
  f.d = j->d;
  f.file = j->file;
  f.src = j->d->texts[j->file];
  f.len = j->d->lens[j->file];
  if (lex_tokens(&f)) {
    diag_internal_error(j->d, NOLOC, "out of memory starting the scanner");
    return;
  }
  find_notes(&f);
  classify(&f);
  pad_tables(&f);
  f.item_col = -1;
  for (int i = 0; i < f.nt; i++) put_token(&f, i);
  end_line(&f);
  char *out = assemble(&f, &j->outlen);
  if (fmt_verify(&f, out, j->outlen)) return;
  j->out = out;
  j->rc = 0;
}

/* A literate file: the prose as it is, each entitle block formatted on
   its own. The whole file is parsed first, so that a mistake is said
   once, at its place in the Markdown file; a block that does not parse
   alone holds a declaration that goes on into the next block. */
static int fmt_literate(diag *d, int file, char **out, size_t *outlen) {
  int errors = d->nerrors;
  if (module_check_text(d, file)) return -1;
  literate_parse(d, file);
  if (d->nerrors > errors) return -1;
  const char *md = d->texts[file];
  literate_file lf;
  if (literate_split(md, d->lens[file], &lf)) return -1;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (int b = 0; b < lf.nblocks; b++) {
    const literate_block *k = &lf.blocks[b];
    const char *text = md + k->start;
    size_t len = k->end - k->start;
    if (k->rules && len) {
      /* Under a name of its own: the block is plain rule text. */
      diag *alone = diag_new();
      if (fmt_source(alone, diag_add_file(alone, "entitle block", text, len),
                     (char **)&text, &len)) {
        diag_error(d, loc_make(file, k->start, k->start),
                   "entitle fmt formats each entitle block on its own, and "
                   "this one does not parse alone: end each declaration "
                   "in the block it starts in");
        return -1;
      }
    }
    GROW_TO_ATOMIC(buf, n, cap, n + len + 1);
    memcpy(buf + n, text, len);
    n += len;
  }
  if (!buf) GROW_TO_ATOMIC(buf, n, cap, 1);
  buf[n] = 0;
  *out = buf;
  *outlen = n;
  return 0;
}

int fmt_source(diag *d, int file, char **out, size_t *outlen) {
  if (literate_is(d->names[file])) return fmt_literate(d, file, out, outlen);
  fmt_job j = {d, file, NULL, 0, -1};
  if (oom_guard(fmt_steps, &j)) {
    diag_internal_error(d, NOLOC, "out of memory formatting '%s'",
                        d->names[file]);
    return -1;
  }
  if (j.rc) return -1;
  *out = j.out;
  *outlen = j.outlen;
  return 0;
}

int fmt_text(const char *name, const char *src, size_t len, char **out,
             size_t *outlen, diag *d) {
  return fmt_source(d, diag_add_file(d, name, src, len), out, outlen);
}

/* { ====== the command ====== */

static int fmt_usage(const char *msg) {
  fprintf(stderr, "entitle: fmt: %s\nusage: entitle fmt [--check | --write] "
          "FILE...\n", msg);
  return EXIT_USAGE;
}

/* Writes 'data' over 'path' as one step: a new file beside it, flushed
   to the disk, with the old file's mode, renamed over it. A reader sees
   the old text or the new, never part of either; a crash leaves at most
   the temporary file. A symbolic link stays a link: its target is
   rewritten. */
static int write_atomic(const char *path, const char *data, size_t n) {
  char *real = realpath(path, NULL);
  char *tmp = NULL;
  int fd = -1, err = 0;
  struct stat st;
  if (!real || stat(real, &st)) {
    err = errno;
    goto fail;
  }
  const char *slash = strrchr(real, '/');
  size_t dl = (size_t)(slash - real);
  tmp = malloc(strlen(real) + 16);
  if (!tmp) {
    err = ENOMEM;
    goto fail;
  }
  sprintf(tmp, "%.*s/.%s.fmt-XXXXXX", (int)dl, real, slash + 1);
  fd = mkstemp(tmp);
  if (fd < 0) {
    err = errno;
    free(tmp);
    tmp = NULL;
    goto fail;
  }
  for (size_t done = 0; done < n;) {
    ssize_t k = write(fd, data + done, n - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      err = k < 0 ? errno : EIO;
      goto fail;
    }
    done += (size_t)k;
  }
  /* Root rewriting another user's file keeps it theirs; anyone else
     cannot give a file away, and the file is then theirs, as editors do. */
  if (fchown(fd, st.st_uid, st.st_gid)) errno = 0;
  if (fchmod(fd, st.st_mode & 07777) || fsync(fd)) {
    err = errno;
    goto fail;
  }
  int c = close(fd);
  fd = -1;
  if (c || rename(tmp, real)) {
    err = errno;
    goto fail;
  }
  /* The rename is durable once the folder is. */
  char *dir = strndup(real, dl ? dl : 1);
  int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  free(dir);
  free(tmp);
  free(real);
  return 0;
fail:
  if (fd >= 0) close(fd);
  if (tmp) unlink(tmp);
  free(tmp);
  free(real);
  fprintf(stderr, "entitle: error: cannot write '%s': %s\n", path,
          strerror(err));
  return EXIT_IO;
}

/* Formats one file: prints it, names it if it is not formatted
   (--check), or rewrites it if it is not (--write). */
static int fmt_one(const char *path, int check, int write_back) {
  diag *d = diag_new();
  int id = module_read_file(d, strcmp(path, "-") ? path : "/dev/stdin",
                            NOLOC);
  char *out;
  size_t n;
  if (id < 0 || fmt_source(d, id, &out, &n)) {
    diag_print(d, stderr);
    int st = diag_status(d);
    return st ? st : EXIT_RULES;
  }
  int same = n == d->lens[id] && !memcmp(out, d->texts[id], n);
  if (check) {
    if (same) return EXIT_OK;
    printf("%s\n", path);
    return EXIT_RULES;
  }
  if (write_back) return same ? EXIT_OK : write_atomic(path, out, n);
  fwrite(out, 1, n, stdout);
  return EXIT_OK;
}

int fmt_main(int argc, char **argv) {
  int check = 0, write_back = 0, files = 0, dash = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--check")) check = 1;
    else if (!strcmp(argv[i], "--write")) write_back = 1;
    else if (argv[i][0] == '-' && argv[i][1]) {
      char msg[256];
      snprintf(msg, sizeof msg, "unknown option '%.200s'", argv[i]);
      return fmt_usage(msg);
    }
    else {
      files++;
      dash |= !strcmp(argv[i], "-");
    }
  }
  if (!files) return fmt_usage("name at least one rule file ('-' reads "
                               "standard input)");
  if (check && write_back)
    return fmt_usage("--check and --write do not go together");
  if (write_back && dash)
    return fmt_usage("--write rewrites files: standard input cannot be "
                     "rewritten");
  int rc = EXIT_OK;
  for (int i = 0; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1]) continue;
    int r = fmt_one(argv[i], check, write_back);
    if (r > rc) rc = r;
  }
  if (fflush(stdout) || ferror(stdout)) {
    fprintf(stderr, "entitle: error: cannot write standard output: %s\n",
            strerror(errno));
    rc = EXIT_IO;
  }
  return rc;
}

/* } ====== */
