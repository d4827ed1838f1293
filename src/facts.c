/*
** facts.c: decodes a case, one JSON object, straight into case memory.
**
** There is no document tree: the decoder walks the JSON text once, and at
** each key looks the field up in the schema of the object it is in, so a
** value is checked against its declared type as it is read and stored in
** its slot. Every deviation from the schema is an error naming the field
** by its path: an unknown or repeated field, a missing required one, a
** wrong type, a float where money is expected, an impossible date, an
** unknown enumeration value, a repeated list key. Nothing is defaulted
** silently except what the schema itself declares as a default.
**
** After such a problem the decoder records it and goes on (skipping a
** value it cannot take), so that a refused case names every problem, up
** to FACTS_MAX_PROBLEMS; it stops only where the text is not JSON or a
** limit is reached. None of this costs a valid case anything: problems
** are found on the paths that fail, and their lines and columns are
** worked out once, at the end.
*/
#include "facts.h"
#include "utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* What the decoder reads of a field at each key, in one place: the key
   as a case writes it, '"name":', and where its value goes. */
typedef struct facts_field {
  uint64_t head, mask; /* its first 8 bytes (fewer: the rest masked) */
  const char *pat;    /* '"name":' */
  uint32_t patlen;
  uint32_t required;  /* 1 if a case must give it */
  uint32_t slot, sub; /* as in prog_field */
  int32_t type;
  int kind;
} facts_field;

typedef struct {
  ent_vm *vm;
  const ent_program *p;
  const char *s, *start, *end;
  /* The path to the value being read. object() pushes a level only
     below FACTS_MAX_DEPTH; the one level more is a margin (a missing
     field at the deepest level was once pushed before that check and
     wrote past the array: tests/fuzz/regress/case-records-64-deep). */
  struct { uint32_t field; int64_t index; } path[FACTS_MAX_DEPTH + 1];
  int depth;
  int count, nmore;    /* problems found; those kept in vm->problems */
  int partial;         /* facts_decode_partial: a missing key is unknown */
  int32_t list;        /* the list whose item is being read, or -1 */
  facts_problem first; /* the first problem */
  char pathbuf[256];   /* a path for a message (path_of) */
  char buf[512];       /* an unescaped key */
} dec;

/* No field added to the path, for path_of(). */
#define NO_FIELD UINT32_MAX

/* The path of the value being read, with field 'f' of the object being
   read added unless it is NO_FIELD ('jobs[1]' and 'cost' give
   'jobs[1].cost'), written into 'out' (256 bytes), which is returned. */
static const char *path_of(const dec *d, uint32_t f, char *out) {
  const size_t cap = 256;
  size_t n = 0;
  out[0] = 0;
  for (int i = 0; i < d->depth && n < cap - 32; i++) {
    const char *name = prog_str(d->p, d->p->fields[d->path[i].field].name);
    n += snprintf(out + n, cap - n, "%s%s", i ? "." : "", name);
    if (d->path[i].index >= 0 && n < cap)
      n += snprintf(out + n, cap - n, "[%lld]",
                    (long long)d->path[i].index);
  }
  if (f != NO_FIELD && n < cap - 1)
    snprintf(out + n, cap - n, "%s%s", n ? "." : "",
             prog_str(d->p, d->p->fields[f].name));
  return out;
}

/* Where the next problem goes: the first in the decoder, the next ones
   in the VM's array (made the first time a case has two), none past
   FACTS_MAX_PROBLEMS or when the array cannot be had. */
static facts_problem *next_problem(dec *d) {
  if (d->count == 0) return &d->first;
  if (d->count >= FACTS_MAX_PROBLEMS) return NULL;
  ent_vm *vm = d->vm;
  if (!vm->problems) {
    vm->problems = malloc((FACTS_MAX_PROBLEMS - 1) * sizeof *vm->problems);
    if (!vm->problems) return NULL;
  }
  return &vm->problems[d->nmore++];
}

/* Records a problem at 'at' of the value at 'path'. Its line and column
   are left to locate(): working them out here would read the input from
   its start once per problem. */
static void vreport(dec *d, const char *at, const char *path,
                    const char *fmt, va_list ap) {
  facts_problem *pr = next_problem(d);
  d->count++;
  if (!pr) return;
  pr->offset = (size_t)(at - d->start);
  pr->line = pr->col = 0;
  snprintf(pr->path, sizeof pr->path, "%s", path);
  vsnprintf(pr->message, sizeof pr->message, fmt, ap);
}

/* A problem with a fact: recorded, and the decoder goes on. */
__attribute__((format(printf, 4, 5)))
static void problem(dec *d, const char *at, const char *path,
                    const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(d, at, path, fmt, ap);
  va_end(ap);
}

/* A problem the decoder cannot go past (text that is not JSON, a limit,
   no memory), at the value being read: recorded; returns -1, which every
   caller passes up. */
__attribute__((format(printf, 3, 4)))
static int fail(dec *d, const char *at, const char *fmt, ...) {
  char path[256];
  va_list ap;
  va_start(ap, fmt);
  vreport(d, at, path_of(d, NO_FIELD, path), fmt, ap);
  va_end(ap);
  return -1;
}

/* The path of the value being read, for a message. */
static const char *field_path(dec *d) {
  return path_of(d, NO_FIELD, d->pathbuf);
}

static inline void ws(dec *d) {
  if (d->s < d->end && (unsigned char)*d->s > ' ') return;
  while (d->s < d->end &&
         (*d->s == ' ' || *d->s == '\n' || *d->s == '\t' || *d->s == '\r'))
    d->s++;
}

static const char *what_is(const char *s, const char *end) {
  if (s >= end) return "the end of the input";
  switch (*s) {
  case '"': return "text";
  case '{': return "an object";
  case '[': return "a list";
  case 't': return end - s >= 4 && !memcmp(s, "true", 4) ? "a boolean"
                                                       : "something that is not JSON";
  case 'f': return end - s >= 5 && !memcmp(s, "false", 5) ? "a boolean"
                                                        : "something that is not JSON";
  case 'n': return end - s >= 4 && !memcmp(s, "null", 4) ? "null"
                                                       : "something that is not JSON";
  default:
    if (*s == '-' || (*s >= '0' && *s <= '9')) return "a number";
    return "something that is not JSON";
  }
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int hex4(dec *d, const char *s, unsigned *out) {
  if (d->end - s < 4) return -1;
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(s[i]);
    if (h < 0) return -1;
    v = v * 16 + (unsigned)h;
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | cp >> 6);
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18);
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* The first byte at or after 's' that is not plain ASCII text: a quote,
   a backslash, a control character or a byte of a UTF-8 sequence. With
   SSE2 (every x86-64), sixteen bytes are tested at once: text is most of
   a case's bytes. */
