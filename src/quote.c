/*
** quote.c: quotations checked against the text of the document they quote.
**
** A citation may quote the policy's words ('cites D "section" quote
** "words"'), and a document may name the file holding its text
** ('document D "title" text "FILE"'). Every quotation of such a document
** must then be found in its text, under the section its citation names.
** Runs of whitespace (spaces, tabs, line ends, no-break spaces) count as
** one space; nothing else is normalised: a changed word, letter,
** apostrophe or full stop is a difference.
**
** The text is plain text, so headings are found by the sections the
** policy cites: a line is the heading of a cited section when, trimmed,
** it is the section's title or ends with it (a web page copied as text
** often runs a control's label into a heading: "Click to expandWhat
** types of support..."). A section runs from its heading to the next
** heading of another cited section, or to the end of the text. A section
** written "HEADING: SUBHEADING" that no line heads is the part of
** HEADING's section from the line SUBHEADING on. A section that is a
** paragraph's number ("3.2", "A1") is also headed by a line that starts
** with the number and a space, and runs from just after the number.
**
** The check of one text (quote_check_text) is separate from reading the
** file, so that a text may come from elsewhere: the prose of a literate
** rule file, say.
*/
#include <ctype.h>
#include <errno.h>
#include <gc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "grow.h"
#include "literate.h"
#include "oom.h"
#include "sema.h"
#include "utf8.h"

/* The largest text read: as large as a rule file may be. */
#define TEXT_MAX_BYTES (64u << 20)

/* Bytes of the whitespace character at 's' (before 'end'), or 0. A
   no-break space counts: web pages put them between words and after
   full stops, where a reader sees a space. */
static size_t space_at(const char *s, const char *end) {
  unsigned char c = (unsigned char)*s;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
      c == '\v')
    return 1;
  if (c == 0xC2 && s + 1 < end && (unsigned char)s[1] == 0xA0) return 2;
  return 0;
}

/* A text with each run of whitespace made one space, the runs at its ends
   dropped, and for each byte the offset it came from (map[n] is one past
   the last byte kept). */
typedef struct {
  char *s;
  uint32_t *map;
  size_t n;
} normal;

static normal normalise(const char *t, size_t len, uint32_t base) {
  normal r;
  r.s = GC_MALLOC_ATOMIC(len + 1);
  r.map = GC_MALLOC_ATOMIC((len + 1) * sizeof *r.map);
  r.n = 0;
  const char *end = t + len;
  uint32_t last = base;
  for (const char *p = t; p < end;) {
    size_t w = space_at(p, end);
    if (!w) {
      r.map[r.n] = base + (uint32_t)(p - t);
      r.s[r.n++] = *p++;
      last = base + (uint32_t)(p - t);
      continue;
    }
    uint32_t at = base + (uint32_t)(p - t);
    while (p < end && (w = space_at(p, end))) p += w;
    if (r.n && p < end) {
      r.map[r.n] = at;
      r.s[r.n++] = ' ';
    }
  }
  r.s[r.n] = 0;
  r.map[r.n] = last;
  return r;
}

/* Where 'needle' (n bytes) first occurs in 'hay' at or after 'from', or
   -1. Texts are policies, not genomes: the plain search is enough. */
static long find(const normal *hay, size_t from, const char *needle,
                 size_t n) {
  if (!n || hay->n < n) return -1;
  for (size_t i = from; i + n <= hay->n; i++) {
    const char *p = memchr(hay->s + i, needle[0], hay->n - n + 1 - i);
    if (!p) return -1;
    i = (size_t)(p - hay->s);
    if (!memcmp(p, needle, n)) return (long)i;
  }
  return -1;
}

/* One cited section of the document and where it is in the text. */
typedef struct {
  const char *title;   /* as the citation writes it */
  normal name;         /* normalised */
  const char *head, *sub; /* "HEADING: SUBHEADING" split, when no line is
                             the title's own heading */
  int *lines;          /* its heading lines, in order */
  uint32_t *starts;    /* for each, where the text under it starts: the
                          line's end, or after a paragraph's number */
  int nlines, caplines, capstarts;
  uint32_t *from, *to; /* its stretches of text, byte offsets */
  int nstretch;
} section;

typedef struct {
  sema *s;
  const char *doc;     /* the document's short name */
  const char *what;    /* how messages name the text: "'liverpool.txt'" */
  const char *text;
  size_t len;
  int file;
  normal all;          /* the whole text, normalised */
  int nlines;
  uint32_t *lstart, *lend;  /* each line's bytes, its '\n' left out */
  normal *line;        /* each line, normalised and trimmed */
  unsigned char *bound; /* whether a line is a heading of a cited section */
  section *secs;
  int nsecs, capsecs;
  strmap *secmap;      /* a section's title to its index */
} checker;

