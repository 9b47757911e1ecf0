// conformance/driver_protocol.h: the wire format of the driver protocol
// (docs/driver-protocol.md, version "flowcheck-driver/1") shared by its two
// ends: flowcheck's DriverSubject, and drivers written in C++ (tools/
// flowcheck_driver.cc). One JSON object per line; bytes travel as base64.
//
// Everything here is pure: no I/O, no state. Parsing never throws: a
// malformed message gives a sentence saying what was wrong.
#ifndef FLOWCHECK_CONFORMANCE_DRIVER_PROTOCOL_H_
#define FLOWCHECK_CONFORMANCE_DRIVER_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "flow/result.h"

namespace flowcheck::conformance::driver {

// The protocol version a driver's hello must name.
inline constexpr std::string_view kVersion = "flowcheck-driver/1";

// Standard base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view bytes);
// The decoded bytes, or nullopt if `text` is not valid padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

// "reset", "broken-pipe", "timed-out", "cancelled", "io", "other" -- an
// Error's code on the wire -- and back (nullopt for anything else).
std::string_view ErrorCodeWireName(ErrorCode code);
std::optional<ErrorCode> ErrorCodeFromWire(std::string_view name);

// The driver's first line.
struct Hello {
  std::string version;  // must be kVersion
  std::string name;     // "python-asyncio"
  std::string description;
  bool can_reset = false;  // capabilities.reset
};
std::string EncodeHello(const Hello& hello);
// The hello, or a sentence saying what is wrong with `line`.
std::variant<Hello, std::string> ParseHello(std::string_view line);

// flowcheck -> driver.
enum class Call { kStart, kEnd, kRead, kWrite, kWritev, kClose, kReset };
std::string_view CallName(Call call);

struct Request {
  Call call = Call::kRead;
  std::int64_t op = 0;             // operations and reset
  std::int64_t case_id = 0;        // start and end
  std::uint64_t seed = 0;          // start
  char side = 'A';                 // read, write, writev, close: 'A' or 'B'
  std::vector<std::string> parts;  // write: one; writev: any number
};
std::string EncodeRequest(const Request& request);
std::variant<Request, std::string> ParseRequest(std::string_view line);

// driver -> flowcheck: the answer to an operation (op set) or to a start
// or end (case_id set).
struct Reply {
  std::optional<std::int64_t> op;
  std::optional<std::int64_t> case_id;
  std::string result;             // "ok", "closed", "data", "eof", "error"
  std::string bytes;              // data: decoded
  std::optional<ErrorCode> code;  // error
  std::string description;        // error
};
std::string EncodeReply(const Reply& reply);
std::variant<Reply, std::string> ParseReply(std::string_view line);

// `line` cut to at most `max` characters for quoting in a report
// ("...": cut).
std::string Quote(std::string_view line, std::size_t max = 200);

}  // namespace flowcheck::conformance::driver

#endif  // FLOWCHECK_CONFORMANCE_DRIVER_PROTOCOL_H_
