/*
** check_front.c: the front end: tokens, syntax errors, names and types.
** Each test is a small policy and what the compiler says about it.
*/
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "policy.h"
#include "suites.h"

#define HEAD                                                   \
  "policy \"P\" version \"1\"\n"                               \
  "document guide \"The Guide\"\n"                             \
  "enum stage: none, draft_plan, annual_review\n"              \
  "record item\n  id: text\n  cost: money\n  flag: bool (default false)\nend\n" \
  "facts\n"                                                    \
  "  when_decided: date\n"                                     \
  "  stage: stage\n"                                           \
  "  count_of_children: integer (default 0)\n"                 \
  "  name: text (optional)\n"                                  \
  "  diagnosis: text (optional, protected \"never decides\")\n" \
  "  items: list of item keyed by id\n"                        \
  "end\n"

#define ck_error(src, want)                                              \
  do {                                                                   \
    const char *got_ = first_error(HEAD src);                           \
    ck_assert_msg(strstr(got_, want), "expected an error containing "   \
                  "'%s', got '%s'", want, got_);                         \
  } while (0)

START_TEST(money_literals_are_exact) {
  ent_program *p = compile_text(HEAD
      "decision a: money\n"
      "rule r \"t\" cites guide \"s\" a = £1,234.56 + 0.01\n", NULL);
  ck_assert_ptr_nonnull(p);
  ent_vm *vm = decide(p, "{\"when_decided\":\"2026-01-01\",\"stage\":\"none\","
                         "\"items\":[]}");
  ck_assert_int_eq(decision_value(vm, "a", NULL), 123457);
}
END_TEST

START_TEST(money_needs_two_decimals) {
  ck_error("decision a: money\nrule r \"t\" cites guide \"s\" a = 12.5\n",
           "'12.5' is not an amount");
  ck_error("decision a: money\nrule r \"t\" cites guide \"s\" a = £12\n",
           "write pounds and pence");
  ck_error("decision a: money\nrule r \"t\" cites guide \"s\" a = 12\n",
           "expected money, found the whole number 12");
}
END_TEST

START_TEST(dates_must_exist) {
  ck_error("decision a: date\nrule r \"t\" cites guide \"s\" a = 2026-02-30\n",
           "'2026-02-30' is not a calendar date");
}
END_TEST

START_TEST(bad_characters_are_located) {
  const char *errs;
  ck_assert_ptr_null(compile_text(HEAD "decision a: bool\n@\n", &errs));
  ck_assert_msg(strstr(errs, "test.rules:18:1: error: unexpected character "
                             "'@'"), "%s", errs);
  ck_assert_ptr_null(compile_text(HEAD "decision a: bool \"unterminated\n",
                                  &errs));
  ck_assert_msg(strstr(errs, "unterminated text"), "%s", errs);
  ck_assert_ptr_null(compile_text(HEAD "decision \xff: bool\n", &errs));
  ck_assert_msg(strstr(errs, "invalid UTF-8 (byte 0xff)"), "%s", errs);
}
END_TEST

START_TEST(crlf_and_bom_are_accepted) {
  ck_assert_ptr_nonnull(compile_text(
      "\xEF\xBB\xBFpolicy \"P\"\r\ndocument g \"G\"\r\nfacts\r\n"
      "  a: bool\r\nend\r\ndecision d: bool (default a)\r\n", NULL));
}
END_TEST

START_TEST(syntax_errors_name_what_was_expected) {
  const char *errs;
  ck_assert_ptr_null(compile_text(HEAD "decision a bool\n", &errs));
  ck_assert_msg(strstr(errs, "test.rules:17:12: error: unexpected "
                             "identifier, expecting 'also' or ':' or '.'"),
                "%s", errs);
  /* The caret line points at the token. */
  ck_assert_msg(strstr(errs, "   17 | decision a bool\n      |            ^"),
                "%s", errs);
}
END_TEST

START_TEST(several_errors_in_one_run) {
  const char *errs;
  ck_assert_ptr_null(compile_text(HEAD
      "decision a bool\n"
      "decision b: bool\n"
      "rule r \"t\" cites guide \"s\" b = = true\n", &errs));
  ck_assert_msg(strstr(errs, ":17:") && strstr(errs, ":19:"),
                "both errors reported: %s", errs);
}
END_TEST

START_TEST(unknown_names) {
  ck_error("decision a: bool\nrule r \"t\" cites guide \"s\" a = nope\n",
           "unknown name 'nope'");
  ck_error("rule r \"t\" cites guide \"s\" missing = true\n",
           "unknown decision 'missing'");
  ck_error("decision a: bool\nrule r \"t\" cites nowhere \"s\" a = true\n",
           "unknown document 'nowhere'");
  ck_error("decision a: stage\nrule r \"t\" cites guide \"s\" a = final_plan\n",
           "'final_plan' is not a value of 'stage'");
}
END_TEST