static void split_lines(checker *k) {
  int cap = 0;
  size_t at = 0;
  /* A byte order mark is not part of the first line's words. */
  if (k->len >= 3 && !memcmp(k->text, "\xEF\xBB\xBF", 3)) at = 3;
  while (at <= k->len) {
    const char *nl = memchr(k->text + at, '\n', k->len - at);
    size_t e = nl ? (size_t)(nl - k->text) : k->len;
    if (k->nlines == cap) {
      int c = cap ? cap * 2 : 64;
      k->lstart = grow_copy(k->lstart, (size_t)cap, (size_t)c,
                            sizeof *k->lstart, 1);
      k->lend = grow_copy(k->lend, (size_t)cap, (size_t)c, sizeof *k->lend,
                          1);
      k->line = grow_copy(k->line, (size_t)cap, (size_t)c, sizeof *k->line,
                          0);
      cap = c;
    }
    k->lstart[k->nlines] = (uint32_t)at;
    k->lend[k->nlines] = (uint32_t)e;
    k->line[k->nlines] = normalise(k->text + at, e - at, (uint32_t)at);
    k->nlines++;
    if (!nl) break;
    at = e + 1;
  }
  k->bound = GC_MALLOC_ATOMIC((size_t)k->nlines + 1);
  memset(k->bound, 0, (size_t)k->nlines + 1);
}

/* Whether line 'l' is a heading for the normalised title 't': the line,
   trimmed, is the title or ends with it. */
static int heads(const checker *k, int l, const char *t, size_t n) {
  const normal *ln = &k->line[l];
  return n && ln->n >= n && !memcmp(ln->s + ln->n - n, t, n);
}

/* Whether the normalised title 't' numbers a paragraph, as "3.2" or
   "A1" do: letters, digits and dots, a digit among them, and short. */
static int paragraph_number(const char *t, size_t n) {
  int digit = 0;
  if (!n || n > 12) return 0;
  for (size_t i = 0; i < n; i++) {
    if (!isalnum((unsigned char)t[i]) && t[i] != '.') return 0;
    digit |= isdigit((unsigned char)t[i]) != 0;
  }
  return digit;
}

/* Where the text of a numbered paragraph starts if line 'l' begins with
   the number 't' and a space ("3.2 The household receives..."): the
   byte after the number; else 0. Such a line heads section "3.2". */
static uint32_t numbers(const checker *k, int l, const char *t, size_t n) {
  const normal *ln = &k->line[l];
  if (!paragraph_number(t, n) || ln->n <= n || memcmp(ln->s, t, n) ||
      ln->s[n] != ' ')
    return 0;
  return ln->map[n];
}

static int is_heading_of(const section *c, int l) {
  for (int i = 0; i < c->nlines; i++)
    if (c->lines[i] == l) return 1;
  return 0;
}

static void add_heading(section *c, int l, uint32_t start) {
  GROW_ATOMIC(c->starts, c->nlines, c->capstarts);
  GROW_ATOMIC(c->lines, c->nlines, c->caplines);
  c->starts[c->nlines] = start;
  c->lines[c->nlines++] = l;
}

/* The first boundary line after 'l' that is not a heading of 'c', or the
   number of lines. */
static int next_bound(const checker *k, const section *c, int l) {
  for (int i = l + 1; i < k->nlines; i++)
    if (k->bound[i] && !is_heading_of(c, i)) return i;
  return k->nlines;
}

/* The lines that are the heading of each section: its own title, or, for
   a title "HEADING: SUBHEADING" that no line heads, HEADING's lines for
   now (find_subheadings). Each is a boundary between sections. */
static void find_headings(checker *k) {
  for (int i = 0; i < k->nsecs; i++) {
    section *c = &k->secs[i];
    for (int l = 0; l < k->nlines; l++) {
      uint32_t at = numbers(k, l, c->name.s, c->name.n);
      if (at || heads(k, l, c->name.s, c->name.n))
        add_heading(c, l, at ? at : k->lend[l]);
    }
    const char *colon = NULL;
    for (const char *p = strstr(c->name.s, ": "); p; p = strstr(p + 1, ": "))
      colon = p;
    if (c->nlines || !colon) continue;
    c->head = GC_strndup(c->name.s, (size_t)(colon - c->name.s));
    c->sub = colon + 2;
    for (int l = 0; l < k->nlines; l++)
      if (heads(k, l, c->head, strlen(c->head)))
        add_heading(c, l, k->lend[l]);
  }
  for (int i = 0; i < k->nsecs; i++)
    for (int j = 0; j < k->secs[i].nlines; j++)
      k->bound[k->secs[i].lines[j]] = 1;
}

