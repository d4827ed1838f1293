/*
** check_value.c: money and calendar arithmetic.
*/
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "value.h"

static int64_t D(int y, int m, int d) {
  int64_t v;
  ck_assert_msg(date_from_ymd(y, m, d, &v), "%d-%d-%d is a date", y, m, d);
  return v;
}

static const char *fmt_date(int64_t v) {
  static char b[16];
  b[date_format(v, b)] = 0;
  return b;
}

START_TEST(epoch_and_round_trip) {
  ck_assert_int_eq(D(1970, 1, 1), 0);
  ck_assert_int_eq(D(1970, 1, 2), 1);
  ck_assert_int_eq(D(1969, 12, 31), -1);
  ck_assert_int_eq(D(1, 1, 1), DATE_MIN);
  ck_assert_int_eq(D(9999, 12, 31), DATE_MAX);
  /* Every day of the range converts back to itself. */
  for (int64_t v = DATE_MIN; v <= DATE_MAX; v += 997) {
    int64_t y;
    int m, d;
    date_to_ymd(v, &y, &m, &d);
    ck_assert_int_eq(D((int)y, m, d), v);
  }
}
END_TEST

START_TEST(impossible_dates_refused) {
  int64_t v;
  ck_assert(!date_from_ymd(2026, 2, 29, &v));
  ck_assert(date_from_ymd(2024, 2, 29, &v));
  ck_assert(!date_from_ymd(1900, 2, 29, &v)); /* century, not leap */
  ck_assert(date_from_ymd(2000, 2, 29, &v));  /* 400-year, leap */
  ck_assert(!date_from_ymd(2026, 4, 31, &v));
  ck_assert(!date_from_ymd(2026, 13, 1, &v));
  ck_assert(!date_from_ymd(2026, 0, 1, &v));
  ck_assert(!date_from_ymd(0, 12, 31, &v));
  ck_assert(!date_from_ymd(10000, 1, 1, &v));
  ck_assert(!date_parse("2026-02-30", 10, &v));
  ck_assert(!date_parse("2026-2-3", 8, &v));
  ck_assert(!date_parse("2026/02/03", 10, &v));
  ck_assert(!date_parse("20260203xx", 10, &v));
  ck_assert(date_parse("2026-02-03", 10, &v));
  ck_assert_str_eq(fmt_date(v), "2026-02-03");
}
END_TEST

START_TEST(month_ends_clamp) {
  int64_t v;
  ck_assert(date_add_months(D(2024, 1, 31), 1, &v));
  ck_assert_str_eq(fmt_date(v), "2024-02-29");
  ck_assert(date_add_months(D(2025, 1, 31), 1, &v));
  ck_assert_str_eq(fmt_date(v), "2025-02-28");
  ck_assert(date_add_months(D(2025, 3, 31), -1, &v));
  ck_assert_str_eq(fmt_date(v), "2025-02-28");
  ck_assert(date_add_months(D(2025, 12, 15), 1, &v));
  ck_assert_str_eq(fmt_date(v), "2026-01-15");
  ck_assert(date_add_months(D(2025, 1, 15), -13, &v));
  ck_assert_str_eq(fmt_date(v), "2023-12-15");
  ck_assert(date_add_years(D(2024, 2, 29), 1, &v));
  ck_assert_str_eq(fmt_date(v), "2025-02-28");
  ck_assert(date_add_years(D(2024, 2, 29), 4, &v));
  ck_assert_str_eq(fmt_date(v), "2028-02-29");
  ck_assert(date_add_days(D(2024, 2, 28), 1, &v));
  ck_assert_str_eq(fmt_date(v), "2024-02-29");
}
END_TEST

START_TEST(calendar_overflow_refused) {
  int64_t v;
  ck_assert(!date_add_days(DATE_MAX, 1, &v));
  ck_assert(!date_add_days(DATE_MIN, -1, &v));
  ck_assert(!date_add_days(0, INT64_MAX, &v));
  ck_assert(!date_add_years(D(9999, 1, 1), 1, &v));
  ck_assert(!date_add_years(0, INT64_MAX, &v));
  ck_assert(!date_add_months(0, INT64_MIN, &v));
}
END_TEST

