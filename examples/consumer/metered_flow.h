// metered_flow.h: a flow layer written in another workspace, as a project
// using flowcheck writes one -- it counts the bytes that cross it, the way a
// metrics layer over a connection would.
//
// MeteredFlow forwards every call to the flow it wraps (FlowWrapper) and
// adds to a Meter the bytes its reads returned and the bytes of its writes
// that completed Ok. A Closed or failed write counts nothing: the contract
// says nothing of it was written. The Meter is shared (both endpoints of a
// pair may count into one) and, like the flows, used by one thread at a
// time.
#ifndef CONSUMER_METERED_FLOW_H_
#define CONSUMER_METERED_FLOW_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "flow/flow.h"

namespace consumer {

// What crossed one or more MeteredFlows.
struct Meter {
  std::uint64_t bytes_read = 0;     // in Data returned by read()
  std::uint64_t bytes_written = 0;  // in write()s and writev()s that were Ok
};

class MeteredFlow : public flowcheck::FlowWrapper {
 public:
  // Wraps `inner` (owned, not null), counting into `meter` (not null).
  MeteredFlow(std::unique_ptr<flowcheck::Flow> inner,
              std::shared_ptr<Meter> meter);

  flowcheck::Task<flowcheck::ReadResult> read() override;
  flowcheck::Task<flowcheck::WriteResult> write(
      flowcheck::Buffer buffer) override;
  flowcheck::Task<flowcheck::WriteResult> writev(
      std::vector<flowcheck::Buffer> buffers) override;

 private:
  std::shared_ptr<Meter> meter_;
};

}  // namespace consumer

#endif  // CONSUMER_METERED_FLOW_H_
