/*
** threads.c: one compiled program shared by several threads, each with
** its own context, gives every thread the same results as one thread.
** Linked with the public library only. Ends with 'N passed, N failed'
** (one test).
*/
#include <entitle.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 300

static const ent_program *program;
static const char *cases[] = {
    "{\"case_id\":\"T1\",\"applied_on\":\"2026-03-01\",\"born_on\":"
    "\"1950-06-30\",\"tenure\":\"owner\",\"jobs\":[{\"id\":\"a\",\"kind\":"
    "\"ramp\",\"cost\":\"10.00\"},{\"id\":\"b\",\"kind\":\"extension\","
    "\"cost\":\"31000.00\",\"urgent\":true}]}",
    "{\"case_id\":\"T2\",\"applied_on\":\"2026-03-01\",\"born_on\":"
    "\"2010-06-30\",\"tenure\":\"council_tenant\",\"jobs\":[{\"id\":\"a\","
    "\"kind\":\"stairlift\",\"cost\":\"3000.00\"}]}",
    "{\"case_id\":\"T3\",\"applied_on\":\"2026-03-01\",\"born_on\":"
    "\"1990-01-01\",\"tenure\":\"tenant\",\"jobs\":[]}"};
static char *expected[3];

static char *decide_once(ent_context *c, int k) {
  ent_error err = {0};
  if (ent_decide(c, cases[k], strlen(cases[k]), &err) != ENT_OK) {
    fprintf(stderr, "case %d refused: %s\n", k, err.message);
    ent_error_clear(&err);
    return NULL;
  }
  size_t len;
  const char *r = ent_result_json(c, 1, &len);
  return r ? strndup(r, len) : NULL;
}

static void *worker(void *arg) {
  long bad = 0;
  ent_context *c = ent_context_new(program);
  for (int i = 0; i < ROUNDS; i++) {
    int k = (int)(((long)arg + i) % 3);
    char *r = decide_once(c, k);
    if (!r || strcmp(r, expected[k])) bad++;
    free(r);
  }
  ent_context_free(c);
  return (void *)bad;
}

int main(int argc, char **argv) {
  char path[4096];
  const char *srcdir = getenv("srcdir");
  snprintf(path, sizeof path, "%s/tests/cli/data/grant.rules",
           srcdir ? srcdir : ".");
  const char *rules = argc > 1 ? argv[1] : path;
  ent_init();
  ent_error err = {0};
  ent_program *p = ent_compile_file(rules, &err);
  if (!p) {
    fprintf(stderr, "%s\n", err.message);
    puts("0 passed, 1 failed");
    return 1;
  }
  program = p;
  ent_context *c = ent_context_new(p);
  for (int k = 0; k < 3; k++) expected[k] = decide_once(c, k);
  ent_context_free(c);
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker,
                                                    (void *)i);
  long bad = 0;
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(t[i], &r);
    bad += (long)r;
  }
  /* A program also survives a collection while threads hold it. */
  ent_program *q = ent_compile_file(rules, &err);
  ent_program_free(q);
  printf("%d threads x %d cases: %ld results differ from one thread's\n",
         THREADS, ROUNDS, bad);
  printf("%d passed, %d failed\n", bad ? 0 : 1, bad ? 1 : 0);
  for (int k = 0; k < 3; k++) free(expected[k]);
  ent_program_free(p);
  return bad ? 1 : 0;
}
