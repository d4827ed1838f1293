/*
** strmap.c: open addressing with linear probing; keys are compared whole.
** Entries are never removed: a replaced declaration simply maps to its
** new index.
*/
#include "strmap.h"

#include <gc.h>
#include <stdint.h>
#include <string.h>

struct strmap {
  size_t cap, n;
  const char **keys;
  int *vals;
};

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

strmap *strmap_new(void) {
  strmap *m = GC_MALLOC(sizeof *m);
  m->cap = 16;
  m->keys = GC_MALLOC(m->cap * sizeof *m->keys);
  m->vals = GC_MALLOC_ATOMIC(m->cap * sizeof *m->vals);
  return m;
}

int strmap_get(const strmap *m, const char *key) {
  size_t i = hash(key) & (m->cap - 1);
  while (m->keys[i]) {
    if (!strcmp(m->keys[i], key)) return m->vals[i];
    i = (i + 1) & (m->cap - 1);
  }
  return -1;
}

static void insert(strmap *m, const char *key, int value) {
  size_t i = hash(key) & (m->cap - 1);
  while (m->keys[i]) {
    if (!strcmp(m->keys[i], key)) {
      m->vals[i] = value;
      return;
    }
    i = (i + 1) & (m->cap - 1);
  }
  m->keys[i] = key;
  m->vals[i] = value;
  m->n++;
}

void strmap_put(strmap *m, const char *key, int value) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t oc = m->cap;
    const char **ok = m->keys;
    int *ov = m->vals;
    m->cap *= 2;
    m->keys = GC_MALLOC(m->cap * sizeof *m->keys);
    m->vals = GC_MALLOC_ATOMIC(m->cap * sizeof *m->vals);
    m->n = 0;
    for (size_t i = 0; i < oc; i++)
      if (ok[i]) insert(m, ok[i], ov[i]);
  }
  insert(m, key, value);
}
