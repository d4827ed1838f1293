/*
** fuzz_common.h: what the libFuzzer harnesses share (see README.md).
**
** Included by each harness, which is one translation unit linked with the
** library sources; everything here is static. Nothing in it may crash on
** any program that bc_load accepted or policy_compile produced: the
** harnesses exist to find the engine's bugs, not their own.
*/
#ifndef ENT_FUZZ_COMMON_H
#define ENT_FUZZ_COMMON_H

#include <gc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/entitle.h"
#include "bytecode.h"
#include "diag.h"
#include "explain.h"
#include "facts.h"
#include "needs.h"
#include "out.h"
#include "policy.h"
#include "vm.h"

/* What every target defines: libFuzzer, or standalone.c, calls them. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The source tree: $ENTITLE_SRCDIR, or the one the harness was built
   from (scripts/fuzz passes -DENTITLE_SRCDIR). */
#ifndef ENTITLE_SRCDIR
#define ENTITLE_SRCDIR "."
#endif

/* Loop steps allowed per case in the harnesses that run arbitrary
   programs: the VM's default (50 million) makes one input take seconds
   under the sanitizers, and the budget check is the same code whatever
   the number. */
#define FUZZ_BUDGET 200000u

/* Each harness uses some of these. */
#define FUZZ_FN static __attribute__((unused))

FUZZ_FN const char *fuzz_srcdir(void) {
  const char *s = getenv("ENTITLE_SRCDIR");
  return s && *s ? s : ENTITLE_SRCDIR;
}

/* The policy a target decides with: $ENTITLE_FUZZ_POLICY, or the
   Liverpool policy of the source tree, its path in '*where'. Exits,
   naming target 'who', when it does not compile. */
FUZZ_FN ent_program *fuzz_open_policy(const char *who, const char **where) {
  static char path[4096];
  const char *env = getenv("ENTITLE_FUZZ_POLICY");
  if (env && *env)
    snprintf(path, sizeof path, "%s", env);
  else
    snprintf(path, sizeof path, "%s/rules/send/liverpool.rules",
             fuzz_srcdir());
  diag *d = diag_new();
  ent_program *p = policy_open(d, path);
  if (!p) {
    diag_print(d, stderr);
    fprintf(stderr, "%s: cannot compile %s (set ENTITLE_SRCDIR to the "
            "source tree)\n", who, path);
    exit(1);
  }
  *where = path;
  return p;
}

/* The name fuzzed rule text is compiled under. It is 'fuzz.rules' in a
   folder holding the shipped rule files ($ENTITLE_FUZZ_IMPORTS, which
   scripts/fuzz fills with the .rules files of rules/send and rules/examples;
   by default rules/send of the source tree), so that the seeds' imports
   ('import "national.rules"') resolve. No file of that name is read: the
   text is the input. */
FUZZ_FN const char *fuzz_rules_name(void) {
  static char name[4096];
  if (!name[0]) {
    const char *dir = getenv("ENTITLE_FUZZ_IMPORTS");
    if (dir && *dir)
      snprintf(name, sizeof name, "%s/fuzz.rules", dir);
    else
      snprintf(name, sizeof name, "%s/rules/send/fuzz.rules", fuzz_srcdir());
  }
  return name;
}

FUZZ_FN FILE *fuzz_devnull(void) {
  static FILE *f;
  if (!f) f = fopen("/dev/null", "w");
  return f;
}

/* Checks 's' is one JSON value (RFC 8259, strings in UTF-8): explain_json
   promises JSON, so anything else is a bug even when nothing crashes. */
typedef struct {
  const unsigned char *s, *end;
  int depth;
} fuzz_jp;

