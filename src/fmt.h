/*
** fmt.h: the canonical layout of rule text (entitle fmt).
**
** The formatter changes white space only: indentation, the spaces between
** tokens, line breaks, blank lines and the column of trailing comments.
** The tokens, and so the rules, stay exactly as written (the result is
** lexed again and compared before it is handed out). It works on one
** rule text at a time, so that whatever holds rule text (a rule file, a
** fenced block of a literate file, an editor's buffer) can format it.
*/
#ifndef ENT_FMT_H
#define ENT_FMT_H

#include <stddef.h>

#include "diag.h"

/* Formats registered source 'file' of 'd' into '*out' (NUL-terminated,
   collected memory), its length in '*outlen'. Returns 0, or -1 with the
   errors in 'd': text that is not UTF-8, does not parse (each error at
   its line and column, as 'entitle check' gives it), or, for a bug of
   the formatter, an internal error rather than a changed rule. */
int fmt_source(diag *d, int file, char **out, size_t *outlen);

/* Registers 'src' ('len' bytes, not copied: it must outlive 'd') in 'd'
   under 'name' and formats it, as fmt_source. */
int fmt_text(const char *name, const char *src, size_t len, char **out,
             size_t *outlen, diag *d);

/* The widest a condition's line may be before it is broken at its
   'and's or 'or's (then one operand to a line). */
#define FMT_WIDTH 80

/* entitle fmt [--check | --write] FILE...: prints, checks or rewrites
   each file's canonical layout; the exit status of doc/exit-status.md. */
int fmt_main(int argc, char **argv);

#endif
