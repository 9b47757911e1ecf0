#include "conformance/html_report.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "conformance/report.h"

namespace flowcheck::conformance {
namespace {

// Layout, in SVG pixels.
constexpr double kAxisWidth = 96;   // the time labels on the left
constexpr double kLaneWidth = 175;  // one task's lane
constexpr double kLinkWidth = 130;  // the link between A's and B's lanes
constexpr double kHeaderHeight = 54;
constexpr double kRowHeight = 18;   // one event
constexpr double kGapHeight = 34;   // a marked idle gap, or a left-out run
constexpr double kNoteWidth = 350;  // the violation's sentence
constexpr double kBarWidth = 10;

// Histories longer than this draw only their eventful operations.
constexpr std::size_t kDrawAllUpTo = 400;
// Kept at both ends and around each eventful operation.
constexpr std::size_t kKeepEnds = 40;
constexpr std::size_t kKeepAround = 3;
// At most this many byte arrows (the rest are counted in a note).
constexpr int kMaxArrows = 4000;

std::string Esc(const std::string& text) { return XmlEscape(text); }

std::string Num(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

// "850 ns", "12.5 µs", "3.2 ms", "1.50 s", "2.0 min".
std::string Span(std::int64_t ns) {
  char text[32];
  const double v = static_cast<double>(ns);
  if (ns < 1000) {
    std::snprintf(text, sizeof text, "%lld ns", static_cast<long long>(ns));
  } else if (ns < 1000000) {
    std::snprintf(text, sizeof text, "%.1f \u00b5s", v / 1e3);
  } else if (ns < 1000000000) {
    std::snprintf(text, sizeof text, "%.1f ms", v / 1e6);
  } else if (ns < 120000000000LL) {
    std::snprintf(text, sizeof text, "%.2f s", v / 1e9);
  } else {
    std::snprintf(text, sizeof text, "%.1f min", v / 60e9);
  }
  return text;
}

// Which of `ops` to draw.
std::vector<bool> ChooseDrawn(const std::vector<TimelineOp>& ops) {
  const std::size_t n = ops.size();
  std::vector<bool> drawn(n, n <= kDrawAllUpTo);
  if (n <= kDrawAllUpTo) return drawn;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < kKeepEnds || i + kKeepEnds >= n || IsEventful(ops[i])) {
      const std::size_t from = i >= kKeepAround ? i - kKeepAround : 0;
      const std::size_t to = std::min(n - 1, i + kKeepAround);
      for (std::size_t j = from; j <= to; ++j) drawn[j] = true;
    }
  }
  return drawn;
}

struct Lane {
  Side side;
  std::string name;
  double x = 0;  // centre of the bars
};

// Wraps `text` into lines of at most `width` characters, at most `max`
// lines (the last ends in "..." when cut).
std::vector<std::string> Wrap(const std::string& text, std::size_t width,
                              std::size_t max) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t at = 0;
  while (at < text.size() && lines.size() < max) {
    std::size_t end = text.find_first_of(" \n", at);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(at, end - at);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    if (lines.size() == max) break;
    line += (line.empty() ? "" : " ") + word;
    if (end < text.size() && text[end] == '\n') {
      lines.push_back(line);
      line.clear();
    }
    at = end + 1;
  }
  if (!line.empty() && lines.size() < max) lines.push_back(line);
  if (at < text.size() && !lines.empty()) lines.back() += " ...";
  return lines;
}

class DiagramBuilder {
 public:
  explicit DiagramBuilder(const Timeline& timeline) : t_(timeline) {}