/* A section "HEADING: SUBHEADING" is headed by the first line that heads
   SUBHEADING within each of HEADING's stretches; those lines are
   boundaries too. */
static void find_subheadings(checker *k) {
  for (int i = 0; i < k->nsecs; i++) {
    section *c = &k->secs[i];
    if (!c->sub) continue;
    section whole = {.lines = c->lines, .nlines = c->nlines};
    c->lines = NULL;
    c->starts = NULL;
    c->nlines = c->caplines = c->capstarts = 0;
    for (int j = 0; j < whole.nlines; j++) {
      int end = next_bound(k, &whole, whole.lines[j]);
      for (int l = whole.lines[j] + 1; l < end; l++)
        if (heads(k, l, c->sub, strlen(c->sub))) {
          add_heading(c, l, k->lend[l]);
          break;
        }
    }
  }
  for (int i = 0; i < k->nsecs; i++)
    if (k->secs[i].sub)
      for (int j = 0; j < k->secs[i].nlines; j++)
        k->bound[k->secs[i].lines[j]] = 1;
}

/* Each section's stretches of text: from the end of each of its heading
   lines to the next boundary that is not one of them. */
static void find_stretches(checker *k) {
  for (int i = 0; i < k->nsecs; i++) {
    section *c = &k->secs[i];
    c->from = GC_MALLOC_ATOMIC(((size_t)c->nlines + 1) * sizeof *c->from);
    c->to = GC_MALLOC_ATOMIC(((size_t)c->nlines + 1) * sizeof *c->to);
    for (int j = 0; j < c->nlines; j++) {
      int h = c->lines[j];
      if (j && h < next_bound(k, c, c->lines[j - 1])) continue;
      int e = next_bound(k, c, h);
      c->from[c->nstretch] = c->starts[j];
      c->to[c->nstretch++] = e < k->nlines ? k->lstart[e] : (uint32_t)k->len;
    }
  }
}

/* The section (index) whose stretch holds bytes [a, b), or -1. */
static int section_holding(const checker *k, uint32_t a, uint32_t b) {
  for (int i = 0; i < k->nsecs; i++)
    for (int j = 0; j < k->secs[i].nstretch; j++)
      if (a >= k->secs[i].from[j] && b <= k->secs[i].to[j]) return i;
  return -1;
}

/* The bytes of the text that occurrence [i, i + n) of the normalised text
   covers. */
static void span(const checker *k, size_t i, size_t n, uint32_t *a,
                 uint32_t *b) {
  *a = k->all.map[i];
  *b = k->all.map[i + n - 1] + 1;
  /* The last byte may start a character of several bytes. */
  while (*b < k->len && ((unsigned char)k->text[*b] & 0xC0) == 0x80) (*b)++;
}

/* Where the normalised 'q' (n bytes) occurs within section 'c' (any
   section when 'c' is NULL), or -1. */
static long find_in(const checker *k, const section *c, const char *q,
                    size_t n) {
  for (long i = find(&k->all, 0, q, n); i >= 0;
       i = find(&k->all, (size_t)i + 1, q, n)) {
    uint32_t a, b;
    span(k, (size_t)i, n, &a, &b);
    if (!c) return i;
    for (int j = 0; j < c->nstretch; j++)
      if (a >= c->from[j] && b <= c->to[j]) return i;
  }
  return -1;
}

/* 'q' shortened for a message: its first words, then "...". */
static const char *brief(const char *q) {
  size_t n = strlen(q);
  if (n <= 60) return q;
  size_t cut = 50;
  while (cut > 20 && q[cut] != ' ') cut--;
  while (cut && ((unsigned char)q[cut] & 0xC0) == 0x80) cut--;
  char *r = GC_MALLOC_ATOMIC(cut + 4);
  memcpy(r, q, cut);
  memcpy(r + cut, "...", 4);
  return r;
}

/* A few words of 's' (n bytes) from its start: what a message shows of
   where a quotation and the text part. */
static const char *words(const char *s, size_t n) {
  if (n && *s == ' ') s++, n--;
  size_t e = 0, spaces = 0;
  while (e < n && e < 40) {
    if (s[e] == ' ' && ++spaces == 4) break;
    e++;
  }
  while (e < n && ((unsigned char)s[e] & 0xC0) == 0x80) e++;
  return e ? GC_strndup(s, e) : "";
}

/* A quotation not found: where the text comes closest, as the longest
   start of the quotation found under its section (or anywhere), and the
   words where the two part. */
