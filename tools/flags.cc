#include "tools/flags.h"

#include <algorithm>
#include <optional>

#include "sim/units.h"

namespace flowcheck::tools {
namespace {

const FlagSpec* FindSpec(std::span<const FlagSpec> specs,
                         std::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The number of single-character edits that turn `a` into `b`.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean --flow?)" for a near miss, else "".
std::string Suggestion(std::span<const FlagSpec> specs, std::string_view name) {
  const FlagSpec* best = nullptr;
  std::size_t best_distance = 3;  // at most two edits away
  for (const FlagSpec& spec : specs) {
    const std::size_t distance = EditDistance(name, spec.name);
    if (distance < best_distance) {
      best = &spec;
      best_distance = distance;
    }
  }
  if (best == nullptr) return "";
  return " (did you mean " + std::string(best->name) + "?)";
}

bool LooksLikeFlag(std::string_view arg) {
  return arg.size() > 1 && arg.front() == '-';
}

}  // namespace

std::variant<std::vector<Flag>, std::string> ParseFlags(
    std::span<const std::string_view> args, std::span<const FlagSpec> specs) {
  std::vector<Flag> flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (!LooksLikeFlag(arg)) {
      return "unexpected argument '" + std::string(arg) +
             "' (flags start with --)";
    }
    const std::size_t equals = arg.find('=');
    const std::string_view name = arg.substr(0, equals);
    const FlagSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) {
      return "unknown flag '" + std::string(arg) + "'" +
             Suggestion(specs, name);
    }
    if (!spec->takes_value) {
      if (equals != std::string_view::npos) {
        return std::string(name) + " takes no value, not '" +
               std::string(arg.substr(equals + 1)) + "'";
      }
      flags.push_back({spec->name, ""});
      continue;
    }
    std::string_view value;
    std::string as_given;  // how the value was spelled, for the message
    if (equals != std::string_view::npos) {
      value = arg.substr(equals + 1);
      as_given = "'" + std::string(arg) + "'";
    } else if (i + 1 < args.size() && !LooksLikeFlag(args[i + 1])) {
      value = args[++i];  // "--flow sim"; also "--output -" (stdout)
      as_given = "'" + std::string(name) + " " + std::string(value) + "'";
    } else {
      return std::string(name) + " needs a value (" + std::string(name) +
             "=VALUE or " + std::string(name) + " VALUE)";
    }
    if (value.empty()) {
      return std::string(name) + " needs a value, and " + as_given +
             " gives an empty one";
    }
    flags.push_back({spec->name, std::string(value)});
  }
  return flags;
}

bool ParseWholeNumber(std::string_view text, std::uint64_t max,
                      std::uint64_t& value) {
  // The one decimal reader (sim/units.h), shared with the fault-plan parser.
  const std::optional<std::uint64_t> parsed = sim::ParseDecimal(text, max);
  if (!parsed) return false;
  value = *parsed;
  return true;
}

}  // namespace flowcheck::tools
