/*
** compileonly: the compiler's own time, without the process around it.
**
** For each rule file named, compiles it (reading, parsing, resolving,
** type checking, code generation) and serialises the program with its
** digest, as 'entitle compile' does, in one process, again and again; and
** prints one JSON object with the fastest time of each file and of all of
** them together, in microseconds. A process of its own adds its start-up
** (the dynamic linker, the collector's set-up): bench/run times that
** separately, with 'entitle compile'.
**
**   compileonly [--runs N] FILE...
**
** Build (bench/run does it): cc -O2 -I src compileonly.c
**   .libs/libentitle-core.a -lgc -lnettle -lpthread -ldl
*/
#define _POSIX_C_SOURCE 200809L
#include <gc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytecode.h"
#include "diag.h"
#include "out.h"
#include "policy.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Compiles and serialises one file; returns its time, or 0 on an error. */
static uint64_t compile_once(const char *path, size_t *bytes) {
  uint64_t t0 = now_ns();
  diag *d = diag_new();
  ent_program *p = policy_compile(d, path, NULL, 0, NULL);
  if (!p) {
    diag_print(d, stderr);
    return 0;
  }
  outbuf o;
  out_init(&o, NULL);
  bc_save(p, &o);
  uint64_t t = now_ns() - t0;
  *bytes = o.len;
  out_free(&o);
  return t;
}

int main(int argc, char **argv) {
  GC_INIT();
  int runs = 50, first = 1;
  if (argc > 2 && !strcmp(argv[1], "--runs")) {
    runs = atoi(argv[2]);
    first = 3;
  }
  if (first >= argc || runs < 1) {
    fprintf(stderr, "usage: compileonly [--runs N] FILE...\n");
    return 64;
  }
  int n = argc - first;
  uint64_t *best = calloc((size_t)n, sizeof *best);
  uint64_t best_all = 0;
  size_t *bytes = calloc((size_t)n, sizeof *bytes);
  for (int r = 0; r < runs; r++) {
    uint64_t all = 0;
    for (int i = 0; i < n; i++) {
      uint64_t t = compile_once(argv[first + i], &bytes[i]);
      if (!t) return 1;
      if (!best[i] || t < best[i]) best[i] = t;
      all += t;
    }
    if (!best_all || all < best_all) best_all = all;
  }
  printf("{\"runs\":%d,\"files\":[", runs);
  for (int i = 0; i < n; i++)
    printf("%s{\"file\":\"%s\",\"us\":%.1f,\"bytes\":%zu}", i ? "," : "",
           argv[first + i], best[i] / 1e3, bytes[i]);
  printf("],\"all_us\":%.1f}\n", best_all / 1e3);
  return 0;
}
