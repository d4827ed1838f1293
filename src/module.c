/*
** module.c: reads a rule file and the files it imports.
**
** An import is read once, whatever the number of files that import it,
** and a cycle of imports is an error naming the files on it. The
** declarations of imported files come before those of the importer, so
** that 'replace' always refers back to something already declared.
*/
#include <errno.h>
#include <gc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grow.h"
#include "literate.h"
#include "oom.h"
#include "parse.h"
#include "sema.h"
#include "utf8.h"

/* The largest rule file read: 64 MiB, far beyond any real policy, so that
   a wrong argument (a disk image, say) is refused quickly. */
#define MODULE_MAX_BYTES (64u << 20)

void sem_intpush(int **arr, int *n, int *cap, int v) {
  GROW_ATOMIC(*arr, *n, *cap);
  (*arr)[(*n)++] = v;
}

int module_check_text(diag *d, int file) {
  const unsigned char *t = (const unsigned char *)d->texts[file];
  size_t n = d->lens[file];
  for (size_t i = 0; i < n;) {
    if (t[i] == 0) {
      loc_t l = {file, (uint32_t)i, (uint32_t)i + 1};
      diag_syntax_error(d, l,
                        "NUL byte in a rule file: is this a text file?");
      return -1;
    }
    int k = utf8_len(t + i, n - i);
    if (!k) {
      loc_t l = {file, (uint32_t)i, (uint32_t)i + 1};
      diag_syntax_error(d, l, "invalid UTF-8 (byte 0x%02x): rule files are "
                        "UTF-8 text", t[i]);
      return -1;
    }
    i += k;
  }
  return 0;
}

/* Reads what is left of 'f' into a new collected buffer, NUL-terminated,
   its length in '*n'. NULL when out of memory, or when the file is
   larger than MODULE_MAX_BYTES ('*n' is then past it). */
static char *read_all(FILE *f, size_t *n) {
  size_t cap = 4096;
  char *buf = GC_MALLOC_ATOMIC(cap + 1);
  *n = 0;
  while (buf) {
    if (*n == cap) {
      if (cap >= MODULE_MAX_BYTES) {
        *n = cap + 1;
        return NULL;
      }
      cap *= 2;
      buf = GC_REALLOC(buf, cap + 1);
      if (!buf) break;
    }
    size_t k = fread(buf + *n, 1, cap - *n, f);
    if (k == 0) {
      buf[*n] = 0;
      break;
    }
    *n += k;
  }
  return buf;
}

int module_read_file(diag *d, const char *path, loc_t from) {
  if (d->source) { /* an editor's text (diag.h) before the disk's */
    size_t len = 0;
    const char *text = d->source(d->source_ctx, path, from, &len);
    if (text) {
      char *name = GC_MALLOC_ATOMIC(strlen(path) + 1);
      strcpy(name, path);
      int id = diag_add_file(d, name, text, len);
      return module_check_text(d, id) ? -1 : id;
    }
  }
  FILE *f = fopen(path, "rb");
  struct stat st;
  if (!f) {
    diag_io_error(d, from, "cannot read '%s': %s", path, strerror(errno));
    return -1;
  }
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    diag_io_error(d, from, "cannot read '%s': it is a directory", path);
    return -1;
  }
  /* The file is open: a failed allocation must return here to close it
     (oom.h), not leave the compile. */
  void *held = oom_hold();
  size_t n = 0;
  char *buf = read_all(f, &n);
  int rerr = ferror(f) ? errno : 0;
  fclose(f);
  oom_release(held);
  if (!buf) {
    if (n > MODULE_MAX_BYTES)
      diag_syntax_error(d, from, "'%s' is larger than %u bytes: not a "
                        "rule file", path, MODULE_MAX_BYTES);
    else
      diag_internal_error(d, from, "out of memory reading '%s'", path);
    return -1;
  }
  if (rerr) {
    diag_io_error(d, from, "cannot read '%s': %s", path, strerror(rerr));
    return -1;
  }
  char *name = GC_MALLOC_ATOMIC(strlen(path) + 1);
  strcpy(name, path);
  int id = diag_add_file(d, name, buf, n);
  if (module_check_text(d, id)) return -1;
  return id;
}

typedef struct {
  diag *d;
  strmap *seen;        /* path -> 1 loading, 2 loaded */
  const char *stack[64];
  int depth;
  decl *out;           /* all declarations, reversed */
  const char **stored; /* by file id: the name kept in the program */
  int nstored;
  int *order;          /* file ids in the order they were read */
  int norder, caporder;
} loader;

static char *dir_join(const char *from, const char *rel) {
  if (rel[0] == '/') return (char *)rel;
  const char *slash = strrchr(from, '/');
  size_t dl = slash ? (size_t)(slash - from + 1) : 0;
  char *r = GC_MALLOC_ATOMIC(dl + strlen(rel) + 1);
  memcpy(r, from, dl);
  strcpy(r + dl, rel);
  return r;
}

