/*
** check_vm.c: how decisions are reached. Each test is a small policy, a
** case, and the outcome the language reference promises.
*/
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "helpers.h"
#include "suites.h"

#define HEAD                                                             \
  "policy \"P\" version \"1\"\n"                                         \
  "document guide \"The Guide\"\n"                                       \
  "enum stage: none, draft_plan, annual_review\n"                        \
  "enum ground: late, missing, refused\n"                                \
  "record item\n  id: text\n  cost: money\n  flag: bool (default false)\n" \
  "  label: text (optional)\nend\n"                                      \
  "facts\n"                                                              \
  "  today: date\n"                                                      \
  "  born: date\n"                                                       \
  "  stage: stage\n"                                                     \
  "  special: bool (default false)\n"                                    \
  "  extra: integer (optional)\n"                                        \
  "  who: text (optional)\n"                                             \
  "  items: list of item keyed by id\n"                                  \
  "end\n"

#define CASE(extra)                                                      \
  "{\"today\":\"2026-03-15\",\"born\":\"2008-03-15\",\"stage\":"          \
  "\"annual_review\"" extra "}"

#define ITEMS                                                            \
  ",\"items\":[{\"id\":\"a\",\"cost\":\"10.25\"},"                       \
  "{\"id\":\"b\",\"cost\":\"0.75\",\"flag\":true,\"label\":\"x\"}]"

static ent_program *policy(const char *rules) {
  const char *errs;
  ent_program *p = compile_text(rules, &errs);
  ck_assert_msg(p != NULL, "policy refused:\n%s", errs);
  return p;
}

START_TEST(a_rule_that_applies_decides) {
  ent_program *p = policy(HEAD
      "decision ok: bool (default false)\n"
      "rule r \"t\" cites guide \"s\" ok = true when stage = annual_review\n");
  int st;
  ent_vm *vm = decide(p, CASE(ITEMS));
  ck_assert_int_eq(decision_value(vm, "ok", &st), 1);
  ck_assert_int_eq(st, DS_DECIDED);
  ck_assert_str_eq(decided_by(vm, "ok"), "r");
  vm = decide(p, "{\"today\":\"2026-03-15\",\"born\":\"2008-03-15\","
                 "\"stage\":\"none\",\"items\":[]}");
  ck_assert_int_eq(decision_value(vm, "ok", &st), 0);
  ck_assert_int_eq(st, DS_DEFAULT);
}
END_TEST

START_TEST(no_rule_and_no_default_is_undecided) {
  ent_program *p = policy(HEAD
      "decision ok: bool\n"
      "rule r \"t\" cites guide \"s\" ok = true when stage = none\n");
  int st;
  decision_value(decide(p, CASE(ITEMS)), "ok", &st);
  ck_assert_int_eq(st, DS_NO_RULE);
}
END_TEST

START_TEST(equal_rules_that_disagree_conflict) {
  ent_program *p = policy(HEAD
      "decision ok: bool (default false)\n"
      "rule yes \"t\" cites guide \"s\" ok = true when stage = annual_review\n"
      "rule no \"t\" cites guide \"s\" ok = false when special\n");
  int st;
  decision_value(decide(p, CASE(",\"special\":true" ITEMS)), "ok", &st);
  ck_assert_int_eq(st, DS_CONFLICT);
  /* Only one applies: no conflict. */
  decision_value(decide(p, CASE(ITEMS)), "ok", &st);
  ck_assert_int_eq(st, DS_DECIDED);
}
END_TEST

START_TEST(equal_rules_that_agree_decide) {
  ent_program *p = policy(HEAD
      "decision ok: bool\n"
      "rule one \"t\" cites guide \"s\" ok = true when stage = annual_review\n"
      "rule two \"t\" cites guide \"s\" ok = true when special\n");
  int st;
  ck_assert_int_eq(decision_value(decide(p, CASE(",\"special\":true" ITEMS)),
                                  "ok", &st), 1);
  ck_assert_int_eq(st, DS_AGREED);
}
END_TEST

