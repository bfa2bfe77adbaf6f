// A team of threads for the kernels that split one factorization across cores (the SVD of
// gesdd_template.h). `kindling_team_run` runs a body on up to a given number of members at once;
// `kindling_team_wait` is a barrier among them. Members call OpenBLAS on one OpenBLAS thread each
// (Kindling's default outside `BLAS.withOpenBLASThreads`).
#pragma once
#include <stdatomic.h>

#include "CKindlingLinalgKernels.h"

/// The most members a team has.
#define KINDLING_TEAM_MAX 8

/// A reusable barrier for `members` threads: arrivals are counted, and the last one to arrive
/// advances the generation the others wait on.
typedef struct {
  atomic_uint arrived;
  atomic_uint generation;
  unsigned members;
} kindling_barrier;

/// What a team fills in for its kernel, at the start of the kernel's shared state: how many
/// members it has, and their barrier.
typedef struct {
  int members;
  kindling_barrier barrier;
} kindling_team_state;

/// The `setup` of ``kindling_team_run`` for a context that starts with a `kindling_team_state`:
/// records the members and readies the barrier for them.
void kindling_team_setup(void *context, int members);

/// Waits until every member has arrived. Spins for a few microseconds (the waits between the
/// steps of a reduction are that short), then yields the core, so that a member the OS has
/// descheduled (more threads than cores) gets to run.
void kindling_team_wait(kindling_barrier *barrier);

/// Runs `body(context, t)` for t = 0..<members at once, t = 0 on the caller, and returns when
/// all are done; returns `members`. The members are the threads of the runner of
/// ``kindling_team_use`` that start within `patience` ns (at most `threads`, and
/// `KINDLING_TEAM_MAX`); a thread that starts later does nothing, so a runner that runs its
/// chunks one after the other costs parallelism, never a deadlock at a barrier.
/// `setup(context, members)` runs first, once that number is known, before any member's body.
int kindling_team_run(int threads, long patience, void (*setup)(void *context, int members),
                      void (*body)(void *context, int t), void *context);

/// How long a kernel on matrices of order `n` waits for its team to form: 200 µs (a sleeping
/// worker of a virtual machine takes 20–100 µs to wake), 2 ms from order 512, where the work
/// takes tens of milliseconds and a team of one would double it (on a host that steals a
/// third of the cores' time, a worker can take that long to be scheduled).
static inline long kindling_team_patience(int n) { return n >= 512 ? 2000000L : 200000L; }
