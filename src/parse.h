/*
** parse.h: the interface between the lexer, the parser and their caller.
**
** The parser is pure and reentrant: all of its state is in 'parse_state'
** and the flex scanner object, so several files (or threads) can be parsed
** at once.
*/
#ifndef ENT_PARSE_H
#define ENT_PARSE_H

#include "ast.h"
#include "diag.h"

typedef struct parse_state {
  diag *d;
  int file;
  decl *items;      /* in reverse order while parsing */
  void *scanner;
  int depth;        /* nesting of expressions, to refuse absurd depth */
} parse_state;

/* Parses registered source 'file'; returns its declarations in order.
   Errors go to 'd'; the result is partial when there were errors. */
decl *parse_file(diag *d, int file);
/* Parses 'text' as the rules of registered file 'file', whose locations
   it shares byte for byte (a literate file's rule text, literate.h). */
decl *parse_text(diag *d, int file, const char *text, size_t len);

/* The deepest expression nesting accepted; deeper input is refused with
   an error rather than risking the C stack in later recursive passes. */
#define PARSE_MAX_DEPTH 1000

#endif
