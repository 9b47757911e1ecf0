#include "sim/fault_plan_text.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "flow/check.h"

namespace flowcheck::sim {
namespace {

constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kMaxBytes = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMillion = 1000000;

// The settings, in the order the printer writes them.
enum class Key {
  kLatency,
  kTail,
  kBandwidth,
  kSplit,
  kCoalesce,
  kReadMax,
  kWindow,
  kCloseDelay,
};
constexpr std::size_t kKeyCount = 8;
constexpr std::array<std::string_view, kKeyCount> kKeyNames = {
    "latency",  "tail",     "bandwidth", "split",
    "coalesce", "read-max", "window",    "close-delay"};
constexpr std::string_view kKeyList =
    "latency, tail, bandwidth, split, coalesce, read-max, window, close-delay";

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

std::string KindList() {
  std::string out;
  for (const FaultKindInfo& info : kFaultKinds) {
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

bool NeedsDuration(FaultKind kind) {
  return IsNamedKind(kind) && Info(kind).needs_duration;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// How many bytes of the input an error message quotes at most.
constexpr std::size_t kMaxShown = 32;

// `text` in single quotes for an error message: at most kMaxShown bytes of
// it (then "..."), bytes outside printable ASCII as \xNN.
std::string Quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  const std::size_t shown = text.size() < kMaxShown ? text.size() : kMaxShown;
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
  if (text.size() > kMaxShown) out += "...";
  out += "'";
  return out;
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

// Whether `a` and `b` agree on every field that `key` sets.
bool SameSetting(Key key, const LinkOptions& a, const LinkOptions& b) {
  switch (key) {
    case Key::kLatency:
      return a.latency_shape == b.latency_shape &&
             a.latency_ns_min == b.latency_ns_min &&
             a.latency_ns_max == b.latency_ns_max &&
             a.latency_ns_mean == b.latency_ns_mean;
    case Key::kTail:
      return a.tail_per_million == b.tail_per_million &&
             a.tail_latency_ns == b.tail_latency_ns;
    case Key::kBandwidth:
      return a.bandwidth_bytes_per_second == b.bandwidth_bytes_per_second;
    case Key::kSplit:
      return a.segment_bytes_min == b.segment_bytes_min &&
             a.segment_bytes_max == b.segment_bytes_max;
    case Key::kCoalesce:
      return a.coalesce == b.coalesce;
    case Key::kReadMax:
      return a.read_bytes_max == b.read_bytes_max;
    case Key::kWindow:
      return a.window_bytes == b.window_bytes;
    case Key::kCloseDelay:
      return a.close_delay_ns == b.close_delay_ns;
  }
  return false;
}

// The value text of `key` in `link` (what follows "key=").
std::string FormatSettingValue(Key key, const LinkOptions& link) {
  switch (key) {
    case Key::kLatency:
      switch (link.latency_shape) {
        case LatencyShape::kFixed:
          return FormatDuration(link.latency_ns_min);
        case LatencyShape::kUniform:
          return FormatDuration(link.latency_ns_min) + ".." +
                 FormatDuration(link.latency_ns_max);
        case LatencyShape::kExponential: {
          std::string exp = "exp(" + FormatDuration(link.latency_ns_mean) + ")";
          if (link.latency_ns_min == 0) return exp;
          return FormatDuration(link.latency_ns_min) + "+" + exp;
        }
      }
      return FormatDuration(link.latency_ns_min);
    case Key::kTail:
      return FormatRate(link.tail_per_million) + ":" +
             FormatDuration(link.tail_latency_ns);
    case Key::kBandwidth:
      return FormatSize(link.bandwidth_bytes_per_second) + "/s";
    case Key::kSplit:
      if (link.segment_bytes_min == link.segment_bytes_max) {
        return FormatSize(link.segment_bytes_min);
      }
      return FormatSize(link.segment_bytes_min) + ".." +
             FormatSize(link.segment_bytes_max);
    case Key::kCoalesce:
      return link.coalesce ? "on" : "off";
    case Key::kReadMax:
      return FormatSize(link.read_bytes_max);
    case Key::kWindow:
      return FormatSize(link.window_bytes);
    case Key::kCloseDelay:
      return FormatDuration(link.close_delay_ns);
  }
  return "";
}

std::string FormatTrigger(const FaultTrigger& trigger) {
  switch (trigger.type) {
    case FaultTrigger::Type::kAtTime:
      return "at=" + FormatDuration(trigger.at_ns);
    case FaultTrigger::Type::kAfterBytes:
      return "after=" + FormatSize(trigger.after_bytes);
    case FaultTrigger::Type::kProbability:
      return "p=" + FormatRate(trigger.per_million);
  }
  return "at=?";
}

// Digits read by Parser::ScanDigits.
struct Digits {
  std::uint64_t value = 0;  // meaningless when overflow
  bool overflow = false;    // more than fits in 64 bits
};

// One pass over the text, left to right, no recursion. Each Parse* method
// consumes what it recognizes and returns true, or records the error and
// returns false; the first error ends the parse.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ParsedFaultPlan Run() {
    if (!ParsePlan()) return ParsedFaultPlan::Failure(std::move(error_));
    return ParsedFaultPlan::Ok(std::move(plan_));
  }

 private:
  bool ParsePlan() {
    SkipSpaces();
    if (!AtEnd() && text_[pos_] != ';') {
      while (true) {
        if (!ParseSetting()) return false;
        SkipSpaces();
        if (AtEnd() || text_[pos_] == ';') break;
      }
    }
    while (!AtEnd()) {
      // Here text_[pos_] is ';': the settings loop and the check after each
      // fault stop only there or at the end.
      ++pos_;
      SkipSpaces();
      if (AtEnd()) {
        return Fail(pos_,
                    "expected a fault after ';', found the end of the input "
                    "(remove the trailing ';')");
      }
      if (text_[pos_] == ';') {
        return Fail(pos_,
                    "expected a fault such as 'reset a>b at=1s' after ';', "
                    "found another ';' (an empty fault)");
      }
      if (!ParseFault()) return false;
      SkipSpaces();
      if (!AtEnd() && text_[pos_] != ';') {
        return Fail(pos_,
                    "expected ';' or the end of the input after the fault, "
                    "found " +
                        Found(pos_));
      }
    }
    return true;
  }

  // setting := [dir ":"] key "=" value, one whitespace-free word.
  bool ParseSetting() {
    const std::size_t word_begin = pos_;
    const std::size_t word_end = WordEnd(pos_);
    const std::string_view word =
        text_.substr(word_begin, word_end - word_begin);
    const std::size_t equals = word.find('=');
    const std::size_t colon = word.find(':');

    bool applies[2] = {true, true};  // a>b, b>a
    if (colon != std::string_view::npos &&
        (equals == std::string_view::npos || colon < equals)) {
      const std::string_view prefix = word.substr(0, colon);
      if (prefix == "a>b") {
        applies[1] = false;
      } else if (prefix == "b>a") {
        applies[0] = false;
      } else if (FindKey(prefix) != nullptr) {
        return Fail(word_begin + colon, "expected '=' after " + Quote(prefix) +
                                            ", found " +
                                            Found(word_begin + colon));
      } else {
        return Fail(word_begin,
                    "expected a direction a>b or b>a before ':', found " +
                        Quote(prefix));
      }
      pos_ = word_begin + colon + 1;
    }

    const std::size_t key_begin = pos_;
    const std::size_t key_end =
        equals == std::string_view::npos ? word_end : word_begin + equals;
    const std::string_view key_text =
        text_.substr(key_begin, key_end - key_begin);
    if (key_text.empty()) {
      return Fail(key_begin,
                  "expected a setting name such as latency or window, found " +
                      Found(key_begin));
    }
    const Key* key = FindKey(key_text);
    if (key == nullptr) {
      if (applies[0] && applies[1] && FindKind(key_text) != nullptr) {
        return Fail(key_begin,
                    "expected a setting, found the fault " + Quote(key_text) +
                        ": faults come after the settings, each after a ';' "
                        "(e.g. '; reset a>b at=1s')");
      }
      return Fail(key_begin, "unknown setting " + Quote(key_text) +
                                 "; expected one of " + std::string(kKeyList));
    }
    if (equals == std::string_view::npos) {
      return Fail(key_end, "expected '=' after " + Quote(key_text) +
                               ", found " + Found(key_end));
    }
    const auto key_index = static_cast<std::size_t>(*key);
    for (int direction = 0; direction < 2; ++direction) {
      if (!applies[direction]) continue;
      const std::size_t earlier = set_at_column_[direction][key_index];
      if (earlier != 0) {
        return Fail(
            word_begin,
            "duplicate setting: " + std::string(key_text) + " for " +
                std::string(DirectionName(static_cast<Direction>(direction))) +
                " was already set at column " + std::to_string(earlier) +
                "; expected each setting at most once per direction");
      }
    }
    pos_ = key_end + 1;

    const std::string context = std::string(key_text) + "=";
    LinkOptions value;  // the fields of `key` are filled in below
    if (!ParseSettingValue(*key, context, value)) return false;
    if (!AtWordEnd()) {
      return Fail(pos_,
                  "expected a space, ';' or the end of the input after "
                  "the value of " +
                      Quote(context) + ", found " + Found(pos_));
    }
    for (int direction = 0; direction < 2; ++direction) {
      if (!applies[direction]) continue;
      set_at_column_[direction][key_index] = word_begin + 1;
      LinkOptions& link = direction == 0 ? plan_.a_to_b : plan_.b_to_a;
      CopySetting(*key, value, link);
    }
    return true;
  }

  bool ParseSettingValue(Key key, const std::string& context,
                         LinkOptions& link) {
    const std::size_t value_begin = pos_;
    switch (key) {
      case Key::kLatency:
        return ParseLatency(context, link);
      case Key::kTail:
        if (!ParseRate(context, link.tail_per_million)) return false;
        if (AtEnd() || text_[pos_] != ':') {
          return Fail(pos_,
                      "expected ':' and a duration after the rate in 'tail=' "
                      "(e.g. tail=100ppm:50ms), found " +
                          Found(pos_));
        }
        ++pos_;
        return ParseDuration(":", link.tail_latency_ns);
      case Key::kBandwidth:
        if (!ParseSize(context, link.bandwidth_bytes_per_second)) return false;
        if (!LookingAt("/s")) {
          return Fail(pos_,
                      "expected '/s' after the size in 'bandwidth=' (e.g. "
                      "bandwidth=10MiB/s), found " +
                          Found(pos_));
        }
        pos_ += 2;
        return true;
      case Key::kSplit: {
        std::uint64_t min = 0;
        if (!ParseSize(context, min)) return false;
        std::uint64_t max = min;
        if (LookingAt("..")) {
          pos_ += 2;
          if (!ParseSize("..", max)) return false;
        }
        const std::string_view value =
            text_.substr(value_begin, pos_ - value_begin);
        if (min == 0) {
          return Fail(value_begin,
                      "expected segment sizes of at least 1B after 'split=', "
                      "found " +
                          Quote(value));
        }
        if (min > max) {
          return Fail(value_begin,
                      "expected a range MIN..MAX with MIN <= MAX after "
                      "'split=', found " +
                          Quote(value) + " (min > max)");
        }
        link.segment_bytes_min = min;
        link.segment_bytes_max = max;
        return true;
      }
      case Key::kCoalesce: {
        const std::string_view rest = text_.substr(pos_, WordEnd(pos_) - pos_);
        if (rest == "on" || rest == "off") {
          link.coalesce = rest == "on";
          pos_ += rest.size();
          return true;
        }
        return Fail(pos_, "expected 'on' or 'off' after 'coalesce=', found " +
                              Found(pos_));
      }
      case Key::kReadMax:
        return ParseSize(context, link.read_bytes_max);
      case Key::kWindow:
        return ParseSize(context, link.window_bytes);
      case Key::kCloseDelay:
        return ParseDuration(context, link.close_delay_ns);
    }
    return Fail(pos_, "internal error: unhandled setting");
  }

  // latency=DUR | DUR..DUR | DUR+exp(DUR) | exp(DUR)
  bool ParseLatency(const std::string& context, LinkOptions& link) {
    const std::size_t value_begin = pos_;
    if (LookingAt("exp(")) {
      link.latency_shape = LatencyShape::kExponential;
      return ParseExp(link.latency_ns_mean);
    }
    if (!ParseDuration(context, link.latency_ns_min)) return false;
    if (LookingAt("..")) {
      pos_ += 2;
      if (!ParseDuration("..", link.latency_ns_max)) return false;
      if (link.latency_ns_min > link.latency_ns_max) {
        return Fail(value_begin,
                    "expected a range MIN..MAX with MIN <= MAX after "
                    "'latency=', found " +
                        Quote(text_.substr(value_begin, pos_ - value_begin)) +
                        " (min > max)");
      }
      link.latency_shape = LatencyShape::kUniform;
      return true;
    }
    if (LookingAt("+")) {
      ++pos_;
      if (!LookingAt("exp(")) {
        return Fail(pos_,
                    "expected exp(DUR) after '+' in 'latency=' (e.g. "
                    "latency=1ms+exp(5ms)), found " +
                        Found(pos_));
      }
      link.latency_shape = LatencyShape::kExponential;
      return ParseExp(link.latency_ns_mean);
    }
    link.latency_shape = LatencyShape::kFixed;
    return true;
  }

  // "exp(" DUR ")", with pos_ at "exp(".
  bool ParseExp(std::int64_t& mean_ns) {
    pos_ += 4;
    if (!ParseDuration("exp(", mean_ns)) return false;
    if (AtEnd() || text_[pos_] != ')') {
      return Fail(
          pos_, "expected ')' after the mean in 'exp(', found " + Found(pos_));
    }
    ++pos_;
    return true;
  }

  // fault := KIND [dir] TRIGGER [for=DUR], words separated by whitespace.
  bool ParseFault() {
    FaultRule rule;
    const std::size_t kind_begin = pos_;
    const std::size_t kind_end = WordEnd(pos_);
    const std::string_view kind_text =
        text_.substr(kind_begin, kind_end - kind_begin);
    const FaultKind* kind = FindKind(kind_text);
    if (kind == nullptr) {
      const std::size_t equals = kind_text.find('=');
      if (equals != std::string_view::npos &&
          FindKey(kind_text.substr(0, equals)) != nullptr) {
        return Fail(kind_begin,
                    "expected a fault kind, found the setting " +
                        Quote(kind_text) +
                        ": settings come first, before the first ';'");
      }
      return Fail(kind_begin, "unknown fault kind " + Quote(kind_text) +
                                  "; expected one of " + KindList());
    }
    rule.kind = *kind;
    pos_ = kind_end;

    SkipSpaces();
    if (AtFaultEnd()) {
      return Fail(pos_,
                  "expected a direction (a>b or b>a) or a trigger "
                  "(at=DUR, after=SIZE or p=RATE) after " +
                      Quote(kind_text) + ", found " + Found(pos_));
    }
    const std::size_t word_end = WordEnd(pos_);
    const std::string_view word = text_.substr(pos_, word_end - pos_);
    const bool is_trigger = word.starts_with("at=") ||
                            word.starts_with("after=") ||
                            word.starts_with("p=");
    if (word == "a>b" || word == "b>a") {
      rule.direction = word == "a>b" ? Direction::kAtoB : Direction::kBtoA;
      pos_ = word_end;
      SkipSpaces();
      if (AtFaultEnd()) {
        return Fail(pos_,
                    "expected a trigger at=DUR, after=SIZE or p=RATE after "
                    "the direction, found " +
                        Found(pos_));
      }
    } else if (!is_trigger && word.find('>') != std::string_view::npos) {
      return Fail(pos_,
                  "expected a direction a>b or b>a, found " + Quote(word));
    }

    if (!ParseTrigger(rule.trigger)) return false;
    if (!AtWordEnd()) {
      return Fail(pos_,
                  "expected a space, ';' or the end of the input after "
                  "the trigger, found " +
                      Found(pos_));
    }

    SkipSpaces();
    const bool has_for = !AtFaultEnd() && LookingAt("for=");
    if (NeedsDuration(rule.kind)) {
      if (!has_for) {
        return Fail(pos_, "expected for=DUR after the trigger (" +
                              std::string(kind_text) +
                              " needs a duration, e.g. for=100ms), found " +
                              Found(pos_));
      }
      pos_ += 4;
      if (!ParseDuration("for=", rule.duration_ns)) return false;
      if (!AtWordEnd()) {
        return Fail(pos_,
                    "expected a space, ';' or the end of the input "
                    "after the value of 'for=', found " +
                        Found(pos_));
      }
    } else if (has_for) {
      return Fail(pos_,
                  "expected ';' or the end of the input after the "
                  "trigger, found " +
                      Found(pos_) + ": for= is allowed only with " +
                      DurationKindNames() + ", not with " + Quote(kind_text));
    }
    plan_.faults.push_back(rule);
    return true;
  }

  bool ParseTrigger(FaultTrigger& trigger) {
    if (LookingAt("at=")) {
      pos_ += 3;
      trigger.type = FaultTrigger::Type::kAtTime;
      return ParseDuration("at=", trigger.at_ns);
    }
    if (LookingAt("after=")) {
      pos_ += 6;
      trigger.type = FaultTrigger::Type::kAfterBytes;
      return ParseSize("after=", trigger.after_bytes);
    }
    if (LookingAt("p=")) {
      pos_ += 2;
      trigger.type = FaultTrigger::Type::kProbability;
      return ParseRate("p=", trigger.per_million);
    }
    return Fail(pos_,
                "expected a trigger at=DUR, after=SIZE or p=RATE, found " +
                    Found(pos_));
  }

  // DUR := digits unit, unit one of ns us ms s; the result fits int64 ns.
  bool ParseDuration(std::string_view after, std::int64_t& out_ns) {
    const std::size_t begin = pos_;
    if (AtWordEnd() || !IsDigit(text_[pos_])) {
      std::string message = "expected a duration such as 5ms or 250us after " +
                            Quote(after) + ", found " + Found(pos_);
      if (!AtWordEnd() && text_[pos_] == '-') {
        message += " (durations cannot be negative)";
      }
      return Fail(pos_, std::move(message));
    }
    const Digits digits = ScanDigits();
    const std::string_view number = text_.substr(begin, pos_ - begin);
    if (!CheckNoFraction(begin, "duration", after, "1500us for 1.5ms"))
      return false;
    const std::size_t unit_begin = pos_;
    while (!AtEnd() && IsLetter(text_[pos_])) ++pos_;
    const std::string_view unit_text =
        text_.substr(unit_begin, pos_ - unit_begin);
    if (unit_text.empty()) {
      return Fail(unit_begin,
                  "expected a unit ns, us, ms or s after the number " +
                      Quote(number) + ", found " + Found(unit_begin));
    }
    const DurationUnit* unit = nullptr;
    for (const DurationUnit& candidate : kDurationUnits) {
      if (candidate.name == unit_text) unit = &candidate;
    }
    if (unit == nullptr) {
      return Fail(unit_begin,
                  "expected a unit ns, us, ms or s after the number " +
                      Quote(number) + ", found " + Quote(unit_text));
    }
    if (digits.overflow ||
        digits.value > static_cast<std::uint64_t>(kMaxNs / unit->ns)) {
      return Fail(begin, "duration " +
                             Quote(text_.substr(begin, pos_ - begin)) +
                             " is too large: expected at most "
                             "9223372036854775807ns (about 292 years)");
    }
    out_ns = static_cast<std::int64_t>(digits.value) * unit->ns;
    return true;
  }

  // SIZE := digits [unit], unit one of B KB KiB MB MiB GB GiB; fits uint64.
  bool ParseSize(std::string_view after, std::uint64_t& out_bytes) {
    const std::size_t begin = pos_;
    if (AtWordEnd() || !IsDigit(text_[pos_])) {
      std::string message = "expected a size such as 100B or 64KiB after " +
                            Quote(after) + ", found " + Found(pos_);
      if (!AtWordEnd() && text_[pos_] == '-') {
        message += " (sizes cannot be negative)";
      }
      return Fail(pos_, std::move(message));
    }
    const Digits digits = ScanDigits();
    const std::string_view number = text_.substr(begin, pos_ - begin);
    if (!CheckNoFraction(begin, "size", after, "1536B for 1.5KiB"))
      return false;
    const std::size_t unit_begin = pos_;
    while (!AtEnd() && IsLetter(text_[pos_])) ++pos_;
    const std::string_view unit_text =
        text_.substr(unit_begin, pos_ - unit_begin);
    std::uint64_t multiplier = 1;
    if (!unit_text.empty()) {
      const SizeUnit* unit = nullptr;
      for (const SizeUnit& candidate : kSizeUnits) {
        if (candidate.name == unit_text) unit = &candidate;
      }
      if (unit == nullptr) {
        return Fail(unit_begin,
                    "expected a size unit B, KB, KiB, MB, MiB, GB or GiB (or "
                    "none, meaning bytes) after the number " +
                        Quote(number) + ", found " + Quote(unit_text));
      }
      multiplier = unit->bytes;
    }
    if (digits.overflow || digits.value > kMaxBytes / multiplier) {
      return Fail(begin, "size " + Quote(text_.substr(begin, pos_ - begin)) +
                             " is too large: expected at most "
                             "18446744073709551615B (16EiB - 1B)");
    }
    out_bytes = digits.value * multiplier;
    return true;
  }

  // RATE := digits "ppm" | digits ["." digits] "%"; at most 100%, a whole
  // number of ppm.
  bool ParseRate(std::string_view after, std::uint32_t& out_per_million) {
    const std::size_t begin = pos_;
    if (AtWordEnd() || !IsDigit(text_[pos_])) {
      std::string message = "expected a rate such as 100ppm or 0.5% after " +
                            Quote(after) + ", found " + Found(pos_);
      if (!AtWordEnd() && text_[pos_] == '-') {
        message += " (rates cannot be negative)";
      }
      return Fail(pos_, std::move(message));
    }
    const Digits whole = ScanDigits();
    bool has_fraction = false;
    bool exact = true;
    std::uint64_t fraction = 0;  // in units of 0.0001%, i.e. ppm
    if (!AtEnd() && text_[pos_] == '.') {
      has_fraction = true;
      ++pos_;
      if (AtEnd() || !IsDigit(text_[pos_])) {
        return Fail(pos_,
                    "expected a digit after the decimal point in the "
                    "rate after " +
                        Quote(after) + ", found " + Found(pos_));
      }
      int place = 0;
      while (!AtEnd() && IsDigit(text_[pos_])) {
        const auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
        if (place < 4) {
          fraction = fraction * 10 + digit;
          ++place;
        } else if (digit != 0) {
          exact = false;
        }
        ++pos_;
      }
      for (; place < 4; ++place) fraction *= 10;
    }
    const std::string_view number = text_.substr(begin, pos_ - begin);
    bool percent = false;
    if (LookingAt("ppm")) {
      pos_ += 3;
    } else if (LookingAt("%")) {
      ++pos_;
      percent = true;
    } else {
      return Fail(pos_, "expected 'ppm' or '%' after the number " +
                            Quote(number) + ", found " + Found(pos_));
    }
    const std::string rate = Quote(text_.substr(begin, pos_ - begin));
    const std::string too_large =
        "rate " + rate + " is above 100%: expected at most 100% (1000000ppm)";
    std::uint64_t per_million = 0;
    if (percent) {
      if (whole.overflow || whole.value > 100) return Fail(begin, too_large);
      per_million = whole.value * 10000 + fraction;
      if (!exact) {
        return Fail(begin, "rate " + rate +
                               " is not a whole number of ppm: expected a "
                               "multiple of 0.0001% (1ppm)");
      }
    } else {
      if (has_fraction) {
        return Fail(begin, "expected a whole number of ppm, found " + rate +
                               " (1ppm = 0.0001% is the smallest step)");
      }
      if (whole.overflow) return Fail(begin, too_large);
      per_million = whole.value;
    }
    if (per_million > kMillion) return Fail(begin, too_large);
    out_per_million = static_cast<std::uint32_t>(per_million);
    return true;
  }

  // After the digits of a duration or size: refuses "1.5ms" with a hint.
  // `what` is "duration" or "size"; `example` how to write a fraction,
  // e.g. "1500us for 1.5ms".
  bool CheckNoFraction(std::size_t begin, std::string_view what,
                       std::string_view after, std::string_view example) {
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
        IsDigit(text_[pos_ + 1])) {
      return Fail(begin, "expected a whole number in the " + std::string(what) +
                             " after " + Quote(after) + ", found " +
                             Found(begin) +
                             " (no fractions: use a smaller unit, e.g. " +
                             std::string(example) + ")");
    }
    return true;
  }

  // Reads decimal digits at pos_ (there is at least one).
  Digits ScanDigits() {
    Digits digits;
    while (!AtEnd() && IsDigit(text_[pos_])) {
      const auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
      if (digits.value > (kMaxBytes - digit) / 10) digits.overflow = true;
      if (!digits.overflow) digits.value = digits.value * 10 + digit;
      ++pos_;
    }
    return digits;
  }

  static const Key* FindKey(std::string_view name) {
    static constexpr std::array<Key, kKeyCount> kKeys = {
        Key::kLatency,  Key::kTail,    Key::kBandwidth, Key::kSplit,
        Key::kCoalesce, Key::kReadMax, Key::kWindow,    Key::kCloseDelay};
    for (std::size_t i = 0; i < kKeyCount; ++i) {
      if (kKeyNames[i] == name) return &kKeys[i];
    }
    return nullptr;
  }

  static const FaultKind* FindKind(std::string_view name) {
    for (const FaultKindInfo& info : kFaultKinds) {
      if (info.name == name) return &info.kind;
    }
    return nullptr;
  }

  static void CopySetting(Key key, const LinkOptions& from, LinkOptions& to) {
    switch (key) {
      case Key::kLatency:
        to.latency_shape = from.latency_shape;
        to.latency_ns_min = from.latency_ns_min;
        to.latency_ns_max = from.latency_ns_max;
        to.latency_ns_mean = from.latency_ns_mean;
        return;
      case Key::kTail:
        to.tail_per_million = from.tail_per_million;
        to.tail_latency_ns = from.tail_latency_ns;
        return;
      case Key::kBandwidth:
        to.bandwidth_bytes_per_second = from.bandwidth_bytes_per_second;
        return;
      case Key::kSplit:
        to.segment_bytes_min = from.segment_bytes_min;
        to.segment_bytes_max = from.segment_bytes_max;
        return;
      case Key::kCoalesce:
        to.coalesce = from.coalesce;
        return;
      case Key::kReadMax:
        to.read_bytes_max = from.read_bytes_max;
        return;
      case Key::kWindow:
        to.window_bytes = from.window_bytes;
        return;
      case Key::kCloseDelay:
        to.close_delay_ns = from.close_delay_ns;
        return;
    }
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  // At whitespace, ';' or the end: where a word stops.
  bool AtWordEnd() const {
    return AtEnd() || IsSpace(text_[pos_]) || text_[pos_] == ';';
  }
  bool AtFaultEnd() const { return AtEnd() || text_[pos_] == ';'; }
  bool LookingAt(std::string_view expected) const {
    return text_.substr(pos_).starts_with(expected);
  }
  void SkipSpaces() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }
  std::size_t WordEnd(std::size_t from) const {
    while (from < text_.size() && !IsSpace(text_[from]) && text_[from] != ';') {
      ++from;
    }
    return from;
  }

  // What the text holds at `at`, for "found ..." in a message.
  std::string Found(std::size_t at) const {
    if (at >= text_.size()) return "the end of the input";
    const char c = text_[at];
    if (c == ';') return "';'";
    if (c == ' ') return "a space";
    if (c == '\t') return "a tab";
    if (c == '\n' || c == '\r') return "a line break";
    if (IsSpace(c)) return "whitespace";
    // The rest of the word, but no more than one byte past what Quote
    // shows (so that it adds "..."): a long word costs nothing here.
    std::size_t end = at;
    while (end < text_.size() && end - at <= kMaxShown &&
           !IsSpace(text_[end]) && text_[end] != ';') {
      ++end;
    }
    return Quote(text_.substr(at, end - at));
  }

  bool Fail(std::size_t at, std::string message) {
    error_.column = at + 1;
    error_.message = std::move(message);
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  FaultPlan plan_;
  FaultPlanError error_;
  // For each direction and key: the 1-based column of the setting that set
  // it, 0 while unset.
  std::size_t set_at_column_[2][kKeyCount] = {};
};

}  // namespace

std::string FaultPlanError::ToString() const {
  return "column " + std::to_string(column) + ": " + message;
}

std::string FaultPlanError::FormatWithCaret(std::string_view input) const {
  std::string line;
  std::string caret;
  line.reserve(input.size());
  const std::size_t before = column == 0 ? 0 : column - 1;
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto byte = static_cast<unsigned char>(input[i]);
    line += byte < 0x20 || byte == 0x7f ? ' ' : input[i];
    if (i < before && (byte & 0xc0) != 0x80) caret += ' ';
  }
  return line + "\n" + caret + "^\n" + ToString() + "\n";
}

const FaultPlan& ParsedFaultPlan::plan() const {
  FLOWCHECK_CHECK(ok(), "ParsedFaultPlan::plan() on a failed parse");
  return std::get<FaultPlan>(value_);
}

const FaultPlanError& ParsedFaultPlan::error() const {
  FLOWCHECK_CHECK(!ok(), "ParsedFaultPlan::error() on a successful parse");
  return std::get<FaultPlanError>(value_);
}

ParsedFaultPlan ParseFaultPlan(std::string_view text) {
  return Parser(text).Run();
}

std::string PrintFaultPlan(const FaultPlan& plan) {
  static const LinkOptions kDefault;
  std::string out;
  const auto append = [&out](std::string_view part) {
    if (!out.empty()) out += ' ';
    out += part;
  };
  for (std::size_t i = 0; i < kKeyCount; ++i) {
    const auto key = static_cast<Key>(i);
    const std::string name(kKeyNames[i]);
    const bool a_default = SameSetting(key, plan.a_to_b, kDefault);
    const bool b_default = SameSetting(key, plan.b_to_a, kDefault);
    if (SameSetting(key, plan.a_to_b, plan.b_to_a)) {
      if (!a_default) {
        append(name + "=" + FormatSettingValue(key, plan.a_to_b));
      }
      continue;
    }
    if (!a_default) {
      append("a>b:" + name + "=" + FormatSettingValue(key, plan.a_to_b));
    }
    if (!b_default) {
      append("b>a:" + name + "=" + FormatSettingValue(key, plan.b_to_a));
    }
  }
  for (const FaultRule& rule : plan.faults) {
    out += "; ";
    out += FaultKindName(rule.kind);
    out += ' ';
    out += DirectionName(rule.direction);
    out += ' ';
    out += FormatTrigger(rule.trigger);
    // A duration on a kind that takes none is printed too, so that the
    // parser refuses the text instead of silently dropping it.
    if (NeedsDuration(rule.kind) || rule.duration_ns != 0) {
      out += " for=";
      out += FormatDuration(rule.duration_ns);
    }
  }
  return out;
}

}  // namespace flowcheck::sim
