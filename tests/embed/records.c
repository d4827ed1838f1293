/*
** records.c: decision records through the public library. A record made
** by one context and read into another gives the same JSON, the same
** text and the same decisions to walk; a record of another program, or
** one that is not JSON, is refused with ENT_ERECORD and a reason. Linked
** with the public library only. Usage: records [RULEFILE CASE]; without
** arguments, the Liverpool example case under $srcdir.
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

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = malloc(1 << 20);
  *len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
  fclose(f);
  if (buf) buf[*len] = 0;
  return buf;
}

static char *copy(const char *s, size_t n) {
  char *c = s ? malloc(n + 1) : NULL;
  if (c) {
    memcpy(c, s, n);
    c[n] = 0;
  }
  return c;
}

int main(int argc, char **argv) {
  char rules[4096], casef[4096];
  const char *top = getenv("srcdir") ? getenv("srcdir") : ".";
  snprintf(rules, sizeof rules, "%s/rules/send/liverpool.rules", top);
  snprintf(casef, sizeof casef, "%s/rules/send/cases/liverpool-1.json", top);
  if (argc == 3) {
    snprintf(rules, sizeof rules, "%s", argv[1]);
    snprintf(casef, sizeof casef, "%s", argv[2]);
  } else if (argc != 1) {
    fprintf(stderr, "usage: records [RULEFILE CASE]\n");
    return 64;
  }
  argv[1] = rules;
  argv[2] = casef;
  ent_init();
  ent_error err = {0};
  ent_program *p = ent_compile_file(argv[1], &err);
  size_t clen, n;
  char *text = slurp(argv[2], &clen);
  if (!p || !text) {
    fprintf(stderr, "cannot compile %s or read %s: %s\n", argv[1], argv[2],
            err.message);
    return 1;
  }
  ent_context *a = ent_context_new(p), *b = ent_context_new(p);
  check(ent_decide(a, text, clen, &err) == ENT_OK, "the case is decided");
  const char *r = ent_result_record(a, &n);
  char *record = copy(r, n);
  check(record && !strchr(record, '\n'), "a record is one line");
  const char *s = ent_result_json(a, 1, &n);
  char *json = copy(s, n);
  s = ent_result_text(a, &n);
  char *plain = copy(s, n);

  check(ent_context_load_record(b, record, strlen(record), &err) == ENT_OK,
        "the record is read into another context");
  const char *j2 = ent_result_json(b, 1, &n);
  check(j2 && json && !strcmp(j2, json), "its JSON is the case's");
  const char *t2 = ent_result_text(b, &n);
  check(t2 && plain && !strcmp(t2, plain), "its text is the case's");
  check(ent_decision_count(a) == ent_decision_count(b) &&
            ent_decision_count(b) > 0,
        "it has the case's decisions");
  ent_decision da, db;
  int same = 1;
  for (int i = 0; i < ent_decision_count(a); i++) {
    char *va = NULL;
    if (ent_decision_get(a, i, &da) == ENT_OK)
      va = copy(da.value, strlen(da.value));
    same &= ent_decision_get(b, i, &db) == ENT_OK && va &&
            !strcmp(va, db.value) && da.outcome == db.outcome;
    free(va);
  }
  check(same, "each decision walks to the same value and outcome");

  /* Another program's record: the digest is changed. */
  char *other = copy(record, strlen(record));
  char *d = strstr(other, "sha256:");
  if (d) d[7] = d[7] == '0' ? '1' : '0';
  check(ent_context_load_record(b, other, strlen(other), &err) ==
                ENT_ERECORD &&
            strstr(err.message, "not by this one"),
        "another program's record is refused, naming both programs");
  check(ent_result_json(b, 1, &n) == NULL,
        "after a refused record the context holds no case");
  check(ent_context_load_record(b, "{", 1, &err) == ENT_ERECORD &&
            strstr(err.message, "not a record"),
        "text that is not JSON is refused");
  check(ent_context_load_record(b, NULL, 0, &err) == ENT_EUSAGE,
        "no record is a usage error");

  ent_error_clear(&err);
  free(other);
  free(record);
  free(json);
  free(plain);
  free(text);
  ent_context_free(a);
  ent_context_free(b);
  ent_program_free(p);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
