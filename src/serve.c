/*
** serve.c: the decision service's policies and requests, without sockets.
**
** Each policy is served under its file's base name. What a request runs
** on is a version: one loaded program, counted by the requests using it.
** A reload (SIGHUP) makes a new version and makes it current; requests in
** flight keep theirs, and the old version is freed by the main thread once
** no request holds it (programs live in the collector's heap, which only
** the main thread touches). Each version keeps a stack of idle workers (a
** VM, an explainer and a recorder), so that deciding allocates nothing in
** the steady state and any thread may take any worker.
**
** A request is handled as the HTTP layer feeds it: its head (route,
** method, token, declared length), its body in pieces, its end. Nothing
** from the URL reaches the file system: a policy name is only looked up
** in the table made at start-up.
*/
#define GC_THREADS
#include "serve.h"

#include <errno.h>
#include <gc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bytecode.h"
#include "diag.h"
#include "explain.h"
#include "facts.h"
#include "api.h"
#include "policy.h"
#include "needs.h"
#include "record.h"
#include "vm.h"

/* { ====== versions and workers ====== */

typedef struct worker {
  ent_vm *vm;
  explain_ctx *x;
  record_ctx *rec;
  needs_ctx *needs;            /* made on its first interview */
  outbuf scratch;              /* a result or record before it is copied */
  struct worker *next;         /* the version's idle stack */
} worker;

/* A version is malloc'd, so that leak checkers see its workers; its
   program is rooted by an uncollectable cell of the collector's heap. */
struct serve_version {
  ent_program *prog;
  ent_program **root;
  char hex[65];
  char digest[72];             /* 'sha256:' and hex */
  char loaded[32];             /* RFC 3339, UTC */
  int refs;                    /* requests using it (under serve.mu) */
  int retired;                 /* no longer current */
  worker *idle;
  serve_version *next_retired;
};

struct serve_policy {
  char name[64];
  char *path;
  serve_version *cur;          /* under serve.mu */
};

static serve_version *retired_list;

static void now_rfc3339(char *buf, size_t n) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  char base[24];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf, n, "%.20s.%03dZ", base, (int)(ts.tv_nsec / 1000000));
}

/* Opens 'path' into a new version, or NULL with its errors printed. */
static serve_version *version_open(const char *path, const char *why) {
  diag *d = diag_new();
  ent_program *p = policy_open(d, path);
  if (!p) {
    if (why) fprintf(stderr, "entitle serve: %s\n", why);
    diag_print(d, stderr);
    return NULL;
  }
  serve_version *v = calloc(1, sizeof *v);
  if (!v) return NULL;
  if (!(v->root = GC_MALLOC_UNCOLLECTABLE(sizeof *v->root))) {
    free(v);
    return NULL;
  }
  *v->root = v->prog = p;
  bc_digest_hex(p, v->hex);
  snprintf(v->digest, sizeof v->digest, "sha256:%s", v->hex);
  now_rfc3339(v->loaded, sizeof v->loaded);
  return v;
}

static void worker_free(worker *w) {
  if (!w) return;
  record_free(w->rec);
  needs_free(w->needs);
  vm_free(w->vm);
  explain_free(w->x);
  out_free(&w->scratch);
  free(w);
}

/* Frees a version no request holds. Main thread only. */
static void version_free(serve_version *v) {
  while (v->idle) {
    worker *w = v->idle;
    v->idle = w->next;
    worker_free(w);
  }
  GC_FREE(v->root);
  free(v);
}

/* A worker for 'v': an idle one, or a new one (malloc only: any thread).
   NULL when out of memory. */
static worker *worker_take(serve *S, serve_version *v) {
  pthread_mutex_lock(&S->mu);
  worker *w = v->idle;
  if (w) v->idle = w->next;
  pthread_mutex_unlock(&S->mu);
  if (w) return w;
  w = calloc(1, sizeof *w);
  if (!w) return NULL;
  out_init(&w->scratch, NULL);
  w->vm = vm_new(v->prog);
  w->x = w->vm ? explain_new(v->prog, v->hex) : NULL;
  w->rec = w->x ? record_new(v->prog, w->x) : NULL;
  if (!w->rec) {
    worker_free(w);
    return NULL;
  }
  return w;
}

