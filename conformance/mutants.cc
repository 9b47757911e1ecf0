#include "conformance/mutants.h"

#include <algorithm>
#include <coroutine>
#include <memory>
#include <utility>

#include "flow/check.h"

namespace flowcheck::conformance {
namespace {

// What the two endpoints of a mutated pair know about each other.
struct Shared {
  Runtime* runtime = nullptr;
  bool closed[2] = {false, false};
  Flow* targets[2] = {nullptr, nullptr};  // the wrapped flows (Teardown)
  bool teardown_started = false;
};

// Never resumes: a mutant's way to hang an operation forever. (The runtime
// reports the task as waiting on something outside the simulation; its
// frame is destroyed with the task.)
struct Forever {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

class MutantFlow : public FlowWrapper {
 public:
  MutantFlow(std::unique_ptr<Flow> target, Side side,
             std::shared_ptr<Shared> shared)
      : FlowWrapper(std::move(target)),
        side_(side),
        shared_(std::move(shared)) {}

  // Marks this side closed, then closes the wrapped flow. Only mutants that
  // break close override it; they call MarkClosed() first, or the peer's
  // peer_closed() would never hold.
  Task<void> close() override {
    MarkClosed();
    co_await target().close();
  }

 protected:
  int me() const { return static_cast<int>(side_); }
  int peer() const { return 1 - me(); }
  bool self_closed() const { return shared_->closed[me()]; }
  bool peer_closed() const { return shared_->closed[peer()]; }
  Runtime& runtime() { return *shared_->runtime; }
  // Tells the peer's mutant that this side has called close.
  void MarkClosed() { shared_->closed[me()] = true; }

  Side side_;
  std::shared_ptr<Shared> shared_;
  int reads_ = 0;
  std::uint64_t bytes_read_ = 0;
};

// R2: a 0-byte Data on every 3rd read.
class EmptyData : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    if (++reads_ % 3 == 2) co_return ReadResult::Data(Buffer());
    co_return co_await target().read();
  }
};

// R5: once the peer has closed, Eof at once, whatever is still in flight.
class EofBeforeDrain : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    if (peer_closed()) co_return ReadResult::Eof();
    co_return co_await target().read();
  }
};

// R6: Eof after the first 100 bytes, closed or not.
class EofWithoutClose : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    if (bytes_read_ >= 100) co_return ReadResult::Eof();
    ReadResult result = co_await target().read();
    if (result.is_data()) bytes_read_ += result.data().size();
    co_return result;
  }
};

// R4 (three ways): the 2nd Data of 2+ bytes loses / repeats / flips a byte.
class ByteMangler : public MutantFlow {
 public:
  enum class How { kDrop, kDuplicate, kFlip };
  ByteMangler(std::unique_ptr<Flow> target, Side side,
              std::shared_ptr<Shared> shared, How how)
      : MutantFlow(std::move(target), side, std::move(shared)), how_(how) {}
  Task<ReadResult> read() override {
    ReadResult result = co_await target().read();
    if (!result.is_data() || result.data().size() < 2 || ++mangled_ != 2) {
      co_return result;
    }
    std::string bytes = result.data().ToString();
    switch (how_) {
      case How::kDrop:
        bytes.erase(1, 1);
        break;
      case How::kDuplicate:
        bytes.insert(1, 1, bytes[1]);
        break;
      case How::kFlip:
        bytes[1] = static_cast<char>(bytes[1] ^ 0x10);
        break;
    }
    co_return ReadResult::Data(Buffer::FromString(std::move(bytes)));
  }

 private:
  How how_;
  int mangled_ = 0;
};

// R3: every Data is a view of one internal buffer, overwritten by the next
// read.
class ReuseReadBuffer : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    ReadResult result = co_await target().read();
    if (!result.is_data()) co_return result;
    const std::string_view bytes = result.data().view();
    if (storage_->size() < bytes.size()) storage_->resize(bytes.size());
    storage_->replace(0, bytes.size(), bytes);
    co_return ReadResult::Data(Buffer::Adopt(storage_, 0, bytes.size()));
  }

 private:
  std::shared_ptr<std::string> storage_ = std::make_shared<std::string>();
};

// W1: every 2nd write returns Ok but its bytes are kept back until close.
class HoldWrites : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<WriteResult> write(Buffer buffer) override {
    if (++writes_ % 2 == 0 && !buffer.empty() && !self_closed()) {
      held_.push_back(std::move(buffer));
      co_return WriteResult::Ok();
    }
    co_return co_await target().write(std::move(buffer));
  }
  Task<void> close() override {
    MarkClosed();
    if (!held_.empty()) co_await target().writev(std::move(held_));
    co_await target().close();
  }

 private:
  int writes_ = 0;
  std::vector<Buffer> held_;
};

