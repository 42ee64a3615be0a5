/*
 * yieldio's native selector (Linux): one epoll descriptor per selector, watched by one libuv
 * poll handle so that Node's own loop wakes us without a thread, and non-blocking sockets moved
 * with raw recv/send. Research and figures: shared/notes/native-selector-research.md.
 *
 * Conventions: every function of the hot path returns a number, the result or -errno; nothing
 * throws there. Functions that take an fd never close it unless they say so.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) return NULL;                                                            \
  } while (0)

static napi_value make_int(napi_env env, int64_t value) {
  napi_value result;
  if (napi_create_int64(env, value, &result) != napi_ok) return NULL;
  return result;
}

static int32_t arg_int(napi_env env, napi_value value) {
  int32_t result = -1;
  napi_get_value_int32(env, value, &result);
  return result;
}

/* The arguments of a call; missing ones read as undefined. */
#define ARGS(n)                                                                                    \
  size_t argc = (n);                                                                               \
  napi_value argv[(n) > 0 ? (n) : 1];                                                              \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL))

/* ---- epoll --------------------------------------------------------------------------------- */

static napi_value epoll_create_fn(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = epoll_create1(EPOLL_CLOEXEC);
  return make_int(env, fd < 0 ? -errno : fd);
}

/* epollCtl(epfd, op, fd, events): op 1 add, 2 delete, 3 modify; events as epoll's bits. */
static napi_value epoll_ctl_fn(napi_env env, napi_callback_info info) {
  ARGS(4);
  int epfd = arg_int(env, argv[0]), op = arg_int(env, argv[1]), fd = arg_int(env, argv[2]);
  struct epoll_event event;
  memset(&event, 0, sizeof event);
  event.events = (uint32_t)arg_int(env, argv[3]);
  event.data.fd = fd;
  int rc = epoll_ctl(epfd, op, fd, &event);
  return make_int(env, rc < 0 ? -errno : 0);
}

/* epollWait(epfd, Int32Array out, timeoutMs): fills out with (fd, events) pairs; returns how many. */
static napi_value epoll_wait_fn(napi_env env, napi_callback_info info) {
  ARGS(3);
  int epfd = arg_int(env, argv[0]), timeout = arg_int(env, argv[2]);
  napi_typedarray_type type;
  size_t length;
  void* data;
  CHECK(napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL));
  if (type != napi_int32_array) return make_int(env, -EINVAL);
  int max = (int)(length / 2);
  if (max > 1024) max = 1024;
  if (max < 1) return make_int(env, -EINVAL);
  struct epoll_event events[1024];
  int n;
  do n = epoll_wait(epfd, events, max, timeout);
  while (n < 0 && errno == EINTR);
  if (n < 0) return make_int(env, -errno);
  int32_t* out = data;
  for (int i = 0; i < n; i++) {
    out[2 * i] = events[i].data.fd;
    out[2 * i + 1] = (int32_t)events[i].events;
  }
  return make_int(env, n);
}

/* ---- sockets --------------------------------------------------------------------------------- */

/* Fills addr from a numeric IPv4 or IPv6 address; returns its length, or 0 when not numeric. */
static socklen_t ip_address(const char* host, int port, struct sockaddr_storage* addr) {
  memset(addr, 0, sizeof *addr);
  struct sockaddr_in* v4 = (struct sockaddr_in*)addr;
  struct sockaddr_in6* v6 = (struct sockaddr_in6*)addr;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    return sizeof *v4;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    return sizeof *v6;
  }
  return 0;
}

static socklen_t unix_address(const char* path, struct sockaddr_un* addr) {
  memset(addr, 0, sizeof *addr);
  size_t length = strlen(path);
  if (length == 0 || length >= sizeof addr->sun_path) return 0;
  addr->sun_family = AF_UNIX;
  memcpy(addr->sun_path, path, length);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + 1);
}

static int read_string(napi_env env, napi_value value, char* buffer, size_t size) {
  size_t copied;
  if (napi_get_value_string_utf8(env, value, buffer, size, &copied) != napi_ok) return -EINVAL;
  if (copied >= size - 1) return -ENAMETOOLONG;
  return 0;
}

static void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* A non-blocking socket bound (and listening, or connecting) to addr; -errno on failure. */
static int open_socket(const struct sockaddr* addr, socklen_t length, int listening, int backlog) {
  int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int rc;
  if (listening) {
    int one = 1;
    if (addr->sa_family != AF_UNIX) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    rc = bind(fd, addr, length);
    if (rc == 0) rc = listen(fd, backlog);
  } else {
    if (addr->sa_family != AF_UNIX) set_nodelay(fd);
    rc = connect(fd, addr, length);
    if (rc < 0 && errno == EINPROGRESS) rc = 0; /* completes later: wait for EVENT_WRITE, then soError */
  }
  if (rc < 0) {
    int error = errno;
    close(fd);
    return -error;
  }
  return fd;
}

