/*
** literate.c: literate rule files, Markdown whose ```entitle blocks are
** the rules.
**
** Fences are CommonMark's fenced code blocks: a line of at least three
** backticks or tildes, indented at most three spaces, opens a block, and
** its info string's first word names the language; a line of the same
** character, at least as long and followed by nothing but spaces, closes
** it. Only blocks named 'entitle' hold rules. Lines are copied to the
** rule text whole, never shifted, so that a location in the rules is the
** same byte of the Markdown file.
*/
#include "literate.h"

#include <gc.h>
#include <stdio.h>
#include <string.h>

#include "grow.h"
#include "parse.h"
#include "sema.h"

static int read_fence(const char *s, size_t n, int max_indent,
                      literate_fence *f);

int literate_is(const char *path) {
  size_t n = strlen(path);
  return n > 3 && !strcmp(path + n - 3, ".md");
}

typedef literate_fence fence;

int literate_read_fence(const char *s, size_t n, literate_fence *f) {
  return read_fence(s, n, 3, f);
}

/* Whether line 's' ('n' bytes, no newline) is a fence after at most
   'max_indent' spaces of indentation (CommonMark allows three; a larger
   bound finds fences indented too far). */
static int read_fence(const char *s, size_t n, int max_indent, fence *f) {
  size_t i = 0;
  while (i < n && s[i] == ' ') i++;
  if (i > (size_t)max_indent || i == n) return 0;
  char c = s[i];
  if (c != '`' && c != '~') return 0;
  size_t j = i;
  while (j < n && s[j] == c) j++;
  if (j - i < 3) return 0;
  f->ch = c;
  f->len = (int)(j - i);
  size_t k = j;
  while (k < n && (s[k] == ' ' || s[k] == '\t')) k++;
  f->rest_blank = k == n;
  /* A backtick fence's info string may not hold a backtick: such a line
     is inline code, not a fence. */
  if (c == '`' && memchr(s + j, '`', n - j)) return 0;
  size_t e = k;
  while (e < n && s[e] != ' ' && s[e] != '\t') e++;
  f->lang = s + k;
  f->langlen = e - k;
  return 1;
}

static int is_entitle(const fence *f) {
  return f->langlen == 7 && !memcmp(f->lang, "entitle", 7);
}

/* Whether a line that is no fence would open an entitle block but for
   its place: indented four spaces or more, in a block quote, or after a
   list item's marker. Such a block is not compiled, which the writer
   cannot have meant. */
static int misplaced_entitle(const char *s, size_t n, size_t *fence_at) {
  size_t i = 0;
  while (i < n && strchr(" \t>-*+0123456789.)", s[i]) && s[i]) i++;
  fence f;
  *fence_at = i;
  return read_fence(s + i, n - i, 0, &f) && is_entitle(&f);
}

/* Starts a new block of kind 'rules' at line 'line', byte 'at'. */
static void open_block(literate_file *lf, int *cap, int rules, int line,
                       uint32_t at) {
  GROW(lf->blocks, lf->nblocks, *cap);
  literate_block *b = &lf->blocks[lf->nblocks++];
  b->rules = rules;
  b->start = b->end = at;
  b->first_line = line;
  b->last_line = line - 1;
  lf->nrule_blocks += rules;
}

static int fail(literate_file *lf, const char *msg, uint32_t s, uint32_t e) {
  lf->err = msg;
  lf->err_start = s;
  lf->err_end = e;
  return -1;
}

/* Line [at, next) of the Markdown into 'text': itself if 'keep', else
   spaces and its line end, so that what follows keeps its place. */
static void copy_line(const literate_file *lf, char *text, size_t at,
                      size_t next, int keep) {
  if (keep) {
    memcpy(text + at, lf->md + at, next - at);
    return;
  }
  memset(text + at, ' ', next - at);
  if (next > at && lf->md[next - 1] == '\n') text[next - 1] = '\n';
}

