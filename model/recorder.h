// model/recorder.h: RecordingFlow, a Flow wrapper that records every
// operation on one endpoint into a History for the checker.
//
// Wrap both endpoints of a connection with the same History:
//
//   History history;
//   auto a = std::make_unique<RecordingFlow>(std::move(raw_a), Side::kA,
//                                            history, runtime);
//   auto b = std::make_unique<RecordingFlow>(std::move(raw_b), Side::kB,
//                                            history, runtime);
//   ... run a program on *a and *b ...
//   history.End(HistoryEnd::kQuiescent, runtime.now());
//   CheckResult verdict = CheckHistory(history);
//
// An operation is recorded as invoked when its Task starts and as complete
// when the wrapped flow's Task yields its result; an operation whose Task is
// destroyed first stays pending in the history. The History and the Runtime
// must outlive the RecordingFlow; each invocation is stamped with the
// runtime's now() and named after its current_task_name().
#ifndef FLOWCHECK_MODEL_RECORDER_H_
#define FLOWCHECK_MODEL_RECORDER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "flow/flow.h"
#include "flow/runtime.h"
#include "model/history.h"

namespace flowcheck {

class RecordingFlow : public FlowWrapper {
 public:
  RecordingFlow(std::unique_ptr<Flow> target, Side side, History& history,
                const Runtime& runtime);

  Task<ReadResult> read() override;
  Task<WriteResult> write(Buffer buffer) override;
  Task<WriteResult> writev(std::vector<Buffer> buffers) override;
  Task<void> close() override;

 private:
  std::string TaskName() const { return runtime_.current_task_name(); }

  Side side_;
  History& history_;
  const Runtime& runtime_;
};

}  // namespace flowcheck

#endif  // FLOWCHECK_MODEL_RECORDER_H_
