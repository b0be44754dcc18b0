/*
 * The limit of the channel protocol on this machine: a minimal power-management host in C that
 * does only what every host must do per request, so that vmpower's figures can be read as ratios.
 *
 *   minhost DIR FILE
 *
 * Connects to every socket in DIR (as vmpower's add_channels does), waits on all of them with
 * epoll, reassembles 464-byte requests, and for each one writes a frequency to FILE with one
 * pwrite (as a cpufreq host writes scaling_setspeed) and sends the ACK (the request echoed with
 * command = 1). Nothing else: no checks, no policy, no state machine. Runs until SIGTERM/SIGINT.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define REQ 464
#define OFF_UNIT 8
#define OFF_COMMAND 12
#define PER_TURN 32

struct conn {
  int fd;
  int part_len;
  unsigned char part[REQ];
  unsigned char *pending; /* replies the socket did not take yet */
  size_t pending_len, pending_cap;
};

static volatile sig_atomic_t stop;
static int sysfs_fd;
static int ep;
static unsigned char rbuf[PER_TURN * REQ];
static unsigned char wbuf[(PER_TURN + 1) * REQ];

static void on_signal(int s) {
  (void)s;
  stop = 1;
}

static void serve(const unsigned char *req, unsigned char *reply) {
  uint32_t unit;
  memcpy(&unit, req + OFF_UNIT, 4);
  /* scale up or down between two table entries: one store per request, like scaling_setspeed */
  const char *khz = unit == 1 ? "2400000\n" : "2200000\n";
  if (pwrite(sysfs_fd, khz, 8, 0) != 8) {
    perror("minhost: pwrite");
  }
  memcpy(reply, req, REQ);
  uint32_t ack = 1;
  memcpy(reply + OFF_COMMAND, &ack, 4);
}

static int send_all(struct conn *c, const unsigned char *buf, size_t len) {
  if (c->pending_len == 0) {
    ssize_t n = write(c->fd, buf, len);
    if (n < 0 && errno != EAGAIN) return -1;
    if (n < 0) n = 0;
    buf += n;
    len -= (size_t)n;
    if (len == 0) return 0;
  }
  if (c->pending_len + len > c->pending_cap) {
    size_t cap = c->pending_cap ? c->pending_cap * 2 : 64 * 1024;
    while (cap < c->pending_len + len) cap *= 2;
    c->pending = realloc(c->pending, cap);
    if (!c->pending) return -1;
    c->pending_cap = cap;
  }
  memcpy(c->pending + c->pending_len, buf, len);
  c->pending_len += len;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
  return 0;
}

static int flush_pending(struct conn *c) {
  ssize_t n = write(c->fd, c->pending, c->pending_len);
  if (n < 0) return errno == EAGAIN ? 0 : -1;
  memmove(c->pending, c->pending + n, c->pending_len - (size_t)n);
  c->pending_len -= (size_t)n;
  if (c->pending_len == 0) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
  }
  return 0;
}

static int on_readable(struct conn *c) {
  ssize_t n = read(c->fd, rbuf, sizeof rbuf - c->part_len);
  if (n == 0) return -1;
  if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
  size_t out = 0, i = 0;
  if (c->part_len > 0) {
    size_t take = REQ - c->part_len;
    if (take > (size_t)n) take = (size_t)n;
    memcpy(c->part + c->part_len, rbuf, take);
    c->part_len += (int)take;
    i = take;
    if (c->part_len == REQ) {
      serve(c->part, wbuf + out);
      out += REQ;
      c->part_len = 0;
    }
  }
  for (; (size_t)n - i >= REQ; i += REQ) {
    serve(rbuf + i, wbuf + out);
    out += REQ;
  }
  if (i < (size_t)n) {
    memcpy(c->part, rbuf + i, (size_t)n - i);
    c->part_len = (int)((size_t)n - i);
  }
  return out ? send_all(c, wbuf, out) : 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: minhost DIR FILE\n");
    return 2;
  }
  sysfs_fd = open(argv[2], O_WRONLY);
  if (sysfs_fd < 0) {
    perror(argv[2]);
    return 2;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);
  ep = epoll_create1(0);
  DIR *d = opendir(argv[1]);
  if (!d || ep < 0) {
    perror(argv[1]);
    return 2;
  }
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) + 1 + strlen(e->d_name) >= sizeof a.sun_path) continue;
    strcpy(a.sun_path, argv[1]);
    strcat(a.sun_path, "/");
    strcat(a.sun_path, e->d_name);
    struct stat st;
    if (stat(a.sun_path, &st) < 0 || !S_ISSOCK(st.st_mode)) continue;
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
      perror(a.sun_path);
      return 1;
    }
    fcntl(s, F_SETFL, O_NONBLOCK);
    struct conn *c = calloc(1, sizeof *c);
    c->fd = s;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    count++;
  }
  closedir(d);
  printf("minhost: %d channels attached\n", count);
  fflush(stdout);
  struct epoll_event evs[256];
  while (!stop) {
    int n = epoll_wait(ep, evs, 256, -1);
    for (int j = 0; j < n; j++) {
      struct conn *c = evs[j].data.ptr;
      int r = 0;
      if (evs[j].events & EPOLLOUT) r = flush_pending(c);
      if (r == 0 && (evs[j].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) r = on_readable(c);
      if (r < 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        free(c->pending);
        free(c);
      }
    }
  }
  return 0;
}
