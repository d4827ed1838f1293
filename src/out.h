/*
** out.h: one buffered writer for all output.
**
** Results are built in memory and written in large blocks, with no printf
** per field. A write error (a closed pipe, a full disk) is remembered and
** reported once by the caller.
*/
#ifndef ENT_OUT_H
#define ENT_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  char *buf;
  size_t len, cap;
  FILE *f;            /* NULL: keep everything in memory */
  int error;          /* errno of the first failed write */
  int escape;         /* while set, everything written is JSON-escaped:
                         lets a name be built piece by piece inside a
                         JSON string without a second buffer */
} outbuf;

void out_init(outbuf *o, FILE *f);
void out_free(outbuf *o);
void out_mem_slow(outbuf *o, const void *s, size_t n);
/* Most writes are short copies into room already there: inline. */
static inline void out_mem(outbuf *o, const void *s, size_t n) {
  if (!o->escape && n && n <= o->cap - o->len) {
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    return;
  }
  out_mem_slow(o, s, n);
}
/* A string literal, its length known when compiling. */
#define OUT_LIT(o, lit) out_mem((o), "" lit, sizeof(lit) - 1)
void out_s(outbuf *o, const char *s);
void out_c_slow(outbuf *o, char c);
static inline void out_c(outbuf *o, char c) {
  if (!o->escape && o->len < o->cap) {
    o->buf[o->len++] = c;
    return;
  }
  out_c_slow(o, c);
}
void out_int(outbuf *o, int64_t v);
/* A JSON string, with quotes and escapes. */
void out_json(outbuf *o, const char *s, size_t n);
/* Between these, what is written forms one JSON string. */
void out_json_begin(outbuf *o);
void out_json_end(outbuf *o);
void out_money(outbuf *o, int64_t pence);
void out_date(outbuf *o, int64_t days);
/* Writes what is buffered (if there is a file). Returns 0 or -1. */
int out_flush(outbuf *o);
/* Flushes when the buffer holds 1 MB or more: writing explanations to a
   file, 64 KB writes cost the kernel twice the time of 1 MB ones. */
void out_maybe_flush(outbuf *o);

#endif
