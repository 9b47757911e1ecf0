#include "conformance/relay_subject.h"

#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "asio/ip/tcp.hpp"
#include "conformance/isolate.h"
#include "flows/asio_runtime.h"
#include "flows/child_process.h"
#include "flows/stream_flow.h"
#include "sim/units.h"

namespace flowcheck::conformance {
namespace {

using Clock = std::chrono::steady_clock;
using asio::ip::tcp;

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A loopback port nobody listens on right now (bound, read, released).
std::uint16_t FreePort(asio::io_context& io) {
  tcp::acceptor probe(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return probe.local_endpoint().port();
}

Subject MakeRelaySubject(const RelayOptions& options) {
  flows::IgnoreSigpipe();
  auto runtime = std::make_unique<flows::AsioRuntime>();
  asio::io_context& io = runtime->io_context();
  tcp::acceptor upstream(io,
                         tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  upstream.non_blocking(true);
  const std::uint16_t upstream_port = upstream.local_endpoint().port();
  const std::uint16_t listen_port = FreePort(io);
  const std::string command =
      Replace(Replace(options.command, "{listen}", std::to_string(listen_port)),
              "{upstream}", std::to_string(upstream_port));
  const std::string who = "the relay `" + command + "`";
  auto started = flows::ChildProcess::Start(command);
  if (auto* error = std::get_if<std::string>(&started)) {
    throw CaseAbandoned(who + " could not be started: " + *error);
  }
  std::shared_ptr<flows::ChildProcess> process =
      std::move(std::get<0>(started));
  process->CloseStdin();
  const auto deadline = Clock::now() + options.start_timeout;
  const std::string limit = sim::FormatDuration(options.start_timeout.count());

  // A: connect until the relay listens.
  tcp::socket a(io);
  while (true) {
    asio::error_code error;
    a.connect(tcp::endpoint(asio::ip::address_v4::loopback(), listen_port),
              error);
    if (!error) break;
    a.close();
    if (process->Exited()) {
      throw CaseAbandoned(who + " " + process->Status() +
                          " before it listened on 127.0.0.1:" +
                          std::to_string(listen_port) + process->StderrNote());
    }
    if (Clock::now() >= deadline) {
      throw CaseAbandoned(who + " did not listen on 127.0.0.1:" +
                          std::to_string(listen_port) + " within " + limit +
                          " (" + error.message() + ")" + process->StderrNote());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // B: the relay's connection onward.
  tcp::socket b(io);
  while (true) {
    asio::error_code error;
    upstream.accept(b, error);
    if (!error) break;
    if (error != asio::error::would_block && error != asio::error::try_again) {
      throw CaseAbandoned("accept on the upstream port failed: " +
                          error.message());
    }
    if (process->Exited()) {
      throw CaseAbandoned(who + " " + process->Status() +
                          " before it connected to the upstream port " +
                          std::to_string(upstream_port) +
                          process->StderrNote());
    }
    if (Clock::now() >= deadline) {
      throw CaseAbandoned(who + " took the connection on 127.0.0.1:" +
                          std::to_string(listen_port) +
                          " but did not connect to the upstream port " +
                          std::to_string(upstream_port) + " within " + limit +
                          process->StderrNote());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  upstream.close();
  b.non_blocking(false);
  asio::error_code ignored;
  a.set_option(tcp::no_delay(true), ignored);
  b.set_option(tcp::no_delay(true), ignored);
  auto flow_a = flows::MakeStreamFlow(*runtime, std::move(a), "relay A");
  auto flow_b = flows::MakeStreamFlow(*runtime, std::move(b), "relay B");
  Subject subject(std::move(runtime), std::move(flow_a), std::move(flow_b));
  // A failing case shows what the relay said. The hook also owns the
  // relay: it dies with the Subject, its process group killed.
  subject.world_log = [process] {
    const std::string lines = process->StderrLines("  ");
    return lines.empty() ? std::string() : "the relay's stderr:\n" + lines;
  };
  return subject;
}

}  // namespace

std::variant<FlowUnderTest, std::string> RelayFlowUnderTest(
    const RelayOptions& options) {
  for (const char* placeholder : {"{listen}", "{upstream}"}) {
    if (options.command.find(placeholder) == std::string::npos) {
      return "the relay command must contain " + std::string(placeholder) +
             " (where the relay listens, and where it connects onward), "
             "e.g. 'socat TCP-LISTEN:{listen},bind=127.0.0.1,reuseaddr "
             "TCP:127.0.0.1:{upstream}'";
    }
  }
  std::string first = options.command.substr(0, options.command.find(' '));
  first = first.substr(first.rfind('/') + 1);
  for (char& c : first) {
    if (c == '{' || c == '}') c = '_';
  }
  FlowUnderTest flow;
  flow.name = "relay-" + first;
  flow.description = "the path A <-> relay <-> B over TCP loopback through `" +
                     options.command + "`";
  flow.capabilities.inject_reset = false;
  flow.make = [options](std::uint64_t) { return MakeRelaySubject(options); };
  return flow;
}

}  // namespace flowcheck::conformance
