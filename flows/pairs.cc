#include "flows/pairs.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "asio/ip/address_v4.hpp"
#include "asio/ip/tcp.hpp"
#include "asio/local/connect_pair.hpp"
#include "asio/local/stream_protocol.hpp"
#include "asio/posix/stream_descriptor.hpp"
#include "flows/pipe_stream.h"

namespace flowcheck::flows {
namespace {

// Throws std::system_error with `error` and `what` ("bind to ...").
void ThrowIf(const asio::error_code& error, const std::string& what) {
  if (error) throw std::system_error(error, what);
}

// A raw descriptor from pipe2(), closed unless handed over.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(other.release()) {}
  OwnedFd& operator=(OwnedFd&&) = delete;
  ~OwnedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

// One pipe's two ends, or throws.
std::pair<OwnedFd, OwnedFd> MakePipe(const char* direction) {
  std::array<int, 2> fds{-1, -1};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::system_category(),
                            std::string("pipe2 for ") + direction);
  }
  return {OwnedFd(fds[0]), OwnedFd(fds[1])};
}

// Wraps `fd` in a stream_descriptor on `io`, or throws (closing `fd`).
asio::posix::stream_descriptor Wrap(asio::io_context& io, OwnedFd& fd,
                                    const char* what) {
  asio::posix::stream_descriptor descriptor(io);
  asio::error_code error;
  descriptor.assign(fd.release(), error);
  ThrowIf(error, std::string("registering ") + what + " with Asio");
  return descriptor;
}

const std::vector<Transport>& Transports() {
  static const auto* transports = new std::vector<Transport>{
      {"socketpair", ConnectSocketPair, true, false,
       "Abort resets the peer (ECONNRESET) only if bytes the peer sent were "
       "still unread in the aborted socket; otherwise the peer reads Eof, as "
       "after a close"},
      {"tcp", ConnectTcpLoopback, true, true,
       "loopback only; Abort sends RST (SO_LINGER 0), so the peer's reads and "
       "writes fail with ECONNRESET or EPIPE"},
      {"pipes", ConnectPipes, false, false,
       "no reset: when the peer aborts or dies this side reads Eof (it cannot "
       "tell a crash from a close) and its writes fail with EPIPE"},
  };
  return *transports;
}

}  // namespace

Endpoints ConnectSocketPair(AsioRuntime& runtime) {
  asio::local::stream_protocol::socket a(runtime.io_context());
  asio::local::stream_protocol::socket b(runtime.io_context());
  asio::error_code error;
  asio::local::connect_pair(a, b, error);
  ThrowIf(error, "socketpair(AF_UNIX, SOCK_STREAM)");
  return Endpoints{MakeStreamFlow(runtime, std::move(a), "socketpair A"),
                   MakeStreamFlow(runtime, std::move(b), "socketpair B")};
}

Endpoints ConnectTcpLoopback(AsioRuntime& runtime) {
  asio::io_context& io = runtime.io_context();
  const asio::ip::tcp::endpoint any_port(asio::ip::address_v4::loopback(), 0);
  asio::error_code error;

  asio::ip::tcp::acceptor acceptor(io);
  acceptor.open(any_port.protocol(), error);
  ThrowIf(error, "opening a TCP socket to listen on");
  acceptor.bind(any_port, error);
  ThrowIf(error, "bind to 127.0.0.1:0");
  acceptor.listen(8, error);
  ThrowIf(error, "listen on 127.0.0.1");
  const asio::ip::tcp::endpoint listening = acceptor.local_endpoint(error);
  ThrowIf(error, "getsockname of the listening socket");

  // Blocking connect: the kernel completes the handshake from the listen
  // queue, before accept().
  asio::ip::tcp::socket a(io);
  a.connect(listening, error);
  ThrowIf(error, "connect to 127.0.0.1:" + std::to_string(listening.port()));
  const asio::ip::tcp::endpoint a_address = a.local_endpoint(error);
  ThrowIf(error, "getsockname of the connecting socket");

  // Another process may connect to the ephemeral port first: accept until
  // the connection is A's own, dropping strangers.
  for (int attempt = 0; attempt < 16; ++attempt) {
    asio::ip::tcp::socket b(io);
    acceptor.accept(b, error);
    ThrowIf(error, "accept on 127.0.0.1:" + std::to_string(listening.port()));
    asio::error_code peer_error;
    if (b.remote_endpoint(peer_error) != a_address || peer_error) continue;
    acceptor.close(error);
    a.set_option(asio::ip::tcp::no_delay(true), error);
    ThrowIf(error, "setting TCP_NODELAY");
    b.set_option(asio::ip::tcp::no_delay(true), error);
    ThrowIf(error, "setting TCP_NODELAY");
    return Endpoints{MakeStreamFlow(runtime, std::move(a), "tcp A"),
                     MakeStreamFlow(runtime, std::move(b), "tcp B")};
  }
  throw std::system_error(
      std::make_error_code(std::errc::connection_refused),
      "accept on 127.0.0.1:" + std::to_string(listening.port()) +
          ": only other processes' connections arrived");
}

Endpoints ConnectPipes(AsioRuntime& runtime) {
  asio::io_context& io = runtime.io_context();
  auto [b_reads, a_writes] = MakePipe("A to B");
  auto [a_reads, b_writes] = MakePipe("B to A");
  PipeStream a(Wrap(io, a_reads, "A's read end"),
               Wrap(io, a_writes, "A's write end"));
  PipeStream b(Wrap(io, b_reads, "B's read end"),
               Wrap(io, b_writes, "B's write end"));
  return Endpoints{MakeStreamFlow(runtime, std::move(a), "pipes A"),
                   MakeStreamFlow(runtime, std::move(b), "pipes B")};
}

FlowPair::~FlowPair() {
  if (runtime) runtime->DestroyTasks();
  b.reset();
  a.reset();
  runtime.reset();
}

namespace {

FlowPair OnNewRuntime(const std::function<Endpoints(AsioRuntime&)>& connect) {
  FlowPair pair;
  pair.runtime = std::make_unique<AsioRuntime>();
  Endpoints endpoints = connect(*pair.runtime);
  pair.a = std::move(endpoints.a);
  pair.b = std::move(endpoints.b);
  return pair;
}

}  // namespace

FlowPair MakeSocketPair() { return OnNewRuntime(&ConnectSocketPair); }
FlowPair MakeTcpLoopbackPair() { return OnNewRuntime(&ConnectTcpLoopback); }
FlowPair MakePipePair() { return OnNewRuntime(&ConnectPipes); }

std::span<const Transport> AllTransports() { return Transports(); }

FlowPair MakePair(const Transport& transport) {
  return OnNewRuntime(transport.connect);
}

}  // namespace flowcheck::flows
