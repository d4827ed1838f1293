/*
** needs.c: the interview through the public library. A partial case
** gives the facts still needed, the one a caseworker is asked first
** leading; answering them in turn ends with the decisions ent_decide
** makes on the whole case; a case the interview refuses is named as
** ent_decide names it, and the context decides whole cases after.
** Linked with the public library only. Usage: needs [SRCDIR].
** Ends with 'N passed, N failed'.
*/
#include <entitle.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(int ok, const char *what) {
  if (ok) passed++;
  else {
    failed++;
    printf("FAIL %s\n", what);
  }
}

/* The value of '"decisions":' in a result, up to the next top-level key
   the two results share ('"needed"' or the end). */
static size_t decisions_at(const char *s, size_t *len) {
  const char *d = strstr(s, "\"decisions\":");
  if (!d) return (size_t)-1;
  const char *e = strstr(d, ",\"needed\":");
  if (!e) e = s + strlen(s) - 1; /* the result's closing brace */
  *len = (size_t)(e - d);
  return (size_t)(d - s);
}

int main(int argc, char **argv) {
  const char *srcdir = argc > 1 ? argv[1] : getenv("srcdir");
  if (!srcdir) srcdir = ".";
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/cli/data/interview.rules", srcdir);
  ent_init();
  ent_error err;
  ent_program *p = ent_compile_file(path, &err);
  check(p != NULL, "the interview's test policy loads");
  if (!p) {
    printf("%s\n", err.message);
    return 1;
  }
  ent_context *c = ent_context_new(p);

  /* Nothing known but the case's id: every fact an open decision reads,
     the resident fact first (both rules and the total wait on it). */
  size_t n;
  const char *r = ent_needs(c, "{\"case_id\": \"A\"}", 16, &n, &err);
  check(r && strstr(r, "\"needed\":[\"resident\",\"jobs\","),
        "a bare case needs 'resident' first, then the list of jobs");
  check(r && strlen(r) == n, "the length handed out is the result's");
  check(ent_decision_count(c) == 0, "an interview leaves no decided case");

  /* Answered in turn, one fact at a time, from the whole case. */
  static const char *steps[] = {
      "{\"case_id\": \"A\", \"resident\": true}",
      "{\"case_id\": \"A\", \"resident\": true, \"jobs\": [{\"id\": \"j1\"}]}",
      "{\"case_id\": \"A\", \"resident\": true, \"income_low\": true,"
      " \"jobs\": [{\"id\": \"j1\"}]}",
      "{\"case_id\": \"A\", \"resident\": true, \"income_low\": true,"
      " \"barred\": null, \"emergency\": true,"
      " \"jobs\": [{\"id\": \"j1\", \"approved\": true, \"cost\": \"12.50\"}]}"};
  char last[8192] = "";
  for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
    r = ent_needs(c, steps[k], strlen(steps[k]), &n, &err);
    check(r != NULL, "each step of the interview is answered");
    if (r) snprintf(last, sizeof last, "%s", r);
  }
  check(strstr(last, "\"needed\":[]") != NULL,
        "with every fact known, nothing is needed");
  /* The whole case leaves 'barred' out: null is for partial cases. */
  const char *whole =
      "{\"case_id\": \"A\", \"resident\": true, \"income_low\": true,"
      " \"emergency\": true,"
      " \"jobs\": [{\"id\": \"j1\", \"approved\": true, \"cost\": \"12.50\"}]}";
  check(ent_decide(c, whole, strlen(whole), &err) == ENT_OK,
        "the context decides the whole case after an interview");
  const char *full = ent_result_json(c, 0, &n);
  size_t la = 0, lb = 0, a = decisions_at(last, &la),
         b = full ? decisions_at(full, &lb) : (size_t)-1;
  check(a != (size_t)-1 && b != (size_t)-1 && la == lb &&
            !memcmp(last + a, full + b, la),
        "the interview ends with the decisions ent_decide makes");

  /* A case the interview refuses: an item without its key. */
  const char *bad = "{\"case_id\": \"B\", \"jobs\": [{\"cost\": \"1.00\"}]}";
  r = ent_needs(c, bad, strlen(bad), &n, &err);
  check(r == NULL && err.status == ENT_ECASE &&
            !strcmp(err.path, "jobs[0].id") && err.line == 1,
        "an item without its key is refused, named by its path");
  r = ent_needs(NULL, bad, strlen(bad), &n, &err);
  check(r == NULL && err.status == ENT_EUSAGE, "no context is a usage error");

  ent_context_free(c);
  ent_program_free(p);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
