#include "bench/peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace flowcheck::bench {
namespace {

constexpr double kSeconds = 0.3;

using Clock = std::chrono::steady_clock;

// Moves bytes from `writer` to `reader` fd in `chunk` writes for about
// kSeconds -- or, with `limit`, until at least that many bytes went --
// a reader thread draining; returns bytes per second.
double Transfer(int writer, int reader, std::size_t chunk,
                std::uint64_t limit = 0) {
  std::vector<char> out(chunk, 'x');
  std::thread drain([reader] {
    std::vector<char> in(1 << 20);
    while (read(reader, in.data(), in.size()) > 0) {
    }
  });
  std::uint64_t bytes = 0;
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration<double>(kSeconds);
  while (limit > 0 ? bytes < limit : Clock::now() < until) {
    for (int i = 0; i < 16; ++i) {
      std::size_t done = 0;
      while (done < chunk) {
        const ssize_t n = write(writer, out.data() + done, chunk - done);
        if (n <= 0) throw std::runtime_error("peer write failed");
        done += static_cast<std::size_t>(n);
      }
      bytes += chunk;
    }
  }
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  close(writer);
  drain.join();
  close(reader);
  return static_cast<double>(bytes) / seconds;
}

double Cached(std::map<std::size_t, double>& cache, std::size_t chunk,
              double (*measure)(std::size_t)) {
  auto it = cache.find(chunk);
  if (it == cache.end()) it = cache.emplace(chunk, measure(chunk)).first;
  return it->second;
}

double MeasureMemcpy(std::size_t chunk) {
  std::vector<char> from(chunk, 'x');
  std::vector<char> to(chunk);
  std::uint64_t bytes = 0;
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration<double>(kSeconds);
  while (Clock::now() < until) {
    for (int i = 0; i < 64; ++i) {
      std::memcpy(to.data(), from.data(), chunk);
      from[i % chunk] = to[(i * 7) % chunk];  // keep the copies observable
      bytes += chunk;
    }
  }
  return static_cast<double>(bytes) /
         std::chrono::duration<double>(Clock::now() - start).count();
}

double MeasureSocketpair(std::size_t chunk) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
    throw std::runtime_error("socketpair failed");
  }
  return Transfer(fds[0], fds[1], chunk);
}

double MeasurePipe(std::size_t chunk) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  return Transfer(fds[1], fds[0], chunk);
}

double MeasureTcp(std::size_t chunk) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only
  socklen_t length = sizeof address;
  if (listener < 0 ||
      bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
          0 ||
      listen(listener, 1) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    throw std::runtime_error("tcp listen on loopback failed");
  }
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
      0) {
    throw std::runtime_error("tcp connect on loopback failed");
  }
  const int server = accept(listener, nullptr, nullptr);
  close(listener);
  const int one = 1;
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return Transfer(client, server, chunk);
}

}  // namespace

double SocketpairOnce(std::size_t chunk, std::uint64_t bytes) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
    throw std::runtime_error("socketpair failed");
  }
  return Transfer(fds[0], fds[1], chunk, bytes);
}

double MemcpyOnce(std::size_t chunk, std::uint64_t bytes) {
  std::vector<char> from(chunk, 'x');
  std::vector<char> to(chunk);
  std::uint64_t copied = 0;
  const auto start = Clock::now();
  for (std::size_t i = 0; copied < bytes; ++i) {
    std::memcpy(to.data(), from.data(), chunk);
    from[i % chunk] = to[(i * 7) % chunk];  // keep the copies observable
    copied += chunk;
  }
  return static_cast<double>(copied) /
         std::chrono::duration<double>(Clock::now() - start).count();
}

double MemcpyBytesPerSecond(std::size_t chunk) {
  static std::map<std::size_t, double> cache;
  return Cached(cache, chunk, MeasureMemcpy);
}
double SocketpairBytesPerSecond(std::size_t chunk) {
  static std::map<std::size_t, double> cache;
  return Cached(cache, chunk, MeasureSocketpair);
}
double PipeBytesPerSecond(std::size_t chunk) {
  static std::map<std::size_t, double> cache;
  return Cached(cache, chunk, MeasurePipe);
}
double TcpLoopbackBytesPerSecond(std::size_t chunk) {
  static std::map<std::size_t, double> cache;
  return Cached(cache, chunk, MeasureTcp);
}

}  // namespace flowcheck::bench
