/*
 * vmpower bench load generator: plays QEMU for a power-management host.
 *
 * Binds one listening AF_UNIX stream socket per channel, {dir}/{prefix}{vm}.{k}, waits until the
 * host under test has connected to all of them, then runs the phases given on the command line in
 * order, printing one machine-readable RESULT line per phase on stdout (and a first one, attach,
 * with the time from the first connection to the last):
 *
 *   tput:W:SECONDS[:WARMUP]  keep W requests outstanding on every channel; replies/s over SECONDS
 *                            after WARMUP seconds (default 1) that are not counted
 *   lat:SAMPLES:WARMUP:GAP   one request at a time on the first channel: WARMUP back-to-back
 *                            requests not recorded, then SAMPLES recorded; GAP = 0 sends the next
 *                            request at once, GAP > 0 waits an exponential gap of mean GAP us first
 *                            (Poisson arrivals)
 *   idle:SECONDS             sends nothing; reports the host's CPU use (needs --host-pid or
 *                            --host-pid-file, a file holding the pid, read at each phase's start)
 *
 * Requests are 464-byte DPDK CPU_POWER packets: request n of a channel scales vCPU (n/2) % vcpus,
 * down when n is even and up when it is odd. Every reply is checked: it must be the request echoed
 * with command = 1 (ACK). A NACK (command = 2, the rest echoed) is counted as nacks, anything else
 * as errors; replies still missing after a phase, once none has come for 2 s, are counted as
 * incomplete. The exit status is 0 only when no phase saw a NACK, an error or an incomplete reply.
 *
 * --spin 1 busy-polls (epoll_wait with timeout 0) instead of sleeping, so that the load generator's
 * own wake-up does not count in latencies; it then uses a whole core.
 *
 * Single-threaded, epoll, no allocation after setup; its own CPU use is in every RESULT line
 * (gen_cpu, % of one core) so one can see it is not the bottleneck.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REQ 464
#define OFF_UNIT 8
#define OFF_COMMAND 12
#define OFF_VM_NAME 16
#define CPU_POWER 1
#define SCALE_UP 1
#define SCALE_DOWN 2
#define ACK 1
#define NACK 2
#define MAX_WINDOW 64
#define READ_CHUNK (64 * 1024)
#define MAX_EVENTS 1024

struct chan {
  int fd;
  int vm;
  uint64_t sent;     /* whole requests written */
  int sent_part;     /* bytes of request 'sent' already written */
  uint64_t received; /* whole replies read */
  int recv_part;     /* bytes of reply 'received' read so far */
  int want_out;      /* EPOLLOUT registered */
  unsigned char part[REQ];
};

static const char *dir;
static const char *prefix = "bvm";
static int nvms = 1, per_vm = 1, vcpus = 2;
static int host_pid;
static const char *host_pid_file;
static const char *ready_file;
static int attach_timeout = 300;
static int spin; /* busy-poll instead of sleeping in epoll_wait */
static struct chan *chans;
static int nchan;
static int ep;
static char (*names)[32];
static unsigned char scratch[MAX_WINDOW * REQ];
static unsigned char rbuf[READ_CHUNK];

/* counters of the running phase */
static uint64_t c_acks, c_nacks, c_errors;
static int first_error_reported;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
}

static double self_cpu_s(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

/* The host's CPU time in clock ticks (utime + stime of /proc/PID/stat), or -1. */
static long host_ticks(void) {
  if (host_pid <= 0) return -1;
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", host_pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  /* after ") ": field 3 is state; utime is field 14, stime 15 */
  p += 2;
  int field = 3;
  unsigned long ut = 0, st = 0;
  char *save;
  for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
    if (field == 14) ut = strtoul(tok, NULL, 10);
    if (field == 15) {
      st = strtoul(tok, NULL, 10);
      break;
    }
  }
  return (long)(ut + st);
}