static void worker_give(serve *S, serve_version *v, worker *w) {
  if (!w) return;
  pthread_mutex_lock(&S->mu);
  w->next = v->idle;
  v->idle = w;
  pthread_mutex_unlock(&S->mu);
}

static serve_version *version_hold(serve *S, serve_policy *p) {
  pthread_mutex_lock(&S->mu);
  serve_version *v = p->cur;
  v->refs++;
  pthread_mutex_unlock(&S->mu);
  return v;
}

static void version_release(serve *S, serve_version *v) {
  pthread_mutex_lock(&S->mu);
  v->refs--;
  pthread_mutex_unlock(&S->mu);
}

/* } ====== */

/* { ====== the service ====== */

/* The name a policy is served under: its file's base name without the
   extension. Only letters, digits, '.', '_' and '-', so that it can
   stand in a URL as it is. */
static int policy_name(const char *path, char *name, size_t n) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  if (!len || len >= n) return -1;
  for (size_t i = 0; i < len; i++) {
    char c = base[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return -1;
  }
  memcpy(name, base, len);
  name[len] = 0;
  return 0;
}

serve *serve_new(char **paths, int npaths) {
  serve *S = calloc(1, sizeof *S);
  if (!S) return NULL;
  pthread_mutex_init(&S->mu, NULL);
  S->policies = calloc((size_t)npaths, sizeof *S->policies);
  S->max_body = 1 << 20;
  S->max_pending = 1024;
  unsigned char rnd[8] = {0};
  if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
    uint64_t t = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    memcpy(rnd, &t, sizeof rnd);
  }
  for (int i = 0; i < 8; i++) sprintf(S->id_prefix + 2 * i, "%02x", rnd[i]);
  for (int i = 0; S->policies && i < npaths; i++) {
    serve_policy *p = &S->policies[i];
    if (policy_name(paths[i], p->name, sizeof p->name)) {
      fprintf(stderr, "entitle serve: '%s': a policy's file name must be "
              "letters, digits, '.', '_' or '-' before its extension\n",
              paths[i]);
      goto fail;
    }
    for (int k = 0; k < i; k++)
      if (!strcmp(S->policies[k].name, p->name)) {
        fprintf(stderr, "entitle serve: '%s' and '%s' would both be served "
                "as '%s'\n", S->policies[k].path, paths[i], p->name);
        goto fail;
      }
    p->path = strdup(paths[i]);
    S->npolicies = i + 1;
    if (!p->path || !(p->cur = version_open(paths[i], NULL))) goto fail;
  }
  if (S->policies) return S;
fail:
  serve_free(S);
  return NULL;
}

int serve_reload(serve *S) {
  int failed = 0;
  for (int i = 0; i < S->npolicies; i++) {
    serve_policy *p = &S->policies[i];
    char why[512];
    snprintf(why, sizeof why, "reloading '%s' failed; it keeps serving %s",
             p->name, p->cur->digest);
    serve_version *v = version_open(p->path, why);
    if (!v) {
      failed++;
      continue;
    }
    pthread_mutex_lock(&S->mu);
    serve_version *old = p->cur;
    int same = !strcmp(old->hex, v->hex);
    if (!same) {
      p->cur = v;
      old->retired = 1;
      old->next_retired = retired_list;
      retired_list = old;
    }
    pthread_mutex_unlock(&S->mu);
    fprintf(stderr, "entitle serve: %s: %s %s\n", p->name,
            same ? "unchanged," : "now serving", v->digest);
    if (same) version_free(v);
  }
  return failed;
}

