#include "sim/units.h"

#include <array>
#include <limits>
#include <utility>

namespace flowcheck::sim {
namespace {

constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kMaxBytes = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMillion = 1000000;

struct DurationUnit {
  std::string_view name;
  std::int64_t ns;
};
// Largest first: the printer takes the first that divides the value.
constexpr std::array<DurationUnit, 4> kDurationUnits = {{
    {"s", 1000000000},
    {"ms", 1000000},
    {"us", 1000},
    {"ns", 1},
}};

struct SizeUnit {
  std::string_view name;
  std::uint64_t bytes;
};
// Largest first: the printer takes the first that divides the value.
constexpr std::array<SizeUnit, 7> kSizeUnits = {{
    {"GiB", std::uint64_t{1} << 30},
    {"GB", 1000000000},
    {"MiB", std::uint64_t{1} << 20},
    {"MB", 1000000},
    {"KiB", 1024},
    {"KB", 1000},
    {"B", 1},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Digits read by Cursor::ScanDigits.
struct Digits {
  std::uint64_t value = 0;  // meaningless when overflow
  bool overflow = false;    // more than fits in 64 bits
};

// A position in the text being scanned, and the phrasing of failures.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  std::size_t pos() const { return pos_; }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool LookingAt(std::string_view expected) const {
    return text_.substr(pos_).starts_with(expected);
  }
  void Skip(std::size_t n) { pos_ += n; }
  std::string_view Since(std::size_t begin) const {
    return text_.substr(begin, pos_ - begin);
  }

  // Reads decimal digits at pos_ (there is at least one).
  Digits ScanDigits() {
    Digits digits;
    while (!AtEnd() && IsDigit(Peek())) {
      const auto digit = static_cast<std::uint64_t>(Peek() - '0');
      if (digits.value > (kMaxBytes - digit) / 10) digits.overflow = true;
      if (!digits.overflow) digits.value = digits.value * 10 + digit;
      ++pos_;
    }
    return digits;
  }

  // Reads letters at pos_ (maybe none).
  std::string_view ScanLetters() {
    const std::size_t begin = pos_;
    while (!AtEnd() && IsLetter(Peek())) ++pos_;
    return Since(begin);
  }

  // What the text holds at `at`, for "found ..." in a message.
  std::string Found(std::size_t at) const {
    return DescribeFound(at >= text_.size() ? std::string_view()
                                            : text_.substr(at));
  }

  // The failure "expected a DUR/SIZE/RATE ..." when pos_ is not at a
  // digit; `what` is e.g. "duration such as 5ms or 250us", `nouns` e.g.
  // "durations".
  template <typename T>
  Scanned<T> FailNoNumber(std::string_view what, std::string_view after,
                          std::string_view nouns) const {
    std::string message = "expected a " + std::string(what) + " after " +
                          QuoteForMessage(after) + ", found " + Found(pos_);
    if (!AtEnd() && Peek() == '-') {
      message += " (" + std::string(nouns) + " cannot be negative)";
    }
    return Fail<T>(pos_, std::move(message));
  }

  // After the digits of a duration or size: refuses "1.5ms" with a hint.
  // `what` is "duration" or "size"; `example` how to write a fraction,
  // e.g. "1500us for 1.5ms". Sets *message when it refuses.
  bool RefuseFraction(std::size_t begin, std::string_view what,
                      std::string_view after, std::string_view example,
                      std::string* message) const {
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
        IsDigit(text_[pos_ + 1])) {
      *message = "expected a whole number in the " + std::string(what) +
                 " after " + QuoteForMessage(after) + ", found " +
                 Found(begin) + " (no fractions: use a smaller unit, e.g. " +
                 std::string(example) + ")";
      return true;
    }
    return false;
  }

  template <typename T>
  static Scanned<T> Fail(std::size_t at, std::string message) {
    Scanned<T> result;
    result.error = std::move(message);
    result.error_offset = at;
    return result;
  }

