/*
** embed.c: deciding a case from C with libentitle.
**
**   cc embed.c $(pkg-config --cflags --libs entitle) -o embed
**   ./embed POLICY.rules CASE.json [DECISION]
**
** Compiles the policy, decides the case, prints every decision with its
** outcome, then the explanation of one decision: the rule that decided,
** the conditions it checked with the facts they read, and the rules that
** did not apply.
*/
#include <entitle.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t k;
  while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  *len = n;
  return buf;
}

static const char *outcome_name(ent_outcome o) {
  switch (o) {
  case ENT_DECIDED: return "decided";
  case ENT_DEFAULT: return "default";
  case ENT_CONFLICT: return "conflict";
  default: return "undecided";
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: embed POLICY CASE [DECISION]\n");
    return 64;
  }
  ent_init();
  ent_error err = {0};
  ent_program *p = ent_compile_file(argv[1], &err);
  if (!p) {
    fprintf(stderr, "%s", err.details ? err.details : err.message);
    ent_error_clear(&err);
    return 1;
  }
  printf("policy: %s %s %s\n", ent_program_name(p), ent_program_version(p),
         ent_program_digest(p));
  size_t len;
  char *json = read_file(argv[2], &len);
  if (!json) {
    fprintf(stderr, "embed: cannot read %s\n", argv[2]);
    ent_program_free(p);
    return 74;
  }
  ent_context *c = ent_context_new(p);
  if (ent_decide(c, json, len, &err) != ENT_OK) {
    /* The fields hold the first problem; 'details' every one, a line
       each. */
    fprintf(stderr, "%s:%d:%d: %s\n", argv[2], err.line, err.column,
            err.message);
    if (err.details) fprintf(stderr, "every problem:\n%s", err.details);
    ent_error_clear(&err);
    return 2;
  }
  int n = ent_decision_count(c);
  for (int i = 0; i < n; i++) {
    ent_decision d;
    ent_decision_get(c, i, &d);
    printf("%s = %s (%s by %s)\n", d.path, d.value, outcome_name(d.outcome),
           d.rule.id ? d.rule.id : "no rule");
  }
  const char *want = argc > 3 ? argv[3] : NULL;
  for (int i = 0; want && i < n; i++) {
    ent_decision d;
    ent_decision_get(c, i, &d);
    if (strcmp(d.path, want)) continue;
    printf("\nwhy %s = %s:\n", d.path, d.value);
    if (d.outcome == ENT_DECIDED || d.outcome == ENT_DEFAULT)
      printf("  rule %s: \"%s\" [%s, %s]\n", d.rule.id, d.rule.title,
             d.rule.document, d.rule.section);
    if (d.rule.quote) printf("    the policy says: \"%s\"\n", d.rule.quote);
    /* Copy the counts: the strings in 'd' are only valid until the next
       call on the context. */
    int nc = d.nconditions, ne = d.nexceptions, nn = d.nnot_applied;
    for (int k = 0; k < nc; k++) {
      const char *text;
      int nreads;
      ent_condition_get(c, i, k, &text, &nreads);
      printf("  %s %s\n", k < nc - ne ? "because" : "unless (it does not hold)",
             text);
      for (int r = 0; r < nreads; r++) {
        ent_read rd;
        ent_condition_read(c, i, k, r, &rd);
        printf("    %s = %s\n", rd.name, rd.value);
      }
    }
    for (int k = 0; k < nn; k++) {
      ent_rule_ref rule, by;
      ent_why_not why;
      const char *text;
      ent_not_applied_get(c, i, k, &rule, &why, &text, &by);
      printf("  not applied: %s (%s%s)\n", rule.id,
             why == ENT_NOT_OVERRIDDEN ? "overridden by " : "",
             why == ENT_NOT_OVERRIDDEN ? by.id : text ? text : "");
    }
  }
  ent_context_free(c);
  ent_program_free(p);
  free(json);
  return 0;
}
