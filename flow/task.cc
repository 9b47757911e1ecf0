#include "flow/task.h"

#include <cstddef>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLOWCHECK_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FLOWCHECK_ASAN 1
#endif
#ifdef FLOWCHECK_ASAN
#include <sanitizer/asan_interface.h>
#define FLOWCHECK_POISON(address, size) ASAN_POISON_MEMORY_REGION(address, size)
#define FLOWCHECK_UNPOISON(address, size) \
  ASAN_UNPOISON_MEMORY_REGION(address, size)
#else
#define FLOWCHECK_POISON(address, size) ((void)(address), (void)(size))
#define FLOWCHECK_UNPOISON(address, size) ((void)(address), (void)(size))
#endif

namespace flowcheck::internal {
namespace {

// Frames are recycled in classes of kGrain bytes up to kClasses * kGrain;
// larger frames go straight to ::operator new. A class keeps at most
// kMaxFree frames, so a burst of tasks does not pin memory for ever.
constexpr std::size_t kGrain = 64;
constexpr std::size_t kClasses = 16;
constexpr std::size_t kMaxFree = 256;

struct FreeBlock {
  FreeBlock* next;
};

class FramePool {
 public:
  FramePool() = default;
  FramePool(const FramePool&) = delete;
  FramePool& operator=(const FramePool&) = delete;
  ~FramePool();

  FreeBlock* heads[kClasses] = {};
  std::size_t counts[kClasses] = {};
};

thread_local FramePool pool;
// Set once this thread's pool is destroyed: frames freed later (a Task held
// by an object destroyed after the thread's thread_locals) go straight back
// to the heap. Trivially destructible, so it outlives the pool.
thread_local bool pool_gone = false;

FramePool::~FramePool() {
  pool_gone = true;
  for (std::size_t c = 0; c < kClasses; ++c) {
    while (FreeBlock* block = heads[c]) {
      FLOWCHECK_UNPOISON(block, (c + 1) * kGrain);
      heads[c] = block->next;
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
  if (c == kClasses || pool_gone) return ::operator new(size);
  const std::size_t block_size = (c + 1) * kGrain;
  FreeBlock* block = pool.heads[c];
  if (block == nullptr) {
    block = static_cast<FreeBlock*>(::operator new(block_size));
  } else {
    FLOWCHECK_UNPOISON(block, sizeof(FreeBlock));
    pool.heads[c] = block->next;
    --pool.counts[c];
    FLOWCHECK_UNPOISON(block, block_size);
  }
  // Under ASan the slack past `size` stays poisoned, so an overflow of the
  // frame is still caught.
  FLOWCHECK_POISON(reinterpret_cast<char*>(block) + size, block_size - size);
  return block;
}

void FreeFrame(void* frame, std::size_t size) noexcept {
  const std::size_t c = ClassOf(size);
  if (c == kClasses) {
    ::operator delete(frame);
    return;
  }
  const std::size_t block_size = (c + 1) * kGrain;
  if (pool_gone || pool.counts[c] >= kMaxFree) {
    FLOWCHECK_UNPOISON(frame, block_size);
    ::operator delete(frame);
    return;
  }
  FLOWCHECK_UNPOISON(frame, block_size);
  FreeBlock* block = static_cast<FreeBlock*>(frame);
  block->next = pool.heads[c];
  pool.heads[c] = block;
  ++pool.counts[c];
  // A use of the frame after it was freed reads poisoned memory: ASan
  // reports it (as use-after-poison) although the heap never saw a free.
  FLOWCHECK_POISON(block, block_size);
}

}  // namespace flowcheck::internal
