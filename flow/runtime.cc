#include "flow/runtime.h"

#include <cstdio>

namespace flowcheck {

std::string FormatTime(Duration time) {
  const std::int64_t ns = time.count();
  // Magnitude as unsigned, so that the most negative value prints too.
  const std::uint64_t magnitude = ns < 0 ? ~static_cast<std::uint64_t>(ns) + 1
                                         : static_cast<std::uint64_t>(ns);
  char text[48];
  std::snprintf(text, sizeof text, "%s%llu.%09llus", ns < 0 ? "-" : "",
                static_cast<unsigned long long>(magnitude / 1000000000),
                static_cast<unsigned long long>(magnitude % 1000000000));
  return text;
}

std::string_view OutcomeName(RunReport::Outcome outcome) {
  switch (outcome) {
    case RunReport::Outcome::kAllDone:
      return "all tasks done";
    case RunReport::Outcome::kBlocked:
      return "blocked";
    case RunReport::Outcome::kTimeLimit:
      return "time limit reached";
    case RunReport::Outcome::kPredicate:
      return "stopped: condition met";
  }
  return "?";
}

std::string RunReport::ToString() const {
  std::string out = std::string(OutcomeName(outcome)) + " at " +
                    FormatTime(end_time) + " (ran " + FormatTime(elapsed);
  if (steps > 0) out += ", " + std::to_string(steps) + " steps";
  out += ")";
  if (!pending.empty()) {
    out += ": " + std::to_string(pending.size()) +
           (pending.size() == 1 ? " task" : " tasks") +
           (outcome == Outcome::kBlocked ? " blocked forever" : " pending") +
           (cancelled ? ", cancelled" : "");
  }
  for (const PendingTask& task : pending) {
    out += "\n  task " + std::to_string(task.id) + " '" + task.name +
           "' waits on " + task.waiting_on;
  }
  for (const std::string& operation : pending_io) {
    out += "\n  I/O: " + operation;
  }
  return out;
}

}  // namespace flowcheck
