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

const char *const round_mode_names[ROUND_NMODES] = {"half up", "half even",
                                                    "down", "up"};

/* Rounds the exact quotient q + r/d (q truncated towards zero, r the
   remainder with the sign of the dividend, d > 0) by 'mode'. */
static __int128 round_quotient(__int128 q, __int128 r, __int128 d,
                               int negative, int mode) {
  if (r == 0) return q;
  __int128 twice = (r < 0 ? -r : r) * 2; /* |r| < d, so this fits */
  int away;
  switch (mode) {
  case ROUND_HALF_UP: away = twice >= d; break;
  case ROUND_HALF_EVEN:
    away = twice > d || (twice == d && (q & 1) != 0);
    break;
  case ROUND_UP: away = 1; break;
  default: away = 0; break; /* ROUND_DOWN */
  }
  return away ? (negative ? q - 1 : q + 1) : q;
}

int val_muldiv(int64_t a, int64_t b, int64_t d, int mode, int64_t *out) {
  if (d == 0) return MULDIV_BY_ZERO;
  __int128 n = (__int128)a * b, dd = d;
  /* Keep the divisor positive so that the remainder carries the sign. */
  if (dd < 0) {
    dd = -dd;
    n = -n;
  }
  __int128 q = n / dd, r = n % dd;
  __int128 v = round_quotient(q, r, dd, n < 0, mode);
  if (v > INT64_MAX || v <= INT64_MIN) return MULDIV_OVERFLOW;
  *out = (int64_t)v;
  return MULDIV_OK;
}

size_t percent_format(int64_t v, char *buf) {
  char tmp[32];
  size_t n = 0, len = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  uint64_t whole = u / 10000, frac = u % 10000;
  int digits = 4;
  while (digits && frac % 10 == 0) {
    frac /= 10;
    digits--;
  }
  for (int i = 0; i < digits; i++) {
    tmp[n++] = (char)('0' + frac % 10);
    frac /= 10;
  }
  if (digits) tmp[n++] = '.';
  do {
    tmp[n++] = (char)('0' + whole % 10);
    whole /= 10;
  } while (whole);
  if (v < 0) buf[len++] = '-';
  while (n) buf[len++] = tmp[--n];
  buf[len++] = '%';
  return len;
}

bool percent_parse(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  if (n && s[0] == '-') neg = 1, i = 1;
  if (n < i + 2 || s[n - 1] != '%') return false;
  n--;
  int64_t v = 0;
  int digits = 0, frac = -1;
  for (; i < n; i++) {
    if (s[i] == '.' && frac < 0 && digits) {
      frac = 0;
      continue;
    }
    if (s[i] < '0' || s[i] > '9') return false;
    if (frac >= 0 && ++frac > 4) return false;
    if (v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (s[i] - '0');
    digits++;
  }
  if (!digits || frac == 0) return false;
  for (int k = frac < 0 ? 0 : frac; k < 4; k++) {
    if (v > INT64_MAX / 10) return false;
    v *= 10;
  }
  *out = neg ? -v : v;
  return true;
}

int64_t date_months_between(int64_t d, int64_t e) {
  if (e < d) return -date_months_between(e, d);
  int64_t dy, ey;
  int dm, dd, em, ed;
  date_to_ymd(d, &dy, &dm, &dd);
  date_to_ymd(e, &ey, &em, &ed);
  int64_t m = (ey * 12 + em) - (dy * 12 + dm), at;
  /* The calendar difference can overshoot by one month when the day of
     'e' comes before the (clamped) day of 'd'. */
  if (m > 0 && date_add_months(d, m, &at) && at > e) m--;
  return m;
}

int64_t date_end_of_month(int64_t d) {
  int64_t y;
  int m, dd;
  date_to_ymd(d, &y, &m, &dd);
  return days_from_civil(y, m, date_days_in_month(y, m));
}
