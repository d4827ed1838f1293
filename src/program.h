/*
** program.h: a compiled policy, as the VM, the fact decoder and the
** explanation renderers see it.
**
** A program is a set of flat arrays that refer to each other by index and
** to text by offset into one string pool, so that it can be written to a
** file and read back without any pointer fix-ups beyond the array bases,
** and shared read-only between threads.
*/
#ifndef ENT_PROGRAM_H
#define ENT_PROGRAM_H

#include <stdint.h>

#include "value.h"

typedef struct {
  uint16_t op, a, b, c;
} ent_ins;

#define INS_BX(i) ((uint32_t)(i).b | ((uint32_t)(i).c << 16))

enum {
#define OP(name, a, b, c) OP_##name,
#include "opcodes.h"
#undef OP
  OP_COUNT
};

/* Each opcode's name and operand formats (opcodes.c). */
extern const char *const op_names[];
extern const char op_formats[][3];

/* Whether an instruction whose B operand has format letter 'f' reads B
   and C together as the 32-bit Bx (opcodes.h). */
static inline int op_format_bx(char f) {
  return f == 'J' || f == 'K' || f == 'U' || f == 'D' || f == 'B' ||
         f == 'Q' || f == 'G';
}

/* Types: a kind in the low byte, an index (enum, record, list) above. */
enum {
  TK_BOOL, TK_INT, TK_MONEY, TK_DATE, TK_TEXT, TK_ENUM, TK_SET,
  TK_DURATION, TK_RECORD, TK_LIST, TK_PERCENT, TK_ERROR
};
#define TY(kind, idx) ((int32_t)((kind) | ((idx) << 8)))
#define TY_ERROR TY(TK_ERROR, 0)
#define TY_KIND(t) ((t) & 0xff)
#define TY_IDX(t) ((t) >> 8)

/* Text values: a length and an offset, and a flag saying whether the text
   is in the program's string pool or in the case's text buffer. */
#define TEXT_IN_PROGRAM (INT64_C(1) << 62)
#define TEXT_VAL(pool, off, len) \
  ((pool) | ((int64_t)(len) << 32) | (int64_t)(off))
#define TEXT_OFF(v) ((uint32_t)(v))
#define TEXT_LEN(v) ((uint32_t)(((v) >> 32) & 0x3fffffff))

typedef uint32_t strref; /* offset into the string pool */

typedef struct {
  strref name;
  uint32_t first, n; /* value names in 'enum_values' */
} prog_enum;

/* Field flags. */
enum {
  FF_OPTIONAL = 1, FF_PROTECTED = 2, FF_IDENTIFIER = 4, FF_DEFAULT = 8
};

/* A fact: a field of the case, of a record in it, or of a list item. */
typedef struct {
  strref name;      /* last component: 'date_of_birth' */
  strref path;      /* from its row's root: 'child.date_of_birth' */
  int32_t type;
  uint32_t object;  /* the object (record instance) it belongs to */
  uint32_t slot;    /* word in its row; for a record: unused; for a list:
                       two words, first item row and count */
  uint32_t flags;
  uint32_t sub;     /* record: the object it opens; list: list index */
  ent_val dflt;     /* default value (FF_DEFAULT) */
  strref reason;    /* why it is protected */
  strref title;     /* what it means, in words: '' when not said */
} prog_field;

/* An object is a JSON object the decoder may meet: the case itself
   (object 0), a record-valued fact, or an item of a list. Its fields are
   contiguous in 'fields'. */
typedef struct {
  uint32_t first_field, nfields;
  int32_t list;     /* -1, or the list whose items these are */
  uint32_t parent_field; /* the field that opens it, or UINT32_MAX */
} prog_object;

typedef struct {
  uint32_t field;   /* the list fact */
  uint32_t object;  /* the object of its items */
  uint32_t key;     /* the key field */
  uint32_t width;   /* words in an item row */
  strref item_name; /* the record type's name: 'provision' */
} prog_list;

