// fuzz/fuzz_input.h: FuzzInput and FuzzOutput, the structured decoding of a
// fuzzer's bytes into choices (the FuzzedDataProvider idea, written here so
// that gcc builds need nothing from clang) -- and its exact inverse, for
// writing seed inputs from readable test cases.
//
// Each choice is an integer in a closed range [min, max] and takes exactly
// as many bytes as that range needs (0 for a range of one value, 1 up to 256
// values, 2 up to 65536, ...), read little-endian from the front. A mutation
// of one byte therefore changes one choice and leaves the others where they
// were, which keeps libFuzzer's mutations meaningful. When the bytes run
// out, every further choice is its minimum, so any input -- the empty one
// too -- decodes to a finite, valid value.
//
// FuzzOutput writes the bytes FuzzInput would read back as the same choices:
// for every value v in [min, max], FuzzInput over FuzzOutput's bytes
// returns v. Code that decodes a structure can thus be written once as a
// template over the "choice stream" (both classes have Int() and Bool()
// with the same signatures) and used in both directions.
//
// Values; they copy what they are given and own nothing else. Not
// thread-safe (single-threaded like a fuzz target).
#ifndef FLOWCHECK_FUZZ_FUZZ_INPUT_H_
#define FLOWCHECK_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "flow/check.h"

namespace flowcheck::fuzz {

namespace internal {

// Bytes needed to represent every offset in [0, range].
inline int BytesFor(std::uint64_t range) {
  int bytes = 0;
  while (range != 0) {
    ++bytes;
    range >>= 8;
  }
  return bytes;
}

}  // namespace internal

// Reads choices from a byte string (not owned: it must outlive the reader).
class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : data_(data), size_(size) {}
  explicit FuzzInput(std::span<const std::uint8_t> bytes)
      : FuzzInput(bytes.data(), bytes.size()) {}

  // An integer in [min, max] (min <= max, else aborts). Consumes
  // BytesFor(max - min) bytes, or what is left of them; missing bytes count
  // as 0, so an exhausted input gives `min`.
  template <typename T>
  T ConsumeInt(T min, T max) {
    static_assert(std::is_integral_v<T>, "integers only");
    FLOWCHECK_CHECK(min <= max, "FuzzInput::ConsumeInt: min > max");
    const std::uint64_t range =
        static_cast<std::uint64_t>(max) - static_cast<std::uint64_t>(min);
    std::uint64_t offset = 0;
    const int bytes = internal::BytesFor(range);
    for (int i = 0; i < bytes; ++i) {
      std::uint64_t byte = 0;
      if (position_ < size_) byte = data_[position_++];
      offset |= byte << (8 * i);
    }
    if (range != UINT64_MAX) offset %= range + 1;
    return static_cast<T>(static_cast<std::uint64_t>(min) + offset);
  }

  // The choice-stream form: stores ConsumeInt(min, max) in `value`.
  template <typename T>
  void Int(T& value, T min, T max) {
    value = ConsumeInt<T>(min, max);
  }

  // One byte; true when its lowest bit is set (false once exhausted).
  bool ConsumeBool() { return (ConsumeInt<std::uint8_t>(0, 255) & 1) != 0; }
  void Bool(bool& value) { value = ConsumeBool(); }

  // A length in [0, max_bytes] (a choice), then that many bytes (fewer if
  // the input ends first).
  std::string ConsumeBytes(std::size_t max_bytes) {
    const std::size_t length = ConsumeInt<std::size_t>(0, max_bytes);
    const std::size_t available = size_ - position_;
    const std::size_t taken = length < available ? length : available;
    std::string out(reinterpret_cast<const char*>(data_ + position_), taken);
    position_ += taken;
    return out;
  }

  // Everything not yet consumed.
  std::span<const std::uint8_t> Rest() const {
    return std::span<const std::uint8_t>(data_ + position_, size_ - position_);
  }
  std::size_t remaining() const { return size_ - position_; }
  bool exhausted() const { return position_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

// Writes the bytes that make FuzzInput read back the same choices.
class FuzzOutput {
 public:
  // Appends `value` (which must lie in [min, max], else aborts) as the
  // bytes ConsumeInt(min, max) reads back as `value`.
  template <typename T>
  void PutInt(T value, T min, T max) {
    static_assert(std::is_integral_v<T>, "integers only");
    FLOWCHECK_CHECK(min <= value && value <= max,
                    "FuzzOutput::PutInt: value outside [min, max]");
    const std::uint64_t range =
        static_cast<std::uint64_t>(max) - static_cast<std::uint64_t>(min);
    const std::uint64_t offset =
        static_cast<std::uint64_t>(value) - static_cast<std::uint64_t>(min);
    const int bytes = internal::BytesFor(range);
    for (int i = 0; i < bytes; ++i) {
      bytes_.push_back(static_cast<std::uint8_t>(offset >> (8 * i)));
    }
  }

  // The choice-stream form (takes a reference to match FuzzInput::Int).
  template <typename T>
  void Int(T& value, T min, T max) {
    PutInt<T>(value, min, max);
  }

  void PutBool(bool value) { bytes_.push_back(value ? 1 : 0); }
  void Bool(bool& value) { PutBool(value); }

  // The inverse of ConsumeBytes(max_bytes); `bytes` must be at most
  // max_bytes long, else aborts.
  void PutBytes(const std::string& bytes, std::size_t max_bytes) {
    PutInt<std::size_t>(bytes.size(), 0, max_bytes);
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  }

  // Appends raw bytes (e.g. a rest that the reader takes as is).
  void PutRaw(std::span<const std::uint8_t> bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  }

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace flowcheck::fuzz

#endif  // FLOWCHECK_FUZZ_FUZZ_INPUT_H_