START_TEST(every_rule_has_a_title_and_a_citation) {
  ck_error("decision a: bool\nrule r a = true\n", "rule 'r' has no title");
  ck_error("decision a: bool\nrule r \"t\" a = true\n",
           "rule 'r' cites no policy text");
}
END_TEST

START_TEST(type_errors) {
  ck_error("decision a: bool\nrule r \"t\" cites guide \"s\" a = true\n"
           "  when name < \"x\"\n", "text cannot be ordered");
  ck_error("decision a: money\nrule r \"t\" cites guide \"s\" a = 1.00 * 2.00\n",
           "cannot multiply money by money");
  ck_error("decision a: bool\nrule r \"t\" cites guide \"s\" a = stage\n",
           "expected a boolean, found 'stage'");
  ck_error("decision a: bool\nrule r \"t\" cites guide \"s\" a = true\n"
           "  when stage is given\n", "'stage' is not an optional fact");
  ck_error("decision a: date\nrule r \"t\" cites guide \"s\" a = when_decided"
           " + when_decided\n", "dates cannot be added");
}
END_TEST

START_TEST(protected_facts_are_never_read) {
  ck_error("decision a: bool\nrule r \"t\" cites guide \"s\" a = true\n"
           "  when diagnosis = \"x\"\n",
           "rule 'r' reads 'diagnosis', which is protected: never decides");
  ck_error("decision a: bool (default diagnosis is given)\n",
           "the default of 'a' reads 'diagnosis', which is protected");
  ck_error("parameter p: bool = true\nrequire diagnosis is given \"m\"\n",
           "a requirement reads 'diagnosis', which is protected");
}
END_TEST

START_TEST(a_cycle_between_decisions_is_named) {
  ck_error("decision a: bool\ndecision b: bool\ndecision c: bool\n"
           "rule ra \"t\" cites guide \"s\" a = b\n"
           "rule rb \"t\" cites guide \"s\" b = c\n"
           "rule rc \"t\" cites guide \"s\" c = a\n",
           "decisions depend on each other in a cycle: a -> b -> c -> a");
}
END_TEST

START_TEST(precedence_is_explicit) {
  ck_error("decision a: bool\n"
           "rule x \"t\" cites guide \"s\" a = true overrides y\n"
           "rule y \"t\" cites guide \"s\" a = false overrides x\n",
           "override each other in a cycle");
  ck_error("decision a: bool\n"
           "final rule x \"t\" cites guide \"s\" a = true\n"
           "rule y \"t\" cites guide \"s\" a = false overrides x\n",
           "rule 'x' is final: no rule may override it");
  ck_error("decision a: bool\ndecision b: bool\n"
           "rule x \"t\" cites guide \"s\" a = true\n"
           "rule y \"t\" cites guide \"s\" b = false overrides x\n",
           "a rule only overrides rules of its own decision");
}
END_TEST

START_TEST(names_are_declared_once) {
  ck_error("decision a: bool\n"
           "rule x \"t\" cites guide \"s\" a = true\n"
           "rule x \"t\" cites guide \"s\" a = false\n",
           "rule 'x' is already declared");
  ck_error("decision a: bool\nreplace rule x \"t\" cites guide \"s\" a = true\n",
           "'replace rule x' replaces nothing");
  ck_error("decision a: bool\n"
           "final rule x \"t\" cites guide \"s\" a = true\n"
           "replace rule x \"t\" cites guide \"s\" a = false\n",
           "rule 'x' is final: no rule may replace it");
  ck_error("replace parameter q = 1\n", "'replace parameter q' replaces "
           "nothing");
}
END_TEST

START_TEST(deep_nesting_is_refused) {
  /* Parentheses add no depth; operators do. */
  char src[16384] = HEAD "decision a: bool\nrule r \"t\" cites guide \"s\" a = ";
  size_t n = strlen(src);
  for (int i = 0; i < 1200; i++) {
    memcpy(src + n, "not ", 4);
    n += 4;
  }
  memcpy(src + n, "true\n", 6);
  ck_assert_str_eq(first_error(src), "expression nested more than 1000 deep");
}
END_TEST

