/*
** sema.h: what the checker knows about a policy.
**
** module.c reads the root file and its imports into one list of
** declarations; resolve.c turns them into the tables below (types, the
** fact schema, parameters, decisions, rules, tests) and orders decisions
** by dependency; types.c types every expression and resolves its names.
** compile.c then lays the tables out as an ent_program.
*/
#ifndef ENT_SEMA_H
#define ENT_SEMA_H

#include "ast.h"
#include "diag.h"
#include "grow.h"
#include "program.h"
#include "strmap.h"

/* What a NAME in an expression refers to (ast.sym_kind). */
enum { SYM_NONE, SYM_FIELD, SYM_DECISION, SYM_PARAM, SYM_ENUMVAL, SYM_LIST };

typedef struct {
  const char *name;
  loc_t loc;
  const char **values;
  int n;
  strmap *index;       /* value name to its position in 'values' */
} sem_enum;

typedef struct {
  const char *name;
  loc_t loc;
  ast *fields;
  int list;            /* the list whose items use it, or -1 */
} sem_record;

typedef struct {
  const char *name, *path;
  int type;
  int object;
  int slot;
  int flags;
  int sub;
  ent_val dflt;
  const char *reason;
  const char *title;   /* what the fact means, in words, or NULL */
  loc_t loc;
} sem_field;

typedef struct {
  int first_field, nfields;
  int list;
  int parent_field;
} sem_object;

typedef struct {
  int field, object, key, width;
  const char *item_name;
} sem_list;

typedef struct {
  const char *name, *title;
  int type;
  ast *value;
  ent_val val;
  loc_t loc;
  int done;            /* 1 checking, 2 checked: parameters may use others */
} sem_param;

typedef struct {
  const char *name, *title;
  int type;
  int list;
  int flags;
  ast *dflt;
  loc_t loc;
  int *rules;
  int nrules, caprules;
  int *deps;
  int ndeps, capdeps;
  loc_t *dep_locs;
  unsigned char *dep_across; /* read through another item of a list */
  int slot;
  int mark;            /* for the cycle search */
  int default_rule;    /* the pseudo-rule for the default, or -1 */
  ast *cites;          /* what the default rests on */
} sem_decision;

typedef struct {
  const char *id, *title;
  ast *cites;          /* NAME (document) with TEXT (section) in 'a' */
  loc_t loc, id_loc;
  int module;
  int decision;
  int kind;            /* RK_RULE, RK_ROW, RK_DEFAULT */
  int final_;
  int includes;
  ast *target;
  ast *value;
  ast **parts;         /* conditions, then exceptions */
  const char **texts;  /* the text shown for each part */
  int nconds, nexcs;
  ast *overrides;      /* NAME list, resolved into 'beats' */
  int *beats;          /* rules this rule directly overrides */
  int nbeats, capbeats;
  int dropped;         /* replaced by a later declaration */
  int pos;             /* evaluation position within its decision */
  int table;           /* a row: its table's index + 1; else 0 */
  int has_period;      /* parts[0] is its period ('in force from ...') */
} sem_rule;

typedef struct {
  const char *name;
  decl *d;
  int module;
} sem_test;

typedef struct {
  ast *cond;
  const char *title;
  loc_t loc;
} sem_require;

/* A decision table, kept whole for the coverage checks (tablecheck.c). */
typedef struct {
  decl *d;
  int nin, nout, nrows;
  ast **inputs;        /* the header's input expressions */
  ast **cells;         /* nrows x nin conditions; NULL for '-' */
  ast **outputs;       /* nrows x nout output values */
  int *decisions;      /* the decisions set, one per output */
  int valid;           /* -1 if a row had the wrong shape */
} sem_table;

#define SEM_ARRAY(type, name) type *name; int n##name, cap##name

