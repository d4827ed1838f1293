/*
** check_bytecode.c: program files: the round trip, and the verifier
** against every single-byte change of a real program.
*/
#include <stdlib.h>
#include <string.h>

#include "bytecode.h"
#include "explain.h"
#include "facts.h"
#include "helpers.h"
#include "policy.h"
#include "suites.h"

static const char *policy_text =
    "policy \"P\" version \"1\"\n"
    "document g \"Guide\"\n"
    "enum kind: a, b, c\n"
    "record item\n  id: text\n  kind: kind\n  cost: money\n"
    "  note: text (optional)\nend\n"
    "facts\n  today: date\n  kinds: set of kind (default {})\n"
    "  items: list of item keyed by id\nend\n"
    "require today >= 2000-01-01 \"a recent day\"\n"
    "parameter cap: money = 100.00\n"
    "decision item.ok: bool (default true)\n"
    "decision total: money\n"
    "decision grounds: set of kind (collect)\n"
    "rule r1 \"t\" cites g \"s\" item.ok = false when item.kind = b "
    "unless item.note is given\n"
    "rule r2 \"t\" cites g \"s\" total = sum i.cost for i in items where "
    "i.ok and i.cost <= cap\n"
    "rule r3 \"t\" cites g \"s\" grounds includes a when any i in items "
    "where i.kind in kinds\n"
    "decision old: bool (default false)\n"
    "table t \"t\" cites g \"s\"\n"
    "  | today < 2020-01-01 || old  |\n"
    "  | true               || true |\n"
    "end\n";

static const char *case_text =
    "{\"today\":\"2026-01-01\",\"kinds\":[\"a\"],\"items\":["
    "{\"id\":\"x\",\"kind\":\"a\",\"cost\":\"10.00\"},"
    "{\"id\":\"y\",\"kind\":\"b\",\"cost\":\"20.00\",\"note\":\"n\"},"
    "{\"id\":\"z\",\"kind\":\"b\",\"cost\":\"30.00\"}]}";

static char *result(const ent_program *p) {
  ent_vm *vm = vm_new(p);
  facts_error e;
  ck_assert_int_eq(facts_decode(vm, case_text, strlen(case_text), &e), 0);
  ck_assert_int_eq(vm_run(vm), VM_OK);
  char hex[65];
  bc_digest_hex(p, hex);
  explain_ctx *x = explain_new(p, hex);
  outbuf o;
  out_init(&o, NULL);
  explain_json(x, vm, &o, EXPLAIN_ALL);
  out_c(&o, 0);
  char *r = strdup(o.buf);
  out_free(&o);
  explain_free(x);
  vm_free(vm);
  return r;
}

/* The test policy, compiled and saved into 'o' as a program file. */
static ent_program *saved_policy(outbuf *o) {
  ent_program *p = compile_text(policy_text, NULL);
  ck_assert_ptr_nonnull(p);
  out_init(o, NULL);
  bc_save(p, o);
  return p;
}

START_TEST(round_trip_decides_the_same) {
  outbuf o;
  ent_program *p = saved_policy(&o);
  char err[256];
  ent_program *q = bc_load((unsigned char *)o.buf, o.len, err, sizeof err);
  ck_assert_msg(q != NULL, "%s", err);
  char *a = result(p), *b = result(q);
  ck_assert_str_eq(a, b);
  /* Saving the loaded program gives the same bytes again. */
  outbuf o2;
  out_init(&o2, NULL);
  bc_save(q, &o2);
  ck_assert_uint_eq(o.len, o2.len);
  ck_assert(!memcmp(o.buf, o2.buf, o.len));
  free(a);
  free(b);
  out_free(&o);
  out_free(&o2);
}
END_TEST

START_TEST(a_changed_byte_breaks_the_digest) {
  outbuf o;
  saved_policy(&o);
  char err[256];
  o.buf[o.len - 3] ^= 1;
  ck_assert_ptr_null(bc_load((unsigned char *)o.buf, o.len, err, sizeof err));
  ck_assert_msg(strstr(err, "digest does not match"), "%s", err);
  o.buf[8] = 9; /* the format version */
  ck_assert_ptr_null(bc_load((unsigned char *)o.buf, o.len, err, sizeof err));
  char want[80];
  snprintf(want, sizeof want, "format version 9; this entitle reads "
           "version %d", BC_FORMAT_VERSION);
  ck_assert_msg(strstr(err, want), "%s", err);
  out_free(&o);
}
END_TEST

/* Every byte of the body changed in turn, with the digest made to match
   so that the verifier, not the digest, has to catch it. Whatever loads
   must decide the case without a fault (run under ASan by scripts/test). */
START_TEST(every_changed_byte_is_refused_or_harmless) {
  outbuf o;
  saved_policy(&o);
  size_t evl = (unsigned char)o.buf[12];
  size_t body = 16 + evl + 32;
  unsigned char *buf = malloc(o.len);
  int loaded = 0, refused = 0;
  for (size_t i = body; i < o.len; i++) {
    for (int bit = 0; bit < 8; bit += 3) {
      memcpy(buf, o.buf, o.len);
      buf[i] ^= (unsigned char)(1u << bit);
      bc_sha256(buf + body, o.len - body, buf + 16 + evl);
      char err[256];
      ent_program *q = bc_load(buf, o.len, err, sizeof err);
      if (!q) {
        refused++;
        continue;
      }
      loaded++;
      ent_vm *vm = vm_new(q);
      facts_error e;
      /* A changed jump can make loops of loops: the budget ends them. */
      if (vm) vm->budget = 10000;
      if (vm && !facts_decode(vm, case_text, strlen(case_text), &e) &&
          vm_run(vm) == VM_OK) {
        char hex[65];
        bc_digest_hex(q, hex);
        explain_ctx *x = explain_new(q, hex);
        outbuf r;
        out_init(&r, NULL);
        explain_json(x, vm, &r, EXPLAIN_ALL);
        explain_text(x, vm, &r);
        out_free(&r);
        explain_free(x);
      }
      vm_free(vm);
    }
  }
  /* Most changes are refused; those that load changed a constant, a
     title or a slot the program can use harmlessly. */
  ck_assert_int_gt(refused, 0);
  ck_assert_int_gt(loaded + refused, 1000);
  free(buf);
  out_free(&o);
}
END_TEST

START_TEST(truncated_files_are_refused) {
  outbuf o;
  saved_policy(&o);
  char err[256];
  for (size_t n = 0; n < o.len; n++)
    ck_assert_ptr_null(bc_load((unsigned char *)o.buf, n, err, sizeof err));
  out_free(&o);
}
END_TEST

Suite *bytecode_suite(void) {
  Suite *s = suite_create("bytecode");
  TCase *t = tcase_create("files");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, round_trip_decides_the_same);
  tcase_add_test(t, a_changed_byte_breaks_the_digest);
  tcase_add_test(t, truncated_files_are_refused);
  tcase_add_test(t, every_changed_byte_is_refused_or_harmless);
  suite_add_tcase(s, t);
  return s;
}
