/*
** fuzz_lsp.c: libFuzzer target for entitle lsp's message handling
** (src/lsp.c, src/lsp_index.c), without a pipe.
**
** Input: the raw bytes a client writes to the server's standard input,
** headers and bodies, fed to lsp_feed() in pieces of 1 to 61 bytes (as
** the input's size sets), so that headers and bodies are cut anywhere;
** then lsp_idle() publishes what changed, and the end of input ends the
** session. Documents named 'untitled:NAME' import files beside them in the
** folder of the shipped rule files (the harness works there), so that a
** seed's 'import "national.rules"' resolves. Checks: the session ends
** with status 0 or 1; every message the server writes is
** 'Content-Length: N', a blank line and N bytes of JSON.
*/
/* realpath() */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "lsp.h"

/* Relative file arguments (the inputs a person replays) made absolute
   before the harness moves to the folder of the rule files. */
static void absolute_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' || argv[i][0] == '/') continue;
    char *abs = realpath(argv[i], NULL);
    if (abs) argv[i] = abs; /* kept for the life of the process */
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  GC_INIT();
  absolute_args(*argc, *argv);
  const char *dir = getenv("ENTITLE_FUZZ_IMPORTS");
  char buf[4096];
  if (!dir || !*dir) {
    snprintf(buf, sizeof buf, "%s/rules/send", fuzz_srcdir());
    dir = buf;
  }
  if (chdir(dir)) {
    fprintf(stderr, "fuzz_lsp: cannot work in %s (set ENTITLE_SRCDIR to "
            "the source tree)\n", dir);
    exit(1);
  }
  return 0;
}

static int collect(void *ctx, const char *buf, size_t n) {
  out_mem((outbuf *)ctx, buf, n);
  return 0;
}

/* Each message written: a header with its length, then that much JSON. */
static void check_output(const char *s, size_t n) {
  static const char head[] = "Content-Length: ";
  size_t at = 0;
  while (at < n) {
    if (n - at < sizeof head - 1 || memcmp(s + at, head, sizeof head - 1)) {
      fprintf(stderr, "fuzz: a message without its Content-Length\n");
      abort();
    }
    at += sizeof head - 1;
    size_t len = 0;
    while (at < n && s[at] >= '0' && s[at] <= '9')
      len = len * 10 + (size_t)(s[at++] - '0');
    if (n - at < 4 || memcmp(s + at, "\r\n\r\n", 4) || n - at - 4 < len) {
      fprintf(stderr, "fuzz: a message's header or length is wrong\n");
      abort();
    }
    at += 4;
    fuzz_check_json("a message", s + at, len);
    at += len;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  outbuf o;
  out_init(&o, NULL);
  lsp_server *srv = lsp_new(collect, &o);
  size_t piece = 1 + size % 61;
  int st = -1;
  for (size_t at = 0; at < size && st < 0; at += piece) {
    size_t k = size - at < piece ? size - at : piece;
    st = lsp_feed(srv, (const char *)data + at, k);
  }
  if (st < 0) {
    lsp_idle(srv);
    st = lsp_end(srv);
  }
  if (st != 0 && st != 1) {
    fprintf(stderr, "fuzz: the session ended with status %d\n", st);
    abort();
  }
  check_output(o.buf ? o.buf : "", o.len);
  lsp_free(srv);
  out_free(&o);
  return 0;
}
