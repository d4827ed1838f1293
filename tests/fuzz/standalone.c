/*
** standalone.c: runs a fuzz target's LLVMFuzzerTestOneInput on files,
** without libFuzzer, so that the regression inputs in tests/fuzz/regress
** replay in the ordinary test suite (built with any C compiler, and with
** the sanitizers by scripts/test).
**
**   replay_case FILE...
**
** Each argument is a file, or a folder whose files are all run. Prints
** one line per input and exits 0 when every input ran to its end; a bug
** shows as a crash, a sanitizer report or an abort from a harness check.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* $ENTITLE_FUZZ_REPEAT: runs of each input (1). Some bugs show only
   once the collector has run and reused memory: reading before an array
   in the garbage-collected heap, which no sanitizer sees, crashed only
   after a few hundred runs of one input. */
static long repeat = 1;

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  size_t cap = 4096, n = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (n == cap) buf = realloc(buf, cap *= 2);
    size_t k = fread(buf + n, 1, cap - n, f);
    if (!k) break;
    n += k;
  }
  fclose(f);
  /* An exact-size copy, as libFuzzer passes, so that reads past the end
     are caught. */
  unsigned char *exact = malloc(n ? n : 1);
  memcpy(exact, buf, n);
  free(buf);
  for (long k = 0; k < repeat; k++) LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  printf("ran %s (%zu bytes)%s\n", path, n, repeat > 1 ? ", repeatedly" : "");
  return 0;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  const char *r = getenv("ENTITLE_FUZZ_REPEAT");
  if (r && atol(r) > 0) repeat = atol(r);
  int failed = 0, ran = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      DIR *dir = opendir(argv[i]);
      if (!dir) {
        perror(argv[i]);
        failed++;
        continue;
      }
      char **names = NULL;
      size_t nn = 0;
      struct dirent *e;
      while ((e = readdir(dir))) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (nn + 1) * sizeof *names);
        size_t l = strlen(argv[i]) + strlen(e->d_name) + 2;
        names[nn] = malloc(l);
        snprintf(names[nn++], l, "%s/%s", argv[i], e->d_name);
      }
      closedir(dir);
      qsort(names, nn, sizeof *names, cmp);
      for (size_t k = 0; k < nn; k++) {
        failed += run_file(names[k]);
        ran++;
        free(names[k]);
      }
      free(names);
    } else {
      failed += run_file(argv[i]);
      ran++;
    }
  }
  printf("%d inputs ran, %d could not be read\n", ran, failed);
  return failed ? 1 : 0;
}
