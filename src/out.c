/*
** out.c: the buffered writer.
*/
#include "out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

void out_init(outbuf *o, FILE *f) {
  memset(o, 0, sizeof *o);
  o->f = f;
}

void out_free(outbuf *o) {
  free(o->buf);
  o->buf = NULL;
  o->len = o->cap = 0;
}

static int reserve(outbuf *o, size_t n) {
  if (o->len + n <= o->cap) return 0;
  size_t cap = o->cap ? o->cap : 65536;
  while (cap < o->len + n) cap *= 2;
  char *b = realloc(o->buf, cap);
  if (!b) {
    o->error = ENOMEM;
    return -1;
  }
  o->buf = b;
  o->cap = cap;
  return 0;
}

static void json_body(outbuf *o, const char *s, size_t n);

void out_mem(outbuf *o, const void *s, size_t n) {
  if (o->escape) {
    json_body(o, s, n);
    return;
  }
  if (reserve(o, n)) return;
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}

void out_s(outbuf *o, const char *s) { out_mem(o, s, strlen(s)); }

void out_c(outbuf *o, char c) {
  if (o->escape) {
    json_body(o, &c, 1);
    return;
  }
  if (reserve(o, 1)) return;
  o->buf[o->len++] = c;
}

void out_int(outbuf *o, int64_t v) {
  char tmp[24];
  int n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (reserve(o, (size_t)n + 1)) return;
  if (v < 0) o->buf[o->len++] = '-';
  while (n) o->buf[o->len++] = tmp[--n];
}

/* Writes 's' escaped for a JSON string, without the quotes. Runs of
   plain bytes are copied whole. */
static void json_body(outbuf *o, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  int esc = o->escape;
  o->escape = 0;
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_mem(o, s + run, i - run);
    run = i + 1;
    switch (c) {
    case '"': out_mem(o, "\\\"", 2); break;
    case '\\': out_mem(o, "\\\\", 2); break;
    case '\n': out_mem(o, "\\n", 2); break;
    case '\r': out_mem(o, "\\r", 2); break;
    case '\t': out_mem(o, "\\t", 2); break;
    default: {
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out_mem(o, u, 6);
    }
    }
  }
  out_mem(o, s + run, n - run);
  o->escape = esc;
}

void out_json(outbuf *o, const char *s, size_t n) {
  int esc = o->escape;
  o->escape = 0;
  out_c(o, '"');
  json_body(o, s, n);
  out_c(o, '"');
  o->escape = esc;
}

void out_json_begin(outbuf *o) {
  out_c(o, '"');
  o->escape = 1;
}

void out_json_end(outbuf *o) {
  o->escape = 0;
  out_c(o, '"');
}

void out_money(outbuf *o, int64_t pence) {
  char b[32];
  out_mem(o, b, money_format(pence, b));
}

void out_date(outbuf *o, int64_t days) {
  char b[16];
  out_mem(o, b, date_format(days, b));
}

int out_flush(outbuf *o) {
  if (!o->f || !o->len) return o->error ? -1 : 0;
  if (!o->error && fwrite(o->buf, 1, o->len, o->f) != o->len)
    o->error = errno ? errno : EIO;
  if (!o->error && fflush(o->f)) o->error = errno ? errno : EIO;
  o->len = 0;
  return o->error ? -1 : 0;
}

void out_maybe_flush(outbuf *o) {
  if (o->f && o->len >= 1 << 16) out_flush(o);
}
