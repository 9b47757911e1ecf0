#include "examples/tls/tls_flows.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "asio/ip/tcp.hpp"
#include "asio/local/connect_pair.hpp"
#include "asio/local/stream_protocol.hpp"
#include "conformance/real_subject.h"
#include "examples/tls/tls_stream.h"
#include "flows/asio_runtime.h"
#include "flows/stream_flow.h"

namespace tlsexample {
namespace {

[[noreturn]] void Throw(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char reason[256] = "no OpenSSL error queued";
  if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  throw std::runtime_error("TLS setup: " + what + ": " + reason);
}

// The client and server contexts of this process: TLS 1.3 only, the
// server with a fresh self-signed P-256 certificate the client trusts.
struct Contexts {
  SSL_CTX* client = nullptr;
  SSL_CTX* server = nullptr;
};

const Contexts& TheContexts() {
  static const Contexts contexts = [] {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (key == nullptr) Throw("EVP_PKEY_Q_keygen");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC,
        reinterpret_cast<const unsigned char*>("flowcheck-tls-example"), -1, -1,
        0);
    X509_set_issuer_name(cert, name);
    if (X509_sign(cert, key, EVP_sha256()) == 0) Throw("X509_sign");

    Contexts made;
    made.server = SSL_CTX_new(TLS_server_method());
    made.client = SSL_CTX_new(TLS_client_method());
    if (made.server == nullptr || made.client == nullptr) Throw("SSL_CTX_new");
    for (SSL_CTX* context : {made.server, made.client}) {
      SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION);
      SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION);
    }
    if (SSL_CTX_use_certificate(made.server, cert) != 1 ||
        SSL_CTX_use_PrivateKey(made.server, key) != 1) {
      Throw("the server's certificate");
    }
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(made.client), cert) != 1) {
      Throw("the client's trust store");
    }
    SSL_CTX_set_verify(made.client, SSL_VERIFY_PEER, nullptr);
    X509_free(cert);
    EVP_PKEY_free(key);
    return made;
  }();
  return contexts;
}

SSL* NewSsl(SSL_CTX* context, bool client) {
  SSL* ssl = SSL_new(context);
  if (ssl == nullptr) Throw("SSL_new");
  // An empty read BIO means "more to come" (retry), not end of file.
  BIO* rbio = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(rbio, -1);
  SSL_set_bio(ssl, rbio, BIO_new(BIO_s_mem()));
  if (client) {
    SSL_set_connect_state(ssl);
    SSL_set1_host(ssl, "flowcheck-tls-example");
  } else {
    SSL_set_accept_state(ssl);
  }
  return ssl;
}

// Moves what `from` wrote into what `to` reads.
void Carry(SSL* from, SSL* to) {
  char chunk[16 * 1024];
  int got = 0;
  while ((got = BIO_read(SSL_get_wbio(from), chunk, sizeof chunk)) > 0) {
    BIO_write(SSL_get_rbio(to), chunk, got);
  }
}

// A client and a server SSL with a completed TLS 1.3 handshake, done in
// memory; whatever the server sent after it (session tickets) waits in the
// client's rbio and is read with the first records from the connection.
std::pair<SSL*, SSL*> Handshake() {
  const Contexts& contexts = TheContexts();
  SSL* client = NewSsl(contexts.client, true);
  SSL* server = NewSsl(contexts.server, false);
  // (SSL_get_error must be asked right after the call it explains: moving
  // bytes through the BIOs clears the retry flags it reads.)
  const auto step = [](SSL* ssl, const char* who) {
    const int rc = SSL_do_handshake(ssl);
    const int why = SSL_get_error(ssl, rc);
    if (rc != 1 && why != SSL_ERROR_WANT_READ && why != SSL_ERROR_WANT_WRITE) {
      Throw(std::string("the handshake (") + who + ", SSL_get_error " +
            std::to_string(why) + ")");
    }
    return rc == 1;
  };
  for (int round = 0; round < 10; ++round) {
    const bool client_done = step(client, "client");
    Carry(client, server);
    const bool server_done = step(server, "server");
    Carry(server, client);
    if (client_done && server_done) {
      if (SSL_get_verify_result(client) != X509_V_OK) {
        throw std::runtime_error(
            std::string("TLS setup: the client did not verify the server: ") +
            X509_verify_cert_error_string(SSL_get_verify_result(client)));
      }
      return {client, server};
    }
  }
  Throw("the handshake did not finish in 10 rounds");
}