static const char *plain_run(const char *s, const char *end) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - s >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)s);
    /* Signed: bytes of 0x80 and above are negative, so below 0x20. */
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                          _mm_cmpeq_epi8(v, bslash)),
                             _mm_cmplt_epi8(v, space));
    int mask = _mm_movemask_epi8(m);
    if (mask) return s + __builtin_ctz((unsigned)mask);
    s += 16;
  }
#endif
  while (s < end && *s != '"' && *s != '\\' &&
         (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x80)
    s++;
  return s;
}

/* Reads a JSON string at d->s (which is at the opening quote). Without
   escapes the result points into the input; otherwise it is unescaped into
   'out' (of size 'cap'), or only checked when 'out' is NULL. */
static int string(dec *d, const char **str, size_t *len, char *out,
                  size_t cap) {
  const char *open = d->s;
  const char *s = plain_run(d->s + 1, d->end);
  const char *run = d->s + 1;
  if (s < d->end && *s == '"') {
    *str = run;
    *len = (size_t)(s - run);
    d->s = s + 1;
    return 0;
  }
  /* The slow path: escapes, control characters or UTF-8. */
  size_t n = (size_t)(s - run);
  if (out) {
    if (n > cap) return fail(d, open, "text too long");
    memcpy(out, run, n);
  }
  int escaped = 0;
  while (s < d->end && *s != '"') {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20)
      return fail(d, s, "control character 0x%02x in text: it must be "
                  "escaped", c);
    if (c == '\\') {
      escaped = 1;
      if (s + 1 >= d->end) break;
      char e = s[1], ch = 0;
      unsigned cp;
      char tmp[4];
      size_t k = 1;
      switch (e) {
      case '"': ch = '"'; break;
      case '\\': ch = '\\'; break;
      case '/': ch = '/'; break;
      case 'b': ch = '\b'; break;
      case 'f': ch = '\f'; break;
      case 'n': ch = '\n'; break;
      case 'r': ch = '\r'; break;
      case 't': ch = '\t'; break;
      case 'u':
        if (hex4(d, s + 2, &cp)) return fail(d, s, "bad \\u escape in text");
        s += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned lo;
          if (d->end - s < 6 || s[0] != '\\' || s[1] != 'u' ||
              hex4(d, s + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return fail(d, s, "unpaired surrogate in a \\u escape");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          s += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return fail(d, s - 6, "unpaired surrogate in a \\u escape");
        }
        if (cp == 0) return fail(d, s - 6, "NUL character in text");
        k = put_utf8(tmp, cp);
        if (out) {
          if (n + k > cap) return fail(d, open, "text too long");
          memcpy(out + n, tmp, k);
        }
        n += k;
        continue;
      default:
        return fail(d, s, "unknown escape '\\%c' in text", e);
      }
      if (out) {
        if (n + 1 > cap) return fail(d, open, "text too long");
        out[n] = ch;
      }
      n++;
      s += 2;
      continue;
    }
    int k = utf8_len((const unsigned char *)s, (size_t)(d->end - s));
    if (!k) return fail(d, s, "invalid UTF-8 in text");
    if (out) {
      if (n + (size_t)k > cap) return fail(d, open, "text too long");
      memcpy(out + n, s, (size_t)k);
    }
    n += (size_t)k;
    s += k;
  }
  if (s >= d->end) return fail(d, open, "unterminated text");
  d->s = s + 1;
  if (!escaped && !out) {
    *str = run;
    *len = n;
    return 0;
  }
  *str = out;
  *len = n;
  return 0;
}

/* expect_char() after white space, or where the character is not there. */
static int expect_char_slow(dec *d, char c, const char *what) {
  ws(d);
  if (d->s >= d->end || *d->s != c)
    return fail(d, d->s, "expected %s, found %s", what,
                what_is(d->s, d->end));
  d->s++;
  return 0;
}

/* The character expected next, after any white space; the common case of
   no white space is tested first. */
static inline int expect_char(dec *d, char c, const char *what) {
  if (d->s < d->end && *d->s == c) {
    d->s++;
    return 0;
  }
  return expect_char_slow(d, c, what);
}

#define literal(d, word) literal_n((d), (word), sizeof(word) - 1)
static inline int literal_n(dec *d, const char *word, size_t n) {
  if ((size_t)(d->end - d->s) < n || memcmp(d->s, word, n)) return 0;
  const char *after = d->s + n;
  if (after < d->end && ((*after >= 'a' && *after <= 'z') ||
                         (*after >= '0' && *after <= '9')))
    return 0;
  d->s = after;
  return 1;
}

/* Skips the JSON value at d->s, only checking that it is JSON: after a
   problem with a value the decoder goes on at the next one. 'depth' is
   how deep in the skipped value this is. Returns 0, or -1 where the text
   is not JSON. */
static int skip_value(dec *d, int depth) {
  ws(d);
  if (d->s >= d->end)
    return fail(d, d->s, "expected a value, found the end of the input");
  char c = *d->s;
  if (c == '"') {
    const char *str;
    size_t n;
    return string(d, &str, &n, NULL, 0);
  }
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    if (d->depth + depth >= FACTS_MAX_DEPTH)
      return fail(d, d->s, "nested more than %d deep", FACTS_MAX_DEPTH);
    d->s++;
    ws(d);
    if (d->s < d->end && *d->s == close) {
      d->s++;
      return 0;
    }
    for (;;) {
      if (close == '}') {
        ws(d);
        const char *key;
        size_t kn;
        if (d->s >= d->end || *d->s != '"')
          return fail(d, d->s, "expected a field name in quotes, found %s",
                      what_is(d->s, d->end));
        if (string(d, &key, &kn, NULL, 0) || expect_char(d, ':', "':'"))
          return -1;
      }
      if (skip_value(d, depth + 1)) return -1;
      ws(d);
      if (d->s < d->end && *d->s == ',') {
        d->s++;
        continue;
      }
      return expect_char(d, close, close == '}' ? "',' or '}'"
                                                : "',' or ']'");
    }
  }
  if (literal(d, "true") || literal(d, "false") || literal(d, "null"))
    return 0;
  if (c == '-' || (c >= '0' && c <= '9')) {
    while (d->s < d->end && ((*d->s >= '0' && *d->s <= '9') || *d->s == '-'
                             || *d->s == '+' || *d->s == '.' ||
                             *d->s == 'e' || *d->s == 'E'))
      d->s++;
    return 0;
  }
  return fail(d, d->s, "expected a value, found %s", what_is(d->s, d->end));
}