  std::string Build() {
    drawn_ = ChooseDrawn(t_.ops);
    MakeLanes();
    MakeRows();
    std::string body;
    body += Lanes();
    body += Rows();
    body += Faults();
    body += Arrows();
    body += Bars();
    body += Note();
    const double width = note_x_ + kNoteWidth;
    std::string out =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" "
        "width=\"" +
        Num(width) + "\" height=\"" + Num(height_) + "\" viewBox=\"0 0 " +
        Num(width) + " " + Num(height_) +
        "\" font-family=\"monospace\" font-size=\"11\">\n"
        "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" "
        "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
        "orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" "
        "fill=\"#4a6fa5\"/></marker>"
        "<marker id=\"closehead\" viewBox=\"0 0 10 10\" refX=\"10\" "
        "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
        "orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" "
        "fill=\"#7a3fb0\"/></marker></defs>\n" +
        body + "</svg>\n";
    return out;
  }

 private:
  std::string LaneName(const TimelineOp& op) const {
    return op.task.empty() ? std::string(SideName(op.side)) : op.task;
  }

  void MakeLanes() {
    std::vector<std::string> names[2];
    for (std::size_t i = 0; i < t_.ops.size(); ++i) {
      if (!drawn_[i]) continue;
      const TimelineOp& op = t_.ops[i];
      std::vector<std::string>& side = names[static_cast<int>(op.side)];
      const std::string name = LaneName(op);
      if (std::find(side.begin(), side.end(), name) == side.end())
        side.push_back(name);
    }
    double x = kAxisWidth;
    for (const std::string& name : names[0]) {
      lanes_.push_back(Lane{Side::kA, name, x + 16});
      x += kLaneWidth;
    }
    if (names[0].empty()) x += kLaneWidth / 2;
    link_x_ = x + kLinkWidth / 2;
    x += kLinkWidth;
    for (const std::string& name : names[1]) {
      lanes_.push_back(Lane{Side::kB, name, x + 16});
      x += kLaneWidth;
    }
    if (names[1].empty()) x += kLaneWidth / 2;
    note_x_ = x + 10;
  }

  double LaneX(const TimelineOp& op) const {
    const std::string name = LaneName(op);
    for (const Lane& lane : lanes_) {
      if (lane.side == op.side && lane.name == name) return lane.x;
    }
    return link_x_;
  }

