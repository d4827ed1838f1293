/*
** fuzz_serve.c: libFuzzer target for the request handling of entitle
** serve (src/serve.c), without sockets.
**
** Input: a raw HTTP/1.1 request, 'METHOD TARGET HTTP/1.1', header lines,
** a blank line, the body. The harness reads what libmicrohttpd would hand
** over (method, path, the explain= and format= arguments, Authorization,
** Content-Length) and feeds the body in pieces whose size the input sets,
** so that lines of a batch are cut anywhere. The service serves
** rules/send/liverpool.rules and leeds.rules, wants the bearer token
** 'fuzz-token', and takes bodies of up to 64 KiB. Checks: a request
** always gets a response with a known status; every JSON answer (a
** result, a problem, each line of a batch) is JSON; and every request
** given back leaves no request counted as pending.
*/
#include <stdatomic.h>
#include <strings.h>

#include "fuzz_common.h"
#include "serve.h"

static serve *service;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  GC_INIT();
  static char a[4096], b[4096];
  snprintf(a, sizeof a, "%s/rules/send/liverpool.rules", fuzz_srcdir());
  snprintf(b, sizeof b, "%s/rules/send/leeds.rules", fuzz_srcdir());
  char *paths[] = {a, b};
  service = serve_new(paths, 2);
  if (!service) {
    fprintf(stderr, "fuzz_serve: cannot load the policies (set "
            "ENTITLE_SRCDIR to the source tree)\n");
    exit(1);
  }
  service->max_body = 64 << 10;
  service->tokens = malloc(32);
  bc_sha256("fuzz-token", 10, service->tokens[0]);
  service->ntokens = 1;
  return 0;
}

/* The next line of 's' up to 'end' (CRLF or LF); NULL at the end. */
static const char *next_line(const char **s, const char *end, size_t *n) {
  if (*s >= end) return NULL;
  const char *l = *s, *nl = memchr(l, '\n', (size_t)(end - l));
  const char *stop = nl ? nl : end;
  *s = nl ? nl + 1 : end;
  *n = (size_t)(stop - l);
  if (*n && l[*n - 1] == '\r') (*n)--;
  return l;
}

/* Copies 'n' bytes of 's' into 'buf' (at most 'cap' - 1), terminated. */
static char *copy(char *buf, size_t cap, const char *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(buf, s, n);
  buf[n] = 0;
  return buf;
}

/* The value of argument 'key' in query 'q' ('a=1&b=2'), or NULL. */
static const char *arg(const char *q, const char *key, char *buf,
                       size_t cap) {
  size_t kn = strlen(key);
  for (const char *p = q; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1
                                                      : NULL) {
    if (!strncmp(p, key, kn) && p[kn] == '=') {
      const char *v = p + kn + 1, *e = strchr(v, '&');
      return copy(buf, cap, v, e ? (size_t)(e - v) : strlen(v));
    }
  }
  return NULL;
}

static void check_response(const serve_resp *rs) {
  switch (rs->status) {
  case 200: case 400: case 401: case 404: case 405: case 413: case 500:
  case 503: break;
  default:
    fprintf(stderr, "fuzz: unknown status %d\n", rs->status);
    abort();
  }
  const char *b = rs->body.buf ? rs->body.buf : "";
  if (!strcmp(rs->type, "application/x-ndjson")) {
    for (size_t at = 0; at < rs->body.len;) {
      const char *nl = memchr(b + at, '\n', rs->body.len - at);
      if (!nl) abort(); /* every line ends with a newline */
      fuzz_check_json("a line of a batch", b + at, (size_t)(nl - b - at));
      at = (size_t)(nl - b) + 1;
    }
  } else if (strncmp(rs->type, "text/plain", 10)) {
    fuzz_check_json("an answer", b, rs->body.len);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data, *end = s + size;
  size_t n;
  const char *l = next_line(&s, end, &n);
  if (!l) return 0;
  char method[16], target[1024], path[1024], q[1024], auth[256];
  char explain[64], format[64];
  const char *sp = memchr(l, ' ', n);
  copy(method, sizeof method, l, sp ? (size_t)(sp - l) : n);
  const char *t = sp ? sp + 1 : l + n;
  const char *sp2 = memchr(t, ' ', (size_t)(l + n - t));
  copy(target, sizeof target, t, sp2 ? (size_t)(sp2 - t) : (size_t)(l + n - t));
  char *qm = strchr(target, '?');
  copy(q, sizeof q, qm ? qm + 1 : "", qm ? strlen(qm + 1) : 0);
  copy(path, sizeof path, target, qm ? (size_t)(qm - target) : strlen(target));
  serve_head h = {0};
  h.method = method;
  h.path = path;
  h.explain = arg(q, "explain", explain, sizeof explain);
  h.format = arg(q, "format", format, sizeof format);
  while ((l = next_line(&s, end, &n)) && n) {
    char line[512];
    copy(line, sizeof line, l, n);
    if (!strncasecmp(line, "Authorization: ", 15))
      h.authorization = copy(auth, sizeof auth, line + 15, strlen(line + 15));
    else if (!strncasecmp(line, "Content-Length: ", 16)) {
      h.has_length = 1;
      h.length = strtoull(line + 16, NULL, 10);
    }
  }
  serve_req *r = serve_req_begin(service, &h);
  if (!r) return 0;
  /* The body in pieces of 1 to 61 bytes, as the input's size sets. */
  size_t piece = 1 + size % 61;
  while (s < end && !serve_req_done(r)) {
    size_t k = (size_t)(end - s) < piece ? (size_t)(end - s) : piece;
    serve_req_body(r, s, k);
    s += k;
  }
  serve_req_end(r, NULL, NULL, NULL);
  serve_resp *rs = serve_req_done(r);
  if (!rs) {
    fprintf(stderr, "fuzz: a request ended without a response\n");
    abort();
  }
  check_response(rs);
  serve_req_free(r);
  if (atomic_load(&service->pending) != 0) {
    fprintf(stderr, "fuzz: a request freed is still counted as pending\n");
    abort();
  }
  return 0;
}
