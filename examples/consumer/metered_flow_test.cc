// The meter counts what crossed it: one conversation between two metered
// endpoints in the simulation, including a write after close that must not
// count.
#include "metered_flow.h"

#include <gtest/gtest.h>

#include <string>

#include "conformance/sim_subject.h"

namespace consumer {
namespace {

using flowcheck::Buffer;
using flowcheck::Flow;
using flowcheck::ReadResult;
using flowcheck::Task;
using flowcheck::WriteResult;

// (Buffers are made before each co_await: gcc 12 cannot compile a string
// literal argument inside a co_await expression, "array used as
// initializer".)
Task<void> Send(Flow& flow, WriteResult& late_write) {
  Buffer hello = Buffer::FromString(std::string("hello, "));
  EXPECT_TRUE((co_await flow.write(std::move(hello))).is_ok());
  std::vector<Buffer> world = {Buffer::FromString(std::string("wor")),
                               Buffer::FromString(std::string("ld"))};
  EXPECT_TRUE((co_await flow.writev(std::move(world))).is_ok());
  co_await flow.close();
  Buffer late = Buffer::FromString(std::string("too late"));
  late_write = co_await flow.write(std::move(late));
}

Task<void> Receive(Flow& flow, std::string& received) {
  for (;;) {
    const ReadResult result = co_await flow.read();
    if (!result.is_data()) break;
    received += result.data().view();
  }
  co_await flow.close();
}

TEST(MeteredFlowTest, CountsWhatCrossesIt) {
  flowcheck::conformance::Subject subject =
      flowcheck::conformance::MakeSimSubject(/*seed=*/7);
  auto meter = std::make_shared<Meter>();
  subject.a = std::make_unique<MeteredFlow>(std::move(subject.a), meter);
  subject.b = std::make_unique<MeteredFlow>(std::move(subject.b), meter);
  WriteResult late_write = WriteResult::Ok();
  std::string received;
  subject.runtime->spawn(Send(*subject.a, late_write), "send");
  subject.runtime->spawn(Receive(*subject.b, received), "receive");
  subject.runtime->run();

  EXPECT_EQ(received, "hello, world");
  EXPECT_TRUE(late_write.is_closed()) << late_write;
  EXPECT_EQ(meter->bytes_written, 12u);  // not the 8 bytes written too late
  EXPECT_EQ(meter->bytes_read, 12u);
}

}  // namespace
}  // namespace consumer
