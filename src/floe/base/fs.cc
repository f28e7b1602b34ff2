#include "floe/base/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>  // renameat2
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <sys/stat.h>

namespace floe {

namespace {

// Writes all of `content` to `fd` (retrying short writes and EINTR); false with errno set.
bool WriteAll(int fd, std::string_view content) {
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    written += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool ReadFile(const std::string& path, std::string& content, Diagnostics& diagnostics) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      diagnostics.Error(Code::kFileNotFound, {path, 0, 0}, "no such file",
                        "check the path; relative paths are resolved from the current folder");
    } else {
      diagnostics.Error(Code::kFileUnreadable, {path, 0, 0},
                        std::string("cannot read the file: ") + std::strerror(err),
                        "check that it is a file you are allowed to read");
    }
    return false;
  }
  content.clear();
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      diagnostics.Error(Code::kFileUnreadable, {path, 0, 0},
                        std::string("cannot read the file: ") + std::strerror(err),
                        "check that it is a file you are allowed to read");
      return false;
    }
    if (n == 0)
      break;
    content.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target(path_);
  if (target.has_parent_path())
    fs::create_directories(target.parent_path(), ec);
  tmp_ = path_ + ".tmp." + std::to_string(::getpid());
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error_ = errno;
    failed_ = "cannot create the file";
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

bool AtomicFile::Write(std::string_view piece) {
  if (failed_ != nullptr)
    return false;
  if (!WriteAll(fd_, piece)) {
    error_ = errno;
    failed_ = "cannot write the file";
    return false;
  }
  return true;
}

bool AtomicFile::Commit(Diagnostics& diagnostics, bool durable) {
  auto fail = [&](const char* what) {
    if (failed_ == nullptr) {
      error_ = errno;
      failed_ = what;
    }
  };
  if (failed_ == nullptr && durable && ::fsync(fd_) != 0)
    fail("cannot flush the file");
  if (fd_ >= 0 && ::close(fd_) != 0)
    fail("cannot flush the file");
  fd_ = -1;
  if (failed_ == nullptr && !durable) {
    // Exchanged with the file it replaces, then that one removed: still atomic for readers,
    // and ext4 does not flush the new file's data as it does on a rename over an existing file
    // (its auto_da_alloc, tens of milliseconds for a large manifest). A durable write was
    // synced above, so that flush costs it nothing.
    if (::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) == 0) {
      ::unlink(tmp_.c_str());
      return true;
    }
  }
  if (failed_ == nullptr && ::rename(tmp_.c_str(), path_.c_str()) != 0)
    fail("cannot move the file into place");
  if (failed_ == nullptr)
    return true;
  ::unlink(tmp_.c_str());
  diagnostics.Error(Code::kFileUnwritable, {path_, 0, 0},
                    std::string(failed_) + ": " + std::strerror(error_),
                    "check that the folder exists and is writable");
  return false;
}

bool WriteFileAtomic(const std::string& path, std::string_view content, Diagnostics& diagnostics,
                     bool durable) {
  AtomicFile file(path);
  file.Write(content);
  return file.Commit(diagnostics, durable);
}

namespace {

// Whether the file at `path` holds exactly `content` (false when absent or unreadable).
bool HoldsExactly(const std::string& path, std::string_view content) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  // One byte more than expected: a regular file that holds exactly `content` gives exactly its
  // size (a short read is its end), so no fstat is needed.
  thread_local std::string existing;
  existing.resize(content.size() + 1);
  size_t got = 0;
  while (got < existing.size()) {
    ssize_t n = ::read(fd, existing.data() + got, existing.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += static_cast<size_t>(n);
    if (got == content.size())
      break;  // (a longer file would have filled the extra byte in this read)
  }
  ::close(fd);
  return got == content.size() && std::string_view(existing.data(), got) == content;
}

}  // namespace

bool WriteFileIfChanged(const std::string& path, std::string_view content,
                        Diagnostics& diagnostics) {
  if (HoldsExactly(path, content))
    return true;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  if (fd < 0)  // it exists with other content, or cannot be created (the atomic write says why)
    return WriteFileAtomic(path, content, diagnostics, /*durable=*/false);
  bool complete = WriteAll(fd, content);
  if (::close(fd) != 0 || !complete) {
    ::unlink(path.c_str());
    return WriteFileAtomic(path, content, diagnostics, /*durable=*/false);
  }
  return true;
}