  // Row keys: 2 * seq for an event, 2 * seq + 1 for a left-out run after
  // the operation invoked at seq.
  void MakeRows() {
    std::map<std::int64_t, std::int64_t> times;  // key -> ns
    for (std::size_t i = 0; i < t_.ops.size(); ++i) {
      if (!drawn_[i]) continue;
      const TimelineOp& op = t_.ops[i];
      times[2 * op.invoke_seq] = op.invoke_ns;
      if (op.complete_seq) times[2 * *op.complete_seq] = op.complete_ns;
    }
    for (const TimelineFault& fault : t_.faults)
      times[2 * fault.seq] = fault.ns;
    times[2 * t_.end_seq] = std::max<std::int64_t>(t_.end_ns, 0);
    // Left-out runs: ids missing between two drawn operations (elided
    // here, or not kept in the certificate).
    int previous = -1;
    std::int64_t previous_seq = 0;
    std::int64_t previous_ns = 0;
    for (std::size_t i = 0; i < t_.ops.size(); ++i) {
      if (!drawn_[i]) continue;
      const TimelineOp& op = t_.ops[i];
      if (op.id - previous > 1) {
        const std::int64_t key = 2 * previous_seq + 1;
        left_out_[key] += op.id - previous - 1;
        times.emplace(key, previous_ns);
      }
      previous = op.id;
      previous_seq = op.invoke_seq;
      previous_ns = op.invoke_ns;
    }
    // The usual step between events, for telling idle gaps apart.
    std::vector<std::int64_t> steps;
    std::int64_t last = -1;
    for (const auto& [key, ns] : times) {
      if (last >= 0 && ns > last) steps.push_back(ns - last);
      last = ns;
    }
    std::int64_t usual = 0;
    if (!steps.empty()) {
      std::nth_element(steps.begin(), steps.begin() + steps.size() / 2,
                       steps.end());
      usual = steps[steps.size() / 2];
    }
    const std::int64_t long_gap = std::max<std::int64_t>(
        usual > INT64_MAX / 20 ? INT64_MAX : 20 * usual, 1000000);
    double y = kHeaderHeight + kRowHeight;
    last = -1;
    std::int64_t labelled = -1;
    for (const auto& [key, ns] : times) {
      if (last >= 0 && ns - last > long_gap) {
        gaps_ += "<g class=\"idle\"><line x1=\"" + Num(kAxisWidth - 90) +
                 "\" y1=\"" + Num(y + kGapHeight / 2 - 4) + "\" x2=\"" +
                 Num(note_x_) + "\" y2=\"" + Num(y + kGapHeight / 2 - 4) +
                 "\" stroke=\"#bbb\" stroke-dasharray=\"2 6\"/><text x=\"" +
                 Num(kAxisWidth - 90) + "\" y=\"" + Num(y + kGapHeight / 2) +
                 "\" fill=\"#777\" font-style=\"italic\">idle " +
                 Esc(Span(ns - last)) + "</text></g>\n";
        y += kGapHeight;
      }
      if (key % 2 == 1) {
        gaps_ += "<g class=\"left-out\" data-count=\"" +
                 std::to_string(left_out_[key]) + "\"><rect x=\"" +
                 Num(kAxisWidth) + "\" y=\"" + Num(y - 4) + "\" width=\"" +
                 Num(note_x_ - kAxisWidth) + "\" height=\"" +
                 Num(kGapHeight - 12) +
                 "\" fill=\"#f3f3f3\" stroke=\"#ccc\"/><text x=\"" +
                 Num(kAxisWidth + 8) + "\" y=\"" + Num(y + 12) +
                 "\" fill=\"#555\">... " + std::to_string(left_out_[key]) +
                 " uneventful operations left out (the history as text below "
                 "lists them, up to its length limit) ...</text></g>\n";
        rows_[key] = y;
        y += kGapHeight;
        last = ns;
        continue;
      }
      rows_[key] = y;
      if (ns != labelled) {
        times_ += "<text class=\"time\" x=\"" + Num(kAxisWidth - 8) +
                  "\" y=\"" + Num(y + 4) +
                  "\" text-anchor=\"end\" fill=\"#888\" font-size=\"9\">" +
                  Esc(Span(ns)) + "</text>\n";
        labelled = ns;
      }
      last = ns;
      y += kRowHeight;
    }
    end_y_ = rows_[2 * t_.end_seq];
    height_ = end_y_ + 3 * kRowHeight;
  }

  // The whole history's, not just what was kept.
  bool AnyPending() const {
    if (t_.pending > 0) return true;
    for (const TimelineOp& op : t_.ops) {
      if (!op.complete_seq) return true;
    }
    return false;
  }

  double Row(std::int64_t seq) const {
    const auto it = rows_.find(2 * seq);
    return it == rows_.end() ? end_y_ : it->second;
  }

  std::string Lanes() const {
    std::string out;
    const double top = kHeaderHeight - 30;
    for (const Side side : {Side::kA, Side::kB}) {
      const bool blamed = t_.blamed == SideName(side);
      double x0 = 1e18;
      double x1 = -1e18;
      for (const Lane& lane : lanes_) {
        if (lane.side != side) continue;
        x0 = std::min(x0, lane.x - 16);
        x1 = std::max(x1, lane.x - 16 + kLaneWidth);
      }
      if (x0 > x1) continue;
      out += "<text class=\"endpoint\" x=\"" + Num(x0 + 4) + "\" y=\"" +
             Num(top - 6) + "\" font-size=\"14\" font-weight=\"bold\" fill=\"" +
             (blamed ? "#c0392b" : "#222") + "\">endpoint " +
             std::string(SideName(side)) +
             (blamed ? " -- blamed by the evidence" : "") + "</text>\n";
    }
    out += "<text x=\"" + Num(link_x_) + "\" y=\"" + Num(top - 6) +
           "\" text-anchor=\"middle\" fill=\"#777\">link</text>\n";
    out += "<line class=\"link\" x1=\"" + Num(link_x_) + "\" y1=\"" + Num(top) +
           "\" x2=\"" + Num(link_x_) + "\" y2=\"" + Num(end_y_) +
           "\" stroke=\"#e3e3e3\" stroke-width=\"6\"/>\n";
    for (const Lane& lane : lanes_) {
      out += "<g class=\"lane\" data-lane=\"" + Esc(lane.name) +
             "\" data-side=\"" + std::string(SideName(lane.side)) +
             "\"><text x=\"" + Num(lane.x - 8) + "\" y=\"" + Num(top + 12) +
             "\" font-weight=\"bold\">" + Esc(lane.name) +
             "</text><line x1=\"" + Num(lane.x) + "\" y1=\"" + Num(top + 18) +
             "\" x2=\"" + Num(lane.x) + "\" y2=\"" + Num(end_y_) +
             "\" stroke=\"#ddd\"/></g>\n";
    }
    return out;
  }

