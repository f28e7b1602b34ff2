#include "floe/base/heap.h"

#include <cstdlib>  // defines __GLIBC__ on glibc systems

#if defined(__GLIBC__) && !defined(FLOE_FREE_AT_EXIT)
#  include <malloc.h>
#  include <unistd.h>

#  include <cstdint>

#  include <sys/mman.h>
#endif

// Defined when jemalloc is the allocator (the floe executable links it): then there is
// nothing to tune here, since its arenas already use huge pages (malloc_conf in cli/main.cc).
extern "C" int mallctl(const char*, void*, size_t*, void*, size_t) __attribute__((weak));

namespace floe {

void TuneHeapForOneShotCommand() {
#if defined(__GLIBC__) && !defined(FLOE_FREE_AT_EXIT)
  if (mallctl != nullptr)
    return;
  constexpr size_t kStep = size_t{256} << 20;
  mallopt(M_TOP_PAD, static_cast<int>(kStep));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(kStep));
  // Keep big buffers (file texts, rendered output) in that same huge-page heap rather than in
  // separate mappings.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // Grow the heap now, in one step, and mark that range for huge pages: later allocations are
  // carved from it without further brk calls. Only address space is reserved; pages are
  // faulted in as they are used.
  void* probe = std::malloc(1 << 20);  // NOLINT(cppcoreguidelines-owning-memory)
  if (probe == nullptr)
    return;
  char* begin = static_cast<char*>(probe) - (reinterpret_cast<uintptr_t>(probe) & 0xFFF);
  char* end = static_cast<char*>(sbrk(0));
  if (end > begin) {
    madvise(begin, static_cast<size_t>(end - begin), MADV_HUGEPAGE);
  }
  std::free(probe);  // NOLINT(cppcoreguidelines-owning-memory)
#endif
}

int CurrentHeapArena() {
  unsigned arena = 0;
  size_t size = sizeof(arena);
  if (mallctl == nullptr || mallctl("thread.arena", &arena, &size, nullptr, 0) != 0)
    return -1;
  return static_cast<int>(arena);
}

void UseHeapArena(int arena) {
  if (mallctl == nullptr || arena < 0)
    return;
  auto index = static_cast<unsigned>(arena);
  mallctl("thread.arena", nullptr, nullptr, &index, sizeof(index));
}

}  // namespace floe
