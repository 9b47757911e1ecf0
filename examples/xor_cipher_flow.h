// examples/xor_cipher_flow.h: a flow written outside flowcheck, the way a
// third party writes a transport -- here a (toy) cipher layered over any
// other flow, like TLS over TCP.
//
// XorCipherFlow encrypts every byte it writes by XOR with a key stream and
// decrypts every byte it reads. The two details a layer like this must get
// right, and that flowcheck certifies: it must never modify the caller's
// buffer (it encrypts into a fresh one: W4), and every Data it returns must
// be a fresh buffer (R3).
#ifndef FLOWCHECK_EXAMPLES_XOR_CIPHER_FLOW_H_
#define FLOWCHECK_EXAMPLES_XOR_CIPHER_FLOW_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "flow/flow.h"

namespace xorcipher {

class XorCipherFlow : public flowcheck::Flow {
 public:
  // Layers the cipher over `inner` (owned), with a key stream from `key`.
  // Both endpoints of a connection must use the same key.
  XorCipherFlow(std::unique_ptr<flowcheck::Flow> inner, std::uint64_t key);

  flowcheck::Task<flowcheck::ReadResult> read() override;
  flowcheck::Task<flowcheck::WriteResult> write(
      flowcheck::Buffer buffer) override;
  flowcheck::Task<flowcheck::WriteResult> writev(
      std::vector<flowcheck::Buffer> buffers) override;
  flowcheck::Task<void> close() override;

 private:
  // The key stream byte at stream `offset`.
  char KeyByte(std::uint64_t offset) const;
  flowcheck::Buffer Encrypt(const flowcheck::Buffer& plain);

  std::unique_ptr<flowcheck::Flow> inner_;
  std::uint64_t key_;
  std::uint64_t write_offset_ = 0;
  std::uint64_t read_offset_ = 0;
};

}  // namespace xorcipher

#endif  // FLOWCHECK_EXAMPLES_XOR_CIPHER_FLOW_H_
