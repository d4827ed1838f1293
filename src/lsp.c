/*
** lsp.c: entitle lsp, a language server for rule files (doc/lsp.md).
**
** JSON-RPC 2.0 messages with LSP's base protocol headers, over standard
** input and output, one message at a time: a request is answered before
** the next is read, so '$/cancelRequest' has nothing to cancel. JSON is
** read and written with jansson only.
**
** Each open document is compiled as the root of its own policy, with the
** editor's text of every open file it imports (diag.h's source hook)
** rather than the disk's; its diagnostics are those 'entitle check'
** reports, collected from the diag rather than printed. An error in an
** imported file is shown at the import that reads it, with the real place
** as related information: each file's own diagnostics are its own. A
** change marks dirty the documents that read the changed file; they are
** compiled again when the input has nothing waiting (lsp_idle), or
** before a request about them is answered.
*/
#include "lsp.h"

#include <errno.h>
#include <fcntl.h>
#include <gc.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "compile.h"
#include "config.h"
#include "diag.h"
#include "fmt.h"
#include "grow.h"
#include "literate.h"
#include "lsp_index.h"
#include "oom.h"
#include "parse.h"
#include "sema.h"
#include "utf8.h"

/* The largest message read: a rule file may have 64 MiB (module.c), and
   its text is a little longer in JSON. A longer message is read past and
   refused. */
#define LSP_MAX_MESSAGE ((size_t)80 << 20)
/* The most bytes of header lines before a message's body. */
#define LSP_MAX_HEADER 8192

enum { /* JSON-RPC's error codes, and LSP's */
  ERR_PARSE = -32700,
  ERR_INVALID_REQUEST = -32600,
  ERR_METHOD = -32601,
  ERR_PARAMS = -32602,
  ERR_INTERNAL = -32603,
  ERR_NOT_INITIALIZED = -32002,
  ERR_REQUEST_FAILED = -32803
};

/* A file the last compile of a document read, and where it was imported. */
typedef struct {
  const char *path; /* normalized */
  loc_t from;
} lsp_read;

typedef struct {
  char *uri;         /* as the client names it */
  char *path;        /* the file it is compiled as, normalized */
  char *text;        /* NUL-terminated */
  size_t len;
  json_int_t version;
  int dirty;         /* changed, or a file it reads did, since published */
  lsp_read *reads;   /* the files its last compile read, root first */
  int nreads;
  lsp_index *ix;     /* of its last compile; NULL if none */
} lsp_doc;

struct lsp_server {
  lsp_write_fn write;
  void *wctx;
  char *in;          /* input not handled yet (malloc'd) */
  size_t len, cap;
  size_t body;       /* the length of the body being read, + 1; 0 while
                        reading headers */
  size_t skip;       /* bytes of a refused message still to read past */
  int initialized, shutdown;
  int status;        /* -1 while the session goes on */
  const char *problem;
  lsp_doc **docs;
  int ndocs, capdocs;
  int err_code;      /* the error a request handler failed with */
  char err[512];
};

/* { ====== writing messages ====== */

/* A JSON string of 's', each byte that is not UTF-8 made U+FFFD: a
   message may quote a file name, and json_string() refuses such bytes. */
static json_t *jstr(const char *s) {
  json_t *v = json_string(s ? s : "");
  if (v) return v;
  size_t n = strlen(s);
  char *t = malloc(3 * n + 1);
  if (!t) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    int l = utf8_len((const unsigned char *)s + i, n - i);
    if (l) {
      memcpy(t + k, s + i, (size_t)l);
      k += (size_t)l;
      i += (size_t)l;
    } else {
      memcpy(t + k, "\xEF\xBF\xBD", 3);
      k += 3;
      i++;
    }
  }
  t[k] = 0;
  v = json_string(t);
  free(t);
  return v;
}

static void end_session(lsp_server *srv, int status, const char *why) {
  if (srv->status < 0) srv->status = status;
  if (why && !srv->problem) srv->problem = why;
}

/* Sends 'msg' (taking it) with its header, in one write. */
static void send_msg(lsp_server *srv, json_t *msg) {
  if (!msg || srv->status >= 0) {
    json_decref(msg);
    if (!msg) end_session(srv, 1, "out of memory");
    return;
  }
  char *body = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (!body) {
    end_session(srv, 1, "out of memory");
    return;
  }
  size_t n = strlen(body);
  char head[48];
  int h = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", n);
  char *all = malloc((size_t)h + n);
  if (all) {
    memcpy(all, head, (size_t)h);
    memcpy(all + h, body, n);
    if (srv->write(srv->wctx, all, (size_t)h + n))
      end_session(srv, 1, "cannot write to the client");
  } else {
    end_session(srv, 1, "out of memory");
  }
  free(all);
  free(body);
}

static void reply(lsp_server *srv, json_t *id, json_t *result) {
  send_msg(srv, json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id",
                          id ? id : json_null(), "result",
                          result ? result : json_null()));
}