// W2: a write after close returns Ok (and sends nothing).
class OkAfterClose : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<WriteResult> write(Buffer buffer) override {
    if (self_closed()) co_return WriteResult::Ok();
    co_return co_await target().write(std::move(buffer));
  }
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    if (self_closed()) co_return WriteResult::Ok();
    co_return co_await target().writev(std::move(buffers));
  }
};

// W3: writev sends its buffers in reverse order.
class WritevReorders : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    std::reverse(buffers.begin(), buffers.end());
    co_return co_await target().writev(std::move(buffers));
  }
};

// W4: the flow scribbles on the caller's buffer after sending it.
class ScribbleOnWrites : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<WriteResult> write(Buffer buffer) override {
    Buffer kept = buffer;
    WriteResult result = co_await target().write(std::move(buffer));
    if (!kept.empty()) {
      // Defined behaviour only because Buffer storage objects are not const
      // (flow/buffer.cc); this is exactly what W4 forbids.
      const_cast<char*>(kept.data())[0] ^= 0x01;
    }
    co_return result;
  }
};

// C1: close discards the last write instead of flushing it.
class CloseDropsLastWrite : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<WriteResult> write(Buffer buffer) override {
    if (last_) {
      Buffer previous = std::move(*last_);
      last_.reset();
      WriteResult result = co_await target().write(std::move(previous));
      if (!result.is_ok()) co_return result;
    }
    if (self_closed()) co_return WriteResult::Closed();
    last_ = std::move(buffer);  // sent by the next write, or lost at close
    co_return WriteResult::Ok();
  }

 private:
  std::optional<Buffer> last_;
};

// C2: after the peer's close and the drain, reads hang instead of Eof.
class NoEofAfterDrain : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    ReadResult result = co_await target().read();
    if (result.is_eof()) co_await Forever{};
    co_return result;
  }
};

// C3: after this endpoint's own close, its reads return Eof.
class HalfCloseKillsReads : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    if (self_closed()) co_return ReadResult::Eof();
    co_return co_await target().read();
  }
};

// C4: close returns at once; the real close runs in the background.
class CloseReturnsEarly : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<void> close() override {
    MarkClosed();
    runtime().spawn(CloseTarget(), "mutant-background-close");
    co_return;
  }

 private:
  Task<void> CloseTarget() { co_await target().close(); }
};

// C5: close never returns, even after both sides closed.
class CloseNeverReturns : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<void> close() override {
    MarkClosed();
    co_await target().close();
    co_await Forever{};
  }
};

// R7: after Eof, reads hang.
class HangAfterEof : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    if (saw_eof_) co_await Forever{};
    ReadResult result = co_await target().read();
    saw_eof_ = result.is_eof();
    co_return result;
  }

 private:
  bool saw_eof_ = false;
};

// R1: the 2nd read fails with an error though nothing went wrong.
class SpuriousError : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    if (++reads_ == 2) {
      co_return ReadResult::Failure(Error(ErrorCode::kIo, "mutant: spurious"));
    }
    co_return co_await target().read();
  }
};

// X1: a write waits (forever) while a read is pending on the same endpoint.
class HalfDuplex : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    ++reading_;
    ReadResult result = co_await target().read();
    --reading_;
    co_return result;
  }
  Task<WriteResult> write(Buffer buffer) override {
    if (reading_ > 0 && !buffer.empty()) co_await Forever{};
    co_return co_await target().write(std::move(buffer));
  }
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    if (reading_ > 0 && TotalSize(buffers) > 0) co_await Forever{};
    co_return co_await target().writev(std::move(buffers));
  }

 private:
  int reading_ = 0;
};

// E1 (via R6): errors are swallowed and reported as Eof.
class ErrorAsEof : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    ReadResult result = co_await target().read();
    if (result.is_error()) co_return ReadResult::Eof();
    co_return result;
  }
};

// E1: errors carry no description.
class SilentErrors : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    ReadResult result = co_await target().read();
    if (result.is_error()) {
      co_return ReadResult::Failure(Error(result.error().code(), ""));
    }
    co_return result;
  }
  Task<WriteResult> write(Buffer buffer) override {
    WriteResult result = co_await target().write(std::move(buffer));
    if (result.is_error()) {
      co_return WriteResult::Failure(Error(result.error().code(), ""));
    }
    co_return result;
  }
};

