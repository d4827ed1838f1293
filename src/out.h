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
  int escape;         /* while set, everything written is escaped, for a
                         JSON string (OUT_ESC_JSON) or HTML text
                         (OUT_ESC_HTML): lets a name be built piece by
                         piece inside either without a second buffer */
} outbuf;

enum { OUT_ESC_NONE, OUT_ESC_JSON, OUT_ESC_HTML };

void out_init(outbuf *o, FILE *f);
void out_free(outbuf *o);
void out_mem_slow(outbuf *o, const void *s, size_t n);
/* Copies n bytes, 1 <= n <= 32, as two overlapping moves: explanations
   are made of many short pieces, and a call to memcpy for each cost more
   than the copying. */
static inline void out_copy_short(char *d, const char *s, size_t n) {
  uint64_t a, b, c, e;
  if (n >= 16) {
    memcpy(&a, s, 8), memcpy(&b, s + 8, 8);
    memcpy(&c, s + n - 16, 8), memcpy(&e, s + n - 8, 8);
    memcpy(d + n - 16, &c, 8), memcpy(d + n - 8, &e, 8);
    memcpy(d, &a, 8), memcpy(d + 8, &b, 8);
  } else if (n >= 8) {
    memcpy(&a, s, 8), memcpy(&b, s + n - 8, 8);
    memcpy(d, &a, 8), memcpy(d + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, s, 4), memcpy(&y, s + n - 4, 4);
    memcpy(d, &x, 4), memcpy(d + n - 4, &y, 4);
  } else {
    d[0] = s[0];
    d[n / 2] = s[n / 2];
    d[n - 1] = s[n - 1];
  }
}

/* Most writes are short copies into room already there: inline. */
static inline void out_mem(outbuf *o, const void *s, size_t n) {
  if (!o->escape && n && n <= o->cap - o->len) {
    if (n <= 32) out_copy_short(o->buf + o->len, s, n);
    else memcpy(o->buf + o->len, s, n);
    o->len += n;
    return;
  }
  out_mem_slow(o, s, n);
}
/* A string literal, its length known when compiling. */
#define OUT_LIT(o, lit) out_mem((o), "" lit, sizeof(lit) - 1)
/* A NUL-terminated string; inline, so that a literal's length is known
   when compiling. */
static inline void out_s(outbuf *o, const char *s) {
  out_mem(o, s, strlen(s));
}
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
/* 'n' bytes of 's' as HTML text, escaped. */
void out_html(outbuf *o, const char *s, size_t n);
/* A JSON string of a message that may quote bytes of the input that are
   not UTF-8: each such byte becomes U+FFFD, so that the JSON stays
   text. */
void out_json_text(outbuf *o, const char *s, size_t n);
/* Between these, what is written forms one JSON string. */
void out_json_begin(outbuf *o);
void out_json_end(outbuf *o);
void out_money(outbuf *o, int64_t pence);
void out_date(outbuf *o, int64_t days);
/* Writes what is buffered (if there is a file). Returns 0 or -1. */
int out_flush(outbuf *o);

#endif
