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

/// Waits until every member has arrived. Spins for a few microseconds (the waits between the
/// steps of a reduction are that short), then yields the core, so that a member the OS has
/// descheduled (more threads than cores) gets to run.
void kindling_team_wait(kindling_barrier *barrier);

/// Runs `body(context, t)` for t = 0..<members at once, t = 0 on the caller, and returns when
/// all are done; returns `members`. The members are the threads of the runner of
/// ``kindling_team_use`` that start within 200 µs (at most `threads`, and `KINDLING_TEAM_MAX`);
/// a thread that starts later does nothing, so a runner that runs its chunks one after the other
/// costs parallelism, never a deadlock at a barrier. `setup(context, members)` runs first, once
/// that number is known, before any member's body.
int kindling_team_run(int threads, void (*setup)(void *context, int members), void (*body)(void *context, int t),
                      void *context);