// C1: a write still pending when close is invoked loses its unsent rest
// (the flow sends in 4 KiB pieces and stops once closed), yet returns Ok.
class CloseLosesPendingWrite : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<WriteResult> write(Buffer buffer) override {
    std::vector<Buffer> parts;
    parts.push_back(std::move(buffer));
    co_return co_await Send(std::move(parts));
  }
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    co_return co_await Send(std::move(buffers));
  }

 private:
  Task<WriteResult> Send(std::vector<Buffer> buffers) {
    if (self_closed()) co_return WriteResult::Closed();
    for (const Buffer& buffer : buffers) {
      for (std::size_t offset = 0; offset < buffer.size(); offset += 4096) {
        if (self_closed()) co_return WriteResult::Ok();  // the rest is lost
        const std::size_t size =
            std::min<std::size_t>(4096, buffer.size() - offset);
        WriteResult result =
            co_await target().write(buffer.slice(offset, size));
        if (!result.is_ok()) co_return result;
      }
    }
    co_return WriteResult::Ok();
  }
};

// W2: after a second close, writes return Ok (and send nothing).
class OkAfterSecondClose : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<void> close() override {
    ++closes_;
    MarkClosed();
    co_await target().close();
  }
  Task<WriteResult> write(Buffer buffer) override {
    if (closes_ >= 2) co_return WriteResult::Ok();
    co_return co_await target().write(std::move(buffer));
  }
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    if (closes_ >= 2) co_return WriteResult::Ok();
    co_return co_await target().writev(std::move(buffers));
  }

 private:
  int closes_ = 0;
};

// C5: a second close never returns.
class SecondCloseHangs : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<void> close() override {
    MarkClosed();
    if (++closes_ >= 2) co_await Forever{};
    co_await target().close();
  }

 private:
  int closes_ = 0;
};

// W3: a writev of more than 32 parts drops each non-empty part that follows
// an empty one past the 32nd.
class WritevDropsPastManyParts : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    std::vector<Buffer> kept;
    for (std::size_t i = 0; i < buffers.size(); ++i) {
      if (i > 32 && buffers[i - 1].empty() && !buffers[i].empty()) continue;
      kept.push_back(buffers[i]);
    }
    co_return co_await target().writev(std::move(kept));
  }
};

// C3 (socat's default): half a second after either endpoint's first close,
// the whole connection is torn down -- both wrapped flows close, so the
// half-closed endpoint reads Eof and the other's writes fail though it never
// closed.
class TeardownAfterClose : public MutantFlow {
 public:
  TeardownAfterClose(std::unique_ptr<Flow> target, Side side,
                     std::shared_ptr<Shared> shared)
      : MutantFlow(std::move(target), side, std::move(shared)) {
    shared_->targets[me()] = &this->target();
  }
  Task<void> close() override {
    MarkClosed();
    if (!shared_->teardown_started) {
      shared_->teardown_started = true;
      runtime().spawn(Teardown(shared_), "mutant-teardown");
    }
    co_await target().close();
  }

 private:
  static Task<void> Teardown(std::shared_ptr<Shared> shared) {
    co_await shared->runtime->sleep(std::chrono::milliseconds(500));
    shared->runtime->spawn(CloseTarget(shared, 0), "mutant-teardown-A");
    shared->runtime->spawn(CloseTarget(shared, 1), "mutant-teardown-B");
  }
  static Task<void> CloseTarget(std::shared_ptr<Shared> shared, int side) {
    if (shared->targets[side] != nullptr) {
      co_await shared->targets[side]->close();
    }
  }
};

// E1 (eventually): once an operation failed (a reset), every later write
// returns Ok forever, though nothing it accepts can arrive.
class OkForeverAfterReset : public MutantFlow {
 public:
  using MutantFlow::MutantFlow;
  Task<ReadResult> read() override {
    ReadResult result = co_await target().read();
    broken_ |= result.is_error();
    co_return result;
  }
  Task<WriteResult> write(Buffer buffer) override {
    if (broken_) co_return WriteResult::Ok();
    WriteResult result = co_await target().write(std::move(buffer));
    broken_ |= result.is_error() && !result.is_closed();
    co_return result;
  }
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    if (broken_) co_return WriteResult::Ok();
    WriteResult result = co_await target().writev(std::move(buffers));
    broken_ |= result.is_error() && !result.is_closed();
    co_return result;
  }

 private:
  bool broken_ = false;
};