static void note_closest(checker *k, const section *c, const normal *q) {
  for (int pass = 0; pass < 2; pass++) {
    const section *in = pass ? NULL : c;
    size_t lo = 0, hi = q->n;
    long at = -1;
    while (lo < hi) { /* the longest start that is found */
      size_t mid = (lo + hi + 1) / 2;
      long i = find_in(k, in, q->s, mid);
      if (i >= 0) lo = mid, at = i;
      else hi = mid - 1;
    }
    /* Part at the start of a word, not inside one. */
    if (lo < q->n && q->s[lo] != ' ')
      while (lo && q->s[lo - 1] != ' ') lo--;
    if (lo < 12 || at < 0) continue;
    at = find_in(k, in, q->s, lo);
    size_t part = (size_t)at + lo;
    const char *under = in ? " under '" : "", *title = in ? c->title : "",
               *close = in ? "'" : "";
    if (part >= k->all.n) { /* the text ends where the quotation goes on */
      uint32_t a = (uint32_t)k->len;
      diag_note(k->s->d, loc_make(k->file, a, a), "the text%s%s%s agrees "
                "with the quotation up to its end, where the quotation goes "
                "on with \"%s\"", under, title, close,
                words(q->s + lo, q->n - lo));
      return;
    }
    if (k->all.s[part] == ' ' && part + 1 < k->all.n) part++;
    uint32_t a = k->all.map[part];
    diag_note(k->s->d, loc_make(k->file, a, a + 1), "the text%s%s%s agrees "
              "with the quotation up to here, then reads \"%s\" where the "
              "quotation has \"%s\"", under, title, close,
              words(k->all.s + part, k->all.n - part),
              words(q->s + lo, q->n - lo));
    return;
  }
}

static void check_one(checker *k, const ast *cite) {
  const char *title = cite->a->name;
  section *c = &k->secs[strmap_get(k->secmap, title)];
  normal q = normalise(cite->b->name, strlen(cite->b->name), 0);
  if (!q.n) return; /* reported once, by quotes_check */
  if (find_in(k, c, q.s, q.n) >= 0) return;
  if (!c->nlines) {
    diag_error(k->s->d, cite->a->loc, "section '%s' is not in the text of "
               "document '%s' (%s): no line of it is, or ends with, that "
               "heading", title, k->doc, k->what);
    return;
  }
  long i = find_in(k, NULL, q.s, q.n);
  if (i < 0) {
    diag_error(k->s->d, cite->b->loc, "the quotation \"%s\" is not in the "
               "text of document '%s' (%s), under section '%s' or anywhere "
               "else", brief(q.s), k->doc, k->what, title);
    note_closest(k, c, &q);
    return;
  }
  uint32_t a, b;
  span(k, (size_t)i, q.n, &a, &b);
  diag_error(k->s->d, cite->b->loc, "the quotation \"%s\" is not under "
             "section '%s' of document '%s' (%s)", brief(q.s), title,
             k->doc, k->what);
  int other = section_holding(k, a, b);
  if (other >= 0)
    diag_note(k->s->d, loc_make(k->file, a, b), "it is here, under '%s'",
              k->secs[other].title);
  else
    diag_note(k->s->d, loc_make(k->file, a, b), "it is here, under no "
              "section the policy cites");
}

/* Calls 'fn' on every citation of the policy once, as written: the
   periods of a dated parameter share their citations. */
static void each_citation(sema *s, void (*fn)(void *, const ast *),
                          void *arg) {
  strmap *seen = strmap_new();
  char key[32];
  for (decl *d = s->decls; d; d = d->next)
    for (const ast *c = d->cites; c; c = c->next) {
      snprintf(key, sizeof key, "%p", (const void *)c);
      if (strmap_get(seen, key) >= 0) continue;
      strmap_put(seen, GC_strdup(key), 1);
      fn(arg, c);
    }
}

static void add_section(void *arg, const ast *c) {
  checker *k = arg;
  if (strcmp(c->name, k->doc) || strmap_get(k->secmap, c->a->name) >= 0)
    return;
  int i = SEM_PUSH(k->secs, k->nsecs, k->capsecs);
  k->secs[i].title = c->a->name;
  k->secs[i].name = normalise(c->a->name, strlen(c->a->name), 0);
  strmap_put(k->secmap, c->a->name, i);
}

static void check_quoted(void *arg, const ast *c) {
  checker *k = arg;
  if (c->b && !strcmp(c->name, k->doc)) check_one(k, c);
}