START_TEST(age_in_whole_years) {
  int64_t born = D(2008, 3, 15);
  ck_assert_int_eq(date_age(born, D(2026, 3, 14)), 17);
  ck_assert_int_eq(date_age(born, D(2026, 3, 15)), 18); /* the birthday */
  ck_assert_int_eq(date_age(born, D(2026, 3, 16)), 18);
  ck_assert_int_eq(date_age(born, born), 0);
  ck_assert_int_eq(date_age(D(2008, 2, 29), D(2026, 2, 28)), 17);
  ck_assert_int_eq(date_age(D(2008, 2, 29), D(2026, 3, 1)), 18);
  ck_assert_int_eq(date_age(D(2008, 2, 29), D(2028, 2, 29)), 20);
  ck_assert_int_eq(date_age(D(2008, 2, 29), D(2028, 2, 28)), 19);
}
END_TEST

START_TEST(money_parse_and_format) {
  int64_t p;
  char b[32];
  ck_assert(money_parse("1234.56", 7, MONEY_INPUT_MAX, &p));
  ck_assert_int_eq(p, 123456);
  ck_assert(money_parse("0.01", 4, MONEY_INPUT_MAX, &p));
  ck_assert_int_eq(p, 1);
  ck_assert(money_parse("999999999.99", 12, MONEY_INPUT_MAX, &p));
  ck_assert_int_eq(p, INT64_C(99999999999));
  ck_assert(!money_parse("1000000000.00", 13, MONEY_INPUT_MAX, &p));
  ck_assert(!money_parse("12.5", 4, MONEY_INPUT_MAX, &p));
  ck_assert(!money_parse("12.505", 6, MONEY_INPUT_MAX, &p));
  ck_assert(!money_parse("-1.00", 5, MONEY_INPUT_MAX, &p));
  ck_assert(!money_parse("1e3.00", 6, MONEY_INPUT_MAX, &p));
  ck_assert(!money_parse(".50", 3, MONEY_INPUT_MAX, &p));
  ck_assert(!money_parse("99999999999999999999.00", 23, INT64_MAX, &p));
  b[money_format(123456, b)] = 0;
  ck_assert_str_eq(b, "1234.56");
  b[money_format(5, b)] = 0;
  ck_assert_str_eq(b, "0.05");
  b[money_format(-5, b)] = 0;
  ck_assert_str_eq(b, "-0.05");
  b[money_format(INT64_MIN, b)] = 0;
  ck_assert_str_eq(b, "-92233720368547758.08");
}
END_TEST

START_TEST(money_overflow_refused) {
  int64_t r;
  ck_assert(val_add(1, 2, &r) && r == 3);
  ck_assert(!val_add(INT64_MAX, 1, &r));
  ck_assert(!val_sub(INT64_MIN + 1, 1, &r)); /* would be the absent mark */
  ck_assert(!val_mul(INT64_MAX / 2 + 1, 2, &r));
  /* A hundred thousand amounts of 999,999,999.99 still add exactly. */
  int64_t sum = 0;
  for (int i = 0; i < 100000; i++)
    ck_assert(val_add(sum, INT64_C(99999999999), &sum));
  ck_assert_int_eq(sum, INT64_C(9999999999900000));
}
END_TEST

/* Each rounding rule on the halves and quarters of a penny, both signs
   (issue 15). */