START_TEST(an_exception_overrides_by_name) {
  ent_program *p = policy(HEAD
      "decision ok: bool\n"
      "rule base \"t\" cites guide \"s\" ok = true\n"
      "rule refuse \"t\" cites guide \"s\" ok = false when special "
      "overrides base\n");
  ck_assert_int_eq(decision_value(decide(p, CASE(",\"special\":true" ITEMS)),
                                  "ok", NULL), 0);
  ck_assert_str_eq(decided_by(decide(p, CASE(",\"special\":true" ITEMS)), "ok"),
                   "refuse");
  ck_assert_int_eq(decision_value(decide(p, CASE(ITEMS)), "ok", NULL), 1);
}
END_TEST

START_TEST(unless_blocks_a_rule) {
  ent_program *p = policy(HEAD
      "decision ok: bool (default true)\n"
      "rule refuse \"t\" cites guide \"s\" ok = false "
      "when stage = annual_review unless special\n");
  ck_assert_int_eq(decision_value(decide(p, CASE(ITEMS)), "ok", NULL), 0);
  ck_assert_int_eq(decision_value(decide(p, CASE(",\"special\":true" ITEMS)),
                                  "ok", NULL), 1);
}
END_TEST

START_TEST(final_rules_beat_the_others) {
  ent_program *p = policy(HEAD
      "decision ok: bool\n"
      "rule a \"t\" cites guide \"s\" ok = true\n"
      "rule b \"t\" cites guide \"s\" ok = true when special overrides a\n"
      "final rule f \"t\" cites guide \"s\" ok = false when special\n");
  ck_assert_int_eq(decision_value(decide(p, CASE(",\"special\":true" ITEMS)),
                                  "ok", NULL), 0);
  ck_assert_str_eq(decided_by(decide(p, CASE(",\"special\":true" ITEMS)), "ok"),
                   "f");
}
END_TEST

START_TEST(first_tables_give_earlier_rows_precedence) {
  ent_program *p = policy(HEAD
      "decision level: integer\n"
      "table t first \"levels\" cites guide \"s\"\n"
      "  | stage          | special || level |\n"
      "  | annual_review  | true    || 1     |\n"
      "  | -              | -       || 2     |\n"
      "end\n");
  ck_assert_int_eq(decision_value(decide(p, CASE(",\"special\":true" ITEMS)),
                                  "level", NULL), 1);
  ck_assert_str_eq(decided_by(decide(p, CASE(",\"special\":true" ITEMS)),
                              "level"), "t.row1");
  ck_assert_int_eq(decision_value(decide(p, CASE(ITEMS)), "level", NULL), 2);
}
END_TEST

/* Precedence carries through: a rule beaten by a rule that is itself
   beaten by one that applied is beaten by that one, even when the rule in
   between did not apply. */
START_TEST(precedence_carries_through_rules_that_did_not_apply) {
  ent_program *p = policy(HEAD
      "decision level: integer\n"
      "table t first \"levels\" cites guide \"s\"\n"
      "  | stage          | special || level |\n"
      "  | annual_review  | -       || 1     |\n"
      "  | none           | -       || 2     |\n"
      "  | -              | -       || 3     |\n"
      "end\n"
      "decision ok: integer\n"
      "rule a \"t\" cites guide \"s\" ok = 1\n"
      "rule b \"t\" cites guide \"s\" ok = 2 when special overrides a\n"
      "rule c \"t\" cites guide \"s\" ok = 3 when stage = annual_review "
      "overrides b\n");
  ent_vm *vm = decide(p, CASE(ITEMS));
  ck_assert_int_eq(decision_value(vm, "level", NULL), 1);
  ck_assert_ptr_null(overridden_by(vm, "t.row1"));
  ck_assert_str_eq(overridden_by(vm, "t.row2"), "t.row1");
  ck_assert_str_eq(overridden_by(vm, "t.row3"), "t.row1");
  /* b does not apply (no 'special'); c beats b and, through it, a */
  ck_assert_int_eq(decision_value(vm, "ok", NULL), 3);
  ck_assert_str_eq(overridden_by(vm, "b"), "c");
  ck_assert_str_eq(overridden_by(vm, "a"), "c");
}
END_TEST

