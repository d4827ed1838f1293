/*
** bytecode.c: the program file format: save, load, digest.
**
** The file is a magic number, the format version, the engine version, the
** sha256 of everything after it, then the program's tables in a fixed
** order, each a count and its elements, every number little-endian. The
** same source always gives the same bytes. Loading trusts nothing: every
** count is checked against the bytes left, and then the verifier checks
** every cross-reference, operand, register and jump, so that the VM can
** run the code without checking them again. See doc/bytecode.md.
*/
#include "bytecode.h"

#include <gc.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/* A struct's layout for the file: each member's offset and size (4 or 8).
   Members are written in this order, whatever the compiler's padding. */
typedef struct {
  unsigned short off, size;
} member;

#define M4(T, m) {offsetof(T, m), 4}
#define M8(T, m) {offsetof(T, m), 8}
#define END {0, 0}

static const member enum_layout[] = {M4(prog_enum, name), M4(prog_enum, first),
                                     M4(prog_enum, n), END};
static const member field_layout[] = {
    M4(prog_field, name), M4(prog_field, path), M4(prog_field, type),
    M4(prog_field, object), M4(prog_field, slot), M4(prog_field, flags),
    M4(prog_field, sub), M8(prog_field, dflt), M4(prog_field, reason),
    M4(prog_field, title), END};
static const member object_layout[] = {
    M4(prog_object, first_field), M4(prog_object, nfields),
    M4(prog_object, list), M4(prog_object, parent_field), END};
static const member list_layout[] = {
    M4(prog_list, field), M4(prog_list, object), M4(prog_list, key),
    M4(prog_list, width), M4(prog_list, item_name), END};
static const member decision_layout[] = {
    M4(prog_decision, name), M4(prog_decision, title),
    M4(prog_decision, type), M4(prog_decision, list), M4(prog_decision, slot),
    M4(prog_decision, flags), M4(prog_decision, first_rule),
    M4(prog_decision, nrules), END};
static const member rule_layout[] = {
    M4(prog_rule, id), M4(prog_rule, title), M4(prog_rule, first_cite),
    M4(prog_rule, ncites), M4(prog_rule, file), M4(prog_rule, line),
    M4(prog_rule, decision), M4(prog_rule, kind), M4(prog_rule, final_),
    M4(prog_rule, state_slot), M4(prog_rule, first_beaten_by),
    M4(prog_rule, nbeaten_by), M4(prog_rule, end_pc),
    M4(prog_rule, first_part), M4(prog_rule, nconds), M4(prog_rule, nexcs),
    M4(prog_rule, value_part), END};
static const member cite_layout[] = {M4(prog_cite, doc),
                                     M4(prog_cite, section),
                                     M4(prog_cite, quote), END};
static const member part_layout[] = {M4(prog_part, text),
                                     M4(prog_part, title),
                                     M4(prog_part, first_ref),
                                     M4(prog_part, nrefs), END};
static const member ref_layout[] = {M4(prog_ref, kind), M4(prog_ref, index),
                                    M4(prog_ref, item), END};
static const member agg_layout[] = {M4(prog_agg, text), M4(prog_agg, kind),
                                    M4(prog_agg, part),
                                    M4(prog_agg, decision),
                                    M4(prog_agg, list), M4(prog_agg, slot),
                                    M4(prog_agg, first_ref),
                                    M4(prog_agg, nrefs), END};
static const member param_layout[] = {M4(prog_param, name),
                                      M4(prog_param, type),
                                      M8(prog_param, value), END};
static const member import_layout[] = {M4(prog_import, file),
                                       M4(prog_import, name),
                                       M4(prog_import, version), END};
static const member u32_layout[] = {{0, 4}, END};
static const member val_layout[] = {{0, 8}, END};

/* Instructions are four 16-bit numbers. */
static void put16(outbuf *o, uint16_t v) {
  unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  out_mem(o, b, 2);
}

