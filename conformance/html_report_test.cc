// Tests of the HTML certificate and its space-time diagrams: well-formed,
// one lane per task, one bar per operation, byte arrows that match the
// stream offsets, red exactly on the operations the violation names, long
// histories elided with a count -- and a real counterexample drawn.
#include "conformance/html_report.h"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "conformance/certify.h"
#include "conformance/mutants.h"
#include "conformance/report.h"
#include "conformance/sim_subject.h"
#include "conformance/timeline.h"

namespace flowcheck::conformance {
namespace {

using std::chrono::milliseconds;

// Whether `entity` ("&...;") is one XML knows without a DTD.
bool KnownEntity(const std::string& entity) {
  if (entity == "&amp;" || entity == "&lt;" || entity == "&gt;" ||
      entity == "&quot;" || entity == "&apos;")
    return true;
  if (entity.size() < 4 || entity.compare(0, 2, "&#") != 0) return false;
  for (std::size_t i = 2; i + 1 < entity.size(); ++i) {
    if (entity[i] < '0' || entity[i] > '9') return false;
  }
  return true;
}

// Whether `text` is a run of ` name="value"` pairs (then spaces).
bool QuotedAttributes(const std::string& text) {
  std::size_t i = 0;
  const auto space = [&] {
    const std::size_t from = i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    return i > from;
  };
  while (true) {
    const bool spaced = space();
    if (i == text.size()) return true;
    if (!spaced) return false;
    const std::size_t name = i;
    while (i < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[i])) ||
            text[i] == ':' || text[i] == '-'))
      ++i;
    if (i == name || i + 1 >= text.size() || text[i] != '=' ||
        text[i + 1] != '"')
      return false;
    const std::size_t close = text.find('"', i + 2);
    if (close == std::string::npos) return false;
    i = close + 1;
  }
}

// Whether `text` is well-formed XML apart from its <!DOCTYPE>: every tag
// closed in order, every attribute quoted, no raw '<' or stray '&' in
// text. On failure `why` says where.
bool WellFormed(const std::string& text, std::string& why) {
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '&') {
      const std::size_t semi = text.find(';', i);
      if (semi == std::string::npos ||
          !KnownEntity(text.substr(i, semi - i + 1))) {
        why = "stray '&' at " + std::to_string(i);
        return false;
      }
      i = semi + 1;
      continue;
    }
    if (text[i] != '<') {
      ++i;
      continue;
    }
    const std::size_t end = text.find('>', i);
    if (end == std::string::npos) {
      why = "unclosed '<' at " + std::to_string(i);
      return false;
    }
    std::string tag = text.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.rfind("!DOCTYPE", 0) == 0) continue;
    if (tag.find('<') != std::string::npos) {
      why = "'<' inside a tag: " + tag;
      return false;
    }
    if (tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) {
        why = "</" + name + "> closes <" +
              (open.empty() ? std::string("nothing") : open.back()) + ">";
        return false;
      }
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.back() == '/';
    if (self_closing) tag.pop_back();
    const std::string name = tag.substr(0, tag.find_first_of(" \n"));
    // Attributes: name="value" pairs only.
    const std::string attributes =
        name.size() < tag.size() ? tag.substr(name.size()) : "";
    if (!QuotedAttributes(attributes)) {
      why = "badly quoted attributes in <" + tag + ">";
      return false;
    }
    if (!self_closing) open.push_back(name);
    // <style> holds CSS: skip to its end.
    if (name == "style" && !self_closing) {
      const std::size_t close = text.find("</style>", i);
      if (close == std::string::npos) {
        why = "<style> never closed";
        return false;
      }
      i = close;
    }
  }
  if (!open.empty()) {
    why = "<" + open.back() + "> never closed";
    return false;
  }
  return true;
}

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

