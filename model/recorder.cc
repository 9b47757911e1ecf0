#include "model/recorder.h"

#include <utility>

namespace flowcheck {

RecordingFlow::RecordingFlow(std::unique_ptr<Flow> target, Side side,
                             History& history, const Runtime& runtime)
    : FlowWrapper(std::move(target)),
      side_(side),
      history_(history),
      runtime_(runtime) {}

Task<ReadResult> RecordingFlow::read() {
  const int id =
      history_.Invoke(side_, OpKind::kRead, {}, runtime_.now(), TaskName());
  ReadResult result = co_await target().read();
  history_.CompleteRead(id, result, runtime_.now());
  co_return std::move(result);  // the history keeps its own copy
}

Task<WriteResult> RecordingFlow::write(Buffer buffer) {
  const int id = history_.Invoke(side_, OpKind::kWrite, {buffer},
                                 runtime_.now(), TaskName());
  WriteResult result = co_await target().write(std::move(buffer));
  history_.CompleteWrite(id, result, runtime_.now());
  co_return std::move(result);
}

Task<WriteResult> RecordingFlow::writev(std::vector<Buffer> buffers) {
  const int id = history_.Invoke(side_, OpKind::kWritev, buffers,
                                 runtime_.now(), TaskName());
  WriteResult result = co_await target().writev(std::move(buffers));
  history_.CompleteWrite(id, result, runtime_.now());
  co_return std::move(result);
}

Task<void> RecordingFlow::close() {
  const int id =
      history_.Invoke(side_, OpKind::kClose, {}, runtime_.now(), TaskName());
  co_await target().close();
  history_.CompleteClose(id, runtime_.now());
}

}  // namespace flowcheck