START_TEST(a_policy_too_large_for_the_bytecode_is_refused_where_it_overflows) {
  /* An instruction names a fact's slot in 16 bits: the rule reading the
     66,000th fact is where the policy stops fitting. */
  enum { FACTS = 66000 };
  size_t cap = FACTS * 24 + 256, n = 0;
  char *src = malloc(cap);
  n += (size_t)sprintf(src + n, "policy \"P\" version \"1\"\n"
                                "document g \"G\"\nfacts\n");
  for (int i = 0; i < FACTS; i++)
    n += (size_t)sprintf(src + n, "  f%d: integer\n", i);
  sprintf(src + n, "end\ndecision d: integer\n"
                   "rule r \"t\" cites g \"s\" d = f%d + 1\n", FACTS - 1);
  const char *errs;
  ck_assert_ptr_null(compile_text(src, &errs));
  ck_assert_msg(strstr(errs, "test.rules:66006:28: error: the policy is too "
                             "large for the bytecode at this expression"),
                "%s", errs);
  free(src);
}
END_TEST

START_TEST(tables_are_checked_for_gaps_overlaps_and_dead_rows) {
  const char *errs;
  ck_assert_ptr_nonnull(compile_text(HEAD
      "decision level: integer\n"
      "table t \"levels\" cites guide \"s\"\n"
      "  | stage       || level |\n"
      "  | none        || 1     |\n"
      "  | draft_plan  || 2     |\n"
      "end\n", &errs));
  ck_assert_msg(strstr(errs, "warning: table 't' has no row for stage = "
                             "annual_review: such a case is undecided"),
                "%s", errs);
  ck_assert_ptr_nonnull(compile_text(HEAD
      "decision level: integer\n"
      "table t \"levels\" cites guide \"s\"\n"
      "  | stage             || level |\n"
      "  | none, draft_plan  || 1     |\n"
      "  | -                 || 2     |\n"
      "end\n", &errs));
  ck_assert_msg(strstr(errs, "rows 1 and 2 of table 't' both apply when "
                             "stage = none and set different values"),
                "%s", errs);
  ck_assert_ptr_nonnull(compile_text(HEAD
      "decision level: integer\n"
      "table t first \"levels\" cites guide \"s\"\n"
      "  | stage  || level |\n"
      "  | -      || 1     |\n"
      "  | none   || 2     |\n"
      "end\n", &errs));
  ck_assert_msg(strstr(errs, "row 2 of table 't' can never apply"), "%s",
                errs);
  /* A complete table without overlaps says nothing. */
  ck_assert_ptr_nonnull(compile_text(HEAD
      "decision level: integer\n"
      "table t \"levels\" cites guide \"s\"\n"
      "  | stage             || level |\n"
      "  | none, draft_plan  || 1     |\n"
      "  | annual_review     || 2     |\n"
      "end\n", &errs));
  ck_assert_str_eq(errs, "");
}
END_TEST

START_TEST(names_never_clash) {
  ck_error("decision a: bool\ntable t \"t\" cites guide \"s\"\n"
           "  | stage || a |\n  | none || true |\nend\n"
           "table t \"t\" cites guide \"s\"\n"
           "  | stage || a |\n  | draft_plan || true |\nend\n",
           "table 't' is already declared");
  ck_error("parameter stage: bool = true\n",
           "parameter 'stage' has the name of a fact or a decision");
  ck_error("decision budget: money\ndecision budget.total: money\n",
           "'budget.total' groups decisions under 'budget', which is itself "
           "a decision");
  ck_error("decision items.total: integer\n",
           "groups decisions under 'items', which is a fact");
  ck_error("enum level: low, stage\ndecision l: level\n"
           "rule r \"t\" cites guide \"s\" l = stage\n",
           "'stage' is both a value of 'level' and the name of a fact");
}
END_TEST

START_TEST(records_are_never_optional) {
  const char *e = first_error(
      "policy \"P\"\ndocument g \"G\"\nrecord hh\n  income: money\nend\n"
      "facts\n  h: hh (optional)\nend\n");
  ck_assert_msg(strstr(e, "'h' is a record: mark its fields optional"), "%s",
                e);
}
END_TEST

START_TEST(a_table_ends_with_end) {
  ck_error("decision a: bool\ntable t \"t\" cites guide \"s\"\n"
           "  | stage || a |\n  | none || true |\n"
           "decision b: bool\n",
           "unexpected 'decision', expecting '|' starting a table row or "
           "'end'");
}
END_TEST