using Wrap = std::function<std::unique_ptr<Flow>(std::unique_ptr<Flow>, Side,
                                                 std::shared_ptr<Shared>)>;

template <typename T>
Wrap Simple() {
  return [](std::unique_ptr<Flow> target, Side side,
            std::shared_ptr<Shared> shared) -> std::unique_ptr<Flow> {
    return std::make_unique<T>(std::move(target), side, std::move(shared));
  };
}

Wrap Mangler(ByteMangler::How how) {
  return [how](std::unique_ptr<Flow> target, Side side,
               std::shared_ptr<Shared> shared) -> std::unique_ptr<Flow> {
    return std::make_unique<ByteMangler>(std::move(target), side,
                                         std::move(shared), how);
  };
}

struct Entry {
  Mutant mutant;
  Wrap wrap;
};

const std::vector<Entry>& Zoo() {
  static const std::vector<Entry>* zoo = new std::vector<Entry>{
      {{"spurious-error",
        "the 2nd read fails with an error though nothing went wrong",
        Clause::kR1,
        {},
        false},
       Simple<SpuriousError>()},
      {{"empty-data",
        "every 3rd read returns Data of 0 bytes",
        Clause::kR2,
        {},
        false},
       Simple<EmptyData>()},
      {{"reuse-read-buffer",
        "every Data is a view of one buffer the next read overwrites",
        Clause::kR3,
        {},
        false},
       Simple<ReuseReadBuffer>()},
      {{"drop-byte",
        "the 2nd Data of 2+ bytes loses a byte",
        Clause::kR4,
        {Clause::kW3},
        false},
       Mangler(ByteMangler::How::kDrop)},
      {{"duplicate-byte",
        "the 2nd Data of 2+ bytes repeats a byte",
        Clause::kR4,
        {Clause::kW3},
        false},
       Mangler(ByteMangler::How::kDuplicate)},
      {{"flip-byte",
        "the 2nd Data of 2+ bytes has a flipped bit",
        Clause::kR4,
        {Clause::kW3},
        false},
       Mangler(ByteMangler::How::kFlip)},
      {{"eof-before-drain",
        "Eof as soon as the peer closed, with data still in flight",
        Clause::kR5,
        // Over real sockets the evidence cannot tell R5 from C1 (the
        // certificate names both); the simulated link blames the reader.
        {Clause::kC1},
        false},
       Simple<EofBeforeDrain>()},
      {{"eof-without-close",
        "Eof after 100 bytes, whether or not the peer closed",
        Clause::kR6,
        {},
        false},
       Simple<EofWithoutClose>()},
      {{"hang-after-eof",
        "a read after Eof never completes",
        Clause::kR7,
        {},
        false},
       Simple<HangAfterEof>()},
      {{"hold-writes",
        "every 2nd write returns Ok but its bytes wait for the close",
        Clause::kW1,
        {Clause::kX1, Clause::kC1},
        false},
       Simple<HoldWrites>()},
      {{"ok-after-close",
        "a write after close returns Ok",
        Clause::kW2,
        {},
        false},
       Simple<OkAfterClose>()},
      {{"writev-reorders",
        "writev sends its buffers in reverse order",
        Clause::kW3,
        {Clause::kR4},
        false},
       Simple<WritevReorders>()},
      {{"scribble-on-writes",
        "the flow changes a byte of each buffer handed to write",
        Clause::kW4,
        {},
        false},
       Simple<ScribbleOnWrites>()},
      {{"close-drops-last-write",
        "close loses the last write instead of flushing it",
        Clause::kC1,
        // As above: R5 too over real sockets; the simulated link blames
        // the writer, so C1 itself FAILs there.
        {Clause::kR5},
        false},
       Simple<CloseDropsLastWrite>()},
      {{"no-eof-after-drain",
        "after the peer's close and the drain, reads hang",
        Clause::kC2,
        {Clause::kR7},
        false},
       Simple<NoEofAfterDrain>()},
      {{"half-close-kills-reads",
        "after its own close an endpoint reads only Eof",
        Clause::kC3,
        {},
        false},
       Simple<HalfCloseKillsReads>()},
      {{"close-returns-early",
        "close returns before the peer has closed",
        Clause::kC4,
        {},
        false},
       Simple<CloseReturnsEarly>()},
      {{"close-never-returns",
        "close never returns, even once both sides closed",
        Clause::kC5,
        {},
        false},
       Simple<CloseNeverReturns>()},
      {{"half-duplex",
        "a write waits while a read is pending on the same endpoint",
        Clause::kX1,
        {Clause::kW1},
        false},
       Simple<HalfDuplex>()},
      {{"error-as-eof",
        "connection errors are reported as Eof",
        Clause::kE1,
        {Clause::kR6},
        true},
       Simple<ErrorAsEof>()},
      {{"silent-errors", "errors carry no description", Clause::kE1, {}, true},
       Simple<SilentErrors>()},
      // Mutants only the swarm dimensions of the programs catch.
      {{"close-loses-pending-write",
        "a write still pending when close is invoked loses its unsent rest",
        Clause::kC1,
        {Clause::kR5},
        false},
       Simple<CloseLosesPendingWrite>()},
      {{"ok-after-second-close",
        "after a second close, writes return Ok",
        Clause::kW2,
        {},
        false},
       Simple<OkAfterSecondClose>()},
      {{"second-close-hangs",
        "a second close on an endpoint never returns",
        Clause::kC5,
        {Clause::kC4},
        false},
       Simple<SecondCloseHangs>()},
      {{"writev-drops-past-many-parts",
        "a writev of 33+ parts drops non-empty parts after empty ones",
        Clause::kW3,
        // When the writev is the last write before close, the evidence is
        // bytes that never arrived before Eof: R5 over real sockets, and
        // over the simulated link (which shows the bytes never left the
        // writer) C1. Naming W3 itself needs the missing range mapped onto
        // the writev's parts: not done yet.
        {Clause::kR4, Clause::kR5, Clause::kC1},
        false},
       Simple<WritevDropsPastManyParts>()},
      {{"teardown-after-close",
        "0.5 s after either side's close the whole connection is torn "
        "down (socat's default)",
        Clause::kC3,
        {Clause::kR6, Clause::kC4},
        false,
        // A hold of 1 s outlasts its 0.5 s.
        std::chrono::seconds(4)},
       Simple<TeardownAfterClose>()},
      {{"ok-forever-after-reset",
        "once a reset was reported, every later write returns Ok",
        Clause::kE1,
        // A write after close returns Ok too, when the program closed first.
        {Clause::kW2},
        true},
       Simple<OkForeverAfterReset>()},
  };
  return *zoo;
}

}  // namespace

