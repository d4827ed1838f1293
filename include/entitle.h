/*
** entitle.h: the public interface of libentitle.
**
** Compile a policy (a rule file) or load a compiled program, then decide
** cases with it and read each decision with its explanation. Errors are
** returned as values, with a location and a message; the library never
** prints and never exits.
**
** Threads: a program is immutable once made and may be shared by any
** number of threads, each deciding with its own context. Call ent_init()
** once from the main thread before using the library from other threads.
** Compiling may run on any thread; deciding never allocates in the steady
** state.
**
** Each function carries an indicator in brackets:
**   alloc: what it allocates (and who frees it);
**   threads: 'safe' (any thread, concurrently), 'context' (one thread at a
**   time per context), 'init' (main thread, before others);
**   errors: how a failure is reported.
*/
#ifndef ENTITLE_H
#define ENTITLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ENT_VERSION "0.1.0"

/* Status codes. They match the exit statuses of the entitle command. */
typedef enum {
  ENT_OK = 0,
  ENT_ERULES = 1,    /* errors in a rule file, or an invalid program file */
  ENT_ECASE = 2,     /* the case is not valid for the policy */
  ENT_ERECORD = 4,   /* a decision record that is not one of this program */
  ENT_EUSAGE = 64,   /* a bad argument (NULL where a value is needed) */
  ENT_EINTERNAL = 70,/* a bug, or out of memory */
  ENT_EIO = 74       /* a file could not be read */
} ent_status;

/* An error: its status, where it was found and what it is. 'details'
   holds every message (several errors in a rule file, or several
   problems with a case), formatted as the command prints them; free it
   with ent_error_clear(). */
typedef struct {
  ent_status status;
  char file[256];    /* rule file, or '' */
  int line, column;  /* 1-based; 0 when not known */
  char path[256];    /* a case field, as 'provisions[2].annual_cost' */
  char message[512];
  char *details;
} ent_error;

typedef struct ent_program ent_program;
typedef struct ent_context ent_context;

/* Outcomes of a decision. */
typedef enum {
  ENT_DECIDED,       /* a rule decided it (or several agreeing rules) */
  ENT_DEFAULT,       /* no rule applied; the decision's default */
  ENT_CONFLICT,      /* rules of equal standing applied and disagreed */
  ENT_UNDECIDED      /* no rule applied and no default, or a rule could
                        not be evaluated */
} ent_outcome;

/* Initialises the library. [alloc: none; threads: init; errors: none] */
void ent_init(void);

/* Releases what an error holds. [alloc: frees; threads: safe] */
void ent_error_clear(ent_error *err);

/* Compiles the rule file at 'path' and the files it imports.
   [alloc: a program, free with ent_program_free; threads: safe;
    errors: NULL, and 'err' (may be NULL) says why] */
ent_program *ent_compile_file(const char *path, ent_error *err);

/* Compiles rule text 'text' of 'len' bytes, named 'name' in messages;
   imports are read relative to 'name'.
   [alloc: a program; threads: safe; errors: NULL and 'err'] */
ent_program *ent_compile_string(const char *name, const char *text,
                                size_t len, ent_error *err);

/* Loads and verifies a compiled program from memory or a file: a file
   that fails verification is refused, never run.
   [alloc: a program; threads: safe; errors: NULL and 'err'] */
ent_program *ent_load(const void *data, size_t len, ent_error *err);
ent_program *ent_load_file(const char *path, ent_error *err);

/* Writes 'p' as a program file into a new buffer '*data' of '*len' bytes
   (free it with free()). The same source always gives the same bytes.
   [alloc: the buffer; threads: safe; errors: a status] */
ent_status ent_save(const ent_program *p, void **data, size_t *len);

/* Frees a program. Every context using it must be freed first.
   [alloc: frees; threads: safe, but not while it is in use] */
void ent_program_free(ent_program *p);

/* The policy's name, version and the program's digest ('sha256:...').
   [alloc: none, valid while the program lives; threads: safe] */
const char *ent_program_name(const ent_program *p);
const char *ent_program_version(const ent_program *p);
const char *ent_program_digest(const ent_program *p);

/* A context to decide cases with 'p'.
   [alloc: a context, free with ent_context_free; threads: safe;
    errors: NULL when out of memory] */
ent_context *ent_context_new(const ent_program *p);
void ent_context_free(ent_context *c);

/* Decides the case given as JSON text. On ENT_ECASE, 'err' says which
   field is wrong and why (the first problem found), and 'details' names
   every problem, one a line, 'LINE:COLUMN: error: MESSAGE' (at most 100,
   then 'and N more problems with the case'); the context then holds no
   decisions.
   [alloc: none in the steady state; threads: context;
    errors: ENT_ECASE, ENT_EINTERNAL] */
ent_status ent_decide(ent_context *c, const char *json, size_t len,
                      ent_error *err);

