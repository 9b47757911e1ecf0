// flow/result.h: what a flow operation completes with.
//
// The seed (shared/seed) gives read `Ok (`Data buf | `Eof) | Error error`, and
// write/writev `Ok () | Error `Closed | Error error`. These types say exactly
// which case happened: callers switch on kind(), never compare strings.
// `Closed` is a case of its own (WriteResult::Kind::kClosed), not an Error.
//
// Every Error carries a human-readable description (the seed's pp_error /
// pp_write_error; clause E1 requires one) and prints through operator<< and
// AbslStringify. All types here are values: copyable, no hidden sharing apart
// from the Buffer inside a Data result (which is immutable, see buffer.h).
#ifndef FLOWCHECK_FLOW_RESULT_H_
#define FLOWCHECK_FLOW_RESULT_H_

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "flow/buffer.h"

namespace flowcheck {

// What kind of failure an Error reports. `Closed` is not here: a write on a
// closed flow completes with WriteResult::Closed().
enum class ErrorCode {
  kConnectionReset,  // the connection was reset (ECONNRESET, a reset fault)
  kBrokenPipe,       // the peer can no longer receive (EPIPE)
  kTimedOut,         // an operation or the connection timed out
  kCancelled,        // the operation was cancelled (e.g. by a watchdog)
  kIo,               // any other I/O failure reported by the transport
  kOther,            // anything else; the description says what
};

// "connection reset", "broken pipe", ...
std::string_view ErrorCodeName(ErrorCode code);

// A failure of a read, write, writev or close, with a sentence for humans.
class Error {
 public:
  // `description` should say what happened and, where known, why: e.g.
  // "recv: Connection reset by peer (ECONNRESET)". An empty description is
  // allowed here but violates clause E1 when a flow returns it.
  Error(ErrorCode code, std::string description)
      : code_(code), description_(std::move(description)) {}

  ErrorCode code() const { return code_; }
  const std::string& description() const { return description_; }

  // "connection reset: recv: Connection reset by peer (ECONNRESET)".
  std::string ToString() const;

  friend bool operator==(const Error&, const Error&) = default;

  template <typename Sink>
  friend void AbslStringify(Sink& sink, const Error& error) {
    sink.Append(error.ToString());
  }
  friend std::ostream& operator<<(std::ostream& os, const Error& error) {
    return os << error.ToString();
  }

 private:
  ErrorCode code_;
  std::string description_;
};

// The outcome of Flow::read(): Data (a Buffer of at least one byte the caller
// now owns, clause R2), Eof, or an Error.
class ReadResult {
 public:
  enum class Kind { kData, kEof, kError };

  // Data. A flow must never return an empty buffer (R2); this constructor
  // accepts one so that the model can record and judge what a broken flow did.
  static ReadResult Data(Buffer data) {
    return ReadResult(Kind::kData, std::move(data));
  }
  static ReadResult Eof() { return ReadResult(Kind::kEof, Buffer()); }
  static ReadResult Failure(Error error) {
    return ReadResult(std::move(error));
  }

  Kind kind() const { return kind_; }
  bool is_data() const { return kind_ == Kind::kData; }
  bool is_eof() const { return kind_ == Kind::kEof; }
  bool is_error() const { return kind_ == Kind::kError; }

  // The bytes read. Aborts unless is_data().
  const Buffer& data() const;
  // The failure. Aborts unless is_error().
  const Error& error() const;

  // `Data 5 bytes "hello"`, `Eof`, `Error connection reset: ...`.
  std::string ToString() const;

  // Same kind, and the same bytes (Data) or the same error (Error).
  friend bool operator==(const ReadResult&, const ReadResult&) = default;

  template <typename Sink>
  friend void AbslStringify(Sink& sink, const ReadResult& result) {
    sink.Append(result.ToString());
  }
  friend std::ostream& operator<<(std::ostream& os, const ReadResult& result) {
    return os << result.ToString();
  }

 private:
  ReadResult(Kind kind, Buffer data) : kind_(kind), data_(std::move(data)) {}
  explicit ReadResult(Error error)
      : kind_(Kind::kError), error_(std::in_place, std::move(error)) {}

  // A result is moved several times between a flow and its caller (and
  // copied into a recorded history), so Data and Eof carry no Error at all:
  // error_ is set exactly when kind_ is kError.
  Kind kind_;
  Buffer data_;
  std::optional<Error> error_;
};

// The outcome of Flow::write() and Flow::writev(): Ok, Closed (this endpoint
// has called close, or the connection is closed, so nothing was written), or
// another Error.
class WriteResult {
 public:
  enum class Kind { kOk, kClosed, kError };

  static WriteResult Ok() { return WriteResult(Kind::kOk); }
  static WriteResult Closed() { return WriteResult(Kind::kClosed); }
  static WriteResult Failure(Error error) {
    return WriteResult(std::move(error));
  }

  Kind kind() const { return kind_; }
  bool is_ok() const { return kind_ == Kind::kOk; }
  bool is_closed() const { return kind_ == Kind::kClosed; }
  bool is_error() const { return kind_ == Kind::kError; }

  // The failure. Aborts unless is_error().
  const Error& error() const;

  // `Ok`, `Closed`, `Error broken pipe: ...`.
  std::string ToString() const;

  // Same kind, and the same error (Error).
  friend bool operator==(const WriteResult&, const WriteResult&) = default;

  template <typename Sink>
  friend void AbslStringify(Sink& sink, const WriteResult& result) {
    sink.Append(result.ToString());
  }
  friend std::ostream& operator<<(std::ostream& os, const WriteResult& result) {
    return os << result.ToString();
  }

 private:
  explicit WriteResult(Kind kind) : kind_(kind) {}
  explicit WriteResult(Error error)
      : kind_(Kind::kError), error_(std::in_place, std::move(error)) {}

  // Set exactly when kind_ is kError, as in ReadResult.
  Kind kind_;
  std::optional<Error> error_;
};

}  // namespace flowcheck

#endif  // FLOWCHECK_FLOW_RESULT_H_
