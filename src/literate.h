/*
** literate.h: literate rule files, Markdown whose ```entitle blocks are
** the rules (doc/literate.md).
**
** A file whose name ends in ".md" is literate. Its rule text is the
** Markdown text with every byte of every line outside an entitle block
** (prose, the fence lines, other code blocks) made a space, so that the
** rules keep the very bytes, lines and columns they have in the
** Markdown file: the file is registered for diagnostics as written, and
** every location, caret and source line is the Markdown file's own.
*/
#ifndef ENT_LITERATE_H
#define ENT_LITERATE_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"

/* Whether 'path' names a literate rule file (its name ends in ".md"). */
int literate_is(const char *path);

/* A fence line: its character, length and (opening) language word. */
typedef struct {
  char ch;           /* '`' or '~' */
  int len;
  const char *lang;  /* the info string's first word */
  size_t langlen;
  int rest_blank;    /* nothing but spaces and tabs after the fence */
} literate_fence;

/* Whether line 's' ('n' bytes, its line end left out) is a CommonMark
   code fence (indented at most 3 spaces), described in '*f'. */
int literate_read_fence(const char *s, size_t n, literate_fence *f);

/* A run of whole lines of a literate file: an entitle block's rule
   text (its fence lines excluded), or what lies between such blocks. */
typedef struct {
  int rules;                 /* 1: inside an ```entitle block */
  uint32_t start, end;       /* bytes of the Markdown text */
  int first_line, last_line; /* 1-based, inclusive; last < first if empty */
} literate_block;

/* A literate file split into its blocks, and its rule text. */
typedef struct {
  const char *md;
  size_t len;
  char *rules;               /* 'len' bytes (and a NUL): the rule text */
  char *prose;               /* 'len' bytes (and a NUL): the prose, the
                                rule blocks and their fences made spaces */
  literate_block *blocks;    /* alternately prose and rules, in order */
  int nblocks;
  int nrule_blocks;
  /* The first error found, or err == NULL. */
  const char *err;
  uint32_t err_start, err_end;
} literate_file;

/* Splits Markdown 'md' ('len' bytes) into prose and entitle blocks.
   Returns 0, or -1 with 'out->err' set: an unclosed entitle block, a
   rule block hidden by an unclosed code block or indented too far to
   be one, or no entitle block at all. */
int literate_split(const char *md, size_t len, literate_file *out);

/* Parses registered file 'file' of 'd', a literate rule file: its entitle
   blocks only, located in the Markdown text. Errors go to 'd'. */
decl *literate_parse(diag *d, int file);

struct sema;
/* Checks the quotations of document 'doc' (an index into the policy's
   documents) against the prose of the literate file that declares it
   first, when it names no text file of its own; does nothing for a
   document first declared in a plain rule file. */
void literate_check_quotes(struct sema *s, int doc);

#endif