FUZZ_FN void fj_ws(fuzz_jp *j) {
  while (j->s < j->end &&
         (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
    j->s++;
}

FUZZ_FN int fj_value(fuzz_jp *j);

FUZZ_FN int fj_string(fuzz_jp *j) {
  if (j->s >= j->end || *j->s != '"') return 0;
  j->s++;
  while (j->s < j->end && *j->s != '"') {
    unsigned c = *j->s;
    if (c < 0x20) return 0;
    if (c == '\\') {
      if (j->end - j->s < 2) return 0;
      unsigned e = j->s[1];
      if (e == 'u') {
        if (j->end - j->s < 6) return 0;
        for (int i = 2; i < 6; i++) {
          unsigned h = j->s[i];
          if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
                (h >= 'A' && h <= 'F')))
            return 0;
        }
        j->s += 6;
        continue;
      }
      if (!strchr("\"\\/bfnrt", (int)e) || !e) return 0;
      j->s += 2;
      continue;
    }
    if (c < 0x80) {
      j->s++;
      continue;
    }
    int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
              : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (!len || j->end - j->s < len) return 0;
    unsigned cp = c & (0x7F >> len);
    for (int i = 1; i < len; i++) {
      if ((j->s[i] & 0xC0) != 0x80) return 0;
      cp = cp << 6 | (j->s[i] & 0x3F);
    }
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    j->s += len;
  }
  if (j->s >= j->end) return 0;
  j->s++;
  return 1;
}

FUZZ_FN int fj_number(fuzz_jp *j) {
  if (j->s < j->end && *j->s == '-') j->s++;
  if (j->s >= j->end || *j->s < '0' || *j->s > '9') return 0;
  if (*j->s == '0') j->s++;
  else
    while (j->s < j->end && *j->s >= '0' && *j->s <= '9') j->s++;
  if (j->s < j->end && *j->s == '.') {
    j->s++;
    if (j->s >= j->end || *j->s < '0' || *j->s > '9') return 0;
    while (j->s < j->end && *j->s >= '0' && *j->s <= '9') j->s++;
  }
  if (j->s < j->end && (*j->s == 'e' || *j->s == 'E')) {
    j->s++;
    if (j->s < j->end && (*j->s == '+' || *j->s == '-')) j->s++;
    if (j->s >= j->end || *j->s < '0' || *j->s > '9') return 0;
    while (j->s < j->end && *j->s >= '0' && *j->s <= '9') j->s++;
  }
  return 1;
}

FUZZ_FN int fj_word(fuzz_jp *j, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(j->end - j->s) < n || memcmp(j->s, w, n)) return 0;
  j->s += n;
  return 1;
}

FUZZ_FN int fj_value(fuzz_jp *j) {
  fj_ws(j);
  if (j->s >= j->end) return 0;
  if (++j->depth > 512) return 0;
  int ok = 0;
  switch (*j->s) {
  case '{':
    j->s++;
    fj_ws(j);
    if (j->s < j->end && *j->s == '}') {
      j->s++;
      ok = 1;
      break;
    }
    for (;;) {
      fj_ws(j);
      if (!fj_string(j)) break;
      fj_ws(j);
      if (j->s >= j->end || *j->s != ':') break;
      j->s++;
      if (!fj_value(j)) break;
      fj_ws(j);
      if (j->s < j->end && *j->s == ',') {
        j->s++;
        continue;
      }
      if (j->s < j->end && *j->s == '}') {
        j->s++;
        ok = 1;
      }
      break;
    }
    break;
  case '[':
    j->s++;
    fj_ws(j);
    if (j->s < j->end && *j->s == ']') {
      j->s++;
      ok = 1;
      break;
    }
    for (;;) {
      if (!fj_value(j)) break;
      fj_ws(j);
      if (j->s < j->end && *j->s == ',') {
        j->s++;
        continue;
      }
      if (j->s < j->end && *j->s == ']') {
        j->s++;
        ok = 1;
      }
      break;
    }
    break;
  case '"': ok = fj_string(j); break;
  case 't': ok = fj_word(j, "true"); break;
  case 'f': ok = fj_word(j, "false"); break;
  case 'n': ok = fj_word(j, "null"); break;
  default: ok = fj_number(j);
  }
  j->depth--;
  return ok;
}