  std::string Rows() const {
    std::string out = times_ + gaps_;
    out += "<g class=\"end\"><line x1=\"" + Num(kAxisWidth - 90) + "\" y1=\"" +
           Num(end_y_) + "\" x2=\"" + Num(note_x_) + "\" y2=\"" + Num(end_y_) +
           "\" stroke=\"#444\" stroke-dasharray=\"6 3\"/><text x=\"" +
           Num(kAxisWidth) + "\" y=\"" + Num(end_y_ + 14) +
           "\" fill=\"#444\">end of the history: " + Esc(t_.end) +
           (t_.end == "quiescent" && AnyPending() && !t_.simulated
                ? " (the event loop ran out of work: pending stays pending)"
            : t_.end == "quiescent" && AnyPending()
                ? " (nothing more could happen: pending stays pending)"
            : t_.end == "quiescent" ? " (every operation completed)"
            : t_.end == "cut off"   ? " (stopped: pending is undecided)"
            : t_.end == "waited out"
                ? " (the watchdog waited; pending judged as if final)"
                : "") +
           ", " + (t_.simulated ? "virtual" : "real") + " time " +
           Esc(Span(t_.end_ns)) + "</text></g>\n";
    return out;
  }

  std::string Faults() const {
    std::string out;
    for (const TimelineFault& fault : t_.faults) {
      const double y = Row(fault.seq);
      out += "<g class=\"fault\" data-side=\"" +
             std::string(SideName(fault.side)) + "\"><path d=\"M " +
             Num(link_x_) + " " + Num(y - 7) + " l 7 7 l -7 7 l -7 -7 z\" " +
             "fill=\"#e67e22\"/><text x=\"" + Num(link_x_ + 10) + "\" y=\"" +
             Num(y + 4) + "\" fill=\"#b35900\" font-size=\"10\">" +
             Esc(std::string(SideName(fault.side)) + ": " + fault.name) +
             "</text></g>\n";
    }
    return out;
  }

