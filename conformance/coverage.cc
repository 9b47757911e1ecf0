#include "conformance/coverage.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace flowcheck::conformance {
namespace {

using C = CoverageClass;

constexpr std::array<CoverageClassInfo, kCoverageClassCount> kClasses = {{
    {C::kCloseDuringPendingWrite, "close_during_pending_write", "C1 W1",
     "close invoked while a write of its endpoint was pending"},
    {C::kCloseDuringPendingRead, "close_during_pending_read", "C3 C5",
     "close invoked while a read of its endpoint was pending"},
    {C::kWriteWhileCloseWaits, "write_while_close_waits", "W2 C4",
     "write invoked while its endpoint's close was pending"},
    {C::kCloseByOtherTask, "close_by_other_task", "C1",
     "close by a task other than the endpoint's writer"},
    {C::kDoubleClose, "double_close", "W2 C4 C5",
     "an endpoint closed twice or more"},
    {C::kWriteAfterSecondClose, "write_after_second_close", "W2",
     "a write invoked after an endpoint's second close"},
    {C::kManyPartWritev, "many_part_writev", "W3", "a writev of 32+ parts"},
    {C::kWritevEmptyEdges, "writev_empty_edges", "W3",
     "a writev with an empty first/last part or a run of empties"},
    {C::kWritevCrosses4KiB, "writev_crosses_4KiB", "W3",
     "a writev of 4 KiB or more"},
    {C::kWritevCrosses64KiB, "writev_crosses_64KiB", "W3",
     "a writev of 64 KiB or more"},
    {C::kWritevCrosses1MiB, "writev_crosses_1MiB", "W3",
     "a writev of 1 MiB or more"},
    {C::kPowerOfTwoWrite, "power_of_two_write", "W1 R4",
     "a write of 2^k-1, 2^k or 2^k+1 bytes (k >= 8)"},
    {C::kBothWindowsFullAtClose, "both_windows_full_at_close", "X1 C1",
     "a close invoked while writes pended on both endpoints"},
    {C::kPauseMicroseconds, "pause_us", "",
     "a task waited 1 us .. 1 ms between operations"},
    {C::kPauseMilliseconds, "pause_ms", "",
     "a task waited 1 ms .. 1 s between operations"},
    {C::kPauseSeconds, "pause_s", "",
     "a task waited 1 s or more between operations", false, true},
    {C::kOpsAfterReset, "ops_after_reset", "E1",
     "a write and a read invoked after a connection-breaking fault", true},
    {C::kLongHalfClose, "long_half_close", "C3 C4",
     "a half-close held 1 s or more"},
    {C::kReadEof, "read_eof", "C2 R5", "a read returned Eof"},
    {C::kReadAfterEof, "read_after_eof", "R7", "a read invoked after Eof"},
    {C::kHalfCloseWithData, "half_close_with_data", "C3",
     "a write returned Ok after the peer closed, before its own close"},
    {C::kCloseWaitedForPeer, "close_waited_for_peer", "C4",
     "a close returned after waiting for the peer's close"},
    {C::kBothClosesReturned, "both_closes_returned", "C5",
     "both endpoints' closes returned"},
    {C::kFaultFired, "fault_fired", "E1", "a fault fired", true},
    {C::kWriteReturnedClosed, "write_returned_closed", "W2",
     "a write or writev returned Closed"},
    {C::kWritevDelivered, "writev_delivered", "W3",
     "a writev of 2+ non-empty parts returned Ok"},
    {C::kDataBothWays, "data_both_ways", "X1", "both endpoints read data"},
}};

bool PendingAt(const Operation& op, std::int64_t seq) {
  return op.invoke_seq < seq && (!op.completed() || *op.complete_seq > seq);
}

bool IsPowerOfTwoish(std::size_t size) {
  for (int k = 8; k <= 30; ++k) {
    const std::size_t power = std::size_t{1} << k;
    if (size + 1 >= power && size <= power + 1) return true;
  }
  return false;
}

std::string Seconds(Duration d) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3fs",
                std::chrono::duration<double>(d).count());
  return text;
}

}  // namespace

const std::array<CoverageClassInfo, kCoverageClassCount>& CoverageClasses() {
  return kClasses;
}

double Coverage::share(CoverageClass id) const {
  return programs == 0 ? 0.0 : static_cast<double>(count(id)) / programs;
}

void Coverage::Add(const Coverage& other) {
  programs += other.programs;
  for (int i = 0; i < kCoverageClassCount; ++i) counts[i] += other.counts[i];
  longest_half_close = std::max(longest_half_close, other.longest_half_close);
}

