// flows/line_pipe.h: newline-delimited messages over pipes on an
// AsioRuntime -- LineReader calls back for each line a pipe delivers,
// LineWriter queues lines and writes them in order. The driver protocol
// (docs/driver-protocol.md) runs on these, on both of its ends.
//
// Contract:
//  - LineReader reads continuously once Start()ed; on_line gets each line
//    without its '\n', in order; on_end is called once, when the pipe ends
//    (end of file, an error, or a line longer than max_line_bytes), with a
//    sentence saying which. No callback runs after Stop() or destruction.
//  - LineWriter::Send never blocks: lines queue and go out in order; a
//    write error is kept (error()) and later lines are dropped. Creating a
//    LineWriter ignores SIGPIPE process-wide (IgnoreSigpipe), so a reader
//    that went away is an error, never a signal.
//  - Both own their descriptor (closed on destruction), hold their Asio
//    state through shared_ptr so handlers may outlive them, and must be
//    destroyed before their AsioRuntime. One thread, the runtime's.
#ifndef FLOWCHECK_FLOWS_LINE_PIPE_H_
#define FLOWCHECK_FLOWS_LINE_PIPE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "flows/asio_runtime.h"

namespace flowcheck::flows {

namespace internal {
struct LineReaderState;
struct LineWriterState;
}  // namespace internal

class LineReader {
 public:
  // Takes ownership of `fd` (made non-blocking).
  LineReader(AsioRuntime& runtime, int fd, std::size_t max_line_bytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Starts reading; callbacks run on the runtime's thread, from its
  // io_context (inside RunFor/run).
  void Start(std::function<void(std::string line)> on_line,
             std::function<void(std::string why)> on_end);
  // No more callbacks; the descriptor is closed.
  void Stop();
  // Lines delivered so far.
  std::size_t lines() const;

 private:
  std::shared_ptr<internal::LineReaderState> state_;
};

class LineWriter {
 public:
  // Takes ownership of `fd` (made non-blocking).
  LineWriter(AsioRuntime& runtime, int fd);
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // Queues `line` + '\n'.
  void Send(std::string line);
  // Bytes queued but not yet written.
  std::size_t queued_bytes() const;
  // The first write error, if any ("write: Broken pipe").
  std::optional<std::string> error() const;
  // Closes the descriptor now (queued lines are dropped).
  void Close();

 private:
  std::shared_ptr<internal::LineWriterState> state_;
};

}  // namespace flowcheck::flows

#endif  // FLOWCHECK_FLOWS_LINE_PIPE_H_
