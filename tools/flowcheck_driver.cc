// flowcheck_driver: a driver (docs/driver-protocol.md) for flowcheck's own
// real transports, optionally wrapped by a mutant of the zoo. It exists to
// prove that the protocol loses nothing: the same flow must get the same
// verdicts through it as in process (conformance/driver_equivalence_test).
// It is also the reference a driver in another language can be compared
// with.
//
//   flowcheck_driver [--flow=socketpair|tcp|pipes] [--mutant=NAME]
//
// Reads requests on stdin, answers on stdout, one JSON object per line;
// exits when stdin ends. Diagnostics go to stderr.
#include <unistd.h>

#include <coroutine>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "conformance/driver_protocol.h"
#include "conformance/mutants.h"
#include "flows/asio_runtime.h"
#include "flows/line_pipe.h"
#include "flows/pairs.h"
#include "flows/stream_flow.h"

namespace flowcheck {
namespace {

using conformance::driver::Call;
using conformance::driver::Reply;
using conformance::driver::Request;

constexpr std::string_view kUsage = R"(usage: flowcheck_driver [flags]

A driver for flowcheck's driver protocol (docs/driver-protocol.md) serving
flowcheck's own real transports. Start it through flowcheck:

  flowcheck certify --driver='flowcheck_driver --flow=tcp'

flags:
  --flow=NAME     socketpair (default), tcp or pipes
  --mutant=NAME   wrap each pair with a mutant of the zoo (flowcheck
                  certify --list names them)
  -h, --help      this text
)";

// Parks the main task until stdin has ended.
class EndAwaiter {
 public:
  EndAwaiter(flows::AsioRuntime& runtime, bool& ended,
             std::shared_ptr<flows::ParkedCoroutine>& ticket)
      : runtime_(runtime), ended_(ended), ticket_(ticket) {}
  ~EndAwaiter() {
    if (ticket_) ticket_->Abandon();
    ticket_.reset();
  }
  bool await_ready() const { return ended_; }
  void await_suspend(std::coroutine_handle<> handle) {
    ticket_ = runtime_.Park(handle, "stdin: waiting for requests");
  }
  void await_resume() const {}

 private:
  flows::AsioRuntime& runtime_;
  bool& ended_;
  std::shared_ptr<flows::ParkedCoroutine>& ticket_;
};

class Driver {
 public:
  Driver(const flows::Transport& transport, const conformance::Mutant* mutant)
      : transport_(transport),
        mutant_(mutant),
        in_(runtime_, ::dup(0), std::size_t{64} << 20),
        out_(runtime_, ::dup(1)) {}

  ~Driver() {
    runtime_.DestroyTasks();
    pairs_.clear();
  }

  int Run() {
    conformance::driver::Hello hello;
    hello.version = std::string(conformance::driver::kVersion);
    hello.name = std::string(transport_.name) +
                 (mutant_ ? "+" + mutant_->name : std::string()) + "-driver";
    hello.description =
        "flowcheck's " + std::string(transport_.name) +
        (mutant_ ? " mutated by " + mutant_->name : std::string()) +
        ", served by flowcheck_driver";
    hello.can_reset = transport_.can_inject_reset;
    out_.Send(conformance::driver::EncodeHello(hello));
    in_.Start([this](std::string line) { OnLine(line); },
              [this](std::string why) {
                if (why != "end of file") {
                  std::cerr << "flowcheck_driver: stdin: " << why << "\n";
                }
                ended_ = true;
                if (ticket_) runtime_.Wake(ticket_);
              });
    runtime_.spawn(WaitForEnd(), "main");
    // Until stdin ends; operations still pending then (a mutant that hangs
    // on purpose) are destroyed with the driver.
    while (!ended_) runtime_.RunFor(std::chrono::seconds(1));
    return failed_ ? 1 : 0;
  }

 private:
  // One connected pair, kept until exit: tasks of an ended case may still
  // hold its endpoints.
  struct Pair {
    std::int64_t case_id = 0;
    std::unique_ptr<Flow> a;
    std::unique_ptr<Flow> b;
    flows::StreamFlow* raw_a = nullptr;  // for reset
    bool ended = false;
  };

  Task<void> WaitForEnd() { co_await EndAwaiter(runtime_, ended_, ticket_); }

  void Fail(const std::string& why) {
    std::cerr << "flowcheck_driver: " << why << "\n";
    failed_ = true;
  }

  void OnLine(const std::string& line) {
    auto parsed = conformance::driver::ParseRequest(line);
    if (auto* error = std::get_if<std::string>(&parsed)) {
      Fail("a request is not the protocol: " + *error);
      return;
    }
    Request request = std::move(std::get<Request>(parsed));
    switch (request.call) {
      case Call::kStart:
        Start(request);
        return;
      case Call::kEnd:
        End(request);
        return;
      case Call::kReset:
        if (current_ && current_->raw_a) current_->raw_a->Abort();
        Answer(request.op, "ok");
        return;
      case Call::kRead:
      case Call::kWrite:
      case Call::kWritev:
      case Call::kClose:
        break;
    }
    if (!current_) {
      Fail("an operation outside a case: " + conformance::driver::Quote(line));
      return;
    }
    Flow& flow = request.side == 'A' ? *current_->a : *current_->b;
    runtime_.spawn(Perform(current_, flow, std::move(request)),
                   "op " + std::to_string(request.op));
  }