void serve_collect(serve *S) {
  pthread_mutex_lock(&S->mu);
  serve_version **at = &retired_list, *done = NULL;
  while (*at) {
    serve_version *v = *at;
    if (v->refs) {
      at = &v->next_retired;
      continue;
    }
    *at = v->next_retired;
    v->next_retired = done;
    done = v;
  }
  pthread_mutex_unlock(&S->mu);
  while (done) {
    serve_version *v = done;
    done = v->next_retired;
    version_free(v);
  }
}

void serve_free(serve *S) {
  if (!S) return;
  serve_collect(S);
  for (int i = 0; S->policies && i < S->npolicies; i++) {
    if (S->policies[i].cur) version_free(S->policies[i].cur);
    free(S->policies[i].path);
  }
  free(S->policies);
  free(S->tokens);
  pthread_mutex_destroy(&S->mu);
  free(S);
}

int serve_read_tokens(serve *S, const char *path) {
  FILE *f = fopen(path, "r");
  struct stat st;
  if (!f || fstat(fileno(f), &st)) {
    fprintf(stderr, "entitle serve: cannot read '%s': %s\n", path,
            strerror(errno));
    if (f) fclose(f);
    return -1;
  }
  /* The tokens are secrets: a file others can read has leaked them. */
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    fprintf(stderr, "entitle serve: '%s' may be read by group or others "
            "(mode %04o): make it 0600\n", path, (unsigned)st.st_mode & 07777);
    fclose(f);
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) >= 0) {
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
                 line[n - 1] == ' ' || line[n - 1] == '\t'))
      n--;
    if (!n) continue;
    unsigned char (*t)[32] = realloc(S->tokens,
                                     (size_t)(S->ntokens + 1) * 32);
    if (!t) break;
    S->tokens = t;
    bc_sha256(line, (size_t)n, S->tokens[S->ntokens++]);
  }
  if (line) memset(line, 0, cap);
  free(line);
  fclose(f);
  if (!S->ntokens) {
    fprintf(stderr, "entitle serve: '%s' holds no token\n", path);
    return -1;
  }
  return 0;
}

/* Whether the Authorization header holds one of the tokens. Every token
   is compared, byte for byte, without an early exit, and through its
   sha256 so that neither the time taken nor its length gives a token
   away. */
static int token_ok(const serve *S, const char *auth) {
  if (!S->ntokens) return 1;
  if (!auth || strncasecmp(auth, "Bearer ", 7)) return 0;
  const char *t = auth + 7;
  while (*t == ' ') t++;
  unsigned char h[32];
  bc_sha256(t, strlen(t), h);
  volatile unsigned found = 0;
  for (int i = 0; i < S->ntokens; i++) {
    unsigned d = 0;
    for (int k = 0; k < 32; k++) d |= h[k] ^ S->tokens[i][k];
    found |= 1u & ((d - 1) >> 8);
  }
  memset(h, 0, sizeof h);
  return found != 0;
}

/* } ====== */

/* { ====== requests ====== */

enum { R_NONE, R_HEALTH, R_POLICIES, R_DECIDE, R_BATCH, R_NEEDS };

struct serve_req {
  serve *S;
  int route, counted;
  serve_policy *pol;
  serve_version *v;
  worker *w;                   /* a batch holds one from its first line */
  int how, record;             /* explain; format=record */
  int text;                    /* needs: format=text */
  outbuf in;                   /* the body (decide) or a partial line */
  uint64_t seen, lineno, last_seq;
  int failed_log;
  int done;
  serve_resp resp;
};

static const char *status_title(int status) {
  switch (status) {
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 413: return "Content Too Large";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return "Error";
  }
}

/* A message as a JSON string (it may quote bytes of the case that are
   not UTF-8; out_json_text keeps the answer JSON). */
static void json_text(outbuf *o, const char *s) {
  out_json_text(o, s, strlen(s));
}

