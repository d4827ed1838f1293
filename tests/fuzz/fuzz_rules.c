/*
** fuzz_rules.c: libFuzzer target for the front end.
**
** Input: the text of a rule file. It is compiled as 'fuzz.rules' (see
** fuzz_rules_name: imports of the shipped rule files resolve), and the
** diagnostics are printed, which runs the line, column and caret code.
** When it compiles, the program is saved and loaded back: the verifier
** must accept everything the compiler makes (a refusal aborts), and the
** disassembler must list it.
*/
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  GC_INIT();
  fuzz_rules_name();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* A malloc'd copy, so that AddressSanitizer sees any read past it. */
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  diag *d = diag_new();
  ent_program *p = policy_compile(d, fuzz_rules_name(), text, size, NULL);
  diag_print(d, getenv("ENTITLE_FUZZ_VERBOSE") ? stderr : fuzz_devnull());
  if (p) {
    outbuf o, dis;
    out_init(&o, NULL);
    out_init(&dis, NULL);
    bc_save(p, &o);
    char err[512];
    ent_program *q = bc_load((const unsigned char *)o.buf, o.len, err,
                             sizeof err);
    if (!q) {
      fprintf(stderr, "fuzz: the verifier refuses a compiled program: %s\n",
              err);
      abort();
    }
    bc_disasm(q, &dis);
    out_free(&dis);
    out_free(&o);
  }
  free(text);
  return 0;
}
