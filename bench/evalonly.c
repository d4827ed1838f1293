/*
** evalonly: where entitle's time goes, stage by stage, case by case.
**
** Links entitle's own stages (the internal headers in src/ and the
** libentitle-core archive) and, for every case of a JSON Lines file read
** into memory first, times separately:
**   decode   facts_decode: JSON text to case memory
**   eval     vm_run: every decision, facts already decoded
**   render   explain_json without explanations (what --no-explain prints)
**   explain  explain_json with explanations (in a second pass)
** and prints one JSON object with the nanoseconds per case (and per
** provision, given --provisions K). Nothing is written per case.
**
**   evalonly [--provisions K] PROGRAM < cases.jsonl
**
** Build (bench/run does it): cc -O2 -I src evalonly.c
**   .libs/libentitle-core.a -lgc -lnettle -lpthread -ldl
*/
#define _POSIX_C_SOURCE 200809L
#include <gc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytecode.h"
#include "diag.h"
#include "explain.h"
#include "facts.h"
#include "out.h"
#include "policy.h"
#include "vm.h"

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
  GC_INIT();
  const char *prog = NULL;
  int provisions = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--provisions") && i + 1 < argc)
      provisions = atoi(argv[++i]);
    else
      prog = argv[i];
  }
  if (!prog) {
    fprintf(stderr, "usage: evalonly [--provisions K] PROGRAM < cases\n");
    return 64;
  }
  diag *d = diag_new();
  ent_program *p = policy_open(d, prog);
  if (!p) {
    diag_print(d, stderr);
    return 1;
  }
  char hex[65];
  bc_digest_hex(p, hex);
  explain_ctx *x = explain_new(p, hex);
  ent_vm *vm = vm_new(p);

  /* The whole input in memory, so that reading costs nothing below. */
  size_t cap = 1 << 24, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (len == cap) buf = realloc(buf, cap *= 2);
    size_t k = fread(buf + len, 1, cap - len, stdin);
    if (!k) break;
    len += k;
  }

  outbuf o;
  out_init(&o, NULL);
  uint64_t t_dec = 0, t_eval = 0, t_render = 0, t_explain = 0, n = 0, bad = 0;
  uint64_t bytes_plain = 0, bytes_explain = 0;
  uint64_t start = now_ns();
  /* Two passes: the stages of the run without explanations, then the
     explanations alone (each case decoded and decided again, untimed),
     so that 28 KB of explanation a case does not evict from the caches
     what the next case's decoding would find there. */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t at = 0; at < len;) {
      char *nl = memchr(buf + at, '\n', len - at);
      size_t ll = nl ? (size_t)(nl - (buf + at)) : len - at;
      const char *line = buf + at;
      at += ll + 1;
      if (!ll) continue;
      facts_error e;
      uint64_t t0 = now_ns();
      if (facts_decode(vm, line, ll, &e)) {
        bad += !pass;
        continue;
      }
      uint64_t t1 = now_ns();
      int r = vm_run(vm);
      uint64_t t2 = now_ns();
      if (r != VM_OK) {
        bad += !pass;
        continue;
      }
      o.len = 0;
      if (pass == 0) {
        explain_json(x, vm, &o, EXPLAIN_NONE);
        uint64_t t3 = now_ns();
        bytes_plain += o.len;
        t_dec += t1 - t0;
        t_eval += t2 - t1;
        t_render += t3 - t2;
        n++;
      } else {
        uint64_t t3 = now_ns();
        explain_json(x, vm, &o, EXPLAIN_ALL);
        t_explain += now_ns() - t3;
        bytes_explain += o.len;
      }
    }
  }
  uint64_t total = now_ns() - start;
  if (!n) {
    fprintf(stderr, "evalonly: no case decided (%llu refused)\n",
            (unsigned long long)bad);
    return 2;
  }
  double per = (double)n, prov = provisions > 0 ? (double)provisions : 0;
  printf("{\"cases\":%llu,\"refused\":%llu,\"provisions\":%d,"
         "\"decode_ns\":%.1f,\"eval_ns\":%.1f,\"render_ns\":%.1f,"
         "\"explain_render_ns\":%.1f,",
         (unsigned long long)n, (unsigned long long)bad, provisions,
         t_dec / per, t_eval / per, t_render / per, t_explain / per);
  if (prov > 0)
    printf("\"eval_ns_per_provision\":%.1f,\"decode_ns_per_provision\":%.1f,",
           t_eval / per / prov, t_dec / per / prov);
  printf("\"bytes_plain\":%.0f,\"bytes_explain\":%.0f,\"loop_s\":%.3f}\n",
         bytes_plain / per, bytes_explain / per, total / 1e9);
  out_free(&o);
  vm_free(vm);
  explain_free(x);
  free(buf);
  return 0;
}
