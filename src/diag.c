/*
** diag.c: the source table and the diagnostics every stage reports with.
**
** Messages are kept in order and printed later, so a caller (the CLI, the
** library, the test runner) decides where they go; the library never
** prints. Columns count UTF-8 characters, not bytes, so the caret sits
** under the right character in a terminal.
*/
#include "diag.h"

#include <gc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

diag *diag_new(void) {
  diag *d = GC_MALLOC(sizeof *d);
  d->max_errors = 20;
  return d;
}

int diag_add_file(diag *d, const char *name, const char *text, size_t len) {
  /* Five arrays side by side, all with capacity 'cap'. */
  int c1 = d->cap, c2 = c1, c3 = c1, c4 = c1;
  GROW(d->names, d->nfiles, d->cap);
  GROW_TO(d->texts, d->nfiles, c1, d->cap);
  GROW_TO_ATOMIC(d->lens, d->nfiles, c2, d->cap);
  GROW_TO(d->line_starts, d->nfiles, c3, d->cap);
  GROW_TO_ATOMIC(d->nlines, d->nfiles, c4, d->cap);
  d->line_starts[d->nfiles] = NULL;
  d->nlines[d->nfiles] = 0;
  d->names[d->nfiles] = name;
  d->texts[d->nfiles] = text;
  d->lens[d->nfiles] = len;
  return d->nfiles++;
}

void diag_report(diag *d, int severity, diag_kind kind, loc_t loc,
                 const char *fmt, ...) {
  if (severity == DIAG_ERROR) {
    /* An internal error is kept past the limit: it decides the status. */
    if (d->nerrors >= d->max_errors && kind != DK_INTERNAL) {
      d->nerrors++;
      return;
    }
    d->nerrors++;
  } else if (severity == DIAG_WARNING) {
    d->nwarnings++;
  } else if (d->nerrors > d->max_errors) {
    return; /* a note to a dropped error */
  }
  /* Reporting running out of memory may itself find none left (oom.h):
     the message is then lost or shortened, never written through NULL. */
  diag_msg *m = GC_MALLOC(sizeof *m);
  if (!m) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  m->text = GC_MALLOC_ATOMIC(n + 1);
  if (m->text) {
    va_start(ap, fmt);
    vsnprintf(m->text, n + 1, fmt, ap);
    va_end(ap);
  } else {
    m->text = (char *)"out of memory";
  }
  m->severity = severity;
  m->kind = kind;
  m->loc = loc;
  if (d->last)
    d->last->next = m;
  else
    d->first = m;
  d->last = m;
}

int diag_kind_status(diag_kind kind) {
  switch (kind) {
  case DK_IO: return 74;
  case DK_INTERNAL: return 70;
  default: return 1;
  }
}

int diag_status(const diag *d) {
  int st = 0;
  for (const diag_msg *m = d->first; m; m = m->next)
    if (m->severity == DIAG_ERROR && diag_kind_status(m->kind) > st)
      st = diag_kind_status(m->kind);
  return st;
}

/* A UTF-8 continuation byte does not start a character. */
static int starts_char(unsigned char c) { return (c & 0xC0) != 0x80; }

/* Where each line of 'file' starts, found once: the compiler asks for
   the line of every rule, and counting from the top each time made large
   files quadratic. */
static void index_lines(const diag *dc, int file) {
  diag *d = (diag *)dc;
  const char *t = d->texts[file];
  size_t len = d->lens[file];
  uint32_t n = 1;
  for (size_t i = 0; i < len; i++) n += t[i] == '\n';
  uint32_t *ls = GC_MALLOC_ATOMIC((size_t)n * sizeof *ls);
  ls[0] = 0;
  uint32_t k = 1;
  for (size_t i = 0; i < len; i++)
    if (t[i] == '\n') ls[k++] = (uint32_t)i + 1;
  d->line_starts[file] = ls;
  d->nlines[file] = n;
}

void diag_linecol(const diag *d, int file, uint32_t off, int *line, int *col) {
  const char *t = d->texts[file];
  size_t len = d->lens[file];
  if (off > len) off = (uint32_t)len;
  if (!d->line_starts[file]) index_lines(d, file);
  const uint32_t *ls = d->line_starts[file];
  uint32_t lo = 0, hi = d->nlines[file];
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ls[mid] <= off) lo = mid;
    else hi = mid;
  }
  int cl = 1;
  for (uint32_t i = ls[lo]; i < off; i++)
    if (starts_char((unsigned char)t[i])) cl++;
  *line = (int)lo + 1;
  *col = cl;
}