/* An RFC 9457 problem; 'e' adds the case field's path and position. */
static void problem(serve_req *r, int status, const char *detail,
                    const facts_error *e) {
  outbuf *o = &r->resp.body;
  o->len = 0;
  r->resp.status = status;
  r->resp.type = "application/problem+json";
  OUT_LIT(o, "{\"type\":\"about:blank\",\"title\":");
  out_json(o, status_title(status), strlen(status_title(status)));
  OUT_LIT(o, ",\"status\":");
  out_int(o, status);
  OUT_LIT(o, ",\"detail\":");
  json_text(o, detail);
  if (e) {
    OUT_LIT(o, ",\"path\":");
    json_text(o, e->path);
    OUT_LIT(o, ",\"line\":");
    out_int(o, e->line);
    OUT_LIT(o, ",\"column\":");
    out_int(o, e->col);
  }
  OUT_LIT(o, "}\n");
  r->done = 1;
}

static void json_ok(serve_req *r, const char *type) {
  r->resp.status = 200;
  r->resp.type = type;
  r->done = 1;
}

/* Splits '/v1/policies/NAME/ACTION'; returns the route or R_NONE. */
static int route(serve_req *r, const char *path) {
  if (!strcmp(path, "/v1/health")) return R_HEALTH;
  if (!strcmp(path, "/v1/policies")) return R_POLICIES;
  static const char pre[] = "/v1/policies/";
  if (strncmp(path, pre, sizeof pre - 1)) return R_NONE;
  const char *name = path + sizeof pre - 1, *slash = strchr(name, '/');
  if (!slash) return R_NONE;
  int rt = !strcmp(slash, "/decide")         ? R_DECIDE
           : !strcmp(slash, "/decide-batch") ? R_BATCH
           : !strcmp(slash, "/needs")        ? R_NEEDS
                                             : R_NONE;
  if (rt == R_NONE) return R_NONE;
  size_t n = (size_t)(slash - name);
  for (int i = 0; i < r->S->npolicies; i++)
    if (strlen(r->S->policies[i].name) == n &&
        !memcmp(r->S->policies[i].name, name, n))
      r->pol = &r->S->policies[i];
  return rt;
}

static void list_policies(serve_req *r) {
  serve *S = r->S;
  outbuf *o = &r->resp.body;
  OUT_LIT(o, "{\"policies\":[");
  pthread_mutex_lock(&S->mu);
  for (int i = 0; i < S->npolicies; i++) {
    serve_version *v = S->policies[i].cur;
    const char *ver = prog_str(v->prog, v->prog->version);
    if (i) out_c(o, ',');
    OUT_LIT(o, "{\"name\":");
    out_json(o, S->policies[i].name, strlen(S->policies[i].name));
    OUT_LIT(o, ",\"version\":");
    out_json(o, ver, strlen(ver));
    OUT_LIT(o, ",\"digest\":");
    out_json(o, v->digest, strlen(v->digest));
    OUT_LIT(o, ",\"loaded\":");
    out_json(o, v->loaded, strlen(v->loaded));
    out_c(o, '}');
  }
  pthread_mutex_unlock(&S->mu);
  OUT_LIT(o, "]}\n");
  json_ok(r, "application/json");
}

/* The query's explain= and format=: 0, or -1 with a 400 made. */
static int query(serve_req *r, const serve_head *h) {
  r->how = EXPLAIN_ALL;
  if (h->explain) {
    if (!strcmp(h->explain, "false")) r->how = EXPLAIN_NONE;
    else if (strcmp(h->explain, "true")) {
      problem(r, 400, "explain is true or false", NULL);
      return -1;
    }
  }
  if (h->format && r->route == R_NEEDS) {
    if (!strcmp(h->format, "text")) r->text = 1;
    else if (strcmp(h->format, "json")) {
      problem(r, 400, "format is json or text", NULL);
      return -1;
    }
  } else if (h->format) {
    if (!strcmp(h->format, "record")) r->record = 1;
    else if (strcmp(h->format, "json")) {
      problem(r, 400, "format is json or record", NULL);
      return -1;
    }
  }
  return 0;
}