void quote_check_text(sema *s, int doc, const char *text, size_t len,
                      int file, const char *what) {
  checker k = {0};
  k.s = s;
  k.doc = s->docdecls[doc]->name;
  k.what = what;
  k.text = text;
  k.len = len;
  k.file = file;
  k.secmap = strmap_new();
  k.all = normalise(text, len, 0);
  split_lines(&k);
  each_citation(s, add_section, &k);
  find_headings(&k);
  find_subheadings(&k);
  find_stretches(&k);
  each_citation(s, check_quoted, &k);
}

/* { ====== reading a document's text ====== */

/* Whether 'path' may name a document's text: relative, and without '..',
   so that a policy reads only files in its own folder or below it. */
static int path_allowed(const char *path) {
  if (!*path || path[0] == '/') return 0;
  for (const char *p = path; *p;) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 2 && p[0] == '.' && p[1] == '.') return 0;
    if (!e) break;
    p = e + 1;
  }
  return 1;
}

/* The file 'path' whole, or NULL with '*err' saying why (an errno:
   EISDIR for a directory, EFBIG past TEXT_MAX_BYTES, ENOMEM). */
static char *slurp(const char *path, size_t *n, int *err) {
  FILE *f = fopen(path, "rb");
  *err = errno;
  if (!f) return NULL;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    *err = EISDIR;
    return NULL;
  }
  /* The file is open: a failed allocation must come back here to close
     it (oom.h), not leave the compile. */
  void *held = oom_hold();
  size_t cap = 4096;
  char *buf = GC_MALLOC_ATOMIC(cap + 1);
  *n = 0;
  *err = 0;
  while (buf) {
    if (*n == cap) {
      if (cap >= TEXT_MAX_BYTES) {
        *err = EFBIG;
        break;
      }
      cap *= 2;
      buf = GC_REALLOC(buf, cap + 1);
      if (!buf) break;
    }
    size_t k = fread(buf + *n, 1, cap - *n, f);
    if (!k) break;
    *n += k;
  }
  if (!buf) *err = ENOMEM;
  else if (!*err && ferror(f)) *err = errno ? errno : EIO;
  fclose(f);
  oom_release(held);
  if (*err) return NULL;
  buf[*n] = 0;
  return buf;
}

/* Reads the text named by declaration 'd' of document 'doc' and checks
   the document's quotations against it. */
static void check_document(sema *s, int doc, const decl *d) {
  if (!path_allowed(d->text_path)) {
    diag_error(s->d, d->text_loc, "the text of a document is a file in the "
               "folder of its rule file or below it: write its path "
               "relative to that folder, without '..', not '%s'",
               d->text_path);
    return;
  }
  const char *from = s->d->names[d->module];
  const char *slash = strrchr(from, '/');
  size_t dl = slash ? (size_t)(slash - from + 1) : 0;
  char *path = GC_MALLOC_ATOMIC(dl + strlen(d->text_path) + 1);
  memcpy(path, from, dl);
  strcpy(path + dl, d->text_path);
  size_t n = 0;
  int err;
  char *text = slurp(path, &n, &err);
  if (!text) {
    if (err == ENOMEM)
      diag_internal_error(s->d, d->text_loc, "out of memory reading the "
                          "text of document '%s', '%s'", d->name, path);
    else
      diag_io_error(s->d, d->text_loc, "cannot read the text of document "
                    "'%s', '%s': %s", d->name, path, err == EFBIG ? "it is "
                    "larger than 64 MiB" : strerror(err));
    return;
  }
  for (size_t i = 0; i < n;) {
    int w = text[i] ? utf8_len((const unsigned char *)text + i, n - i) : 0;
    if (!w) {
      diag_error(s->d, d->text_loc, "the text of document '%s', '%s', is "
                 "not UTF-8 text (byte %zu): save the document as plain "
                 "text", d->name, path, i);
      return;
    }
    i += (size_t)w;
  }
  int file = diag_add_file(s->d, path, text, n);
  char *what = GC_MALLOC_ATOMIC(strlen(d->text_path) + 3);
  sprintf(what, "'%s'", d->text_path);
  quote_check_text(s, doc, text, n, file, what);
}

static void check_empty(void *arg, const ast *c) {
  sema *s = arg;
  if (!c->b || normalise(c->b->name, strlen(c->b->name), 0).n) return;
  diag_error(s->d, c->b->loc, "a quotation cannot be empty: quote the "
             "policy's words, or leave out 'quote'");
}

void quotes_check(sema *s) {
  each_citation(s, check_empty, s);
  for (int i = 0; i < s->ndocdecls; i++)
    if (s->doctexts[i]) check_document(s, i, s->doctexts[i]);
    else literate_check_quotes(s, i);
}

/* } ====== */
