/*
 * udp_batch: sendmmsg(2) for Node's dgram sockets, so that fanning one RTP packet out to many UDP readers costs one
 * syscall per batch instead of one per datagram (issue 15). Node-API only (no node-addon-api), Linux only.
 *
 *   sendmmsg(fd, buffers[], ports[], addresses[], count[, useGso]) -> number
 *
 * Sends buffers[i] to addresses[i]:ports[i] for i < count, without blocking (MSG_DONTWAIT). An address is an IPv4 or
 * IPv6 string ("127.0.0.1", "::ffff:127.0.0.1", "::1") or pre-parsed bytes (a Uint8Array of 4 or 16 bytes).
 * Returns how many datagrams went (a prefix of the list); when not even the first went, it returns -errno (EAGAIN:
 * the socket buffer is full; EINVAL: a bad address or port) and the caller sends or drops the rest itself.
 * Throws only on misuse (wrong argument types).
 *
 * useGso (UDP generic segmentation offload, Linux >= 4.18): consecutive datagrams to one destination whose sizes are
 * equal but for a shorter last one (a NAL unit's FU-A fragments for one reader) go as one message with UDP_SEGMENT,
 * which the kernel splits into the same datagrams: one pass through the stack for up to 64 of them. The first GSO
 * message the kernel refuses (old kernel, no checksum offload on the route, segment larger than the path MTU) turns
 * GSO off for the process; that call returns what went before it and the caller sends the rest itself.
 *
 *   sendmmsgAsync(fd, buffers[], ports[], addresses[], count, useGso, callback) -> undefined
 *
 * The same send on a thread of libuv's pool (napi_create_async_work), so that the kernel's work of a large fan-out
 * runs on another core than the event loop. The arguments are read on the calling thread (datagram pointers and
 * lengths, parsed addresses); the caller keeps the buffers alive and unchanged until callback(sentOrNegErrno) runs on
 * the event loop (the send uses a duplicate of fd, so the socket may be closed meanwhile). Datagrams to one destination stay in order only if the caller has at most one call in flight per
 * destination (udp-batch-sender.ts partitions its readers for that).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Messages per sendmmsg call: the kernel takes at most UIO_MAXIOV (1024); 256 keeps the stack frame ~20 KiB. */
#define CHUNK 256

/* Kernel limits of one GSO message: UDP_MAX_SEGMENTS segments, and a UDP payload below 64 KiB (IPv4 65507). */
#define GSO_MAX_SEGMENTS 64
#define GSO_MAX_BYTES 65000

/* Set once the kernel refused a GSO message; read and written by the event loop and pool threads (relaxed atomics). */
static int gso_refused = 0;
#define GSO_REFUSED() __atomic_load_n(&gso_refused, __ATOMIC_RELAXED)
#define REFUSE_GSO() __atomic_store_n(&gso_refused, 1, __ATOMIC_RELAXED)

typedef union {
  struct sockaddr sa;
  struct sockaddr_in v4;
  struct sockaddr_in6 v6;
} addr_t;

#define CHECK(call)                                                                 \
  do {                                                                              \
    if ((call) != napi_ok) {                                                        \
      napi_throw_error(env, NULL, "udp_batch: Node-API call failed: " #call);       \
      return NULL;                                                                  \
    }                                                                               \
  } while (0)

/* Fills `out` from a string or 4/16 bytes; returns 0, or -EINVAL when the value is no address. */
static int parse_address(napi_env env, napi_value v, uint32_t port, addr_t *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return -EINVAL;
  memset(out, 0, sizeof *out);
  if (t == napi_string) {
    char s[INET6_ADDRSTRLEN + 1];
    size_t len = 0;
    if (napi_get_value_string_latin1(env, v, s, sizeof s, &len) != napi_ok || len >= sizeof s - 1) return -EINVAL;
    if (memchr(s, ':', len) != NULL) {
      if (inet_pton(AF_INET6, s, &out->v6.sin6_addr) != 1) return -EINVAL;
      out->v6.sin6_family = AF_INET6;
      out->v6.sin6_port = htons((uint16_t)port);
    } else {
      if (inet_pton(AF_INET, s, &out->v4.sin_addr) != 1) return -EINVAL;
      out->v4.sin_family = AF_INET;
      out->v4.sin_port = htons((uint16_t)port);
    }
    return 0;
  }
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return -EINVAL;
  napi_typedarray_type tt;
  size_t len = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, v, &tt, &len, &data, NULL, NULL) != napi_ok || tt != napi_uint8_array) return -EINVAL;
  if (len == 4) {
    memcpy(&out->v4.sin_addr, data, 4);
    out->v4.sin_family = AF_INET;
    out->v4.sin_port = htons((uint16_t)port);
  } else if (len == 16) {
    memcpy(&out->v6.sin6_addr, data, 16);
    out->v6.sin6_family = AF_INET6;
    out->v6.sin6_port = htons((uint16_t)port);
  } else {
    return -EINVAL;
  }
  return 0;
}