/* The host's CPU time in ns, summed over its threads' schedstat (finer than ticks), or -1. */
static double host_sched_s(void) {
  if (host_pid <= 0) return -1;
  char path[96];
  snprintf(path, sizeof path, "/proc/%d/task", host_pid);
  DIR *d = opendir(path);
  if (!d) return -1;
  double sum = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char p2[320], buf[128];
    snprintf(p2, sizeof p2, "/proc/%d/task/%s/schedstat", host_pid, e->d_name);
    int fd = open(p2, O_RDONLY);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
      buf[n] = 0;
      sum += strtod(buf, NULL) / 1e9;
    }
  }
  closedir(d);
  return sum;
}

struct meter {
  double wall, self, sched;
  long ticks;
};

static struct meter attach_meter;
static int attach_nb;
struct thread_stat;
static int attach_threads_before(void);
static void print_threads_since(int nb);

static void meter_start(struct meter *m) {
  if (host_pid_file) {
    FILE *f = fopen(host_pid_file, "r");
    if (f) {
      if (fscanf(f, "%d", &host_pid) != 1) host_pid = 0;
      fclose(f);
    }
  }
  m->wall = now_s();
  m->self = self_cpu_s();
  m->ticks = host_ticks();
  m->sched = host_sched_s();
}

/* Appends gen_cpu and host CPU figures (percent of one core) over the meter's span. */
static void meter_print(const struct meter *m) {
  double wall = now_s() - m->wall;
  printf(" gen_cpu=%.1f", 100.0 * (self_cpu_s() - m->self) / wall);
  if (host_pid > 0) {
    long t = host_ticks();
    double s = host_sched_s();
    long hz = sysconf(_SC_CLK_TCK);
    printf(" host_cpu=%.3f host_cpu_ticks=%ld host_cpu_sched=%.3f", 100.0 * (t - m->ticks) / hz / wall,
           t - m->ticks, 100.0 * (s - m->sched) / wall);
  }
}

static void gen_request(unsigned char *p, int vm, uint64_t n) {
  memset(p, 0, REQ);
  uint64_t rid = (n / 2) % (uint64_t)vcpus;
  uint32_t unit = (n % 2 == 0) ? SCALE_DOWN : SCALE_UP;
  uint32_t cmd = CPU_POWER;
  memcpy(p, &rid, 8);
  memcpy(p + OFF_UNIT, &unit, 4);
  memcpy(p + OFF_COMMAND, &cmd, 4);
  memcpy(p + OFF_VM_NAME, names[vm], strlen(names[vm]));
}

static void check_reply(struct chan *c, const unsigned char *r) {
  unsigned char exp[REQ];
  gen_request(exp, c->vm, c->received);
  uint32_t cmd;
  memcpy(&cmd, r + OFF_COMMAND, 4);
  int rest_ok = memcmp(r, exp, OFF_COMMAND) == 0 &&
                memcmp(r + OFF_COMMAND + 4, exp + OFF_COMMAND + 4, REQ - OFF_COMMAND - 4) == 0;
  if (rest_ok && cmd == ACK) {
    c_acks++;
  } else if (rest_ok && cmd == NACK) {
    c_nacks++;
  } else {
    c_errors++;
    if (!first_error_reported) {
      first_error_reported = 1;
      fprintf(stderr, "loadgen: reply %llu on %s.%d is not an echo of the request (command %u)\n",
              (unsigned long long)c->received, names[c->vm], (int)(c - chans) % per_vm, cmd);
    }
  }
  c->received++;
}

/* Reads what is there; returns -1 when the host hung up. */
static int chan_read(struct chan *c) {
  for (;;) {
    ssize_t n = read(c->fd, rbuf, sizeof rbuf);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return 0;
      return -1;
    }
    if (n == 0) return -1;
    ssize_t i = 0;
    if (c->recv_part > 0) {
      int take = REQ - c->recv_part;
      if (take > n) take = (int)n;
      memcpy(c->part + c->recv_part, rbuf, take);
      c->recv_part += take;
      i = take;
      if (c->recv_part == REQ) {
        check_reply(c, c->part);
        c->recv_part = 0;
      }
    }
    while (n - i >= REQ) {
      check_reply(c, rbuf + i);
      i += REQ;
    }
    if (i < n) {
      memcpy(c->part, rbuf + i, n - i);
      c->recv_part = (int)(n - i);
    }
    if (n < (ssize_t)sizeof rbuf) return 0;
  }
}

