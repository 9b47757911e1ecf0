// conformance/subject.h: what the conformance suite certifies -- a pair of
// connected endpoints of some flow implementation, and the world they run
// in.
//
// An implementer plugs a flow in by writing one factory:
//
//   flowcheck::conformance::FlowUnderTest MyFlow() {
//     return {.name = "myflow",
//             .make = [](std::uint64_t seed) { return MakeMySubject(seed); }};
//   }
//
// The factory makes a fresh Subject per test case: a World (the Runtime and
// whatever must outlive the flows) and the two endpoints A and B. The suite
// spawns tasks on the world's runtime, runs it, and judges what happened.
//
// Worlds differ in the evidence they give (see Evidence): the simulation
// proves that nothing more can happen (exact), a real-time world can only
// wait a bounded time (one-sided). Optional capabilities are declared, never
// guessed: a check that needs a capability the world lacks is reported NOT
// APPLICABLE, never PASS.
//
// Destruction order (Subject's destructor): the world's tasks first, then
// the flows, then the world. Single-threaded, like the runtimes.
#ifndef FLOWCHECK_CONFORMANCE_SUBJECT_H_
#define FLOWCHECK_CONFORMANCE_SUBJECT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "flow/flow.h"
#include "flow/runtime.h"
#include "model/history.h"

namespace flowcheck::conformance {

// What backs a verdict about operations that stayed pending.
enum class Evidence {
  kExact,    // simulated: quiescence proved nothing more could happen
  kBounded,  // real time: the run waited a bounded time (a watchdog)
};

std::string_view EvidenceName(Evidence evidence);

// How one run of a world ended.
struct RunResult {
  bool all_done = false;  // every spawned task finished
  Evidence evidence = Evidence::kExact;
  // Tasks still pending, each as "task 'A-reader' waits on ...".
  std::vector<std::string> pending;
  Duration elapsed{0};  // on the world's clock
};

// Called when a fault fires on a side, with what it allows (model/).
using FaultListener = std::function<void(Side side, const std::string& name,
                                         const FaultEffects& effects)>;

class World {
 public:
  virtual ~World() = default;

  virtual Runtime& runtime() = 0;

  // Runs spawned tasks until all finish or nothing more can happen, or --
  // for real time -- until `limit` has passed on the wall clock (then every
  // pending operation is cancelled and listed). Simulated worlds ignore
  // `limit` for quiescence but stop at a virtual time limit.
  virtual RunResult Run(Duration limit) = 0;

  // Destroys every unfinished task (before the flows they use are
  // destroyed).
  virtual void DestroyTasks() = 0;

  // Optional capability: reset the connection now (both endpoints'
  // pending and later operations must fail: E1).
  virtual bool can_inject_reset() const { return false; }
  virtual void InjectReset() {}

  // Faults the world injects are reported here (set before running).
  virtual void set_fault_listener(FaultListener listener) { (void)listener; }
};

// One connected pair under test.
struct Subject {
  Subject() = default;
  Subject(std::unique_ptr<World> world_in, std::unique_ptr<Flow> a_in,
          std::unique_ptr<Flow> b_in)
      : world(std::move(world_in)), a(std::move(a_in)), b(std::move(b_in)) {}
  Subject(Subject&&) = default;
  Subject& operator=(Subject&&) = default;
  ~Subject() {
    if (world) world->DestroyTasks();
    a.reset();
    b.reset();
    world.reset();
  }

  std::unique_ptr<World> world;
  std::unique_ptr<Flow> a;
  std::unique_ptr<Flow> b;
};

// A flow implementation to certify: a name and a factory of fresh pairs.
// `make(seed)` must return a new, connected pair each call; simulated
// worlds use the seed for every choice, real ones may ignore it.
struct FlowUnderTest {
  std::string name;
  std::string description;
  std::function<Subject(std::uint64_t seed)> make;
};

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_SUBJECT_H_
