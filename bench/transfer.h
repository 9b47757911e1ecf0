// bench/transfer.h: the bulk transfer every flow benchmark runs -- one task
// writes `total` bytes in writes of one buffer and closes, the other reads
// until Eof, counting, and closes.
#ifndef FLOWCHECK_BENCH_TRANSFER_H_
#define FLOWCHECK_BENCH_TRANSFER_H_

#include <cstdint>

#include "flow/flow.h"

namespace flowcheck::bench {

inline Task<void> SendBulk(Flow& flow, Buffer chunk, std::uint64_t total) {
  for (std::uint64_t sent = 0; sent < total; sent += chunk.size()) {
    co_await flow.write(chunk);
  }
  co_await flow.close();
}

inline Task<void> DrainBulk(Flow& flow, std::uint64_t& received) {
  while (true) {
    ReadResult result = co_await flow.read();
    if (!result.is_data()) break;
    received += result.data().size();
  }
  co_await flow.close();
}

}  // namespace flowcheck::bench

#endif  // FLOWCHECK_BENCH_TRANSFER_H_
