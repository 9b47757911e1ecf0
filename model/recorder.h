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
// must outlive the RecordingFlow; `task_name`, if given, names the calling
// task for each invocation (the simulation passes its current task's name).
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
                const Runtime& runtime,
                std::function<std::string()> task_name = {});

  Task<ReadResult> read() override;
  Task<WriteResult> write(Buffer buffer) override;
  Task<WriteResult> writev(std::vector<Buffer> buffers) override;
  Task<void> close() override;

 private:
  std::string TaskName() const { return task_name_ ? task_name_() : ""; }

  Side side_;
  History& history_;
  const Runtime& runtime_;
  std::function<std::string()> task_name_;
};

}  // namespace flowcheck

#endif  // FLOWCHECK_MODEL_RECORDER_H_
