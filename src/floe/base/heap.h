#pragma once

namespace floe {

/// Prepares the heap of a one-shot command that builds large trees (a 10,000-model product is
/// hundreds of thousands of small allocations): the heap grows in large steps backed by
/// transparent huge pages, so the kernel takes a page fault per 2 MiB instead of per 4 KiB.
/// A third of the run otherwise goes to page faults. Not for long-running servers; a no-op
/// where the C library or a sanitizer owns malloc differently.
void TuneHeapForOneShotCommand();

/// The heap arena the calling thread allocates from (jemalloc's), or -1 where there is none.
/// A helper thread whose allocations the caller frees should use the caller's arena
/// (UseHeapArena): memory freed into another thread's arena is not reused by the caller and
/// stays resident (tens of MiB for a 50,000-model project's properties files).
int CurrentHeapArena();
/// Makes the calling thread allocate from `arena` (from CurrentHeapArena); -1: no change.
void UseHeapArena(int arena);

}  // namespace floe
