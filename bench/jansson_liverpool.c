/*
** jansson_liverpool: the Liverpool SEND policy (rules/send/liverpool.rules
** over national.rules), hand-written in C over jansson.
**
** The baseline "a programmer would just write it": read a line, parse it
** into a jansson tree (json_loadb), check the fields the decision needs,
** decide, print the same result line as
**   entitle eval --jsonl --no-explain rules/send/liverpool.rules
** (the policy digest is a constant: there is no compiled program here).
**
** N1  may_request      ehc_stage in {draft_plan, annual_review, reassessment}
** N1  included = false when not may_request                 (final)
** N2  included = false when universal                        (final)
** V1  included = false when block_contract or affects_others
** N3  direct_payment = false when school_placement           (final)
** N4  direct_payment = false when affects_others             (final)
** N5  direct_payment = false when not included               (final)
** V2  direct_payment = false when employs_household_member
**                            unless exceptional_circumstances
** N7  direct_payment defaults to included
**     budget.<stream>, budget.total, direct_payment_total: exact sums
** V3  appeal_grounds, sorted: amount_insufficient, budget_refused,
**     provision_not_offered
**
** Build: cc -O2 jansson_liverpool.c -ljansson -o jansson_liverpool
*/
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const STAGES[] = {"none", "needs_assessment", "draft_plan",
                                     "plan_maintained", "annual_review",
                                     "reassessment", NULL};
static const char *const STREAMS[] = {"education", "health", "social_care",
                                      "transport", NULL};
static const char *const SBA[] = {"none", "self", "common_assessment",
                                  "core_assessment", "disability_team",
                                  "joint_agency", NULL};
static const char *const SBS[] = {"home_support", "domiciliary_care",
                                  "sessional_support", "childcare",
                                  "befriending", "family_based_short_break",
                                  "overnights", "hospice", "residential",
                                  NULL};
static const char *const AUTHORITIES[] = {"leeds", "plymouth", "liverpool",
                                          "rutland", NULL};

static char errbuf[512];

static int fail(const char *path, const char *msg) {
  snprintf(errbuf, sizeof errbuf, "%s: %s", path, msg);
  return -1;
}

static int enum_index(const char *const *names, const char *s) {
  for (int i = 0; names[i]; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}

static int get_enum(json_t *o, const char *key, const char *const *names) {
  json_t *v = json_object_get(o, key);
  if (!v) return fail(key, "required"), -2;
  if (!json_is_string(v)) return fail(key, "not a string"), -2;
  int i = enum_index(names, json_string_value(v));
  if (i < 0) return fail(key, "unknown value"), -2;
  return i;
}

static int get_bool(json_t *o, const char *key, int *out) {
  json_t *v = json_object_get(o, key);
  if (!v) {
    *out = 0;
    return 0;
  }
  if (!json_is_boolean(v)) return fail(key, "not a boolean");
  *out = json_is_true(v);
  return 0;
}

static int check_date(json_t *o, const char *key, int *ymd) {
  json_t *v = json_object_get(o, key);
  if (!v || !json_is_string(v)) return fail(key, "required date");
  const char *s = json_string_value(v);
  int y, m, d;
  char tail;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      s[4] != '-' || s[7] != '-' || y < 1 || m < 1 || m > 12 || d < 1)
    return fail(key, "bad date");
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[m - 1] + (m == 2 && leap)) return fail(key, "bad date");
  *ymd = y * 10000 + m * 100 + d;
  return 0;
}

/* "1234.56" -> 123456 pence; at most 999999999.99. */
static int get_money(json_t *o, const char *key, int64_t *out) {
  json_t *v = json_object_get(o, key);
  if (!v || !json_is_string(v)) return fail(key, "required amount");
  const char *s = json_string_value(v);
  size_t n = strlen(s);
  if (n < 4 || n > 12 || s[n - 3] != '.') return fail(key, "bad amount");
  int64_t p = 0;
  for (size_t i = 0; i < n; i++) {
    if (i == n - 3) continue;
    if (s[i] < '0' || s[i] > '9') return fail(key, "bad amount");
    p = p * 10 + (s[i] - '0');
  }
  *out = p;
  return 0;
}

typedef struct {
  const char *id;
  json_t *key;
  int stream, included, dp;
} prov;

static void put_money(FILE *f, int64_t p) {
  fprintf(f, "\"%lld.%02d\"", (long long)(p / 100), (int)(p % 100));
}

