/*
** serve_http.c: entitle serve, the decision service over HTTP.
**
** libmicrohttpd runs the sockets on a pool of threads; each request is
** handed to serve.c as it arrives (head, body pieces, end). A decision
** that is logged is answered only once its log line is durable: the
** connection is suspended when the line is queued and resumed by the
** log's thread after the sync (serve_log.c), so that no thread of the
** pool waits on the disk and one sync serves all the requests at once.
**
** The main thread waits for signals: SIGHUP reloads the policies,
** SIGTERM (or SIGINT) stops accepting, lets the requests in flight
** finish, and exits 0. Between signals it frees the versions of policies
** no request uses any more.
*/
#include "serve.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"

/* One request as the HTTP library sees it. */
typedef struct {
  serve_req *r;
  struct MHD_Connection *c;
  int ended;      /* serve_req_end ran: a call after it is a resumption */
  uint64_t discarded; /* bytes of a body refused as too large */
} http_req;

/* The bytes of a refused body read and dropped before the connection is
   closed without an answer. */
#define DISCARD_MAX ((uint64_t)4 << 20)

static serve *service;
static atomic_int inflight;   /* requests begun and not completed */

static void suspend_cb(void *arg) {
  http_req *h = arg;
  MHD_suspend_connection(h->c);
}

/* The log's thread: the line of this request is durable (or the log has
   failed); its response goes out on the next call of the handler. */
static void wake_cb(void *waiter) {
  http_req *h = waiter;
  MHD_resume_connection(h->c);
}

static enum MHD_Result send_response(http_req *h) {
  serve_resp *rs = serve_req_done(h->r);
  /* The body lives in the request until it is completed, after the
     response is sent. */
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      rs->body.len, rs->body.buf, MHD_RESPMEM_PERSISTENT);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rs->type);
  if (rs->allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                         rs->allow);
  if (rs->status == 401)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                            "Bearer");
  if (rs->status == 503)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
  if (rs->decision_id[0] && rs->status == 200)
    MHD_add_response_header(resp, "Decision-Id", rs->decision_id);
  enum MHD_Result ok = MHD_queue_response(h->c, (unsigned)rs->status, resp);
  MHD_destroy_response(resp);
  return ok;
}

static void read_head(struct MHD_Connection *c, const char *url,
                      const char *method, serve_head *hd) {
  memset(hd, 0, sizeof *hd);
  hd->method = method;
  hd->path = url;
  hd->explain = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                            "explain");
  hd->format = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                           "format");
  hd->authorization = MHD_lookup_connection_value(
      c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  const char *cl = MHD_lookup_connection_value(
      c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    hd->has_length = !errno && end != cl && !*end;
    hd->length = n;
  }
}

/* The access handler: called once with the head, once per piece of the
   body, then with no data at the end (and again after a resumption). */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *data,
                              size_t *size, void **con_cls) {
  http_req *h = *con_cls;
  if (!h) {
    if (!(h = calloc(1, sizeof *h))) return MHD_NO;
    h->c = c;
    *con_cls = h;
    atomic_fetch_add(&inflight, 1);
    serve_head hd;
    read_head(c, url, method, &hd);
    if (!(h->r = serve_req_begin(service, &hd))) return MHD_NO;
    /* An answer known from the head alone (413 from Content-Length among
       them) is sent before a body is read; the connection is then
       closed. Without a body (a GET) it waits for the next call: sent
       now, the library would close the connection all the same, and a
       client would pay a new one for each request. */
    int body = (hd.has_length && hd.length) ||
               MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                           MHD_HTTP_HEADER_TRANSFER_ENCODING);
    return serve_req_done(h->r) && body ? send_response(h) : MHD_YES;
  }
  if (*size) {
    /* A body over the limit without a Content-Length (chunked): nothing
       more is kept, and the 413 goes out once the body ends (the library
       cannot answer in the middle of a body). A client that goes on
       sending well past the limit has the connection closed instead. */
    if (serve_req_done(h->r)) {
      h->discarded += *size;
      *size = 0;
      return h->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    serve_req_body(h->r, data, *size);
    *size = 0;
    return MHD_YES;
  }
  if (h->ended) {
    serve_req_resumed(h->r);
    return send_response(h);
  }
  h->ended = 1;
  serve_req_end(h->r, h, suspend_cb, h);
  serve_resp *rs = serve_req_done(h->r);
  if (rs && rs->log_seq) return MHD_YES; /* suspended until durable */
  return rs ? send_response(h) : MHD_NO;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  http_req *h = *con_cls;
  if (!h) return;
  serve_req_free(h->r);
  free(h);
  *con_cls = NULL;
  atomic_fetch_sub(&inflight, 1);
}

/* { ====== the command ====== */

typedef struct {
  const char *listen, *log, *tokens;
  uint64_t log_max, max_body;
  long threads, max_pending, timeout;
} options;

static int number(const char *v, uint64_t max, uint64_t *out) {
  char *end;
  if (!v || !*v || *v == '-') return -1;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno || *end || n == 0 || n > max) return -1;
  *out = n;
  return 0;
}