  std::string Arrows() const {
    std::string out;
    // Drawn writes of each side, by stream offset.
    std::vector<const TimelineOp*> writes[2];
    for (std::size_t i = 0; i < t_.ops.size(); ++i) {
      const TimelineOp& op = t_.ops[i];
      if (drawn_[i] &&
          (op.kind == OpKind::kWrite || op.kind == OpKind::kWritev) &&
          op.stream_end > op.stream_begin) {
        writes[static_cast<int>(op.side)].push_back(&op);
      }
    }
    for (auto& list : writes) {
      std::sort(list.begin(), list.end(),
                [](const TimelineOp* a, const TimelineOp* b) {
                  return a->stream_begin < b->stream_begin;
                });
    }
    int arrows = 0;
    int skipped = 0;
    for (std::size_t i = 0; i < t_.ops.size(); ++i) {
      const TimelineOp& read = t_.ops[i];
      if (!drawn_[i] || read.kind != OpKind::kRead ||
          read.stream_end <= read.stream_begin || !read.complete_seq)
        continue;
      const auto& from = writes[static_cast<int>(Peer(read.side))];
      // The first write that ends after the read's first byte.
      auto it = std::upper_bound(from.begin(), from.end(), read.stream_begin,
                                 [](std::uint64_t offset, const TimelineOp* w) {
                                   return offset < w->stream_end;
                                 });
      for (; it != from.end() && (*it)->stream_begin < read.stream_end; ++it) {
        const TimelineOp& write = **it;
        if (arrows >= kMaxArrows) {
          ++skipped;
          continue;
        }
        ++arrows;
        const std::uint64_t lo =
            std::max(write.stream_begin, read.stream_begin);
        const std::uint64_t hi = std::min(write.stream_end, read.stream_end);
        const double x1 = LaneX(write);
        const double x2 = LaneX(read);
        const double dir = x2 > x1 ? 1 : -1;
        out += "<line class=\"bytes\" data-write=\"" +
               std::to_string(write.id) + "\" data-read=\"" +
               std::to_string(read.id) + "\" data-bytes=\"" +
               std::to_string(lo) + "-" + std::to_string(hi) + "\" x1=\"" +
               Num(x1 + dir * kBarWidth / 2) + "\" y1=\"" +
               Num(Row(write.invoke_seq)) + "\" x2=\"" +
               Num(x2 - dir * kBarWidth / 2) + "\" y2=\"" +
               Num(Row(*read.complete_seq)) +
               "\" stroke=\"#4a6fa5\" stroke-opacity=\"0.55\" "
               "marker-end=\"url(#head)\"><title>bytes " +
               std::to_string(lo) + ".." + std::to_string(hi - 1) + " of " +
               std::string(SideName(write.side)) + "'s stream: #" +
               std::to_string(write.id) + " to #" + std::to_string(read.id) +
               "</title></line>\n";
      }
    }
    if (skipped > 0) {
      out += "<text class=\"arrows-left-out\" x=\"" + Num(link_x_) + "\" y=\"" +
             Num(kHeaderHeight - 2) +
             "\" text-anchor=\"middle\" fill=\"#777\">" +
             std::to_string(skipped) + " byte arrows not drawn</text>\n";
    }
    // The close signal: each side's first close to the first Eof the peer
    // read.
    for (const Side side : {Side::kA, Side::kB}) {
      const TimelineOp* close = nullptr;
      const TimelineOp* eof = nullptr;
      for (std::size_t i = 0; i < t_.ops.size(); ++i) {
        const TimelineOp& op = t_.ops[i];
        if (!drawn_[i]) continue;
        if (op.side == side && op.kind == OpKind::kClose &&
            (close == nullptr || op.invoke_seq < close->invoke_seq))
          close = &op;
        if (op.side == Peer(side) && op.kind == OpKind::kRead &&
            op.result == "Eof" && op.complete_seq &&
            (eof == nullptr || *op.complete_seq < *eof->complete_seq))
          eof = &op;
      }
      if (close == nullptr || eof == nullptr || !eof->complete_seq ||
          *eof->complete_seq < close->invoke_seq)
        continue;
      const double x1 = LaneX(*close);
      const double x2 = LaneX(*eof);
      const double dir = x2 > x1 ? 1 : -1;
      out += "<line class=\"close-signal\" data-close=\"" +
             std::to_string(close->id) + "\" data-eof=\"" +
             std::to_string(eof->id) + "\" x1=\"" +
             Num(x1 + dir * kBarWidth / 2) + "\" y1=\"" +
             Num(Row(close->invoke_seq)) + "\" x2=\"" +
             Num(x2 - dir * kBarWidth / 2) + "\" y2=\"" +
             Num(Row(*eof->complete_seq)) +
             "\" stroke=\"#7a3fb0\" stroke-width=\"1.5\" "
             "stroke-dasharray=\"5 3\" marker-end=\"url(#closehead)\"><title>" +
             std::string(SideName(side)) + "'s close (#" +
             std::to_string(close->id) + ") ends " +
             std::string(SideName(Peer(side))) + "'s stream: Eof at #" +
             std::to_string(eof->id) + "</title></line>\n";
    }
    return out;
  }

