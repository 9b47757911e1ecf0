// bench/peers.h: the peers flowcheck measures itself against, in the same
// process and the same run -- memcpy and a kernel socketpair (and a pipe,
// and TCP over loopback) moving the same bytes with the same write size.
//
// Each function measures for about `seconds` of wall-clock time and returns
// bytes per second. The results are cached per write size for the life of
// the process, so every benchmark in one run compares against the same
// measurement.
#ifndef FLOWCHECK_BENCH_PEERS_H_
#define FLOWCHECK_BENCH_PEERS_H_

#include <cstddef>
#include <cstdint>

namespace flowcheck::bench {

double MemcpyBytesPerSecond(std::size_t chunk_bytes);
double SocketpairBytesPerSecond(std::size_t chunk_bytes);
double PipeBytesPerSecond(std::size_t chunk_bytes);
double TcpLoopbackBytesPerSecond(std::size_t chunk_bytes);

// One measurement, not cached, of moving `bytes` in `chunk_bytes` writes,
// in bytes per second: for repetitions interleaved with the subject's
// (bench/steady_benchmark.cc), so that both see the same machine load.
double SocketpairOnce(std::size_t chunk_bytes, std::uint64_t bytes);
double MemcpyOnce(std::size_t chunk_bytes, std::uint64_t bytes);

}  // namespace flowcheck::bench

#endif  // FLOWCHECK_BENCH_PEERS_H_