static void set_out(struct chan *c, int on) {
  if (c->want_out == on) return;
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
  c->want_out = on;
}

/* Writes requests until 'target' of them have been written (or the socket is full). */
static int chan_fill(struct chan *c, uint64_t target) {
  while (c->sent < target) {
    uint64_t k = target - c->sent;
    if (k > MAX_WINDOW) k = MAX_WINDOW;
    for (uint64_t j = 0; j < k; j++) gen_request(scratch + j * REQ, c->vm, c->sent + j);
    size_t len = k * REQ - c->sent_part;
    ssize_t n = write(c->fd, scratch + c->sent_part, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        set_out(c, 1);
        return 0;
      }
      return -1;
    }
    size_t done = c->sent_part + (size_t)n;
    c->sent += done / REQ;
    c->sent_part = (int)(done % REQ);
    if ((size_t)n < len) {
      set_out(c, 1);
      return 0;
    }
  }
  set_out(c, 0);
  return 0;
}

static void die(const char *what) {
  fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void setup(void) {
  nchan = nvms * per_vm;
  chans = calloc(nchan, sizeof *chans);
  names = calloc(nvms, sizeof *names);
  int *lfd = malloc(sizeof(int) * nchan);
  ep = epoll_create1(0);
  if (!chans || !names || !lfd || ep < 0) die("setup");
  for (int v = 0; v < nvms; v++) snprintf(names[v], sizeof names[v], "%s%d", prefix, v);
  for (int i = 0; i < nchan; i++) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int v = i / per_vm, k = i % per_vm;
    if ((size_t)snprintf(a.sun_path, sizeof a.sun_path, "%s/%s.%d", dir, names[v], k) >=
        sizeof a.sun_path) {
      fprintf(stderr, "loadgen: socket path too long in %s\n", dir);
      exit(2);
    }
    unlink(a.sun_path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket (raise ulimit -n?)");
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die(a.sun_path);
    if (listen(s, 4) < 0) die("listen");
    lfd[i] = s;
    chans[i].fd = -1;
    chans[i].vm = v;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) < 0) die("epoll_ctl");
  }
  if (ready_file) {
    FILE *f = fopen(ready_file, "w");
    if (!f) die(ready_file);
    fprintf(f, "bound %d\n", nchan);
    fclose(f);
  }
  fprintf(stderr, "loadgen: %d sockets bound in %s, waiting for the host\n", nchan, dir);
  int attached = 0;
  double deadline = now_s() + attach_timeout;
  double first = 0;
  struct epoll_event evs[MAX_EVENTS];
  /* accept, then close the listening socket: keeps the descriptors at one per channel */
  while (attached < nchan) {
    int ms = (int)((deadline - now_s()) * 1000);
    if (ms <= 0) {
      fprintf(stderr, "loadgen: only %d of %d channels attached after %d s\n", attached, nchan,
              attach_timeout);
      exit(3);
    }
    int n = epoll_wait(ep, evs, MAX_EVENTS, ms);
    for (int j = 0; j < n; j++) {
      int i = (int)evs[j].data.u64;
      int s = accept4(lfd[i], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (s < 0) {
        if (errno == EAGAIN) continue;
        die("accept");
      }
      epoll_ctl(ep, EPOLL_CTL_DEL, lfd[i], NULL);
      close(lfd[i]);
      chans[i].fd = s;
      struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &chans[i]};
      if (epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) < 0) die("epoll_ctl");
      if (attached++ == 0) {
        first = now_s();
        meter_start(&attach_meter); /* the host's CPU from its first connection on */
        attach_nb = attach_threads_before();
      }
    }
  }
  free(lfd);
  fprintf(stderr, "loadgen: all %d channels attached\n", nchan);
  double took = now_s() - first;
  printf("RESULT phase=attach channels=%d seconds=%.3f", nchan, took);
  if (host_pid > 0) {
    printf(" host_cpu_s=%.3f", host_sched_s() - attach_meter.sched);
    print_threads_since(attach_nb);
  }
  printf("\n");
}

static void reset_counts(void) {
  c_acks = c_nacks = c_errors = 0;
}