static void put32(outbuf *o, uint32_t v) {
  unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                        (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  out_mem(o, b, 4);
}

static void put64(outbuf *o, uint64_t v) {
  put32(o, (uint32_t)v);
  put32(o, (uint32_t)(v >> 32));
}

static void put_array(outbuf *o, const void *base, uint32_t n, size_t size,
                      const member *layout) {
  put32(o, n);
  for (uint32_t i = 0; i < n; i++) {
    const char *e = (const char *)base + (size_t)i * size;
    for (const member *m = layout; m->size; m++) {
      if (m->size == 4) {
        uint32_t v;
        memcpy(&v, e + m->off, 4);
        put32(o, v);
      } else {
        uint64_t v;
        memcpy(&v, e + m->off, 8);
        put64(o, v);
      }
    }
  }
}

static size_t layout_bytes(const member *layout) {
  size_t n = 0;
  for (const member *m = layout; m->size; m++) n += m->size;
  return n;
}

static void body(const ent_program *p, outbuf *o) {
  put32(o, p->name);
  put32(o, p->version);
  put32(o, p->status);
  put32(o, p->case_width);
  put32(o, p->nregs);
  put32(o, p->date_field);
  put32(o, p->nstrings);
  out_mem(o, p->strings, p->nstrings);
  put_array(o, p->imports, p->nimports, sizeof *p->imports, import_layout);
  put_array(o, p->enums, p->nenums, sizeof *p->enums, enum_layout);
  put_array(o, p->enum_values, p->nenum_values, 4, u32_layout);
  put_array(o, p->fields, p->nfields, sizeof *p->fields, field_layout);
  put_array(o, p->objects, p->nobjects, sizeof *p->objects, object_layout);
  put_array(o, p->lists, p->nlists, sizeof *p->lists, list_layout);
  put_array(o, p->decisions, p->ndecisions, sizeof *p->decisions,
            decision_layout);
  put_array(o, p->order, p->ndecisions, 4, u32_layout);
  put_array(o, p->rules, p->nrules, sizeof *p->rules, rule_layout);
  put_array(o, p->beaten_by, p->nbeaten_by, 4, u32_layout);
  put_array(o, p->cites, p->ncites, sizeof *p->cites, cite_layout);
  put_array(o, p->parts, p->nparts, sizeof *p->parts, part_layout);
  put_array(o, p->refs, p->nrefs, sizeof *p->refs, ref_layout);
  put_array(o, p->aggs, p->naggs, sizeof *p->aggs, agg_layout);
  put_array(o, p->params, p->nparams, sizeof *p->params, param_layout);
  put_array(o, p->consts, p->nconsts, 8, val_layout);
  put_array(o, p->requires, p->nrequires, 4, u32_layout);
  put32(o, p->ncode);
  for (uint32_t i = 0; i < p->ncode; i++) {
    put16(o, p->code[i].op);
    put16(o, p->code[i].a);
    put16(o, p->code[i].b);
    put16(o, p->code[i].c);
  }
}

/* Nettle, not OpenSSL: libcrypto's start-up (loading, relocating, reading
   its configuration) cost more than compiling a small policy. */
void bc_sha256(const void *data, size_t n, unsigned char out[32]) {
  struct sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, n, data);
  sha256_digest(&c, SHA256_DIGEST_SIZE, out);
}

/* Writes the body of 'p' into 'b' (a new buffer) and fills p->digest
   with its hash. */
static void digest_body(ent_program *p, outbuf *b) {
  out_init(b, NULL);
  body(p, b);
  bc_sha256(b->buf, b->len, p->digest);
}

/* The digest is the hash of the bytes a file holds after it, so they are
   made, but not the header nor a copy of the whole file. */
void bc_digest(ent_program *p) {
  outbuf b;
  digest_body(p, &b);
  out_free(&b);
}

