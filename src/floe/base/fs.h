#pragma once
// File access with diagnostics instead of exceptions, and atomic writes.

#include <string>
#include <string_view>

#include "floe/base/diagnostic.h"

namespace floe {

/// Reads a whole file. A missing file is FLOE-C010 (exit 3), an unreadable one FLOE-C011 (exit 4).
bool ReadFile(const std::string& path, std::string& content, Diagnostics& diagnostics);

/// Writes `content` to `path` atomically: a temporary file in the same folder, fsync, rename.
/// Creates missing parent folders. A reader never sees a half-written file.
/// `durable = false` skips the fsync: still all-or-nothing for readers, but not guaranteed on disk
/// after a power cut (for regenerated outputs such as dbt's target/compiled files, thousands
/// per run).
bool WriteFileAtomic(const std::string& path, std::string_view content, Diagnostics& diagnostics,
                     bool durable = true);

/// `relative` resolved against the folder of `base_file` (absolute paths are returned as they are).
std::string ResolveBeside(const std::string& base_file, const std::string& relative);

/// A stable identity for a file (its canonical absolute path), for cycle detection.
std::string CanonicalPath(const std::string& path);

}  // namespace floe