PipedFileWriter::PipedFileWriter(AtomicFile& file, size_t max_pending)
    : file_(file), max_pending_(max_pending), thread_([this] { Work(); }) {}

PipedFileWriter::~PipedFileWriter() {
  Finish();
}

void PipedFileWriter::Write(std::string&& piece) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return pending_.size() < max_pending_; });
  pending_.push_back(std::move(piece));
  changed_.notify_all();
}

std::string PipedFileWriter::Spare() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (spare_.empty())
    return {};
  std::string s = std::move(spare_.back());
  spare_.pop_back();
  return s;
}

void PipedFileWriter::Finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void PipedFileWriter::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return closing_ || !pending_.empty(); });
    if (pending_.empty())
      return;  // closing, and everything written
    std::string piece = std::move(pending_.front());
    pending_.pop_front();
    changed_.notify_all();  // room for another piece
    lock.unlock();
    file_.Write(piece);
    piece.clear();
    lock.lock();
    spare_.push_back(std::move(piece));
  }
}

namespace {

// A 64-bit hash of a file's content (not cryptographic: it tells equal texts of equal size apart
// from changed ones; a collision of both would keep a stale file).
uint64_t ContentHash(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    h = (h ^ (w * 0xBF58476D1CE4E5B9ULL)) * 0x94D049BB133111EBULL;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  if (i < s.size())
    std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ (tail * 0xBF58476D1CE4E5B9ULL)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 29);
}

}  // namespace

// The files a writer wrote: for each file (by a hash of its path relative to the index's
// folder), a hash of its content, its size, modification time and inode. Stored as a header line
// and fixed-size records sorted by path hash, read in one piece and searched in place. (Two
// paths with one hash share a record: each then finds the other's and is compared as before.)
struct BackgroundWriter::Index {
  struct Entry {
    uint64_t path = 0;
    uint64_t hash = 0;
    uint64_t size = 0;
    int64_t sec = 0;
    int64_t nsec = 0;
    uint64_t ino = 0;
  };
  std::string path, dir;                        // dir: the index's folder with a trailing '/'
  std::vector<Entry> entries;                   // as loaded, sorted by path
  std::unordered_map<uint64_t, Entry> updates;  // written by this run
  Entry written;                                // the index file's own modification time
  bool loaded = false;

  static constexpr std::string_view kHeader = "floe written files 2\n";