FUZZ_FN void fuzz_check_json(const char *what, const char *s, size_t n) {
  if (getenv("ENTITLE_FUZZ_NO_JSON_CHECK")) return;
  fuzz_jp j = {(const unsigned char *)s, (const unsigned char *)s + n, 0};
  int ok = fj_value(&j);
  fj_ws(&j);
  if (ok && j.s == j.end) return;
  size_t at = (size_t)((const char *)j.s - s);
  size_t from = at > 300 ? at - 300 : 0;
  size_t to = n - at > 100 ? at + 100 : n;
  fprintf(stderr, "fuzz: %s is not valid JSON (at byte %zu of %zu): "
          "...%.*s<HERE>%.*s...\n", what, at, n, (int)(at - from), s + from,
          (int)(to - at), s + at);
  abort();
}

/* { ====== a case that fits a program's schema ====== */

/* A case with every field given a plausible value of its type and every
   list two items (distinct keys), so that a program loaded from fuzzed
   bytes, or compiled from fuzzed rules, decides something rather than
   refusing '{}'. 'variant' 1 leaves optional facts out and empties lists. */
FUZZ_FN void synth_object(const ent_program *p, uint32_t obj, outbuf *o,
                         int depth, unsigned idx, int variant);

FUZZ_FN void synth_value(const ent_program *p, const prog_field *f, outbuf *o,
                        int depth, unsigned idx, int variant) {
  char buf[64];
  int k = TY_KIND(f->type);
  uint32_t x = (uint32_t)TY_IDX(f->type);
  switch (k) {
  case TK_BOOL: out_s(o, idx & 1 ? "false" : "true"); break;
  case TK_INT: out_int(o, (int64_t)idx + 1); break;
  case TK_MONEY: out_s(o, idx & 1 ? "\"0.99\"" : "\"1234.56\""); break;
  case TK_DATE: out_s(o, idx & 1 ? "\"2012-02-29\"" : "\"2020-09-01\""); break;
  case TK_TEXT:
    snprintf(buf, sizeof buf, "\"k%u\"", idx);
    out_s(o, buf);
    break;
  case TK_ENUM:
  case TK_SET: {
    const prog_enum *e = x < p->nenums ? &p->enums[x] : NULL;
    const char *v = "";
    if (e && e->n)
      v = prog_str(p, p->enum_values[e->first + (idx + (unsigned)variant) %
                                                   e->n]);
    if (k == TK_SET) out_c(o, '[');
    if (k == TK_ENUM || (e && e->n)) out_json(o, v, strlen(v));
    if (k == TK_SET) out_c(o, ']');
    break;
  }
  case TK_RECORD: synth_object(p, f->sub, o, depth + 1, idx, variant); break;
  case TK_LIST: {
    out_c(o, '[');
    if (!variant && f->sub < p->nlists && depth < 4)
      for (unsigned i = 0; i < 2; i++) {
        if (i) out_c(o, ',');
        synth_object(p, p->lists[f->sub].object, o, depth + 1, i, variant);
      }
    out_c(o, ']');
    break;
  }
  default: out_s(o, "null");
  }
}

FUZZ_FN void synth_object(const ent_program *p, uint32_t obj, outbuf *o,
                         int depth, unsigned idx, int variant) {
  out_c(o, '{');
  if (obj < p->nobjects && depth < 8) {
    const prog_object *ob = &p->objects[obj];
    int first = 1;
    for (uint32_t k = 0; k < ob->nfields && k < 256; k++) {
      uint32_t fi = ob->first_field + k;
      if (fi >= p->nfields) break;
      const prog_field *f = &p->fields[fi];
      if (variant && (f->flags & FF_OPTIONAL)) continue;
      if (!first) out_c(o, ',');
      first = 0;
      const char *name = prog_str(p, f->name);
      out_json(o, name, strlen(name));
      out_c(o, ':');
      synth_value(p, f, o, depth, idx, variant);
    }
  }
  out_c(o, '}');
}

