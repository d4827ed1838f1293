/*
** fuzz_record.c: libFuzzer target for the decision-record reader
** (record_read, which 'entitle explain' and 'entitle verify' rely on) and
** the renderers over a case read back from a record.
**
** The program is rules/send/liverpool.rules (with national.rules),
** compiled once at start-up; $ENTITLE_FUZZ_POLICY names another rule file
** or program. Input: the text of one record. A record names its program
** by digest and one of another program is refused before anything else
** is read, so mutated inputs would seldom get past that check: when the
** input has a "program" member, the harness puts this program's digest
** in its string. A record that reads is rendered by every renderer
** (explain_json, checked to be JSON, with and without explanations,
** explain_text, report_html) and written again; that record must read
** back, and write the same bytes once more. Then the input goes through
** the public library (ent_context_load_record) and every decision,
** condition and read it hands out is walked.
*/
#include "fuzz_common.h"
#include "record.h"
#include "report.h"
#include "trace.h"

/* In static storage, which the collector scans: the program stays. */
static ent_program *prog;
static explain_ctx *explainer;
static record_ctx *recorder;
static ent_vm *vm;
static ent_program *api_prog;   /* the same, through the public library */
static char digest[80];         /* 'sha256:...' */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  GC_INIT();
  const char *path;
  prog = fuzz_open_policy("fuzz_record", &path);
  explainer = fuzz_explain_new(prog);
  recorder = explainer ? record_new(prog, explainer) : NULL;
  vm = vm_new(prog);
  if (!recorder || !vm) exit(1);
  snprintf(digest, sizeof digest, "%s", explain_digest(explainer));
  ent_init();
  api_prog = ent_load_file(path, NULL);
  if (!api_prog) exit(1);
  return 0;
}

/* Where the string value of the first '"program"' member starts in
   'text', and in '*len' its length: 0 when there is none. */
static size_t program_at(const char *text, size_t n, size_t *len) {
  static const char key[] = "\"program\"";
  for (size_t i = 0; i + sizeof key - 1 <= n; i++) {
    if (memcmp(text + i, key, sizeof key - 1)) continue;
    size_t j = i + sizeof key - 1;
    while (j < n && strchr(" \t\r\n", text[j]) && text[j]) j++;
    if (j >= n || text[j] != ':') continue;
    j++;
    while (j < n && strchr(" \t\r\n", text[j]) && text[j]) j++;
    if (j >= n || text[j] != '"') continue;
    const char *end = memchr(text + j + 1, '"', n - j - 1);
    if (!end) return 0;
    *len = (size_t)(end - (text + j + 1));
    return j + 1;
  }
  return 0;
}

/* A malloc'd copy of the input of exactly its length (the reader is given
   a length and must not read past it), with this program's digest in the
   "program" member when there is one. */
static char *with_digest(const uint8_t *data, size_t size, size_t *n) {
  size_t len = 0, at = program_at((const char *)data, size, &len);
  size_t dl = at ? strlen(digest) : 0;
  *n = at ? size - len + dl : size;
  char *s = malloc(*n ? *n : 1);
  if (!s) return NULL;
  if (!at) {
    memcpy(s, data, size);
    return s;
  }
  memcpy(s, data, at);
  memcpy(s + at, digest, dl);
  memcpy(s + at + dl, data + at + len, size - at - len);
  return s;
}

/* Renders the case read into 'vm' with every renderer. */
static void render_all(void) {
  outbuf o;
  out_init(&o, NULL);
  explain_json(explainer, vm, &o, EXPLAIN_ALL);
  fuzz_check_json("explain_json of a record", o.buf ? o.buf : "", o.len);
  o.len = 0;
  explain_json(explainer, vm, &o, EXPLAIN_NONE);
  fuzz_check_json("explain_json of a record (no explanations)",
                  o.buf ? o.buf : "", o.len);
  o.len = 0;
  explain_text(explainer, vm, &o);
  o.len = 0;
  report_html(explainer, vm, &o);
  out_free(&o);
}

/* The record of the case read into 'vm' must read back and give the
   same record again: what a record holds survives the round trip. */
static void round_trip(void) {
  outbuf a, b;
  out_init(&a, NULL);
  out_init(&b, NULL);
  record_write(recorder, vm, &a);
  fuzz_check_json("record_write of a record", a.buf ? a.buf : "", a.len);
  char err[512];
  if (record_read(recorder, vm, a.buf ? a.buf : "", a.len, err, sizeof err)) {
    fprintf(stderr, "fuzz: a record written from a record does not read "
            "back: %s\n%.*s\n", err, (int)a.len, a.buf);
    abort();
  }
  record_write(recorder, vm, &b);
  if (a.len != b.len || (a.len && memcmp(a.buf, b.buf, a.len))) {
    fprintf(stderr, "fuzz: a record read back writes other bytes:\n%.*s\n"
            "%.*s\n", (int)a.len, a.buf, (int)b.len, b.buf);
    abort();
  }
  out_free(&a);
  out_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t n;
  char *text = with_digest(data, size, &n);
  if (!text) return 0;
  char err[512];
  err[0] = 0;
  if (!record_read(recorder, vm, text, n, err, sizeof err)) {
    render_all();
    round_trip();
  } else {
    if (!memchr(err, 0, sizeof err)) abort();
    if (getenv("ENTITLE_FUZZ_VERBOSE"))
      fprintf(stderr, "fuzz: record_read: %s\n", err);
  }
  ent_context *c = ent_context_new(api_prog);
  if (c) {
    ent_error e;
    memset(&e, 0, sizeof e);
    if (ent_context_load_record(c, text, n, &e) == ENT_OK)
      fuzz_api_walk_context(c);
    ent_error_clear(&e);
    ent_context_free(c);
  }
  free(text);
  return 0;
}