/* A value of the wrong type at d->s: recorded, naming what was wanted,
   and skipped. */
static int type_error(dec *d, const char *want) {
  const char *at = d->s;
  const char *path = field_path(d);
  problem(d, at, path, "'%s' must be %s, not %s", path, want,
          what_is(at, d->end));
  return skip_value(d, 0);
}

/* Whether the 'n' bytes at 'a' and 'b' are equal; field names are short,
   so this avoids a call to memcmp for each key: two overlapping loads
   of 8, 4 or 2 bytes cover any length up to 16. */
static inline int same(const char *a, const char *b, size_t n) {
  if (n >= 8) {
    uint64_t x, y, u, v;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    memcpy(&u, a + n - 8, 8);
    memcpy(&v, b + n - 8, 8);
    if (x != y || u != v) return 0;
    if (n <= 16) return 1;
    if (n <= 32) {
      memcpy(&x, a + 8, 8);
      memcpy(&y, b + 8, 8);
      memcpy(&u, a + n - 16, 8);
      memcpy(&v, b + n - 16, 8);
      return x == y && u == v;
    }
    return !memcmp(a + 8, b + 8, n - 16);
  }
  if (n >= 4) {
    uint32_t x, y, u, v;
    memcpy(&x, a, 4);
    memcpy(&y, b, 4);
    memcpy(&u, a + n - 4, 4);
    memcpy(&v, b + n - 4, 4);
    return x == y && u == v;
  }
  if (n >= 2) {
    uint16_t x, y, u, v;
    memcpy(&x, a, 2);
    memcpy(&y, b, 2);
    memcpy(&u, a + n - 2, 2);
    memcpy(&v, b + n - 2, 2);
    return x == y && u == v;
  }
  return !n || *a == *b;
}

/* The index of value 's' of enumeration 'ty' in '*out': 0, or 1 when it
   is not one of its values (a problem recorded). */
static int enum_value(dec *d, int32_t ty, const char *s, size_t n,
                      const char *at, ent_val *out) {
  const prog_enum *e = &d->p->enums[TY_IDX(ty)];
  const uint32_t *len = d->vm->enum_len;
  if (e->n >= VM_ENUM_HASH_FROM) {
    const ent_vm *vm = d->vm;
    for (uint64_t h = vm_enum_hash(TY_IDX(ty), s, n);; h++) {
      uint32_t v = vm->enum_slot[h & vm->enum_mask];
      if (!v--) break;
      if (v - e->first < e->n && len[v] == n &&
          same(prog_str(d->p, d->p->enum_values[v]), s, n)) {
        *out = v - e->first;
        return 0;
      }
    }
  } else {
    for (uint32_t i = 0; i < e->n; i++) {
      const char *v = prog_str(d->p, d->p->enum_values[e->first + i]);
      if (len[e->first + i] == n && same(v, s, n)) {
        *out = i;
        return 0;
      }
    }
  }
  char list[200];
  size_t k = 0;
  list[0] = 0;
  for (uint32_t i = 0; i < e->n && k < sizeof list - 40; i++)
    k += snprintf(list + k, sizeof list - k, "%s'%s'", i ? ", " : "",
                  prog_str(d->p, d->p->enum_values[e->first + i]));
  /* snprintf returns the length it wanted, not what fitted: after a value
     longer than the room left, k is past the end of 'list', and writing
     ", ..." at list + k overflowed the stack (found by fuzzing:
     tests/fuzz/regress/eval-long-enum-value). Back up to where it fits. */
  if (k >= sizeof list - 40) {
    if (k > sizeof list - sizeof ", ...") k = sizeof list - sizeof ", ...";
    snprintf(list + k, sizeof list - k, ", ...");
  }
  char shown[64];
  size_t sn = n < 40 ? n : 40;
  memcpy(shown, s, sn);
  shown[sn] = 0;
  const char *path = field_path(d);
  problem(d, at, path, "'%s' is \"%s%s\", which is not one of %s", path,
          shown, n > 40 ? "..." : "", list);
  return 1;
}

static int object(dec *d, uint32_t obj, ent_val row);

/* A number that is not a whole number in range, at d->s: recorded
   ('how' says what is wrong with it) and skipped. */
static int bad_integer(dec *d, const char *how) {
  const char *path = field_path(d);
  problem(d, d->s, path, "'%s' %s", path, how);
  return skip_value(d, 0);
}

/* A number: only integers, no fraction or exponent, within 64 bits. */
static int integer(dec *d, ent_val *out) {
  const char *s = d->s;
  int neg = 0;
  if (s < d->end && *s == '-') neg = 1, s++;
  if (s >= d->end || *s < '0' || *s > '9') return type_error(d, "a whole number");
  if (*s == '0' && s + 1 < d->end && s[1] >= '0' && s[1] <= '9')
    return bad_integer(d, "has a leading zero");
  uint64_t v = 0;
  while (s < d->end && *s >= '0' && *s <= '9') {
    if (v > (UINT64_C(9223372036854775807) - (uint64_t)(*s - '0')) / 10)
      return bad_integer(d, "is out of range");
    v = v * 10 + (uint64_t)(*s - '0');
    s++;
  }
  if (s < d->end && (*s == '.' || *s == 'e' || *s == 'E'))
    return bad_integer(d, "must be a whole number");
  *out = neg ? -(ent_val)v : (ent_val)v;
  d->s = s;
  return 0;
}

static int list(dec *d, const prog_field *f, ent_val row);

/* money_parse() with MONEY_INPUT_MAX, for the usual amount in place:
   at most 12 digits of pounds cannot overflow, so the digits are only
   checked and added up; a longer text goes to money_parse. */
static inline bool money_value(const char *s, size_t n, ent_val *out) {
  if (n < 4 || n > 15) return money_parse(s, n, MONEY_INPUT_MAX, out);
  if (s[n - 3] != '.') return false;
  int64_t v = 0;
  for (size_t i = 0; i < n - 3; i++) {
    unsigned c = (unsigned)(unsigned char)s[i] - '0';
    if (c > 9) return false;
    v = v * 10 + c;
  }
  unsigned c1 = (unsigned)(unsigned char)s[n - 2] - '0';
  unsigned c2 = (unsigned)(unsigned char)s[n - 1] - '0';
  if (c1 > 9 || c2 > 9) return false;
  v = v * 100 + c1 * 10 + c2;
  if (v > MONEY_INPUT_MAX) return false;
  *out = v;
  return true;
}