static void hung_up(struct chan *c) {
  fprintf(stderr, "loadgen: host hung up channel %s.%d\n", names[c->vm], (int)(c - chans) % per_vm);
  exit(4);
}

/* epoll_wait, or with --spin a busy loop of non-blocking epoll_waits for at most timeout_ms */
static int wait_events(struct epoll_event *evs, int max, int timeout_ms) {
  if (!spin) return epoll_wait(ep, evs, max, timeout_ms);
  double end = now_s() + timeout_ms / 1000.0;
  int n;
  while ((n = epoll_wait(ep, evs, max, 0)) == 0 && now_s() < end) {
  }
  return n;
}

static void pump(int timeout_ms, int window, int sending) {
  struct epoll_event evs[MAX_EVENTS];
  int n = wait_events(evs, MAX_EVENTS, timeout_ms);
  for (int j = 0; j < n; j++) {
    struct chan *c = evs[j].data.ptr;
    if (evs[j].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      if (chan_read(c) < 0) hung_up(c);
    }
    if (sending) {
      if (chan_fill(c, c->received + window) < 0) hung_up(c);
    } else if (c->want_out) {
      if (chan_fill(c, c->sent + (c->sent_part ? 1 : 0)) < 0) hung_up(c);
    }
  }
}

static uint64_t outstanding(void) {
  uint64_t o = 0;
  for (int i = 0; i < nchan; i++) o += chans[i].sent - chans[i].received;
  return o;
}

/* Waits for every reply while they keep coming (gives up after 2 s without one); returns how many
 * are missing. */
static uint64_t drain(void) {
  double last = now_s();
  uint64_t o = outstanding(), before = o;
  while (o > 0 && now_s() - last < 2) {
    pump(10, 0, 0);
    o = outstanding();
    if (o < before) {
      before = o;
      last = now_s();
    }
  }
  /* a partial reply left over is lost for good: account for it and realign */
  for (int i = 0; i < nchan; i++) {
    chans[i].received = chans[i].sent;
    chans[i].recv_part = 0;
  }
  return o;
}

