#include "floe/base/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

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

BackgroundWriter::BackgroundWriter() : thread_([this] { Work(); }) {}

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
      Diagnostics d;
      if (!WriteFileIfChanged(path, content, d)) {
        std::lock_guard<std::mutex> lock(mutex_);
        failures_.Append(d);
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
  if (thread_.joinable())
    thread_.join();
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