void bc_save(ent_program *p, outbuf *o) {
  outbuf b;
  digest_body(p, &b);
  out_mem(o, BC_MAGIC, 8);
  put32(o, BC_FORMAT_VERSION);
  const char *ev = PACKAGE_VERSION;
  put32(o, (uint32_t)strlen(ev));
  out_mem(o, ev, strlen(ev));
  out_mem(o, p->digest, 32);
  out_mem(o, b.buf, b.len);
  out_free(&b);
}

void bc_digest_hex(const ent_program *p, char out[65]) {
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    out[2 * i] = hex[p->digest[i] >> 4];
    out[2 * i + 1] = hex[p->digest[i] & 15];
  }
  out[64] = 0;
}

int bc_is_program(const unsigned char *data, size_t len) {
  return len >= 8 && !memcmp(data, BC_MAGIC, 8);
}

/* { ====== loading ====== */

typedef struct {
  const unsigned char *s, *end, *start;
  char *err;
  size_t errlen;
  int failed;
} reader;

__attribute__((format(printf, 2, 3)))
static void rfail(reader *r, const char *fmt, ...) {
  if (r->failed) return;
  r->failed = 1;
  va_list ap;
  va_start(ap, fmt);
  int n = snprintf(r->err, r->errlen, "at byte %zu: ",
                   (size_t)(r->s - r->start));
  if (n >= 0 && (size_t)n < r->errlen)
    vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
  va_end(ap);
}

static uint32_t get32(reader *r) {
  if (r->end - r->s < 4) {
    rfail(r, "the file ends early");
    r->s = r->end;
    return 0;
  }
  uint32_t v = (uint32_t)r->s[0] | (uint32_t)r->s[1] << 8 |
               (uint32_t)r->s[2] << 16 | (uint32_t)r->s[3] << 24;
  r->s += 4;
  return v;
}

static uint16_t get16(reader *r) {
  if (r->end - r->s < 2) {
    rfail(r, "the file ends early");
    r->s = r->end;
    return 0;
  }
  uint16_t v = (uint16_t)(r->s[0] | r->s[1] << 8);
  r->s += 2;
  return v;
}

static void *get_array(reader *r, uint32_t *n, size_t size,
                       const member *layout, const char *what) {
  *n = get32(r);
  size_t each = layout_bytes(layout);
  if (r->failed) return NULL;
  if ((size_t)(r->end - r->s) / each < *n) {
    rfail(r, "the %s table claims %u entries, more than the file holds",
          what, *n);
    *n = 0;
    return NULL;
  }
  char *base = GC_MALLOC_ATOMIC((size_t)(*n ? *n : 1) * size);
  memset(base, 0, (size_t)(*n ? *n : 1) * size);
  for (uint32_t i = 0; i < *n; i++) {
    char *e = base + (size_t)i * size;
    for (const member *m = layout; m->size; m++) {
      if (m->size == 4) {
        uint32_t v = get32(r);
        memcpy(e + m->off, &v, 4);
      } else {
        uint64_t lo = get32(r), hi = get32(r);
        uint64_t v = lo | hi << 32;
        memcpy(e + m->off, &v, 8);
      }
    }
  }
  return base;
}

