#include "flow/task.h"

#include <cstddef>
#include <memory>
#include <new>

#include "flow/sanitizers.h"

namespace flowcheck::internal {
namespace {

// Frames are recycled in classes of kGrain bytes up to kClasses * kGrain;
// larger frames go straight to ::operator new. A class keeps at most
// kMaxFree blocks: a thread holds at most about 2 MiB of free blocks (256 x
// 64 x (1 + ... + 16) bytes), returned to the heap when the thread ends.
constexpr std::size_t kGrain = 64;
constexpr std::size_t kClasses = 16;
constexpr std::size_t kMaxFree = 256;
// Free blocks are reused oldest first. Under ASan a class reuses a block
// only once it holds more than this many, so a freed frame stays poisoned
// for at least that many later frees of its class -- a quarantine like the
// heap's, without which a dangling handle would land in the next frame of
// its size unreported.
#ifdef FLOWCHECK_ASAN
constexpr std::size_t kQuarantine = 64;
#else
constexpr std::size_t kQuarantine = 0;
#endif

// One class's free blocks, oldest first, in a ring of kMaxFree pointers
// allocated on first use. The links live here and not in the blocks, so
// that a free block can be poisoned whole (its first bytes are where a
// dangling handle's resume would read) and LeakSanitizer, which does not
// look into poisoned memory, still sees every block from the thread's pool.
struct FreeQueue {
  std::unique_ptr<void*[]> slots;
  std::size_t head = 0;
  std::size_t count = 0;
};

class FramePool {
 public:
  FramePool() = default;
  FramePool(const FramePool&) = delete;
  FramePool& operator=(const FramePool&) = delete;
  ~FramePool();

  FreeQueue queues[kClasses];
};

thread_local FramePool pool;
// Set once this thread's pool is destroyed: frames freed later (a Task held
// by an object destroyed after the thread's thread_locals) go straight back
// to the heap. Trivially destructible, so it outlives the pool.
thread_local bool pool_gone = false;

std::size_t BlockSize(std::size_t c) { return (c + 1) * kGrain; }

// Takes the oldest block of a class (the queue is not empty). The block is
// still poisoned whole; the caller unpoisons what it hands out.
void* PopOldest(FreeQueue& queue) {
  void* block = queue.slots[queue.head];
  queue.head = (queue.head + 1) % kMaxFree;
  --queue.count;
  return block;
}

FramePool::~FramePool() {
  pool_gone = true;
  for (std::size_t c = 0; c < kClasses; ++c) {
    while (queues[c].count > 0) {
      void* block = PopOldest(queues[c]);
      FLOWCHECK_UNPOISON(block, BlockSize(c));
      ::operator delete(block);
    }
  }
}

// The class of a frame of `size` bytes (0-based), or kClasses if it is not
// pooled.
std::size_t ClassOf(std::size_t size) {
  if (size == 0 || size > kClasses * kGrain) return kClasses;
  return (size - 1) / kGrain;
}

}  // namespace

void* AllocateFrame(std::size_t size) {
  const std::size_t c = ClassOf(size);
  if (c == kClasses) return ::operator new(size);
  // A pooled class's frame is always a whole block, even from the heap, so
  // any thread's pool can take it back.
  // Under ASan the slack past `size` is poisoned, so an overflow of the
  // frame is still caught. A pooled block is poisoned whole while it waits
  // (FreeFrame), so only the frame itself is unpoisoned here.
  FreeQueue* queue = pool_gone ? nullptr : &pool.queues[c];
  if (queue != nullptr && queue->count > kQuarantine) {
    void* block = PopOldest(*queue);
    FLOWCHECK_UNPOISON(block, size);
    return block;
  }
  void* block = ::operator new(BlockSize(c));
  FLOWCHECK_POISON(static_cast<char*>(block) + size, BlockSize(c) - size);
  return block;
}

void FreeFrame(void* frame, std::size_t size) noexcept {
  const std::size_t c = ClassOf(size);
  if (c == kClasses) {
    ::operator delete(frame);
    return;
  }
  // The block goes back to the heap unpoisoned, as it came from it.
  auto to_heap = [frame, c] {
    FLOWCHECK_UNPOISON(frame, BlockSize(c));
    ::operator delete(frame);
  };
  if (pool_gone || pool.queues[c].count >= kMaxFree) return to_heap();
  FreeQueue& queue = pool.queues[c];
  if (queue.slots == nullptr) {
    queue.slots.reset(new (std::nothrow) void*[kMaxFree]);
    // No memory for the ring: no pooling.
    if (queue.slots == nullptr) return to_heap();
  }
  queue.slots[(queue.head + queue.count) % kMaxFree] = frame;
  ++queue.count;
  // A use of the frame after it was freed reads poisoned memory: ASan
  // reports it (as use-after-poison) although the heap never saw a free.
  FLOWCHECK_POISON(frame, BlockSize(c));
}

}  // namespace flowcheck::internal