static void too_large(serve_req *r) {
  char msg[128];
  snprintf(msg, sizeof msg, "the body is larger than the limit of %zu "
           "bytes (--max-body)", r->S->max_body);
  problem(r, 413, msg, NULL);
}

serve_req *serve_req_begin(serve *S, const serve_head *h) {
  serve_req *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->S = S;
  out_init(&r->in, NULL);
  out_init(&r->resp.body, NULL);
  r->route = route(r, h->path ? h->path : "");
  int post = r->route == R_DECIDE || r->route == R_BATCH ||
             r->route == R_NEEDS;
  const char *want = post ? "POST" : "GET";
  if (r->route == R_NONE) {
    problem(r, 404, "no such path: the paths are /v1/health, /v1/policies "
            "and /v1/policies/NAME/decide, decide-batch or needs", NULL);
  } else if (!h->method || strcmp(h->method, want)) {
    r->resp.allow = want;
    problem(r, 405, post ? "use POST" : "use GET", NULL);
  } else if (r->route != R_HEALTH && !token_ok(S, h->authorization)) {
    problem(r, 401, h->authorization ? "the token is not one of the service's"
                                     : "a bearer token is needed", NULL);
  } else if (post && !r->pol) {
    problem(r, 404, "no such policy: GET /v1/policies lists them", NULL);
  } else if (h->has_length && h->length > S->max_body) {
    too_large(r);
  } else if ((r->counted = 1,
              atomic_fetch_add(&S->pending, 1) >= S->max_pending)) {
    problem(r, 503, "too many requests at once: try again", NULL);
  } else if (r->route == R_HEALTH) {
    OUT_LIT(&r->resp.body, "{\"status\":\"ok\"}\n");
    json_ok(r, "application/json");
  } else if (r->route == R_POLICIES) {
    list_policies(r);
  } else if (!query(r, h)) {
    r->v = version_hold(S, r->pol);
  }
  return r;
}

/* The decision id of the next decision. */
static void next_id(serve *S, char *id, size_t n) {
  uint64_t k = atomic_fetch_add(&S->next_id, 1) + 1;
  snprintf(id, n, "%s-%llu", S->id_prefix, (unsigned long long)k);
}

/* Appends the log line of the case just decided by 'w'; its record is
   in w->scratch. 'json'/'len': the case, for its sha256. */
static void log_decision(serve_req *r, worker *w, const char *id,
                         const char *json, size_t len) {
  if (!r->S->log) return;
  unsigned char h[32];
  bc_sha256(json, len, h);
  char hex[65], when[32];
  for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", h[i]);
  now_rfc3339(when, sizeof when);
  outbuf line;
  out_init(&line, NULL);
  OUT_LIT(&line, "{\"decision_id\":");
  out_json(&line, id, strlen(id));
  OUT_LIT(&line, ",\"time\":\"");
  out_s(&line, when);
  OUT_LIT(&line, "\",\"policy\":");
  out_json(&line, r->pol->name, strlen(r->pol->name));
  OUT_LIT(&line, ",\"digest\":\"");
  out_s(&line, r->v->digest);
  OUT_LIT(&line, "\",\"case_sha256\":\"");
  out_s(&line, hex);
  OUT_LIT(&line, "\",\"record\":");
  out_mem(&line, w->scratch.buf, w->scratch.len);
  out_c(&line, '}');
  uint64_t seq = line.error ? 0
                            : serve_log_append(r->S->log, line.buf, line.len);
  out_free(&line);
  if (!seq) r->failed_log = 1;
  else r->last_seq = seq;
}

/* Writes the result of the case decided by 'w' into 'o', with its id:
   the JSON eval prints, or {"decision_id", "record"}. */
