// flow/buffer.h: Buffer, the immutable shared byte slice that flows carry.
//
// A Buffer is a view of `size()` bytes at some offset inside a shared,
// reference-counted storage block. Copying a Buffer or slicing it never copies
// bytes; the storage lives as long as any Buffer refers to it. Nothing in
// Buffer's interface can change the bytes, so a Buffer handed to
// Flow::write() or returned by Flow::read() reads the same forever (clauses
// W4 and R3 of docs/spec.md) -- unless whoever created the storage kept a
// mutable handle to it (see Buffer::Adopt), which is exactly what R3 and W4
// forbid flows and callers to do.
//
// Thread safety: a Buffer may be copied and read from several threads at once
// (the reference count is atomic); it has no mutating members.
#ifndef FLOWCHECK_FLOW_BUFFER_H_
#define FLOWCHECK_FLOW_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowcheck {

class Buffer {
 public:
  // The empty buffer: size() == 0, no storage.
  Buffer() = default;

  // Copies share the storage; a moved-from Buffer has no storage (as with
  // the defaulted members). Written out member by member because clang
  // copies a defaulted copy's run of plain members (offset_, size_) with a
  // memcpy, which ASan turns into a checked call; Buffers are copied and
  // moved several times on every read and write (docs/fuzzing.md, "Sixth
  // pass").
  Buffer(const Buffer& other)
      : storage_(other.storage_), offset_(other.offset_), size_(other.size_) {}
  Buffer(Buffer&& other) noexcept
      : storage_(std::move(other.storage_)),
        offset_(other.offset_),
        size_(other.size_) {}
  Buffer& operator=(const Buffer& other) {
    storage_ = other.storage_;
    offset_ = other.offset_;
    size_ = other.size_;
    return *this;
  }
  Buffer& operator=(Buffer&& other) noexcept {
    storage_ = std::move(other.storage_);
    offset_ = other.offset_;
    size_ = other.size_;
    return *this;
  }
  ~Buffer() = default;

  // A buffer holding a copy of `bytes` (one copy, here).
  static Buffer Copy(std::string_view bytes);

  // A buffer that takes `bytes` over without copying them.
  static Buffer FromString(std::string bytes);

  // A buffer holding a copy of `bytes`.
  static Buffer FromBytes(std::span<const std::uint8_t> bytes);

  // A view of `size` bytes at `offset` in `storage`, sharing it (no copy).
  // The caller keeps whatever handle it had: if it mutates the storage later,
  // this Buffer changes too. Flows must not do that to buffers they return
  // (R3), callers must not do it to buffers they write (W4); fault injectors
  // and mutants use it to break those clauses on purpose.
  // Aborts if offset + size exceeds storage->size() or storage is null while
  // size > 0.
  static Buffer Adopt(std::shared_ptr<const std::string> storage,
                      std::size_t offset, std::size_t size);

  // Number of bytes in the view.
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The bytes. Valid while this Buffer (or any Buffer sharing the storage)
  // lives. Never null for a non-empty buffer.
  const char* data() const;
  std::string_view view() const { return std::string_view(data(), size_); }
  std::uint8_t operator[](std::size_t i) const;

  // The bytes [offset, offset + length) of this buffer, sharing the storage.
  // Aborts if the range does not lie inside the buffer.
  Buffer slice(std::size_t offset, std::size_t length) const;
  // The bytes from `offset` to the end. Aborts if offset > size().
  Buffer slice(std::size_t offset) const;

  // A fresh copy of the bytes as a std::string.
  std::string ToString() const { return std::string(view()); }

  // A short human-readable preview: the length and up to `max_bytes` bytes,
  // printable ASCII as is, everything else as \xNN, e.g. `5 bytes "hi\x00!!"`
  // or `70000 bytes "abc..."`.
  std::string Preview(std::size_t max_bytes = 32) const;

  // Hex dump of up to `max_bytes` bytes: "68 69 00 21 21" (then " ..." when
  // cut short).
  std::string HexPreview(std::size_t max_bytes = 32) const;

  // If `next` starts exactly where this buffer ends in the same storage,
  // the two as one buffer (no copy); otherwise nullopt. An empty side
  // merges with anything.
  std::optional<Buffer> JoinAdjacent(const Buffer& next) const;

  // Whether this buffer and `other` share storage (used by tests of
  // zero-copy slicing).
  bool SharesStorageWith(const Buffer& other) const {
    return storage_ != nullptr && storage_ == other.storage_;
  }

  // Byte-wise comparison.
  friend bool operator==(const Buffer& a, const Buffer& b) {
    return a.view() == b.view();
  }

  template <typename Sink>
  friend void AbslStringify(Sink& sink, const Buffer& buffer) {
    sink.Append(buffer.Preview());
  }
  friend std::ostream& operator<<(std::ostream& os, const Buffer& buffer) {
    return os << buffer.Preview();
  }

 private:
  Buffer(std::shared_ptr<const std::string> storage, std::size_t offset,
         std::size_t size)
      : storage_(std::move(storage)), offset_(offset), size_(size) {}

  std::shared_ptr<const std::string> storage_;
  std::size_t offset_ = 0;
  std::size_t size_ = 0;
};

// One new buffer with the bytes of `parts` in order (copies once).
Buffer Concat(std::span<const Buffer> parts);

// Total number of bytes in `parts`.
std::size_t TotalSize(std::span<const Buffer> parts);

}  // namespace flowcheck

#endif  // FLOWCHECK_FLOW_BUFFER_H_
