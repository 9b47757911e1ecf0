#include "metered_flow.h"

#include <utility>

namespace consumer {

using flowcheck::Buffer;
using flowcheck::ReadResult;
using flowcheck::Task;
using flowcheck::WriteResult;

MeteredFlow::MeteredFlow(std::unique_ptr<flowcheck::Flow> inner,
                         std::shared_ptr<Meter> meter)
    : FlowWrapper(std::move(inner)), meter_(std::move(meter)) {}

Task<ReadResult> MeteredFlow::read() {
  ReadResult result = co_await target().read();
  if (result.is_data()) meter_->bytes_read += result.data().size();
  co_return result;
}

Task<WriteResult> MeteredFlow::write(Buffer buffer) {
  const std::uint64_t size = buffer.size();
  WriteResult result = co_await target().write(std::move(buffer));
  if (result.is_ok()) meter_->bytes_written += size;
  co_return result;
}

Task<WriteResult> MeteredFlow::writev(std::vector<Buffer> buffers) {
  std::uint64_t size = 0;
  for (const Buffer& buffer : buffers) size += buffer.size();
  WriteResult result = co_await target().writev(std::move(buffers));
  if (result.is_ok()) meter_->bytes_written += size;
  co_return result;
}

}  // namespace consumer
