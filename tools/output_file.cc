#include "tools/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <variant>

namespace flowcheck::tools {
namespace {

// Linux's own limit on links followed in one path lookup (MAXSYMLINKS).
constexpr int kMaxLinks = 40;

// The file a path ends at once its symbolic links are followed.
struct Target {
  std::string path;      // the link-free path to write
  bool exists = false;   // false: rename() will create it
  mode_t mode = 0;       // its permission bits, if it exists
  std::string as_named;  // how messages name it: "'out.json'" or
                         // "'link' (a symbolic link to 'out.json')"
};

std::string DirectoryOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string_view KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string Reason() { return std::strerror(errno); }

// Follows the links from `path` and checks that the target is a regular
// file or a new name in a writable directory.
std::variant<Target, std::string> Resolve(const std::string& path) {
  if (path.empty()) return std::string("the path is empty");
  if (path.back() == '/') {
    return "'" + path + "' ends with '/', so it names a directory, not a file";
  }
  Target target;
  target.path = path;
  for (int links = 0;; ++links) {
    target.as_named = "'" + path + "'";
    if (target.path != path) {
      target.as_named += " (a symbolic link to '" + target.path + "')";
    }
    struct stat status;
    if (lstat(target.path.c_str(), &status) != 0) {
      if (errno == ENOENT) break;  // a new file; its directory is checked
      return "cannot examine " + target.as_named + ": " + Reason();
    }
    if (S_ISLNK(status.st_mode)) {
      if (links == kMaxLinks) {
        return target.as_named + " goes through more than " +
               std::to_string(kMaxLinks) + " symbolic links";
      }
      std::string link(static_cast<std::size_t>(status.st_size) + 1, '\0');
      const ssize_t size =
          readlink(target.path.c_str(), link.data(), link.size());
      if (size < 0)
        return "cannot read the link " + target.as_named + ": " + Reason();
      link.resize(static_cast<std::size_t>(size));
      target.path =
          link.starts_with('/') ? link : DirectoryOf(target.path) + "/" + link;
      continue;
    }
    if (!S_ISREG(status.st_mode)) {
      return target.as_named + " is " + std::string(KindOf(status.st_mode)) +
             ", not a regular file";
    }
    target.exists = true;
    target.mode = status.st_mode & 07777;
    break;
  }
  const std::string directory = DirectoryOf(target.path);
  struct stat status;
  if (stat(directory.c_str(), &status) != 0) {
    if (errno == ENOENT) {
      return "the directory '" + directory + "' of " + target.as_named +
             " does not exist";
    }
    return "cannot examine the directory '" + directory + "' of " +
           target.as_named + ": " + Reason();
  }
  if (!S_ISDIR(status.st_mode)) {
    return "'" + directory + "' in " + target.as_named + " is not a directory";
  }
  // Writing needs a new file beside the target: the directory must be
  // writable, whatever the target's own mode.
  if (access(directory.c_str(), W_OK | X_OK) != 0) {
    return "the directory '" + directory + "' of " + target.as_named +
           " is not writable: " + Reason();
  }
  if (target.exists && access(target.path.c_str(), W_OK) != 0) {
    return target.as_named + " is not writable: " + Reason();
  }
  return target;
}

}  // namespace

std::optional<std::string> CheckOutputFile(const std::string& path) {
  const auto resolved = Resolve(path);
  if (const std::string* error = std::get_if<std::string>(&resolved)) {
    return *error;
  }
  return std::nullopt;
}

std::optional<std::string> WriteFileAtomically(const std::string& path,
                                               std::string_view contents) {
  const auto resolved = Resolve(path);
  if (const std::string* error = std::get_if<std::string>(&resolved)) {
    return *error;
  }
  const Target& target = std::get<Target>(resolved);
  static std::atomic<unsigned> sequence{0};
  const std::string temporary = target.path + ".tmp." +
                                std::to_string(getpid()) + "." +
                                std::to_string(sequence++);
  // O_EXCL: never write through something already at the temporary name.
  const int fd =
      open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return "cannot write " + target.as_named + ": " + Reason();
  }
  const auto fail = [&](const std::string& reason) {
    close(fd);
    unlink(temporary.c_str());
    return "cannot write " + target.as_named + ": " + reason;
  };
  if (target.exists && fchmod(fd, target.mode) != 0) return fail(Reason());
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n =
        write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Reason());
    }
    written += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) return fail(Reason());
  if (close(fd) != 0) {
    const std::string reason = Reason();
    unlink(temporary.c_str());
    return "cannot write " + target.as_named + ": " + reason;
  }
  if (rename(temporary.c_str(), target.path.c_str()) != 0) {
    const std::string reason = Reason();
    unlink(temporary.c_str());
    return "cannot write " + target.as_named + ": " + reason;
  }
  // Make the rename itself durable; the report is complete either way.
  if (const int directory =
          open(DirectoryOf(target.path).c_str(), O_RDONLY | O_CLOEXEC);
      directory >= 0) {
    (void)fsync(directory);
    close(directory);
  }
  return std::nullopt;
}

}  // namespace flowcheck::tools
