// sim/units.h: the scalars of flowcheck's texts, read and written one way
// everywhere -- durations (5ms), sizes (64KiB), rates (100ppm, 0.5%) and
// plain decimal numbers -- for the fault-plan text form
// (sim/fault_plan_text.h) and the command line (tools/). docs/fault-plans.md
// ("Units") is the user's description.
//
// Reading: each Scan* function reads one value at the start of `text` (the
// rest of a longer input) and says how many bytes it took; what follows
// the value is the caller's business. On failure it says where (an offset
// into `text`) and why, in one sentence naming what was expected after
// `after` (the text before the value, e.g. "latency=") and what was found
// there. "Found" phrasing treats whitespace and ';' as the end of a word,
// as the fault-plan grammar does.
//
// Writing: each Format* function gives the canonical text of a value.
//
// Everything here is a pure function of its arguments: any thread may call
// any of it. Nothing throws; results own what they hold.
#ifndef FLOWCHECK_SIM_UNITS_H_
#define FLOWCHECK_SIM_UNITS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowcheck::sim {

// The outcome of a Scan* function: a value and its length, or an error.
template <typename T>
struct Scanned {
  // On success: the value, and how many bytes of the text it spans (at
  // least 1).
  T value{};
  std::size_t length = 0;
  // On failure: set. `error_offset` is where in the text the problem is
  // (text.size() when the text ended too early).
  std::optional<std::string> error;
  std::size_t error_offset = 0;

  bool ok() const { return !error.has_value(); }
};

// ScanDuration()
//
// DUR := digits unit, unit one of ns us ms s. Succeeds with nanoseconds
// (0 to INT64_MAX). Fails, e.g., with "expected a duration such as 5ms or
// 250us after 'latency=', found 'fast'", "expected a unit ns, us, ms or s
// after the number '5', found 'sec'", for fractions ("1.5ms": use a
// smaller unit), signs and values above INT64_MAX ns.
Scanned<std::int64_t> ScanDuration(std::string_view text,
                                   std::string_view after);

// ScanSize()
//
// SIZE := digits [unit], unit one of B KB KiB MB MiB GB GiB (no unit:
// bytes). Succeeds with bytes (0 to UINT64_MAX). Fails for a missing
// number, an unknown unit, fractions, signs and values above UINT64_MAX.
Scanned<std::uint64_t> ScanSize(std::string_view text, std::string_view after);

// ScanRate()
//
// RATE := digits "ppm" | digits ["." digits] "%". Succeeds with parts per
// million (0 to 1000000). Fails for a missing unit, rates above 100%,
// fractional ppm and percentages that are not a whole number of ppm
// ("0.00005%": refused, never rounded).
Scanned<std::uint32_t> ScanRate(std::string_view text, std::string_view after);

// The canonical texts: the largest unit that represents the value exactly
// ("5ms", "1500ms", "64KiB", "1KB", "100B"); zero is "0ns" or "0B"; a
// negative duration keeps its sign ("-5ms"), which ScanDuration refuses.
// Rates are always in ppm ("2500ppm").
std::string FormatDuration(std::int64_t ns);
std::string FormatSize(std::uint64_t bytes);
std::string FormatRate(std::uint32_t per_million);

// ParseDecimal()
//
// The whole of `text` as a decimal number from 0 to `max`: 1 to 20 ASCII
// digits, nothing else (no sign, no spaces, no unit). std::nullopt when
// `text` is anything else or the number is above `max`.
std::optional<std::uint64_t> ParseDecimal(std::string_view text,
                                          std::uint64_t max);

// Message phrasing shared by the parsers of these texts.
//
// QuoteForMessage: `text` in single quotes, at most kMaxQuotedBytes of it
// (then "..."), bytes outside printable ASCII as \xNN: 'fast', '\x01'.
// DescribeFound: what `rest` (the input from some position to its end)
// holds at its start, for "found ...": "the end of the input", "';'", "a
// space", "a tab", "a line break", "whitespace", or the quoted word up to
// the next whitespace or ';'.
inline constexpr std::size_t kMaxQuotedBytes = 32;
std::string QuoteForMessage(std::string_view text);
std::string DescribeFound(std::string_view rest);

// Whether `c` is whitespace in these texts (space, \t, \n, \r, \v, \f).
bool IsTextSpace(char c);

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_UNITS_H_
