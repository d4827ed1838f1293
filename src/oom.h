/*
** oom.h: running out of collected memory while compiling.
**
** The compiler allocates from the collector everywhere and checks no
** result: there is no useful way to go on without the memory. When the
** heap cannot grow (the system's limit, or a cap the embedding program
** set with GC_set_max_heap_size() or GC_MAXIMUM_HEAP_SIZE), the
** collector calls its out-of-memory handler; under oom_guard() that
** handler leaves the guarded call, which then reports an error, instead
** of returning NULL to code that would crash on it.
*/
#ifndef ENT_OOM_H
#define ENT_OOM_H

/* Runs 'fn(arg)' and returns 0, or returns -1 as soon as an allocation
   from the collector fails inside it on this thread. What 'fn' allocated
   is left to the collector. Guards nest. */
int oom_guard(void (*fn)(void *), void *arg);

/* Between oom_hold() and oom_release(held), a failed allocation returns
   NULL as usual: for code holding what the collector cannot reclaim (an
   open file), which must check and let go of it. */
void *oom_hold(void);
void oom_release(void *held);

#endif