static int phase_tput(int window, double seconds, double warmup) {
  if (window < 1 || window > MAX_WINDOW) {
    fprintf(stderr, "loadgen: window must be 1-%d\n", MAX_WINDOW);
    exit(2);
  }
  reset_counts();
  for (int i = 0; i < nchan; i++)
    if (chan_fill(&chans[i], chans[i].received + window) < 0) hung_up(&chans[i]);
  double t0 = now_s();
  while (now_s() - t0 < warmup) pump(100, window, 1);
  reset_counts();
  struct meter m;
  meter_start(&m);
  double start = now_s();
  while (now_s() - start < seconds) pump(100, window, 1);
  double wall = now_s() - start;
  uint64_t replies = c_acks + c_nacks + c_errors;
  printf("RESULT phase=tput channels=%d window=%d seconds=%.2f replies=%llu rate=%.0f acks=%llu "
         "nacks=%llu errors=%llu",
         nchan, window, wall, (unsigned long long)replies, replies / wall,
         (unsigned long long)c_acks, (unsigned long long)c_nacks, (unsigned long long)c_errors);
  meter_print(&m);
  uint64_t missing = drain();
  printf(" incomplete=%llu\n", (unsigned long long)missing);
  fflush(stdout);
  return c_nacks || c_errors || missing;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* One request on channel 0, waiting for its reply; returns the latency in ns. */
static uint64_t round_trip(void) {
  struct chan *c = &chans[0];
  uint64_t t0 = now_ns();
  if (chan_fill(c, c->sent + 1) < 0) hung_up(c);
  while (c->received < c->sent) {
    struct epoll_event ev;
    int n = wait_events(&ev, 1, 5000);
    if (n == 0) {
      fprintf(stderr, "loadgen: no reply within 5 s\n");
      return UINT64_MAX;
    }
    struct chan *r = ev.data.ptr;
    if (ev.events & EPOLLOUT) chan_fill(r, r->sent + (r->sent_part ? 1 : 0));
    if (chan_read(r) < 0) hung_up(r);
  }
  return now_ns() - t0;
}

static void sleep_ns(uint64_t ns) {
  struct timespec t = {.tv_sec = ns / 1000000000ull, .tv_nsec = ns % 1000000000ull};
  while (nanosleep(&t, &t) < 0 && errno == EINTR) {
  }
}

static int phase_lat(int samples, int warm, double gap_us) {
  static uint64_t *lat;
  static int cap;
  if (samples < 1) samples = 1;
  if (samples > cap) {
    lat = realloc(lat, sizeof *lat * samples);
    cap = samples;
    if (!lat) die("latency samples");
  }
  reset_counts();
  for (int i = 0; i < warm; i++) {
    if (round_trip() == UINT64_MAX) break;
  }
  uint64_t warm_nacks = c_nacks, warm_errors = c_errors;
  reset_counts();
  unsigned int seed = 12345;
  struct meter m;
  meter_start(&m);
  int got = 0, lost = 0;
  for (int i = 0; i < samples; i++) {
    if (gap_us > 0) {
      double u = (rand_r(&seed) + 1.0) / ((double)RAND_MAX + 2.0);
      sleep_ns((uint64_t)(-log(u) * gap_us * 1000.0));
    }
    uint64_t t = round_trip();
    if (t == UINT64_MAX) {
      lost++;
      break;
    }
    lat[got++] = t;
  }
  qsort(lat, got, sizeof *lat, cmp_u64);
#define PCT(p) (got ? lat[(size_t)((p) * (got - 1) + 0.5)] / 1000.0 : 0)
  printf("RESULT phase=lat channels=%d samples=%d warmup=%d gap_us=%.0f p50_us=%.1f p90_us=%.1f "
         "p99_us=%.1f p999_us=%.1f max_us=%.1f nacks=%llu errors=%llu",
         nchan, got, warm, gap_us, PCT(0.50), PCT(0.90), PCT(0.99), PCT(0.999),
         got ? lat[got - 1] / 1000.0 : 0, (unsigned long long)(c_nacks + warm_nacks),
         (unsigned long long)(c_errors + warm_errors));
  meter_print(&m);
  uint64_t missing = drain() + lost;
  printf(" incomplete=%llu\n", (unsigned long long)missing);
  fflush(stdout);
  return c_nacks || c_errors || warm_nacks || warm_errors || missing;
}

/* One thread of the host: its name, CPU (schedstat ns) and times it was switched in (wakeups). */
struct thread_stat {
  int tid;
  char name[32];
  double cpu_ns;
  unsigned long long runs;
};

/* Every thread of the host now; returns how many (at most max). */
static int host_threads(struct thread_stat *out, int max) {
  if (host_pid <= 0) return 0;
  char path[96];
  snprintf(path, sizeof path, "/proc/%d/task", host_pid);
  DIR *d = opendir(path);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < max) {
    if (e->d_name[0] == '.') continue;
    char p2[320], buf[128];
    struct thread_stat *t = &out[n];
    t->tid = atoi(e->d_name);
    snprintf(p2, sizeof p2, "/proc/%d/task/%s/comm", host_pid, e->d_name);
    int fd = open(p2, O_RDONLY);
    if (fd < 0) continue;
    ssize_t k = read(fd, t->name, sizeof t->name - 1);
    close(fd);
    t->name[k > 0 ? k : 0] = 0;
    for (char *c = t->name; *c; c++)
      if (*c == '\n' || *c == ' ' || *c == ',' || *c == ':') *c = *c == '\n' ? 0 : '_';
    snprintf(p2, sizeof p2, "/proc/%d/task/%s/schedstat", host_pid, e->d_name);
    fd = open(p2, O_RDONLY);
    if (fd < 0) continue;
    k = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (k <= 0) continue;
    buf[k] = 0;
    unsigned long long wait;
    if (sscanf(buf, "%lf %llu %llu", &t->cpu_ns, &wait, &t->runs) != 3) continue;
    n++;
  }
  closedir(d);
  return n;
}

#define MAX_THREADS 512
static struct thread_stat idle_before[MAX_THREADS], idle_after[MAX_THREADS];

/* Per thread that ran between the two snapshots: name:CPU % of a core:wakeups; and the monitor's
   wakeups. */