/* Parses the options; the policies are left in argv[*first..argc). */
static int parse(int argc, char **argv, options *o, int *first) {
  int i;
  for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    uint64_t k = 0;
#define OPT(name) (n == sizeof(name) - 1 && !strncmp(a, name, n))
    if (OPT("--listen")) o->listen = v;
    else if (OPT("--log")) o->log = v;
    else if (OPT("--tokens")) o->tokens = v;
    else if (OPT("--log-max-bytes") && !number(v, UINT64_MAX, &k))
      o->log_max = k;
    else if (OPT("--max-body") && !number(v, (uint64_t)1 << 34, &k))
      o->max_body = k;
    else if (OPT("--threads") && !number(v, 1024, &k)) o->threads = (long)k;
    else if (OPT("--max-pending") && !number(v, 1 << 20, &k))
      o->max_pending = (long)k;
    else if (OPT("--timeout") && !number(v, 86400, &k)) o->timeout = (long)k;
    else {
      fprintf(stderr, "entitle serve: bad option or value: '%s'\n", a);
      return -1;
    }
#undef OPT
    if (!v) return cli_usage("serve: an option needs a value");
  }
  *first = i;
  return 0;
}

/* HOST:PORT or [V6]:PORT to an address. 0, or -1 with a message. */
static int resolve(const char *listen, struct sockaddr_storage *sa,
                   int *v6) {
  char host[256];
  const char *colon = strrchr(listen, ':');
  if (!colon || colon == listen || strlen(listen) >= sizeof host) goto bad;
  size_t hn = (size_t)(colon - listen);
  memcpy(host, listen, hn);
  host[hn] = 0;
  if (host[0] == '[' && hn > 2 && host[hn - 1] == ']') {
    memmove(host, host + 1, hn - 2);
    host[hn - 2] = 0;
  }
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  int rc = getaddrinfo(host, colon + 1, &hints, &res);
  if (rc || !res) {
    fprintf(stderr, "entitle serve: cannot listen on '%s': %s\n", listen,
            rc ? gai_strerror(rc) : "no address");
    return -1;
  }
  memcpy(sa, res->ai_addr, res->ai_addrlen);
  *v6 = res->ai_family == AF_INET6;
  freeaddrinfo(res);
  return 0;
bad:
  fprintf(stderr, "entitle serve: --listen takes HOST:PORT, as "
          "127.0.0.1:8080 or [::1]:8080\n");
  return -1;
}

static struct MHD_Daemon *start(const options *o, const char *listen) {
  struct sockaddr_storage sa;
  int v6 = 0;
  if (resolve(listen, &sa, &v6)) return NULL;
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                   MHD_USE_ITC | (v6 ? MHD_USE_IPv6 : 0);
  unsigned limit = (unsigned)(o->max_pending > 256 ? o->max_pending : 256);
  struct MHD_OptionItem opts[] = {
      {MHD_OPTION_SOCK_ADDR, 0, &sa},
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL},
      {MHD_OPTION_CONNECTION_TIMEOUT, o->timeout, NULL},
      {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)limit, NULL},
      {o->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
       o->threads, NULL},
      {MHD_OPTION_END, 0, NULL}};
  struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL,
                                          MHD_OPTION_ARRAY, opts,
                                          MHD_OPTION_END);
  if (!d)
    fprintf(stderr, "entitle serve: cannot listen on '%s': %s\n", listen,
            errno ? strerror(errno) : "the HTTP library refused");
  return d;
}

/* Stops accepting, waits for the requests in flight (at most the
   connection time-out), then stops. */
static void drain(struct MHD_Daemon *d, long timeout) {
  MHD_socket s = MHD_quiesce_daemon(d);
  if (s != MHD_INVALID_SOCKET) close(s);
  for (long ms = 0; atomic_load(&inflight) > 0 && ms < timeout * 1000;
       ms += 10)
    nanosleep(&(struct timespec){0, 10000000}, NULL);
  MHD_stop_daemon(d);
}

/* Waits for signals until SIGTERM or SIGINT. */
static void signal_loop(const sigset_t *set) {
  struct timespec tick = {1, 0};
  for (;;) {
    siginfo_t info;
    int sig = sigtimedwait(set, &info, &tick);
    if (sig == SIGHUP) {
      fprintf(stderr, "entitle serve: SIGHUP: reloading\n");
      serve_reload(service);
    } else if (sig == SIGTERM || sig == SIGINT) {
      fprintf(stderr, "entitle serve: %s: finishing the requests in "
              "flight\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      return;
    }
    serve_collect(service);
  }
}

int serve_main(int argc, char **argv) {
  options o = {"127.0.0.1:8080", NULL, NULL, 0, 1 << 20, 0, 1024, 30};
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  o.threads = ncpu > 0 ? ncpu : 1;
  int first = 0;
  if (parse(argc, argv, &o, &first)) return EXIT_USAGE;
  if (first >= argc) return cli_usage("serve: name at least one policy");
  /* Threads started from here on (the log's, the HTTP library's) leave
     these signals to the main thread's sigtimedwait. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  service = serve_new(argv + first, argc - first);
  if (!service) return EXIT_RULES;
  service->max_body = (size_t)o.max_body;
  service->max_pending = (int)o.max_pending;
  int rc = EXIT_OK;
  struct MHD_Daemon *d = NULL;
  if (o.tokens && serve_read_tokens(service, o.tokens)) rc = EXIT_IO;
  if (!rc && o.log &&
      !(service->log = serve_log_open(o.log, o.log_max, wake_cb)))
    rc = EXIT_IO;
  if (!rc && !(d = start(&o, o.listen))) rc = EXIT_IO;
  if (!rc) {
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[256];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(o.listen, ':') -
                                             o.listen), o.listen);
    printf("listening on http://%s:%u/\n", host, di ? di->port : 0);
    fflush(stdout);
    signal_loop(&set);
    drain(d, o.timeout);
  }
  serve_log_close(service->log);
  serve_free(service);
  return rc;
}

/* } ====== */
