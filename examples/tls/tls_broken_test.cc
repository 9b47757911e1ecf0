// The suite catches what goes wrong in real TLS adapters: a half-close that
// shuts the connection down without close_notify (the peer reads "stream
// truncated", an error, where the contract wants Eof after the bytes), and
// an adapter that answers the peer's close_notify with its own at once,
// ending a half-close it was not asked to end (C3).
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

Certificate CertifyBroken(TlsBreakage breakage) {
  CertifyOptions options;
  options.programs = 20;
  options.watchdog = std::chrono::seconds(3);
  options.only = {"programs", "C1.close-flushes",
                  "C2.eof-after-close-and-drain",
                  "C3.half-close-request-response", "R5.drain-before-eof"};
  return Certify(BrokenTlsOverSocketpair(breakage), options);
}

TEST(TlsBrokenTest, AHalfCloseWithoutCloseNotifyFails) {
  const Certificate certificate = CertifyBroken(TlsBreakage::kNoCloseNotify);
  const std::string table = RenderReport(certificate, ReportFormat::kTable);
  EXPECT_FALSE(certificate.passed()) << table;
  // The peer's read fails where its close should have ended the stream
  // with Eof: C2.
  EXPECT_EQ(certificate.result(flowcheck::Clause::kC2).verdict, Verdict::kFail)
      << table;
  // The counterexample carries OpenSSL's reason.
  EXPECT_NE(table.find("stream truncated"), std::string::npos) << table;
}

TEST(TlsBrokenTest, AnsweringCloseNotifyAtOnceFailsC3) {
  const Certificate certificate =
      CertifyBroken(TlsBreakage::kAnswerCloseNotify);
  const std::string table = RenderReport(certificate, ReportFormat::kTable);
  EXPECT_EQ(certificate.result(flowcheck::Clause::kC3).verdict, Verdict::kFail)
      << table;
}

}  // namespace
}  // namespace tlsexample