/* The amount, date or enumeration value of type 'ty' that the text
   'str' (of 'n' bytes, at 'at' in the input) names, into 'slot'; a
   text that is not one is a problem, recorded. */
static void word_value(dec *d, int32_t ty, const char *str, size_t n,
                       const char *at, ent_val *slot) {
  if (TY_KIND(ty) == TK_MONEY) {
    if (!money_value(str, n, slot)) {
      const char *path = field_path(d);
      problem(d, at, path, "'%s' is \"%.*s\", which is not an amount: "
              "pounds with exactly two decimals, at most "
              "\"999999999.99\"", path, (int)(n < 40 ? n : 40), str);
    }
    return;
  }
  if (TY_KIND(ty) == TK_DATE) {
    if (!date_parse(str, n, slot)) {
      const char *path = field_path(d);
      problem(d, at, path, "'%s' is \"%.*s\", which is not a calendar "
              "date (YYYY-MM-DD)", path, (int)(n < 40 ? n : 40), str);
    }
    return;
  }
  enum_value(d, ty, str, n, at, slot);
}

/* Whether the literal 'word' of 'n' bytes is at 's', whole: what follows
   it cannot continue a word (literal_n's test). */
static inline int word_at(const dec *d, const char *s, const char *word,
                          size_t n) {
  if ((size_t)(d->end - s) < n || memcmp(s, word, n)) return 0;
  const char *after = s + n;
  return after >= d->end || !((*after >= 'a' && *after <= 'z') ||
                              (*after >= '0' && *after <= '9'));
}

static int value_slow(dec *d, uint32_t fi, ent_val row);

/* Reads the value of field 'fi' into its slot of 'row' (a record's
   fields, a list's place). Returns -1 only where the decoder cannot go
   on. The values a case is made of, written the usual way (no white
   space before them, text without escapes), are read here; anything
   else, null and every problem included, by value_slow(). */
__attribute__((always_inline))
static inline int value(dec *d, uint32_t fi, ent_val row) {
  const facts_field *f = &d->vm->ffields[fi];
  const char *s = d->s;
  if (s >= d->end) return value_slow(d, fi, row);
  switch (f->kind) {
  case TK_BOOL:
    if (*s == 't' && word_at(d, s, "true", 4)) {
      d->vm->mem[row + f->slot] = 1;
      d->s = s + 4;
      return 0;
    }
    if (*s == 'f' && word_at(d, s, "false", 5)) {
      d->vm->mem[row + f->slot] = 0;
      d->s = s + 5;
      return 0;
    }
    break;
  case TK_MONEY:
  case TK_DATE:
  case TK_ENUM:
    if (*s == '"') {
      const char *e = plain_run(s + 1, d->end);
      if (e < d->end && *e == '"') {
        d->s = e + 1;
        word_value(d, f->type, s + 1, (size_t)(e - s - 1), s,
                   &d->vm->mem[row + f->slot]);
        return 0;
      }
    }
    break;
  case TK_TEXT:
    if (*s == '"') {
      const char *e = plain_run(s + 1, d->end);
      ent_vm *vm = d->vm;
      size_t n = (size_t)(e - s - 1);
      if (e < d->end && *e == '"' && !vm_reserve_text(vm, n + 1)) {
        memcpy(vm->text + vm->textused, s + 1, n);
        vm->mem[row + f->slot] = TEXT_VAL(0, vm->textused, n);
        vm->textused += n;
        d->s = e + 1;
        return 0;
      }
    }
    break;
  case TK_INT:
    if (*s == '-' || (*s >= '0' && *s <= '9'))
      return integer(d, &d->vm->mem[row + f->slot]);
    break;
  case TK_RECORD:
    if (*s == '{') return object(d, f->sub, row);
    break;
  case TK_LIST:
    if (*s == '[') return list(d, &d->p->fields[fi], row);
    break;
  }
  return value_slow(d, fi, row);
}

