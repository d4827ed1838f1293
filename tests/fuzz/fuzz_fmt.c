/*
** fuzz_fmt.c: libFuzzer target for the formatter (entitle fmt).
**
** Input: rule text. The formatter must refuse it with errors located in
** the text (it is not UTF-8, or does not parse), or format it; it must
** never report an internal error other than running out of memory: that
** is how it says it would have changed a token (fmt_verify). A text it
** formats must format again to the same bytes (the layout is a fixed
** point) and still parse.
*/
#include "fuzz_common.h"
#include "fmt.h"
#include "parse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  GC_INIT();
  return 0;
}

/* An internal error that is not the heap's limit is the formatter's bug. */
static void no_internal_error(const diag *d, const char *what) {
  for (const diag_msg *m = d->first; m; m = m->next)
    if (m->kind == DK_INTERNAL && !strstr(m->text, "out of memory")) {
      fprintf(stderr, "fuzz: %s: %s\n", what, m->text);
      abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* A malloc'd copy, so that AddressSanitizer sees any read past it. */
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  int verbose = getenv("ENTITLE_FUZZ_VERBOSE") != NULL;
  diag *d = diag_new();
  char *out;
  size_t n;
  int rc = fmt_text("fuzz.rules", text, size, &out, &n, d);
  diag_print(d, verbose ? stderr : fuzz_devnull());
  no_internal_error(d, "formatting the input");
  if (!rc) {
    diag *d2 = diag_new();
    char *again;
    size_t n2;
    if (fmt_text("fuzz.rules", out, n, &again, &n2, d2)) {
      diag_print(d2, stderr);
      fprintf(stderr, "fuzz: the formatted text does not format\n");
      abort();
    }
    if (n2 != n || memcmp(out, again, n)) {
      fprintf(stderr, "fuzz: formatting twice changes the text:\n--- once\n"
              "%s--- twice\n%s", out, again);
      abort();
    }
    diag *d3 = diag_new();
    parse_file(d3, diag_add_file(d3, "fuzz.rules", out, n));
    if (d3->nerrors) {
      diag_print(d3, stderr);
      fprintf(stderr, "fuzz: the formatted text does not parse\n");
      abort();
    }
  }
  free(text);
  return 0;
}
