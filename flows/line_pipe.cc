#include "flows/line_pipe.h"

#include <deque>
#include <utility>

#include "asio/posix/stream_descriptor.hpp"
#include "asio/write.hpp"
#include "flows/stream_flow.h"

namespace flowcheck::flows {
namespace internal {

struct LineReaderState : std::enable_shared_from_this<LineReaderState> {
  LineReaderState(AsioRuntime& runtime, int fd, std::size_t max)
      : pipe(runtime.io_context(), fd), max_line_bytes(max) {
    pipe.non_blocking(true);
  }

  void ReadMore() {
    auto self = shared_from_this();
    pipe.async_read_some(asio::buffer(chunk, sizeof chunk),
                         [self](const asio::error_code& error, std::size_t n) {
                           if (self->stopped) return;
                           if (n > 0) self->Take(n);
                           if (self->stopped) return;
                           if (error) {
                             self->End(error == asio::error::eof
                                           ? "end of file"
                                           : "read error: " + error.message());
                             return;
                           }
                           self->ReadMore();
                         });
  }

  void Take(std::size_t n) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (chunk[i] != '\n') continue;
      partial.append(chunk + start, i - start);
      start = i + 1;
      if (!Deliver()) return;
    }
    partial.append(chunk + start, n - start);
    if (partial.size() > max_line_bytes) {
      End("a line longer than " + std::to_string(max_line_bytes) +
          " bytes, starting: " + partial.substr(0, 120));
    }
  }

  // Hands the completed line over; false if that stopped the reader.
  bool Deliver() {
    if (partial.size() > max_line_bytes) {
      End("a line of " + std::to_string(partial.size()) +
          " bytes, longer than " + std::to_string(max_line_bytes) +
          ", starting: " + partial.substr(0, 120));
      return false;
    }
    std::string line = std::move(partial);
    partial.clear();
    ++delivered;
    on_line(std::move(line));
    return !stopped;
  }

  void End(std::string why) {
    if (stopped) return;
    stopped = true;
    auto callback = std::move(on_end);
    on_line = nullptr;
    on_end = nullptr;
    if (callback) callback(std::move(why));
  }

  asio::posix::stream_descriptor pipe;
  std::size_t max_line_bytes;
  char chunk[65536];
  std::string partial;
  std::size_t delivered = 0;
  bool stopped = false;
  std::function<void(std::string)> on_line;
  std::function<void(std::string)> on_end;
};

struct LineWriterState : std::enable_shared_from_this<LineWriterState> {
  LineWriterState(AsioRuntime& runtime, int fd)
      : pipe(runtime.io_context(), fd) {
    pipe.non_blocking(true);
  }

  void Pump() {
    if (writing || queue.empty() || error || closed) return;
    writing = true;
    auto self = shared_from_this();
    asio::async_write(pipe, asio::buffer(queue.front()),
                      [self](const asio::error_code& e, std::size_t) {
                        self->writing = false;
                        // Closed meanwhile: the queue is gone.
                        if (self->closed) return;
                        if (e) {
                          if (!self->error) {
                            self->error = "write: " + e.message();
                          }
                          self->queue.clear();
                          self->queued = 0;
                          return;
                        }
                        self->queued -= self->queue.front().size();
                        self->queue.pop_front();
                        self->Pump();
                      });
  }

  asio::posix::stream_descriptor pipe;
  std::deque<std::string> queue;
  std::size_t queued = 0;
  bool writing = false;
  bool closed = false;
  std::optional<std::string> error;
};

}  // namespace internal

LineReader::LineReader(AsioRuntime& runtime, int fd, std::size_t max_line_bytes)
    : state_(std::make_shared<internal::LineReaderState>(runtime, fd,
                                                         max_line_bytes)) {}

LineReader::~LineReader() { Stop(); }

void LineReader::Start(std::function<void(std::string)> on_line,
                       std::function<void(std::string)> on_end) {
  state_->on_line = std::move(on_line);
  state_->on_end = std::move(on_end);
  state_->ReadMore();
}

void LineReader::Stop() {
  // The callbacks stay (Stop may be called from inside one of them); the
  // flag keeps them from being called again.
  state_->stopped = true;
  asio::error_code ignored;
  state_->pipe.close(ignored);
}

std::size_t LineReader::lines() const { return state_->delivered; }

LineWriter::LineWriter(AsioRuntime& runtime, int fd)
    : state_(std::make_shared<internal::LineWriterState>(runtime, fd)) {
  // A reader that went away is a write error, not a signal.
  IgnoreSigpipe();
}

LineWriter::~LineWriter() { Close(); }

void LineWriter::Send(std::string line) {
  if (state_->error || !state_->pipe.is_open()) return;
  line += '\n';
  state_->queued += line.size();
  state_->queue.push_back(std::move(line));
  state_->Pump();
}

std::size_t LineWriter::queued_bytes() const { return state_->queued; }

std::optional<std::string> LineWriter::error() const { return state_->error; }

void LineWriter::Close() {
  state_->closed = true;
  asio::error_code ignored;
  state_->pipe.close(ignored);
  state_->queue.clear();
  state_->queued = 0;
}

}  // namespace flowcheck::flows
