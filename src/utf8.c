/*
** utf8.c: see utf8.h.
*/
#include "utf8.h"

/* Length of the UTF-8 sequence at 's' (at most 'n' bytes), 0 if invalid:
   overlong forms, surrogates and values past U+10FFFF are refused. */
int utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0x80) return 1;
  int len;
  unsigned min, cp;
  if ((c & 0xE0) == 0xC0) len = 2, min = 0x80, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) len = 3, min = 0x800, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) len = 4, min = 0x10000, cp = c & 0x07;
  else return 0;
  if ((size_t)len > n) return 0;
  for (int i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

int utf8_valid(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    int k = utf8_len(s + i, n - i);
    if (!k) return 0;
    i += (size_t)k;
  }
  return 1;
}
