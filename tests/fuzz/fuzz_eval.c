/*
** fuzz_eval.c: libFuzzer target for the whole pipeline, rules to result.
**
** Input: a rule file, a NUL byte, then a case (JSON). The rules are
** compiled as in fuzz_rules.c; when they compile, the case is decoded,
** decided and rendered, twice with the same VM. Without a NUL byte, or
** with nothing after it, the case is one made from the program's own
** schema (fuzz_synth_case), so that rules alone still reach the VM.
*/
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  GC_INIT();
  fuzz_rules_name();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nul = memchr(data, 0, size);
  size_t rlen = nul ? (size_t)(nul - data) : size;
  size_t clen = nul ? size - rlen - 1 : 0;
  char *text = malloc(rlen + 1);
  char *json = malloc(clen ? clen : 1);
  if (!text || !json) {
    free(text);
    free(json);
    return 0;
  }
  memcpy(text, data, rlen);
  text[rlen] = 0;
  if (clen) memcpy(json, nul + 1, clen);
  diag *d = diag_new();
  ent_program *p = policy_compile(d, fuzz_rules_name(), text, rlen, NULL);
  if (!p)
    diag_print(d, getenv("ENTITLE_FUZZ_VERBOSE") ? stderr : fuzz_devnull());
  if (p) {
    explain_ctx *x = fuzz_explain_new(p);
    if (clen) {
      fuzz_decide(p, x, json, clen, FUZZ_BUDGET, 1);
    } else {
      for (int variant = 0; variant < 2; variant++) {
        outbuf o;
        out_init(&o, NULL);
        fuzz_synth_case(p, &o, variant);
        fuzz_decide(p, x, o.buf, o.len, FUZZ_BUDGET, 1);
        out_free(&o);
      }
    }
    explain_free(x);
  }
  free(text);
  free(json);
  return 0;
}