  template <typename T>
  Scanned<T> Ok(T value) const {
    Scanned<T> result;
    result.value = value;
    result.length = pos_;
    return result;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Scanned<std::int64_t> ScanDuration(std::string_view text,
                                   std::string_view after) {
  Cursor cursor(text);
  if (cursor.AtEnd() || !IsDigit(cursor.Peek())) {
    return cursor.FailNoNumber<std::int64_t>("duration such as 5ms or 250us",
                                             after, "durations");
  }
  const Digits digits = cursor.ScanDigits();
  const std::string_view number = cursor.Since(0);
  std::string fraction;
  if (cursor.RefuseFraction(0, "duration", after, "1500us for 1.5ms",
                            &fraction)) {
    return Cursor::Fail<std::int64_t>(0, std::move(fraction));
  }
  const std::size_t unit_begin = cursor.pos();
  const std::string_view unit_text = cursor.ScanLetters();
  if (unit_text.empty()) {
    return Cursor::Fail<std::int64_t>(
        unit_begin, "expected a unit ns, us, ms or s after the number " +
                        QuoteForMessage(number) + ", found " +
                        cursor.Found(unit_begin));
  }
  const DurationUnit* unit = nullptr;
  for (const DurationUnit& candidate : kDurationUnits) {
    if (candidate.name == unit_text) unit = &candidate;
  }
  if (unit == nullptr) {
    return Cursor::Fail<std::int64_t>(
        unit_begin, "expected a unit ns, us, ms or s after the number " +
                        QuoteForMessage(number) + ", found " +
                        QuoteForMessage(unit_text));
  }
  if (digits.overflow ||
      digits.value > static_cast<std::uint64_t>(kMaxNs / unit->ns)) {
    return Cursor::Fail<std::int64_t>(
        0, "duration " + QuoteForMessage(cursor.Since(0)) +
               " is too large: expected at most "
               "9223372036854775807ns (about 292 years)");
  }
  return cursor.Ok(static_cast<std::int64_t>(digits.value) * unit->ns);
}

Scanned<std::uint64_t> ScanSize(std::string_view text, std::string_view after) {
  Cursor cursor(text);
  if (cursor.AtEnd() || !IsDigit(cursor.Peek())) {
    return cursor.FailNoNumber<std::uint64_t>("size such as 100B or 64KiB",
                                              after, "sizes");
  }
  const Digits digits = cursor.ScanDigits();
  const std::string_view number = cursor.Since(0);
  std::string fraction;
  if (cursor.RefuseFraction(0, "size", after, "1536B for 1.5KiB", &fraction)) {
    return Cursor::Fail<std::uint64_t>(0, std::move(fraction));
  }
  const std::size_t unit_begin = cursor.pos();
  const std::string_view unit_text = cursor.ScanLetters();
  std::uint64_t multiplier = 1;
  if (!unit_text.empty()) {
    const SizeUnit* unit = nullptr;
    for (const SizeUnit& candidate : kSizeUnits) {
      if (candidate.name == unit_text) unit = &candidate;
    }
    if (unit == nullptr) {
      return Cursor::Fail<std::uint64_t>(
          unit_begin,
          "expected a size unit B, KB, KiB, MB, MiB, GB or GiB (or "
          "none, meaning bytes) after the number " +
              QuoteForMessage(number) + ", found " +
              QuoteForMessage(unit_text));
    }
    multiplier = unit->bytes;
  }
  if (digits.overflow || digits.value > kMaxBytes / multiplier) {
    return Cursor::Fail<std::uint64_t>(
        0, "size " + QuoteForMessage(cursor.Since(0)) +
               " is too large: expected at most "
               "18446744073709551615B (16EiB - 1B)");
  }
  return cursor.Ok(digits.value * multiplier);
}

Scanned<std::uint32_t> ScanRate(std::string_view text, std::string_view after) {
  Cursor cursor(text);
  if (cursor.AtEnd() || !IsDigit(cursor.Peek())) {
    return cursor.FailNoNumber<std::uint32_t>("rate such as 100ppm or 0.5%",
                                              after, "rates");
  }
  const Digits whole = cursor.ScanDigits();
  bool has_fraction = false;
  bool exact = true;
  std::uint64_t fraction = 0;  // in units of 0.0001%, i.e. ppm
  if (!cursor.AtEnd() && cursor.Peek() == '.') {
    has_fraction = true;
    cursor.Skip(1);
    if (cursor.AtEnd() || !IsDigit(cursor.Peek())) {
      return Cursor::Fail<std::uint32_t>(
          cursor.pos(),
          "expected a digit after the decimal point in the rate after " +
              QuoteForMessage(after) + ", found " + cursor.Found(cursor.pos()));
    }
    int place = 0;
    while (!cursor.AtEnd() && IsDigit(cursor.Peek())) {
      const auto digit = static_cast<std::uint64_t>(cursor.Peek() - '0');
      if (place < 4) {
        fraction = fraction * 10 + digit;
        ++place;
      } else if (digit != 0) {
        exact = false;
      }
      cursor.Skip(1);
    }
    for (; place < 4; ++place) fraction *= 10;
  }
  const std::string_view number = cursor.Since(0);
  bool percent = false;
  if (cursor.LookingAt("ppm")) {
    cursor.Skip(3);
  } else if (cursor.LookingAt("%")) {
    cursor.Skip(1);
    percent = true;
  } else {
    return Cursor::Fail<std::uint32_t>(
        cursor.pos(), "expected 'ppm' or '%' after the number " +
                          QuoteForMessage(number) + ", found " +
                          cursor.Found(cursor.pos()));
  }
  const std::string rate = QuoteForMessage(cursor.Since(0));
  const std::string too_large =
      "rate " + rate + " is above 100%: expected at most 100% (1000000ppm)";
  std::uint64_t per_million = 0;
  if (percent) {
    if (whole.overflow || whole.value > 100) {
      return Cursor::Fail<std::uint32_t>(0, too_large);
    }
    per_million = whole.value * 10000 + fraction;
    if (!exact) {
      return Cursor::Fail<std::uint32_t>(
          0, "rate " + rate +
                 " is not a whole number of ppm: expected a multiple of "
                 "0.0001% (1ppm)");
    }
  } else {
    if (has_fraction) {
      return Cursor::Fail<std::uint32_t>(
          0, "expected a whole number of ppm, found " + rate +
                 " (1ppm = 0.0001% is the smallest step)");
    }
    if (whole.overflow) return Cursor::Fail<std::uint32_t>(0, too_large);
    per_million = whole.value;
  }
  if (per_million > kMillion) return Cursor::Fail<std::uint32_t>(0, too_large);
  return cursor.Ok(static_cast<std::uint32_t>(per_million));
}

std::string FormatDuration(std::int64_t ns) {
  if (ns == 0) return "0ns";
  for (const DurationUnit& unit : kDurationUnits) {
    if (ns % unit.ns == 0)
      return std::to_string(ns / unit.ns) + std::string(unit.name);
  }
  return std::to_string(ns) + "ns";  // not reached: the last unit is 1ns
}

std::string FormatSize(std::uint64_t bytes) {
  if (bytes == 0) return "0B";
  for (const SizeUnit& unit : kSizeUnits) {
    if (bytes % unit.bytes == 0) {
      return std::to_string(bytes / unit.bytes) + std::string(unit.name);
    }
  }
  return std::to_string(bytes) + "B";  // not reached: the last unit is 1B
}

std::string FormatRate(std::uint32_t per_million) {
  return std::to_string(per_million) + "ppm";
}

std::optional<std::uint64_t> ParseDecimal(std::string_view text,
                                          std::uint64_t max) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (digit > max || value > (max - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string QuoteForMessage(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  const std::size_t shown =
      text.size() < kMaxQuotedBytes ? text.size() : kMaxQuotedBytes;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7f) {
      out += static_cast<char>(byte);
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  if (text.size() > kMaxQuotedBytes) out += "...";
  out += "'";
  return out;
}

std::string DescribeFound(std::string_view rest) {
  if (rest.empty()) return "the end of the input";
  const char c = rest[0];
  if (c == ';') return "';'";
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (c == '\n' || c == '\r') return "a line break";
  if (IsTextSpace(c)) return "whitespace";
  // The rest of the word, but no more than one byte past what
  // QuoteForMessage shows (so that it adds "..."): a long word costs
  // nothing here.
  std::size_t end = 0;
  while (end < rest.size() && end <= kMaxQuotedBytes &&
         !IsTextSpace(rest[end]) && rest[end] != ';') {
    ++end;
  }
  return QuoteForMessage(rest.substr(0, end));
}

bool IsTextSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

}  // namespace flowcheck::sim
