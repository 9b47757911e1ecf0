#include "examples/xor_cipher_flow.h"

#include <string>
#include <utility>

namespace xorcipher {

using flowcheck::Buffer;
using flowcheck::ReadResult;
using flowcheck::Task;
using flowcheck::WriteResult;

XorCipherFlow::XorCipherFlow(std::unique_ptr<flowcheck::Flow> inner,
                             std::uint64_t key)
    : inner_(std::move(inner)), key_(key) {}

char XorCipherFlow::KeyByte(std::uint64_t offset) const {
  std::uint64_t x = key_ ^ (offset * 0x9e3779b97f4a7c15ULL);
  x ^= x >> 29;
  return static_cast<char>(x & 0xff);
}

Buffer XorCipherFlow::Encrypt(const Buffer& plain) {
  // A fresh buffer: the caller's bytes stay as they were (W4).
  std::string cipher(plain.view());
  for (char& c : cipher) c = static_cast<char>(c ^ KeyByte(write_offset_++));
  return Buffer::FromString(std::move(cipher));
}

Task<ReadResult> XorCipherFlow::read() {
  ReadResult result = co_await inner_->read();
  if (!result.is_data()) co_return result;
  std::string plain(result.data().view());  // a fresh buffer (R3)
  for (char& c : plain) c = static_cast<char>(c ^ KeyByte(read_offset_++));
  co_return ReadResult::Data(Buffer::FromString(std::move(plain)));
}

Task<WriteResult> XorCipherFlow::write(Buffer buffer) {
  co_return co_await inner_->write(Encrypt(buffer));
}

Task<WriteResult> XorCipherFlow::writev(std::vector<Buffer> buffers) {
  std::vector<Buffer> encrypted;
  encrypted.reserve(buffers.size());
  for (const Buffer& buffer : buffers) encrypted.push_back(Encrypt(buffer));
  co_return co_await inner_->writev(std::move(encrypted));
}

Task<void> XorCipherFlow::close() { co_await inner_->close(); }

}  // namespace xorcipher
