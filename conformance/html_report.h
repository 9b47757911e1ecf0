// conformance/html_report.h: a certificate as one self-contained HTML page,
// with a space-time diagram of every counterexample.
//
// The page has no script and loads nothing (inline CSS and SVG): it works
// offline, from a file, in any browser. It is also well-formed XML (every
// element closed, every attribute quoted), so tests can parse it.
//
// A diagram (DiagramSvg) draws one Timeline (conformance/timeline.h):
//  - one lane per task, A's tasks on the left, B's on the right, the link
//    between them; time goes down. Rows follow the order of events (the
//    history's sequence numbers), so simultaneous events in virtual time
//    stay apart; the time of each row is on the left, and an idle gap much
//    longer than the run's usual step is drawn as a marked break;
//  - each operation a bar from invocation to completion, labelled
//    ("#4 write 2000 B -> Ok"); an operation pending at the end is drawn
//    open-ended down to the end line;
//  - arrows from each write to the reads that returned its bytes (the
//    timeline's stream offsets), the close as a dashed arrow to the first
//    Eof it caused, each injected fault as a mark on the link;
//  - the operations the violation names in red, with the checker's
//    sentence beside the first, and the blamed side's header in red;
//  - in long histories, runs of uneventful operations are left out and a
//    marker says how many.
// SVG elements carry data-* attributes (data-op, data-write, data-read,
// data-bytes, data-lane) so tests can check them against the history.
#ifndef FLOWCHECK_CONFORMANCE_HTML_REPORT_H_
#define FLOWCHECK_CONFORMANCE_HTML_REPORT_H_

#include <string>

#include "conformance/certificate.h"
#include "conformance/timeline.h"

namespace flowcheck::conformance {

// An <svg> element drawing `timeline`. Never fails.
std::string DiagramSvg(const Timeline& timeline);

// The whole certificate as an HTML page. Never fails.
std::string HtmlCertificate(const Certificate& certificate);

// One counterexample as an HTML page (flowcheck replay --html): `title`
// says what was replayed; `clause` is the clause it violates.
std::string HtmlCounterexample(const std::string& title, Clause clause,
                               const Counterexample& example);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_HTML_REPORT_H_
