/*
** value.c: calendar and money arithmetic.
**
** Dates are converted with the proleptic Gregorian calendar using the
** era-based day count (a 400-year era has exactly 146097 days), so there
** are no tables and no loops over years.
*/
#include "value.h"

bool date_is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int64_t y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && date_is_leap(y)) return 29;
  return dm[m - 1];
}

/* Days since 1970-01-01 of a valid y-m-d. Years are counted from March so
   that the leap day is the last day of the counted year. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void date_to_ymd(int64_t z, int64_t *yp, int *mp, int *dp) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp0 = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp0 + 2) / 5 + 1);
  int m = (int)(mp0 < 10 ? mp0 + 3 : mp0 - 9);
  *yp = y + (m <= 2);
  *mp = m;
  *dp = d;
}

bool date_from_ymd(int64_t y, int m, int d, int64_t *out) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  if (d > date_days_in_month(y, m)) return false;
  *out = days_from_civil(y, m, d);
  return true;
}

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

bool date_parse(const char *s, size_t n, int64_t *out) {
  int y, m, d;
  if (n != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
    return false;
  return date_from_ymd(y, m, d, out);
}

size_t date_format(int64_t days, char *buf) {
  /* Every date the engine makes is in the calendar; anything else (only
     a damaged program could make one) prints as the nearest end. */
  if (days < DATE_MIN) days = DATE_MIN;
  if (days > DATE_MAX) days = DATE_MAX;
  int64_t y;
  int m, d;
  date_to_ymd(days, &y, &m, &d);
  int yy = (int)y;
  buf[0] = '0' + yy / 1000 % 10;
  buf[1] = '0' + yy / 100 % 10;
  buf[2] = '0' + yy / 10 % 10;
  buf[3] = '0' + yy % 10;
  buf[4] = '-';
  buf[5] = '0' + m / 10;
  buf[6] = '0' + m % 10;
  buf[7] = '-';
  buf[8] = '0' + d / 10;
  buf[9] = '0' + d % 10;
  return 10;
}

static bool in_range(int64_t d) { return d >= DATE_MIN && d <= DATE_MAX; }

bool date_add_days(int64_t d, int64_t n, int64_t *out) {
  int64_t r;
  if (__builtin_add_overflow(d, n, &r) || !in_range(r)) return false;
  *out = r;
  return true;
}

bool date_add_months(int64_t d, int64_t n, int64_t *out) {
  int64_t y;
  int m, dd;
  if (!in_range(d)) return false;
  /* Twelve thousand years of months is more than the whole range, so a
     larger step is out of range whatever the date. */
  if (n > 120000 || n < -120000) return false;
  date_to_ymd(d, &y, &m, &dd);
  int64_t months = y * 12 + (m - 1) + n;
  int64_t ny = months >= 0 ? months / 12 : -((-months + 11) / 12);
  int nm = (int)(months - ny * 12) + 1;
  if (ny < 1 || ny > 9999) return false;
  int last = date_days_in_month(ny, nm);
  if (dd > last) dd = last;
  *out = days_from_civil(ny, nm, dd);
  return true;
}

bool date_add_years(int64_t d, int64_t n, int64_t *out) {
  if (n > 10000 || n < -10000) return false;
  return date_add_months(d, n * 12, out);
}

int64_t date_age(int64_t birth, int64_t on) {
  int64_t by, oy;
  int bm, bd, om, od;
  if (on < birth) return -date_age(on, birth);
  date_to_ymd(birth, &by, &bm, &bd);
  date_to_ymd(on, &oy, &om, &od);
  int64_t age = oy - by;
  /* The birthday this year: 29 February becomes 1 March in a common year,
     the reading of English law for leap-day births. */
  int cm = bm, cd = bd;
  if (bm == 2 && bd == 29 && !date_is_leap(oy)) cm = 3, cd = 1;
  if (om < cm || (om == cm && od < cd)) age--;
  return age;
}

bool money_parse(const char *s, size_t n, int64_t max, int64_t *pence) {
  if (n < 4 || s[n - 3] != '.') return false;
  int64_t v = 0;
  for (size_t i = 0; i < n - 3; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (s[i] - '0');
  }
  for (size_t i = n - 2; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  if (v > (INT64_MAX - 99) / 100) return false;
  v = v * 100 + (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
  if (v > max) return false;
  *pence = v;
  return true;
}

size_t money_format(int64_t p, char *buf) {
  char tmp[24];
  size_t n = 0, len = 0;
  /* Work with the magnitude as unsigned so INT64_MIN formats too. */
  uint64_t u = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
  tmp[n++] = '0' + u % 10;
  u /= 10;
  tmp[n++] = '0' + u % 10;
  u /= 10;
  tmp[n++] = '.';
  do {
    tmp[n++] = '0' + u % 10;
    u /= 10;
  } while (u);
  if (p < 0) buf[len++] = '-';
  while (n) buf[len++] = tmp[--n];
  return len;
}

bool val_add(int64_t a, int64_t b, int64_t *out) {
  return !__builtin_add_overflow(a, b, out) && *out != VAL_ABSENT;
}
bool val_sub(int64_t a, int64_t b, int64_t *out) {
  return !__builtin_sub_overflow(a, b, out) && *out != VAL_ABSENT;
}
bool val_mul(int64_t a, int64_t b, int64_t *out) {
  return !__builtin_mul_overflow(a, b, out) && *out != VAL_ABSENT;
}
