/*
** ast.h: the syntax tree the parser builds and the checker annotates.
**
** Two shapes: 'decl' for top-level declarations (a policy header, a rule,
** a table, a test...) and 'ast' for expressions, types, attributes and
** test values. The parser fills in names and locations only; resolve.c
** and types.c fill in the fields marked 'checker'.
*/
#ifndef ENT_AST_H
#define ENT_AST_H

#include <stdint.h>

#include "diag.h"

/* Expression and auxiliary node kinds. */
#define AST_KINDS(X)                                                        \
  X(NAME)      /* a dotted path: 'name' holds it whole, 'a' its first   */ \
  X(BOOL)      /* num                                                    */ \
  X(INT)       /* num                                                    */ \
  X(MONEY)     /* num, in pence                                          */ \
  X(DATE)      /* num, days since 1970-01-01                             */ \
  X(PERCENT)   /* num, in millionths (12.5% is 125000)                   */ \
  X(TEXT)      /* name                                                   */ \
  X(DURATION)  /* a = count, op = unit ('y', 'm', 'd')                   */ \
  X(SET)       /* a = first element (next-linked)                        */ \
  X(BINOP)     /* op, a, b                                               */ \
  X(UNOP)      /* op ('!' or '-'), a                                     */ \
  X(IF)        /* a ? b : c                                              */ \
  X(GIVEN)     /* a is given (op = 1) or is not given (op = 0)           */ \
  X(AGE)       /* age of a on b                                          */ \
  X(ROUND)     /* a rounded by mode op (value.h ROUND_*)                 */ \
  X(CALL)      /* name(a, ...): min, max, days_between...; a next-linked */ \
  X(PERIOD)    /* value a (dated parameter), from DATE b, until DATE c  */ \
  X(AGG)       /* op: any, all, count, sum; name = variable, a = list,  */ \
               /* b = condition, c = summed expression                  */ \
  X(TYPE)      /* name = base type; op: 0 plain, 's' set of, 'l' list   */ \
               /* of (keyed by 'a')                                      */ \
  X(ATTR)      /* name = attribute, a = value expression or string       */ \
  X(FIELD)     /* name: type a, attributes b (next-linked)               */ \
  X(CELL)      /* table cell; op: '-' any, 'l' list a, or comparison op */ \
  X(ROW)       /* a = input cells, b = output cells                      */ \
  X(RECORD)    /* test value: a = FIELDINIT list                         */ \
  X(LIST)      /* test value: a = RECORD list                            */ \
  X(FIELDINIT) /* name: value a                                          */ \
  X(GIVE)      /* test given: path a = value b                           */ \
  X(EXPECT)    /* test expect: path a, op '=' value b, 'u' undecided,   */ \
               /* 'c' conflict; name = rule expected ('by'), if any     */

typedef enum {
#define X(k) AST_##k,
  AST_KINDS(X)
#undef X
      AST_NKINDS
} ast_kind;

/* Binary operator codes kept in 'op' (single characters where natural). */
enum {
  OPB_OR = 256, OPB_AND, OPB_EQ, OPB_NE, OPB_LT, OPB_LE, OPB_GT, OPB_GE,
  OPB_IN, OPB_NOTIN, OPB_ADD, OPB_SUB, OPB_MUL, OPB_DIV,
  OPA_ANY, OPA_ALL, OPA_COUNT, OPA_SUM
};

typedef struct ast ast;
struct ast {
  ast_kind kind;
  int op;
  loc_t loc;
  const char *name;
  int64_t num;
  ast *a, *b, *c;
  ast *next;
  /* checker */
  int ty;          /* type id (TY_* in program.h), -1 before checking */
  int sym_kind;    /* what a NAME refers to (SYM_* in sema.h) */
  int sym;         /* index of the referent */
  int aux;         /* extra: variable register, item list, etc. */
};

#define DECL_KINDS(X)                                                  \
  X(POLICY) X(IMPORT) X(DOCUMENT) X(ENUM) X(RECORD) X(FACTS) X(PARAM)  \
  X(DECISION) X(RULE) X(TABLE) X(TEST) X(REQUIRE) X(CITE) X(DATED)

typedef enum {
#define X(k) DECL_##k,
  DECL_KINDS(X)
#undef X
} decl_kind;

/* One declaration. Fields unused by a kind stay NULL. */
typedef struct decl decl;
struct decl {
  decl_kind kind;
  loc_t loc;            /* the whole declaration */
  loc_t name_loc;
  const char *name;     /* identifier, dotted decision name, test name */
  int replace;          /* 'replace rule' / 'replace parameter' */
  int final_;           /* 'final rule' */
  int first;            /* 'table t first' */
  const char *str;      /* policy name, import path, document title;
                           'also cites': "rule", "table" or "decision" */
  const char *version, *status;   /* policy */
  const char *title;    /* rule, table, decision, parameter description */
  loc_t title_loc;
  ast *cites;           /* rule, table, decision, 'also cites': NAME
                           document, TEXT section in 'a', TEXT quotation
                           in 'b' (or NULL) */
  const char *text_path; /* document: 'text "FILE"', or NULL */
  loc_t text_loc;
  ast *type;            /* decision, parameter */
  ast *attrs;           /* decision attributes (ATTR list) */
  ast *fields;          /* record, facts: FIELD list; enum: NAME list */
  ast *target;          /* rule: the decision set */
  int includes;         /* rule: 'D includes v' rather than 'D = v' */
  ast *value;           /* rule: value; parameter: value */
  ast *when;            /* rule: condition or NULL */
  ast *unless;          /* rule: exception list (next-linked) */
  ast *overrides;       /* rule: NAME list */
  ast *head_in, *head_out, *rows;   /* table */
  ast *period;          /* rule, table: in force from b and/or until c */
  ast *periods;         /* dated parameter: PERIOD list, value in a */
  const char *like;     /* test */
  loc_t like_loc;
  ast *given, *expect;  /* test */
  decl *next;
  int module;           /* which file declared it (diag file id) */
};

extern const char *ast_kind_names[];

ast *ast_new(ast_kind kind, loc_t loc);
ast *ast_append(ast *list, ast *item);
decl *decl_new(decl_kind kind, loc_t loc);
decl *decl_append(decl *list, decl *item);
int ast_count(const ast *list);

#endif