  uint64_t PathHash(const std::string& file) const {
    std::string_view key(file);
    if (key.compare(0, dir.size(), dir) == 0)
      key.remove_prefix(dir.size());
    return ContentHash(key);
  }
  // The folder of the last file looked at, open: most files of a run share a few folders, and a
  // name looked up in an open folder is one step of path resolution instead of a dozen.
  std::string folder;
  int folder_fd = -1;
  ~Index() {
    if (folder_fd >= 0)
      ::close(folder_fd);
  }
  bool Stat(const std::string& file, Entry* e) {
    struct stat st {};
    size_t slash = file.rfind('/');
    int rc = -1;
    if (slash != std::string::npos && slash > 0) {
      if (file.compare(0, slash, folder) != 0 || folder_fd < 0) {
        if (folder_fd >= 0)
          ::close(folder_fd);
        folder.assign(file, 0, slash);
        folder_fd = ::open(folder.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      }
      if (folder_fd >= 0)
        rc = ::fstatat(folder_fd, file.c_str() + slash + 1, &st, 0);
    } else {
      rc = ::stat(file.c_str(), &st);
    }
    if (rc != 0)
      return false;
    e->size = static_cast<uint64_t>(st.st_size);
    e->sec = st.st_mtim.tv_sec;
    e->nsec = st.st_mtim.tv_nsec;
    e->ino = st.st_ino;
    return true;
  }
  void Load() {
    loaded = true;
    std::string text;
    Diagnostics ignored;
    if (!Stat(path, &written) || !ReadFile(path, text, ignored) ||
        text.compare(0, kHeader.size(), kHeader) != 0 ||
        (text.size() - kHeader.size()) % sizeof(Entry) != 0)
      return;  // none yet, or of another version: every file is compared as before
    entries.resize((text.size() - kHeader.size()) / sizeof(Entry));
    std::memcpy(entries.data(), text.data() + kHeader.size(), entries.size() * sizeof(Entry));
  }
  const Entry* Find(uint64_t path_hash) const {
    auto it = std::lower_bound(entries.begin(), entries.end(), path_hash,
                               [](const Entry& e, uint64_t h) { return e.path < h; });
    return it != entries.end() && it->path == path_hash ? &*it : nullptr;
  }
  bool Unchanged(const std::string& file, std::string_view content, uint64_t hash) {
    if (!loaded)
      Load();
    const Entry* e = Find(PathHash(file));
    if (e == nullptr || e->hash != hash || e->size != content.size())
      return false;
    // A file last written in the same clock tick as the index or later may have changed again
    // within that tick without its time showing it (git's "racily clean"): compared instead.
    if (e->sec > written.sec || (e->sec == written.sec && e->nsec >= written.nsec))
      return false;
    Entry now;
    return Stat(file, &now) && now.size == e->size && now.sec == e->sec && now.nsec == e->nsec &&
           now.ino == e->ino;
  }
  void Record(const std::string& file, uint64_t hash) {
    Entry e;
    if (!Stat(file, &e))
      return;
    e.path = PathHash(file);
    e.hash = hash;
    const Entry* old = Find(e.path);
    if (old == nullptr || old->hash != e.hash || old->size != e.size || old->sec != e.sec ||
        old->nsec != e.nsec || old->ino != e.ino)
      updates[e.path] = e;
  }
  void Save() {
    if (updates.empty())
      return;  // nothing written, or everything as it was
    std::vector<Entry> merged;
    merged.reserve(entries.size() + updates.size());
    for (const Entry& e : entries) {
      if (updates.count(e.path) == 0)
        merged.push_back(e);
    }
    for (const auto& [h, e] : updates)
      merged.push_back(e);
    std::sort(merged.begin(), merged.end(),
              [](const Entry& a, const Entry& b) { return a.path < b.path; });
    std::string data(kHeader);
    data.append(reinterpret_cast<const char*>(merged.data()), merged.size() * sizeof(Entry));
    Diagnostics ignored;  // best effort: without it the next run compares the files
    WriteFileAtomic(path, data, ignored, /*durable=*/false);
  }
};

BackgroundWriter::BackgroundWriter(std::string index_path) {
  if (!index_path.empty()) {
    index_ = std::make_unique<Index>();
    index_->path = std::move(index_path);
    std::filesystem::path dir = std::filesystem::path(index_->path).parent_path();
    index_->dir = dir.empty() ? "" : dir.string() + "/";
  }
  thread_ = std::thread([this] { Work(); });
}

BackgroundWriter::~BackgroundWriter() {
  Diagnostics ignored;
  Finish(ignored);
}

void BackgroundWriter::Add(std::string path, std::string_view content) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    was_empty = queue_.empty();
    queue_.emplace_back(std::move(path), content);
  }
  if (was_empty)  // the worker waits only for an empty queue
    wake_.notify_one();
}

void BackgroundWriter::Work() {
  std::deque<std::pair<std::string, std::string_view>> jobs;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty())
        return;           // closing, and everything is written
      jobs.swap(queue_);  // everything queued so far, taken at once
    }
    for (auto& [path, content] : jobs) {
      uint64_t hash = index_ != nullptr ? ContentHash(content) : 0;
      if (index_ != nullptr && index_->Unchanged(path, content, hash))
        continue;  // still as this writer left it: not read back
      Diagnostics d;
      if (!WriteFileIfChanged(path, content, d)) {
        std::lock_guard<std::mutex> lock(mutex_);
        failures_.Append(d);
      } else if (index_ != nullptr) {
        index_->Record(path, hash);
      }
    }
    jobs.clear();
  }
}

bool BackgroundWriter::Finish(Diagnostics& diagnostics) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
    if (index_ != nullptr)
      index_->Save();
  }
  bool ok = !failures_.has_errors();
  diagnostics.Append(failures_);
  failures_ = Diagnostics();
  return ok;
}

std::string ResolveBeside(const std::string& base_file, const std::string& relative) {
  std::filesystem::path rel(relative);
  if (rel.is_absolute())
    return relative;
  std::filesystem::path base = std::filesystem::path(base_file).parent_path();
  return (base / rel).lexically_normal().string();
}

std::string CanonicalPath(const std::string& path) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : canonical.string();
}

}  // namespace floe