/* Removes './' and 'dir/../' so that one file has one name. */
static char *normalize(const char *p) {
  size_t n = strlen(p);
  char *out = GC_MALLOC_ATOMIC(n + 1);
  const char *segs[256];
  size_t lens[256];
  int ns = 0, abs = p[0] == '/';
  const char *s = p;
  while (*s) {
    while (*s == '/') s++;
    if (!*s) break;
    const char *e = s;
    while (*e && *e != '/') e++;
    size_t l = (size_t)(e - s);
    if (l == 1 && s[0] == '.') {
    } else if (l == 2 && s[0] == '.' && s[1] == '.' && ns > 0 &&
               !(lens[ns - 1] == 2 && segs[ns - 1][0] == '.')) {
      ns--;
    } else if (ns < 256) {
      segs[ns] = s;
      lens[ns++] = l;
    }
    s = e;
  }
  size_t k = 0;
  if (abs) out[k++] = '/';
  for (int i = 0; i < ns; i++) {
    if (i) out[k++] = '/';
    memcpy(out + k, segs[i], lens[i]);
    k += lens[i];
  }
  out[k] = 0;
  return out;
}

/* The name a file is kept under in the program: the top file by its base
   name, an import relative to the top file's folder (or as written, if
   written as an absolute path). So where the policy was compiled from,
   and how its path was typed, never change the program or its digest;
   diagnostics still use the path as typed. */
static const char *stored_name(const char *importer, const char *path) {
  if (!importer) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
  }
  return normalize(dir_join(importer, path));
}

static void remember_file(loader *L, int file, const char *stored) {
  if (file >= L->nstored) {
    int cap = file + 16;
    L->stored = grow_copy(L->stored, (size_t)L->nstored, (size_t)cap,
                          sizeof *L->stored, 0);
    for (int i = L->nstored; i < cap; i++) L->stored[i] = NULL;
    L->nstored = cap;
  }
  L->stored[file] = stored;
  sem_intpush(&L->order, &L->norder, &L->caporder, file);
}

static int load(loader *L, const char *path, const char *stored, loc_t from,
                const char *text, size_t len) {
  const char *key = normalize(path);
  int st = strmap_get(L->seen, key);
  if (st == 2) return 0;
  if (st == 1) {
    diag_error(L->d, from, "import cycle: '%s' imports itself", key);
    for (int i = 0; i < L->depth; i++)
      diag_note(L->d, NOLOC, "'%s' is imported by '%s'",
                i + 1 < L->depth ? L->stack[i + 1] : key, L->stack[i]);
    return -1;
  }
  if (L->depth == 64) {
    diag_error(L->d, from, "imports nested more than 64 deep");
    return -1;
  }
  int file;
  if (text) {
    file = diag_add_file(L->d, key, text, len);
    if (module_check_text(L->d, file)) return -1;
  } else {
    file = module_read_file(L->d, path, from);
    if (file < 0) return -1;
  }
  remember_file(L, file, stored);
  strmap_put(L->seen, key, 1);
  L->stack[L->depth++] = key;
  int before = L->d->nerrors;
  decl *ds = literate_is(key) ? literate_parse(L->d, file)
                              : parse_file(L->d, file);
  int rc = L->d->nerrors > before ? -1 : 0;
  for (decl *x = ds; x; x = x->next)
    if (x->kind == DECL_IMPORT &&
        load(L, dir_join(key, x->str), stored_name(stored, x->str),
             x->name_loc, NULL, 0))
      rc = -1;
  while (ds) {
    decl *n = ds->next;
    ds->next = L->out;
    L->out = ds;
    ds = n;
  }
  L->depth--;
  strmap_put(L->seen, key, 2);
  return rc;
}

sema *module_load(diag *d, const char *path, const char *text, size_t len) {
  loader L = {0};
  L.d = d;
  L.seen = strmap_new();
  int first_file = d->nfiles;
  int rc = load(&L, path, stored_name(NULL, normalize(path)), NOLOC, text,
                len);
  decl *rev = NULL;
  while (L.out) {
    decl *n = L.out->next;
    L.out->next = rev;
    rev = L.out;
    L.out = n;
  }
  if (rc) return NULL;
  sema *s = GC_MALLOC(sizeof *s);
  s->d = d;
  s->decls = rev;
  s->root = first_file;
  s->src_names = L.stored;
  s->nsrc_names = L.nstored;
  s->files = L.order;
  s->nfiles = L.norder;
  return s;
}

const char *sema_source_name(const sema *s, int file) {
  if (file >= 0 && file < s->nsrc_names && s->src_names[file])
    return s->src_names[file];
  return "";
}
