#include "flow/result.h"

#include "flow/check.h"

namespace flowcheck {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kConnectionReset:
      return "connection reset";
    case ErrorCode::kBrokenPipe:
      return "broken pipe";
    case ErrorCode::kTimedOut:
      return "timed out";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kIo:
      return "I/O error";
    case ErrorCode::kOther:
      return "error";
  }
  return "unknown error";
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code_));
  if (!description_.empty()) {
    out += ": ";
    out += description_;
  } else {
    out += " (no description given)";
  }
  return out;
}

const Buffer& ReadResult::data() const {
  FLOWCHECK_CHECK(is_data(), "ReadResult::data() on a result that is not Data");
  return data_;
}

const Error& ReadResult::error() const {
  FLOWCHECK_CHECK(is_error(),
                  "ReadResult::error() on a result that is not an Error");
  return *error_;
}

std::string ReadResult::ToString() const {
  switch (kind_) {
    case Kind::kData:
      return "Data " + data_.Preview();
    case Kind::kEof:
      return "Eof";
    case Kind::kError:
      return "Error " + error_->ToString();
  }
  return "?";
}

const Error& WriteResult::error() const {
  FLOWCHECK_CHECK(is_error(),
                  "WriteResult::error() on a result that is not an Error");
  return *error_;
}

std::string WriteResult::ToString() const {
  switch (kind_) {
    case Kind::kOk:
      return "Ok";
    case Kind::kClosed:
      return "Closed";
    case Kind::kError:
      return "Error " + error_->ToString();
  }
  return "?";
}

}  // namespace flowcheck
