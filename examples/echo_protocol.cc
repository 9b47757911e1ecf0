#include "examples/echo_protocol.h"

#include <cstdint>
#include <utility>

namespace echo {
namespace {

using flowcheck::Buffer;
using flowcheck::Flow;
using flowcheck::ReadResult;
using flowcheck::Task;

enum class Got { kFrame, kEnd, kFailed };

// Reads bytes into `pending` until it holds at least `count`. A flow may
// split or merge writes any way it likes, so a protocol must never assume
// that one read returns one write.
Task<Got> Fill(Flow& flow, std::string& pending, std::size_t count) {
  while (pending.size() < count) {
    ReadResult result = co_await flow.read();
    if (result.is_eof()) co_return Got::kEnd;
    if (result.is_error()) co_return Got::kFailed;
    pending += result.data().view();
  }
  co_return Got::kFrame;
}

Buffer Frame(const std::string& message) {
  const std::uint32_t n = static_cast<std::uint32_t>(message.size());
  std::string framed = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                        static_cast<char>(n >> 8), static_cast<char>(n)};
  framed += message;
  return Buffer::FromString(std::move(framed));
}

// Takes one frame off the front of `pending` into `message`, reading more
// as needed.
Task<Got> NextFrame(Flow& flow, std::string& pending, std::string& message) {
  Got got = co_await Fill(flow, pending, 4);
  if (got != Got::kFrame) co_return got;
  std::size_t n = 0;
  for (int i = 0; i < 4; ++i) {
    n = (n << 8) | static_cast<unsigned char>(pending[i]);
  }
  got = co_await Fill(flow, pending, 4 + n);
  if (got != Got::kFrame) co_return got == Got::kEnd ? Got::kFailed : got;
  message = pending.substr(4, n);
  pending.erase(0, 4 + n);
  co_return Got::kFrame;
}

Task<std::optional<std::vector<std::string>>> ReadEchoes(Flow& flow,
                                                         std::size_t count) {
  std::vector<std::string> echoes;
  std::string pending;
  std::string echo;
  while (echoes.size() < count) {
    if (co_await NextFrame(flow, pending, echo) != Got::kFrame) {
      co_return std::nullopt;
    }
    echoes.push_back(echo);
  }
  co_return echoes;
}

}  // namespace

Task<std::optional<int>> Serve(Flow& flow) {
  std::string pending;
  std::string message;
  int echoed = 0;
  while (true) {
    const Got got = co_await NextFrame(flow, pending, message);
    if (got == Got::kEnd && pending.empty()) break;
    if (got != Got::kFrame) co_return std::nullopt;
    if (!(co_await flow.write(Frame(message))).is_ok()) co_return std::nullopt;
    ++echoed;
  }
  co_await flow.close();
  co_return echoed;
}

Task<std::optional<std::vector<std::string>>> Call(
    Flow& flow, std::vector<std::string> messages) {
  std::vector<std::string> echoes;
  for (const std::string& message : messages) {
    if (!(co_await flow.write(Frame(message))).is_ok()) co_return std::nullopt;
    std::optional<std::vector<std::string>> echo = co_await ReadEchoes(flow, 1);
    if (!echo) co_return std::nullopt;
    echoes.push_back(std::move(echo->front()));
  }
  // The server sees Eof and closes too; our close returns once it has (C4).
  co_await flow.close();
  co_return echoes;
}

Task<std::optional<std::vector<std::string>>> CallAllThenRead(
    Flow& flow, std::vector<std::string> messages) {
  std::vector<Buffer> frames;
  for (const std::string& message : messages) frames.push_back(Frame(message));
  if (!(co_await flow.writev(std::move(frames))).is_ok())
    co_return std::nullopt;
  std::optional<std::vector<std::string>> echoes =
      co_await ReadEchoes(flow, messages.size());
  co_await flow.close();
  co_return echoes;
}

}  // namespace echo