static void write_result(serve_req *r, worker *w, const char *id,
                         outbuf *o) {
  OUT_LIT(o, "{\"decision_id\":");
  out_json(o, id, strlen(id));
  if (r->record) {
    OUT_LIT(o, ",\"record\":");
    out_mem(o, w->scratch.buf, w->scratch.len);
    out_c(o, '}');
    return;
  }
  size_t at = o->len;
  explain_json(w->x, w->vm, o, r->how);
  /* The result is one object: its '{' becomes the ',' after the id. */
  if (o->len > at && o->buf[at] == '{') o->buf[at] = ',';
}

static const char *vm_error_text(int rc) {
  switch (rc) {
  case VM_INVALID: return "the case does not meet a requirement";
  case VM_BUDGET:
    return "the case needs more evaluation steps than allowed (--max-steps)";
  case VM_MEMORY: return "out of memory";
  default: return "internal error in the evaluator";
  }
}

/* Decides 'json' with 'w'. Returns 0 when decided, else an HTTP status
   with 'msg' (and 'e' for a field) saying why, as eval does. */
static int decide(worker *w, const ent_program *p, const char *json,
                  size_t len, facts_error *e, outbuf *msg) {
  if (facts_decode(w->vm, json, len, e)) return 400;
  int rc = vm_run(w->vm);
  e->path[0] = 0;
  e->line = e->col = 0;
  if (rc == VM_INVALID) {
    explain_requirement(p, w->vm, msg);
  } else if (rc != VM_OK) {
    out_s(msg, vm_error_text(rc));
  }
  out_c(msg, 0);
  return rc == VM_OK ? 0 : rc == VM_INVALID || rc == VM_BUDGET ? 400 : 500;
}

static void decide_one(serve_req *r) {
  worker *w = worker_take(r->S, r->v);
  if (!w) {
    problem(r, 500, "out of memory", NULL);
    return;
  }
  facts_error e;
  outbuf msg;
  out_init(&msg, NULL);
  int st = decide(w, r->v->prog, r->in.buf ? r->in.buf : "", r->in.len, &e,
                  &msg);
  if (st) {
    problem(r, st, st == 400 && !msg.len ? e.message : msg.buf,
            msg.len ? NULL : &e);
  } else {
    char *id = r->resp.decision_id;
    next_id(r->S, id, sizeof r->resp.decision_id);
    w->scratch.len = 0;
    record_write(w->rec, w->vm, &w->scratch);
    log_decision(r, w, id, r->in.buf ? r->in.buf : "", r->in.len);
    write_result(r, w, id, &r->resp.body);
    out_c(&r->resp.body, '\n');
    json_ok(r, "application/json");
  }
  out_free(&msg);
  worker_give(r->S, r->v, w);
}

/* The interview: what the partial case decides and which facts it
   still needs, as entitle needs answers. Nothing is logged: no decision
   is answered, and the final one, made on the whole case, is. */
static void needs_one(serve_req *r) {
  worker *w = worker_take(r->S, r->v);
  if (!w) {
    problem(r, 500, "out of memory", NULL);
    return;
  }
  const ent_program *p = r->v->prog;
  facts_error e;
  if (!w->needs && !(w->needs = needs_new(p))) {
    problem(r, 500, "out of memory", NULL);
  } else if (facts_decode_partial(w->vm, r->in.buf ? r->in.buf : "",
                                  r->in.len, &e)) {
    problem(r, 400, e.message, &e);
  } else {
    int rc = needs_run(w->needs, w->vm);
    if (rc != VM_OK) {
      outbuf msg;
      out_init(&msg, NULL);
      if (rc == VM_INVALID) explain_requirement(p, w->vm, &msg);
      else out_s(&msg, vm_error_text(rc));
      out_c(&msg, 0);
      problem(r, rc == VM_INVALID || rc == VM_BUDGET ? 400 : 500,
              msg.error ? "out of memory" : msg.buf, NULL);
      out_free(&msg);
    } else if (r->text) {
      needs_text(w->needs, w->x, w->vm, &r->resp.body);
      json_ok(r, "text/plain; charset=utf-8");
    } else {
      needs_json(w->needs, w->x, w->vm, &r->resp.body);
      out_c(&r->resp.body, '\n');
      json_ok(r, "application/json");
    }
  }
  worker_give(r->S, r->v, w);
}