START_TEST(muldiv_rounds_each_way) {
  static const struct { int64_t n, d; int64_t want[ROUND_NMODES]; } t[] = {
      {5, 10, {1, 0, 0, 1}},        /* 0.5 */
      {15, 10, {2, 2, 1, 2}},       /* 1.5 */
      {25, 10, {3, 2, 2, 3}},       /* 2.5 */
      {125, 100, {1, 1, 1, 2}},     /* 1.25 */
      {175, 100, {2, 2, 1, 2}},     /* 1.75 */
      {-25, 10, {-3, -2, -2, -3}},  /* -2.5 */
      {25, -10, {-3, -2, -2, -3}},  /* a negative divisor too */
      {-125, 100, {-1, -1, -1, -2}},
      {40, 10, {4, 4, 4, 4}},       /* exact */
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    for (int m = 0; m < ROUND_NMODES; m++) {
      int64_t r = 0;
      ck_assert_int_eq(val_muldiv(t[i].n, 1, t[i].d, m, &r), MULDIV_OK);
      ck_assert_msg(r == t[i].want[m], "%lld/%lld %s: %lld, not %lld",
                    (long long)t[i].n, (long long)t[i].d,
                    round_mode_names[m], (long long)r,
                    (long long)t[i].want[m]);
    }
  int64_t r;
  ck_assert_int_eq(val_muldiv(1, 1, 0, ROUND_DOWN, &r), MULDIV_BY_ZERO);
  /* The product of the two largest values is exact before dividing. */
  ck_assert_int_eq(val_muldiv(INT64_MAX, INT64_MAX, INT64_MAX, ROUND_DOWN,
                              &r), MULDIV_OK);
  ck_assert(r == INT64_MAX);
  ck_assert_int_eq(val_muldiv(INT64_MAX, 2, 1, ROUND_DOWN, &r),
                   MULDIV_OVERFLOW);
  /* INT64_MIN is the absent mark, never a result. */
  ck_assert_int_eq(val_muldiv(INT64_MIN + 1, 1, 1, ROUND_DOWN, &r),
                   MULDIV_OK);
  ck_assert_int_eq(val_muldiv(INT64_MIN + 1, -1, -1, ROUND_UP, &r),
                   MULDIV_OK);
  ck_assert_int_eq(val_muldiv(-INT64_MAX, 2, 2, ROUND_DOWN, &r), MULDIV_OK);
  ck_assert_int_eq(val_muldiv(INT64_MIN + 1, 3, 2, ROUND_DOWN, &r),
                   MULDIV_OVERFLOW);
}
END_TEST

START_TEST(percent_parse_and_format) {
  static const char *const ok[] = {"12.5%", "100%", "0.0125%", "0%",
                                   "-3%"};
  static const int64_t val[] = {125000, 1000000, 125, 0, -30000};
  char b[40];
  for (int i = 0; i < 5; i++) {
    int64_t v;
    ck_assert(percent_parse(ok[i], strlen(ok[i]), &v));
    ck_assert_int_eq(v, val[i]);
    b[percent_format(v, b)] = 0;
    ck_assert_str_eq(b, ok[i]);
  }
  int64_t v;
  ck_assert(!percent_parse("12.34567%", 9, &v));
  ck_assert(!percent_parse("12.%", 4, &v));
  ck_assert(!percent_parse("%", 1, &v));
  ck_assert(!percent_parse("12.5", 4, &v));
  ck_assert(!percent_parse("99999999999999999%", 18, &v));
}
END_TEST

START_TEST(months_between_and_month_ends) {
  int64_t a, b, c, d;
  ck_assert(date_parse("2024-01-31", 10, &a));
  ck_assert(date_parse("2024-02-29", 10, &b));
  ck_assert(date_parse("2024-02-28", 10, &c));
  ck_assert(date_parse("2025-02-28", 10, &d));
  ck_assert_int_eq(date_months_between(a, b), 1);
  ck_assert_int_eq(date_months_between(a, c), 0);
  ck_assert_int_eq(date_months_between(b, d), 12);
  ck_assert_int_eq(date_months_between(d, b), -12);
  ck_assert_int_eq(date_months_between(a, a), 0);
  ck_assert_int_eq(date_end_of_month(c), b);
  ck_assert_int_eq(date_end_of_month(a), a);
  ck_assert_int_eq(date_months_between(DATE_MIN, DATE_MAX), 119987);
  ck_assert_int_eq(date_end_of_month(DATE_MAX), DATE_MAX);
}
END_TEST

Suite *value_suite(void) {
  Suite *s = suite_create("value");
  TCase *t = tcase_create("dates");
  tcase_add_test(t, epoch_and_round_trip);
  tcase_add_test(t, impossible_dates_refused);
  tcase_add_test(t, month_ends_clamp);
  tcase_add_test(t, calendar_overflow_refused);
  tcase_add_test(t, age_in_whole_years);
  suite_add_tcase(s, t);
  t = tcase_create("money");
  tcase_add_test(t, money_parse_and_format);
  tcase_add_test(t, money_overflow_refused);
  tcase_add_test(t, muldiv_rounds_each_way);
  tcase_add_test(t, percent_parse_and_format);
  tcase_add_test(t, months_between_and_month_ends);
  suite_add_tcase(s, t);
  return s;
}
