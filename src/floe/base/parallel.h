#pragma once
// Runs independent pieces of work on every core.

#include <cstddef>
#include <functional>

namespace floe {

/// Calls `body(i)` for every i in [0, count) on up to one thread per core (the calling thread
/// is one of them); each worker takes the next index, so uneven items balance out. Returns when
/// every call has returned. `body` must be safe to run concurrently for different indexes, and
/// must not throw. Each thread gets at least `min_per_thread` items: small counts run on fewer
/// threads, down to the calling thread alone.
void ParallelFor(size_t count, const std::function<void(size_t)>& body, size_t min_per_thread = 64);

}  // namespace floe
