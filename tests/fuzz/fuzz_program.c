/*
** fuzz_program.c: libFuzzer target for the program file loader, the
** verifier, the VM and the explanation renderers, on programs nobody
** compiled.
**
** Input: the bytes of a program file. A file whose digest does not match
** is refused before anything else is read, so mutated inputs would never
** get past it: the harness rewrites the digest field with the sha256 of
** the bytes after it (the digest check itself is a memcmp). When the
** program loads it must save back to the same bytes, it is disassembled,
** and it decides two cases made from its own schema (fuzz_synth_case:
** every field given, and lists of two items; then optional facts left
** out and lists empty), with every renderer, and then the first of them
** through the public library (ent_load, ent_decide and the walking
** functions).
*/

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  GC_INIT();
  ent_init();
  return 0;
}

/* Where the digest is: after the magic, the format version, the engine
   version's length and the engine version. 0 when the header is cut. */
static size_t digest_at(const unsigned char *d, size_t n) {
  if (n < 16) return 0;
  uint32_t evl = (uint32_t)d[12] | (uint32_t)d[13] << 8 |
                 (uint32_t)d[14] << 16 | (uint32_t)d[15] << 24;
  if (n - 16 < (size_t)evl + 32) return 0;
  return 16 + (size_t)evl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *buf = malloc(size ? size : 1);
  if (!buf) return 0;
  memcpy(buf, data, size);
  size_t at = digest_at(buf, size);
  if (at) bc_sha256(buf + at + 32, size - at - 32, buf + at);
  char err[512];
  err[0] = 0;
  ent_program *p = bc_load(buf, size, err, sizeof err);
  if (!p) {
    if (!memchr(err, 0, sizeof err)) abort();
    if (getenv("ENTITLE_FUZZ_VERBOSE"))
      fprintf(stderr, "fuzz: bc_load: %s\n", err);
    free(buf);
    return 0;
  }
  /* Loading then saving gives back the same bytes after the header. */
  outbuf o;
  out_init(&o, NULL);
  bc_save(p, &o);
  size_t at2 = digest_at((const unsigned char *)o.buf, o.len);
  if (!at2 || o.len - at2 != size - at ||
      memcmp(o.buf + at2, buf + at, size - at)) {
    fprintf(stderr, "fuzz: a loaded program does not save back to the "
            "same bytes\n");
    abort();
  }
  out_free(&o);
  out_init(&o, NULL);
  bc_disasm(p, &o);
  out_free(&o);
  explain_ctx *x = fuzz_explain_new(p);
  int first = 0;
  for (int variant = 0; variant < 2; variant++) {
    out_init(&o, NULL);
    fuzz_synth_case(p, &o, variant);
    if (getenv("ENTITLE_FUZZ_VERBOSE"))
      fprintf(stderr, "fuzz: case %d: %.*s\n", variant, (int)o.len, o.buf);
    int r = fuzz_decide(p, x, o.buf, o.len, FUZZ_BUDGET, 0);
    if (!variant) first = r;
    out_free(&o);
  }
  explain_free(x);
  /* The same through the public library, unless the case ran out of
     steps: ent_decide has the VM's default budget, 250 times the
     harness's, which a crafted loop can take minutes to use up under the
     sanitizers (reported: the budget counts loop steps, not
     instructions). */
  ent_program *ap = ent_load(buf, size, NULL);
  if (!ap) abort(); /* bc_load accepted it */
  if (first != VM_BUDGET) {
    out_init(&o, NULL);
    fuzz_synth_case(p, &o, 0);
    fuzz_api_walk(ap, o.buf, o.len);
    out_free(&o);
  }
  ent_program_free(ap);
  free(buf);
  return 0;
}
