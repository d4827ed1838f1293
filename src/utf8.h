/*
** utf8.h: checking UTF-8, the one way every part of entitle does it: rule
** files (module.c), a program's strings (verify.c) and cases.
*/
#ifndef ENT_UTF8_H
#define ENT_UTF8_H

#include <stddef.h>

/* Length of the UTF-8 sequence at 's' (at most 'n' bytes, n >= 1), 0 if
   invalid: overlong forms, surrogates and values past U+10FFFF are
   refused. */
int utf8_len(const unsigned char *s, size_t n);
/* Whether the 'n' bytes at 's' are UTF-8 (NUL bytes count as text). */
int utf8_valid(const unsigned char *s, size_t n);

#endif