START_TEST(collect_gathers_every_value) {
  ent_program *p = policy(HEAD
      "decision grounds: set of ground (collect)\n"
      "rule l \"t\" cites guide \"s\" grounds includes late when special\n"
      "rule r \"t\" cites guide \"s\" grounds includes {refused, late}\n");
  ck_assert_int_eq(decision_value(decide(p, CASE(",\"special\":true" ITEMS)),
                                  "grounds", NULL), 1 | 4);
}
END_TEST

START_TEST(an_absent_optional_fact_leaves_the_decision_undecided) {
  ent_program *p = policy(HEAD
      "decision big: bool (default false)\n"
      "decision later: bool (default false)\n"
      "rule r \"t\" cites guide \"s\" big = true when extra > 3\n"
      "rule g \"t\" cites guide \"s\" later = big\n");
  int st;
  ent_vm *vm = decide(p, CASE(ITEMS));
  decision_value(vm, "big", &st);
  ck_assert_int_eq(st, DS_ERROR);
  /* A decision that reads an undecided one is undecided too. */
  decision_value(vm, "later", &st);
  ck_assert_int_eq(st, DS_ERROR);
  ck_assert_int_eq(decision_value(decide(p, CASE(",\"extra\":4" ITEMS)), "big",
                                  &st), 1);
  /* 'is given' guards a read. */
  p = policy(HEAD "decision big: bool (default false)\n"
             "rule r \"t\" cites guide \"s\" big = true when extra is given "
             "and extra > 3\n");
  decision_value(decide(p, CASE(ITEMS)), "big", &st);
  ck_assert_int_eq(st, DS_DEFAULT);
}
END_TEST

START_TEST(overflow_is_refused_not_wrapped) {
  ent_program *p = policy(HEAD
      "decision huge: integer\n"
      "rule r \"t\" cites guide \"s\" huge = extra * 4611686018427387904\n");
  int st;
  decision_value(decide(p, CASE(",\"extra\":2" ITEMS)), "huge", &st);
  ck_assert_int_eq(st, DS_ERROR);
  ck_assert_int_eq(decision_value(decide(p, CASE(",\"extra\":1" ITEMS)),
                                  "huge", &st), INT64_C(4611686018427387904));
}
END_TEST

START_TEST(aggregates_over_lists) {
  ent_program *p = policy(HEAD
      "decision total: money\ndecision n: integer\n"
      "decision some: bool\ndecision every: bool\n"
      "rule t \"t\" cites guide \"s\" total = sum i.cost for i in items\n"
      "rule c \"t\" cites guide \"s\" n = count i in items where i.flag\n"
      "rule a \"t\" cites guide \"s\" some = any i in items where i.flag\n"
      "rule e \"t\" cites guide \"s\" every = all i in items satisfy i.flag\n");
  ent_vm *vm = decide(p, CASE(ITEMS));
  ck_assert_int_eq(decision_value(vm, "total", NULL), 1100);
  ck_assert_int_eq(decision_value(vm, "n", NULL), 1);
  ck_assert_int_eq(decision_value(vm, "some", NULL), 1);
  ck_assert_int_eq(decision_value(vm, "every", NULL), 0);
  vm = decide(p, CASE(",\"items\":[]"));
  ck_assert_int_eq(decision_value(vm, "total", NULL), 0);
  ck_assert_int_eq(decision_value(vm, "some", NULL), 0);
  ck_assert_int_eq(decision_value(vm, "every", NULL), 1);
}
END_TEST

START_TEST(per_item_decisions) {
  ent_program *p = policy(HEAD
      "decision item.kept: bool (default true)\n"
      "decision kept_total: money\n"
      "rule drop \"t\" cites guide \"s\" item.kept = false when item.flag\n"
      "rule t \"t\" cites guide \"s\" kept_total = sum i.cost for i in items "
      "where i.kept\n");
  ck_assert_int_eq(decision_value(decide(p, CASE(ITEMS)), "kept_total", NULL),
                   1025);
}
END_TEST

