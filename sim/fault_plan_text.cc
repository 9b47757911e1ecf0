#include "sim/fault_plan_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "flow/check.h"
#include "sim/units.h"

namespace flowcheck::sim {
namespace {

class Parser;

// One setting of the text form ("latency=...", "window=..."): everything
// the parser and the printer know about it, as one row of kSettings (after
// Parser, below), in the order the printer writes them.
struct Setting {
  std::string_view name;
  // Whether two links agree on every field the setting sets.
  bool (*same)(const LinkOptions& a, const LinkOptions& b);
  // Copies the fields the setting sets.
  void (*copy)(const LinkOptions& from, LinkOptions& to);
  // The value text of the setting in a link (what follows "name=").
  std::string (*format)(const LinkOptions& link);
  // Reads the value at the parser's position into the link's fields, given
  // the text before it ("latency=") for messages.
  bool (Parser::*parse)(const std::string& context, LinkOptions& link);
};
constexpr std::size_t kSettingCount = 8;  // kSettings checks it

// The position of `setting` in kSettings; "latency, tail, ..." for messages.
std::size_t SettingIndex(const Setting& setting);
std::string SettingList();

// The fields of LinkOptions one setting sets, compared and copied together.
template <auto... kMembers>
struct Fields {
  static bool Same(const LinkOptions& a, const LinkOptions& b) {
    return ((a.*kMembers == b.*kMembers) && ...);
  }
  static void Copy(const LinkOptions& from, LinkOptions& to) {
    ((to.*kMembers = from.*kMembers), ...);
  }
};

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

// The value texts of the settings (Setting::format).
std::string FormatLatency(const LinkOptions& link) {
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
}
std::string FormatTail(const LinkOptions& link) {
  return FormatRate(link.tail_per_million) + ":" +
         FormatDuration(link.tail_latency_ns);
}
std::string FormatBandwidth(const LinkOptions& link) {
  return FormatSize(link.bandwidth_bytes_per_second) + "/s";
}
std::string FormatSplit(const LinkOptions& link) {
  if (link.segment_bytes_min == link.segment_bytes_max) {
    return FormatSize(link.segment_bytes_min);
  }
  return FormatSize(link.segment_bytes_min) + ".." +
         FormatSize(link.segment_bytes_max);
}
std::string FormatCoalesce(const LinkOptions& link) {
  return link.coalesce ? "on" : "off";
}
template <std::uint64_t LinkOptions::*kMember>
std::string FormatSizeOf(const LinkOptions& link) {
  return FormatSize(link.*kMember);
}
template <std::int64_t LinkOptions::*kMember>
std::string FormatDurationOf(const LinkOptions& link) {
  return FormatDuration(link.*kMember);
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

  // The values of the settings (Setting::parse): each reads the value at
  // pos_ into the fields of `link` its setting sets, or fails.

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
        return Fail(
            value_begin,
            "expected a range MIN..MAX with MIN <= MAX after "
            "'latency=', found " +
                QuoteForMessage(text_.substr(value_begin, pos_ - value_begin)) +
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

  // tail=RATE:DUR
  bool ParseTail(const std::string& context, LinkOptions& link) {
    if (!ParseRate(context, link.tail_per_million)) return false;
    if (AtEnd() || text_[pos_] != ':') {
      return Fail(pos_,
                  "expected ':' and a duration after the rate in 'tail=' "
                  "(e.g. tail=100ppm:50ms), found " +
                      Found(pos_));
    }
    ++pos_;
    return ParseDuration(":", link.tail_latency_ns);
  }

  // bandwidth=SIZE/s
  bool ParseBandwidth(const std::string& context, LinkOptions& link) {
    if (!ParseSize(context, link.bandwidth_bytes_per_second)) return false;
    if (!LookingAt("/s")) {
      return Fail(pos_,
                  "expected '/s' after the size in 'bandwidth=' (e.g. "
                  "bandwidth=10MiB/s), found " +
                      Found(pos_));
    }
    pos_ += 2;
    return true;
  }

  // split=SIZE | SIZE..SIZE
  bool ParseSplit(const std::string& context, LinkOptions& link) {
    const std::size_t value_begin = pos_;
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
                      QuoteForMessage(value));
    }
    if (min > max) {
      return Fail(value_begin,
                  "expected a range MIN..MAX with MIN <= MAX after "
                  "'split=', found " +
                      QuoteForMessage(value) + " (min > max)");
    }
    link.segment_bytes_min = min;
    link.segment_bytes_max = max;
    return true;
  }

