/*
** serve.h: the decision service (entitle serve), in three parts.
**
**   serve.c       the policies being served (loaded, reloaded, counted
**                 references) and the handling of one request, from its
**                 method, path, headers and body to a response; it knows
**                 nothing of sockets, so the fuzz target drives it too;
**   serve_log.c   the decision log: one JSON line per decision, written
**                 and synced by one thread for many requests at once;
**   serve_http.c  libmicrohttpd, the command line, signals.
*/
#ifndef ENT_SERVE_H
#define ENT_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "out.h"
#include "program.h"

/* { ====== the decision log (serve_log.c) ====== */

typedef struct serve_log serve_log;

/* Called by the log's thread once the lines up to 'seq' are durable, for
   each waiter registered with that sequence number or a lower one. */
typedef void serve_log_wake(void *waiter);

/* Opens (appends to) 'path'; 'max_bytes' (0: never) rotates it by size.
   NULL with a message on stderr when it cannot be opened. */
serve_log *serve_log_open(const char *path, uint64_t max_bytes,
                          serve_log_wake *wake);
/* Appends one line (without its newline) for the log's thread to write.
   Returns its sequence number, or 0 when the log has failed (a write or
   sync error): then no decision may be answered. */
uint64_t serve_log_append(serve_log *l, const char *line, size_t len);
/* Whether line 'seq' is durable. If not, registers 'waiter', to be woken
   once it is, and calls 'lock'('arg') under the log's lock, before the
   log's thread can wake it (the HTTP layer suspends the connection there,
   so that it cannot be resumed before it is suspended); returns 1. */
int serve_log_wait(serve_log *l, uint64_t seq, void *waiter,
                   void (*lock)(void *), void *arg);
/* Whether line 'seq' is durable (after a wake: not if the log failed). */
int serve_log_durable(serve_log *l, uint64_t seq);
/* Whether the log has failed: then no decision may be answered. */
int serve_log_failed(serve_log *l);
/* Writes and syncs what is queued, stops the thread, closes the file. */
void serve_log_close(serve_log *l);

/* } ====== */

/* { ====== policies and requests (serve.c) ====== */

typedef struct serve_policy serve_policy;
typedef struct serve_version serve_version;

typedef struct {
  serve_policy *policies;
  int npolicies;
  pthread_mutex_t mu;          /* guards versions, references, workers */
  serve_log *log;              /* NULL without --log */
  size_t max_body;             /* bytes of one request body */
  int max_pending;             /* requests being handled at once */
  _Atomic int pending;
  _Atomic uint64_t next_id;    /* decision ids: 'prefix'-'counter' */
  char id_prefix[24];
  unsigned char (*tokens)[32]; /* sha256 of each bearer token */
  int ntokens;
} serve;

/* Makes a service for 'paths' (rule files or programs), each loaded now.
   Returns NULL when one cannot be loaded (its errors are on stderr), or
   two share a name. */
serve *serve_new(char **paths, int npaths);
/* Loads every policy again; one that no longer loads keeps serving its
   old program, and its errors are printed. Returns how many failed. */
int serve_reload(serve *S);
/* Frees versions no request uses any more. Main thread only: programs
   live in the collector's heap. */
void serve_collect(serve *S);
void serve_free(serve *S);
/* Reads bearer tokens, one a line; refuses a file that group or others
   may read. 0, or -1 with a message on stderr. */
int serve_read_tokens(serve *S, const char *path);

/* A response: status, content type, body, and for 405 the Allow header. */
typedef struct {
  int status;
  const char *type;
  const char *allow;
  outbuf body;
  uint64_t log_seq;      /* answer once the log holds this line (0: now) */
  char decision_id[48];  /* of a single decision, for a header */
} serve_resp;

typedef struct serve_req serve_req;

/* A request's headers as the HTTP layer gives them. */
typedef struct {
  const char *method, *path;
  const char *explain, *format;  /* query arguments, or NULL */
  const char *authorization;     /* header, or NULL */
  int has_length;                /* a Content-Length was given */
  uint64_t length;
} serve_head;

/* Starts a request. Returns NULL when out of memory. If the response is
   already known (an error, a GET), serve_req_done() says so at once. */
serve_req *serve_req_begin(serve *S, const serve_head *h);
/* Feeds 'n' bytes of the body. */
void serve_req_body(serve_req *r, const char *data, size_t n);
/* The body is complete: decides and makes the response. 'waiter' and
   'lock' go to serve_log_append for decisions that are logged. */
void serve_req_end(serve_req *r, void *waiter, void (*lock)(void *),
                   void *arg);
/* After the log's thread woke the request: a 500 instead of the answer
   if its lines did not become durable. */
void serve_req_resumed(serve_req *r);
/* The response, once there is one, else NULL. */
serve_resp *serve_req_done(serve_req *r);
/* Ends the request: releases its policy and frees it. */
void serve_req_free(serve_req *r);

/* } ====== */

/* entitle serve (serve_http.c). */
int serve_main(int argc, char **argv);

#endif