bool Mutant::CaughtBy(const std::vector<Clause>& failed) const {
  for (Clause f : failed) {
    if (f == clause) return true;
    for (Clause a : also) {
      if (f == a) return true;
    }
  }
  return false;
}

std::string MutantTestName(const Mutant& mutant) {
  std::string name = std::string(ClauseId(mutant.clause)) + "_" + mutant.name;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

const std::vector<Mutant>& AllMutants() {
  static const std::vector<Mutant>* mutants = [] {
    auto* out = new std::vector<Mutant>;
    for (const Entry& entry : Zoo()) out->push_back(entry.mutant);
    return out;
  }();
  return *mutants;
}

const Mutant* FindMutant(const std::string& name) {
  for (const Mutant& mutant : AllMutants()) {
    if (mutant.name == name) return &mutant;
  }
  return nullptr;
}

void MutatePair(const Mutant& mutant, Runtime& runtime,
                std::unique_ptr<Flow>& a, std::unique_ptr<Flow>& b) {
  Wrap wrap;
  for (const Entry& entry : Zoo()) {
    if (entry.mutant.name == mutant.name) wrap = entry.wrap;
  }
  FLOWCHECK_CHECK(wrap != nullptr, "MutatePair: a mutant not in the zoo");
  auto shared = std::make_shared<Shared>();
  shared->runtime = &runtime;
  a = wrap(std::move(a), Side::kA, shared);
  b = wrap(std::move(b), Side::kB, shared);
}

FlowUnderTest Mutate(const FlowUnderTest& base, const Mutant& mutant) {
  FLOWCHECK_CHECK(FindMutant(mutant.name) != nullptr,
                  "Mutate: a mutant not in the zoo");
  FlowUnderTest mutated;
  mutated.name = base.name + "+" + mutant.name;
  mutated.description = base.description + ", mutated: " + mutant.description;
  mutated.capabilities = base.capabilities;
  mutated.make = [make = base.make, mutant](std::uint64_t seed) {
    Subject subject = make(seed);
    MutatePair(mutant, *subject.runtime, subject.a, subject.b);
    return subject;
  };
  if (base.under_plan) {
    mutated.under_plan = [under_plan = base.under_plan,
                          mutant](const sim::FaultPlan& plan) {
      return Mutate(under_plan(plan), mutant);
    };
  }
  return mutated;
}

}  // namespace flowcheck::conformance
