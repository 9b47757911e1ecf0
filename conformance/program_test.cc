#include "conformance/program.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "conformance/sim_subject.h"

namespace flowcheck::conformance {
namespace {

Program Example() {
  Program program;
  program.seed = 5;
  program.a.ops = {{ProgramOp::Kind::kWrite, {100}, 0},
                   {ProgramOp::Kind::kWritev, {3, 0, 17}, 0},
                   {ProgramOp::Kind::kPause, {}, 40}};
  program.b.ops = {{ProgramOp::Kind::kClose, {}, 0},
                   {ProgramOp::Kind::kWrite, {5}, 0}};
  program.b.readers = 2;
  return program;
}

TEST(ProgramTest, PrintsOneOperationPerLine) {
  Program program = Example();
  program.Normalize();
  EXPECT_EQ(program.ToString(),
            "seed 5\n"
            "  A1: write 100 bytes\n"
            "  A2: writev [3, 0, 17]\n"
            "  A3: pause 40us\n"
            "  A4: close\n"
            "  A: 1 reader until Eof\n"
            "  B1: close\n"
            "  B2: write 5 bytes\n"
            "  B: 2 concurrent readers until Eof\n");
}

// RunProgram skips its copy of a program that IsNormal() says Normalize()
// would not change: the two must agree on every program.
TEST(ProgramTest, IsNormalExactlyWhenNormalizeChangesNothing) {
  std::uint64_t state = 12345;
  auto pick = [&state](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  int normal = 0;
  int not_normal = 0;
  for (int i = 0; i < 3000; ++i) {
    Program program;
    program.seed = i;
    for (EndpointProgram* endpoint : {&program.a, &program.b}) {
      const std::uint64_t ops = pick(4);
      for (std::uint64_t k = 0; k < ops; ++k) {
        ProgramOp op;
        op.kind = static_cast<ProgramOp::Kind>(pick(6));
        for (std::uint64_t n = pick(3); n > 0; --n) {
          op.sizes.push_back(static_cast<std::uint32_t>(pick(5)));
        }
        op.actor = pick(4) == 0 ? ProgramOp::Actor::kCloser
                                : ProgramOp::Actor::kWriter;
        endpoint->ops.push_back(op);
      }
      // Mostly in range, sometimes out of it.
      endpoint->readers = pick(8) == 0 ? 3 : static_cast<int>(1 + pick(2));
      endpoint->reads_after_eof = pick(8) == 0 ? 1001 : 0;
      endpoint->reads_after_error = pick(8) == 0 ? -1 : 2;
    }
    // Half of them normal, some of those then off by one thing.
    if (pick(2) == 0) {
      program.Normalize();
      EndpointProgram& endpoint = pick(2) == 0 ? program.a : program.b;
      ProgramOp& op = endpoint.ops[pick(endpoint.ops.size())];
      switch (pick(8)) {
        case 0:
          op.actor = ProgramOp::Actor::kCloser;
          break;
        case 1:
          op.sizes.clear();
          break;
        case 2:
          op.sizes.push_back(1);
          break;
        case 3:
          endpoint.readers = 0;
          break;
        case 4:
          endpoint.reads_after_eof = 1001;
          break;
        case 5:
          std::erase_if(endpoint.ops, [](const ProgramOp& each) {
            return each.kind == ProgramOp::Kind::kClose;
          });
          break;
        default:
          break;  // stays normal
      }
    }
    Program normalized = program;
    normalized.Normalize();
    EXPECT_EQ(program.IsNormal(), program == normalized) << program.ToString();
    EXPECT_TRUE(normalized.IsNormal()) << normalized.ToString();
    (program == normalized ? normal : not_normal)++;
  }
  EXPECT_GE(normal, 100);
  EXPECT_GE(not_normal, 100);
}

TEST(ProgramTest, NormalizeKeepsEveryCloseAndAddsOneWhereMissing) {
  Program program;
  program.a.ops = {{ProgramOp::Kind::kClose, {}, 0},
                   {ProgramOp::Kind::kClose, {}, 0}};
  program.a.readers = 7;
  program.Normalize();
  EXPECT_EQ(program.a.ops.size(), 2u);  // double close stays legal
  EXPECT_EQ(program.a.readers, 2);
  EXPECT_EQ(program.b.ops.size(), 1u);  // a close was added
}

TEST(ProgramTest, ACloserTaskClosesTwiceWhileTheWriterWritesOn) {
  Program program;
  program.seed = 9;
  ProgramOp close{ProgramOp::Kind::kClose, {}, 0};
  close.actor = ProgramOp::Actor::kCloser;
  program.a.ops = {{ProgramOp::Kind::kWrite, {70000}, 0},
                   close,
                   {ProgramOp::Kind::kPause, {}, 500},
                   {ProgramOp::Kind::kWritev, {0, 0, 1, 0}, 0},
                   close};
  program.Normalize();
  EXPECT_EQ(program.ToString(),
            "seed 9\n"
            "  A1 writer: write 70000 bytes\n"
            "  A2 closer: close\n"
            "  A3 writer: pause 500us\n"
            "  A4 writer: writev [0, 0, 1, 0]\n"
            "  A5 closer: close\n"
            "  A: 1 reader until Eof\n"
            "  B1: close\n"
            "  B: 1 reader until Eof\n");
  Subject subject = MakeSimSubject(9);
  const Execution execution = RunProgram(subject, program);
  EXPECT_TRUE(execution.ok()) << execution.Explain();
  int closes = 0;
  bool closed_by_closer = false;
  for (const Operation& op : execution.history.operations()) {
    if (op.side == Side::kA && op.kind == OpKind::kClose) {
      ++closes;
      closed_by_closer = op.task == "A-closer";
    }
  }
  EXPECT_EQ(closes, 2);
  EXPECT_TRUE(closed_by_closer);
}

TEST(ProgramTest, LongRunsOfPartsPrintShort) {
  ProgramOp op{ProgramOp::Kind::kWritev, {0, 0, 0, 0, 0, 1, 1, 7, 9, 65536}, 0};
  EXPECT_EQ(op.ToString(),
            "writev 10 parts [0 x5, 1, 1, 7, 9, 65536] = 65554 bytes");
}

TEST(ProgramTest, RunsOnTheSimulatedFlowAndPasses) {
  Subject subject = MakeSimSubject(5);
  const Execution execution = RunProgram(subject, Example());
  EXPECT_TRUE(execution.ok()) << execution.Explain();
  EXPECT_TRUE(execution.run.all_done()) << execution.Explain();
  EXPECT_EQ(execution.evidence(), Evidence::kExact);
  // B's write after its close returned Closed (W2), as recorded.
  bool saw_closed = false;
  for (const Operation& op : execution.history.operations()) {
    if (op.side == Side::kB && op.is_write()) {
      saw_closed = op.write_result->is_closed();
    }
  }
  EXPECT_TRUE(saw_closed);
  EXPECT_EQ(subject.a, nullptr);  // consumed
}

// A flow whose read throws: the exception leaves the task, and RunFor.
class ReadThrowsFlow : public FlowWrapper {
 public:
  using FlowWrapper::FlowWrapper;
  Task<ReadResult> read() override {
    throw std::runtime_error("the flow's read threw");
    co_return ReadResult::Eof();
  }
};

// A flow that counts its pending reads, as flows keep their own
// bookkeeping: a read's frame updates the flow when it ends, also when it
// is destroyed while suspended.
// The count lives outside the flow here, so the test can read it after the
// flow is gone.
class CountsReadsFlow : public FlowWrapper {
 public:
  struct Counts {
    int started = 0;
    int pending = 0;
  };
  CountsReadsFlow(std::unique_ptr<Flow> target, Counts& counts)
      : FlowWrapper(std::move(target)), counts_(&counts) {}
  Task<ReadResult> read() override {
    struct Pending {
      explicit Pending(Counts*& counts) : owner(counts) {
        ++owner->started;
        ++owner->pending;
      }
      ~Pending() { --owner->pending; }
      Counts*& owner;  // the flow's member: read when the frame ends
    } pending(counts_);
    co_return co_await target().read();
  }

 private:
  Counts* counts_;
};

// The exception reaches RunProgram's caller while B's reader is still
// suspended in B's read. Its frame must be destroyed before the flow it
// belongs to (under ASan: no use after free when it ends), and the subject
// is still destroyed cleanly afterwards.
TEST(ProgramTest, AFlowThatThrowsLeavesNoTaskBehindItsFlows) {
  Subject subject = MakeSimSubject(5);
  subject.a = std::make_unique<ReadThrowsFlow>(std::move(subject.a));
  CountsReadsFlow::Counts counts;
  subject.b = std::make_unique<CountsReadsFlow>(std::move(subject.b), counts);
  Program program;
  program.seed = 5;
  // A closes only after 10 ms and its reader reads (and throws) after 1 ms:
  // by then B's reader has waited in the flow's read for 1 ms.
  program.a.ops = {{ProgramOp::Kind::kPause, {}, 10000}};
  program.a.read_pause_us = 1000;
  program.Normalize();
  EXPECT_THROW(RunProgram(subject, program), std::runtime_error);
  EXPECT_EQ(counts.started, 1);  // B's read was under way ...
  EXPECT_EQ(counts.pending, 0);  // ... and its frame ended with the run
}

}  // namespace
}  // namespace flowcheck::conformance
