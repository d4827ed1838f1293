/*
** diag.h: source files, locations and diagnostics.
**
** Every stage reports problems through this module so that they all look
** alike: 'file:line:column: error: message', the source line and a caret.
** Locations are byte ranges into a registered source text; line and column
** are computed only when a message is printed.
*/
#ifndef ENT_DIAG_H
#define ENT_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
  int file;            /* index into the source table, -1 if none */
  uint32_t start, end; /* byte range [start, end) */
} loc_t;

enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/* What kind of problem a message reports, set where it is raised. The
   kind of an error, not its text, chooses the exit status of the command
   and the library's ent_status (diag_status()). */
typedef enum {
  DK_SEMANTIC,   /* the rules mean nothing valid: a name, a type, a cycle */
  DK_SYNTAX,     /* the rule file is not text or does not parse */
  DK_PROGRAM,    /* a program file is refused (damaged, another format) */
  DK_IO,         /* a file cannot be read */
  DK_INTERNAL    /* entitle failed: out of memory */
} diag_kind;

typedef struct diag_msg {
  int severity;
  diag_kind kind;
  loc_t loc;
  char *text;
  struct diag_msg *next;
} diag_msg;

/* Where the text of source file 'path' comes from when it is not read
   from disk: an editor's unsaved text (entitle lsp). Returns the text (not
   copied: it must outlive the diag) and its length in '*len', or NULL to
   read the file. 'from' is where the file is imported, NOLOC for the
   root file. */
typedef const char *(*diag_source_fn)(void *ctx, const char *path,
                                      loc_t from, size_t *len);

/* A diagnostics context: the sources read so far and the messages said. */
typedef struct diag {
  int nfiles, cap;
  const char **names;
  const char **texts;
  size_t *lens;
  uint32_t **line_starts; /* per file, made on first use: where lines start */
  uint32_t *nlines;
  diag_msg *first, *last;
  int nerrors, nwarnings;
  int max_errors;      /* stop recording after this many errors */
  diag_source_fn source; /* NULL: every source file is read from disk */
  void *source_ctx;
} diag;

diag *diag_new(void);
/* Registers 'text' (not copied; must outlive 'd') under 'name'. */
int diag_add_file(diag *d, const char *name, const char *text, size_t len);
void diag_report(diag *d, int severity, diag_kind kind, loc_t loc,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define diag_error(d, l, ...) \
  diag_report((d), DIAG_ERROR, DK_SEMANTIC, (l), __VA_ARGS__)
#define diag_syntax_error(d, l, ...) \
  diag_report((d), DIAG_ERROR, DK_SYNTAX, (l), __VA_ARGS__)
#define diag_program_error(d, l, ...) \
  diag_report((d), DIAG_ERROR, DK_PROGRAM, (l), __VA_ARGS__)
#define diag_io_error(d, l, ...) \
  diag_report((d), DIAG_ERROR, DK_IO, (l), __VA_ARGS__)
#define diag_internal_error(d, l, ...) \
  diag_report((d), DIAG_ERROR, DK_INTERNAL, (l), __VA_ARGS__)
#define diag_warning(d, l, ...) \
  diag_report((d), DIAG_WARNING, DK_SEMANTIC, (l), __VA_ARGS__)
#define diag_note(d, l, ...) \
  diag_report((d), DIAG_NOTE, DK_SEMANTIC, (l), __VA_ARGS__)
/* The exit status (doc/exit-status.md), and the library's ent_status, of
   an error of kind 'kind': 1 for a rule or program file, 74 for a file
   that cannot be read, 70 for an internal failure. */
int diag_kind_status(diag_kind kind);
/* The status of the errors in 'd': the largest their kinds give (a file
   that cannot be read, 74, over whatever else was found), or 0. */
int diag_status(const diag *d);
/* Line and column (1-based, column in characters) of byte 'off'. */
void diag_linecol(const diag *d, int file, uint32_t off, int *line, int *col);
/* Prints one message in the gcc form with source line and caret. */
void diag_print_one(const diag *d, const diag_msg *m, FILE *out);
void diag_print(const diag *d, FILE *out);
loc_t loc_span(loc_t a, loc_t b);
static inline loc_t loc_make(int file, uint32_t start, uint32_t end) {
  loc_t l = {file, start, end};
  return l;
}
#define NOLOC loc_make(-1, 0, 0)
/* The source text covered by 'l', for quoting conditions in explanations. */
char *diag_snippet(const diag *d, loc_t l);

#endif