  std::string Bars() const {
    std::string out;
    for (std::size_t i = 0; i < t_.ops.size(); ++i) {
      if (!drawn_[i]) continue;
      const TimelineOp& op = t_.ops[i];
      const double x = LaneX(op);
      const double y0 = Row(op.invoke_seq);
      const bool pending = !op.complete_seq;
      const double y1 = pending ? end_y_ : Row(*op.complete_seq);
      const double h = std::max(6.0, y1 - y0);
      const std::string colour = op.marked                   ? "#c0392b"
                                 : op.kind == OpKind::kClose ? "#7a3fb0"
                                 : op.kind == OpKind::kRead  ? "#2e8b57"
                                                             : "#4a6fa5";
      const std::string call = "#" + std::to_string(op.id) + " " + op.label;
      out +=
          "<g class=\"op" + std::string(op.marked ? " violating" : "") +
          (pending ? " pending" : "") + "\" data-op=\"" +
          std::to_string(op.id) + "\" data-lane=\"" + Esc(LaneName(op)) +
          "\"><title>" +
          Esc(call + (pending ? " (pending at the end)" : " -> " + op.result) +
              (op.stream_end > op.stream_begin
                   ? ", stream bytes " + std::to_string(op.stream_begin) +
                         ".." + std::to_string(op.stream_end - 1)
                   : std::string())) +
          "</title><rect x=\"" + Num(x - kBarWidth / 2) + "\" y=\"" +
          Num(y0 - 3) + "\" width=\"" + Num(kBarWidth) + "\" height=\"" +
          Num(h) + "\" rx=\"2\" fill=\"" + colour + "\" fill-opacity=\"" +
          (pending ? "0.25" : "0.85") + "\" stroke=\"" + colour + "\"" +
          (pending ? " stroke-dasharray=\"4 2\"" : "") + "/><text x=\"" +
          Num(x + 9) + "\" y=\"" + Num(y0 + 4) + "\" fill=\"" +
          (op.marked ? "#c0392b" : "#222") + "\"" +
          (op.marked ? " font-weight=\"bold\"" : "") + ">" + Esc(call) +
          "</text><text x=\"" + Num(x + 9) + "\" y=\"" +
          Num((pending ? end_y_ - 6 : y1) + 4) + "\" fill=\"" +
          (op.marked ? "#c0392b" : "#555") + "\">" +
          Esc(pending ? "... pending at the end" : "-> " + op.result) +
          "</text></g>\n";
    }
    return out;
  }

  std::string Note() const {
    const TimelineOp* first = nullptr;
    for (std::size_t i = 0; i < t_.ops.size(); ++i) {
      if (drawn_[i] && t_.ops[i].marked) {
        first = &t_.ops[i];
        break;
      }
    }
    if (first == nullptr || t_.violation.empty()) return "";
    const double y = Row(first->invoke_seq);
    // From the end of the operation's label (about 6.6 px a character).
    const double label_end =
        LaneX(*first) + 12 +
        6.6 * static_cast<double>(std::to_string(first->id).size() + 2 +
                                  first->label.size());
    std::string out = "<g class=\"violation-note\"><line x1=\"" +
                      Num(label_end) + "\" y1=\"" + Num(y) + "\" x2=\"" +
                      Num(note_x_) + "\" y2=\"" + Num(y) +
                      "\" stroke=\"#c0392b\" stroke-dasharray=\"3 3\"/>";
    double line_y = y + 4;
    for (const std::string& line : Wrap(t_.violation, 50, 8)) {
      out += "<text x=\"" + Num(note_x_ + 4) + "\" y=\"" + Num(line_y) +
             "\" fill=\"#c0392b\">" + Esc(line) + "</text>";
      line_y += 14;
    }
    return out + "</g>\n";
  }