  void Start(const Request& request) {
    flows::Endpoints endpoints = transport_.connect(runtime_);
    auto pair = std::make_shared<Pair>();
    pair->case_id = request.case_id;
    pair->raw_a = endpoints.a.get();
    pair->a = std::move(endpoints.a);
    pair->b = std::move(endpoints.b);
    if (mutant_) conformance::MutatePair(*mutant_, runtime_, pair->a, pair->b);
    pairs_.push_back(pair);
    current_ = pair;
    Reply reply;
    reply.case_id = request.case_id;
    reply.result = "ok";
    out_.Send(conformance::driver::EncodeReply(reply));
  }

  void End(const Request& request) {
    if (current_) {
      current_->ended = true;
      // Pending operations of the case fail and their tasks end; their
      // answers are not sent.
      if (current_->raw_a) current_->raw_a->Abort();
      current_.reset();
    }
    Reply reply;
    reply.case_id = request.case_id;
    reply.result = "ok";
    out_.Send(conformance::driver::EncodeReply(reply));
  }

  void Answer(std::int64_t op, std::string result) {
    Reply reply;
    reply.op = op;
    reply.result = std::move(result);
    out_.Send(conformance::driver::EncodeReply(reply));
  }

  Task<void> Perform(std::shared_ptr<Pair> pair, Flow& flow, Request request) {
    Reply reply;
    reply.op = request.op;
    switch (request.call) {
      case Call::kRead: {
        ReadResult result = co_await flow.read();
        if (result.is_data()) {
          reply.result = "data";
          reply.bytes = result.data().ToString();
        } else if (result.is_eof()) {
          reply.result = "eof";
        } else {
          reply.result = "error";
          reply.code = result.error().code();
          reply.description = result.error().description();
        }
        break;
      }
      case Call::kWrite:
      case Call::kWritev: {
        std::vector<Buffer> parts;
        for (std::string& part : request.parts) {
          parts.push_back(Buffer::FromString(std::move(part)));
        }
        // (No co_await inside ?: -- gcc 12 miscompiles temporaries there.)
        WriteResult result = WriteResult::Ok();
        if (request.call == Call::kWrite) {
          if (parts.empty()) parts.emplace_back();
          result = co_await flow.write(std::move(parts[0]));
        } else {
          result = co_await flow.writev(std::move(parts));
        }
        if (result.is_ok()) {
          reply.result = "ok";
        } else if (result.is_closed()) {
          reply.result = "closed";
        } else {
          reply.result = "error";
          reply.code = result.error().code();
          reply.description = result.error().description();
        }
        break;
      }
      case Call::kClose:
        co_await flow.close();
        reply.result = "ok";
        break;
      default:
        co_return;
    }
    if (!pair->ended) out_.Send(conformance::driver::EncodeReply(reply));
  }

  const flows::Transport& transport_;
  const conformance::Mutant* mutant_;
  flows::AsioRuntime runtime_;
  flows::LineReader in_;
  flows::LineWriter out_;
  std::vector<std::shared_ptr<Pair>> pairs_;
  std::shared_ptr<Pair> current_;
  bool ended_ = false;
  bool failed_ = false;
  std::shared_ptr<flows::ParkedCoroutine> ticket_;
};

int Main(int argc, char** argv) {
  std::string flow = "socketpair";
  const conformance::Mutant* mutant = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (arg.starts_with("--flow=")) {
      flow = std::string(arg.substr(7));
    } else if (arg.starts_with("--mutant=")) {
      mutant = conformance::FindMutant(std::string(arg.substr(9)));
      if (mutant == nullptr) {
        std::cerr << "flowcheck_driver: unknown mutant '" << arg.substr(9)
                  << "'\n";
        return 2;
      }
    } else {
      std::cerr << "flowcheck_driver: unknown argument '" << arg
                << "' (try --help)\n";
      return 2;
    }
  }
  const flows::Transport* transport = nullptr;
  for (const flows::Transport& t : flows::AllTransports()) {
    if (t.name == flow) transport = &t;
  }
  if (transport == nullptr) {
    std::cerr << "flowcheck_driver: unknown flow '" << flow
              << "' (socketpair, tcp or pipes)\n";
    return 2;
  }
  Driver driver(*transport, mutant);
  return driver.Run();
}

}  // namespace
}  // namespace flowcheck

int main(int argc, char** argv) { return flowcheck::Main(argc, argv); }