/* value(), for every value and problem. */
static int value_slow(dec *d, uint32_t fi, ent_val row) {
  const ent_program *p = d->p;
  const prog_field *f = &p->fields[fi];
  ent_vm *vm = d->vm;
  ent_val *slot = NULL;
  int kind = TY_KIND(f->type);
  ws(d);
  if (d->s < d->end && *d->s == 'n' && literal(d, "null")) {
    if (f->flags & FF_OPTIONAL) return 0; /* stays absent */
    /* In a partial case null says the fact is known to be left out, so
       its default applies, as it would to a full case leaving it out. */
    if (d->partial && (f->flags & FF_DEFAULT)) return 0;
    const char *path = field_path(d);
    problem(d, d->s - 4, path, "'%s' cannot be null%s", path,
            (f->flags & FF_DEFAULT) ? ": leave it out to use its default"
                                    : "");
    return 0;
  }
  if (kind != TK_RECORD && kind != TK_LIST) slot = &vm->mem[row + f->slot];
  const char *at = d->s;
  switch (kind) {
  case TK_BOOL:
    if (d->s < d->end && *d->s == 't' && literal(d, "true")) *slot = 1;
    else if (d->s < d->end && *d->s == 'f' && literal(d, "false")) *slot = 0;
    else return type_error(d, "true or false");
    return 0;
  case TK_INT:
    if (d->s >= d->end || (*d->s != '-' && (*d->s < '0' || *d->s > '9')))
      return type_error(d, "a whole number");
    return integer(d, slot);
  case TK_MONEY:
  case TK_DATE:
  case TK_TEXT:
  case TK_ENUM: {
    if (d->s >= d->end || *d->s != '"') {
      const char *want = kind == TK_MONEY ? "an amount in quotes, such as "
                                            "\"1234.56\""
                         : kind == TK_DATE ? "a date in quotes, such as "
                                             "\"2026-03-31\""
                         : kind == TK_TEXT ? "text" : "one of its values, in "
                                                      "quotes";
      return type_error(d, want);
    }
    const char *str;
    size_t n;
    if (kind == TK_TEXT) {
      /* Plain text (no escapes, ASCII) is copied whole; anything else is
         unescaped straight into the case's text buffer. */
      const char *e = plain_run(d->s + 1, d->end);
      if (e < d->end && *e == '"') {
        n = (size_t)(e - d->s - 1);
        if (vm_reserve_text(vm, n + 1))
          return fail(d, at, "out of memory for text");
        memcpy(vm->text + vm->textused, d->s + 1, n);
        *slot = TEXT_VAL(0, vm->textused, n);
        vm->textused += n;
        d->s = e + 1;
        return 0;
      }
      size_t raw = 0;
      const char *q = d->s + 1;
      while (q < d->end && *q != '"') q += (*q == '\\') ? 2 : 1;
      raw = (size_t)(q - d->s);
      if (vm_reserve_text(vm, raw + 1))
        return fail(d, at, "out of memory for text");
      char *out = vm->text + vm->textused;
      if (string(d, &str, &n, out, raw + 1)) return -1;
      if (str != out) memcpy(out, str, n);
      if (n > 0x3fffffff) return fail(d, at, "text too long");
      *slot = TEXT_VAL(0, vm->textused, n);
      vm->textused += n;
      return 0;
    }
    if (string(d, &str, &n, d->buf, sizeof d->buf)) return -1;
    word_value(d, f->type, str, n, at, slot);
    return 0;
  }
  case TK_SET: {
    if (d->s >= d->end || *d->s != '[')
      return type_error(d, "a list of values");
    d->s++;
    uint64_t m = 0;
    ws(d);
    if (d->s < d->end && *d->s == ']') {
      d->s++;
      *slot = 0;
      return 0;
    }
    for (;;) {
      ws(d);
      const char *vat = d->s;
      const char *str;
      size_t n;
      ent_val v;
      if (d->s >= d->end || *d->s != '"') {
        if (type_error(d, "a list of values in quotes")) return -1;
      } else {
        if (string(d, &str, &n, d->buf, sizeof d->buf)) return -1;
        if (!enum_value(d, TY(TK_ENUM, TY_IDX(f->type)), str, n, vat, &v)) {
          if ((m >> v) & 1) {
            const char *path = field_path(d);
            problem(d, vat, path, "'%s' lists \"%.*s\" twice", path, (int)n,
                    str);
          }
          m |= UINT64_C(1) << v;
        }
      }
      ws(d);
      if (d->s < d->end && *d->s == ',') {
        d->s++;
        continue;
      }
      if (expect_char(d, ']', "',' or ']'")) return -1;
      break;
    }
    *slot = (ent_val)m;
    return 0;
  }
  case TK_RECORD:
    if (d->s >= d->end || *d->s != '{') return type_error(d, "an object");
    return object(d, f->sub, row);
  case TK_LIST:
    if (d->s >= d->end || *d->s != '[') return type_error(d, "a list");
    return list(d, f, row);
  }
  return fail(d, at, "internal error: unknown type");
}

/* Fills the slots of an object's fields with their defaults, or absent,
   in 'row'. Used once per VM, to make the templates rows are copied
   from. */
static void fill_object(const ent_program *p, uint32_t obj, ent_val *row) {
  const prog_object *o = &p->objects[obj];
  for (uint32_t k = 0; k < o->nfields; k++) {
    const prog_field *f = &p->fields[o->first_field + k];
    int kind = TY_KIND(f->type);
    if (kind == TK_RECORD) {
      fill_object(p, f->sub, row);
    } else if (kind == TK_LIST) {
      row[f->slot] = 0;
      row[f->slot + 1] = 0;
    } else {
      row[f->slot] = (f->flags & FF_DEFAULT) ? f->dflt : VAL_ABSENT;
    }
  }
}

/* The templates of a fresh case row and item rows, made on first use. */
static int make_templates(ent_vm *vm) {
  const ent_program *p = vm->p;
  vm->case_tmpl = calloc(p->case_width + 1, sizeof *vm->case_tmpl);
  vm->item_tmpl = calloc(p->nlists + 1, sizeof *vm->item_tmpl);
  if (!vm->case_tmpl || !vm->item_tmpl) return -1;
  fill_object(p, 0, vm->case_tmpl);
  for (uint32_t l = 0; l < p->nlists; l++) {
    vm->item_tmpl[l] = calloc(p->lists[l].width + 1, sizeof **vm->item_tmpl);
    if (!vm->item_tmpl[l]) return -1;
    fill_object(p, p->lists[l].object, vm->item_tmpl[l]);
  }
  return 0;
}

/* The fields table of the VM, made on first use: the patterns in one
   block after the entries. */
static int make_fields(ent_vm *vm) {
  const ent_program *p = vm->p;
  size_t bytes = 0;
  for (uint32_t f = 0; f < p->nfields; f++) bytes += vm->name_len[f] + 3;
  facts_field *ff = malloc((p->nfields + 1) * sizeof *ff + bytes + 1);
  if (!ff) return -1;
  char *b = (char *)(ff + p->nfields + 1);
  memset(&ff[p->nfields], 0, sizeof *ff);
  for (uint32_t f = 0; f < p->nfields; f++) {
    uint32_t n = vm->name_len[f];
    const prog_field *pf = &p->fields[f];
    ff[f].pat = b;
    ff[f].patlen = n + 3;
    ff[f].required = vm->required[f];
    ff[f].slot = pf->slot;
    ff[f].sub = pf->sub;
    ff[f].type = pf->type;
    ff[f].kind = TY_KIND(pf->type);
    *b++ = '"';
    memcpy(b, prog_str(p, pf->name), n);
    b += n;
    *b++ = '"';
    *b++ = ':';
    unsigned char h[8] = {0}, m[8] = {0};
    for (uint32_t k = 0; k < 8 && k < n + 3; k++) {
      h[k] = (unsigned char)ff[f].pat[k];
      m[k] = 0xff;
    }
    memcpy(&ff[f].head, h, 8);
    memcpy(&ff[f].mask, m, 8);
  }
  vm->ffields = ff;
  return 0;
}

/* A key at 'kat' of the object being read that is not one of its fields
   (fi is UINT32_MAX), or names field 'fi' a second time. Either is named
   by its path: the object's path and the key. */
static void misplaced_field(dec *d, uint32_t fi, const char *kat,
                            const char *key, size_t kn) {
  if (fi != UINT32_MAX) {
    const char *path = path_of(d, fi, d->pathbuf);
    problem(d, kat, path, "'%s' is given twice", path);
    return;
  }
  const char *in = field_path(d);
  int shown = (int)(kn < 60 ? kn : 60);
  char path[256];
  snprintf(path, sizeof path, "%s%s%.*s", in, *in ? "." : "", shown, key);
  problem(d, kat, path, "unknown field \"%.*s\"%s%s", shown, key,
          *in ? " in " : "", in);
}