START_TEST(dates_and_ages) {
  ent_program *p = policy(HEAD
      "decision adult: bool\ndecision due: date\n"
      "rule a \"t\" cites guide \"s\" adult = age of born on today >= 18\n"
      "rule d \"t\" cites guide \"s\" due = today + 1 months - 14 days\n");
  ent_vm *vm = decide(p, CASE(ITEMS));
  ck_assert_int_eq(decision_value(vm, "adult", NULL), 1); /* the birthday */
  int64_t want;
  ck_assert(date_from_ymd(2026, 4, 1, &want));
  ck_assert_int_eq(decision_value(vm, "due", NULL), want);
  vm = decide(p, "{\"today\":\"2026-03-14\",\"born\":\"2008-03-15\","
                 "\"stage\":\"none\",\"items\":[]}");
  ck_assert_int_eq(decision_value(vm, "adult", NULL), 0); /* the day before */
}
END_TEST

START_TEST(text_and_sets) {
  ent_program *p = policy(HEAD
      "parameter early: set of stage = {none, draft_plan}\n"
      "decision named: bool (default false)\ndecision is_early: bool\n"
      "rule n \"t\" cites guide \"s\" named = true when who is given and "
      "who = \"Sam\"\n"
      "rule e \"t\" cites guide \"s\" is_early = stage in early\n");
  ent_vm *vm = decide(p, CASE(",\"who\":\"Sam\"" ITEMS));
  ck_assert_int_eq(decision_value(vm, "named", NULL), 1);
  ck_assert_int_eq(decision_value(vm, "is_early", NULL), 0);
  vm = decide(p, CASE(",\"who\":\"Samuel\"" ITEMS));
  ck_assert_int_eq(decision_value(vm, "named", NULL), 0);
}
END_TEST

START_TEST(requirements_refuse_a_case) {
  ent_program *p = policy(HEAD
      "decision d: bool (default true)\n"
      "require born <= today \"born on or before the decision date\"\n");
  ent_vm *vm = vm_new(p);
  facts_error e;
  const char *bad = "{\"today\":\"2020-01-01\",\"born\":\"2021-01-01\","
                    "\"stage\":\"none\",\"items\":[]}";
  ck_assert_int_eq(facts_decode(vm, bad, strlen(bad), &e), 0);
  ck_assert_int_eq(vm_run(vm), VM_INVALID);
  vm_free(vm);
}
END_TEST

START_TEST(the_loop_budget_stops_a_case) {
  ent_program *p = policy(HEAD
      "decision n: integer\n"
      "rule c \"t\" cites guide \"s\" n = count i in items where "
      "(count j in items where j.flag) > 0\n");
  ent_vm *vm = vm_new(p);
  facts_error e;
  const char *c = CASE(ITEMS);
  ck_assert_int_eq(facts_decode(vm, c, strlen(c), &e), 0);
  vm->budget = 3;
  ck_assert_int_eq(vm_run(vm), VM_BUDGET);
  vm->budget = 100;
  ck_assert_int_eq(vm_run(vm), VM_OK);
  vm_free(vm);
}
END_TEST

/* Allocation counting: the unit test binary is linked with
   --wrap=malloc,realloc,calloc (Makefile.am). */
extern long test_allocations;

START_TEST(deciding_allocates_nothing_in_the_steady_state) {
  ent_program *p = policy(HEAD
      "decision item.kept: bool (default true)\n"
      "decision kept_total: money\n"
      "rule drop \"t\" cites guide \"s\" item.kept = false when item.flag\n"
      "rule t \"t\" cites guide \"s\" kept_total = sum i.cost for i in items "
      "where i.kept\n");
  ent_vm *vm = vm_new(p);
  facts_error e;
  const char *c = CASE(",\"who\":\"a name\"" ITEMS);
  ck_assert_int_eq(facts_decode(vm, c, strlen(c), &e), 0);
  ck_assert_int_eq(vm_run(vm), VM_OK);
  /* No assertion inside the loop: Check allocates to record one. */
  long before = test_allocations;
  int bad = 0;
  for (int i = 0; i < 1000; i++)
    bad += facts_decode(vm, c, strlen(c), &e) != 0 || vm_run(vm) != VM_OK;
  long after = test_allocations;
  ck_assert_int_eq(bad, 0);
  ck_assert_int_eq(after, before);
  vm_free(vm);
}
END_TEST

/* A case of 'n' groups keyed by 'n' (a text, or an integer when 'ints');
   group 'dup' (if not -1) has the key of group 'of'. */
