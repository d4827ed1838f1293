/*
** strmap.h: a hash map from strings to integers, for symbol tables.
*/
#ifndef ENT_STRMAP_H
#define ENT_STRMAP_H

#include <stddef.h>

typedef struct strmap strmap;

strmap *strmap_new(void);
/* Returns the value for 'key', or -1. */
int strmap_get(const strmap *m, const char *key);
/* Sets 'key' to 'value' (the key is not copied). */
void strmap_put(strmap *m, const char *key, int value);

#endif