/* Notes field 'fi' of 'row' as not known yet (facts_decode_partial);
   a record's fields each, a list as a whole. */
static int unknown_field(dec *d, uint32_t fi, ent_val row) {
  const ent_program *p = d->p;
  const prog_field *f = &p->fields[fi];
  if (TY_KIND(f->type) == TK_RECORD) {
    const prog_object *o = &p->objects[f->sub];
    for (uint32_t k = 0; k < o->nfields; k++)
      if (unknown_field(d, o->first_field + k, row)) return -1;
    return 0;
  }
  ent_vm *vm = d->vm;
  if (vm->nunknown == vm->capunknown) {
    uint32_t cap = vm->capunknown ? 2 * vm->capunknown : 64;
    facts_unknown *u = realloc(vm->unknown, cap * sizeof *u);
    if (!u) return fail(d, d->s, "out of memory");
    vm->unknown = u;
    vm->capunknown = cap;
  }
  vm->unknown[vm->nunknown++] = (facts_unknown){row + f->slot, fi, d->list,
                                                row};
  return 0;
}

/* The fields of an object of a partial case that it did not give: each
   is unknown, but for an item's key, without which the item has no name
   to be asked about by. */
static int unknown_fields(dec *d, uint32_t obj, ent_val row, uint32_t gen,
                          const char *open) {
  const ent_program *p = d->p;
  const prog_object *o = &p->objects[obj];
  for (uint32_t k = 0; k < o->nfields; k++) {
    uint32_t f = o->first_field + k;
    if (d->vm->seen[f] == gen) continue;
    if (d->list >= 0 && f == p->lists[d->list].key && row) {
      const char *path = path_of(d, f, d->pathbuf);
      problem(d, open, path, "'%s' is missing: an item of a partial case "
              "still gives its key", path);
      continue;
    }
    if (unknown_field(d, f, row)) return -1;
  }
  return 0;
}

/* Reads an object of type 'obj' into 'row'. d->s is at its '{': every
   caller has looked, to say what else it found. */
static int object(dec *d, uint32_t obj, ent_val row) {
  const ent_program *p = d->p;
  const prog_object *o = &p->objects[obj];
  ent_vm *vm = d->vm;
  uint32_t gen = ++vm->gen;
  uint32_t given = 0;  /* required fields seen */
  const char *open = d->s;
  const facts_field *ff = vm->ffields;
  /* Cases usually list fields in the schema's order: try the field after
     the last one first, then search. */
  uint32_t first = o->first_field, guess = first, last = first + o->nfields;
  d->s++;
  ws(d);
  if (d->s < d->end && *d->s == '}') {
    d->s++;
  } else {
    for (;;) {
      ws(d);
      if (d->s >= d->end || *d->s != '"')
        return fail(d, d->s, "expected a field name in quotes, found %s",
                    what_is(d->s, d->end));
      const char *kat = d->s;
      const char *key;
      size_t kn;
      uint32_t fi = UINT32_MAX;
      /* The key and its colon, '"name":', are matched in place against
         the fields' names, nothing copied: first the field after the
         last one, the usual order, then, after a field the case left
         out, the ones further on, then from the object's first. */
      size_t room = (size_t)(d->end - kat);
      uint32_t f = guess < last ? guess : first;
      /* (An object without fields has none to match: its 'first' is
         another object's field, or the table's zeroed end.) */
      if (first < last && ff[f].patlen <= room &&
          same(ff[f].pat, kat, ff[f].patlen)) {
        fi = f;
      } else if (room >= 8) {
        /* After a field the case left out: the first 8 bytes tell most
           names apart, one comparison a field, the rest compared only
           when they agree. */
        uint64_t k8;
        memcpy(&k8, kat, 8);
        for (uint32_t k = 1; k < o->nfields; k++) {
          if (++f >= last) f = first;
          if ((k8 & ff[f].mask) == ff[f].head &&
              (ff[f].patlen <= 8 ||
               (ff[f].patlen <= room &&
                same(ff[f].pat + 8, kat + 8, ff[f].patlen - 8)))) {
            fi = f;
            break;
          }
        }
      }
      if (fi != UINT32_MAX && vm->seen[fi] != gen &&
          d->depth < FACTS_MAX_DEPTH) {
        guess = fi + 1;
        vm->seen[fi] = gen;
        given += ff[fi].required;
        d->s = kat + ff[fi].patlen;
        d->path[d->depth].field = fi;
        d->path[d->depth].index = -1;
        d->depth++;
        if (value(d, fi, row)) return -1;
        d->depth--;
      } else {
        /* Given twice, unknown, written with escapes or white space, or
           too deep: the key unescaped, looked for again by its text,
           and every problem said. */
        fi = UINT32_MAX;
        if (string(d, &key, &kn, d->buf, sizeof d->buf)) return -1;
        f = guess;
        for (uint32_t k = 0; k < o->nfields; k++, f++) {
          if (f >= last) f = first;
          if (vm->name_len[f] == kn &&
              same(prog_str(p, p->fields[f].name), key, kn)) {
            fi = f;
            break;
          }
        }
        /* After an unknown key the guess stays: a key is only ever
           looked for among the object's own fields. */
        if (fi != UINT32_MAX) guess = fi + 1;
        if (fi == UINT32_MAX || vm->seen[fi] == gen) {
          /* Unknown or given twice: said, and its value skipped. */
          misplaced_field(d, fi, kat, key, kn);
          if (expect_char(d, ':', "':'") || skip_value(d, 0)) return -1;
        } else {
          vm->seen[fi] = gen;
          given += vm->required[fi];
          if (expect_char(d, ':', "':'")) return -1;
          if (d->depth == FACTS_MAX_DEPTH)
            return fail(d, d->s, "nested more than %d deep",
                        FACTS_MAX_DEPTH);
          d->path[d->depth].field = fi;
          d->path[d->depth].index = -1;
          d->depth++;
          if (value(d, fi, row)) return -1;
          d->depth--;
        }
      }
      ws(d);
      if (d->s < d->end && *d->s == ',') {
        d->s++;
        continue;
      }
      if (expect_char(d, '}', "',' or '}'")) return -1;
      break;
    }
  }
  if (d->partial) return unknown_fields(d, obj, row, gen, open);
  /* Required fields that did not appear, each named, in the schema's
     order, at the object's opening brace. */
  if (given == vm->nrequired[obj]) return 0;
  for (uint32_t k = 0; k < o->nfields; k++) {
    uint32_t f = o->first_field + k;
    const prog_field *pf = &p->fields[f];
    if (vm->seen[f] == gen || (pf->flags & (FF_OPTIONAL | FF_DEFAULT)))
      continue;
    const char *path = path_of(d, f, d->pathbuf);
    problem(d, open, path, "'%s' is missing: it is a required fact", path);
  }
  return 0;
}

