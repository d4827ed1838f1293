/*
** oom.c: running out of memory while compiling through libentitle is an
** error, ENT_EINTERNAL with a message, not a crash; and the library
** compiles a smaller policy afterwards, on the same and another thread.
** The heap is capped with libgc's GC_MAXIMUM_HEAP_SIZE, which the
** collector reads when ent_init() starts it, so that this program needs
** the public library only. Ends with 'N passed, N failed' (three tests).
*/
#include <entitle.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The heap's cap: room for the small policy, not for the large one. */
#define HEAP_CAP "33554432"

/* A policy of 'n' decisions, each with a rule: about 90 bytes of text
   a decision, and several times that in the compiler's structures. */
static char *policy_text(int n, size_t *len) {
  size_t cap = 256 + (size_t)n * 128;
  char *t = malloc(cap);
  if (!t) return NULL;
  size_t k = (size_t)snprintf(t, cap, "policy \"Big\" version \"1\"\n"
                              "document guide \"The Guide\"\n"
                              "facts\n  n: integer\nend\n");
  for (int i = 0; i < n; i++)
    k += (size_t)snprintf(t + k, cap - k, "decision d%d: bool\nrule r%d "
                          "\"t\" cites guide \"s\" d%d = true when n > %d\n",
                          i, i, i, i);
  *len = k;
  return t;
}

static int failed;

static void check(int ok, const char *what) {
  printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  failed += !ok;
}

/* Compiles a policy of 'n' decisions; returns its status. */
static ent_status compile(int n, ent_error *err) {
  size_t len;
  char *t = policy_text(n, &len);
  ent_program *p = t ? ent_compile_string("big.rules", t, len, err) : NULL;
  ent_status st = p ? ENT_OK : err->status;
  ent_program_free(p);
  free(t);
  return st;
}

static void *small_on_a_thread(void *arg) {
  ent_error err = {0};
  ent_status st = compile(50, &err);
  ent_error_clear(&err);
  return (void *)(long)st;
}

int main(void) {
  setenv("GC_MAXIMUM_HEAP_SIZE", HEAP_CAP, 1);
  ent_init();
  ent_error err = {0};
  ent_status st = compile(50000, &err);
  check(st == ENT_EINTERNAL && strstr(err.message, "out of memory"),
        "a policy larger than the heap is refused with ENT_EINTERNAL");
  if (st != ENT_OK) printf("  %d: %s\n", st, err.message);
  ent_error_clear(&err);
  st = compile(50, &err);
  check(st == ENT_OK, "a small policy compiles afterwards");
  ent_error_clear(&err);
  pthread_t t;
  void *r = (void *)1L;
  if (!pthread_create(&t, NULL, small_on_a_thread, NULL)) pthread_join(t, &r);
  check((long)r == ENT_OK, "and on another thread");
  printf("%d passed, %d failed\n", 3 - failed, failed);
  return failed ? 1 : 0;
}
