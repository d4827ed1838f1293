/*
** api.h: deciding a case and rendering its result, the one way both
** libentitle (include/entitle.h) and the entitle command do it (api.c).
**
** The library's functions ent_decide() and ent_result_*() are made of
** these; the command's eval, for one case and for every line of --jsonl,
** calls them directly, so that it can set its limits, report every
** problem of a refused case as it prints them, and render straight into
** its own output buffer. Internal: not exported by the shared library
** (it exports ent_ names only).
*/
#ifndef ENT_API_H
#define ENT_API_H

#include <stdint.h>
#include <stdio.h>

#include "../include/entitle.h"
#include "facts.h"
#include "out.h"

/* What a decided case is rendered as. */
typedef enum {
  API_JSON,       /* decisions and their explanations (explain_json) */
  API_JSON_BARE,  /* decisions only (--no-explain) */
  API_TEXT,       /* explanations for people (explain_text) */
  API_RECORD,     /* the decision record (record_write) */
  API_HTML,       /* the decision report (report_html) */
  API_NEEDS,      /* after api_needs: decisions made, facts needed */
  API_NEEDS_TEXT  /* the same as questions for people */
} api_format;

/* How deciding a case ended. */
typedef enum {
  API_DECIDED,    /* decided: render it */
  API_REFUSED,    /* the decoder refused it: api_case_error() says why */
  API_UNMET,      /* it does not meet a requirement of the policy */
  API_BUDGET,     /* it needed more loop steps than allowed */
  API_FAILED      /* out of memory, or the evaluator failed */
} api_outcome;

/* A context for 'p' whose results name the program by 'digest_hex' (the
   command's program has no 'digest_text'; the library's has). With
   'record', the record writer is made now rather than on first use, by
   the thread that will use it. NULL if out of memory. */
ent_context *api_context_new(const ent_program *p, const char *digest_hex,
                             int record);

/* The command's limits (--max-steps, --max-items, --max-case-bytes);
   messages then name the option a case went over. */
void api_set_limits(ent_context *c, uint64_t steps, uint64_t items,
                    uint64_t bytes);

/* Decodes and decides the case in 'json'. Allocates nothing in the steady
   state: on the command's hot path. */
api_outcome api_decide(ent_context *c, const char *json, size_t len);

/* Decodes the partial case in 'json' (facts_decode_partial) and finds
   what is decided and which facts are still needed (needs.c); render it
   as API_NEEDS or API_NEEDS_TEXT. */
api_outcome api_needs(ent_context *c, const char *json, size_t len);

/* After API_REFUSED: every problem of the case, held until the next. */
const facts_error *api_case_error(const ent_context *c);

/* After API_UNMET, API_BUDGET or API_FAILED: why, as one line of text
   without a newline, valid until the next call on 'c'. */
const char *api_reason(ent_context *c);

/* Renders the case decided last as 'f' into 'o' (no newline after it).
   Returns 0, or -1 if out of memory. */
int api_render(ent_context *c, api_format f, outbuf *o);

/* Writes every problem of a refused case to 'f', one a line:
   'NAME:LINE:COLUMN: error: MESSAGE' as the command prints them, or
   without 'NAME:' when 'name' is NULL, as the library's error details
   hold them. */
void api_case_problems(FILE *f, const char *name, const facts_error *e);
/* The line a batch gives for line 'lineno' that is not a case it can
   decide: '{"line":N,"error":{...}}' and a newline, with every problem of
   'e', or 'msg' when there is no 'e'. The same for eval --jsonl and the
   decide-batch of entitle serve. */
void api_error_line(outbuf *o, uint64_t lineno, const facts_error *e,
                    const char *msg);

#endif
