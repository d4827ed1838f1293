/*
** pagecost.c: what this machine charges for memory a process touches for
** the first time, page by page and in one populated block. On a virtual
** machine a fresh page can cost tens of times what it costs on bare
** metal, and every process start, heap growth and page of a new file
** pays it: bench/run prints it beside the rows that depend on it.
**
**   pagecost [PAGES]   prints: PAGES us_per_page_touched us_per_page_populated
*/
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* Microseconds per page to map 'pages' fresh pages and write one byte to
   each; with MAP_POPULATE the kernel fills them in one call instead. */
static double per_page(long pages, long psz, int populate) {
  double t0 = now_us();
  char *p = mmap(NULL, pages * psz, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0),
                 -1, 0);
  if (p == MAP_FAILED) {
    perror("pagecost: mmap");
    exit(1);
  }
  for (long i = 0; i < pages; i++) p[i * psz] = 1;
  double t = (now_us() - t0) / pages;
  munmap(p, pages * psz);
  return t;
}

int main(int argc, char **argv) {
  long pages = argc > 1 ? atol(argv[1]) : 4096;
  long psz = sysconf(_SC_PAGESIZE);
  if (pages < 1 || pages > (1L << 22)) {
    fprintf(stderr, "pagecost: PAGES from 1 to %ld\n", 1L << 22);
    return 64;
  }
  printf("%ld %.3f %.3f\n", pages, per_page(pages, psz, 0),
         per_page(pages, psz, 1));
  return 0;
}
