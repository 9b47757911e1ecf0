// examples/tls/tls_session.h: TLS 1.3 sessions for the examples -- a client
// and a server SSL that have finished their handshake in memory -- and
// OpenSSL's reasons as text.
//
// The contexts are made once per process: TLS 1.3 only, the server with a
// fresh self-signed P-256 certificate ("flowcheck-tls-example") that the
// client trusts and verifies. Both ends of a test pair live in this
// process, so the handshake runs between them in memory; every test case
// then starts with an established session, and everything after the
// handshake -- data records, session tickets, close_notify -- crosses the
// connection under test.
#ifndef FLOWCHECK_EXAMPLES_TLS_TLS_SESSION_H_
#define FLOWCHECK_EXAMPLES_TLS_TLS_SESSION_H_

#include <openssl/ssl.h>

#include <string>
#include <utility>

namespace tlsexample {

// A client and a server SSL (first, second; the caller owns both and frees
// them with SSL_free) whose TLS 1.3 handshake completed in memory, the
// client having verified the server's certificate. Each has memory BIOs:
// records it makes wait in its wbio, records for it go into its rbio. What
// the server sent after the handshake (session tickets) waits in the
// client's rbio and is read with the first records from the connection.
// Throws std::runtime_error with OpenSSL's reason if anything fails.
std::pair<SSL*, SSL*> HandshakeInMemory();

// The oldest error OpenSSL queued on this thread, as its reason ("error:0A
// 000119:SSL routines::decryption failed or bad record mac"), or
// `fallback` when none is queued. Clears the queue.
std::string TakeSslReason(const std::string& fallback);

}  // namespace tlsexample

#endif  // FLOWCHECK_EXAMPLES_TLS_TLS_SESSION_H_
