// The TLS flows' command line (tools/certify_main.h). Run, for instance:
//   bazel run //examples/tls:tls_certify -- certify --flow=all
//   bazel run //examples/tls:tls_certify -- certify --mutants
//   --flow=tls-over-tcp
#include "examples/tls/tls_flows.h"
#include "tools/certify_main.h"

int main(int argc, char** argv) {
  return flowcheck::tools::CertifyMain(argc, argv, tlsexample::TlsFlows());
}