  const Timeline& t_;
  std::vector<bool> drawn_;
  std::vector<Lane> lanes_;
  double link_x_ = 0;
  double note_x_ = 0;
  std::map<std::int64_t, double> rows_;
  std::map<std::int64_t, int> left_out_;
  std::string times_;
  std::string gaps_;
  double end_y_ = 0;
  double height_ = 0;
};

constexpr std::string_view kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 24px; color: #222;
       max-width: 1500px; }
h1 { font-size: 22px; margin-bottom: 4px; }
.result { font-size: 18px; font-weight: bold; padding: 8px 12px;
          border-radius: 4px; display: inline-block; }
.result.pass { background: #e3f4e8; color: #1e6b3a; }
.result.fail { background: #fbe3e0; color: #a5281b; }
table.verdicts { border-collapse: collapse; margin: 16px 0; }
table.verdicts td, table.verdicts th { border-bottom: 1px solid #ddd;
  padding: 4px 10px; text-align: left; vertical-align: top; font-size: 14px; }
td.verdict { font-weight: bold; white-space: nowrap; }
tr.PASS td.verdict { color: #1e6b3a; }
tr.FAIL td.verdict { color: #a5281b; }
tr.CRASH td.verdict { color: #a5281b; }
tr.NOT-APPLICABLE td.verdict, tr.NOT-REACHED td.verdict { color: #777; }
td.note { color: #555; font-size: 13px; }
section.case { border-top: 2px solid #c0392b; margin-top: 28px;
               padding-top: 8px; }
.violation { background: #fbe3e0; border-left: 4px solid #c0392b;
             padding: 8px 12px; white-space: pre-wrap;
             font-family: monospace; font-size: 13px; }
.diagram-box { overflow: auto; border: 1px solid #ddd; margin: 12px 0;
               max-height: 85vh; background: #fff; }
pre { background: #f6f6f6; padding: 8px 12px; overflow: auto;
      font-size: 12px; }
pre.cmd { user-select: all; background: #222; color: #eee; }
.legend span { margin-right: 16px; font-size: 13px; }
.swatch { display: inline-block; width: 10px; height: 10px;
          margin-right: 4px; vertical-align: middle; }
details summary { cursor: pointer; color: #4a6fa5; }
)";

std::string Legend() {
  return "<p class=\"legend\"><span><span class=\"swatch\" "
         "style=\"background:#4a6fa5\"></span>write</span><span><span "
         "class=\"swatch\" style=\"background:#2e8b57\"></span>read</span>"
         "<span><span class=\"swatch\" style=\"background:#7a3fb0\"></span>"
         "close (dashed arrow: its Eof)</span><span><span class=\"swatch\" "
         "style=\"background:#e67e22\"></span>injected fault</span><span>"
         "<span class=\"swatch\" style=\"background:#c0392b\"></span>named "
         "by the violation</span><span>time goes down; each row is one "
         "event</span></p>\n";
}

std::string CaseSection(int number, Clause clause, const Counterexample& e) {
  std::string out =
      "<section class=\"case\" id=\"case-" + std::to_string(number) +
      "\">\n<h2>Case " + std::to_string(number) + ": FAIL " +
      std::string(ClauseId(clause)) + ", found by " + Esc(e.source) +
      "</h2>\n<p>" + Esc(std::string(ClauseSummary(clause))) +
      "</p>\n<div class=\"violation\">" + Esc(e.violation) + "</div>\n";
  if (e.timeline) {
    out += Legend() + "<div class=\"diagram-box\">" + DiagramSvg(*e.timeline) +
           "</div>\n";
  } else {
    out += "<p>No diagram: this counterexample carries no timeline.</p>\n";
  }
  out += "<h3>The case</h3>\n<pre>" + Esc(e.program) +
         "</pre>\n<h3>Replay</h3>\n<pre class=\"cmd\">" + Esc(e.replay) +
         "</pre>\n<details><summary>pending tasks and the history as "
         "text</summary><pre>" +
         Esc(e.details) + "</pre></details>\n";
  if (!e.trace.empty()) {
    out +=
        "<details><summary>the simulation's scheduling "
        "trace</summary><pre>" +
        Esc(e.trace) + "</pre></details>\n";
  }
  return out + "</section>\n";
}

std::string PageStart(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
         "<title>" +
         Esc(title) + "</title><style>" + std::string(kStyle) +
         "</style></head>\n<body>\n";
}

std::string VerdictClass(Verdict verdict) {
  std::string name(VerdictName(verdict));
  std::replace(name.begin(), name.end(), ' ', '-');
  return name;
}

}  // namespace

std::string DiagramSvg(const Timeline& timeline) {
  return DiagramBuilder(timeline).Build();
}

std::string HtmlCertificate(const Certificate& c) {
  std::string out = PageStart("flowcheck certificate: " + c.flow);
  out +=
      "<h1>flowcheck certificate for <code>" + Esc(c.flow) + "</code></h1>\n";
  if (!c.description.empty()) out += "<p>" + Esc(c.description) + "</p>\n";
  out += "<p class=\"result " + std::string(c.passed() ? "pass" : "fail") +
         "\">" + Esc(ReportResultLine(c)) + "</p>\n<p>" +
         Esc(ReportHeaderLine(c)) + "</p>\n";
  out +=
      "<table class=\"verdicts\"><tr><th>clause</th><th>verdict</th><th>the "
      "contract says</th><th>evidence</th></tr>\n";
  int number = 0;
  for (const ClauseResult& r : c.clauses) {
    std::string note = Esc(r.note);
    if (!r.failures.empty()) {
      note += note.empty() ? "counterexamples:" : "; counterexamples:";
      for (std::size_t i = 0; i < r.failures.size(); ++i) {
        ++number;
        note += " <a href=\"#case-" + std::to_string(number) + "\">case " +
                std::to_string(number) + "</a>";
      }
    }
    out += "<tr class=\"" + VerdictClass(r.verdict) + "\"><td>" +
           std::string(ClauseId(r.clause)) + "</td><td class=\"verdict\">" +
           std::string(VerdictName(r.verdict)) + "</td><td>" +
           Esc(std::string(ClauseSummary(r.clause))) +
           "</td><td class=\"note\">" + note + "</td></tr>\n";
  }
  out += "</table>\n";
  number = 0;
  for (const ClauseResult& r : c.clauses) {
    for (const Counterexample& e : r.failures) {
      out += CaseSection(++number, r.clause, e);
    }
  }
  if (!c.crashes.empty()) {
    out += "<h2>Crashes</h2>\n";
    for (const Crash& crash : c.crashes) {
      out += "<section class=\"crash\"><h3>CRASH in " + Esc(crash.source) +
             "</h3><div class=\"violation\">" + Esc(crash.what) +
             "</div><pre class=\"cmd\">" + Esc(crash.replay) +
             "</pre></section>\n";
    }
  }
  if (!c.observations.empty()) {
    out += "<h2>Observations (spec-silent; reported, not judged)</h2>\n<ul>\n";
    for (const Observation& o : c.observations) {
      out += "<li><b>" + Esc(o.name) + "</b>: " + Esc(o.result) + "</li>\n";
    }
    out += "</ul>\n";
  }
  if (c.coverage.programs > 0) {
    out += "<h2>What the property programs reached</h2>\n<pre>" +
           Esc(c.coverage.ToString()) + "</pre>\n";
  }
  out += "<p>Certified in " +
         Esc(Span(static_cast<std::int64_t>(c.seconds * 1e9))) +
         " of wall-clock time by flowcheck.</p>\n</body></html>\n";
  return out;
}

std::string HtmlCounterexample(const std::string& title, Clause clause,
                               const Counterexample& example) {
  return PageStart(title) + "<h1>" + Esc(title) + "</h1>\n" +
         CaseSection(1, clause, example) + "</body></html>\n";
}

}  // namespace flowcheck::conformance
