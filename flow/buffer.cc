#include "flow/buffer.h"

#include <cstdio>
#include <utility>

#include "flow/check.h"

namespace flowcheck {

Buffer Buffer::Copy(std::string_view bytes) {
  return FromString(std::string(bytes));
}

Buffer Buffer::FromString(std::string bytes) {
  if (bytes.empty()) return Buffer();
  const std::size_t size = bytes.size();
  // The storage object is not itself const: Buffer never writes to it, but
  // the conformance suite's W4 mutant deliberately does (to prove the W4
  // check works), and that must not be undefined behaviour.
  return Buffer(std::make_shared<std::string>(std::move(bytes)), 0, size);
}

Buffer Buffer::FromBytes(std::span<const std::uint8_t> bytes) {
  return FromString(
      std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Buffer Buffer::Adopt(std::shared_ptr<const std::string> storage,
                     std::size_t offset, std::size_t size) {
  if (size == 0) return Buffer();
  FLOWCHECK_CHECK(storage != nullptr, "Buffer::Adopt of null storage");
  FLOWCHECK_CHECK(offset <= storage->size() && size <= storage->size() - offset,
                  "Buffer::Adopt range lies outside the storage");
  return Buffer(std::move(storage), offset, size);
}

const char* Buffer::data() const {
  if (storage_ == nullptr) return "";
  return storage_->data() + offset_;
}

std::uint8_t Buffer::operator[](std::size_t i) const {
  FLOWCHECK_CHECK(i < size_, "Buffer index out of range");
  return static_cast<std::uint8_t>(data()[i]);
}

Buffer Buffer::slice(std::size_t offset, std::size_t length) const {
  FLOWCHECK_CHECK(offset <= size_ && length <= size_ - offset,
                  "Buffer::slice range lies outside the buffer");
  if (length == 0) return Buffer();
  return Buffer(storage_, offset_ + offset, length);
}

Buffer Buffer::slice(std::size_t offset) const {
  FLOWCHECK_CHECK(offset <= size_, "Buffer::slice offset past the end");
  return slice(offset, size_ - offset);
}

std::optional<Buffer> Buffer::JoinAdjacent(const Buffer& next) const {
  if (next.empty()) return *this;
  if (empty()) return next;
  if (storage_ != next.storage_ || offset_ + size_ != next.offset_) {
    return std::nullopt;
  }
  return Buffer(storage_, offset_, size_ + next.size_);
}

std::string Buffer::Preview(std::size_t max_bytes) const {
  std::string out =
      std::to_string(size_) + (size_ == 1 ? " byte \"" : " bytes \"");
  const std::size_t shown = size_ < max_bytes ? size_ : max_bytes;
  for (std::size_t i = 0; i < shown; ++i) {
    const unsigned char c = static_cast<unsigned char>(data()[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  out += shown < size_ ? "\"..." : "\"";
  return out;
}

std::string Buffer::HexPreview(std::size_t max_bytes) const {
  std::string out;
  const std::size_t shown = size_ < max_bytes ? size_ : max_bytes;
  for (std::size_t i = 0; i < shown; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02x",
                  static_cast<unsigned char>(data()[i]));
    if (i > 0) out += ' ';
    out += hex;
  }
  if (shown < size_) out += " ...";
  return out;
}

Buffer Concat(std::span<const Buffer> parts) {
  std::string bytes;
  bytes.reserve(TotalSize(parts));
  for (const Buffer& part : parts) bytes.append(part.view());
  return Buffer::FromString(std::move(bytes));
}

std::size_t TotalSize(std::span<const Buffer> parts) {
  std::size_t total = 0;
  for (const Buffer& part : parts) total += part.size();
  return total;
}

}  // namespace flowcheck