static int decide(json_t *c, FILE *out) {
  static prov *ps;
  static size_t pcap;
  if (!json_is_object(c)) return fail("", "not an object");
  json_t *id = json_object_get(c, "case_id");
  if (!id || !json_is_string(id)) return fail("case_id", "required text");
  if (get_enum(c, "authority", AUTHORITIES) < 0) return -1;
  int dd, dob;
  if (check_date(c, "decision_date", &dd)) return -1;
  json_t *child = json_object_get(c, "child");
  if (!child || !json_is_object(child)) return fail("child", "required");
  if (check_date(child, "date_of_birth", &dob)) return -1;
  if (dob > dd) return fail("child.date_of_birth", "after decision_date");
  int stage = get_enum(c, "ehc_stage", STAGES);
  if (stage < 0) return -1;
  if (get_enum(c, "short_breaks_assessment", SBA) < 0) return -1;
  int requested, exceptional, continuing, disputes;
  if (get_bool(c, "personal_budget_requested", &requested) ||
      get_bool(c, "exceptional_circumstances", &exceptional) ||
      get_bool(c, "continuing_care_eligible", &continuing) ||
      get_bool(c, "family_disputes_amount", &disputes))
    return -1;
  json_t *list = json_object_get(c, "provisions");
  if (!list || !json_is_array(list)) return fail("provisions", "required list");

  /* N1 */
  int may_request = stage == 2 || stage == 4 || stage == 5;
  int64_t budget[4] = {0, 0, 0, 0}, total = 0, dp_total = 0;
  int any_included = 0, not_offered = 0;
  size_t n = json_array_size(list);
  if (n > pcap) {
    pcap = n * 2;
    ps = realloc(ps, pcap * sizeof *ps);
  }
  for (size_t i = 0; i < n; i++) {
    json_t *p = json_array_get(list, i);
    if (!json_is_object(p)) return fail("provisions", "item not an object");
    json_t *pid = json_object_get(p, "id");
    if (!pid || !json_is_string(pid)) return fail("provisions.id", "required");
    for (size_t j = 0; j < i; j++)
      if (!strcmp(ps[j].id, json_string_value(pid)))
        return fail("provisions.id", "duplicate");
    int stream = get_enum(p, "stream", STREAMS);
    if (stream < 0) return -1;
    json_t *svc = json_object_get(p, "service");
    if (!svc || !json_is_string(svc)) return fail("service", "required text");
    json_t *sbs = json_object_get(p, "short_break_service");
    if (sbs && (!json_is_string(sbs) ||
                enum_index(SBS, json_string_value(sbs)) < 0))
      return fail("short_break_service", "unknown value");
    int64_t cost;
    if (get_money(p, "annual_cost", &cost)) return -1;
    int universal, placement, provides, gp, block, others, household, agrees,
        in_request;
    if (get_bool(p, "universal", &universal) ||
        get_bool(p, "school_placement", &placement) ||
        get_bool(p, "setting_provides", &provides) ||
        get_bool(p, "gp_or_emergency_care", &gp) ||
        get_bool(p, "block_contract", &block) ||
        get_bool(p, "affects_others", &others) ||
        get_bool(p, "employs_household_member", &household) ||
        get_bool(p, "setting_agrees", &agrees) ||
        get_bool(p, "in_request", &in_request))
      return -1;
    /* N1, N2, V1 */
    int included = may_request && !universal && !block && !others;
    /* N3, N4, N5, V2, N7 */
    int dp = included && !placement && !others &&
             !(household && !exceptional);
    ps[i].id = json_string_value(pid);
    ps[i].key = pid;
    ps[i].stream = stream;
    ps[i].included = included;
    ps[i].dp = dp;
    if (included) {
      budget[stream] += cost;
      total += cost;
      any_included = 1;
    }
    if (dp) dp_total += cost;
    if (in_request && !included) not_offered = 1;
  }

  fputs("{\"case_id\":", out);
  json_dumpf(id, out, JSON_ENCODE_ANY);
  fputs(",\"policy\":{\"name\":\"Liverpool City Council: A Guide to "
        "Personalisation and Personal Budgets\",\"version\":\"Revised May "
        "2018\",\"digest\":\"sha256:jansson\"},\"decisions\":{\"may_request\":",
        out);
  fputs(may_request ? "true" : "false", out);
  fputs(",\"provisions\":{", out);
  for (size_t i = 0; i < n; i++) {
    if (i) fputc(',', out);
    json_dumpf(ps[i].key, out, JSON_ENCODE_ANY);
    fprintf(out, ":{\"included\":%s,\"direct_payment\":%s}",
            ps[i].included ? "true" : "false", ps[i].dp ? "true" : "false");
  }
  fputs("},\"budget\":{", out);
  for (int s = 0; s < 4; s++) {
    fprintf(out, "\"%s\":", STREAMS[s]);
    put_money(out, budget[s]);
    fputc(',', out);
  }
  fputs("\"total\":", out);
  put_money(out, total);
  fputs("},\"direct_payment_total\":", out);
  put_money(out, dp_total);
  /* V3 */
  fputs(",\"appeal_grounds\":[", out);
  const char *sep = "";
  if (disputes) {
    fputs("\"amount_insufficient\"", out);
    sep = ",";
  }
  if (requested && !(may_request && any_included)) {
    fprintf(out, "%s\"budget_refused\"", sep);
    sep = ",";
  }
  if (not_offered) fprintf(out, "%s\"provision_not_offered\"", sep);
  fputs("]}}\n", out);
  return 0;
}

int main(void) {
  static char obuf[1 << 16];
  setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  unsigned long long lineno = 0, bad = 0;
  while ((len = getline(&line, &cap, stdin)) > 0) {
    lineno++;
    json_error_t e;
    json_t *c = json_loadb(line, (size_t)len, 0, &e);
    if (!c) {
      printf("{\"line\":%llu,\"error\":{\"message\":\"%s\"}}\n", lineno,
             "invalid JSON");
      bad++;
      continue;
    }
    if (decide(c, stdout)) {
      printf("{\"line\":%llu,\"error\":{\"message\":\"%s\"}}\n", lineno,
             errbuf);
      bad++;
    }
    json_decref(c);
  }
  free(line);
  fflush(stdout);
  if (bad) {
    fprintf(stderr, "jansson_liverpool: %llu cases could not be decided\n",
            bad);
    return 2;
  }
  return 0;
}
