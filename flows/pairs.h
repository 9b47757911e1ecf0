// flows/pairs.h: ready-made connected pairs of real flows -- a Unix-domain
// socketpair, a TCP connection over loopback, and two pipes -- each
// returning the two endpoints, A and B, and the AsioRuntime they run on.
//
//   FlowPair pair = MakeTcpLoopbackPair();
//   pair.runtime->spawn(Client(*pair.a), "client");
//   pair.runtime->spawn(Server(*pair.b), "server");
//   RunReport report = RunWithWatchdog(*pair.runtime,
//   std::chrono::seconds(30));
//
// All three keep every MUST clause of docs/spec.md through StreamFlow
// (flows/stream_flow.h says how). What each transport cannot do is in
// Transport::limits and docs/flows.md; in short, pipes have no reset.
//
// Failure: creating a pair asks the OS for descriptors (socketpair, socket,
// bind, listen, connect, accept, pipe2); if any call fails, the factory
// throws std::system_error whose what() names the call ("bind to
// 127.0.0.1:0: Address already in use") and whose code() is the OS error,
// after closing every descriptor it had opened.
//
// Ownership: the caller owns the endpoints and (for FlowPair) the runtime.
// Flows must be destroyed before their runtime, tasks that use them before
// the flows; FlowPair's destructor does it in that order. Threads: create
// and use pairs on the thread that runs the runtime.
#ifndef FLOWCHECK_FLOWS_PAIRS_H_
#define FLOWCHECK_FLOWS_PAIRS_H_

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "flows/asio_runtime.h"
#include "flows/stream_flow.h"

namespace flowcheck::flows {

// Two connected endpoints on a runtime the caller provides.
struct Endpoints {
  std::unique_ptr<StreamFlow> a;
  std::unique_ptr<StreamFlow> b;
};

// A Unix-domain SOCK_STREAM socketpair: A and B are its two sockets, named
// "socketpair A" and "socketpair B". Throws std::system_error.
Endpoints ConnectSocketPair(AsioRuntime& runtime);

// TCP over 127.0.0.1 only: listens on an ephemeral port (port 0), connects
// A to it, accepts B -- checking that the accepted peer is A's own address
// and port, so a stranger connecting to the port is turned away -- and
// closes the listening socket. TCP_NODELAY is set on both ends. Names "tcp
// A" and "tcp B". Throws std::system_error.
Endpoints ConnectTcpLoopback(AsioRuntime& runtime);

// Two pipes, one per direction (A's write end feeds B's read end and back),
// as PipeStreams (flows/pipe_stream.h). Names "pipes A" and "pipes B".
// Throws std::system_error.
Endpoints ConnectPipes(AsioRuntime& runtime);

// A new runtime with two connected endpoints on it.
struct FlowPair {
  std::unique_ptr<AsioRuntime> runtime;
  std::unique_ptr<StreamFlow> a;
  std::unique_ptr<StreamFlow> b;

  FlowPair() = default;
  FlowPair(FlowPair&&) = default;
  FlowPair& operator=(FlowPair&&) = delete;
  // Destroys the runtime's unfinished tasks, then b and a, then the
  // runtime (any member may already be null, e.g. moved out).
  ~FlowPair();
};

// ConnectSocketPair / ConnectTcpLoopback / ConnectPipes on a new runtime.
// Throw std::system_error.
FlowPair MakeSocketPair();
FlowPair MakeTcpLoopbackPair();
FlowPair MakePipePair();

// One kind of transport, for tests parameterized over all of them.
struct Transport {
  std::string name;  // "socketpair", "tcp", "pipes"
  // Connects a pair on `runtime`; may carry state (an address, options, a
  // context for a layer). Throws std::runtime_error if it cannot.
  std::function<Endpoints(AsioRuntime& runtime)> connect;
  // Whether StreamFlow::Abort on one end, while it holds bytes the other
  // end sent and it never read, makes the other end's pending and later
  // reads fail with kConnectionReset (true), or makes them read Eof (false:
  // pipes cannot signal a reset).
  bool abort_resets_peer;
  // Whether StreamFlow::Abort on one end always breaks the connection for
  // the other end, whatever it holds (TCP sends RST): then a conformance
  // world can inject a reset on request (E1).
  bool can_inject_reset;
  // One sentence: what this transport cannot do.
  std::string limits;
};

// socketpair, tcp, pipes -- in that order.
std::span<const Transport> AllTransports();

// transport.connect on a new runtime.
FlowPair MakePair(const Transport& transport);

}  // namespace flowcheck::flows

#endif  // FLOWCHECK_FLOWS_PAIRS_H_