ent_program *bc_load(const unsigned char *data, size_t len, char *err,
                     size_t errlen) {
  reader R = {data, data + len, data, err, errlen, 0}, *r = &R;
  if (len < 8 || memcmp(data, BC_MAGIC, 8)) {
    snprintf(err, errlen, "not an entitle program (bad magic number)");
    return NULL;
  }
  r->s += 8;
  uint32_t ver = get32(r);
  if (!r->failed && ver != BC_FORMAT_VERSION) {
    snprintf(err, errlen, "program file format version %u; this entitle "
             "reads version %u: compile the policy again", ver,
             BC_FORMAT_VERSION);
    return NULL;
  }
  uint32_t evl = get32(r);
  if (!r->failed && (size_t)(r->end - r->s) < (size_t)evl + 32) {
    rfail(r, "the file ends early");
    return NULL;
  }
  if (r->failed) return NULL;
  r->s += evl;
  ent_program *p = GC_MALLOC(sizeof *p);
  memcpy(p->digest, r->s, 32);
  r->s += 32;
  unsigned char check[32];
  bc_sha256(r->s, (size_t)(r->end - r->s), check);
  if (memcmp(check, p->digest, 32)) {
    rfail(r, "the program's digest does not match its contents: the file "
          "is damaged or was changed");
    return NULL;
  }
  p->name = get32(r);
  p->version = get32(r);
  p->status = get32(r);
  p->case_width = get32(r);
  p->nregs = get32(r);
  p->date_field = get32(r);
  p->nstrings = get32(r);
  if (r->failed) return NULL;
  if ((size_t)(r->end - r->s) < p->nstrings) {
    rfail(r, "the string table claims %u bytes, more than the file holds",
          p->nstrings);
    return NULL;
  }
  p->strings = GC_MALLOC_ATOMIC(p->nstrings + 1);
  memcpy(p->strings, r->s, p->nstrings);
  p->strings[p->nstrings] = 0;
  r->s += p->nstrings;
  p->imports = get_array(r, &p->nimports, sizeof *p->imports, import_layout,
                         "import");
  p->enums = get_array(r, &p->nenums, sizeof *p->enums, enum_layout, "enum");
  p->enum_values = get_array(r, &p->nenum_values, 4, u32_layout,
                             "enum value");
  p->fields = get_array(r, &p->nfields, sizeof *p->fields, field_layout,
                        "field");
  p->objects = get_array(r, &p->nobjects, sizeof *p->objects, object_layout,
                         "object");
  p->lists = get_array(r, &p->nlists, sizeof *p->lists, list_layout, "list");
  p->decisions = get_array(r, &p->ndecisions, sizeof *p->decisions,
                           decision_layout, "decision");
  uint32_t norder;
  p->order = get_array(r, &norder, 4, u32_layout, "order");
  p->rules = get_array(r, &p->nrules, sizeof *p->rules, rule_layout, "rule");
  p->beaten_by = get_array(r, &p->nbeaten_by, 4, u32_layout, "precedence");
  p->cites = get_array(r, &p->ncites, sizeof *p->cites, cite_layout,
                       "citation");
  p->parts = get_array(r, &p->nparts, sizeof *p->parts, part_layout, "part");
  p->refs = get_array(r, &p->nrefs, sizeof *p->refs, ref_layout, "reference");
  p->aggs = get_array(r, &p->naggs, sizeof *p->aggs, agg_layout, "aggregate");
  p->params = get_array(r, &p->nparams, sizeof *p->params, param_layout,
                        "parameter");
  p->consts = get_array(r, &p->nconsts, 8, val_layout, "constant");
  p->requires = get_array(r, &p->nrequires, 4, u32_layout, "requirement");
  p->ncode = get32(r);
  if (r->failed) return NULL;
  if (norder != p->ndecisions) {
    rfail(r, "the order table has %u entries for %u decisions", norder,
          p->ndecisions);
    return NULL;
  }
  if ((size_t)(r->end - r->s) / 8 < p->ncode) {
    rfail(r, "the code claims %u instructions, more than the file holds",
          p->ncode);
    return NULL;
  }
  p->code = GC_MALLOC_ATOMIC((size_t)(p->ncode ? p->ncode : 1) *
                             sizeof *p->code);
  for (uint32_t i = 0; i < p->ncode; i++) {
    p->code[i].op = get16(r);
    p->code[i].a = get16(r);
    p->code[i].b = get16(r);
    p->code[i].c = get16(r);
  }
  if (r->s != r->end) {
    rfail(r, "%zu bytes after the end of the program",
          (size_t)(r->end - r->s));
    return NULL;
  }
  if (bc_verify(p, err, errlen)) return NULL;
  return p;
}

/* } ====== */
