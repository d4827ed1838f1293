/*
** grow.h: growing an array in the collected heap, the one way the
** compiler does it.
**
** An array is a pointer, a count and a capacity (any integer types).
** GROW makes room for one more element; GROW_TO for 'need' elements in
** all. The capacity doubles from 16, so that n pushes cost O(n); the old
** array is left to the collector. Arrays of plain numbers use the
** _ATOMIC forms: the collector need not scan them for pointers.
*/
#ifndef ENT_GROW_H
#define ENT_GROW_H

#include <gc.h>
#include <stddef.h>
#include <string.h>

/* The capacity after 'cap' that holds 'need' elements. */
static inline size_t grow_cap(size_t cap, size_t need) {
  if (!cap) cap = 16;
  while (cap < need) cap *= 2;
  return cap;
}

/* A new array of 'cap' elements of 'size' bytes holding the first 'n'
   of 'old'; the rest zeroed. */
static inline void *grow_copy(const void *old, size_t n, size_t cap,
                              size_t size, int atomic) {
  void *p = atomic ? GC_MALLOC_ATOMIC(cap * size) : GC_MALLOC(cap * size);
  if (old) memcpy(p, old, n * size);
  if (atomic) memset((char *)p + n * size, 0, (cap - n) * size);
  return p;
}

#define GROW_TO_(arr, n, cap, need, atomic)                                \
  ((size_t)(need) <= (size_t)(cap)                                         \
       ? (void)0                                                           \
       : (void)((arr) = grow_copy((arr), (size_t)(n),                      \
                                  grow_cap((size_t)(cap), (size_t)(need)), \
                                  sizeof *(arr), (atomic)),                \
                (cap) = grow_cap((size_t)(cap), (size_t)(need))))

#define GROW_TO(arr, n, cap, need) GROW_TO_(arr, n, cap, need, 0)
#define GROW_TO_ATOMIC(arr, n, cap, need) GROW_TO_(arr, n, cap, need, 1)
#define GROW(arr, n, cap) GROW_TO_(arr, n, cap, (size_t)(n) + 1, 0)
#define GROW_ATOMIC(arr, n, cap) GROW_TO_(arr, n, cap, (size_t)(n) + 1, 1)

#endif