/* The key of item 'i' of a list starting at 'first'; its bytes in
   '*txt' when the key is text, else '*txt' is NULL. */
static ent_val item_key(const dec *d, const prog_list *l, ent_val first,
                        int64_t i, const char **txt, uint32_t *len) {
  const prog_field *kf = &d->p->fields[l->key];
  ent_val k = d->vm->mem[first + i * l->width + kf->slot];
  *txt = TY_KIND(kf->type) == TK_TEXT ? vm_text(d->vm, k, len) : NULL;
  return k;
}

static int same_key(const dec *d, const prog_list *l, ent_val first,
                    int64_t i, int64_t j) {
  const char *a, *b;
  uint32_t la, lb;
  ent_val ka = item_key(d, l, first, i, &a, &la);
  ent_val kb = item_key(d, l, first, j, &b, &lb);
  if (!a) return ka == kb;
  return la == lb && !memcmp(a, b, la);
}

static uint64_t key_hash(const dec *d, const prog_list *l, ent_val first,
                         int64_t i) {
  const char *t;
  uint32_t n;
  ent_val k = item_key(d, l, first, i, &t, &n);
  return t ? vm_hash_bytes(t, n) : vm_hash_mix((uint64_t)k);
}

/* Puts item 'i' in the set, or returns the item it repeats, or -1. */
static int64_t keyset_add(const dec *d, keyset *ks, const prog_list *l,
                          ent_val first, int64_t i) {
  for (uint64_t h = key_hash(d, l, first, i);; h++) {
    uint32_t *s = &ks->slot[h & ks->mask];
    if (!*s) {
      *s = (uint32_t)i + 1;
      return -1;
    }
    if (same_key(d, l, first, *s - 1, i)) return *s - 1;
  }
}

/* Empties the set and sizes it for items 0 to 'n', at most half full, and
   puts items 0 to n - 1 back in (an item repeating an earlier key, said
   already, is left out). The slots in
   use are only as many as 'n' needs: clearing them costs no more than
   filling them, however long a list an earlier case had. */
static int keyset_fill(dec *d, keyset *ks, const prog_list *l,
                       ent_val first, int64_t n) {
  uint64_t want = 64;
  while (want < 2 * (uint64_t)(n + 1)) want *= 2;
  if (want > UINT32_MAX) return -1;
  if (want > ks->cap) {
    uint32_t *s = realloc(ks->slot, want * sizeof *s);
    if (!s) return -1;
    ks->slot = s;
    ks->cap = (uint32_t)want;
  }
  ks->mask = (uint32_t)want - 1;
  memset(ks->slot, 0, want * sizeof *ks->slot);
  for (int64_t j = 0; j < n; j++) keyset_add(d, ks, l, first, j);
  return 0;
}

/* Keys are unique: item 'n' (just read, starting at 'at') against the
   items before it; a repeat is recorded, and -1 returned only when out of
   memory. Short lists, the usual case, compare pairwise; from
   KEYSET_FROM items on, a hash set of the keys, so that a list of
   100,000 items costs 100,000 lookups and not 5 billion comparisons. */
#define KEYSET_FROM 16
static int repeated_key(dec *d, const prog_list *l, ent_val first,
                        int64_t n, const char *at, uint64_t *hash) {
  int64_t j = -1;
  if (n < KEYSET_FROM) {
    /* Each item's key hashed once, as it comes: a pair is compared only
       when the hashes agree, which for distinct keys is almost never. */
    uint64_t h = hash[n] = key_hash(d, l, first, n);
    for (int64_t k = 0; k < n && j < 0; k++)
      if (hash[k] == h && same_key(d, l, first, k, n)) j = k;
  } else {
    ent_vm *vm = d->vm;
    if (!vm->keysets) {
      vm->keysets = calloc(FACTS_MAX_DEPTH + 1, sizeof *vm->keysets);
      if (!vm->keysets) return fail(d, at, "out of memory");
      vm->nkeysets = FACTS_MAX_DEPTH + 1;
    }
    keyset *ks = &vm->keysets[d->depth];
    if ((n == KEYSET_FROM || 2 * (uint64_t)(n + 1) > (uint64_t)ks->mask + 1) &&
        keyset_fill(d, ks, l, first, n))
      return fail(d, at, "out of memory");
    j = keyset_add(d, ks, l, first, n);
  }
  if (j < 0) return 0;
  /* A key that was missing or not valid (said already) is not a key:
     as text it reads as "", and would match an item keyed "". */
  const prog_field *kf = &d->p->fields[l->key];
  if (d->vm->mem[first + n * l->width + kf->slot] == VAL_ABSENT ||
      d->vm->mem[first + j * l->width + kf->slot] == VAL_ABSENT)
    return 0;
  const char *path = field_path(d);
  problem(d, at, path, "'%s' has the same %s as item %lld", path,
          prog_str(d->p, kf->name), (long long)j);
  return 0;
}

/* Reads the items of list field 'f' (d->s at its '[') into rows of their
   own, and its first row and length into 'row'. */