/* tcpListen(host, port, backlog) / tcpConnect(host, port): host is a numeric address. */
static napi_value tcp_open(napi_env env, napi_callback_info info, int listening) {
  ARGS(3);
  char host[64];
  int rc = read_string(env, argv[0], host, sizeof host);
  if (rc < 0) return make_int(env, rc);
  struct sockaddr_storage addr;
  socklen_t length = ip_address(host, arg_int(env, argv[1]), &addr);
  if (length == 0) return make_int(env, -EINVAL);
  return make_int(env, open_socket((struct sockaddr*)&addr, length, listening, listening ? arg_int(env, argv[2]) : 0));
}

static napi_value tcp_listen_fn(napi_env env, napi_callback_info info) { return tcp_open(env, info, 1); }
static napi_value tcp_connect_fn(napi_env env, napi_callback_info info) { return tcp_open(env, info, 0); }

/* unixListen(path, backlog) / unixConnect(path). */
static napi_value unix_open(napi_env env, napi_callback_info info, int listening) {
  ARGS(2);
  char path[sizeof(((struct sockaddr_un*)0)->sun_path) + 1];
  int rc = read_string(env, argv[0], path, sizeof path);
  if (rc < 0) return make_int(env, rc);
  struct sockaddr_un addr;
  socklen_t length = unix_address(path, &addr);
  if (length == 0) return make_int(env, -ENAMETOOLONG);
  return make_int(env, open_socket((struct sockaddr*)&addr, length, listening, listening ? arg_int(env, argv[1]) : 0));
}

static napi_value unix_listen_fn(napi_env env, napi_callback_info info) { return unix_open(env, info, 1); }
static napi_value unix_connect_fn(napi_env env, napi_callback_info info) { return unix_open(env, info, 0); }

/* accept(fd): a non-blocking connection, with TCP_NODELAY for TCP; -EAGAIN when none waits. */
static napi_value accept_fn(napi_env env, napi_callback_info info) {
  ARGS(1);
  struct sockaddr_storage addr;
  socklen_t length = sizeof addr;
  int fd = accept4(arg_int(env, argv[0]), (struct sockaddr*)&addr, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return make_int(env, -errno);
  if (addr.ss_family == AF_INET || addr.ss_family == AF_INET6) set_nodelay(fd);
  return make_int(env, fd);
}

/* soError(fd): the pending error of a socket (0 once a connect succeeded). */
static napi_value so_error_fn(napi_env env, napi_callback_info info) {
  ARGS(1);
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(arg_int(env, argv[0]), SOL_SOCKET, SO_ERROR, &error, &length) < 0) return make_int(env, -errno);
  return make_int(env, error);
}

/* The bytes [offset, offset + length) of a Uint8Array, or NULL when they are out of range. */
static uint8_t* byte_range(napi_env env, napi_value array, napi_value offset, napi_value length, size_t* size) {
  napi_typedarray_type type;
  size_t elements;
  void* data;
  if (napi_get_typedarray_info(env, array, &type, &elements, &data, NULL, NULL) != napi_ok) return NULL;
  if (type != napi_uint8_array) return NULL;
  int32_t start = arg_int(env, offset), count = arg_int(env, length);
  if (start < 0 || count < 0 || (size_t)start + (size_t)count > elements) return NULL;
  *size = (size_t)count;
  return (uint8_t*)data + start;
}

/* recv(fd, bytes, offset, length): bytes read (0 at end of stream), or -errno (-EAGAIN: none yet). */
static napi_value recv_fn(napi_env env, napi_callback_info info) {
  ARGS(4);
  size_t size;
  uint8_t* bytes = byte_range(env, argv[1], argv[2], argv[3], &size);
  if (bytes == NULL) return make_int(env, -EINVAL);
  ssize_t n;
  do n = recv(arg_int(env, argv[0]), bytes, size, 0);
  while (n < 0 && errno == EINTR);
  return make_int(env, n < 0 ? -errno : n);
}

