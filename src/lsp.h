/*
** lsp.h: entitle lsp, a language server (LSP 3.17, JSON-RPC 2.0 over
** standard input and output; doc/lsp.md).
**
** The server is a state machine fed with the bytes of its input, so that
** the command and the fuzz target (tests/fuzz/fuzz_lsp.c) drive the same
** code: lsp_feed() takes input as it comes, answers each whole message
** through the write function, and says when the session is over.
*/
#ifndef ENT_LSP_H
#define ENT_LSP_H

#include <stddef.h>

typedef struct lsp_server lsp_server;

/* Writes one whole message (header and body). Returns 0, or -1 when the
   client is gone. */
typedef int (*lsp_write_fn)(void *ctx, const char *buf, size_t n);

lsp_server *lsp_new(lsp_write_fn write, void *ctx);
void lsp_free(lsp_server *srv);
/* Takes the next 'n' bytes of input and handles every message they
   complete. Returns -1 while the session goes on, else its exit status:
   0 after 'shutdown' then 'exit', 1 on 'exit' without 'shutdown', on a
   header that leaves the stream unreadable, or when a write failed. */
int lsp_feed(lsp_server *srv, const char *buf, size_t n);
/* Publishes the diagnostics of every document changed since they were
   last published: called when no input is waiting, so that a burst of
   changes is checked once. */
void lsp_idle(lsp_server *srv);
/* The end of the input: the exit status (0 if 'shutdown' came, else 1). */
int lsp_end(lsp_server *srv);
/* Why the session ended other than by 'exit' (a bad header, input cut
   short, the client gone), or NULL. */
const char *lsp_problem(const lsp_server *srv);

/* The command: 'entitle lsp' serves standard input and output. */
int lsp_main(int argc, char **argv);

#endif
