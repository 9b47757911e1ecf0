#include "examples/tls/tls_session.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace tlsexample {

std::string TakeSslReason(const std::string& fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char reason[256];
  ERR_error_string_n(code, reason, sizeof reason);
  return reason;
}

namespace {

[[noreturn]] void Throw(const std::string& what) {
  throw std::runtime_error("TLS setup: " + what + ": " +
                           TakeSslReason("no OpenSSL error queued"));
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

}  // namespace

std::pair<SSL*, SSL*> HandshakeInMemory() {
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

}  // namespace tlsexample