typedef struct sema {
  diag *d;
  decl *decls;
  decl *policy;
  int root;            /* file id of the root file */
  const char **src_names; /* by file id: the source name kept in the
                             program (module.c, stored_name) */
  int nsrc_names;
  int *files;          /* file ids of the policy, root first, in the order
                          they were read */
  int nfiles;
  strmap *docs, *types, *fieldmap, *decmap, *parammap, *rulemap, *testmap;
  strmap *tablemap;
  SEM_ARRAY(sem_enum, enums);
  SEM_ARRAY(sem_record, records);
  SEM_ARRAY(sem_field, fields);
  SEM_ARRAY(sem_object, objects);
  SEM_ARRAY(sem_list, lists);
  SEM_ARRAY(sem_param, params);
  SEM_ARRAY(sem_decision, decisions);
  SEM_ARRAY(sem_rule, rules);
  SEM_ARRAY(sem_test, tests);
  SEM_ARRAY(sem_require, requires);
  SEM_ARRAY(sem_table, tables);
  SEM_ARRAY(decl *, docdecls); /* each document's first declaration; 'docs'
                                  maps a document's name to its index */
  SEM_ARRAY(decl *, doctexts); /* by document: the declaration naming its
                                  text ('text "FILE"'), or NULL */
  int *order;          /* decisions in evaluation order */
  int case_width;
  const char *dated_by; /* 'dated by FACT': the date periods are read on */
  int dated_field;      /* ... its field plus one, 0 when none */
  loc_t dated_loc;
  int dated_bad;        /* 'dated by' names no date fact (reported) */
  strmap *dated_params; /* parameters with periods, made decisions */
} sema;

/* Grows 'arr' (with count 'n' and capacity 'cap') by one zeroed element
   and returns its index. */
#define SEM_PUSH(arr, n, cap)                                             \
  (GROW(arr, n, cap), memset(&(arr)[(n)], 0, sizeof *(arr)), (n)++)

/* Appends 'v' to the int array '*arr' (count '*n', capacity '*cap'). */
void sem_intpush(int **arr, int *n, int *cap, int v);

/* module.c: reads 'path' and every file it imports. 'text' may give the
   root file's contents (the library's compile-from-string). Returns NULL
   when the files cannot be read or parsed; errors are in 'd'. */
sema *module_load(diag *d, const char *path, const char *text, size_t len);
/* Reads a whole file, checking it is text: NUL bytes and invalid UTF-8
   are errors located in 'd'. Returns the file id, or -1. */
int module_read_file(diag *d, const char *path, loc_t from);
/* Checks that registered file 'file' is text, as module_read_file does;
   0, or -1 with the error in 'd'. */
int module_check_text(diag *d, int file);
/* The name file 'file' is kept under in the program: relative to the root
   file's folder, so that it does not depend on where entitle runs. */
const char *sema_source_name(const sema *s, int file);

/* resolve.c: builds the tables and checks the policy. */
int resolve_policy(sema *s);
/* 'entitle check --strict': a default without a citation is an error,
   and so is every warning already reported. */
void sema_check_strict(sema *s);
/* The title of document 'name', or "" if no document has that name. */
const char *sema_document_title(sema *s, const char *name);
/* quote.c: reads the text of each document that names one and checks
   the document's quotations against it; also refuses empty quotations. */
void quotes_check(sema *s);
/* quote.c: checks every quotation of document 'doc' (an index into
   'docdecls') against 'text': 'len' bytes at the offsets of registered
   file 'file' (the file itself, or a copy of it with parts blanked out,
   as a literate file's prose with its rule blocks blanked), so that
   notes can point into it. 'what' names the text in messages. */
void quote_check_text(sema *s, int doc, const char *text, size_t len,
                      int file, const char *what);
/* tablecheck.c: warns about gaps, overlaps and rows that never apply. */
void tables_check(sema *s);

/* types.c: what typing an expression needs to know of where it is. */
typedef struct type_ctx {
  sema *s;
  int decision;        /* the decision being defined, or -1 */
  const char *what;    /* 'rule x', 'the default of y' for messages */
  const char *vars[8];
  int var_list[8];
  int nvars;
  int facts_only;      /* a requirement: no decisions may be read */
  const ast *rounded;  /* the division or share a 'rounded' applies to */
} type_ctx;
/* Types expression 'e' in context 'c', expecting type 'want' (-1 for
   any); returns its type, TY_ERROR after reporting an error. */
int types_expr(type_ctx *c, ast *e, int want);
/* Evaluates a constant expression (parameter values, defaults of facts). */
int types_const(sema *s, ast *e, int ty, ent_val *out);
/* How messages name type 'ty': "a date", "a list of 'provision'". */
const char *type_name(const sema *s, int ty);

#endif