enum { DF_INTERNAL = 1, DF_COLLECT = 2, DF_DEFAULT = 4 };

typedef struct {
  strref name;      /* 'budget.total', or 'included' for a per-item one */
  strref title;
  int32_t type;
  int32_t list;     /* -1 for a case decision */
  uint32_t slot;    /* value at slot, state at slot + 1, in its row */
  uint32_t flags;
  uint32_t first_rule, nrules; /* in evaluation order, strongest first */
} prog_decision;

enum { RK_RULE, RK_ROW, RK_DEFAULT };

typedef struct {
  strref id, title;
  uint32_t first_cite, ncites;  /* in 'cites' */
  strref file;
  uint32_t line;
  uint32_t decision;
  uint32_t kind;
  uint32_t final_;
  uint32_t state_slot;   /* word in the decision's row */
  uint32_t first_beaten_by, nbeaten_by; /* in 'beaten_by' */
  uint32_t end_pc;       /* first instruction after the rule */
  uint32_t first_part, nconds, nexcs;   /* conditions then exceptions */
  uint32_t value_part;   /* the part holding the value expression */
} prog_rule;

/* A citation: a document's full title, a section, and the policy's own
   words it quotes ('' when it quotes none). */
typedef struct {
  strref doc, section, quote;
} prog_cite;

/* A part of a rule: one condition, one exception, or its value. */
typedef struct {
  strref text;          /* the source text */
  strref title;         /* a requirement's message; '' for rule parts */
  uint32_t first_ref, nrefs;
} prog_part;

/* What a part reads: a fact field, a decision or a parameter; or an age
   the part works out ('age of B on D'), which the explanation shows
   beside the two dates: for REF_AGE, 'index' and 'item' are the refs of
   B and D, both earlier refs of the same part. */
enum { REF_FIELD, REF_DECISION, REF_PARAM, REF_AGE };
typedef struct {
  uint32_t kind, index;
  uint32_t item;        /* 1 when it reads the current item's row */
} prog_ref;

typedef struct {
  strref name;
  int32_t type;
  ent_val value;
} prog_param;

/* An aggregate (any, all, count or sum) that is not inside another, in a
   part of a rule: the explanation names its witnesses, the items that
   made it what it is. The table is sorted by part. */
enum { AGG_ANY, AGG_ALL, AGG_COUNT, AGG_SUM };
typedef struct {
  strref text;          /* its source text */
  uint32_t kind;        /* AGG_ANY ... */
  uint32_t part;        /* the part it is in */
  uint32_t decision;    /* the decision of the rule holding that part */
  uint32_t list;        /* the list it walks */
  uint32_t slot;        /* word in the decision's row (WIT_* below) */
  uint32_t first_ref, nrefs; /* what it reads of an item (refs of the
                                item's row) */
} prog_agg;

/* The witnesses kept of one evaluation of an aggregate: for any, the
   first item that met the condition; for all, the first that did not;
   for count and sum, the first WITNESS_MAX items counted. The slot word
   holds where they are in the VM's witness log (plus one; 0 when the
   aggregate was not evaluated) and how many items matched in all. */
#define WITNESS_MAX 10
#define WIT_MAKE(at, n) ((ent_val)(((uint64_t)(at) + 1) << 32 | (uint32_t)(n)))
#define WIT_EVALUATED(w) (((uint64_t)(w) >> 32) != 0)
#define WIT_AT(w) ((uint32_t)(((uint64_t)(w) >> 32) - 1))
#define WIT_COUNT(w) ((uint32_t)(w))
static inline uint32_t agg_keeps(uint32_t kind) {
  return kind == AGG_ANY || kind == AGG_ALL ? 1 : WITNESS_MAX;
}

/* A file the policy imports, with the name and version of its own
   'policy' header ('' for a file without one): an explanation names
   every text the decision rests on, not only the top file's. */
typedef struct {
  strref file;          /* relative to the top file's folder */
  strref name, version;
} prog_import;

