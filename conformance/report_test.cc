#include "conformance/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flowcheck::conformance {
namespace {

Certificate Sample(bool failing) {
  Certificate c;
  c.flow = "demo";
  c.description = "a flow for the tests";
  c.seed = 9;
  c.programs_run = 10;
  c.scenarios_run = 3;
  for (Clause clause : kAllClauses) {
    c.clauses.push_back(
        ClauseResult{clause, Verdict::kPass, 10, 1, {}, "10 programs"});
  }
  c.clauses[static_cast<int>(Clause::kE1)].verdict = Verdict::kNotApplicable;
  c.clauses[static_cast<int>(Clause::kE1)].note = "needs an injected reset";
  if (failing) {
    ClauseResult& r5 = c.clauses[static_cast<int>(Clause::kR5)];
    r5.verdict = Verdict::kFail;
    r5.failures.push_back(Counterexample{
        "programs", "  A1: write 3 bytes\n",
        "R5 violated: B read Eof <early> & \"quoted\"",
        "history:\n  1 A write\n", "flowcheck certify --seed=9"});
    // A second counterexample, with a timeline: numbered 2, drawn.
    Timeline timeline;
    timeline.ops.push_back(TimelineOp{.id = 0,
                                      .side = Side::kA,
                                      .task = "A-writer",
                                      .kind = OpKind::kClose,
                                      .label = "close",
                                      .result = "returned",
                                      .invoke_seq = 1,
                                      .complete_seq = 2,
                                      .marked = true});
    timeline.end = "quiescent";
    timeline.end_seq = 3;
    Counterexample with_timeline{"C4.close-waits-for-peer", "story",
                                 "C4 violated: early", "", "replay C4"};
    with_timeline.timeline = timeline;
    ClauseResult& c4 = c.clauses[static_cast<int>(Clause::kC4)];
    c4.verdict = Verdict::kFail;
    c4.failures.push_back(with_timeline);
    c.crashes.push_back(Crash{"R1.read-pends",
                              "killed by signal 11 (Segmentation fault)",
                              "flowcheck certify --only=R1.read-pends"});
  }
  c.observations.push_back(
      Observation{"double close", "a second close returns"});
  return c;
}

TEST(ReportTest, ParsesFormatNames) {
  EXPECT_EQ(ParseReportFormat("table"), ReportFormat::kTable);
  EXPECT_EQ(ParseReportFormat("junit"), ReportFormat::kJunit);
  EXPECT_EQ(ParseReportFormat("xml"), std::nullopt);
}

TEST(ReportTest, TableShowsVerdictsFailuresAndResult) {
  const std::string table = RenderReport(Sample(true), ReportFormat::kTable);
  EXPECT_NE(table.find("R5      FAIL"), std::string::npos) << table;
  EXPECT_NE(table.find("E1      NOT APPLICABLE"), std::string::npos) << table;
  EXPECT_NE(table.find("FAIL R5 (case 1), found by programs"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("    flowcheck certify --seed=9"), std::string::npos)
      << table;
  EXPECT_NE(table.find("CRASH in R1.read-pends: killed by signal 11"),
            std::string::npos);
  EXPECT_NE(
      table.find("RESULT: FAIL -- 2 clauses violated: R5 C4; 1 cases crashed"),
      std::string::npos)
      << table;
  const std::string passing = RenderReport(Sample(false), ReportFormat::kTable);
  EXPECT_NE(passing.find("RESULT: PASS -- 17 clauses hold, 1 not applicable"),
            std::string::npos)
      << passing;
}

TEST(ReportTest, JsonFollowsTheSchema) {
  const auto json =
      nlohmann::json::parse(RenderReport(Sample(true), ReportFormat::kJson));
  EXPECT_EQ(json["schema"], "flowcheck.certificate/1");
  EXPECT_EQ(json["passed"], false);
  ASSERT_EQ(json["clauses"].size(), 18u);
  EXPECT_EQ(json["clauses"][4]["id"], "R5");
  EXPECT_EQ(json["clauses"][4]["verdict"], "FAIL");
  EXPECT_EQ(json["clauses"][4]["failures"][0]["replay"],
            "flowcheck certify --seed=9");
  EXPECT_EQ(json["crashes"][0]["source"], "R1.read-pends");
  EXPECT_EQ(json["observations"][0]["name"], "double close");
  // Cases are numbered across clauses; a timeline is an object.
  EXPECT_EQ(json["clauses"][4]["failures"][0]["number"], 1);
  EXPECT_FALSE(json["clauses"][4]["failures"][0].contains("timeline"));
  const auto& c4 = json["clauses"][14]["failures"][0];
  EXPECT_EQ(c4["number"], 2);
  EXPECT_EQ(c4["timeline"]["ops"][0]["marked"], true);
  EXPECT_EQ(c4["timeline"]["ops"][0]["complete_seq"], 2);
  EXPECT_EQ(c4["timeline"]["end"], "quiescent");
}

TEST(ReportTest, XmlEscapeKeepsUtf8AndReplacesWhatIsNot) {
  EXPECT_EQ(XmlEscape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_EQ(XmlEscape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // A stray continuation byte, a truncated sequence, an overlong '/', a
  // surrogate, and a control character.
  EXPECT_EQ(XmlEscape("\x80|\xc3|\xc0\xaf|\xed\xa0\x80|\x01"),
            "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|?");
}

TEST(ReportTest, HtmlNumbersCasesAndDrawsTimelines) {
  const std::string html = RenderReport(Sample(true), ReportFormat::kHtml);
  EXPECT_EQ(ParseReportFormat("html"), ReportFormat::kHtml);
  EXPECT_NE(html.find("<a href=\"#case-2\">case 2</a>"), std::string::npos);
  EXPECT_NE(html.find("Case 1: FAIL R5"), std::string::npos);
  EXPECT_NE(html.find("No diagram: this counterexample carries no timeline."),
            std::string::npos);
  EXPECT_NE(html.find("Case 2: FAIL C4"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), html.rfind("<svg"));  // exactly one
  EXPECT_NE(html.find("R5 violated: B read Eof &lt;early&gt; &amp; "
                      "&quot;quoted&quot;"),
            std::string::npos);
  EXPECT_NE(html.find("CRASH in R1.read-pends"), std::string::npos);
}

TEST(ReportTest, JunitEscapesAndCounts) {
  const std::string xml = RenderReport(Sample(true), ReportFormat::kJunit);
  EXPECT_NE(xml.find("tests=\"19\" failures=\"2\" errors=\"1\" skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("&lt;early&gt; &amp; &quot;quoted&quot;"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("<early>"), std::string::npos);
}

TEST(ReportTest, MarkdownHasATableAndDetails) {
  const std::string md = RenderReport(Sample(true), ReportFormat::kMarkdown);
  EXPECT_NE(md.find("| R5 | FAIL |"), std::string::npos) << md;
  EXPECT_NE(md.find("## FAIL R5 (case 1, found by programs)"),
            std::string::npos);
}

}  // namespace
}  // namespace flowcheck::conformance