/* Reads datagram i into `iov` and `addr`; 0, or -EINVAL for a bad port, address or buffer. */
static int fill(napi_env env, napi_value buffers, napi_value ports, napi_value addresses, uint32_t i,
                struct iovec *iov, addr_t *addr) {
  napi_value b, p, a;
  if (napi_get_element(env, buffers, i, &b) != napi_ok || napi_get_element(env, ports, i, &p) != napi_ok ||
      napi_get_element(env, addresses, i, &a) != napi_ok) return -EINVAL;
  uint32_t port = 0;
  if (napi_get_value_uint32(env, p, &port) != napi_ok || port == 0 || port > 65535) return -EINVAL;
  bool is_typed = false;
  if (napi_is_typedarray(env, b, &is_typed) != napi_ok || !is_typed) return -EINVAL;
  napi_typedarray_type tt;
  size_t len = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, b, &tt, &len, &data, NULL, NULL) != napi_ok || tt != napi_uint8_array) return -EINVAL;
  int err = parse_address(env, a, port, addr);
  if (err != 0) return err;
  iov->iov_base = data;
  iov->iov_len = len;
  return 0;
}

static int same_addr(const addr_t *a, const addr_t *b) {
  if (a->sa.sa_family != b->sa.sa_family) return 0;
  if (a->sa.sa_family == AF_INET) return a->v4.sin_port == b->v4.sin_port && a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
  return a->v6.sin6_port == b->v6.sin6_port && memcmp(&a->v6.sin6_addr, &b->v6.sin6_addr, 16) == 0;
}

/* One sendmmsg call's worth of messages: up to CHUNK datagrams, fewer messages when GSO merges some. */
typedef struct {
  struct mmsghdr msgs[CHUNK];
  struct iovec iovs[CHUNK];
  addr_t addrs[CHUNK];
  uint32_t segs[CHUNK];  /* datagrams in each message */
  uint32_t seg_size[CHUNK];
  uint32_t bytes[CHUNK];
  int open[CHUNK];       /* a GSO message still takes segments (no shorter one came yet) */
  union { char buf[CMSG_SPACE(sizeof(uint16_t))]; struct cmsghdr align; } ctrl[CHUNK];
} batch_t;

/* Appends datagram `iov` to `addr` to the batch, merging it into the last message when GSO allows; returns messages. */
static unsigned append(batch_t *b, unsigned m, unsigned k, const addr_t *addr, int use_gso) {
  size_t len = b->iovs[k].iov_len;
  if (use_gso && m > 0 && b->open[m - 1] && len > 0 && len <= b->seg_size[m - 1] && b->segs[m - 1] < GSO_MAX_SEGMENTS &&
      b->bytes[m - 1] + len <= GSO_MAX_BYTES && same_addr(&b->addrs[m - 1], addr)) {
    b->msgs[m - 1].msg_hdr.msg_iovlen++; /* iovs are consecutive: entry k follows the message's last one */
    b->segs[m - 1]++;
    b->bytes[m - 1] += (uint32_t)len;
    if (len < b->seg_size[m - 1]) b->open[m - 1] = 0; /* only the last segment may be shorter */
    return m;
  }
  b->addrs[m] = *addr;
  memset(&b->msgs[m], 0, sizeof b->msgs[m]);
  b->msgs[m].msg_hdr.msg_name = &b->addrs[m].sa;
  b->msgs[m].msg_hdr.msg_namelen = addr->sa.sa_family == AF_INET6 ? sizeof addr->v6 : sizeof addr->v4;
  b->msgs[m].msg_hdr.msg_iov = &b->iovs[k];
  b->msgs[m].msg_hdr.msg_iovlen = 1;
  b->segs[m] = 1;
  b->seg_size[m] = (uint32_t)len;
  b->bytes[m] = (uint32_t)len;
  b->open[m] = len > 0;
  return m + 1;
}

/* Sets UDP_SEGMENT on the messages that carry several datagrams. */
static void set_gso(batch_t *b, unsigned m) {
  for (unsigned i = 0; i < m; i++) {
    if (b->segs[i] < 2) continue;
    struct msghdr *h = &b->msgs[i].msg_hdr;
    h->msg_control = b->ctrl[i].buf;
    h->msg_controllen = sizeof b->ctrl[i].buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(h);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t size = (uint16_t)b->seg_size[i];
    memcpy(CMSG_DATA(c), &size, sizeof size);
  }
}