// Every value of attribute `name` in elements whose class starts with
// `cls` (the class being their first attribute), in document order.
std::vector<std::string> Values(const std::string& svg, const std::string& cls,
                                const std::string& name) {
  std::vector<std::string> out;
  const std::string needle = " class=\"" + cls;
  for (std::size_t at = svg.find(needle); at != std::string::npos;
       at = svg.find(needle, at + 1)) {
    const std::size_t open = svg.rfind('<', at);
    const std::size_t close = svg.find('>', at);
    // An element's own first attribute: "<tag class=...", tag in a-z.
    bool element = open != std::string::npos && close != std::string::npos;
    for (std::size_t i = open + 1; element && i < at; ++i) {
      element = svg[i] >= 'a' && svg[i] <= 'z';
    }
    if (!element) continue;
    const std::string tag = svg.substr(open, close - open);
    const std::string key = " " + name + "=\"";
    const std::size_t value = tag.find(key);
    if (value == std::string::npos) continue;
    const std::size_t begin = value + key.size();
    out.push_back(tag.substr(begin, tag.find('"', begin) - begin));
  }
  return out;
}

// A writes "abcdefghij"; B reads it in two pieces; A closes; B reads Eof;
// B closes; A's reader gets Eof. A reset fires on A at the end.
History SmallHistory() {
  History h;
  const int read_a =
      h.Invoke(Side::kA, OpKind::kRead, {}, milliseconds(0), "A-reader-1");
  const int write =
      h.Invoke(Side::kA, OpKind::kWrite, {Buffer::Copy("abcdefghij")},
               milliseconds(0), "A-writer");
  const int read1 =
      h.Invoke(Side::kB, OpKind::kRead, {}, milliseconds(0), "B-reader-1");
  h.CompleteWrite(write, WriteResult::Ok(), milliseconds(1));
  h.CompleteRead(read1, ReadResult::Data(Buffer::Copy("abcd")),
                 milliseconds(2));
  const int read2 =
      h.Invoke(Side::kB, OpKind::kRead, {}, milliseconds(2), "B-reader-1");
  h.CompleteRead(read2, ReadResult::Data(Buffer::Copy("efghij")),
                 milliseconds(3));
  const int close_a =
      h.Invoke(Side::kA, OpKind::kClose, {}, milliseconds(4), "A-writer");
  const int read3 =
      h.Invoke(Side::kB, OpKind::kRead, {}, milliseconds(4), "B-reader-1");
  h.CompleteRead(read3, ReadResult::Eof(), milliseconds(5));
  h.CompleteClose(close_a, milliseconds(5));
  const int close_b =
      h.Invoke(Side::kB, OpKind::kClose, {}, milliseconds(6), "B-closer");
  h.CompleteClose(close_b, milliseconds(6));
  h.CompleteRead(read_a, ReadResult::Eof(), milliseconds(7));
  h.AddFault(Side::kA, "reset", FaultEffects{.may_fail = true},
             milliseconds(8));
  // B's last read stays pending.
  h.Invoke(Side::kB, OpKind::kRead, {}, milliseconds(8), "B-reader-1");
  h.End(HistoryEnd::kQuiescent, std::chrono::minutes(3));
  return h;
}

// The checker the tests below rely on refuses what a browser's XML parser
// would.
TEST(WellFormedTest, RefusesBrokenMarkup) {
  std::string why;
  EXPECT_TRUE(WellFormed("<a x=\"1\"><b/>t &amp; &#38;</a>", why)) << why;
  EXPECT_FALSE(WellFormed("<a><b></a></b>", why));
  EXPECT_FALSE(WellFormed("<a x=1></a>", why));
  EXPECT_FALSE(WellFormed("<a>x & y</a>", why));
  EXPECT_FALSE(WellFormed("<a>", why));
  EXPECT_FALSE(WellFormed("<a><</a>", why));
}