// TlsTraits, but the half-close skips close_notify (TlsBreakage).
template <typename Next>
struct NoCloseNotifyTraits : TlsTraits<Next> {
  static void AsyncShutdownSend(
      TlsStream<Next>& stream,
      std::function<void(const asio::error_code&)> done) {
    asio::error_code error;
    stream.next_layer().shutdown(asio::socket_base::shutdown_send, error);
    done(error);
  }
};

template <typename Next, typename Traits = TlsTraits<Next>>
flowcheck::conformance::Subject MakeTlsSubject(
    std::unique_ptr<flowcheck::flows::AsioRuntime> runtime, Next a, Next b,
    const std::string& name, bool can_reset, bool answer_close_notify = false) {
  auto [client, server] = Handshake();
  auto flow_a = flowcheck::flows::MakeStreamFlow<TlsStream<Next>, Traits>(
      *runtime, TlsStream<Next>(std::move(a), client, answer_close_notify),
      name + " A");
  auto flow_b = flowcheck::flows::MakeStreamFlow<TlsStream<Next>, Traits>(
      *runtime, TlsStream<Next>(std::move(b), server, answer_close_notify),
      name + " B");
  flowcheck::flows::StreamFlow* raw_a = flow_a.get();
  std::function<void()> reset;
  if (can_reset) reset = [raw_a] { raw_a->Abort(); };
  return flowcheck::conformance::MakeAsioSubject(
      std::move(runtime), std::move(flow_a), std::move(flow_b),
      std::move(reset));
}

}  // namespace

flowcheck::conformance::FlowUnderTest TlsOverTcp() {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "tls-over-tcp";
  flow.description =
      "TLS 1.3 (OpenSSL memory BIOs) over TCP on loopback; half-close is "
      "close_notify then shutdown(SHUT_WR)";
  flow.capabilities.inject_reset = true;
  flow.make = [](std::uint64_t) {
    auto runtime = std::make_unique<flowcheck::flows::AsioRuntime>();
    asio::io_context& io = runtime->io_context();
    asio::ip::tcp::acceptor acceptor(
        io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    asio::ip::tcp::socket a(io);
    a.connect(acceptor.local_endpoint());
    asio::ip::tcp::socket b = acceptor.accept();
    a.set_option(asio::ip::tcp::no_delay(true));
    b.set_option(asio::ip::tcp::no_delay(true));
    return MakeTlsSubject(std::move(runtime), std::move(a), std::move(b),
                          "tls-over-tcp", /*can_reset=*/true);
  };
  return flow;
}

flowcheck::conformance::FlowUnderTest TlsOverSocketpair() {
  flowcheck::conformance::FlowUnderTest flow;
  flow.name = "tls-over-socketpair";
  flow.description = "TLS 1.3 (OpenSSL memory BIOs) over a Unix socketpair";
  flow.make = [](std::uint64_t) {
    auto runtime = std::make_unique<flowcheck::flows::AsioRuntime>();
    asio::local::stream_protocol::socket a(runtime->io_context());
    asio::local::stream_protocol::socket b(runtime->io_context());
    asio::local::connect_pair(a, b);
    return MakeTlsSubject(std::move(runtime), std::move(a), std::move(b),
                          "tls-over-socketpair", /*can_reset=*/false);
  };
  return flow;
}

std::vector<flowcheck::conformance::FlowUnderTest> TlsFlows() {
  return {TlsOverTcp(), TlsOverSocketpair()};
}

flowcheck::conformance::FlowUnderTest BrokenTlsOverSocketpair(
    TlsBreakage breakage) {
  flowcheck::conformance::FlowUnderTest flow;
  const bool no_close_notify = breakage == TlsBreakage::kNoCloseNotify;
  flow.name = no_close_notify ? "tls-broken-no-close-notify"
                              : "tls-broken-answers-close-notify";
  flow.description =
      no_close_notify
          ? "TLS over a socketpair whose half-close sends no close_notify"
          : "TLS over a socketpair that answers close_notify at once";
  flow.make = [no_close_notify](std::uint64_t) {
    using Socket = asio::local::stream_protocol::socket;
    auto runtime = std::make_unique<flowcheck::flows::AsioRuntime>();
    Socket a(runtime->io_context());
    Socket b(runtime->io_context());
    asio::local::connect_pair(a, b);
    if (no_close_notify) {
      return MakeTlsSubject<Socket, NoCloseNotifyTraits<Socket>>(
          std::move(runtime), std::move(a), std::move(b), "tls-broken",
          /*can_reset=*/false);
    }
    return MakeTlsSubject(std::move(runtime), std::move(a), std::move(b),
                          "tls-broken", /*can_reset=*/false,
                          /*answer_close_notify=*/true);
  };
  return flow;
}

}  // namespace tlsexample
