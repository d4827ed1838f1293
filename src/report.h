/*
** report.h: the decision report, an HTML page per case, and the index
** page of a batch (report.c).
*/
#ifndef ENT_REPORT_H
#define ENT_REPORT_H

#include "explain.h"

/* The page of the case decided (or read from a record) in 'vm'. */
void report_html(explain_ctx *x, const ent_vm *vm, outbuf *o);

/* The index of a batch, in three steps: its head; a table per decision
   counting the cases by value; then a link to each case's page and the
   cases that could not be decided, which ends the page. */
void report_index_begin(outbuf *o, const ent_program *p, const char *digest);
void report_index_counts(outbuf *o, const char *decision,
                         const char *const *values, const uint64_t *counts,
                         size_t n);
void report_index_cases(outbuf *o, const char *const *ids,
                        const char *const *files, size_t n,
                        const char *const *errors, size_t nerrors);

/* A page of another command in the same style: its head (with 'title'),
   then the caller's body, then its end. */
void report_page_begin(outbuf *o, const char *title);
/* The same, with the page's own stylesheet 'css' after the report's. */
void report_page_begin_css(outbuf *o, const char *title, const char *css);
void report_page_end(outbuf *o);

#endif