TEST(TimelineTest, OffsetsFollowTheStream) {
  const Timeline t = TimelineOf(SmallHistory(), {5}, true);
  ASSERT_EQ(t.ops.size(), 8u);
  EXPECT_EQ(t.ops[1].label, "write 10 B");
  EXPECT_EQ(t.ops[1].result, "Ok");
  EXPECT_EQ(t.ops[1].stream_begin, 0u);
  EXPECT_EQ(t.ops[1].stream_end, 10u);
  EXPECT_EQ(t.ops[2].result, "Data 4 B");
  EXPECT_EQ(t.ops[2].stream_begin, 0u);
  EXPECT_EQ(t.ops[2].stream_end, 4u);
  EXPECT_EQ(t.ops[3].stream_begin, 4u);
  EXPECT_EQ(t.ops[3].stream_end, 10u);
  EXPECT_EQ(t.ops[5].result, "Eof");
  EXPECT_EQ(t.ops[5].stream_end, t.ops[5].stream_begin);
  EXPECT_TRUE(t.ops[5].marked);
  EXPECT_FALSE(t.ops[7].complete_seq.has_value());
  EXPECT_EQ(t.end, "quiescent");
  EXPECT_EQ(t.faults.size(), 1u);
}

TEST(TimelineTest, SurvivesJson) {
  Timeline t = TimelineOf(SmallHistory(), {5, 6}, true);
  t.violation = "C4 violated \"quoted\"\nsecond line";
  t.blamed = "A";
  std::string error;
  const std::optional<Timeline> back =
      TimelineFromJson(TimelineToJson(t), &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(TimelineToJson(*back), TimelineToJson(t));
  EXPECT_FALSE(TimelineFromJson("{\"ops\": 3}", &error).has_value());
  EXPECT_NE(error.find("not a timeline"), std::string::npos);
  EXPECT_FALSE(TimelineFromJson("nonsense", &error).has_value());
}

TEST(TimelineTest, RefusesTimelinesItCouldNotHaveWritten) {
  const std::string good =
      TimelineToJson(TimelineOf(SmallHistory(), {5}, true));
  std::string error;
  ASSERT_TRUE(TimelineFromJson(good, &error).has_value()) << error;
  const auto broken = [&](const std::string& from, const std::string& to) {
    std::string json = good;
    const std::size_t at = json.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    json.replace(at, from.size(), to);
    return TimelineFromJson(json, &error).has_value();
  };
  // A pending read given a result; a negative sequence number; an end and
  // a side nobody writes; a stream range backwards.
  EXPECT_FALSE(broken("\"result\":\"\"", "\"result\":\"Eof\""));
  EXPECT_NE(error.find("a result needs a completion"), std::string::npos)
      << error;
  EXPECT_FALSE(broken("\"invoke_seq\":1,", "\"invoke_seq\":-1,"));
  EXPECT_FALSE(broken("\"end\":\"quiescent\"", "\"end\":\"later\""));
  EXPECT_FALSE(broken("\"side\":\"A\"", "\"side\":\"C\""));
  EXPECT_FALSE(broken("\"stream\":[0,10]", "\"stream\":[10,0]"));
}

TEST(TimelineTest, LongHistoriesKeepWhatIsEventfulInTheMiddle) {
  History h;
  int pending_read = -1;
  for (int i = 0; i < 6000; ++i) {
    const Duration at = std::chrono::microseconds(i);
    if (i == 3000) {
      pending_read = h.Invoke(Side::kB, OpKind::kRead, {}, at, "B-reader-1");
    }
    const int w =
        h.Invoke(Side::kA, OpKind::kWrite, {Buffer::Copy("x")}, at, "A-writer");
    h.CompleteWrite(w, WriteResult::Ok(), at);
  }
  h.End(HistoryEnd::kQuiescent, std::chrono::milliseconds(7));
  const Timeline t = TimelineOf(h, {}, true);
  EXPECT_EQ(t.pending, 1);
  bool kept = false;
  for (const TimelineOp& op : t.ops) kept |= op.id == pending_read;
  EXPECT_TRUE(kept) << "the pending read in the middle was left out";
  const std::string svg = DiagramSvg(t);
  EXPECT_NE(svg.find("pending stays pending"), std::string::npos);
  EXPECT_EQ(Values(svg, "op pending", "data-op"),
            std::vector<std::string>{std::to_string(pending_read)});
}

TEST(DiagramTest, LanesBarsArrowsAndMarks) {
  Timeline t = TimelineOf(SmallHistory(), {5, 6}, true);
  t.violation = "C4 violated: a test sentence <with> & marks";
  t.blamed = "A";
  const std::string svg = DiagramSvg(t);
  std::string why;
  ASSERT_TRUE(WellFormed(svg, why)) << why << "\n" << svg;
  // One lane per task, A's first.
  EXPECT_EQ(Values(svg, "lane", "data-lane"),
            (std::vector<std::string>{"A-reader-1", "A-writer", "B-reader-1",
                                      "B-closer"}));
  // One bar per operation.
  std::vector<std::string> bars = Values(svg, "op", "data-op");
  std::sort(bars.begin(), bars.end());
  EXPECT_EQ(bars,
            (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7"}));
  // The write's bytes went to two reads: 0..3 and 4..9.
  EXPECT_EQ(Values(svg, "bytes", "data-bytes"),
            (std::vector<std::string>{"0-4", "4-10"}));
  EXPECT_EQ(Values(svg, "bytes", "data-read"),
            (std::vector<std::string>{"2", "3"}));
  // Each close to the Eof it caused.
  EXPECT_EQ(Values(svg, "close-signal", "data-eof"),
            (std::vector<std::string>{"5", "0"}));
  // Red on exactly the named operations.
  EXPECT_EQ(Values(svg, "op violating", "data-op"),
            (std::vector<std::string>{"5", "6"}));
  EXPECT_EQ(Count(svg, "class=\"op violating"), 2);
  // The pending read is open-ended; the fault is on the link; the blamed
  // side is said; the sentence is escaped.
  EXPECT_EQ(Values(svg, "op pending", "data-op"),
            (std::vector<std::string>{"7"}));
  EXPECT_EQ(Count(svg, "class=\"fault\""), 1);
  EXPECT_NE(svg.find("endpoint A -- blamed by the evidence"),
            std::string::npos);
  EXPECT_NE(svg.find("&lt;with&gt; &amp; marks"), std::string::npos);
  // Three minutes of nothing before the end are a marked gap.
  EXPECT_EQ(Count(svg, "class=\"idle\""), 1);
  EXPECT_NE(svg.find("idle 3.0 min"), std::string::npos) << svg;
}

TEST(DiagramTest, LongHistoriesLeaveTheMiddleOutAndSaySo) {
  History h;
  std::string stream;
  const int total = 5000;
  for (int i = 0; i < total; ++i) {
    const Duration at = std::chrono::microseconds(i);
    const int w = h.Invoke(Side::kA, OpKind::kWrite, {Buffer::Copy("xy")}, at,
                           "A-writer");
    h.CompleteWrite(w, WriteResult::Ok(), at);
  }
  const int close = h.Invoke(Side::kA, OpKind::kClose, {},
                             std::chrono::microseconds(total), "A-writer");
  h.End(HistoryEnd::kQuiescent, std::chrono::microseconds(total + 1));
  // Stored: at most kTimelineMaxOps, plus the marked one.
  const Timeline t = TimelineOf(h, {2500, close}, true);
  EXPECT_EQ(static_cast<int>(t.ops.size()) + t.omitted, total + 1);
  EXPECT_LE(t.ops.size(), static_cast<std::size_t>(kTimelineMaxOps + 1));
  const std::string svg = DiagramSvg(t);
  std::string why;
  ASSERT_TRUE(WellFormed(svg, why)) << why;
  const std::vector<std::string> drawn = Values(svg, "op", "data-op");
  EXPECT_LT(drawn.size(), 200u);
  int left_out = 0;
  for (const std::string& count : Values(svg, "left-out", "data-count")) {
    left_out += std::stoi(count);
  }
  // Every operation is drawn or counted in a marker.
  EXPECT_EQ(static_cast<int>(drawn.size()) + left_out, total + 1);
  EXPECT_EQ(Values(svg, "op violating", "data-op"),
            (std::vector<std::string>{"2500", std::to_string(close)}));
}

// The worst case for a browser: every operation eventful (here: closes of
// several tasks, each pending a while), so nothing is left out. Written to
// the test's undeclared outputs for rendering by hand (docs/certify.md
// gives the time Chromium took).
TEST(DiagramTest, ThousandsOfEventfulOperationsStayWellFormed) {
  History h;
  const int total = 3000;
  std::vector<int> ids;
  for (int i = 0; i < total; ++i) {
    const Side side = i % 2 == 0 ? Side::kA : Side::kB;
    const std::string task =
        std::string(SideName(side)) + "-task-" + std::to_string(i % 6);
    ids.push_back(
        h.Invoke(side, OpKind::kClose, {}, std::chrono::microseconds(i), task));
    if (i >= 3) {
      h.CompleteClose(ids[i - 3], std::chrono::microseconds(i));
    }
  }
  h.End(HistoryEnd::kQuiescent, std::chrono::microseconds(total));
  const Timeline t = TimelineOf(h, {0, total - 1}, true);
  const std::string svg = DiagramSvg(t);
  std::string why;
  ASSERT_TRUE(WellFormed(svg, why)) << why;
  EXPECT_EQ(Values(svg, "op", "data-op").size(),
            static_cast<std::size_t>(total));
  if (const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    Counterexample example{"a test", "3000 closes", "C5 violated: a test", "",
                           "no replay"};
    example.timeline = t;
    std::ofstream(std::string(dir) + "/worst-case.html")
        << HtmlCounterexample("3000 eventful operations", Clause::kC5, example);
  }
}

// A real counterexample: the mutant whose close returns early, over the
// simulation; the HTML certificate draws A's close returning before B's
// close was invoked, in red.
TEST(HtmlCertificateTest, DrawsARealCounterexample) {
  const Mutant* mutant = FindMutant("close-returns-early");
  ASSERT_NE(mutant, nullptr);
  CertifyOptions options;
  options.isolate = false;
  options.programs = 30;
  options.only = {"C4.close-waits-for-peer"};
  const Certificate certificate =
      Certify(Mutate(SimFlowUnderTest(), *mutant), options);
  const ClauseResult& c4 = certificate.result(Clause::kC4);
  ASSERT_EQ(c4.verdict, Verdict::kFail);
  const Counterexample& example = c4.failures.front();
  ASSERT_TRUE(example.timeline.has_value());
  const Timeline& t = *example.timeline;
  EXPECT_TRUE(t.simulated);
  EXPECT_EQ(t.violation, example.violation);
  // The marked operation is a close of one side that completed before the
  // other side's first close was invoked.
  const TimelineOp* marked = nullptr;
  for (const TimelineOp& op : t.ops) {
    if (op.marked) marked = &op;
  }
  ASSERT_NE(marked, nullptr);
  EXPECT_EQ(marked->kind, OpKind::kClose);
  ASSERT_TRUE(marked->complete_seq.has_value());
  const TimelineOp* peer_close = nullptr;
  for (const TimelineOp& op : t.ops) {
    if (op.side != marked->side && op.kind == OpKind::kClose) {
      peer_close = &op;
      break;
    }
  }
  ASSERT_NE(peer_close, nullptr) << "the peer never closed";
  EXPECT_GT(peer_close->invoke_seq, *marked->complete_seq);
  const std::string html = RenderReport(certificate, ReportFormat::kHtml);
  std::string why;
  ASSERT_TRUE(WellFormed(html, why)) << why;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // The one address is the SVG namespace's (a name, never loaded).
  EXPECT_EQ(Count(html, "http://"), Count(html, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("id=\"case-1\""), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find(XmlEscape(example.replay)), std::string::npos);
  // Red on exactly the operations each counterexample's violation names.
  int marked_ops = 0;
  for (const ClauseResult& r : certificate.clauses) {
    for (const Counterexample& e : r.failures) {
      ASSERT_TRUE(e.timeline.has_value());
      for (const TimelineOp& op : e.timeline->ops) marked_ops += op.marked;
    }
  }
  EXPECT_GT(marked_ops, 0);
  EXPECT_EQ(Count(html, "class=\"op violating"), marked_ops);
}

}  // namespace
}  // namespace flowcheck::conformance
