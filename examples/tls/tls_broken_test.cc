// The suite catches what goes wrong in real TLS adapters: a half-close that
// shuts the connection down without close_notify (the peer reads "stream
// truncated", an error, where the contract wants Eof after the bytes), and
// an adapter that answers the peer's close_notify with its own at once,
// ending a half-close it was not asked to end (C3) -- each over a real
// socketpair and over the simulated flow.
#include <gtest/gtest.h>

#include "conformance/certify.h"
#include "conformance/report.h"
#include "examples/tls/tls_flows.h"
#include "examples/tls/tls_stream.h"

namespace tlsexample {
namespace {

using flowcheck::conformance::Certificate;
using flowcheck::conformance::Certify;
using flowcheck::conformance::CertifyOptions;
using flowcheck::conformance::RenderReport;
using flowcheck::conformance::ReportFormat;
using flowcheck::conformance::Verdict;

// Where the broken adapter runs: over a real socketpair (TlsStream) or
// over the simulated flow (TlsFlow).
enum class Over { kSocketpair, kSim };

Certificate CertifyBroken(TlsBreakage breakage, Over over) {
  CertifyOptions options;
  options.programs = 20;
  options.watchdog = std::chrono::seconds(3);
  options.only = {"programs", "C1.close-flushes",
                  "C2.eof-after-close-and-drain",
                  "C3.half-close-request-response", "R5.drain-before-eof"};
  return Certify(over == Over::kSim ? BrokenTlsOverSim(breakage)
                                    : BrokenTlsOverSocketpair(breakage),
                 options);
}

class TlsBrokenTest : public testing::TestWithParam<Over> {};

INSTANTIATE_TEST_SUITE_P(Over, TlsBrokenTest,
                         testing::Values(Over::kSocketpair, Over::kSim),
                         [](const testing::TestParamInfo<Over>& param) {
                           return param.param == Over::kSim ? "Sim"
                                                            : "Socketpair";
                         });

TEST_P(TlsBrokenTest, AHalfCloseWithoutCloseNotifyFails) {
  const Certificate certificate =
      CertifyBroken(TlsBreakage::kNoCloseNotify, GetParam());
  const std::string table = RenderReport(certificate, ReportFormat::kTable);
  EXPECT_FALSE(certificate.passed()) << table;
  // The peer's read fails where its close should have ended the stream
  // with Eof: C2.
  EXPECT_EQ(certificate.result(flowcheck::Clause::kC2).verdict, Verdict::kFail)
      << table;
  // The counterexample says why: a truncation, in the layer's words.
  EXPECT_NE(table.find(GetParam() == Over::kSim ? "without close_notify"
                                                : "stream truncated"),
            std::string::npos)
      << table;
}

TEST_P(TlsBrokenTest, AnsweringCloseNotifyAtOnceFailsC3) {
  const Certificate certificate =
      CertifyBroken(TlsBreakage::kAnswerCloseNotify, GetParam());
  const std::string table = RenderReport(certificate, ReportFormat::kTable);
  EXPECT_EQ(certificate.result(flowcheck::Clause::kC3).verdict, Verdict::kFail)
      << table;
}

// Over the simulation a failure replays exactly, although OpenSSL's bytes
// differ every run: the simulation decides on sizes and times, never on
// contents. Two runs give the same counterexamples, word for word.
TEST(TlsOverSimTest, AFailureIsTheSameEveryRun) {
  const auto failures = [] {
    const Certificate certificate =
        CertifyBroken(TlsBreakage::kNoCloseNotify, Over::kSim);
    std::string text;
    for (const auto& clause : certificate.clauses) {
      for (const auto& failure : clause.failures) {
        text += failure.source + "\n" + failure.violation + "\n" +
                failure.details + "\n" + failure.replay + "\n";
      }
    }
    return text;
  };
  const std::string first = failures();
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, failures());
}

}  // namespace
}  // namespace tlsexample