static void print_threads(int nb, int na, double wall) {
  long monitor_wakeups = host_pid > 0 ? 0 : -1;
  printf(" threads=");
  int printed = 0;
  for (int i = 0; i < na; i++) {
    for (int j = 0; j < nb; j++) {
      if (idle_before[j].tid != idle_after[i].tid) continue;
      unsigned long long runs = idle_after[i].runs - idle_before[j].runs;
      double cpu = 100.0 * (idle_after[i].cpu_ns - idle_before[j].cpu_ns) / 1e9 / wall;
      if (!strcmp(idle_after[i].name, "channel-monitor")) monitor_wakeups += (long)runs;
      if (runs > 0) {
        printf("%s%s:%.4f:%llu", printed++ ? "," : "", idle_after[i].name, cpu, runs);
      }
    }
  }
  if (!printed) printf("-");
  printf(" monitor_wakeups=%ld", monitor_wakeups);
}

static double attach_t0;

static int attach_threads_before(void) {
  attach_t0 = now_s();
  return host_threads(idle_before, MAX_THREADS);
}

static void print_threads_since(int nb) {
  int na = host_threads(idle_after, MAX_THREADS);
  print_threads(nb, na, now_s() - attach_t0);
}

static int phase_idle(double seconds) {
  reset_counts();
  struct meter m;
  meter_start(&m);
  int nb = host_threads(idle_before, MAX_THREADS);
  double start = now_s();
  while (now_s() - start < seconds) pump(200, 0, 0);
  double wall = now_s() - start;
  int na = host_threads(idle_after, MAX_THREADS);
  uint64_t unsolicited = c_acks + c_nacks + c_errors;
  printf("RESULT phase=idle channels=%d seconds=%.2f unsolicited=%llu", nchan, wall,
         (unsigned long long)unsolicited);
  meter_print(&m);
  print_threads(nb, na, wall);
  printf("\n");
  fflush(stdout);
  return unsolicited != 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: loadgen --dir DIR [--vms V] [--per-vm C] [--vcpus N] [--prefix P] "
          "[--host-pid PID | --host-pid-file F] [--ready-file F] [--attach-timeout S] [--spin 0|1]"
          " PHASE...\n"
          "  PHASE: tput:W:SECONDS[:WARMUP] | lat:SAMPLES:WARMUP:GAP_US | idle:SECONDS\n");
  exit(2);
}

int main(int argc, char **argv) {
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
    if (i + 1 >= argc) usage();
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp(k, "--dir")) dir = v;
    else if (!strcmp(k, "--vms")) nvms = atoi(v);
    else if (!strcmp(k, "--per-vm")) per_vm = atoi(v);
    else if (!strcmp(k, "--vcpus")) vcpus = atoi(v);
    else if (!strcmp(k, "--prefix")) prefix = v;
    else if (!strcmp(k, "--host-pid")) host_pid = atoi(v);
    else if (!strcmp(k, "--host-pid-file")) host_pid_file = v;
    else if (!strcmp(k, "--ready-file")) ready_file = v;
    else if (!strcmp(k, "--attach-timeout")) attach_timeout = atoi(v);
    else if (!strcmp(k, "--spin")) spin = atoi(v);
    else usage();
  }
  if (!dir || nvms < 1 || per_vm < 1 || vcpus < 1 || i >= argc) usage();
  setvbuf(stdout, NULL, _IOLBF, 0);
  setup();
  int bad = 0;
  for (; i < argc; i++) {
    char kind[8];
    double a = 0, b = 0, c = 0;
    int n = sscanf(argv[i], "%7[a-z]:%lf:%lf:%lf", kind, &a, &b, &c);
    if (n >= 3 && !strcmp(kind, "tput")) bad |= phase_tput((int)a, b, n >= 4 ? c : 1.0);
    else if (n == 4 && !strcmp(kind, "lat")) bad |= phase_lat((int)a, (int)b, c);
    else if (n == 2 && !strcmp(kind, "idle")) bad |= phase_idle(a);
    else {
      fprintf(stderr, "loadgen: bad phase '%s'\n", argv[i]);
      usage();
    }
  }
  return bad ? 1 : 0;
}
