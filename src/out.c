/*
** out.c: the buffered writer.
*/
#include "out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "value.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
static void html_body(outbuf *o, const char *s, size_t n);

void out_mem_slow(outbuf *o, const void *s, size_t n) {
  if (!n) return; /* nothing to copy, and the buffer may not exist yet */
  if (o->escape == OUT_ESC_HTML) {
    html_body(o, s, n);
    return;
  }
  if (o->escape) {
    json_body(o, s, n);
    return;
  }
  if (reserve(o, n)) return;
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}


void out_c_slow(outbuf *o, char c) {
  if (o->escape == OUT_ESC_HTML) {
    html_body(o, &c, 1);
    return;
  }
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
  size_t run = 0, i = 0;
  /* Most text needs no escape: a short one is looked over and copied in
     one piece. */
  if (n <= 32 && n <= o->cap - o->len) {
    while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' &&
           s[i] != '\\')
      i++;
    if (i == n) {
      if (n) out_copy_short(o->buf + o->len, s, n);
      o->len += n;
      return;
    }
  }
  o->escape = 0;
#ifdef __SSE2__
  /* Skip sixteen bytes at a time while none needs escaping (bytes of
     0x80 and above are flagged too, and looked at one by one). */
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (n - i >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                          _mm_cmpeq_epi8(v, bslash)),
                             _mm_cmplt_epi8(v, space));
    if (_mm_movemask_epi8(m)) break;
    i += 16;
  }
#endif
  for (; i < n; i++) {
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

/* Writes 's' as HTML text: the five characters with a meaning in HTML as
   references, and control characters (which HTML forbids) as U+FFFD. */
static void html_body(outbuf *o, const char *s, size_t n) {
  int esc = o->escape;
  o->escape = 0;
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *ref;
    switch (c) {
    case '&': ref = "&amp;"; break;
    case '<': ref = "&lt;"; break;
    case '>': ref = "&gt;"; break;
    case '"': ref = "&quot;"; break;
    case '\'': ref = "&#39;"; break;
    default:
      if (c >= 0x20 || c == '\n' || c == '\t') continue;
      ref = "&#xFFFD;";
    }
    out_mem(o, s + run, i - run);
    out_s(o, ref);
    run = i + 1;
  }
  out_mem(o, s + run, n - run);
  o->escape = esc;
}

void out_html(outbuf *o, const char *s, size_t n) { html_body(o, s, n); }

void out_json_text(outbuf *o, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  int esc = o->escape;
  o->escape = 0;
  out_c(o, '"');
  while (i < n) {
    size_t k = 0;
    int len;
    while (i + k < n && (len = utf8_len(u + i + k, n - i - k)) > 0)
      k += (size_t)len;
    json_body(o, s + i, k);
    if (i + k < n) out_mem(o, "\xEF\xBF\xBD", 3);
    i += k + (i + k < n);
  }
  out_c(o, '"');
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

/* Two decimal digits at a time. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* As money_format() writes it ('-' for less than zero, the pounds, '.',
   two digits of pence), straight into the buffer when there is room:
   a result line has an amount for every budget. */
void out_money(outbuf *o, int64_t pence) {
  if (o->escape || o->cap - o->len < 24) {
    char b[32];
    out_mem_slow(o, b, money_format(pence, b));
    return;
  }
  uint64_t u = pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence;
  unsigned cents = (unsigned)(u % 100);
  u /= 100;
  char tmp[24];
  int n = 24;
  while (u >= 100) {
    unsigned k = (unsigned)(u % 100);
    u /= 100;
    n -= 2;
    memcpy(tmp + n, digit_pairs + 2 * k, 2);
  }
  if (u >= 10) {
    n -= 2;
    memcpy(tmp + n, digit_pairs + 2 * u, 2);
  } else {
    tmp[--n] = (char)('0' + u);
  }
  char *b = o->buf + o->len;
  size_t len = 0;
  if (pence < 0) b[len++] = '-';
  out_copy_short(b + len, tmp + n, (size_t)(24 - n));
  len += (size_t)(24 - n);
  b[len++] = '.';
  memcpy(b + len, digit_pairs + 2 * cents, 2);
  o->len += len + 2;
}

void out_date(outbuf *o, int64_t days) {
  char b[16];
  out_mem_slow(o, b, date_format(days, b));
}

int out_flush(outbuf *o) {
  if (!o->f || !o->len) return o->error ? -1 : 0;
  if (!o->error && fwrite(o->buf, 1, o->len, o->f) != o->len)
    o->error = errno ? errno : EIO;
  if (!o->error && fflush(o->f)) o->error = errno ? errno : EIO;
  o->len = 0;
  return o->error ? -1 : 0;
}
