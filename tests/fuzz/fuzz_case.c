/*
** fuzz_case.c: libFuzzer target for the case decoder, the VM and the
** explanation renderers, with a fixed, real program.
**
** The program is rules/send/liverpool.rules (with national.rules, which
** it imports), compiled once at start-up; $ENTITLE_FUZZ_POLICY names
** another rule file or program. Input: one case, JSON text. It is
** decoded, decided and rendered (JSON, checked to be JSON, and text),
** twice with the same VM; then decided again through the public library
** (ent_decide), walking every decision, condition and read it hands out;
** and read as a partial case for the interview (needs.c).
*/
#include "fuzz_common.h"

/* In static storage, which the collector scans: the program stays. */
static ent_program *prog;
static explain_ctx *explainer;
static ent_program *api_prog;   /* the same, through the public library */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  GC_INIT();
  const char *path;
  prog = fuzz_open_policy("fuzz_case", &path);
  explainer = fuzz_explain_new(prog);
  ent_init();
  api_prog = ent_load_file(path, NULL);
  if (!api_prog) exit(1);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* A malloc'd copy of exactly 'size' bytes: the decoder is given a
     length and must not read past it. */
  char *json = malloc(size ? size : 1);
  if (!json) return 0;
  memcpy(json, data, size);
  fuzz_decide(prog, explainer, json, size, 0, 1);
  fuzz_needs(prog, explainer, json, size, 1);
  fuzz_api_walk(api_prog, json, size);
  free(json);
  return 0;
}
