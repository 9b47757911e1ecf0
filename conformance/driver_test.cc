// Certifying through a driver process (conformance/driver_subject.h):
//  - the protocol loses nothing: flowcheck's own socketpair gets the same
//    verdict on every clause through tools/flowcheck_driver as in process,
//    and mutants served by the driver are caught on their clause;
//  - a hostile driver -- silent, garbage, a wrong version, an exit, a
//    crash, an unknown or twice-answered op, a result its call cannot
//    return, an overlong line, a start never answered -- gives a clear
//    sentence (a probe error or a CRASH line quoting what it did), never a
//    hang or a verdict on the flow, and leaves no process behind.
#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/certify.h"
#include "conformance/driver_subject.h"
#include "conformance/mutants.h"
#include "conformance/real_subject.h"
#include "conformance/report.h"

namespace flowcheck::conformance {
namespace {

// Paths relative to the test's runfiles directory (its working directory).
constexpr char kCppDriver[] = "tools/flowcheck_driver";
constexpr char kHostile[] = "python3 conformance/testdata/hostile_driver.py";

// How many processes have `marker` as a word of their command line.
int ProcessesWithMarker(const std::string& marker) {
  int count = 0;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return -1;
  while (const dirent* entry = readdir(proc)) {
    const std::string name = entry->d_name;
    if (name.empty() ||
        name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream in("/proc/" + name + "/cmdline", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string words = text.str();
    for (char& c : words) {
      if (c == '\0') c = ' ';
    }
    if ((" " + words + " ").find(" " + marker + " ") != std::string::npos) {
      ++count;
    }
  }
  closedir(proc);
  return count;
}

FlowUnderTest Driver(const std::string& command,
                     Duration reply_timeout = std::chrono::seconds(10)) {
  DriverOptions options;
  options.command = command;
  options.reply_timeout = reply_timeout;
  options.max_line_bytes = std::size_t{1} << 20;
  auto flow = DriverFlowUnderTest(options);
  if (auto* error = std::get_if<std::string>(&flow)) {
    ADD_FAILURE() << "the driver did not start: " << *error;
    return {};
  }
  return std::get<FlowUnderTest>(std::move(flow));
}

const FlowUnderTest& InProcess(const std::string& name) {
  static const std::vector<FlowUnderTest> flows = RealFlowsUnderTest();
  for (const FlowUnderTest& flow : flows) {
    if (flow.name == name) return flow;
  }
  ADD_FAILURE() << "no real flow " << name;
  return flows.front();
}

TEST(DriverEquivalence, SameVerdictsAsInProcess) {
  for (const std::string name : {"socketpair", "tcp"}) {
    SCOPED_TRACE(name);
    CertifyOptions options;
    options.programs = 30;
    options.watchdog = std::chrono::seconds(4);
    const Certificate direct = Certify(InProcess(name), options);
    const FlowUnderTest driven =
        Driver(std::string(kCppDriver) + " --flow=" + name);
    EXPECT_EQ(driven.capabilities.inject_reset,
              InProcess(name).capabilities.inject_reset);
    const Certificate through = Certify(driven, options);
    for (const ClauseResult& result : direct.clauses) {
      // R3 and W4 are about the suite's own buffers, which a driver never
      // holds: not applicable through one.
      const bool buffers =
          result.clause == Clause::kR3 || result.clause == Clause::kW4;
      EXPECT_EQ(VerdictName(through.result(result.clause).verdict),
                buffers ? "NOT APPLICABLE" : VerdictName(result.verdict))
          << ClauseId(result.clause) << "\n"
          << RenderReport(through, ReportFormat::kTable);
    }
    EXPECT_TRUE(through.crashes.empty())
        << RenderReport(through, ReportFormat::kTable);
    EXPECT_EQ(through.observations.size(), direct.observations.size());
  }
}

TEST(DriverEquivalence, MutantsAreCaughtThroughTheDriver) {
  for (const std::string name :
       {"eof-before-drain", "ok-after-close", "writev-reorders",
        "close-returns-early", "empty-data", "hold-writes"}) {
    SCOPED_TRACE(name);
    const Mutant* mutant = FindMutant(name);
    ASSERT_NE(mutant, nullptr);
    CertifyOptions options;
    options.programs = 30;
    options.watchdog = std::chrono::seconds(1);
    options.shrink = false;
    options.only = CertifyParts();
    std::erase(options.only, "observations");
    const Certificate certificate = Certify(
        Driver(std::string(kCppDriver) + " --flow=socketpair --mutant=" + name),
        options);
    EXPECT_TRUE(mutant->CaughtBy(certificate.failed_clauses()))
        << RenderReport(certificate, ReportFormat::kTable);
    EXPECT_NE(certificate.result(mutant->clause).verdict, Verdict::kPass);
  }
}

// What a probe of a hostile driver says.
std::string ProbeError(const std::string& mode, const std::string& marker) {
  DriverOptions options;
  options.command = std::string(kHostile) + " " + mode + " " + marker;
  options.reply_timeout = std::chrono::seconds(1);
  auto flow = DriverFlowUnderTest(options);
  if (std::holds_alternative<FlowUnderTest>(flow)) return "(no error)";
  return std::get<std::string>(flow);
}

TEST(HostileDriver, ProbeFailuresAreSentences) {
  const struct {
    const char* mode;
    const char* wanted;
  } cases[] = {
      {"no-hello", "did not send its hello within 1s"},
      {"exit-now",
       "closed its stdout before sending its hello (exited with "
       "status 3); its stderr ends:\n    | hostile: exiting at "
       "once"},
      {"bad-hello",
       "the first line must be the driver's hello; it is not "
       "JSON: `Welcome to my driver!`"},
      {"wrong-version",
       "the driver speaks 'flowcheck-driver/9'; this "
       "flowcheck speaks 'flowcheck-driver/1'"},
  };
  for (const auto& c : cases) {
    const std::string marker = std::string("probe-marker-") + c.mode;
    const std::string error = ProbeError(c.mode, marker);
    EXPECT_NE(error.find(c.wanted), std::string::npos)
        << c.mode << ": " << error;
    EXPECT_EQ(ProcessesWithMarker(marker), 0) << c.mode;
  }
  DriverOptions missing;
  missing.command = "no-such-driver-anywhere --x";
  const auto flow = DriverFlowUnderTest(missing);
  ASSERT_TRUE(std::holds_alternative<std::string>(flow));
  EXPECT_NE(std::get<std::string>(flow).find("exited with status 127"),
            std::string::npos)
      << std::get<std::string>(flow);
}

// Certifies one scenario through a driver that misbehaves in `mode`.
Certificate CertifyHostile(const std::string& mode, const std::string& marker,
                           bool isolate) {
  CertifyOptions options;
  options.only = {"R7.eof-sticky"};
  options.watchdog = std::chrono::seconds(2);
  options.isolate = isolate;
  return Certify(Driver(std::string(kHostile) + " " + mode + " " + marker,
                        std::chrono::seconds(1)),
                 options);
}

TEST(HostileDriver, BrokenProtocolIsACrashLine) {
  const struct {
    const char* mode;
    const char* wanted;
  } cases[] = {
      {"garbage", "is not the protocol: not JSON: `this is not json`"},
      {"unknown-op",
       "answered op 9999, which it was never sent: "
       "`{\"op\": 9999, \"result\": \"ok\"}`"},
      {"twice", "twice; the second answer: `{\"op\": "},
      {"wrong-result", "with result \"ok\", which a read cannot return"},
      {"crash",
       "stopped answering: its stdout ended (end of file; the "
       "driver killed by signal 11 (Segmentation fault))"},
      {"long-line", "a line longer than 1048576 bytes"},
      {"hang-start", "did not send its answer to start within 1s"},
  };
  for (bool isolate : {true, false}) {
    for (const auto& c : cases) {
      SCOPED_TRACE(std::string(c.mode) + (isolate ? " isolated" : ""));
      const std::string marker = std::string("case-marker-") + c.mode;
      const Certificate certificate = CertifyHostile(c.mode, marker, isolate);
      ASSERT_EQ(certificate.crashes.size(), 1u)
          << RenderReport(certificate, ReportFormat::kTable);
      EXPECT_NE(certificate.crashes[0].what.find(c.wanted), std::string::npos)
          << certificate.crashes[0].what;
      EXPECT_EQ(certificate.crashes[0].what.rfind("the driver `python3 ", 0),
                0u)
          << certificate.crashes[0].what;
      // Never a verdict on the flow: the clause says CRASH.
      EXPECT_EQ(certificate.result(Clause::kR7).verdict, Verdict::kCrash);
      EXPECT_FALSE(certificate.passed());
      EXPECT_EQ(ProcessesWithMarker(marker), 0);
    }
  }
}

TEST(HostileDriver, NeverAnsweringIsAHangOfTheFlow) {
  const Certificate certificate =
      CertifyHostile("never-answers", "case-marker-never", true);
  EXPECT_TRUE(certificate.crashes.empty());
  // Judged as the flow's hang, with the unanswered requests listed.
  ASSERT_FALSE(certificate.failed_clauses().empty())
      << RenderReport(certificate, ReportFormat::kTable);
  const ClauseResult& failed =
      certificate.result(certificate.failed_clauses().front());
  EXPECT_NE(failed.failures[0].details.find(
                "waits on driver op 1 (A write of 10 bytes): no answer yet"),
            std::string::npos)
      << failed.failures[0].details;
  EXPECT_EQ(ProcessesWithMarker("case-marker-never"), 0);
}

TEST(HostileDriver, ItsChildrenDieWithIt) {
  for (bool isolate : {true, false}) {
    const Certificate certificate =
        CertifyHostile("orphan", "orphan-marker", isolate);
    EXPECT_EQ(ProcessesWithMarker("orphan-marker"), 0);
  }
}

}  // namespace
}  // namespace flowcheck::conformance