START_TEST(a_rule_may_override_a_table) {
  ent_program *p = compile_text(HEAD
      "decision level: integer\n"
      "table t \"levels\" cites guide \"s\"\n"
      "  | stage             || level |\n"
      "  | none, draft_plan  || 1     |\n"
      "  | annual_review     || 2     |\n"
      "end\n"
      "rule big \"t\" cites guide \"s\" level = 3 when count_of_children > 2 "
      "overrides t\n"
      "rule small \"t\" cites guide \"s\" level = 0 when count_of_children = 0 "
      "overrides t.row2\n", NULL);
  ck_assert_ptr_nonnull(p);
  ent_vm *vm = decide(p, "{\"when_decided\":\"2026-01-01\",\"stage\":"
                         "\"none\",\"count_of_children\":3,\"items\":[]}");
  ck_assert_int_eq(decision_value(vm, "level", NULL), 3);
  vm = decide(p, "{\"when_decided\":\"2026-01-01\",\"stage\":"
                 "\"annual_review\",\"items\":[]}");
  ck_assert_int_eq(decision_value(vm, "level", NULL), 0);
  vm = decide(p, "{\"when_decided\":\"2026-01-01\",\"stage\":"
                 "\"none\",\"items\":[]}");
  int st;
  /* 'small' does not beat row 1: equal standing, different values. */
  decision_value(vm, "level", &st);
  ck_assert_int_eq(st, DS_CONFLICT);
}
END_TEST

/* The kind of the first error 'src' gets, and the status of them all. */
static diag_kind error_kind(const char *src, int *status) {
  diag *d = diag_new();
  ck_assert_ptr_null(policy_compile(d, "test.rules", src, strlen(src),
                                    NULL));
  *status = diag_status(d);
  for (diag_msg *m = d->first; m; m = m->next)
    if (m->severity == DIAG_ERROR) return m->kind;
  ck_abort_msg("refused without an error message");
  return DK_INTERNAL;
}

/* Issue 18: exit statuses were chosen by matching the text 'cannot read';
   each error now carries a kind, set where it is raised. */
START_TEST(an_errors_kind_chooses_its_status) {
  int st;
  ck_assert_int_eq(error_kind(HEAD "decision a: bool\nrule", &st),
                   DK_SYNTAX);
  ck_assert_int_eq(st, 1);
  ck_assert_int_eq(error_kind(HEAD "decision a: nope\n", &st), DK_SEMANTIC);
  ck_assert_int_eq(st, 1);
  ck_assert_int_eq(error_kind(HEAD "import \"no/such.rules\"\n", &st),
                   DK_IO);
  ck_assert_int_eq(st, 74);
  diag *d = diag_new();
  ck_assert_ptr_null(policy_open(d, "tests/no/such.program"));
  ck_assert_int_eq(d->first->kind, DK_IO);
  ck_assert_int_eq(diag_status(d), 74);
  /* The words do not matter, only the kind. */
  d = diag_new();
  diag_error(d, NOLOC, "cannot read the mind of the policy");
  ck_assert_int_eq(diag_status(d), 1);
  diag_internal_error(d, NOLOC, "out of memory");
  diag_io_error(d, NOLOC, "cannot read 'x'");
  ck_assert_int_eq(diag_status(d), 74);
  ck_assert_int_eq(diag_kind_status(DK_INTERNAL), 70);
  ck_assert_int_eq(diag_kind_status(DK_PROGRAM), 1);
  ck_assert_int_eq(diag_status(diag_new()), 0);
}
END_TEST

Suite *front_suite(void) {
  Suite *s = suite_create("front end");
  TCase *t = tcase_create("lexer");
  tcase_add_test(t, money_literals_are_exact);
  tcase_add_test(t, money_needs_two_decimals);
  tcase_add_test(t, dates_must_exist);
  tcase_add_test(t, bad_characters_are_located);
  tcase_add_test(t, crlf_and_bom_are_accepted);
  suite_add_tcase(s, t);
  t = tcase_create("parser");
  tcase_add_test(t, syntax_errors_name_what_was_expected);
  tcase_add_test(t, several_errors_in_one_run);
  tcase_add_test(t, deep_nesting_is_refused);
  suite_add_tcase(s, t);
  t = tcase_create("names and types");
  tcase_add_test(t, unknown_names);
  tcase_add_test(t, every_rule_has_a_title_and_a_citation);
  tcase_add_test(t, type_errors);
  tcase_add_test(t, protected_facts_are_never_read);
  tcase_add_test(t, a_cycle_between_decisions_is_named);
  tcase_add_test(t, precedence_is_explicit);
  tcase_add_test(t, names_are_declared_once);
  tcase_add_test(t, tables_are_checked_for_gaps_overlaps_and_dead_rows);
  tcase_add_test(t, names_never_clash);
  tcase_add_test(t, records_are_never_optional);
  tcase_add_test(t, a_table_ends_with_end);
  tcase_add_test(t, a_rule_may_override_a_table);
  tcase_add_test(t, a_policy_too_large_for_the_bytecode_is_refused_where_it_overflows);
  tcase_add_test(t, an_errors_kind_chooses_its_status);
  suite_add_tcase(s, t);
  return s;
}