static char *long_list(int n, int dup, int of, int ints) {
  char *s = malloc((size_t)n * 32 + 64);
  size_t len = (size_t)sprintf(s, "{\"groups\":[");
  for (int i = 0; i < n; i++)
    len += (size_t)sprintf(s + len, ints ? "%s{\"n\":%d}" : "%s{\"n\":\"k%d\"}",
                           i ? "," : "", i == dup ? of : i);
  sprintf(s + len, "]}");
  return s;
}

static const char *decode_error(ent_vm *vm, const char *json) {
  static facts_error e;
  return facts_decode(vm, json, strlen(json), &e) ? e.message : NULL;
}

/* Keys are unique however long the list: the decoder names the first item
   that repeats a key and the item it repeats, for text and integer keys,
   in lists short enough to compare pairwise and in long ones. */
START_TEST(a_repeated_key_is_found_in_lists_of_any_length) {
  for (int ints = 0; ints <= 1; ints++) {
    char rules[512];
    snprintf(rules, sizeof rules,
             "policy \"P\" version \"1\"\n"
             "document guide \"The Guide\"\n"
             "record group\n  n: %s\nend\n"
             "facts\n  groups: list of group keyed by n\nend\n"
             "decision total: integer\n"
             "rule t \"t\" cites guide \"s\" total = count g in groups\n",
             ints ? "integer" : "text");
    ent_program *p = policy(rules);
    ent_vm *vm = vm_new(p);
    static const int sizes[] = {2, 15, 16, 17, 40, 100, 3000, 20000, 16};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
      int n = sizes[k];
      char *ok = long_list(n, -1, 0, ints);
      ck_assert_ptr_null(decode_error(vm, ok));
      ck_assert_int_eq(vm_run(vm), VM_OK);
      ck_assert_int_eq(decision_value(vm, "total", NULL), n);
      free(ok);
      for (int dup = 1; dup < n; dup += n / 7 + 1)
        for (int of = 0; of < dup; of += dup / 3 + 1) {
          char *bad = long_list(n, dup, of, ints);
          char want[96];
          snprintf(want, sizeof want,
                   "'groups[%d]' has the same n as item %d", dup, of);
          const char *msg = decode_error(vm, bad);
          ck_assert_ptr_nonnull(msg);
          ck_assert_str_eq(msg, want);
          free(bad);
        }
    }
    vm_free(vm);
  }
}
END_TEST

/* A case with several problems is refused naming each one with its path,
   in the order they are found (missing facts when their object ends);
   past FACTS_MAX_PROBLEMS they are only counted; the VM then decodes the
   next case as ever. */
