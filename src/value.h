/*
** value.h: exact money and calendar dates.
**
** Every value the VM handles is one 64-bit integer: money in pence, dates
** as days since 1970-01-01, booleans 0 or 1, enumeration values by index,
** sets as bit masks, text as a reference into a string table. Nothing here
** uses floating point, and every arithmetic function reports overflow
** instead of wrapping.
*/
#ifndef ENT_VALUE_H
#define ENT_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ent_val;

/* The value of an optional fact that the case does not give. No valid
   value of any type is this number. */
#define VAL_ABSENT INT64_MIN

/* The largest amount a case may carry: 999,999,999.99 pounds. */
#define MONEY_INPUT_MAX INT64_C(99999999999)

/* Dates run from 0001-01-01 to 9999-12-31. */
#define DATE_MIN INT64_C(-719162)
#define DATE_MAX INT64_C(2932896)

bool date_is_leap(int64_t year);
int date_days_in_month(int64_t year, int month);
/* False when y-m-d is not a calendar date in range (2026-02-30). */
bool date_from_ymd(int64_t y, int m, int d, int64_t *out);
void date_to_ymd(int64_t days, int64_t *y, int *m, int *d);
/* Exactly 'YYYY-MM-DD'. */
bool date_parse(const char *s, size_t n, int64_t *out);
/* Writes 'YYYY-MM-DD' (10 characters, no terminator); returns 10. */
size_t date_format(int64_t days, char *buf);
bool date_add_days(int64_t d, int64_t n, int64_t *out);
/* Month and year steps keep the day of the month, or take the month's
   last day when the day does not exist (01-31 + 1 month = 02-28/29). */
bool date_add_months(int64_t d, int64_t n, int64_t *out);
bool date_add_years(int64_t d, int64_t n, int64_t *out);
/* Whole years from 'birth' to 'on'; negative when 'on' is earlier. A
   29 February birthday falls on 1 March in a common year. */
int64_t date_age(int64_t birth, int64_t on);

/* Pounds with exactly two decimals, '^[0-9]+\.[0-9]{2}$', at most 'max'. */
bool money_parse(const char *s, size_t n, int64_t max, int64_t *pence);
/* Writes '-1234.56' form; returns the length (at most 22). */
size_t money_format(int64_t pence, char *buf);

bool val_add(int64_t a, int64_t b, int64_t *out);
bool val_sub(int64_t a, int64_t b, int64_t *out);
bool val_mul(int64_t a, int64_t b, int64_t *out);


/* How a quotient is rounded to a whole number of pence (or units). All
   four are symmetric about zero, as in accounting: -2.5 pence rounds
   like 2.5 pence, with the sign kept. */
enum {
  ROUND_HALF_UP,   /* to the nearest; halves away from zero */
  ROUND_HALF_EVEN, /* to the nearest; halves to the even neighbour */
  ROUND_DOWN,      /* towards zero: drops what is left over */
  ROUND_UP,        /* away from zero: any remainder adds one */
  ROUND_NMODES
};
extern const char *const round_mode_names[ROUND_NMODES];

/* What val_muldiv reports. */
enum { MULDIV_OK, MULDIV_OVERFLOW, MULDIV_BY_ZERO };
/* a * b / d, rounded by 'mode', computed exactly in 128 bits: the
   product of two 64-bit values always fits, so only the rounded result
   can overflow. */
int val_muldiv(int64_t a, int64_t b, int64_t d, int mode, int64_t *out);

/* Percentages are whole millionths: 12.5% is 125000, and a percentage
   has at most four decimals. */
#define PERCENT_ONE INT64_C(1000000)
/* Writes '12.5%' (no trailing zeros); returns the length (at most 24). */
size_t percent_format(int64_t millionths, char *buf);
/* '12.5%' or '-3%' back to millionths; false if it is not one. */
bool percent_parse(const char *s, size_t n, int64_t *out);

/* Whole months from 'd' to 'e': the most n with d + n months <= e (for
   e >= d), and minus the months from e to d when e is earlier. */
int64_t date_months_between(int64_t d, int64_t e);
/* The last day of the month of 'd'. */
int64_t date_end_of_month(int64_t d);

#endif
