// flows/pipe_stream.h: PipeStream, two POSIX pipes -- one per direction --
// as one Asio stream, so that StreamFlow can run over pipes.
//
// Reads come from one pipe's read end, writes go to the other pipe's write
// end. Shutting down the sending side (close()) closes the write end: the
// peer reads end of file once it has drained the pipe. What pipes cannot
// do: there is no reset -- when the peer dies, this side reads end of file
// (indistinguishable from a close) and its writes fail with EPIPE
// (kBrokenPipe; SIGPIPE is ignored, see IgnoreSigpipe in
// flows/stream_flow.h).
//
// Ownership: a PipeStream owns both descriptors and closes them when it is
// closed or destroyed. Threads: as for any Asio I/O object, use it on the
// thread that runs its io_context.
#ifndef FLOWCHECK_FLOWS_PIPE_STREAM_H_
#define FLOWCHECK_FLOWS_PIPE_STREAM_H_

#include <utility>

#include "asio/any_io_executor.hpp"
#include "asio/error.hpp"
#include "asio/posix/stream_descriptor.hpp"
#include "flows/stream_flow.h"

namespace flowcheck::flows {

class PipeStream {
 public:
  using executor_type = asio::any_io_executor;

  // Takes ownership of both descriptors, which must be open and belong to
  // the same io_context.
  PipeStream(asio::posix::stream_descriptor read_end,
             asio::posix::stream_descriptor write_end)
      : read_end_(std::move(read_end)), write_end_(std::move(write_end)) {}
  PipeStream(PipeStream&&) = default;
  PipeStream& operator=(PipeStream&&) = default;

  executor_type get_executor() { return read_end_.get_executor(); }

  // As asio::posix::stream_descriptor::async_read_some on the read end:
  // completes with n >= 1 bytes, asio::error::eof once the peer's write
  // end is closed and the pipe is drained, or an OS error.
  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return read_end_.async_read_some(buffers, std::forward<Token>(token));
  }

  // As asio::posix::stream_descriptor::async_write_some on the write end:
  // EPIPE once the peer's read end is closed.
  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return write_end_.async_write_some(buffers, std::forward<Token>(token));
  }

  // Closes the write end (the sending side); reading goes on.
  void shutdown_send(asio::error_code& error) { write_end_.close(error); }

  // Closes both ends; operations in flight complete with
  // operation_aborted. Reports the first error.
  void close(asio::error_code& error) {
    asio::error_code write_error;
    read_end_.close(error);
    write_end_.close(write_error);
    if (!error) error = write_error;
  }

 private:
  asio::posix::stream_descriptor read_end_;
  asio::posix::stream_descriptor write_end_;
};

// StreamFlow's view of a PipeStream: shutdown of the sending side closes
// the write end; an abort is a plain close (pipes cannot reset).
template <>
struct StreamTraits<PipeStream> {
  static asio::error_code ShutdownSend(PipeStream& stream) {
    asio::error_code error;
    stream.shutdown_send(error);
    return error;
  }
  static void Close(PipeStream& stream) {
    asio::error_code ignored;
    stream.close(ignored);
  }
  static void Abort(PipeStream& stream) { Close(stream); }
};

}  // namespace flowcheck::flows

#endif  // FLOWCHECK_FLOWS_PIPE_STREAM_H_