FUZZ_FN void fuzz_synth_case(const ent_program *p, outbuf *o, int variant) {
  synth_object(p, 0, o, 0, 0, variant);
}

/* } ====== */

/* Decodes, decides and renders one case with every renderer. Returns the
   VM's status, or -1 when the case was refused. */
FUZZ_FN int fuzz_run_case(const ent_program *p, ent_vm *vm, explain_ctx *x,
                         const char *json, size_t len) {
  facts_error e;
  int verbose = getenv("ENTITLE_FUZZ_VERBOSE") != NULL;
  if (facts_decode(vm, json, len, &e)) {
    if (verbose)
      fprintf(stderr, "fuzz: case refused: %d:%d: %s\n", e.line, e.col,
              e.message);
    /* The error's text and path must be terminated strings, for every
       problem kept, each at a place in the input; the counts agree. */
    if (strnlen(e.message, sizeof e.message) == sizeof e.message ||
        strnlen(e.path, sizeof e.path) == sizeof e.path ||
        e.count < 1 + e.nmore || e.nmore > FACTS_MAX_PROBLEMS - 1 ||
        e.offset > len || e.line < 1 || e.col < 1)
      abort();
    for (int i = 0; i < e.nmore; i++)
      if (strnlen(e.more[i].message, sizeof e.more[i].message) ==
              sizeof e.more[i].message ||
          strnlen(e.more[i].path, sizeof e.more[i].path) ==
              sizeof e.more[i].path ||
          e.more[i].offset > len || e.more[i].line < 1 || e.more[i].col < 1)
        abort();
    return -1;
  }
  int r = vm_run(vm);
  if (verbose) fprintf(stderr, "fuzz: vm_run: %d\n", r);
  outbuf o;
  out_init(&o, NULL);
  if (r == VM_OK) {
    explain_json(x, vm, &o, EXPLAIN_ALL);
    fuzz_check_json("explain_json", o.buf ? o.buf : "", o.len);
    if (verbose) fprintf(stderr, "%.*s\n", (int)o.len, o.buf);
    o.len = 0;
    explain_json(x, vm, &o, EXPLAIN_NONE);
    fuzz_check_json("explain_json (no explanations)", o.buf ? o.buf : "",
                    o.len);
    o.len = 0;
    explain_text(x, vm, &o);
  } else if (r == VM_INVALID) {
    explain_requirement(p, vm, &o);
  }
  out_free(&o);
  return r;
}

/* Decides 'json' with a fresh VM, then again with the same VM (as eval
   --jsonl reuses one), so that state left by a case is exercised too.
   Returns what vm_run returned, or -1 if the case was refused.
   'compiled': the program came from the compiler, so VM_FAULT (the VM's
   last defence against a program the verifier should have refused) is a
   bug of the compiler and aborts. */
FUZZ_FN int fuzz_decide(const ent_program *p, explain_ctx *x, const char *json,
                        size_t len, uint64_t budget, int compiled) {
  ent_vm *vm = vm_new(p);
  if (!vm) return -1;
  if (budget) vm->budget = budget;
  int r = -1;
  for (int round = 0; round < 2; round++) {
    r = fuzz_run_case(p, vm, x, json, len);
    if (compiled && r == VM_FAULT) {
      fprintf(stderr, "fuzz: a compiled program faulted in the VM\n");
      abort();
    }
  }
  vm_free(vm);
  return r;
}

static int fuzz_all_known(void *arg, uint32_t list) {
  (void)arg;
  (void)list;
  return 1;
}

/* The interview over the same input read as a partial case: whatever
   it is, the run ends without a fault on a compiled program, and what it
   prints is JSON. When the partial case leaves nothing unknown and is a
   valid case too, every decision is settled, exactly as eval makes it. */