  // coalesce=on|off
  bool ParseCoalesce(const std::string&, LinkOptions& link) {
    const std::string_view rest = text_.substr(pos_, WordEnd(pos_) - pos_);
    if (rest == "on" || rest == "off") {
      link.coalesce = rest == "on";
      pos_ += rest.size();
      return true;
    }
    return Fail(
        pos_, "expected 'on' or 'off' after 'coalesce=', found " + Found(pos_));
  }

  // read-max=SIZE, window=SIZE; close-delay=DUR
  template <std::uint64_t LinkOptions::*kMember>
  bool ParseSizeOf(const std::string& context, LinkOptions& link) {
    return ParseSize(context, link.*kMember);
  }
  template <std::int64_t LinkOptions::*kMember>
  bool ParseDurationOf(const std::string& context, LinkOptions& link) {
    return ParseDuration(context, link.*kMember);
  }

 private:
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
      } else if (FindSetting(prefix) != nullptr) {
        return Fail(word_begin + colon,
                    "expected '=' after " + QuoteForMessage(prefix) +
                        ", found " + Found(word_begin + colon));
      } else {
        return Fail(word_begin,
                    "expected a direction a>b or b>a before ':', found " +
                        QuoteForMessage(prefix));
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
    const Setting* setting = FindSetting(key_text);
    if (setting == nullptr) {
      if (applies[0] && applies[1] && FindKind(key_text) != nullptr) {
        return Fail(key_begin,
                    "expected a setting, found the fault " +
                        QuoteForMessage(key_text) +
                        ": faults come after the settings, each after a ';' "
                        "(e.g. '; reset a>b at=1s')");
      }
      return Fail(key_begin, "unknown setting " + QuoteForMessage(key_text) +
                                 "; expected one of " + SettingList());
    }
    if (equals == std::string_view::npos) {
      return Fail(key_end, "expected '=' after " + QuoteForMessage(key_text) +
                               ", found " + Found(key_end));
    }
    const std::size_t key_index = SettingIndex(*setting);
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
    LinkOptions value;  // the fields of `setting` are filled in below
    if (!(this->*setting->parse)(context, value)) return false;
    if (!AtWordEnd()) {
      return Fail(pos_,
                  "expected a space, ';' or the end of the input after "
                  "the value of " +
                      QuoteForMessage(context) + ", found " + Found(pos_));
    }
    for (int direction = 0; direction < 2; ++direction) {
      if (!applies[direction]) continue;
      set_at_column_[direction][key_index] = word_begin + 1;
      LinkOptions& link = direction == 0 ? plan_.a_to_b : plan_.b_to_a;
      setting->copy(value, link);
    }
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
          FindSetting(kind_text.substr(0, equals)) != nullptr) {
        return Fail(kind_begin,
                    "expected a fault kind, found the setting " +
                        QuoteForMessage(kind_text) +
                        ": settings come first, before the first ';'");
      }
      return Fail(kind_begin, "unknown fault kind " +
                                  QuoteForMessage(kind_text) +
                                  "; expected one of " + KindList());
    }
    rule.kind = *kind;
    pos_ = kind_end;

    SkipSpaces();
    if (AtFaultEnd()) {
      return Fail(pos_,
                  "expected a direction (a>b or b>a) or a trigger "
                  "(at=DUR, after=SIZE or p=RATE) after " +
                      QuoteForMessage(kind_text) + ", found " + Found(pos_));
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
      return Fail(pos_, "expected a direction a>b or b>a, found " +
                            QuoteForMessage(word));
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
                      DurationKindNames() + ", not with " +
                      QuoteForMessage(kind_text));
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

  // DUR, SIZE and RATE (sim/units.h) at pos_, read into `out`.
  bool ParseDuration(std::string_view after, std::int64_t& out_ns) {
    return Take(ScanDuration(Rest(), after), out_ns);
  }
  bool ParseSize(std::string_view after, std::uint64_t& out_bytes) {
    return Take(ScanSize(Rest(), after), out_bytes);
  }
  bool ParseRate(std::string_view after, std::uint32_t& out_per_million) {
    return Take(ScanRate(Rest(), after), out_per_million);
  }
  template <typename T>
  bool Take(Scanned<T> scanned, T& out) {
    if (!scanned.ok()) {
      return Fail(pos_ + scanned.error_offset, std::move(*scanned.error));
    }
    out = scanned.value;
    pos_ += scanned.length;
    return true;
  }
  std::string_view Rest() const { return text_.substr(pos_); }

  // The setting named `name`, or nullptr.
  static const Setting* FindSetting(std::string_view name);

  static const FaultKind* FindKind(std::string_view name) {
    for (const FaultKindInfo& info : kFaultKinds) {
      if (info.name == name) return &info.kind;
    }
    return nullptr;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  // At whitespace, ';' or the end: where a word stops.
  bool AtWordEnd() const {
    return AtEnd() || IsTextSpace(text_[pos_]) || text_[pos_] == ';';
  }
  bool AtFaultEnd() const { return AtEnd() || text_[pos_] == ';'; }
  bool LookingAt(std::string_view expected) const {
    return text_.substr(pos_).starts_with(expected);
  }
  void SkipSpaces() {
    while (!AtEnd() && IsTextSpace(text_[pos_])) ++pos_;
  }
  std::size_t WordEnd(std::size_t from) const {
    while (from < text_.size() && !IsTextSpace(text_[from]) &&
           text_[from] != ';') {
      ++from;
    }
    return from;
  }

  // What the text holds at `at`, for "found ..." in a message.
  std::string Found(std::size_t at) const {
    return DescribeFound(at >= text_.size() ? std::string_view()
                                            : text_.substr(at));
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
  std::size_t set_at_column_[2][kSettingCount] = {};
};

using LatencyFields =
    Fields<&LinkOptions::latency_shape, &LinkOptions::latency_ns_min,
           &LinkOptions::latency_ns_max, &LinkOptions::latency_ns_mean>;
using TailFields =
    Fields<&LinkOptions::tail_per_million, &LinkOptions::tail_latency_ns>;
using BandwidthFields = Fields<&LinkOptions::bandwidth_bytes_per_second>;
using SplitFields =
    Fields<&LinkOptions::segment_bytes_min, &LinkOptions::segment_bytes_max>;
using CoalesceFields = Fields<&LinkOptions::coalesce>;
using ReadMaxFields = Fields<&LinkOptions::read_bytes_max>;
using WindowFields = Fields<&LinkOptions::window_bytes>;
using CloseDelayFields = Fields<&LinkOptions::close_delay_ns>;

constexpr std::array<Setting, kSettingCount> kSettings = {{
    {"latency", &LatencyFields::Same, &LatencyFields::Copy, &FormatLatency,
     &Parser::ParseLatency},
    {"tail", &TailFields::Same, &TailFields::Copy, &FormatTail,
     &Parser::ParseTail},
    {"bandwidth", &BandwidthFields::Same, &BandwidthFields::Copy,
     &FormatBandwidth, &Parser::ParseBandwidth},
    {"split", &SplitFields::Same, &SplitFields::Copy, &FormatSplit,
     &Parser::ParseSplit},
    {"coalesce", &CoalesceFields::Same, &CoalesceFields::Copy, &FormatCoalesce,
     &Parser::ParseCoalesce},
    {"read-max", &ReadMaxFields::Same, &ReadMaxFields::Copy,
     &FormatSizeOf<&LinkOptions::read_bytes_max>,
     &Parser::ParseSizeOf<&LinkOptions::read_bytes_max>},
    {"window", &WindowFields::Same, &WindowFields::Copy,
     &FormatSizeOf<&LinkOptions::window_bytes>,
     &Parser::ParseSizeOf<&LinkOptions::window_bytes>},
    {"close-delay", &CloseDelayFields::Same, &CloseDelayFields::Copy,
     &FormatDurationOf<&LinkOptions::close_delay_ns>,
     &Parser::ParseDurationOf<&LinkOptions::close_delay_ns>},
}};

// (Names only: under ASan, gcc 12 cannot compare the member-function
// pointers to null in a constant expression.)
static_assert(std::ranges::all_of(kSettings,
                                  [](const Setting& setting) {
                                    return !setting.name.empty();
                                  }),
              "kSettings: kSettingCount is more than the rows");

std::size_t SettingIndex(const Setting& setting) {
  return static_cast<std::size_t>(&setting - kSettings.data());
}

std::string SettingList() {
  std::string out;
  for (const Setting& setting : kSettings) {
    if (!out.empty()) out += ", ";
    out += setting.name;
  }
  return out;
}

const Setting* Parser::FindSetting(std::string_view name) {
  for (const Setting& setting : kSettings) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

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
  for (const Setting& setting : kSettings) {
    const std::string name(setting.name);
    const bool a_default = setting.same(plan.a_to_b, kDefault);
    const bool b_default = setting.same(plan.b_to_a, kDefault);
    if (setting.same(plan.a_to_b, plan.b_to_a)) {
      if (!a_default) append(name + "=" + setting.format(plan.a_to_b));
      continue;
    }
    if (!a_default) append("a>b:" + name + "=" + setting.format(plan.a_to_b));
    if (!b_default) append("b>a:" + name + "=" + setting.format(plan.b_to_a));
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