/* send(fd, bytes, offset, length): bytes sent (maybe fewer), or -errno (-EAGAIN: the buffer is full). */
static napi_value send_fn(napi_env env, napi_callback_info info) {
  ARGS(4);
  size_t size;
  uint8_t* bytes = byte_range(env, argv[1], argv[2], argv[3], &size);
  if (bytes == NULL) return make_int(env, -EINVAL);
  ssize_t n;
  do n = send(arg_int(env, argv[0]), bytes, size, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return make_int(env, n < 0 ? -errno : n);
}

/* shutdownWrite(fd): sends end-of-stream (half-close). */
static napi_value shutdown_write_fn(napi_env env, napi_callback_info info) {
  ARGS(1);
  return make_int(env, shutdown(arg_int(env, argv[0]), SHUT_WR) < 0 ? -errno : 0);
}

/* close(fd). The caller removed it from every epoll set first. */
static napi_value close_fn(napi_env env, napi_callback_info info) {
  ARGS(1);
  return make_int(env, close(arg_int(env, argv[0])) < 0 ? -errno : 0);
}

/* An address as [address, port, family] for IP, or the path for a Unix socket; -errno on failure. */
static napi_value address_value(napi_env env, struct sockaddr_storage* addr) {
  napi_value result;
  if (addr->ss_family == AF_UNIX) {
    struct sockaddr_un* un = (struct sockaddr_un*)addr;
    CHECK(napi_create_string_utf8(env, un->sun_path, NAPI_AUTO_LENGTH, &result));
    return result;
  }
  char text[INET6_ADDRSTRLEN];
  int port;
  const char* family;
  if (addr->ss_family == AF_INET) {
    struct sockaddr_in* v4 = (struct sockaddr_in*)addr;
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    port = ntohs(v4->sin_port);
    family = "IPv4";
  } else {
    struct sockaddr_in6* v6 = (struct sockaddr_in6*)addr;
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    port = ntohs(v6->sin6_port);
    family = "IPv6";
  }
  napi_value parts[3];
  CHECK(napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &parts[0]));
  CHECK(napi_create_int32(env, port, &parts[1]));
  CHECK(napi_create_string_utf8(env, family, NAPI_AUTO_LENGTH, &parts[2]));
  CHECK(napi_create_array_with_length(env, 3, &result));
  for (uint32_t i = 0; i < 3; i++) CHECK(napi_set_element(env, result, i, parts[i]));
  return result;
}

static napi_value socket_name(napi_env env, napi_callback_info info, int peer) {
  ARGS(1);
  struct sockaddr_storage addr;
  socklen_t length = sizeof addr;
  memset(&addr, 0, sizeof addr);
  int fd = arg_int(env, argv[0]);
  int rc = peer ? getpeername(fd, (struct sockaddr*)&addr, &length) : getsockname(fd, (struct sockaddr*)&addr, &length);
  if (rc < 0) return make_int(env, -errno);
  return address_value(env, &addr);
}

static napi_value local_address_fn(napi_env env, napi_callback_info info) { return socket_name(env, info, 0); }
static napi_value peer_address_fn(napi_env env, napi_callback_info info) { return socket_name(env, info, 1); }

/* ---- the watcher: a libuv poll handle on the epoll descriptor -------------------------------- */

/*
 * Invariants: the uv_poll_t is allocated with malloc and freed by libuv's close callback,
 * which is libc's free (never code of this addon: a worker's env may unload the addon before
 * libuv runs the callback). The handle is closed once, by watcherClose() or by the env cleanup
 * hook, whichever comes first.
 */
typedef struct {
  uv_poll_t* handle;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int closed;
} watcher_t;

static void free_handle(uv_handle_t* handle) { free(handle); }

static void close_watcher(watcher_t* watcher) {
  if (watcher->closed) return;
  watcher->closed = 1;
  uv_poll_stop(watcher->handle);
  uv_close((uv_handle_t*)watcher->handle, free_handle);
  watcher->handle = NULL;
}

static void cleanup_hook(void* data) { close_watcher(data); }

static void on_poll(uv_poll_t* handle, int status, int events) {
  (void)status;
  (void)events;
  watcher_t* watcher = handle->data;
  napi_env env = watcher->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, global, result;
  int ok = napi_get_reference_value(env, watcher->callback, &callback) == napi_ok && napi_get_global(env, &global) == napi_ok;
  /* Through napi_make_callback: nextTicks and Promise jobs run after it, as after any Node I/O callback. */
  if (!ok || napi_make_callback(env, watcher->context, global, callback, 0, NULL, &result) != napi_ok) {
    /* The env is going away (a worker terminating): stop, or libuv would call again and again. */
    if (!watcher->closed) uv_poll_stop(watcher->handle);
  }
  napi_close_handle_scope(env, scope);
}