/* A send prepared on the event loop: every datagram's iovec and address, read from the JS arrays. */
typedef struct {
  int fd;
  int want_gso;
  uint32_t count;
  uint32_t ready;      /* datagrams before the first malformed one (all of them when none is) */
  int fill_err;        /* why datagram `ready` could not be read, when ready < count */
  struct iovec *iovs;
  addr_t *addrs;
  int32_t result;      /* datagrams sent, or -errno when none was */
  napi_ref callback;
  napi_async_work work;
} job_t;

/* Sends iovs[i] to addrs[i] for i < n in sendmmsg chunks; returns datagrams sent, or -errno when none was. */
static int32_t send_prepared(int fd, const struct iovec *iovs, const addr_t *addrs, uint32_t n, int fill_err, int want_gso) {
  static __thread batch_t b; /* ~40 KiB, kept off the stack (pool threads have small ones); one per thread */
  uint32_t sent = 0;
  int first_err = 0;
  while (sent < n) {
    int use_gso = want_gso && !GSO_REFUSED();
    unsigned k = 0, m = 0;
    while (k < CHUNK && sent + k < n) {
      b.iovs[k] = iovs[sent + k];
      m = append(&b, m, k, &addrs[sent + k], use_gso);
      k++;
    }
    if (use_gso) set_gso(&b, m);
    int r;
    do r = sendmmsg(fd, b.msgs, m, MSG_DONTWAIT); while (r < 0 && errno == EINTR);
    int err = r < 0 ? errno : 0;
    if (r < 0) r = 0;
    for (int i = 0; i < r; i++) sent += b.segs[i];
    if ((unsigned)r < m) {
      if (b.segs[r] > 1 && err != 0 && err != EAGAIN && err != EWOULDBLOCK && err != ENOBUFS) REFUSE_GSO();
      if (sent == 0) first_err = err != 0 ? -err : -EAGAIN;
      return sent > 0 ? (int32_t)sent : first_err;
    }
  }
  if (sent == 0 && fill_err != 0) return fill_err;
  return (int32_t)sent;
}

/* Checks the common arguments (fd, buffers, ports, addresses, count[, useGso]); false after throwing a TypeError. */
/* Reads the call's arguments (at most `max` into argv, `want` required) and checks the common ones. */
static bool read_args(napi_env env, napi_callback_info info, napi_value *argv, size_t max, size_t want, int32_t *fd, uint32_t *count,
                      bool *want_gso) {
  size_t argc = max;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    napi_throw_error(env, NULL, "udp_batch: could not read the arguments");
    return false;
  }
  if (argc < want) {
    napi_throw_type_error(env, NULL, "udp_batch: sendmmsg(fd, buffers, ports, addresses, count[, useGso]) / sendmmsgAsync(..., useGso, callback)");
    return false;
  }
  uint32_t nb = 0, np = 0, na = 0;
  bool ok_b = false, ok_p = false, ok_a = false;
  napi_is_array(env, argv[1], &ok_b);
  napi_is_array(env, argv[2], &ok_p);
  napi_is_array(env, argv[3], &ok_a);
  if (napi_get_value_int32(env, argv[0], fd) != napi_ok || *fd < 0 || !ok_b || !ok_p || !ok_a ||
      napi_get_value_uint32(env, argv[4], count) != napi_ok) {
    napi_throw_type_error(env, NULL, "udp_batch: (fd: number, buffers: Uint8Array[], ports: number[], addresses: (string|Uint8Array)[], count: number, useGso?: boolean)");
    return false;
  }
  *want_gso = false;
  if (argc >= 6) napi_get_value_bool(env, argv[5], want_gso); /* anything but a boolean: false */
  if (napi_get_array_length(env, argv[1], &nb) != napi_ok || napi_get_array_length(env, argv[2], &np) != napi_ok ||
      napi_get_array_length(env, argv[3], &na) != napi_ok || *count > nb || *count > np || *count > na) {
    napi_throw_range_error(env, NULL, "udp_batch: count exceeds an array's length");
    return false;
  }
  return true;
}

/* Reads datagrams first..first+count-1 into iovs/addrs; returns how many before the first malformed one (its error in *err). */
static uint32_t prepare(napi_env env, napi_value *argv, uint32_t first, uint32_t count, struct iovec *iovs, addr_t *addrs, int *err) {
  *err = 0;
  for (uint32_t i = 0; i < count; i++) {
    *err = fill(env, argv[1], argv[2], argv[3], first + i, &iovs[i], &addrs[i]);
    if (*err != 0) return i;
  }
  return count;
}

