/*
** threads.c: libentitle on several threads at once, through the public
** library only, on threads the collector did not make:
**   1. one compiled program shared by several threads, each with its own
**      context, gives every thread the same results as one thread;
**   2. several threads compiling at once (a good policy and one with type
**      errors, whose messages name types) get the same digest and the
**      same messages as one thread, then decide with what they compiled.
** ENTITLE_THREADS_ROUNDS sets the rounds (scripts/test's ThreadSanitizer
** build runs fewer). Ends with 'N passed, N failed' (two tests).
*/
#include <entitle.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4

static int rounds = 300;
static const char *rules;
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
  for (int i = 0; i < rounds; i++) {
    int k = (int)(((long)arg + i) % 3);
    char *r = decide_once(c, k);
    if (!r || strcmp(r, expected[k])) bad++;
    free(r);
  }
  ent_context_free(c);
  return (void *)bad;
}

/* A policy with type errors: each message names two types, the way
   type_name() once wrote them into buffers shared by every compile. */
static const char bad_rules[] =
    "policy \"Race\" version \"1\"\n"
    "document guide \"The Guide\"\n"
    "facts\n  stage: stage\n  colour: colour\n  shape: shape\nend\n"
    "enum stage: none, draft_plan, annual_review\n"
    "enum colour: red, green\n"
    "enum shape: round, square\n"
    "decision a: bool\n"
    "rule r1 \"t\" cites guide \"s\" a = true when stage = colour\n"
    "rule r2 \"t\" cites guide \"s\" a = true when colour = shape\n"
    "rule r3 \"t\" cites guide \"s\" a = true when shape = stage\n"
    "rule r4 \"t\" cites guide \"s\" a = stage\n"
    "rule r5 \"t\" cites guide \"s\" a = colour\n";
static char *bad_details;

/* The messages of compiling 'bad_rules', or NULL. */
static char *compile_bad(void) {
  ent_error err = {0};
  ent_program *p = ent_compile_string("race.rules", bad_rules,
                                      sizeof bad_rules - 1, &err);
  ent_program_free(p);
  char *d = !p && err.details ? strdup(err.details) : NULL;
  ent_error_clear(&err);
  return d;
}

/* Compiles both policies a few times, checks each result against one
   thread's, and decides with its own program. Returns the failures. */
static void *compiler(void *arg) {
  long bad = 0;
  int n = rounds / 10 + 1;
  for (int i = 0; i < n; i++) {
    char *d = compile_bad();
    if (!d || strcmp(d, bad_details)) bad++;
    free(d);
    ent_error err = {0};
    ent_program *p = ent_compile_file(rules, &err);
    if (!p || strcmp(ent_program_digest(p), ent_program_digest(program))) {
      bad++;
    } else {
      ent_context *c = ent_context_new(p);
      int k = (int)(((long)arg + i) % 3);
      char *r = decide_once(c, k);
      if (!r || strcmp(r, expected[k])) bad++;
      free(r);
      ent_context_free(c);
    }
    ent_program_free(p);
    ent_error_clear(&err);
  }
  return (void *)bad;
}

/* Runs 'fn' on THREADS threads and sums what they return. */
static long run_threads(void *(*fn)(void *)) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, fn,
                                                    (void *)i);
  long bad = 0;
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(t[i], &r);
    bad += (long)r;
  }
  return bad;
}

int main(int argc, char **argv) {
  char path[4096];
  const char *srcdir = getenv("srcdir");
  snprintf(path, sizeof path, "%s/tests/cli/data/grant.rules",
           srcdir ? srcdir : ".");
  rules = argc > 1 ? argv[1] : path;
  const char *env = getenv("ENTITLE_THREADS_ROUNDS");
  if (env && atoi(env) > 0) rounds = atoi(env);
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
  long bad = run_threads(worker);
  /* A program also survives a collection while threads hold it. */
  ent_program *q = ent_compile_file(rules, &err);
  ent_program_free(q);
  printf("%d threads x %d cases: %ld results differ from one thread's\n",
         THREADS, rounds, bad);
  bad_details = compile_bad();
  long cbad = bad_details ? run_threads(compiler) : 1;
  printf("%d threads compiling at once: %ld results differ from one "
         "thread's\n", THREADS, cbad);
  int failed = (bad != 0) + (cbad != 0);
  printf("%d passed, %d failed\n", 2 - failed, failed);
  free(bad_details);
  for (int k = 0; k < 3; k++) free(expected[k]);
  ent_program_free(p);
  return failed ? 1 : 0;
}