static int list(dec *d, const prog_field *f, ent_val row) {
  const ent_program *p = d->p;
  const prog_list *l = &p->lists[f->sub];
  ent_vm *vm = d->vm;
  d->s++;
  ent_val first = (ent_val)vm->memused;
  int64_t n = 0;
  uint64_t hash[KEYSET_FROM]; /* the keys' hashes of a short list */
  ws(d);
  if (d->s < d->end && *d->s == ']') {
    d->s++;
  } else {
    for (;;) {
      d->path[d->depth - 1].index = -1;
      if ((uint64_t)n == vm->max_items)
        return fail(d, d->s, "'%s' has more than %llu items, the limit "
                    "(--max-items)", field_path(d),
                    (unsigned long long)vm->max_items);
      if (vm_reserve(vm, l->width)) return fail(d, d->s, "out of memory");
      ent_val item = (ent_val)vm->memused;
      vm->memused += l->width;
      memcpy(&vm->mem[item], vm->item_tmpl[f->sub],
             l->width * sizeof *vm->mem);
      d->path[d->depth - 1].index = n;
      ws(d);
      const char *at = d->s;
      if (d->s < d->end && *d->s == '{') {
        int32_t outer = d->list;
        d->list = (int32_t)f->sub;
        int r = object(d, l->object, item);
        d->list = outer;
        if (r || repeated_key(d, l, first, n, at, hash)) return -1;
      } else if (type_error(d, "an object")) {
        return -1;
      } else if (n < KEYSET_FROM) {
        /* Not an item: its key is absent, and still compared with. */
        hash[n] = key_hash(d, l, first, n);
      }
      n++;
      ws(d);
      if (d->s < d->end && *d->s == ',') {
        d->s++;
        continue;
      }
      if (expect_char(d, ']', "',' or ']'")) return -1;
      break;
    }
  }
  d->path[d->depth - 1].index = -1;
  vm->mem[row + f->slot] = first;
  vm->mem[row + f->slot + 1] = n;
  return 0;
}

/* Works out the line and column of each problem kept in one pass over
   the input, taking them in the order of their offsets (at most
   FACTS_MAX_PROBLEMS, sorted by insertion). Columns count characters. */
static void locate(const dec *d, facts_problem **ps, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && ps[j]->offset < ps[j - 1]->offset; j--) {
      facts_problem *t = ps[j];
      ps[j] = ps[j - 1];
      ps[j - 1] = t;
    }
  const char *c = d->start;
  int line = 1, col = 1;
  for (int i = 0; i < n; i++) {
    const char *at = d->start + ps[i]->offset;
    for (; c < at && c < d->end; c++) {
      if (*c == '\n') line++, col = 1;
      else if (((unsigned char)*c & 0xC0) != 0x80) col++;
    }
    ps[i]->line = line;
    ps[i]->col = col;
  }
}

/* Hands the problems of a refused case to the caller: the first in the
   fields of 'err', the others where 'err->more' points. */
static void refuse(dec *d, facts_error *err) {
  facts_problem *ps[FACTS_MAX_PROBLEMS];
  int n = 0;
  ps[n++] = &d->first;
  for (int i = 0; i < d->nmore; i++) ps[n++] = &d->vm->problems[i];
  locate(d, ps, n);
  err->offset = d->first.offset;
  err->line = d->first.line;
  err->col = d->first.col;
  memcpy(err->path, d->first.path, sizeof err->path);
  memcpy(err->message, d->first.message, sizeof err->message);
  err->count = d->count;
  err->nmore = d->nmore;
  err->more = d->vm->problems;
}

/* The case: one object, alone in the input. Returns -1 where it cannot
   go on; problems it went past are counted in d->count. */
static int decode_case(dec *d) {
  ent_vm *vm = d->vm;
  const ent_program *p = d->p;
  const char *json = d->start;
  size_t len = (size_t)(d->end - d->start);
  if ((!vm->case_tmpl && make_templates(vm)) ||
      (!vm->ffields && make_fields(vm)))
    return fail(d, json, "out of memory");
  vm->memused = p->case_width;
  vm->textused = 0;
  memcpy(vm->mem, vm->case_tmpl, p->case_width * sizeof *vm->mem);
  if (len > vm->max_bytes)
    return fail(d, json, "the case is larger than the limit of %llu bytes "
                "(--max-case-bytes)", (unsigned long long)vm->max_bytes);
  if (len >= 3 && !memcmp(json, "\xEF\xBB\xBF", 3))
    return fail(d, json, "the case starts with a byte order mark; JSON "
                "text must not");
  ws(d);
  if (d->s >= d->end) return fail(d, d->s, "empty input: expected a case, a "
                                  "JSON object");
  if (*d->s != '{')
    return fail(d, d->s, "expected a case, a JSON object, found %s",
                what_is(d->s, d->end));
  if (object(d, 0, 0)) return -1;
  ws(d);
  if (d->s < d->end)
    return fail(d, d->s, "expected the end of the input after the case, "
                "found %s: give one case at a time", what_is(d->s, d->end));
  return 0;
}

static int decode(ent_vm *vm, const char *json, size_t len, facts_error *err,
                  int partial) {
  dec d;
  d.vm = vm;
  d.p = vm->p;
  d.s = d.start = json;
  d.end = json + len;
  d.depth = 0;
  d.count = d.nmore = 0;
  d.partial = partial;
  d.list = -1;
  vm->nunknown = 0;
  memset(err, 0, sizeof *err);
  decode_case(&d);
  if (!d.count) return 0;
  refuse(&d, err);
  return -1;
}

int facts_decode(ent_vm *vm, const char *json, size_t len, facts_error *err) {
  return decode(vm, json, len, err, 0);
}

int facts_decode_partial(ent_vm *vm, const char *json, size_t len,
                         facts_error *err) {
  return decode(vm, json, len, err, 1);
}

const char *facts_case_id(const ent_vm *vm, uint32_t *len) {
  const ent_program *p = vm->p;
  const prog_object *o = &p->objects[0];
  for (uint32_t k = 0; k < o->nfields; k++) {
    const prog_field *f = &p->fields[o->first_field + k];
    if ((f->flags & FF_IDENTIFIER) && vm->mem[f->slot] != VAL_ABSENT)
      return vm_text(vm, vm->mem[f->slot], len);
  }
  return NULL;
}

int facts_blank(ent_vm *vm) {
  const ent_program *p = vm->p;
  if (!vm->case_tmpl && make_templates(vm)) return -1;
  vm->memused = p->case_width;
  vm->textused = 0;
  vm->nwit = 0;
  memcpy(vm->mem, vm->case_tmpl, p->case_width * sizeof *vm->mem);
  return 0;
}

ent_val facts_add_items(ent_vm *vm, uint32_t l, uint64_t n) {
  const ent_program *p = vm->p;
  const prog_list *pl = &p->lists[l];
  if (n > vm->max_items || vm_reserve(vm, (size_t)n * pl->width)) return -1;
  ent_val first = (ent_val)vm->memused;
  for (uint64_t i = 0; i < n; i++)
    memcpy(&vm->mem[vm->memused + i * pl->width], vm->item_tmpl[l],
           pl->width * sizeof *vm->mem);
  vm->memused += (size_t)n * pl->width;
  vm->mem[p->fields[pl->field].slot] = first;
  vm->mem[p->fields[pl->field].slot + 1] = (ent_val)n;
  return first;
}