static napi_value js_sendmmsg(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  int32_t fd = -1;
  uint32_t count = 0;
  bool want_gso = false;
  if (!read_args(env, info, argv, 6, 5, &fd, &count, &want_gso)) return NULL;
  /* Datagrams are read one chunk at a time into fixed arrays, so a call allocates nothing. */
  static __thread struct iovec iovs[CHUNK];
  static __thread addr_t addrs[CHUNK];
  uint32_t sent = 0;
  int32_t result = 0;
  while (sent < count) {
    uint32_t n = count - sent < CHUNK ? count - sent : CHUNK;
    int fill_err = 0;
    uint32_t ready = prepare(env, argv, sent, n, iovs, addrs, &fill_err);
    int32_t r = send_prepared(fd, iovs, addrs, ready, fill_err, want_gso);
    if (r <= 0) { result = sent > 0 ? (int32_t)sent : r; break; }
    sent += (uint32_t)r;
    result = (int32_t)sent;
    if ((uint32_t)r < n) break; /* the kernel took part of it, or datagram `ready` is malformed */
  }
  napi_value out;
  CHECK(napi_create_int32(env, result, &out));
  return out;
}

static void job_execute(napi_env env, void *data) {
  (void)env; /* a pool thread: no Node-API calls here */
  job_t *j = data;
  if (j->fd < 0) { j->result = -EBADF; return; }
  j->result = send_prepared(j->fd, j->iovs, j->addrs, j->ready, j->ready < j->count ? j->fill_err : 0, j->want_gso);
  close(j->fd);
}

static void job_complete(napi_env env, napi_status status, void *data) {
  job_t *j = data;
  napi_value cb, global, arg;
  if (napi_get_reference_value(env, j->callback, &cb) == napi_ok && napi_get_global(env, &global) == napi_ok &&
      napi_create_int32(env, status == napi_ok ? j->result : -ECANCELED, &arg) == napi_ok) {
    napi_call_function(env, global, cb, 1, &arg, NULL);
  }
  napi_delete_reference(env, j->callback);
  napi_delete_async_work(env, j->work);
  free(j->iovs);
  free(j->addrs);
  free(j);
}

static napi_value js_sendmmsg_async(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  int32_t fd = -1;
  uint32_t count = 0;
  bool want_gso = false;
  if (!read_args(env, info, argv, 7, 7, &fd, &count, &want_gso)) return NULL;
  napi_valuetype t;
  if (napi_typeof(env, argv[6], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "udp_batch: sendmmsgAsync needs a callback");
    return NULL;
  }
  job_t *j = calloc(1, sizeof *j);
  if (j != NULL && count > 0) {
    j->iovs = malloc(count * sizeof *j->iovs);
    j->addrs = malloc(count * sizeof *j->addrs);
  }
  if (j == NULL || (count > 0 && (j->iovs == NULL || j->addrs == NULL))) {
    if (j != NULL) { free(j->iovs); free(j->addrs); free(j); }
    napi_throw_error(env, "ENOMEM", "udp_batch: out of memory");
    return NULL;
  }
  /* A duplicate of the descriptor, closed by the pool thread after the send: the socket's owner may close its own
   * meanwhile, and the number could then name another socket. */
  j->fd = dup(fd);
  j->want_gso = want_gso;
  j->count = count;
  j->ready = prepare(env, argv, 0, count, j->iovs, j->addrs, &j->fill_err);
  napi_value name;
  if (napi_create_reference(env, argv[6], 1, &j->callback) != napi_ok ||
      napi_create_string_latin1(env, "udp_batch.sendmmsg", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, job_execute, job_complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    if (j->fd >= 0) close(j->fd);
    napi_throw_error(env, NULL, "udp_batch: could not queue the send");
    return NULL; /* the job's memory leaks here only when Node-API itself fails, which it does not outside teardown */
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  CHECK(napi_create_function(env, "sendmmsg", NAPI_AUTO_LENGTH, js_sendmmsg, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "sendmmsg", fn));
  CHECK(napi_create_function(env, "sendmmsgAsync", NAPI_AUTO_LENGTH, js_sendmmsg_async, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "sendmmsgAsync", fn));
  return exports;
}

/* Built by scripts/build-native.sh with the compiler directly, where node-gyp would define the name. */
#ifndef NODE_GYP_MODULE_NAME
#define NODE_GYP_MODULE_NAME udp_batch
#endif
NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