static void reply_error(lsp_server *srv, json_t *id, int code,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void reply_error(lsp_server *srv, json_t *id, int code,
                        const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  send_msg(srv, json_pack("{s:s,s:O,s:{s:i,s:o}}", "jsonrpc", "2.0", "id",
                          id ? id : json_null(), "error", "code", code,
                          "message", jstr(msg)));
}

static void notify(lsp_server *srv, const char *method, json_t *params) {
  send_msg(srv, json_pack("{s:s,s:s,s:o}", "jsonrpc", "2.0", "method",
                          method, "params", params));
}

/* A request handler's failure: the error its answer carries. */
static json_t *fail(lsp_server *srv, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static json_t *fail(lsp_server *srv, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(srv->err, sizeof srv->err, fmt, ap);
  va_end(ap);
  srv->err_code = code;
  return NULL;
}

/* } ====== */

/* { ====== positions: bytes of UTF-8 and LSP's UTF-16 code units ====== */

/* The UTF-16 code units of the UTF-8 character starting with byte 'c':
   two for a character past U+FFFF (a four-byte sequence), else one. */
static int units_of(unsigned char c) { return c >= 0xF0 ? 2 : 1; }

static int seq_len(unsigned char c) {
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The byte offset of LSP position 'line', 'ch' in 't': past the end of
   its line is its end, past the last line is the end of the text. */
static size_t text_offset(const char *t, size_t len, json_int_t line,
                          json_int_t ch) {
  size_t p = 0;
  for (json_int_t l = 0; l < line; l++) {
    const char *nl = memchr(t + p, '\n', len - p);
    if (!nl) return len;
    p = (size_t)(nl - t) + 1;
  }
  for (json_int_t u = 0; p < len && t[p] != '\n';) {
    unsigned char c = (unsigned char)t[p];
    if (u + units_of(c) > ch) break;
    u += units_of(c);
    p += (size_t)seq_len(c);
  }
  return p > len ? len : p;
}

/* The LSP position of byte 'off' of file 'file' of 'd'. */
static json_t *position(const diag *d, int file, uint32_t off) {
  int line, col;
  diag_linecol(d, file, off, &line, &col); /* indexes the lines */
  const char *t = d->texts[file];
  size_t len = d->lens[file];
  if (off > len) off = (uint32_t)len;
  json_int_t u = 0;
  for (uint32_t i = d->line_starts[file][line - 1]; i < off; i++)
    if (((unsigned char)t[i] & 0xC0) != 0x80) u += units_of((unsigned char)t[i]);
  return json_pack("{s:I,s:I}", "line", (json_int_t)line - 1, "character",
                   u);
}

static json_t *range_of(const diag *d, loc_t l) {
  if (l.file < 0 || l.file >= d->nfiles)
    return json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", 0,
                     "character", 0, "end", "line", 0, "character", 0);
  uint32_t end = l.end < l.start ? l.start : l.end;
  return json_pack("{s:o,s:o}", "start", position(d, l.file, l.start), "end",
                   position(d, l.file, end));
}

/* } ====== */

/* { ====== documents and URIs ====== */

static int hexval(int c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The file a URI names: the decoded path of a 'file:' URI; any other URI
   (an editor's unsaved 'untitled:' buffer) is its own name, so that its
   imports are looked for beside the server's directory. */
static char *uri_path(const char *uri) {
  if (strncmp(uri, "file://", 7)) return lx_normalize(uri);
  const char *p = strchr(uri + 7, '/'); /* past the authority */
  if (!p) return lx_normalize(uri);
  size_t n = strlen(p);
  char *out = GC_MALLOC_ATOMIC(n + 1);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    int h, l;
    if (p[i] == '%' && i + 2 < n && (h = hexval(p[i + 1])) >= 0 &&
        (l = hexval(p[i + 2])) >= 0 && (h || l)) {
      out[k++] = (char)(h * 16 + l);
      i += 2;
    } else {
      out[k++] = p[i];
    }
  }
  out[k] = 0;
  return lx_normalize(out);
}

/* The 'file:' URI of 'path', every byte but unreserved ones and '/'
   percent-encoded. A relative path is taken from the current directory. */
static char *path_uri(const char *path) {
  char cwd[4096] = "";
  if (path[0] != '/' && getcwd(cwd, sizeof cwd - 1)) strcat(cwd, "/");
  size_t n = strlen(cwd) + strlen(path);
  char *out = GC_MALLOC_ATOMIC(3 * n + 8);
  strcpy(out, "file://");
  size_t k = 7;
  for (int part = 0; part < 2; part++)
    for (const unsigned char *s = (const unsigned char *)(part ? path : cwd);
         *s; s++) {
      if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || strchr("-._~/", *s)) {
        out[k++] = (char)*s;
      } else {
        k += (size_t)sprintf(out + k, "%%%02X", *s);
      }
    }
  out[k] = 0;
  return out;
}

static lsp_doc *doc_by_uri(const lsp_server *srv, const char *uri) {
  for (int i = 0; i < srv->ndocs; i++)
    if (!strcmp(srv->docs[i]->uri, uri)) return srv->docs[i];
  return NULL;
}

static lsp_doc *doc_by_path(const lsp_server *srv, const char *path) {
  for (int i = 0; i < srv->ndocs; i++)
    if (!strcmp(srv->docs[i]->path, path)) return srv->docs[i];
  return NULL;
}

/* The URI of file 'file' of 'd', in the compile of 'doc' whose root file
   is 'root': an open document's own URI when it is one. */
static const char *file_uri(const lsp_server *srv, const lsp_doc *doc,
                            const diag *d, int root, int file) {
  if (file == root) return doc->uri;
  const char *p = lx_normalize(d->names[file]);
  const lsp_doc *o = doc_by_path(srv, p);
  return o ? o->uri : path_uri(p);
}

/* The documents compiled from 'path' or reading it are out of date. */
static void touch(lsp_server *srv, const char *path) {
  for (int i = 0; i < srv->ndocs; i++) {
    lsp_doc *o = srv->docs[i];
    if (!strcmp(o->path, path)) o->dirty = 1;
    for (int k = 0; k < o->nreads && !o->dirty; k++)
      if (!strcmp(o->reads[k].path, path)) o->dirty = 1;
  }
}

/* } ====== */

/* { ====== compiling a document ====== */

typedef struct {
  lsp_server *srv;
  lsp_doc *doc;
  diag *d;
  lsp_read *reads;
  int nreads, capreads;
  lsp_index *ix;
} compile_job;

/* diag.h's source hook: the editor's text of every open document, and a
   note of each file read and where it was imported from. */
static const char *source_text(void *ctx, const char *path, loc_t from,
                               size_t *len) {
  compile_job *j = ctx;
  const char *p = lx_normalize(path);
  GROW(j->reads, j->nreads, j->capreads);
  j->reads[j->nreads++] = (lsp_read){p, from};
  const lsp_doc *o = !strcmp(path, j->doc->path) ? j->doc
                                                 : doc_by_path(j->srv, p);
  if (!o) return NULL;
  *len = o->len;
  return o->text;
}

static decl **decl_array(decl *list, int *n) {
  *n = 0;
  for (decl *d = list; d; d = d->next) ++*n;
  decl **a = GC_MALLOC((size_t)(*n + 1) * sizeof *a);
  int i = 0;
  for (decl *d = list; d; d = d->next) a[i++] = d;
  return a;
}

/* What 'entitle check' does (policy.c), keeping what the checker found
   even when the policy has errors. When the files do not load (a syntax
   error), the root file alone is parsed again for its declarations, by
   the reader module.c would use for it (a literate file's blocks). */
static void compile_steps(void *arg) {
  compile_job *j = arg;
  j->d = diag_new();
  j->d->source = source_text;
  j->d->source_ctx = j;
  sema *s = module_load(j->d, j->doc->path, NULL, 0);
  int n;
  if (s) {
    decl **all = decl_array(s->decls, &n); /* before resolve rewrites it */
    if (!resolve_policy(s)) compile_policy(s);
    j->ix = lx_build(j->d, s, all, n, s->root);
    return;
  }
  diag *alone = diag_new();
  int id = diag_add_file(alone, j->doc->path, j->doc->text, j->doc->len);
  decl *ds = module_check_text(alone, id) ? NULL
             : literate_is(j->doc->path) ? literate_parse(alone, id)
                                         : parse_file(alone, id);
  decl **all = decl_array(ds, &n);
  j->ix = lx_build(alone, NULL, all, n, id);
}

/* Where file 'file' of the compile is imported into its root file: the
   import that reads it, or the one reading the file that imports it. */
static loc_t import_site(const compile_job *j, int file) {
  for (int depth = 0; depth < 64 && file > 0 && file < j->d->nfiles;
       depth++) {
    const char *p = lx_normalize(j->d->names[file]);
    loc_t from = NOLOC;
    for (int k = 0; k < j->nreads; k++)
      if (!strcmp(j->reads[k].path, p)) {
        from = j->reads[k].from;
        break;
      }
    if (from.file == 0) return from;
    file = from.file;
  }
  return NOLOC;
}

/* How a message names a place in an imported file, as 'check' prints
   it: the file (relative to the root's folder when inside it), line and
   column. */
static char *place_name(const diag *d, loc_t l) {
  const char *name = d->names[l.file], *root = d->names[0];
  const char *slash = strrchr(root, '/');
  size_t dl = slash ? (size_t)(slash - root + 1) : 0;
  if (dl && !strncmp(name, root, dl)) name += dl;
  int line, col;
  diag_linecol(d, l.file, l.start, &line, &col);
  size_t n = strlen(name) + 32;
  char *r = GC_MALLOC_ATOMIC(n);
  snprintf(r, n, "%s:%d:%d", name, line, col);
  return r;
}

static json_t *related(const lsp_server *srv, const compile_job *j,
                       loc_t l, const char *msg) {
  return json_pack("{s:{s:o,s:o},s:o}", "location", "uri",
                   jstr(file_uri(srv, j->doc, j->d, 0, l.file)), "range",
                   range_of(j->d, l), "message", jstr(msg));
}

/* One diagnostic of the root file for message 'm'. */
static json_t *diagnostic(const lsp_server *srv, const compile_job *j,
                          const diag_msg *m, loc_t *shown) {
  loc_t at = m->loc;
  json_t *rel = json_array();
  const char *text = m->text;
  if (at.file > 0 && at.file < j->d->nfiles) {
    json_array_append_new(rel, related(srv, j, at, m->text));
    char *place = place_name(j->d, at);
    char *t = GC_MALLOC_ATOMIC(strlen(place) + strlen(m->text) + 3);
    sprintf(t, "%s: %s", place, m->text);
    text = t;
    at = import_site(j, at.file);
  }
  if (at.file != 0) at = loc_make(0, 0, 0);
  *shown = at;
  json_t *dj = json_pack("{s:o,s:i,s:s,s:o}", "range", range_of(j->d, at),
                         "severity", m->severity == DIAG_ERROR ? 1 : 2,
                         "source", "entitle", "message", jstr(text));
  if (dj && json_array_size(rel))
    json_object_set(dj, "relatedInformation", rel);
  json_decref(rel);
  return dj;
}

/* The diagnostics of the compile, in the order 'check' prints them; a
   note goes with the message before it, as related information. */
static json_t *diagnostics(const lsp_server *srv, const compile_job *j) {
  json_t *arr = json_array();
  json_t *last = NULL;
  loc_t last_at = NOLOC;
  if (!j->d || j->d->nfiles < 1) return arr;
  for (const diag_msg *m = j->d->first; m; m = m->next) {
    if (m->severity == DIAG_NOTE) {
      if (!last) continue;
      json_t *rel = json_object_get(last, "relatedInformation");
      if (!rel) {
        json_object_set_new(last, "relatedInformation", json_array());
        rel = json_object_get(last, "relatedInformation");
      }
      loc_t l = m->loc.file >= 0 && m->loc.file < j->d->nfiles ? m->loc
                                                               : last_at;
      json_array_append_new(rel, related(srv, j, l, m->text));
      continue;
    }
    last = diagnostic(srv, j, m, &last_at);
    json_array_append_new(arr, last);
  }
  if (j->d->nerrors > j->d->max_errors) {
    char msg[128];
    snprintf(msg, sizeof msg, "too many errors (%d); stopped after %d",
             j->d->nerrors, j->d->max_errors);
    json_array_append_new(
        arr, json_pack("{s:o,s:i,s:s,s:o}", "range",
                       range_of(j->d, loc_make(0, 0, 0)), "severity", 3,
                       "source", "entitle", "message", jstr(msg)));
  }
  return arr;
}

static void publish(lsp_server *srv, const lsp_doc *doc, json_t *list) {
  json_t *p = json_pack("{s:o,s:o}", "uri", jstr(doc->uri), "diagnostics",
                        list);
  if (p && doc->version >= 0)
    json_object_set_new(p, "version", json_integer(doc->version));
  notify(srv, "textDocument/publishDiagnostics", p);
}

/* Compiles 'doc' and publishes its diagnostics. */
static void refresh(lsp_server *srv, lsp_doc *doc) {
  compile_job j = {0};
  j.srv = srv;
  j.doc = doc;
  doc->dirty = 0;
  if (oom_guard(compile_steps, &j)) {
    doc->ix = NULL;
    json_t *list = json_array();
    json_array_append_new(
        list, json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}},s:i,s:s,s:s}", "range",
                        "start", "line", 0, "character", 0, "end", "line", 0,
                        "character", 0, "severity", 1, "source", "entitle",
                        "message", "out of memory compiling the policy"));
    publish(srv, doc, list);
    return;
  }
  doc->ix = j.ix;
  doc->reads = j.reads;
  doc->nreads = j.nreads;
  publish(srv, doc, diagnostics(srv, &j));
}