/* One line of a batch, as eval --jsonl answers it: a result with its
   decision id, or {"line", "error"}. */
static void batch_line(serve_req *r, const char *line, size_t len) {
  worker *w = r->w;
  outbuf *o = &r->resp.body;
  r->lineno++;
  if (len && line[len - 1] == '\r') len--;
  facts_error e;
  outbuf msg;
  out_init(&msg, NULL);
  int st = decide(w, r->v->prog, line, len, &e, &msg);
  if (st) {
    api_error_line(o, r->lineno, msg.len ? NULL : &e, msg.buf);
  } else {
    char id[48];
    next_id(r->S, id, sizeof id);
    w->scratch.len = 0;
    record_write(w->rec, w->vm, &w->scratch);
    log_decision(r, w, id, line, len);
    write_result(r, w, id, o);
    out_c(o, '\n');
  }
  out_free(&msg);
}

/* Decides every complete line in r->in and keeps the rest. */
static void batch_lines(serve_req *r, int last) {
  size_t start = 0;
  for (size_t i = 0; i < r->in.len; i++)
    if (r->in.buf[i] == '\n') {
      batch_line(r, r->in.buf + start, i - start);
      start = i + 1;
    }
  if (last && start < r->in.len) {
    batch_line(r, r->in.buf + start, r->in.len - start);
    start = r->in.len;
  }
  /* An empty body has no buffer at all. */
  if (!start) return;
  memmove(r->in.buf, r->in.buf + start, r->in.len - start);
  r->in.len -= start;
}

void serve_req_body(serve_req *r, const char *data, size_t n) {
  if (r->done || !r->v) return;
  r->seen += n;
  if (r->seen > r->S->max_body) {
    too_large(r);
    return;
  }
  out_mem(&r->in, data, n);
  if (r->route != R_BATCH || !memchr(data, '\n', n)) return;
  if (!r->w && !(r->w = worker_take(r->S, r->v))) {
    problem(r, 500, "out of memory", NULL);
    return;
  }
  batch_lines(r, 0);
}

void serve_req_end(serve_req *r, void *waiter, void (*lock)(void *),
                   void *arg) {
  if (r->done || !r->v) return;
  if (r->in.error) {
    problem(r, 500, "out of memory", NULL);
  } else if (r->route == R_DECIDE) {
    decide_one(r);
  } else if (r->route == R_NEEDS) {
    needs_one(r);
  } else {
    if (!r->w && !(r->w = worker_take(r->S, r->v))) {
      problem(r, 500, "out of memory", NULL);
      return;
    }
    batch_lines(r, 1);
    json_ok(r, "application/x-ndjson");
  }
  if (r->failed_log) {
    problem(r, 500, "the decision log cannot be written: no decision is "
            "answered", NULL);
    return;
  }
  if (r->resp.body.error) problem(r, 500, "out of memory", NULL);
  if (!r->S->log || !r->last_seq) return;
  if (serve_log_wait(r->S->log, r->last_seq, waiter, lock, arg))
    r->resp.log_seq = r->last_seq;
  else
    serve_req_resumed(r);
}

void serve_req_resumed(serve_req *r) {
  if (r->last_seq && !serve_log_durable(r->S->log, r->last_seq))
    problem(r, 500, "the decision log cannot be written: no decision is "
            "answered", NULL);
  r->resp.log_seq = 0;
}

serve_resp *serve_req_done(serve_req *r) { return r->done ? &r->resp : NULL; }

void serve_req_free(serve_req *r) {
  if (!r) return;
  if (r->w) worker_give(r->S, r->v, r->w);
  if (r->v) version_release(r->S, r->v);
  if (r->counted) atomic_fetch_sub(&r->S->pending, 1);
  out_free(&r->in);
  out_free(&r->resp.body);
  free(r);
}

/* } ====== */