START_TEST(every_problem_of_a_case_is_named) {
  ent_program *p = policy(HEAD "decision d: bool (default true)\n");
  ent_vm *vm = vm_new(p);
  facts_error e;
  const char *bad =
      "{\"today\":\"2026-02-30\",\"stage\":\"x\",\"extra\":1.5,\n"
      "\"items\":[{\"id\":\"a\",\"cost\":\"1\"},\n"
      "{\"id\":\"a\",\"cost\":\"2.00\",\"colour\":[1,{\"x\":null}]}]}";
  ck_assert_int_eq(facts_decode(vm, bad, strlen(bad), &e), -1);
  static const char *const want[][2] = {
      {"today", "'today' is \"2026-02-30\", which is not a calendar date "
                "(YYYY-MM-DD)"},
      {"stage", "'stage' is \"x\", which is not one of 'none', "
                "'draft_plan', 'annual_review'"},
      {"extra", "'extra' must be a whole number"},
      {"items[0].cost", "'items[0].cost' is \"1\", which is not an amount: "
                        "pounds with exactly two decimals, at most "
                        "\"999999999.99\""},
      {"items[1].colour", "unknown field \"colour\" in items[1]"},
      {"items[1]", "'items[1]' has the same id as item 0"},
      {"born", "'born' is missing: it is a required fact"}};
  int n = (int)(sizeof want / sizeof *want);
  ck_assert_int_eq(e.count, n);
  ck_assert_int_eq(e.nmore, n - 1);
  ck_assert_str_eq(e.path, want[0][0]);
  ck_assert_str_eq(e.message, want[0][1]);
  for (int i = 1; i < n; i++) {
    ck_assert_str_eq(e.more[i - 1].path, want[i][0]);
    ck_assert_str_eq(e.more[i - 1].message, want[i][1]);
  }
  /* Lines and columns, worked out at the end. */
  ck_assert_int_eq(e.line, 1);
  ck_assert_int_eq(e.col, 10);
  ck_assert_int_eq(e.more[1].line, 1);    /* extra */
  ck_assert_int_eq(e.more[1].col, 43);
  ck_assert_int_eq(e.more[2].line, 2);    /* items[0].cost */
  ck_assert_int_eq(e.more[2].col, 27);
  ck_assert_int_eq(e.more[3].line, 3);    /* colour */
  ck_assert_int_eq(e.more[3].col, 25);
  ck_assert_int_eq(e.more[4].col, 1);     /* the repeated item */
  ck_assert_int_eq(e.more[5].line, 1);    /* born: the case's brace */
  ck_assert_int_eq(e.more[5].col, 1);

  /* 150 items of the wrong type, and three missing facts. */
  size_t cap = 64 + 150 * 8;
  char *many = malloc(cap);
  size_t len = (size_t)sprintf(many, "{\"items\":[");
  for (int i = 0; i < 150; i++)
    len += (size_t)sprintf(many + len, "%s%d", i ? "," : "", i);
  len += (size_t)sprintf(many + len, "]}");
  ck_assert_int_eq(facts_decode(vm, many, len, &e), -1);
  ck_assert_int_eq(e.count, 153);
  ck_assert_int_eq(e.nmore, FACTS_MAX_PROBLEMS - 1);
  ck_assert_str_eq(e.message, "'items[0]' must be an object, not a number");
  ck_assert_str_eq(e.more[98].path, "items[99]");
  free(many);

  /* Text that is not JSON stops the decoder, after what it found. */
  const char *broken = "{\"stage\":\"x\",\"today\" \"2026-01-01\"}";
  ck_assert_int_eq(facts_decode(vm, broken, strlen(broken), &e), -1);
  ck_assert_int_eq(e.count, 2);
  ck_assert_str_eq(e.more[0].message, "expected ':', found text");

  const char *ok = CASE(ITEMS);
  ck_assert_int_eq(facts_decode(vm, ok, strlen(ok), &e), 0);
  ck_assert_int_eq(vm_run(vm), VM_OK);
  vm_free(vm);
}
END_TEST

Suite *vm_suite(void) {
  Suite *s = suite_create("vm");
  TCase *t = tcase_create("outcomes");
  tcase_add_test(t, a_rule_that_applies_decides);
  tcase_add_test(t, no_rule_and_no_default_is_undecided);
  tcase_add_test(t, equal_rules_that_disagree_conflict);
  tcase_add_test(t, equal_rules_that_agree_decide);
  tcase_add_test(t, an_exception_overrides_by_name);
  tcase_add_test(t, unless_blocks_a_rule);
  tcase_add_test(t, final_rules_beat_the_others);
  tcase_add_test(t, first_tables_give_earlier_rows_precedence);
  tcase_add_test(t, precedence_carries_through_rules_that_did_not_apply);
  tcase_add_test(t, collect_gathers_every_value);
  tcase_add_test(t, an_absent_optional_fact_leaves_the_decision_undecided);
  suite_add_tcase(s, t);
  t = tcase_create("opcodes");
  tcase_add_test(t, overflow_is_refused_not_wrapped);
  tcase_add_test(t, aggregates_over_lists);
  tcase_add_test(t, per_item_decisions);
  tcase_add_test(t, dates_and_ages);
  tcase_add_test(t, text_and_sets);
  tcase_add_test(t, requirements_refuse_a_case);
  tcase_add_test(t, the_loop_budget_stops_a_case);
  tcase_add_test(t, deciding_allocates_nothing_in_the_steady_state);
  tcase_add_test(t, a_repeated_key_is_found_in_lists_of_any_length);
  tcase_add_test(t, every_problem_of_a_case_is_named);
  suite_add_tcase(s, t);
  return s;
}