void lsp_idle(lsp_server *srv) {
  for (int i = 0; i < srv->ndocs && srv->status < 0; i++)
    if (srv->docs[i]->dirty) refresh(srv, srv->docs[i]);
}

/* } ====== */

/* { ====== parameters ====== */

static const char *get_str(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The open document a request's 'textDocument' names; NULL with the
   handler's error set. */
static lsp_doc *param_doc(lsp_server *srv, json_t *params) {
  json_t *td = json_object_get(params, "textDocument");
  const char *uri = get_str(td, "uri");
  if (!uri) {
    fail(srv, ERR_PARAMS, "expected params.textDocument.uri, a string");
    return NULL;
  }
  lsp_doc *doc = doc_by_uri(srv, uri);
  if (!doc) {
    fail(srv, ERR_PARAMS, "document '%.300s' is not open", uri);
    return NULL;
  }
  if (doc->dirty || !doc->ix) refresh(srv, doc);
  return doc;
}

/* The byte a request's 'position' points at; -1 with the error set. */
static int64_t param_offset(lsp_server *srv, json_t *params,
                            const lsp_doc *doc) {
  json_t *pos = json_object_get(params, "position");
  json_t *line = json_object_get(pos, "line");
  json_t *ch = json_object_get(pos, "character");
  if (!json_is_integer(line) || !json_is_integer(ch) ||
      json_integer_value(line) < 0 || json_integer_value(ch) < 0) {
    fail(srv, ERR_PARAMS, "expected params.position with 'line' and "
         "'character', integers from 0");
    return -1;
  }
  return (int64_t)text_offset(doc->text, doc->len, json_integer_value(line),
                              json_integer_value(ch));
}

/* } ====== */

/* { ====== requests ====== */

static json_t *h_initialize(lsp_server *srv, json_t *params) {
  if (!json_is_object(params))
    return fail(srv, ERR_PARAMS, "initialize takes an object of params");
  if (srv->initialized)
    return fail(srv, ERR_INVALID_REQUEST, "the server is already "
                "initialized");
  srv->initialized = 1;
  return json_pack(
      "{s:{s:s,s:{s:b,s:i},s:b,s:b,s:b,s:b},s:{s:s,s:s}}", "capabilities",
      "positionEncoding", "utf-16", "textDocumentSync", "openClose", 1,
      "change", 1, "hoverProvider", 1, "definitionProvider", 1,
      "documentSymbolProvider", 1, "documentFormattingProvider", 1,
      "serverInfo", "name", "entitle", "version", PACKAGE_VERSION);
}

static json_t *h_shutdown(lsp_server *srv, json_t *params) {
  (void)params;
  srv->shutdown = 1;
  return json_null();
}

static json_t *h_hover(lsp_server *srv, json_t *params) {
  lsp_doc *doc = param_doc(srv, params);
  if (!doc) return NULL;
  int64_t off = param_offset(srv, params, doc);
  if (off < 0) return NULL;
  const lsp_index *x = doc->ix;
  int r = x ? lx_ref_at(x, (uint32_t)off) : -1;
  if (r < 0) return json_null();
  return json_pack("{s:{s:s,s:o},s:o}", "contents", "kind", "markdown",
                   "value", jstr(lx_hover(x, x->refs[r].sym)), "range",
                   range_of(x->d, x->refs[r].loc));
}

static json_t *h_definition(lsp_server *srv, json_t *params) {
  lsp_doc *doc = param_doc(srv, params);
  if (!doc) return NULL;
  int64_t off = param_offset(srv, params, doc);
  if (off < 0) return NULL;
  const lsp_index *x = doc->ix;
  int r = x ? lx_ref_at(x, (uint32_t)off) : -1;
  if (r < 0) return json_null();
  const lx_sym *y = &x->syms[x->refs[r].sym];
  /* At 'replace rule R' itself, R's definition is the rule it replaces. */
  if (y->replaces >= 0 && x->refs[r].loc.file == y->loc.file &&
      x->refs[r].loc.start == y->loc.start)
    y = &x->syms[y->replaces];
  loc_t to = y->loc;
  /* An import leads to the start of the file it reads. */
  if (y->kind == LX_IMPORT && y->file >= 0) to = loc_make(y->file, 0, 0);
  if (to.file < 0 || to.file >= x->d->nfiles) return json_null();
  return json_pack("{s:o,s:o}", "uri",
                   jstr(file_uri(srv, doc, x->d, x->root, to.file)), "range",
                   range_of(x->d, to));
}

/* LSP's SymbolKind for each kind of declaration. */
static int symbol_kind(lx_kind k) {
  switch (k) {
  case LX_POLICY: return 2;    /* Module */
  case LX_DOCUMENT: return 1;  /* File */
  case LX_ENUM: return 10;     /* Enum */
  case LX_ENUMVAL: return 22;  /* EnumMember */
  case LX_RECORD: return 23;   /* Struct */
  case LX_FACT: return 8;      /* Field */
  case LX_PARAM: return 14;    /* Constant */
  case LX_DECISION: return 13; /* Variable */
  case LX_RULE: return 12;     /* Function */
  case LX_TABLE: return 18;    /* Array */
  case LX_TEST: return 6;      /* Method */
  case LX_REQUIRE: return 17;  /* Boolean */
  default: return 19;          /* Object */
  }
}

/* What an outline shows beside a symbol's name. */
static const char *symbol_detail(const lsp_index *x, const lx_sym *y) {
  switch (y->kind) {
  case LX_FACT:
    return y->node->c ? y->node->c->name : lx_snippet(x, y->node->a->loc);
  case LX_DOCUMENT: return y->d->str;
  case LX_DECISION: case LX_PARAM:
    return y->d->title ? y->d->title
           : y->d->type ? lx_snippet(x, y->d->type->loc) : NULL;
  case LX_RULE: case LX_TABLE: return y->d->title;
  case LX_TEST: return y->d->like ? y->d->like : NULL;
  default: return NULL;
  }
}

static json_t *symbol_json(const lsp_index *x, int i) {
  const lx_sym *y = &x->syms[i];
  loc_t sel = y->loc, r = y->range;
  if (sel.file != r.file || sel.start < r.start || sel.end > r.end)
    sel = loc_make(r.file, r.start, r.start);
  const char *name = *y->name ? y->name : lx_kind_words[y->kind];
  json_t *s = json_pack("{s:o,s:i,s:o,s:o}", "name", jstr(name), "kind",
                        symbol_kind(y->kind), "range", range_of(x->d, r),
                        "selectionRange", range_of(x->d, sel));
  const char *detail = symbol_detail(x, y);
  if (s && detail) json_object_set_new(s, "detail", jstr(detail));
  return s;
}

static json_t *h_symbols(lsp_server *srv, json_t *params) {
  lsp_doc *doc = param_doc(srv, params);
  if (!doc) return NULL;
  json_t *list = json_array();
  const lsp_index *x = doc->ix;
  for (int i = 0; x && i < x->nsyms; i++) {
    const lx_sym *y = &x->syms[i];
    if (y->loc.file != x->root || y->parent >= 0 || y->kind == LX_IMPORT)
      continue;
    json_t *s = symbol_json(x, i);
    /* A record's fields and an enumeration's values follow it. */
    json_t *kids = json_array();
    for (int k = i + 1; k < x->nsyms && x->syms[k].parent == i; k++)
      json_array_append_new(kids, symbol_json(x, k));
    if (s && json_array_size(kids)) json_object_set(s, "children", kids);
    json_decref(kids);
    json_array_append_new(list, s);
  }
  return list;
}

/* What formatting a document takes and gives, through oom_guard(). */
typedef struct {
  const lsp_doc *doc;
  diag *d;
  char *out;
  size_t n;
  int rc;
} format_job;

/* 'entitle fmt' of the editor's text. */
static void format_steps(void *arg) {
  format_job *j = arg;
  j->d = diag_new();
  j->rc = fmt_text(j->doc->path, j->doc->text, j->doc->len, &j->out, &j->n,
                   j->d);
}

/* The one edit that makes 'old' (the document) 'new': from the start of
   the first line that differs to the end of the last, so that the
   editor keeps its marks on the lines formatting leaves alone. */
static json_t *format_edit(const diag *d, const char *old, size_t on,
                           const char *new, size_t nn) {
  size_t p = 0;
  while (p < on && p < nn && old[p] == new[p]) p++;
  while (p > 0 && old[p - 1] != '\n') p--;
  size_t q = 0; /* bytes the same at both ends, after 'p' */
  while (q < on - p && q < nn - p && old[on - 1 - q] == new[nn - 1 - q]) q++;
  while (q > 0 && old[on - q] != '\n' && on - q > p) q--;
  json_t *text = json_stringn(new + p, nn - p - q);
  return json_pack("{s:o,s:o}", "range",
                   range_of(d, loc_make(0, (uint32_t)p, (uint32_t)(on - q))),
                   "newText", text);
}

static json_t *h_formatting(lsp_server *srv, json_t *params) {
  lsp_doc *doc = param_doc(srv, params);
  if (!doc) return NULL;
  format_job j = {doc, NULL, NULL, 0, -1};
  if (oom_guard(format_steps, &j))
    return fail(srv, ERR_REQUEST_FAILED, "out of memory formatting");
  if (j.rc) { /* the first error, as 'check' places it */
    const diag_msg *m = j.d->first;
    while (m && m->severity != DIAG_ERROR) m = m->next;
    int line = 0, col = 0;
    if (m && m->loc.file >= 0 && m->loc.file < j.d->nfiles)
      diag_linecol(j.d, m->loc.file, m->loc.start, &line, &col);
    return fail(srv, ERR_REQUEST_FAILED, "cannot format: %d:%d: %.400s", line,
                col, m ? m->text : "the file does not parse");
  }
  if (j.n == doc->len && !memcmp(j.out, doc->text, j.n))
    return json_array(); /* formatted already: no edit */
  json_t *edit = format_edit(j.d, doc->text, doc->len, j.out, j.n);
  return edit ? json_pack("[o]", edit)
              : fail(srv, ERR_INTERNAL, "out of memory formatting");
}

typedef json_t *(*handler)(lsp_server *srv, json_t *params);

static const struct {
  const char *method;
  handler fn;
} requests[] = {
    {"initialize", h_initialize},
    {"shutdown", h_shutdown},
    {"textDocument/hover", h_hover},
    {"textDocument/definition", h_definition},
    {"textDocument/documentSymbol", h_symbols},
    {"textDocument/formatting", h_formatting},
};

static void request(lsp_server *srv, json_t *id, const char *method,
                    json_t *params) {
  if (!srv->initialized && strcmp(method, "initialize")) {
    reply_error(srv, id, ERR_NOT_INITIALIZED, "the server is not "
                "initialized: send 'initialize' first");
    return;
  }
  if (srv->shutdown) {
    reply_error(srv, id, ERR_INVALID_REQUEST, "the server is shut down: "
                "only 'exit' is accepted");
    return;
  }
  for (size_t i = 0; i < sizeof requests / sizeof *requests; i++) {
    if (strcmp(method, requests[i].method)) continue;
    srv->err_code = ERR_INTERNAL;
    strcpy(srv->err, "internal error");
    json_t *result = requests[i].fn(srv, params);
    if (result)
      reply(srv, id, result);
    else
      reply_error(srv, id, srv->err_code, "%s", srv->err);
    return;
  }
  reply_error(srv, id, ERR_METHOD, "unknown method '%.200s'", method);
}

/* } ====== */

/* { ====== notifications ====== */

static char *copy_text(const char *s, size_t n) {
  char *t = GC_MALLOC_ATOMIC(n + 1);
  if (n) memcpy(t, s, n);
  t[n] = 0;
  return t;
}

static void did_open(lsp_server *srv, json_t *params) {
  json_t *td = json_object_get(params, "textDocument");
  const char *uri = get_str(td, "uri");
  json_t *text = json_object_get(td, "text");
  if (!uri || !json_is_string(text)) return;
  lsp_doc *doc = doc_by_uri(srv, uri);
  if (!doc) {
    doc = GC_MALLOC(sizeof *doc);
    doc->uri = copy_text(uri, strlen(uri));
    doc->path = uri_path(uri);
    GROW(srv->docs, srv->ndocs, srv->capdocs);
    srv->docs[srv->ndocs++] = doc;
  }
  json_t *v = json_object_get(td, "version");
  doc->version = json_is_integer(v) ? json_integer_value(v) : -1;
  doc->len = json_string_length(text);
  doc->text = copy_text(json_string_value(text), doc->len);
  touch(srv, doc->path);
}

/* One change: the whole text, or (with a 'range') a part of it. */
static void apply_change(lsp_doc *doc, json_t *change) {
  json_t *text = json_object_get(change, "text");
  if (!json_is_string(text)) return;
  const char *t = json_string_value(text);
  size_t n = json_string_length(text);
  json_t *range = json_object_get(change, "range");
  if (!range) {
    doc->text = copy_text(t, n);
    doc->len = n;
    return;
  }
  json_t *s = json_object_get(range, "start"), *e = json_object_get(range, "end");
  json_t *sl = json_object_get(s, "line"), *sc = json_object_get(s, "character");
  json_t *el = json_object_get(e, "line"), *ec = json_object_get(e, "character");
  if (!json_is_integer(sl) || !json_is_integer(sc) || !json_is_integer(el) ||
      !json_is_integer(ec))
    return;
  size_t a = text_offset(doc->text, doc->len, json_integer_value(sl),
                         json_integer_value(sc));
  size_t b = text_offset(doc->text, doc->len, json_integer_value(el),
                         json_integer_value(ec));
  if (b < a) b = a;
  char *nt = GC_MALLOC_ATOMIC(doc->len - (b - a) + n + 1);
  memcpy(nt, doc->text, a);
  memcpy(nt + a, t, n);
  memcpy(nt + a + n, doc->text + b, doc->len - b);
  doc->len = doc->len - (b - a) + n;
  nt[doc->len] = 0;
  doc->text = nt;
}

static void did_change(lsp_server *srv, json_t *params) {
  json_t *td = json_object_get(params, "textDocument");
  const char *uri = get_str(td, "uri");
  lsp_doc *doc = uri ? doc_by_uri(srv, uri) : NULL;
  json_t *changes = json_object_get(params, "contentChanges");
  if (!doc || !json_is_array(changes)) return;
  size_t i;
  json_t *c;
  json_array_foreach(changes, i, c) apply_change(doc, c);
  json_t *v = json_object_get(td, "version");
  if (json_is_integer(v)) doc->version = json_integer_value(v);
  touch(srv, doc->path);
}

static void did_close(lsp_server *srv, json_t *params) {
  const char *uri = get_str(json_object_get(params, "textDocument"), "uri");
  lsp_doc *doc = uri ? doc_by_uri(srv, uri) : NULL;
  if (!doc) return;
  for (int i = 0; i < srv->ndocs; i++)
    if (srv->docs[i] == doc) {
      srv->docs[i] = srv->docs[--srv->ndocs];
      break;
    }
  /* Its problems leave the editor's list with it; the documents that
     import it read the disk's text again. */
  doc->version = -1;
  publish(srv, doc, json_array());
  touch(srv, doc->path);
}

static void notification(lsp_server *srv, const char *method,
                         json_t *params) {
  if (!strcmp(method, "exit")) {
    end_session(srv, srv->shutdown ? 0 : 1, NULL);
    return;
  }
  if (!srv->initialized || srv->shutdown) return;
  if (!strcmp(method, "textDocument/didOpen")) did_open(srv, params);
  else if (!strcmp(method, "textDocument/didChange")) did_change(srv, params);
  else if (!strcmp(method, "textDocument/didClose")) did_close(srv, params);
  /* 'initialized', '$/cancelRequest' (each request is answered before
     the next is read), '$/setTrace' and the rest: nothing to do. */
}

/* } ====== */

/* { ====== messages ====== */

/* Whether JSON string 'v' is 'want' exactly (no NUL inside). */
static int is_str(json_t *v, const char *want) {
  return json_is_string(v) && json_string_length(v) == strlen(want) &&
         !strcmp(json_string_value(v), want);
}

static void dispatch(lsp_server *srv, json_t *m) {
  if (!json_is_object(m)) {
    reply_error(srv, NULL, ERR_INVALID_REQUEST, "%s",
                json_is_array(m) ? "batches of messages are not supported"
                                 : "a message is a JSON object");
    return;
  }
  json_t *id = json_object_get(m, "id");
  json_t *method = json_object_get(m, "method");
  json_t *params = json_object_get(m, "params");
  if (id && !json_is_string(id) && !json_is_integer(id)) {
    reply_error(srv, NULL, ERR_INVALID_REQUEST, "an id is an integer or a "
                "string");
    return;
  }
  if (!is_str(json_object_get(m, "jsonrpc"), "2.0")) {
    reply_error(srv, id, ERR_INVALID_REQUEST, "expected \"jsonrpc\": "
                "\"2.0\"");
    return;
  }
  if (!method && id &&
      (json_object_get(m, "result") || json_object_get(m, "error")))
    return; /* an answer: the server asks nothing, so it expects none */
  if (!json_is_string(method) ||
      json_string_length(method) != strlen(json_string_value(method))) {
    reply_error(srv, id, ERR_INVALID_REQUEST, "expected \"method\", a "
                "string");
    return;
  }
  if (params && !json_is_object(params) && !json_is_array(params)) {
    reply_error(srv, id, ERR_INVALID_REQUEST, "\"params\" is an object or "
                "an array");
    return;
  }
  if (id)
    request(srv, id, json_string_value(method), params);
  else
    notification(srv, json_string_value(method), params);
}

static void handle_body(lsp_server *srv, const char *body, size_t n) {
  json_error_t e;
  json_t *m = json_loadb(body, n, JSON_ALLOW_NUL | JSON_DECODE_ANY, &e);
  if (!m) {
    reply_error(srv, NULL, ERR_PARSE, "not JSON: %s (line %d, column %d)",
                e.text, e.line, e.column);
    return;
  }
  dispatch(srv, m);
  json_decref(m);
}

/* The value of header line 'l' (length 'n') named 'name', or NULL. */
static const char *header_value(const char *l, size_t n, const char *name,
                                size_t *vn) {
  size_t k = strlen(name);
  if (n <= k || l[k] != ':' || strncasecmp(l, name, k)) return NULL;
  const char *v = l + k + 1, *e = l + n;
  while (v < e && (*v == ' ' || *v == '\t')) v++;
  while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
  *vn = (size_t)(e - v);
  return v;
}

/* Reads the header lines at 'h' (up to 'n' bytes). Returns the bytes
   they take with the blank line after them, 0 when they are not all
   there yet, or -1 with the session ended when they cannot be read. The
   body's length goes in '*length'. */
static long read_headers(lsp_server *srv, const char *h, size_t n,
                         size_t *length) {
  int have = 0;
  size_t at = 0;
  for (;;) {
    const char *nl = memchr(h + at, '\n', n - at);
    if (!nl) {
      if (n > LSP_MAX_HEADER) goto too_long;
      return 0;
    }
    size_t ll = (size_t)(nl - (h + at));
    const char *l = h + at;
    at += ll + 1;
    if (at > LSP_MAX_HEADER) goto too_long;
    if (ll && l[ll - 1] == '\r') ll--;
    if (!ll) break;
    size_t vn;
    const char *v = header_value(l, ll, "Content-Length", &vn);
    if (v) {
      size_t len = 0;
      int ok = vn > 0;
      for (size_t i = 0; i < vn && ok; i++) {
        if (v[i] < '0' || v[i] > '9' || len > (SIZE_MAX - 9) / 10) ok = 0;
        else len = len * 10 + (size_t)(v[i] - '0');
      }
      if (!ok || (have && len != *length)) {
        reply_error(srv, NULL, ERR_PARSE, "bad header: Content-Length is "
                    "not a number of bytes");
        end_session(srv, 1, "a bad Content-Length header");
        return -1;
      }
      have = 1;
      *length = len;
    } else if (!memchr(l, ':', ll)) {
      reply_error(srv, NULL, ERR_PARSE, "bad header: a header line is "
                  "'Name: value'");
      end_session(srv, 1, "a header line without ':'");
      return -1;
    }
  }
  if (!have) {
    reply_error(srv, NULL, ERR_PARSE, "bad header: no Content-Length");
    end_session(srv, 1, "a message without Content-Length");
    return -1;
  }
  return (long)at;
too_long:
  reply_error(srv, NULL, ERR_PARSE, "bad header: the headers are longer "
              "than %d bytes", LSP_MAX_HEADER);
  end_session(srv, 1, "headers too long");
  return -1;
}

/* Handles every whole message in the input, keeping what is left. */
static void process(lsp_server *srv) {
  size_t at = 0;
  while (srv->status < 0 && at < srv->len) {
    if (srv->skip) {
      size_t k = srv->len - at < srv->skip ? srv->len - at : srv->skip;
      at += k;
      srv->skip -= k;
      continue;
    }
    if (!srv->body) {
      size_t length = 0;
      long h = read_headers(srv, srv->in + at, srv->len - at, &length);
      if (h <= 0) break;
      at += (size_t)h;
      if (length > LSP_MAX_MESSAGE) {
        reply_error(srv, NULL, ERR_INVALID_REQUEST, "a message of %zu bytes "
                    "is longer than the limit of %zu", length,
                    LSP_MAX_MESSAGE);
        srv->skip = length;
        continue;
      }
      srv->body = length + 1;
    }
    size_t n = srv->body - 1;
    if (srv->len - at < n) break;
    srv->body = 0;
    handle_body(srv, srv->in + at, n);
    at += n;
  }
  if (at) { /* only when something was read: a body comes in many reads */
    memmove(srv->in, srv->in + at, srv->len - at);
    srv->len -= at;
  }
  if (srv->status < 0 && srv->body == 0 && srv->len == 0 && srv->skip == 0 &&
      srv->cap > (1u << 20)) { /* give back a large message's buffer */
    free(srv->in);
    srv->in = NULL;
    srv->cap = 0;
  }
}

int lsp_feed(lsp_server *srv, const char *buf, size_t n) {
  if (srv->status >= 0) return srv->status;
  if (srv->len + n > srv->cap) {
    size_t cap = srv->cap ? srv->cap : 65536;
    while (cap < srv->len + n) cap *= 2;
    char *in = realloc(srv->in, cap);
    if (!in) {
      end_session(srv, 1, "out of memory");
      return srv->status;
    }
    srv->in = in;
    srv->cap = cap;
  }
  if (n) memcpy(srv->in + srv->len, buf, n);
  srv->len += n;
  process(srv);
  return srv->status;
}

/* } ====== */

lsp_server *lsp_new(lsp_write_fn write, void *ctx) {
  lsp_server *srv = GC_MALLOC(sizeof *srv);
  srv->write = write;
  srv->wctx = ctx;
  srv->status = -1;
  return srv;
}

void lsp_free(lsp_server *srv) {
  if (!srv) return;
  free(srv->in);
  srv->in = NULL;
}

int lsp_end(lsp_server *srv) {
  if (srv->status >= 0) return srv->status;
  if (srv->len || srv->body || srv->skip)
    end_session(srv, 1, "the input ended inside a message");
  else
    end_session(srv, srv->shutdown ? 0 : 1,
                srv->shutdown ? NULL : "the input ended without 'exit'");
  return srv->status;
}

const char *lsp_problem(const lsp_server *srv) { return srv->problem; }

/* { ====== the command ====== */

/* The client's pipes, moved off descriptors 0 and 1 (lsp_main). */
static int client_in = -1, client_out = -1;

static int write_client(void *ctx, const char *buf, size_t n) {
  (void)ctx;
  while (n) {
    ssize_t k = write(client_out, buf, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    buf += k;
    n -= (size_t)k;
  }
  return 0;
}

static int input_waiting(void) {
  struct pollfd pf = {client_in, POLLIN, 0};
  return poll(&pf, 1, 0) > 0;
}

/* Moves the client's pipes to descriptors of their own, and puts
   /dev/null on standard input and output: a rule file that imports
   "/dev/stdin" or "/dev/stdout" then reads nothing, instead of the
   protocol's own messages (or a hang). Returns 0, or -1. */
static int take_pipes(void) {
  client_in = dup(STDIN_FILENO);
  client_out = dup(STDOUT_FILENO);
  int null = open("/dev/null", O_RDWR);
  if (client_in < 0 || client_out < 0 || null < 0 ||
      dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0)
    return -1;
  if (null > STDERR_FILENO) close(null);
  return 0;
}

int lsp_main(int argc, char **argv) {
  /* Editors' clients add '--stdio' to say which transport: the only one. */
  if (argc > 1 || (argc == 1 && strcmp(argv[0], "--stdio"))) {
    fprintf(stderr, "entitle: lsp takes no arguments (but --stdio): it "
            "serves standard input and output\n");
    return EXIT_USAGE;
  }
  if (take_pipes()) {
    fprintf(stderr, "entitle lsp: cannot set up its pipes: %s\n",
            strerror(errno));
    return EXIT_IO;
  }
  lsp_server *srv = lsp_new(write_client, NULL);
  char *buf = malloc(1 << 16);
  int status = -1;
  while (buf && status < 0) {
    if (!input_waiting()) {
      lsp_idle(srv);
      if (srv->status >= 0) break;
    }
    ssize_t k = read(client_in, buf, 1 << 16);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      status = lsp_end(srv);
      break;
    }
    status = lsp_feed(srv, buf, (size_t)k);
  }
  if (!buf) end_session(srv, 1, "out of memory");
  status = srv->status >= 0 ? srv->status : status;
  if (srv->problem) fprintf(stderr, "entitle lsp: %s\n", srv->problem);
  free(buf);
  lsp_free(srv);
  return status < 0 ? 1 : status;
}

/* } ====== */
