#pragma once

namespace floe {

/// Prepares the heap of a one-shot command that builds large trees (a 10,000-model product is
/// hundreds of thousands of small allocations): the heap grows in large steps backed by
/// transparent huge pages, so the kernel takes a page fault per 2 MiB instead of per 4 KiB.
/// A third of the run otherwise goes to page faults. Not for long-running servers; a no-op
/// where the C library or a sanitizer owns malloc differently.
void TuneHeapForOneShotCommand();

}  // namespace floe