static void finalize_watcher(napi_env env, void* data, void* hint) {
  (void)hint;
  watcher_t* watcher = data;
  close_watcher(watcher);
  napi_remove_env_cleanup_hook(env, cleanup_hook, watcher);
  napi_delete_reference(env, watcher->callback);
  napi_async_destroy(env, watcher->context);
  free(watcher);
}

static watcher_t* get_watcher(napi_env env, napi_value value) {
  watcher_t* watcher = NULL;
  if (napi_get_value_external(env, value, (void**)&watcher) != napi_ok) return NULL;
  return watcher;
}

/* watcherCreate(epfd, callback): a stopped watcher that calls callback when epfd is readable. */
static napi_value watcher_create_fn(napi_env env, napi_callback_info info) {
  ARGS(2);
  uv_loop_t* loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  watcher_t* watcher = calloc(1, sizeof *watcher);
  if (watcher == NULL) return NULL;
  watcher->env = env;
  watcher->handle = malloc(sizeof(uv_poll_t));
  napi_value name;
  if (watcher->handle == NULL || uv_poll_init(loop, watcher->handle, arg_int(env, argv[0])) != 0 ||
      napi_create_reference(env, argv[1], 1, &watcher->callback) != napi_ok ||
      napi_create_string_utf8(env, "yieldio.NativeSelector", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, NULL, name, &watcher->context) != napi_ok) {
    free(watcher->handle);
    free(watcher);
    napi_throw_error(env, NULL, "NativeSelector: could not create the poll handle");
    return NULL;
  }
  watcher->handle->data = watcher;
  napi_add_env_cleanup_hook(env, cleanup_hook, watcher);
  napi_value external;
  CHECK(napi_create_external(env, watcher, finalize_watcher, NULL, &external));
  return external;
}

/* watcherStart(w) / watcherStop(w) / watcherClose(w). */
static napi_value watcher_start_fn(napi_env env, napi_callback_info info) {
  ARGS(1);
  watcher_t* watcher = get_watcher(env, argv[0]);
  if (watcher == NULL || watcher->closed) return make_int(env, -EBADF);
  return make_int(env, uv_poll_start(watcher->handle, UV_READABLE, on_poll));
}

static napi_value watcher_stop_fn(napi_env env, napi_callback_info info) {
  ARGS(1);
  watcher_t* watcher = get_watcher(env, argv[0]);
  if (watcher == NULL || watcher->closed) return make_int(env, -EBADF);
  return make_int(env, uv_poll_stop(watcher->handle));
}

static napi_value watcher_close_fn(napi_env env, napi_callback_info info) {
  ARGS(1);
  watcher_t* watcher = get_watcher(env, argv[0]);
  if (watcher == NULL) return make_int(env, -EBADF);
  close_watcher(watcher);
  return make_int(env, 0);
}

/* ---- the module ------------------------------------------------------------------------------- */

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"epollCreate", NULL, epoll_create_fn, NULL, NULL, NULL, napi_default, NULL},
      {"epollCtl", NULL, epoll_ctl_fn, NULL, NULL, NULL, napi_default, NULL},
      {"epollWait", NULL, epoll_wait_fn, NULL, NULL, NULL, napi_default, NULL},
      {"tcpListen", NULL, tcp_listen_fn, NULL, NULL, NULL, napi_default, NULL},
      {"tcpConnect", NULL, tcp_connect_fn, NULL, NULL, NULL, napi_default, NULL},
      {"unixListen", NULL, unix_listen_fn, NULL, NULL, NULL, napi_default, NULL},
      {"unixConnect", NULL, unix_connect_fn, NULL, NULL, NULL, napi_default, NULL},
      {"accept", NULL, accept_fn, NULL, NULL, NULL, napi_default, NULL},
      {"soError", NULL, so_error_fn, NULL, NULL, NULL, napi_default, NULL},
      {"recv", NULL, recv_fn, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, send_fn, NULL, NULL, NULL, napi_default, NULL},
      {"shutdownWrite", NULL, shutdown_write_fn, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_fn, NULL, NULL, NULL, napi_default, NULL},
      {"localAddress", NULL, local_address_fn, NULL, NULL, NULL, napi_default, NULL},
      {"peerAddress", NULL, peer_address_fn, NULL, NULL, NULL, napi_default, NULL},
      {"watcherCreate", NULL, watcher_create_fn, NULL, NULL, NULL, napi_default, NULL},
      {"watcherStart", NULL, watcher_start_fn, NULL, NULL, NULL, napi_default, NULL},
      {"watcherStop", NULL, watcher_stop_fn, NULL, NULL, NULL, napi_default, NULL},
      {"watcherClose", NULL, watcher_close_fn, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties));
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