int literate_split(const char *md, size_t len, literate_file *lf) {
  memset(lf, 0, sizeof *lf);
  lf->md = md;
  lf->len = len;
  lf->rules = GC_MALLOC_ATOMIC(len + 1);
  lf->rules[len] = 0;
  lf->prose = GC_MALLOC_ATOMIC(len + 1);
  lf->prose[len] = 0;
  int cap = 0;
  enum { PROSE, RULES, OTHER } inside = PROSE;
  fence open = {0};
  uint32_t open_at = 0, open_end = 0;
  int open_line = 0, hidden = 0;
  open_block(lf, &cap, 0, 1, 0);
  int line = 1;
  for (size_t at = 0; at < len; line++) {
    const char *nl = memchr(md + at, '\n', len - at);
    size_t next = nl ? (size_t)(nl - md) + 1 : len;
    size_t n = nl ? next - 1 : len;
    if (n > at && md[n - 1] == '\r') n--;
    const char *s = md + at;
    size_t sl = n - at;
    /* A byte order mark, as Windows editors write, is not part of the
       first line (the lexer skips it too). */
    if (at == 0 && sl >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
      s += 3;
      sl -= 3;
    }
    fence f;
    size_t fat;
    int opens = 0, closes = 0;
    if (inside == PROSE) {
      if (read_fence(s, sl, 3, &f)) {
        opens = 1;
        inside = is_entitle(&f) ? RULES : OTHER;
        open = f;
        open_at = (uint32_t)at;
        open_end = (uint32_t)n;
        open_line = line;
        hidden = 0;
      } else if (misplaced_entitle(s, sl, &fat)) {
        return fail(lf, "this ```entitle block would not be compiled: a "
                    "rule block's fence begins its line, indented at most "
                    "3 spaces, not in a quotation or after a list marker",
                    (uint32_t)(s - md + fat), (uint32_t)n);
      }
    } else if (read_fence(s, sl, 3, &f) && f.ch == open.ch &&
               f.len >= open.len && f.rest_blank) {
      if (inside == RULES) open_block(lf, &cap, 0, line, (uint32_t)at);
      closes = inside == RULES;
      inside = PROSE;
    } else if (inside == OTHER && !hidden && read_fence(s, sl, 3, &f) &&
               is_entitle(&f)) {
      hidden = line;
      char *m = GC_MALLOC_ATOMIC(200);
      snprintf(m, 200, "this ```entitle block is inside the code block "
               "opened on line %d, which is never closed: close that "
               "block first", open_line);
      lf->err = m;
      lf->err_start = (uint32_t)at;
      lf->err_end = (uint32_t)n;
    }
    int keep = inside == RULES && !opens;
    copy_line(lf, lf->rules, at, next, keep);
    copy_line(lf, lf->prose, at, next,
              !keep && !closes && !(opens && inside == RULES));
    literate_block *b = &lf->blocks[lf->nblocks - 1];
    b->end = (uint32_t)next;
    b->last_line = line;
    if (opens && inside == RULES)
      open_block(lf, &cap, 1, line + 1, (uint32_t)next);
    at = next;
  }
  if (inside == RULES)
    return fail(lf, "this ```entitle block is never closed: end it with a "
                "line of at least as many of the same fence characters",
                open_at, open_end);
  if (inside == OTHER && hidden) return -1;
  lf->err = NULL;
  if (!lf->nrule_blocks)
    return fail(lf, "a literate rule file holds its rules in ```entitle "
                "blocks, and this one has none", 0, 0);
  return 0;
}

decl *literate_parse(diag *d, int file) {
  literate_file lf;
  if (literate_split(d->texts[file], d->lens[file], &lf)) {
    diag_syntax_error(d, loc_make(file, lf.err_start, lf.err_end), "%s",
                      lf.err);
    return NULL;
  }
  /* The text ends with the last rule block: a rule cut short there is
     reported at its last line, not at the end of the prose after it. */
  uint32_t upto = 0;
  for (int i = 0; i < lf.nblocks; i++)
    if (lf.blocks[i].rules) upto = lf.blocks[i].end;
  return parse_text(d, file, lf.rules, upto);
}

void literate_check_quotes(sema *s, int doc) {
  const decl *d = s->docdecls[doc];
  int file = d->module;
  if (file < 0 || file >= s->d->nfiles || !literate_is(s->d->names[file]))
    return;
  literate_file lf;
  if (literate_split(s->d->texts[file], s->d->lens[file], &lf)) return;
  /* The prose keeps the file's offsets: a note points into the file. */
  const char *name = sema_source_name(s, file);
  char *what = GC_MALLOC_ATOMIC(strlen(name) + 20);
  sprintf(what, "the prose of '%s'", name);
  quote_check_text(s, doc, lf.prose, lf.len, file, what);
}
