// The thread team of team.h. A team forms at the start of each run: the runner (Kindling's worker
// pool, registered with kindling_team_use, or threads started here) calls every chunk, and the
// chunks that check in within a deadline become the members, numbered in order. Chunk 0 runs on
// the caller and closes the team; a chunk that checks in after that returns at once.

#include "team.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

static void pause_briefly(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/// Polls: spins for the first reads, then yields the core between them.
static void poll_once(unsigned *polls) {
  if (++*polls < 4000) {
    pause_briefly();
  } else {
    sched_yield();
  }
}

void kindling_team_wait(kindling_barrier *barrier) {
  if (barrier->members <= 1) return;
  const unsigned generation = atomic_load_explicit(&barrier->generation, memory_order_acquire);
  if (atomic_fetch_add_explicit(&barrier->arrived, 1, memory_order_acq_rel) + 1 == barrier->members) {
    atomic_store_explicit(&barrier->arrived, 0, memory_order_relaxed);
    atomic_store_explicit(&barrier->generation, generation + 1, memory_order_release);
    return;
  }
  unsigned polls = 0;
  while (atomic_load_explicit(&barrier->generation, memory_order_acquire) == generation) poll_once(&polls);
}

void kindling_team_setup(void *context, int members) {
  kindling_team_state *state = context;
  state->members = members;
  state->barrier.members = (unsigned)members;
  atomic_store_explicit(&state->barrier.arrived, 0, memory_order_relaxed);
  atomic_store_explicit(&state->barrier.generation, 0, memory_order_relaxed);
}

static _Atomic(kindling_team_runner) registered_runner = NULL;

void kindling_team_use(kindling_team_runner runner) {
  atomic_store_explicit(&registered_runner, runner, memory_order_release);
}

/// The bit of `joined` that closes the team.
#define TEAM_CLOSED (1u << 31)

/// One run's team: who checked in (bit t for chunk t), and whether `setup` has run.
typedef struct {
  void (*setup)(void *context, int members);
  void (*body)(void *context, int t);
  void *context;
  int requested;
  long patience;
  atomic_uint joined;
  atomic_uint ready;
} formation;

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int count_bits(unsigned bits) { return __builtin_popcount(bits); }

static void chunk_main(void *argument, int t) {
  formation *f = argument;
  const unsigned all = (1u << f->requested) - 1;
  if (t == 0) {
    atomic_fetch_or_explicit(&f->joined, 1u, memory_order_acq_rel);
    const long deadline = now_ns() + f->patience;
    unsigned polls = 0;
    while ((atomic_load_explicit(&f->joined, memory_order_acquire) & all) != all && now_ns() < deadline) {
      poll_once(&polls);
    }
    const unsigned members = atomic_fetch_or_explicit(&f->joined, TEAM_CLOSED, memory_order_acq_rel) & all;
    f->setup(f->context, count_bits(members));
    atomic_store_explicit(&f->ready, 1, memory_order_release);
    f->body(f->context, 0);
    return;
  }
  unsigned seen = atomic_load_explicit(&f->joined, memory_order_acquire);
  do {
    if (seen & TEAM_CLOSED) return;
  } while (!atomic_compare_exchange_weak_explicit(&f->joined, &seen, seen | (1u << t), memory_order_acq_rel,
                                                  memory_order_acquire));
  unsigned polls = 0;
  while (!atomic_load_explicit(&f->ready, memory_order_acquire)) poll_once(&polls);
  const unsigned members = atomic_load_explicit(&f->joined, memory_order_acquire) & all;
  f->body(f->context, count_bits(members & ((1u << t) - 1)));
}

typedef struct {
  void (*chunk)(void *argument, int t);
  void *argument;
  int t;
} started_chunk;

static void *thread_main(void *started) {
  started_chunk *c = started;
  c->chunk(c->argument, c->t);
  return NULL;
}

/// The runner without a registered one: a thread per chunk but the first, started here.
static void run_on_new_threads(int chunks, void (*chunk)(void *argument, int t), void *argument) {
  pthread_t ids[KINDLING_TEAM_MAX];
  started_chunk started[KINDLING_TEAM_MAX];
  int running = 1;
  for (int t = 1; t < chunks; t++) {
    started[t] = (started_chunk){chunk, argument, t};
    if (pthread_create(&ids[t], NULL, thread_main, &started[t]) != 0) break;
    running++;
  }
  chunk(argument, 0);
  for (int t = 1; t < running; t++) pthread_join(ids[t], NULL);
}

int kindling_team_run(int threads, long patience, void (*setup)(void *context, int members),
                      void (*body)(void *context, int t), void *context) {
  if (threads > KINDLING_TEAM_MAX) threads = KINDLING_TEAM_MAX;
  if (threads < 1) threads = 1;
  formation f = {.setup = setup, .body = body, .context = context, .requested = threads, .patience = patience};
  atomic_init(&f.joined, 0);
  atomic_init(&f.ready, 0);
  const kindling_team_runner runner = atomic_load_explicit(&registered_runner, memory_order_acquire);
  if (threads == 1) {
    chunk_main(&f, 0);
  } else if (runner) {
    runner(threads, chunk_main, &f);
  } else {
    run_on_new_threads(threads, chunk_main, &f);
  }
  return count_bits(atomic_load_explicit(&f.joined, memory_order_acquire) & ((1u << threads) - 1));
}
