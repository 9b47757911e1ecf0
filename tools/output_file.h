// tools/output_file.h: where `flowcheck certify --output` writes a report,
// checked before any work is done, then written atomically.
//
// An output path names a regular file, existing or not, or a symbolic link
// (a chain of them) that ends at one. The report is written to the file at
// the end of the links -- the links stay links -- through a temporary file
// beside that target, renamed over it once complete, so a reader never sees
// a half-written report and an interrupted run leaves the old one in place.
// Anything else -- a directory, a device node (/dev/null, /dev/stdout's
// terminal), a FIFO, a socket, a path whose directory is missing or not
// writable -- is refused with a sentence naming the path and the reason.
//
// "-" (stdout) is not a path here; the caller handles it. Functions touch
// only the named path, its links and a temporary file beside the target;
// they are safe to call from any thread on different paths.
#ifndef FLOWCHECK_TOOLS_OUTPUT_FILE_H_
#define FLOWCHECK_TOOLS_OUTPUT_FILE_H_

#include <optional>
#include <string>
#include <string_view>

namespace flowcheck::tools {

// CheckOutputFile()
//
// nullopt if a report could be written to `path` now: it is, or its
// symbolic links end at, a regular file or a name that does not exist yet,
// in a directory that exists and this process may write. Otherwise a
// sentence such as "'/dev/null' is a character device, not a regular file".
// Writes nothing. The answer can go stale (the file system may change
// before the write), so WriteFileAtomically checks again.
std::optional<std::string> CheckOutputFile(const std::string& path);

// WriteFileAtomically()
//
// Writes `contents` to the file `path` names (following symbolic links, as
// CheckOutputFile does): a temporary file beside the target, written in
// full, fsync()ed, given the mode of the file it replaces (0644 less the
// umask for a new file), then renamed over the target. Returns nullopt on
// success. On failure (refused as by CheckOutputFile, or a write error such
// as a full disk) returns a sentence naming the path and the reason, and
// the target is as it was before: the temporary file is removed.
std::optional<std::string> WriteFileAtomically(const std::string& path,
                                               std::string_view contents);

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_OUTPUT_FILE_H_
