/*
** policy.c: the front end's entry points, shared by the CLI, the test
** runner and the library.
*/
#include "policy.h"

#include <errno.h>
#include <gc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bytecode.h"
#include "compile.h"
#include "oom.h"
#include "sema.h"

/* What one compile takes and gives, passed through oom_guard(). */
typedef struct {
  diag *d;
  const char *path, *text;
  size_t len;
  sema *s;
  ent_program *p;
} compile_job;

static void compile_steps(void *arg) {
  compile_job *j = arg;
  sema *s = module_load(j->d, j->path, j->text, j->len);
  if (!s || resolve_policy(s)) return;
  ent_program *p = compile_policy(s);
  if (!p) return;
  bc_digest(p);
  j->s = s;
  j->p = p;
}

/* Compiling is guarded (oom.h): a policy too large for the heap is an
   internal error, status 70, not a crash. The guard sits here, under
   the command and the library alike, because every compile passes
   here and nothing here holds a lock or a file. */
ent_program *policy_compile(diag *d, const char *path, const char *text,
                            size_t len, struct sema **sema_out) {
  compile_job j = {d, path, text, len, NULL, NULL};
  if (oom_guard(compile_steps, &j)) {
    diag_internal_error(d, NOLOC, "out of memory compiling '%s': the "
                        "policy needs more memory than the heap may use",
                        path);
    return NULL;
  }
  if (j.p && sema_out) *sema_out = j.s;
  return j.p;
}

ent_program *policy_open(diag *d, const char *path) {
  loc_t none = {-1, 0, 0};
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_io_error(d, none, "cannot read '%s': %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    diag_io_error(d, none, "cannot read '%s': it is a directory", path);
    return NULL;
  }
  unsigned char head[8];
  size_t n = fread(head, 1, sizeof head, f);
  if (!bc_is_program(head, n)) {
    fclose(f);
    return policy_compile(d, path, NULL, 0, NULL);
  }
  size_t cap = 1 << 16, len = n;
  unsigned char *buf = GC_MALLOC_ATOMIC(cap);
  memcpy(buf, head, n);
  for (;;) {
    if (len == cap) {
      if (cap >= (size_t)1 << 30) {
        fclose(f);
        diag_program_error(d, none, "'%s' is larger than 1 GiB", path);
        return NULL;
      }
      cap *= 2;
      buf = GC_REALLOC(buf, cap);
    }
    size_t k = fread(buf + len, 1, cap - len, f);
    if (!k) break;
    len += k;
  }
  int rerr = ferror(f);
  fclose(f);
  if (rerr) {
    diag_io_error(d, none, "cannot read '%s': %s", path, strerror(errno));
    return NULL;
  }
  char err[512];
  ent_program *p = bc_load(buf, len, err, sizeof err);
  if (!p) diag_program_error(d, none, "%s: %s", path, err);
  return p;
}
