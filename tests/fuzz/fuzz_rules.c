/*
** fuzz_rules.c: libFuzzer target for the front end.
**
** Input: the text of a rule file. It is compiled as 'fuzz.rules' (see
** fuzz_rules_name: imports of the shipped rule files resolve), and the
** diagnostics are printed, which runs the line, column and caret code.
** When it compiles: compiling it again must give the same bytes (the
** compiler is reproducible); the program is saved and loaded back, and
** the verifier must accept everything the compiler makes (a refusal
** aborts), saving it again must give the same bytes, and the
** disassembler must list it. An input holding a code fence ('```') is
** also compiled as a literate file, 'fuzz.md' beside it, which runs the
** Markdown reader (literate.c) and the prose's quotation check.
*/
#define _GNU_SOURCE /* memmem */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  GC_INIT();
  fuzz_rules_name();
  return 0;
}

/* Compiles the text and saves the program into 'o'; NULL if it does not
   compile. */
static ent_program *compile_as(const char *name, const char *text,
                               size_t size, outbuf *o, int print) {
  diag *d = diag_new();
  ent_program *p = policy_compile(d, name, text, size, NULL);
  if (print)
    diag_print(d, getenv("ENTITLE_FUZZ_VERBOSE") ? stderr : fuzz_devnull());
  if (p) bc_save(p, o);
  return p;
}

static ent_program *compile(const char *text, size_t size, outbuf *o,
                            int print) {
  return compile_as(fuzz_rules_name(), text, size, o, print);
}

/* The same text as a literate rule file: its name ends in '.md'. */
static void compile_literate(const char *text, size_t size) {
  static char name[4096];
  if (!name[0]) {
    snprintf(name, sizeof name, "%s", fuzz_rules_name());
    size_t n = strlen(name);
    if (n > 6) strcpy(name + n - 6, ".md"); /* 'fuzz.rules' */
  }
  outbuf o;
  out_init(&o, NULL);
  ent_program *p = compile_as(name, text, size, &o, 1);
  if (p) {
    char err[512];
    if (!bc_load((const unsigned char *)o.buf, o.len, err, sizeof err)) {
      fprintf(stderr, "fuzz: the verifier refuses a literate file's "
              "program: %s\n", err);
      abort();
    }
  }
  out_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* A malloc'd copy, so that AddressSanitizer sees any read past it. */
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  outbuf o, o2;
  out_init(&o, NULL);
  out_init(&o2, NULL);
  if (memmem(text, size, "```", 3) || memmem(text, size, "~~~", 3))
    compile_literate(text, size);
  ent_program *p = compile(text, size, &o, 1);
  if (p) {
    /* Compiling is reproducible: the same text gives the same bytes. */
    if (!compile(text, size, &o2, 0) || o2.len != o.len ||
        memcmp(o.buf, o2.buf, o.len)) {
      fprintf(stderr, "fuzz: compiling the same text twice gives different "
              "programs\n");
      abort();
    }
    char err[512];
    ent_program *q = bc_load((const unsigned char *)o.buf, o.len, err,
                             sizeof err);
    if (!q) {
      fprintf(stderr, "fuzz: the verifier refuses a compiled program: %s\n",
              err);
      abort();
    }
    /* ... and loading it back then saving gives the same bytes again. */
    o2.len = 0;
    bc_save(q, &o2);
    if (o2.len != o.len || memcmp(o.buf, o2.buf, o.len)) {
      fprintf(stderr, "fuzz: a loaded program saves to other bytes\n");
      abort();
    }
    outbuf dis;
    out_init(&dis, NULL);
    bc_disasm(q, &dis);
    out_free(&dis);
  }
  out_free(&o);
  out_free(&o2);
  free(text);
  return 0;
}