std::string Coverage::ToString() const {
  std::string out = "coverage over " + std::to_string(programs) + " programs\n";
  char line[160];
  std::snprintf(line, sizeof(line), "  %-28s %-9s %7s %7s\n", "class",
                "clauses", "count", "share");
  out += line;
  for (const CoverageClassInfo& info : kClasses) {
    std::snprintf(
        line, sizeof(line), "  %-28s %-9s %7lld %6.1f%%\n",
        std::string(info.name).c_str(), std::string(info.clauses).c_str(),
        static_cast<long long>(count(info.id)), 100.0 * share(info.id));
    out += line;
  }
  out += "  longest half-close held: " + Seconds(longest_half_close) + "\n";
  return out;
}

std::string Coverage::ToJson() const {
  nlohmann::json out;
  out["programs"] = programs;
  out["longest_half_close_ns"] =
      std::chrono::duration_cast<std::chrono::nanoseconds>(longest_half_close)
          .count();
  nlohmann::json classes = nlohmann::json::object();
  for (const CoverageClassInfo& info : kClasses) {
    classes[std::string(info.name)] = count(info.id);
  }
  out["classes"] = classes;
  return out.dump();
}

std::optional<Coverage> Coverage::FromJson(const std::string& json) {
  try {
    const nlohmann::json in = nlohmann::json::parse(json);
    Coverage coverage;
    coverage.programs = in.at("programs").get<std::int64_t>();
    coverage.longest_half_close =
        std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(
            in.at("longest_half_close_ns").get<std::int64_t>()));
    for (const auto& [name, count] : in.at("classes").items()) {
      bool known = false;
      for (const CoverageClassInfo& info : kClasses) {
        if (info.name != name) continue;
        coverage.counts[static_cast<int>(info.id)] = count.get<std::int64_t>();
        known = true;
      }
      if (!known) return std::nullopt;
    }
    return coverage;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

Duration HalfCloseHeld(const History& history) {
  std::optional<Duration> first_close[2];
  for (const Operation& op : history.operations()) {
    const int side = static_cast<int>(op.side);
    if (op.kind == OpKind::kClose && !first_close[side]) {
      first_close[side] = op.invoke_time;
    }
  }
  Duration held{0};
  for (int side = 0; side < 2; ++side) {
    if (!first_close[side]) continue;
    const Duration until =
        first_close[1 - side] ? *first_close[1 - side] : history.end_time();
    held = std::max(held, until - *first_close[side]);
  }
  return held;
}

Coverage CoverageOf(const Program& /*program*/, const Execution& execution) {
  Coverage coverage;
  coverage.programs = 1;
  const History& history = execution.history;
  const std::vector<Operation>& ops = history.operations();
  auto reach = [&coverage](CoverageClass id) {
    coverage.counts[static_cast<int>(id)] = 1;
  };

  std::int64_t first_close[2] = {INT64_MAX, INT64_MAX};
  std::int64_t second_close[2] = {INT64_MAX, INT64_MAX};
  std::int64_t first_eof[2] = {INT64_MAX, INT64_MAX};
  bool read_data[2] = {false, false};
  bool closed_returned[2] = {false, false};
  std::map<std::string, Duration> last_done;  // per task
  for (const Operation& op : ops) {
    const int side = static_cast<int>(op.side);
    if (op.kind == OpKind::kClose) {
      if (first_close[side] == INT64_MAX) {
        first_close[side] = op.invoke_seq;
      } else if (second_close[side] == INT64_MAX) {
        second_close[side] = op.invoke_seq;
        reach(C::kDoubleClose);
      }
      if (op.completed()) closed_returned[side] = true;
    }
    if (op.kind == OpKind::kRead && op.completed()) {
      if (op.read_result->is_eof()) {
        reach(C::kReadEof);
        first_eof[side] = std::min(first_eof[side], *op.complete_seq);
      }
      if (op.read_result->is_data()) read_data[side] = true;
    }
    if (op.is_write() && op.completed() && op.write_result->is_closed()) {
      reach(C::kWriteReturnedClosed);
    }
    if (op.kind == OpKind::kWritev) {
      const std::size_t total = op.write_size();
      if (op.args.size() >= 32) reach(C::kManyPartWritev);
      if (total >= (4u << 10)) reach(C::kWritevCrosses4KiB);
      if (total >= (64u << 10)) reach(C::kWritevCrosses64KiB);
      if (total >= (1u << 20)) reach(C::kWritevCrosses1MiB);
      int nonempty = 0;
      bool empty_edge = false;
      for (std::size_t i = 0; i < op.args.size(); ++i) {
        const bool empty = op.args[i].empty();
        nonempty += empty ? 0 : 1;
        if (op.args.size() >= 2 && empty &&
            (i == 0 || i + 1 == op.args.size() || op.args[i - 1].empty())) {
          empty_edge = true;
        }
      }
      if (empty_edge) reach(C::kWritevEmptyEdges);
      if (nonempty >= 2 && op.completed() && op.write_result->is_ok()) {
        reach(C::kWritevDelivered);
      }
    }
    if (op.kind == OpKind::kWrite && IsPowerOfTwoish(op.write_size())) {
      reach(C::kPowerOfTwoWrite);
    }
    // Pauses: how long the task waited since its previous operation.
    if (!op.task.empty()) {
      auto it = last_done.find(op.task);
      if (it != last_done.end()) {
        const Duration gap = op.invoke_time - it->second;
        if (gap >= std::chrono::seconds(1)) {
          reach(C::kPauseSeconds);
        } else if (gap >= std::chrono::milliseconds(1)) {
          reach(C::kPauseMilliseconds);
        } else if (gap >= std::chrono::microseconds(1)) {
          reach(C::kPauseMicroseconds);
        }
      }
      // A pending operation ends the task's timeline.
      last_done[op.task] =
          op.completed() ? op.complete_time : Duration::max() / 2;
    }
  }
  if (read_data[0] && read_data[1]) reach(C::kDataBothWays);
  if (closed_returned[0] && closed_returned[1]) reach(C::kBothClosesReturned);

  for (const Operation& op : ops) {
    const int side = static_cast<int>(op.side);
    const int peer = 1 - side;
    if (op.kind == OpKind::kRead && op.invoke_seq > first_eof[side]) {
      reach(C::kReadAfterEof);
    }
    if (op.is_write() && op.invoke_seq > second_close[side]) {
      reach(C::kWriteAfterSecondClose);
    }
    if (op.is_write() && op.completed() && op.write_result->is_ok() &&
        op.invoke_seq > first_close[peer] &&
        *op.complete_seq < first_close[side] && history.faults().empty()) {
      reach(C::kHalfCloseWithData);
    }
    if (op.kind != OpKind::kClose) continue;
    if (op.completed() && op.invoke_seq < first_close[peer] &&
        *op.complete_seq > first_close[peer]) {
      reach(C::kCloseWaitedForPeer);
    }
    bool pending_write[2] = {false, false};
    for (const Operation& other : ops) {
      if (other.id == op.id || !PendingAt(other, op.invoke_seq)) continue;
      const int other_side = static_cast<int>(other.side);
      if (other.is_write()) pending_write[other_side] = true;
      if (other_side != side) continue;
      if (other.is_write()) reach(C::kCloseDuringPendingWrite);
      if (other.kind == OpKind::kRead) reach(C::kCloseDuringPendingRead);
    }
    if (pending_write[0] && pending_write[1]) {
      reach(C::kBothWindowsFullAtClose);
    }
    for (const Operation& other : ops) {
      if (other.side != op.side) continue;
      if (other.is_write() && PendingAt(op, other.invoke_seq)) {
        reach(C::kWriteWhileCloseWaits);
      }
      if (other.is_write() && !other.task.empty() && other.task != op.task) {
        reach(C::kCloseByOtherTask);
      }
    }
  }

  for (const FaultRecord& fault : history.faults()) {
    reach(C::kFaultFired);
    if (!fault.effects.connection_broken) continue;
    bool write_after = false;
    bool read_after = false;
    for (const Operation& op : ops) {
      if (op.invoke_seq <= fault.seq) continue;
      write_after |= op.is_write();
      read_after |= op.kind == OpKind::kRead;
    }
    if (write_after && read_after) reach(C::kOpsAfterReset);
  }

  coverage.longest_half_close = HalfCloseHeld(history);
  if (coverage.longest_half_close >= std::chrono::seconds(1)) {
    reach(C::kLongHalfClose);
  }
  return coverage;
}

// The coverage class that shows a clause's protected behaviour happened,
// where one exists (conformance/coverage.h).
std::optional<CoverageClass> ClassThatReaches(Clause clause) {
  switch (clause) {
    case Clause::kR7:
      return CoverageClass::kReadAfterEof;
    case Clause::kW2:
      return CoverageClass::kWriteReturnedClosed;
    case Clause::kW3:
      return CoverageClass::kWritevDelivered;
    case Clause::kC2:
      return CoverageClass::kReadEof;
    case Clause::kC3:
      return CoverageClass::kHalfCloseWithData;
    case Clause::kC4:
      return CoverageClass::kCloseWaitedForPeer;
    case Clause::kC5:
      return CoverageClass::kBothClosesReturned;
    case Clause::kX1:
      return CoverageClass::kDataBothWays;
    case Clause::kE1:
      return CoverageClass::kFaultFired;
    default:
      return std::nullopt;
  }
}

std::optional<std::string> UnreachedReason(Clause clause,
                                           const Coverage& coverage,
                                           std::int64_t scenarios) {
  const std::optional<CoverageClass> shown_by = ClassThatReaches(clause);
  if (!shown_by || scenarios > 0 || coverage.programs == 0 ||
      coverage.count(*shown_by) > 0) {
    return std::nullopt;
  }
  return "0 of " + std::to_string(coverage.programs) +
         " programs reached it (" +
         std::string(kClasses[static_cast<int>(*shown_by)].description) +
         ") and no scenario for it ran";
}

}  // namespace flowcheck::conformance