loc_t loc_span(loc_t a, loc_t b) {
  if (a.file < 0) return b;
  if (b.file < 0 || b.file != a.file) return a;
  loc_t r = a;
  if (b.start < r.start) r.start = b.start;
  if (b.end > r.end) r.end = b.end;
  return r;
}

char *diag_snippet(const diag *d, loc_t l) {
  if (l.file < 0 || l.file >= d->nfiles) return "";
  const char *t = d->texts[l.file];
  size_t len = d->lens[l.file];
  if (l.end > len) l.end = len;
  if (l.start > l.end) l.start = l.end;
  /* Collapse runs of white space so a condition spread over lines reads
     as one line in an explanation; a comment between its lines is white
     space too (a '#' inside quoted text is not a comment). */
  char *s = GC_MALLOC_ATOMIC(l.end - l.start + 1);
  size_t n = 0;
  int space = 0, quoted = 0;
  for (uint32_t i = l.start; i < l.end; i++) {
    char c = t[i];
    if (!quoted && c == '#') {
      while (i + 1 < l.end && t[i + 1] != '\n') i++;
      space = 1;
      continue;
    }
    if (!quoted && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
      space = 1;
      continue;
    }
    if (space && n > 0) s[n++] = ' ';
    space = 0;
    s[n++] = c;
    if (c == '"') quoted = !quoted;
    else if (c == '\\' && quoted && i + 1 < l.end) s[n++] = t[++i];
  }
  s[n] = 0;
  return s;
}

static const char *sev_name[] = {"error", "warning", "note"};

/* The most of a source line an error shows. */
#define SNIPPET_BYTES 160

void diag_print_one(const diag *d, const diag_msg *m, FILE *out) {
  if (m->loc.file < 0 || m->loc.file >= d->nfiles) {
    fprintf(out, "entitle: %s: %s\n", sev_name[m->severity], m->text);
    return;
  }
  int line, col;
  diag_linecol(d, m->loc.file, m->loc.start, &line, &col);
  fprintf(out, "%s:%d:%d: %s: %s\n", d->names[m->loc.file], line, col,
          sev_name[m->severity], m->text);
  const char *t = d->texts[m->loc.file];
  size_t len = d->lens[m->loc.file];
  size_t bol = m->loc.start > len ? len : m->loc.start;
  while (bol > 0 && t[bol - 1] != '\n') bol--;
  size_t eol = bol;
  while (eol < len && t[eol] != '\n' && t[eol] != '\r') eol++;
  size_t s = m->loc.start > eol ? eol : m->loc.start;
  size_t e = m->loc.end > eol ? eol : m->loc.end;
  /* A long line is shown around the error: a generated rule file can have
     a line of megabytes, and printing it whole buried the message. */
  size_t from = bol, to = eol;
  if (eol - bol > SNIPPET_BYTES) {
    from = s > bol + SNIPPET_BYTES / 3 ? s - SNIPPET_BYTES / 3 : bol;
    while (from > bol && !starts_char((unsigned char)t[from])) from--;
    to = from + SNIPPET_BYTES < eol ? from + SNIPPET_BYTES : eol;
    while (to < eol && !starts_char((unsigned char)t[to])) to++;
  }
  fprintf(out, "%5d | %s", line, from > bol ? "..." : "");
  for (size_t i = from; i < to; i++)
    fputc(t[i] == '\t' ? ' ' : t[i], out);
  fprintf(out, "%s\n      | %s", to < eol ? "..." : "", from > bol ? "   " : "");
  for (size_t i = from; i < s; i++)
    if (starts_char((unsigned char)t[i])) fputc(' ', out);
  fputc('^', out);
  if (e > to) e = to;
  int first = 1;
  for (size_t i = s; i < e; i++) {
    if (!starts_char((unsigned char)t[i])) continue;
    if (first) { first = 0; continue; }
    fputc('~', out);
  }
  fputc('\n', out);
}

void diag_print(const diag *d, FILE *out) {
  for (diag_msg *m = d->first; m; m = m->next) diag_print_one(d, m, out);
  if (d->nerrors > d->max_errors)
    fprintf(out, "entitle: error: too many errors (%d); stopped after %d\n",
            d->nerrors, d->max_errors);
}
