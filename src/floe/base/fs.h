#pragma once
// File access with diagnostics instead of exceptions, and atomic writes.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

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

/// A file written in pieces and put in place atomically: the pieces go to a temporary file in
/// the same folder, and Commit() renames it over `path`. Until then readers see the old file (or
/// none); a writer destroyed without Commit() removes its temporary file. For outputs too large
/// to hold in memory whole (a large project's manifest.json).
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  AtomicFile(AtomicFile&&) = delete;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  /// Appends `piece`; false once any write failed (Commit() then reports it).
  bool Write(std::string_view piece);
  /// fsyncs when `durable`, closes and renames into place; reports a failure in `diagnostics`.
  bool Commit(Diagnostics& diagnostics, bool durable = true);

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  int error_ = 0;                 // errno of the first failure
  const char* failed_ = nullptr;  // what failed first
};

/// Appends pieces to an AtomicFile on a thread of its own, in order, so that the caller goes on
/// computing while the file system copies (a manifest of 100 MB). Pieces are moved in; the
/// buffers of written ones come back from Spare() for reuse. At most `max_pending` pieces wait;
/// Write() blocks beyond that.
class PipedFileWriter {
 public:
  explicit PipedFileWriter(AtomicFile& file, size_t max_pending = 4);
  PipedFileWriter(const PipedFileWriter&) = delete;
  PipedFileWriter& operator=(const PipedFileWriter&) = delete;
  PipedFileWriter(PipedFileWriter&&) = delete;
  PipedFileWriter& operator=(PipedFileWriter&&) = delete;
  ~PipedFileWriter();  // finishes

  void Write(std::string&& piece);
  /// An empty buffer, with the capacity of a written piece when there is one.
  std::string Spare();
  /// Waits until every piece is written (the file's Commit then reports any failure).
  void Finish();

 private:
  void Work();

  AtomicFile& file_;
  size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> pending_;
  std::vector<std::string> spare_;
  bool closing_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

/// Writes `content` to `path` unless the file already holds exactly that (then it is not
/// touched). A file it replaces is replaced atomically; a new one is written in place, since there
/// is nothing to lose (an interrupted run leaves a file the next run rewrites). For regenerated
/// outputs, thousands per run, where creating files is most of the cost.
bool WriteFileIfChanged(const std::string& path, std::string_view content,
                        Diagnostics& diagnostics);

/// Writes files with WriteFileIfChanged on a background thread, in the order they are added, so
/// that a command goes on computing while the file system works. Finish() (or the destructor)
/// waits for every file.
///
/// With an index file, what it writes is remembered there (each file's size, modification time,
/// inode and a hash of its content), so that the next run finds a file still as it was written
/// with one stat instead of reading it back: thousands of unchanged compiled files cost little.
/// A file changed by anyone else since then has another modification time and is compared as
/// before. The index is written (atomically, best effort) only when it changed.
class BackgroundWriter {
 public:
  explicit BackgroundWriter(std::string index_path = {});
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;
  BackgroundWriter(BackgroundWriter&&) = delete;
  BackgroundWriter& operator=(BackgroundWriter&&) = delete;
  ~BackgroundWriter();

  /// Queues `content` for `path`; the text is not copied: it must stay unchanged until Finish.
  void Add(std::string path, std::string_view content);
  /// Waits until every file is written; adds the failures to `diagnostics`; false if any.
  bool Finish(Diagnostics& diagnostics);

 private:
  void Work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<std::string, std::string_view>> queue_;
  bool closing_ = false;
  Diagnostics failures_;
  struct Index;
  std::unique_ptr<Index> index_;  // the worker's only (null without an index path)
  std::thread thread_;            // last: starts once the members above exist
};

/// `relative` resolved against the folder of `base_file` (absolute paths are returned as they are).
std::string ResolveBeside(const std::string& base_file, const std::string& relative);

/// A stable identity for a file (its canonical absolute path), for cycle detection.
std::string CanonicalPath(const std::string& path);

}  // namespace floe
