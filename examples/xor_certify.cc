// A command line for the XOR cipher's flows, as a third party writes one.
// Run, for instance:
//   bazel run //examples:xor_certify -- certify --flow=all
//   bazel run //examples:xor_certify -- certify --mutant=drop-byte
//   bazel run //examples:xor_certify -- replay $PWD/cert.json --case=1
#include "examples/xor_cipher_flows.h"
#include "tools/certify_main.h"

int main(int argc, char** argv) {
  return flowcheck::tools::CertifyMain(
      argc, argv, {xorcipher::XorOverSim(), xorcipher::XorOverTcp()});
}