/* The result of the last case as JSON (with or without explanations) or
   as text for people; '*len' gets the length. Valid until the next call
   on the context. [alloc: none (a buffer the context reuses);
   threads: context; errors: NULL if no case was decided] */
const char *ent_result_json(ent_context *c, int explanations, size_t *len);
const char *ent_result_text(ent_context *c, size_t *len);

/* The interview (doc/needs.md): reads 'json' as a partial case, in which
   a key left out is a fact not known yet and null for an optional or
   defaulted fact says it is known to be left out, and returns what
   `entitle needs` prints: '{"decisions":{...},"needed":[...]}', the
   decisions already settled and the paths of the facts still needed,
   most useful first. '*len' gets the length. Valid until the next call
   on the context, which holds no decided case afterwards. NULL with
   'err' filled in as ent_decide fills it for a case it refuses.
   [alloc: the first call makes the interview's tables; threads: context;
    errors: ENT_ECASE, ENT_EINTERNAL] */
const char *ent_needs(ent_context *c, const char *json, size_t len,
                      size_t *outlen, ent_error *err);

/* The decision record of the last case (doc/record.md): one line of JSON,
   without its newline, holding the decisions and all that their
   explanation needs but the program. Valid until the next call on the
   context. [alloc: none (a buffer the context reuses); threads: context;
   errors: NULL if no case was decided or out of memory] */
const char *ent_result_record(ent_context *c, size_t *len);

/* Reads a record made by this context's program, as if its case had just
   been decided: every function below, ent_result_json() and
   ent_result_text() then read the record's case, and give what they gave
   for the case itself. ENT_ERECORD when the text is not a record of this
   program (another program's digest, a decision it does not have), with
   the reason in 'err'. [alloc: none in the steady state; threads:
   context; errors: ENT_ERECORD, ENT_EUSAGE, ENT_EINTERNAL] */
ent_status ent_context_load_record(ent_context *c, const char *record,
                                   size_t len, ent_error *err);

/* { ====== walking decisions and explanations ====== */

/* One fact, decision or parameter a condition read, with its value. */
typedef struct {
  const char *name;   /* 'provisions.p1.universal' */
  const char *value;  /* as JSON: 'true', '"1234.56"', '"annual_review"' */
} ent_read;

/* A rule as an explanation names it. */
typedef struct {
  const char *id, *title;
  const char *document, *section; /* the first citation */
  const char *more_cites;  /* further citations, 'Doc, Section; ...', or
                              NULL */
  const char *source;      /* 'file:line' */
  const char *quote;       /* the policy's own words the first citation
                              quotes, or NULL */
} ent_rule_ref;

/* Why a rule did not apply. */
typedef enum {
  ENT_NOT_CONDITION, /* 'text' is the first condition that failed */
  ENT_NOT_EXCEPTION, /* 'text' is the exception that held */
  ENT_NOT_OVERRIDDEN,/* 'by' is the rule that overrode it */
  ENT_NOT_ERROR,     /* 'text' says what it needed and could not read */
  ENT_NOT_EVALUATED  /* not reached */
} ent_why_not;

/* A decision of the last case. Strings handed out by the functions below
   are valid until the next call on the same context. */
typedef struct {
  const char *path;      /* 'may_request', 'provisions.p1.included' */
  ent_outcome outcome;
  const char *value;     /* as JSON; 'null' unless decided or default */
  ent_rule_ref rule;     /* the deciding rule (id 'default' for a default);
                            for a conflict, the first of the two */
  ent_rule_ref other;    /* a conflict: the second rule; else all NULL */
  int nconditions;       /* the deciding rule's conditions, then its
                            exceptions (which did not hold) */
  int nexceptions;
  int nnot_applied;      /* the other rules of the decision */
} ent_decision;

/* Number of decisions in the last case (per-item decisions count once
   per item). [alloc: none; threads: context] */
int ent_decision_count(ent_context *c);
/* Decision 'i' (0-based), or the one named 'path'. ENT_EUSAGE when there
   is no such decision. [alloc: none; threads: context] */
ent_status ent_decision_get(ent_context *c, int i, ent_decision *out);
ent_status ent_decision_find(ent_context *c, const char *path,
                             ent_decision *out);
/* Condition 'k' of decision 'i' (conditions first, then exceptions): its
   text and how many reads it has. */
ent_status ent_condition_get(ent_context *c, int i, int k, const char **text,
                             int *nreads);
/* Read 'r' of condition 'k' of decision 'i'. */
ent_status ent_condition_read(ent_context *c, int i, int k, int r,
                              ent_read *out);
/* Rule 'k' of the rules of decision 'i' that did not apply. */
ent_status ent_not_applied_get(ent_context *c, int i, int k,
                               ent_rule_ref *rule, ent_why_not *why,
                               const char **text, ent_rule_ref *by);

/* } ====== */

#ifdef __cplusplus
}
#endif

#endif
