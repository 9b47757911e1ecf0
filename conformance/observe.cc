#include "conformance/observe.h"

#include <memory>
#include <string>
#include <utility>

#include "conformance/program.h"

namespace flowcheck::conformance {
namespace {

Buffer Fill(char c, std::size_t n) {
  return Buffer::FromString(std::string(n, c));
}

Task<void> ReadToEnd(Flow& flow, std::string* into) {
  while (true) {
    ReadResult result = co_await flow.read();
    if (!result.is_data()) co_return;
    if (into != nullptr) into->append(result.data().view());
  }
}

// The completed result of operation `kind` number `nth` (0-based) on
// `side`, as text, or "still pending".
std::string Outcome(const Execution& e, Side side, OpKind kind, int nth) {
  int seen = 0;
  for (const Operation& op : e.history.operations()) {
    if (op.side != side || op.kind != kind) continue;
    if (seen++ != nth) continue;
    if (!op.completed()) return "still pending";
    if (op.read_result) return op.read_result->ToString();
    if (op.write_result) return op.write_result->ToString();
    return "returned";
  }
  return "never called";
}

Observation DoubleClose(const FlowUnderTest& flow, std::uint64_t seed) {
  Subject subject = flow.make(seed);
  const Execution e = RunRecorded(
      subject,
      [](Runtime& runtime, Flow& a, Flow& b, Subject&) {
        auto twice = [](Flow& f) -> Task<void> {
          co_await f.close();
          co_await f.close();
        };
        runtime.spawn(twice(a), "A-close-twice");
        runtime.spawn(b.close(), "B-close");
      },
      RunLimits{.watchdog = std::chrono::milliseconds(500)});
  const std::string second = Outcome(e, Side::kA, OpKind::kClose, 1);
  return {"double close",
          second == "returned"
              ? "a second close on the same endpoint returns"
              : "a second close on the same endpoint is " + second};
}

Observation ZeroLengthWrite(const FlowUnderTest& flow, std::uint64_t seed) {
  Subject subject = flow.make(seed);
  const Execution e = RunRecorded(
      subject,
      [](Runtime& runtime, Flow& a, Flow&, Subject&) {
        auto writes = [](Flow& f) -> Task<void> {
          co_await f.write(Buffer());
          co_await f.writev({});
        };
        runtime.spawn(writes(a), "A-empty-writes");
      },
      RunLimits{.watchdog = std::chrono::milliseconds(300)});
  return {"zero-length write",
          "write of 0 bytes: " + Outcome(e, Side::kA, OpKind::kWrite, 0) +
              "; writev of no buffers: " +
              Outcome(e, Side::kA, OpKind::kWritev, 0)};
}

Observation ConcurrentWriters(const FlowUnderTest& flow, std::uint64_t seed) {
  Subject subject = flow.make(seed);
  auto received = std::make_shared<std::string>();
  RunRecorded(
      subject,
      [received](Runtime& runtime, Flow& a, Flow& b, Subject&) {
        auto writer = [](Flow& f, char c) -> Task<void> {
          co_await f.write(Fill(c, 65536));
        };
        auto closer = [](Flow& f, Runtime& r) -> Task<void> {
          co_await r.sleep(std::chrono::milliseconds(50));
          co_await f.close();
        };
        runtime.spawn(writer(a, 'x'), "A-writer-x");
        runtime.spawn(writer(a, 'y'), "A-writer-y");
        runtime.spawn(closer(a, runtime), "A-close");
        runtime.spawn(ReadToEnd(b, received.get()), "B-reader");
        runtime.spawn(b.close(), "B-close");
        runtime.spawn(ReadToEnd(a, nullptr), "A-reader");
      },
      RunLimits{.watchdog = std::chrono::seconds(5)});
  int switches = 0;
  for (std::size_t i = 1; i < received->size(); ++i) {
    switches += (*received)[i] != (*received)[i - 1];
  }
  std::string result;
  if (received->size() != 2 * 65536) {
    result = "the peer received " + std::to_string(received->size()) +
             " of 131072 bytes written by two concurrent writers";
  } else if (switches <= 1) {
    result =
        "two concurrent 64 KiB writes arrive one after the other, not "
        "interleaved";
  } else {
    result = "two concurrent 64 KiB writes arrive interleaved (" +
             std::to_string(switches) + " switches between them)";
  }
  return {"concurrent writers on one endpoint", result};
}

Observation ConcurrentReaders(const FlowUnderTest& flow, std::uint64_t seed) {
  Subject subject = flow.make(seed);
  const Execution e = RunRecorded(
      subject,
      [](Runtime& runtime, Flow& a, Flow& b, Subject&) {
        auto writer = [](Flow& f, Runtime& r) -> Task<void> {
          for (int i = 0; i < 20; ++i) {
            co_await f.write(Fill('r', 1024));
            co_await r.sleep(std::chrono::microseconds(200));
          }
          co_await f.close();
        };
        runtime.spawn(writer(a, runtime), "A-writer");
        runtime.spawn(ReadToEnd(b, nullptr), "B-reader-1");
        runtime.spawn(ReadToEnd(b, nullptr), "B-reader-2");
        runtime.spawn(b.close(), "B-close");
      },
      RunLimits{.watchdog = std::chrono::seconds(5)});
  int data_reads = 0;
  for (const Operation& op : e.history.operations()) {
    if (op.side == Side::kB && op.kind == OpKind::kRead && op.completed() &&
        op.read_result->is_data()) {
      ++data_reads;
    }
  }
  return {"concurrent readers on one endpoint",
          std::to_string(data_reads) +
              " reads returned data to two concurrent readers of 20 x 1 KiB; "
              "each byte went to exactly one reader"};
}

Observation BufferingDepth(const FlowUnderTest& flow, std::uint64_t seed) {
  Subject subject = flow.make(seed);
  constexpr std::uint64_t kChunk = 4096;
  constexpr int kMaxChunks = 4096;  // 16 MiB
  const Execution e = RunRecorded(
      subject,
      [](Runtime& runtime, Flow& a, Flow&, Subject&) {
        auto writer = [](Flow& f) -> Task<void> {
          for (int i = 0; i < kMaxChunks; ++i) {
            if (!(co_await f.write(Fill('d', kChunk))).is_ok()) co_return;
          }
        };
        runtime.spawn(writer(a), "A-writer");
      },
      RunLimits{.watchdog = std::chrono::milliseconds(500)});
  std::uint64_t accepted = 0;
  bool waited = false;
  for (const Operation& op : e.history.operations()) {
    if (op.side != Side::kA || !op.is_write()) continue;
    if (op.completed() && op.write_result->is_ok()) accepted += op.write_size();
    if (!op.completed()) waited = true;
  }
  std::string result =
      waited ? "writes wait for the reader once about " +
                   std::to_string(accepted / 1024) +
                   " KiB are accepted with nobody reading"
             : "accepted all " + std::to_string(accepted / 1024) +
                   " KiB written with nobody reading (no limit seen)";
  return {"bytes accepted before write waits", result};
}

Observation ReadAfterOwnClose(const FlowUnderTest& flow, std::uint64_t seed) {
  Subject subject = flow.make(seed);
  const Execution e = RunRecorded(
      subject,
      [](Runtime& runtime, Flow& a, Flow&, Subject&) {
        auto read_later = [](Flow& f, Runtime& r) -> Task<void> {
          co_await r.sleep(std::chrono::milliseconds(1));
          co_await f.read();
        };
        runtime.spawn(a.close(), "A-close");  // pends: B never closes
        runtime.spawn(read_later(a, runtime), "A-read-after-close");
      },
      RunLimits{.watchdog = std::chrono::milliseconds(300)});
  return {"read after own close, peer silent",
          "A's read " + Outcome(e, Side::kA, OpKind::kRead, 0) +
              " (C3 expects it to stay pending)"};
}

}  // namespace

const std::vector<ObservationCase>& AllObservations() {
  static const std::vector<ObservationCase>* all =
      new std::vector<ObservationCase>{
          {"double close", DoubleClose},
          {"zero-length write", ZeroLengthWrite},
          {"concurrent writers on one endpoint", ConcurrentWriters},
          {"concurrent readers on one endpoint", ConcurrentReaders},
          {"bytes accepted before write waits", BufferingDepth},
          {"read after own close, peer silent", ReadAfterOwnClose},
      };
  return *all;
}

std::vector<std::string> ObservationNames() {
  std::vector<std::string> names;
  for (const ObservationCase& observation : AllObservations()) {
    names.push_back(observation.name);
  }
  return names;
}

std::vector<Observation> Observe(const FlowUnderTest& flow,
                                 std::uint64_t seed) {
  std::vector<Observation> out;
  for (const ObservationCase& observation : AllObservations()) {
    out.push_back(observation.run(flow, seed));
  }
  return out;
}

}  // namespace flowcheck::conformance
