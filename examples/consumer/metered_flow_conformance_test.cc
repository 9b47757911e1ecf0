// The metered flow over flowcheck's simulated flow, certified clause by
// clause: one test per scenario, the property programs and the observations.
#include "conformance/gtest.h"
#include "conformance/sim_subject.h"
#include "metered_flow.h"

namespace {

flowcheck::conformance::FlowUnderTest MeteredOverSim() {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "metered-over-sim";
  flow.description = "the metering layer over the simulated flow";
  flow.capabilities = flowcheck::conformance::kSimCapabilities;
  flow.make = [](std::uint64_t seed) {
    flowcheck::conformance::Subject subject =
        flowcheck::conformance::MakeSimSubject(seed);
    auto meter = std::make_shared<consumer::Meter>();
    subject.a =
        std::make_unique<consumer::MeteredFlow>(std::move(subject.a), meter);
    subject.b =
        std::make_unique<consumer::MeteredFlow>(std::move(subject.b), meter);
    return subject;
  };
  return flow;
}

}  // namespace

FLOWCHECK_CONFORMANCE_TEST(Metered, MeteredOverSim());