typedef struct ent_program {
  strref name, version, status;
  prog_import *imports;       /* in the order they were read */
  uint32_t nimports;
  unsigned char digest[32];   /* sha256 of the program's bytes */
  char digest_text[72];       /* 'sha256:' and the digest in hex */
  char *strings;
  uint32_t nstrings;          /* bytes */
  prog_enum *enums;
  uint32_t nenums;
  strref *enum_values;
  uint32_t nenum_values;
  prog_field *fields;
  uint32_t nfields;
  prog_object *objects;
  uint32_t nobjects;
  prog_list *lists;
  uint32_t nlists;
  prog_decision *decisions;
  uint32_t ndecisions;
  uint32_t *order;            /* decisions in evaluation order */
  prog_rule *rules;
  uint32_t nrules;
  uint32_t *beaten_by;
  uint32_t nbeaten_by;
  prog_cite *cites;
  uint32_t ncites;
  prog_part *parts;
  uint32_t nparts;
  prog_ref *refs;
  uint32_t nrefs;
  prog_param *params;
  uint32_t nparams;
  prog_agg *aggs;
  uint32_t naggs;
  ent_val *consts;
  uint32_t nconsts;
  uint32_t *requires;         /* parts that are requirements on the case */
  uint32_t nrequires;
  ent_ins *code;
  uint32_t ncode;
  uint32_t case_width;        /* words in the case row */
  uint32_t date_field;        /* the policy's date ('dated by'), a date
                                 fact of the case's row, or UINT32_MAX */
  uint32_t nregs;
} ent_program;

static inline const char *prog_str(const ent_program *p, strref s) {
  return p->strings + s;
}

/* The list in whose item rows field 'fi' lives, or -1 for the case's own
   row: the fields of a record live in the row of the object holding it.
   Safe on a program not yet verified. */
static inline int64_t prog_field_list(const ent_program *p, uint32_t fi) {
  uint32_t obj = fi < p->nfields ? p->fields[fi].object : 0;
  for (int guard = 0; obj && obj < p->nobjects && guard < 64; guard++) {
    const prog_object *o = &p->objects[obj];
    if (o->list >= 0) return o->list;
    if (o->parent_field >= p->nfields) break;
    obj = p->fields[o->parent_field].object;
  }
  return -1;
}

/* Decision states, in the word after a decision's value. */
enum {
  DS_PENDING, DS_DECIDED, DS_AGREED, DS_DEFAULT, DS_CONFLICT,
  DS_NO_RULE, DS_ERROR
};
#define DS_STATUS(w) ((int)((w) & 0xff))
#define DS_RULE1(w) ((uint32_t)(((uint64_t)(w) >> 8) & 0xffffff))
#define DS_RULE2(w) ((uint32_t)(((uint64_t)(w) >> 32) & 0xffffff))
#define DS_MAKE(s, r1, r2) \
  ((ent_val)((uint64_t)(s) | ((uint64_t)(r1) << 8) | ((uint64_t)(r2) << 32)))

/* Rule states, one word per rule in the decision's row. */
enum {
  RS_PENDING, RS_APPLIED, RS_FAILED, RS_EXCEPTED, RS_OVERRIDDEN, RS_ERROR
};
enum {
  ERR_NONE, ERR_ABSENT, ERR_DECISION, ERR_OVERFLOW, ERR_DATE, ERR_BUDGET,
  ERR_DIVZERO
};
#define RS_STATE(w) ((int)((w) & 0xff))
#define RS_PART(w) ((int)(((w) >> 8) & 0xff))
#define RS_CODE(w) ((int)(((w) >> 16) & 0xff))
#define RS_OPERAND(w) ((uint32_t)((uint64_t)(w) >> 32))
#define RS_MAKE(s, part, code, operand)                              \
  ((ent_val)((uint64_t)(s) | ((uint64_t)(part) << 8) |                \
             ((uint64_t)(code) << 16) | ((uint64_t)(operand) << 32)))

#endif
