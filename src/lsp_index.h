/*
** lsp_index.h: where each name of a policy is declared and used, for
** entitle lsp (hover, go to definition, document symbols).
**
** Built after a compile from the declarations as parsed and, when the
** policy resolved, from the names the checker resolved (ast.sym_kind):
** every declaration is a symbol, and every use of a name in the root
** file is a reference to one. Nothing here changes the compiler's data.
*/
#ifndef ENT_LSP_INDEX_H
#define ENT_LSP_INDEX_H

#include "ast.h"
#include "diag.h"
#include "strmap.h"

struct sema;

#define LX_KINDS(X)                                                       \
  X(POLICY, "policy") X(IMPORT, "import") X(DOCUMENT, "document")         \
  X(ENUM, "enumeration") X(ENUMVAL, "value") X(RECORD, "record")          \
  X(FACT, "fact") X(PARAM, "parameter") X(DECISION, "decision")           \
  X(RULE, "rule") X(TABLE, "table") X(TEST, "test") X(REQUIRE, "requirement")

typedef enum {
#define X(k, w) LX_##k,
  LX_KINDS(X)
#undef X
      LX_NKINDS
} lx_kind;

extern const char *const lx_kind_words[LX_NKINDS];

/* One declaration. */
typedef struct {
  lx_kind kind;
  const char *name;      /* as declared; a fact's or value's own name */
  const char *container; /* a fact: its record ("facts" for the case's);
                            a value: its enumeration; else NULL */
  loc_t loc;             /* the name in the declaration */
  loc_t range;           /* the whole declaration */
  const decl *d;
  const ast *node;       /* a fact: its FIELD; a value: its NAME */
  int parent;            /* a fact or value: its record, facts or
                            enumeration symbol; else -1 */
  int file;              /* an import: the file it reads (diag id), or -1 */
  int replaces;          /* 'replace rule', 'replace parameter': the
                            declaration it replaces, or -1 */
} lx_sym;

/* A name in the root file and what it names. */
typedef struct {
  loc_t loc;
  int sym;
  int checked;           /* resolved by the checker, not by its name */
} lx_ref;

typedef struct lsp_index {
  diag *d;
  struct sema *s;        /* NULL when the policy did not load */
  int root;              /* the file id of the root file */
  lx_sym *syms;
  int nsyms, capsyms;
  lx_ref *refs;
  int nrefs, caprefs;
  strmap *names[LX_NKINDS]; /* name (a fact: "record.field", a value:
                               "enum.value") to symbol */
  strmap *values;        /* a value's own name to its first symbol */
  strmap *at;            /* "file:start" of a declaration to its symbol */
} lsp_index;

/* Indexes declarations 'decls' (all files, as parsed: resolve_policy
   rewrites the list, so the caller keeps them beforehand) and the uses of
   names in root file 'root'. 's' may be NULL: then names are looked up
   by name only. */
lsp_index *lx_build(diag *d, struct sema *s, decl **decls, int ndecls,
                    int root);
/* The reference at byte 'off' of the root file (the narrowest one, a
   checked one before one found by name), or -1. */
int lx_ref_at(const lsp_index *x, uint32_t off);
/* Markdown telling what symbol 'sym' is: its kind, name, type, title,
   citations. A collected string. */
char *lx_hover(const lsp_index *x, int sym);
/* The text of a declaration's piece, white space collapsed (diag_snippet). */
const char *lx_snippet(const lsp_index *x, loc_t l);
/* 'path' with '.', '..' and doubled slashes taken out, so that one file
   has one name. A collected string. */
char *lx_normalize(const char *path);

#endif
