/*
** oom.c: see oom.h.
**
** oom_guard() sets a jump target for its thread, and the handler given
** to GC_set_oom_fn() jumps to it. A longjmp() out of the handler is safe
** here because:
**   - libgc calls the handler with its allocation lock released (in 8.2,
**     GC_generic_malloc_aligned() and GC_malloc_kind_global() unlock
**     before calling it), so the collector is left consistent;
**   - the compiler holds no lock and owns nothing but collected memory,
**     which becomes garbage when the jump abandons it: the one other
**     resource, an open rule file in module.c, is read under oom_hold();
**   - the target is per thread, so a compile running out of memory
**     never jumps into another thread's frames.
** Outside a guard the handler passes the request to the handler that was
** set before, so other users of the collector see no change.
*/
#include "oom.h"

#include <gc.h>
#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

static _Thread_local jmp_buf *target;
static GC_oom_func previous;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *on_oom(size_t bytes) {
  if (target) longjmp(*target, 1);
  return previous(bytes);
}

static void install(void) {
  previous = GC_get_oom_fn();
  GC_set_oom_fn(on_oom);
}

/* After a jump, the abandoned call's memory must be reclaimed before
   the caller allocates again: the caller's own allocations (outside any
   guard) would otherwise find the heap still full. In the ASan build of
   tests/embed/oom the next small compile failed so. Two measures, each
   of which was enough there: zero the stack the abandoned frames used
   (16 KiB, below this frame: within any thread's stack), whose stale
   pointers the collector would otherwise take as live, and collect now. */
static __attribute__((noinline)) void forget_abandoned(void) {
  volatile char pad[16384];
  memset((char *)pad, 0, sizeof pad);
  GC_gcollect();
}

int oom_guard(void (*fn)(void *), void *arg) {
  pthread_once(&once, install);
  jmp_buf here;
  jmp_buf *outer = target;
  if (setjmp(here)) {
    target = outer;
    forget_abandoned();
    return -1;
  }
  target = &here;
  fn(arg);
  target = outer;
  return 0;
}

void *oom_hold(void) {
  jmp_buf *held = target;
  target = NULL;
  return held;
}

void oom_release(void *held) { target = held; }