FUZZ_FN void fuzz_needs(const ent_program *p, explain_ctx *x,
                        const char *json, size_t len, int compiled) {
  ent_vm *vm = vm_new(p), *full = vm_new(p);
  needs_ctx *n = needs_new(p);
  facts_error e;
  if (!vm || !full || !n) abort();
  if (!facts_decode_partial(vm, json, len, &e)) {
    int r = needs_run(n, vm);
    if (compiled && r == VM_FAULT) {
      fprintf(stderr, "fuzz: a compiled program faulted in needs\n");
      abort();
    }
    if (r == VM_OK) {
      outbuf o, t, want;
      out_init(&o, NULL);
      out_init(&t, NULL);
      out_init(&want, NULL);
      needs_json(n, x, vm, &o);
      fuzz_check_json("needs_json", o.buf ? o.buf : "", o.len);
      needs_text(n, x, vm, &t);
      if (!vm->nunknown && !facts_decode(full, json, len, &e) &&
          vm_run(full) == VM_OK) {
        explain_json(x, full, &want, EXPLAIN_NONE);
        o.len = 0;
        explain_filter all = {fuzz_all_known, NULL};
        explain_partial_json(x, vm, &all, &o);
        out_c(&o, '}');
        if (needs_open(n) || o.len != want.len ||
            memcmp(o.buf, want.buf, o.len)) {
          fprintf(stderr, "fuzz: needs of a whole case differs from eval:\n"
                  "%.*s\n%.*s\n", (int)o.len, o.buf, (int)want.len,
                  want.buf);
          abort();
        }
      }
      out_free(&o);
      out_free(&t);
      out_free(&want);
    }
  }
  needs_free(n);
  vm_free(vm);
  vm_free(full);
}

FUZZ_FN explain_ctx *fuzz_explain_new(const ent_program *p) {
  char hex[65];
  bc_digest_hex(p, hex);
  return explain_new(p, hex);
}

/* Walks every decision, condition, read and rule that did not apply of
   the case 'c' holds (decided, or read from a record), as an embedding
   program would; every value handed out as JSON must be JSON. */
FUZZ_FN void fuzz_api_walk_context(ent_context *c) {
  size_t n;
  const char *r = ent_result_json(c, 1, &n);
  if (r) fuzz_check_json("ent_result_json", r, n);
  r = ent_result_text(c, &n);
  int nd = ent_decision_count(c);
  for (int i = 0; i < nd && i < 2000; i++) {
    ent_decision d;
    if (ent_decision_get(c, i, &d) != ENT_OK) abort();
    if (!d.path || !d.value) abort();
    fuzz_check_json("a decision's value", d.value, strlen(d.value));
    int nc = d.nconditions;
    for (int k = 0; k < nc && k < 300; k++) {
      const char *text;
      int nreads;
      if (ent_condition_get(c, i, k, &text, &nreads) != ENT_OK) abort();
      for (int q = 0; q < nreads && q < 300; q++) {
        ent_read rd;
        if (ent_condition_read(c, i, k, q, &rd) != ENT_OK) abort();
        fuzz_check_json("a read value", rd.value, strlen(rd.value));
      }
    }
    for (int k = 0; k < d.nnot_applied && k < 300; k++) {
      ent_rule_ref rule, by;
      ent_why_not why;
      const char *text;
      if (ent_not_applied_get(c, i, k, &rule, &why, &text, &by) != ENT_OK)
        abort();
    }
    /* Copy the path: the next call may reuse its buffer. */
    char path[512];
    snprintf(path, sizeof path, "%s", d.path);
    ent_decision_find(c, path, &d);
  }
}

/* Decides 'json' through the public library (include/entitle.h) and walks
   what it decided (fuzz_api_walk_context). */
FUZZ_FN void fuzz_api_walk(const ent_program *ap, const char *json,
                           size_t len) {
  ent_context *c = ent_context_new(ap);
  if (!c) return;
  ent_error err;
  memset(&err, 0, sizeof err);
  if (ent_decide(c, json, len, &err) == ENT_OK) fuzz_api_walk_context(c);
  ent_error_clear(&err);
  ent_context_free(c);
}

#endif
