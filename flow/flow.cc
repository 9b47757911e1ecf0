#include "flow/flow.h"

#include <utility>

#include "flow/check.h"

namespace flowcheck {

FlowWrapper::FlowWrapper(std::unique_ptr<Flow> target)
    : target_(std::move(target)) {
  FLOWCHECK_CHECK(target_ != nullptr, "FlowWrapper of a null flow");
}

}  // namespace flowcheck
