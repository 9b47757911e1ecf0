// sim/internal/ring.h: Ring<T>, a growable circular FIFO for the
// scheduler's hot path (its runnable tasks, a wait list's waiters).
//
// Why not std::deque: a queue that holds one or two entries and turns over
// every scheduling step made std::deque walk its block map and allocate and
// free a 512-byte node every 32 (runnable tasks) or 64 (waiters) pushes;
// that was a third of a ping-pong step (docs/performance.md, "Scheduler"). A
// Ring keeps its entries in one array whose capacity is a power of two and only
// ever grows, so a steady queue never allocates.
//
// The links' segment queues are Rings too: a simulated connection is built
// for every run of a fuzzer, and two std::deques per direction allocated
// four blocks before the first byte moved. With kInline > 0 (a power of
// two) the first kInline entries live in the Ring itself, so a short queue
// never allocates at all.
//
// Contract: indexes are positions from the front (0 = oldest). Operations
// that name an index or an end require a non-empty ring or an index below
// size(); violating that is undefined (checked only in debug builds, like
// std containers). T must be default-constructible and movable. An entry
// of a type with a destructor that leaves the ring (pop, erase, clear) is
// reset to T(), so what it held (a Buffer's storage) is released then, as
// a std::deque would; trivial entries (pointers) are left as they are. Not
// thread-safe. Internal to sim/: the interface may change.
#ifndef FLOWCHECK_SIM_INTERNAL_RING_H_
#define FLOWCHECK_SIM_INTERNAL_RING_H_

#include <array>
#include <cassert>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace flowcheck::sim::internal {

template <typename T, std::size_t kInline = 0>
class Ring {
  static_assert((kInline & (kInline - 1)) == 0, "kInline: a power of two");

 public:
  Ring() {
    if constexpr (kInline > 0) {
      slots_ = inline_.data();
      mask_ = kInline - 1;
    }
  }
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  T& operator[](std::size_t index) {
    assert(index < size_);
    return slots_[(head_ + index) & mask_];
  }
  const T& operator[](std::size_t index) const {
    assert(index < size_);
    return slots_[(head_ + index) & mask_];
  }
  T& front() { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }

  // The copy is made before the ring may grow: `value` may be an entry.
  void push_back(const T& value) { push_back(T(value)); }
  void push_back(T&& value) {
    if (size_ == capacity()) Grow();
    slots_[(head_ + size_) & mask_] = std::move(value);
    ++size_;
  }
  void pop_front() {
    assert(size_ > 0);
    Reset(slots_[head_]);
    head_ = (head_ + 1) & mask_;
    --size_;
  }
  void pop_back() {
    assert(size_ > 0);
    Reset(back());
    --size_;
  }
  // Removes the entry at `index`, keeping the others in order. O(size).
  void erase(std::size_t index) {
    assert(index < size_);
    for (std::size_t i = index; i + 1 < size_; ++i) {
      (*this)[i] = std::move((*this)[i + 1]);
    }
    pop_back();
  }
  // Empties the ring; the capacity stays.
  void clear() {
    for (std::size_t i = 0; i < size_; ++i) Reset((*this)[i]);
    head_ = 0;
    size_ = 0;
  }

 private:
  std::size_t capacity() const { return slots_ == nullptr ? 0 : mask_ + 1; }
  void Grow() {
    const std::size_t capacity = this->capacity() == 0 ? 8 : 2 * (mask_ + 1);
    std::unique_ptr<T[]> slots(new T[capacity]);
    for (std::size_t i = 0; i < size_; ++i) {
      slots[i] = std::move((*this)[i]);
      Reset((*this)[i]);  // a moved-from entry may still hold on to it
    }
    heap_ = std::move(slots);
    slots_ = heap_.get();
    mask_ = capacity - 1;
    head_ = 0;
  }

  // Pointers and other trivial entries are left as they are (the hot path
  // of the scheduler's queues).
  static void Reset(T& slot) {
    if constexpr (!std::is_trivially_destructible_v<T>) slot = T();
  }

  std::array<T, kInline> inline_{};
  std::unique_ptr<T[]> heap_;  // once the entries outgrew inline_
  T* slots_ = nullptr;         // inline_ or heap_ (null: no room yet)
  std::size_t mask_ = 0;       // capacity - 1 once slots_ exists
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace flowcheck::sim::internal

#endif  // FLOWCHECK_SIM_INTERNAL_RING_H_
