#include "floe/base/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace floe {

void ParallelFor(size_t count, const std::function<void(size_t)>& body, size_t min_per_thread) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < count; i = next++)
      body(i);
  };
  size_t cores = std::max(1U, std::thread::hardware_concurrency());
  size_t workers = std::clamp<size_t>(count / std::max<size_t>(min_per_thread, 1), 1, cores);
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < workers; ++i)
    helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers)
    t.join();
}

}  // namespace floe
