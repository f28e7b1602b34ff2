#include "floe/base/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace floe {

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

bool WriteFileAtomic(const std::string& path, std::string_view content, Diagnostics& diagnostics,
                     bool durable) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target(path);
  if (target.has_parent_path())
    fs::create_directories(target.parent_path(), ec);
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  auto fail = [&](const char* what, int err) {
    diagnostics.Error(Code::kFileUnwritable, {path, 0, 0},
                      std::string(what) + ": " + std::strerror(err),
                      "check that the folder exists and is writable");
    return false;
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail("cannot create the file", errno);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail("cannot write the file", err);
    }
    written += static_cast<size_t>(n);
  }
  if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail("cannot flush the file", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail("cannot move the file into place", err);
  }
  return true;
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
