#include "sim/trace.h"

#include <algorithm>
#include <cstdio>

namespace flowcheck::sim {

std::string_view TraceKindName(TraceKind kind) {
  switch (kind) {
    case TraceKind::kSpawn:
      return "spawn";
    case TraceKind::kPick:
      return "pick";
    case TraceKind::kFinish:
      return "finish";
    case TraceKind::kAdvance:
      return "advance";
    case TraceKind::kFlow:
      return "flow";
    case TraceKind::kFault:
      return "FAULT";
    case TraceKind::kNote:
      return "note";
  }
  return "?";
}

void Trace::AddRest(Duration time, TraceKind kind, std::uint64_t a,
                    std::uint64_t b, std::string_view detail) {
  for (std::size_t i = 0; i < detail.size(); i += 8) {
    std::uint64_t word = 0;
    for (std::size_t j = i; j < detail.size() && j < i + 8; ++j) {
      word = (word << 8) | static_cast<unsigned char>(detail[j]);
    }
    Mix(word);
  }
  if (!keep_text_) return;
  std::string line = FormatTime(time) + "  ";
  std::string kind_name(TraceKindName(kind));
  kind_name.resize(8, ' ');
  line += kind_name;
  switch (kind) {
    case TraceKind::kSpawn:
    case TraceKind::kFinish:
      line += "task " + std::to_string(a);
      break;
    case TraceKind::kPick:
      line += "task " + std::to_string(a) + " (runnable #" + std::to_string(b) +
              ")";
      break;
    default:
      break;
  }
  if (!detail.empty()) {
    if (line.back() != ' ') line += ' ';
    line += detail;
  }
  lines_.push_back(std::move(line));
}

void Trace::Count(std::string_view name, std::uint64_t by) {
  Counter(name) += by;
}

const std::uint64_t* Trace::FindCounter(std::string_view name) const {
  for (std::size_t i = 0; i < inline_used_; ++i) {
    if (inline_counters_[i].Name() == name) return &inline_counters_[i].value;
  }
  auto it = more_counters_.find(name);
  return it == more_counters_.end() ? nullptr : &it->second;
}

std::uint64_t& Trace::Counter(std::string_view name) {
  if (const std::uint64_t* found = FindCounter(name)) {
    return *const_cast<std::uint64_t*>(found);
  }
  if (inline_used_ < kInlineCounters && name.size() <= kInlineNameBytes) {
    InlineCounter& counter = inline_counters_[inline_used_++];
    std::copy(name.begin(), name.end(), counter.name.begin());
    counter.name_size = static_cast<std::uint8_t>(name.size());
    return counter.value;
  }
  return more_counters_.emplace(std::string(name), 0).first->second;
}

std::uint64_t Trace::count(std::string_view name) const {
  const std::uint64_t* found = FindCounter(name);
  return found == nullptr ? 0 : *found;
}

std::map<std::string, std::uint64_t, std::less<>> Trace::counters() const {
  std::map<std::string, std::uint64_t, std::less<>> all = more_counters_;
  for (std::size_t i = 0; i < inline_used_; ++i) {
    all.emplace(std::string(inline_counters_[i].Name()),
                inline_counters_[i].value);
  }
  return all;
}

std::string Trace::ToString() const {
  std::string out;
  if (!keep_text_) {
    out = "(trace text not kept; " + std::to_string(events_) + " events)\n";
  }
  for (const std::string& line : lines_) out += line + "\n";
  char hash[32];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(hash_));
  out += "trace hash " + std::string(hash) + "\n";
  for (const auto& [name, value] : counters()) {
    out += "  " + name + ": " + std::to_string(value) + "\n";
  }
  return out;
}

}  // namespace flowcheck::sim
