// examples/echo_protocol.h: a tiny protocol written against Flow only --
// the kind of code a flowcheck user tests in simulation.
//
// Messages are length-prefixed (4-byte big-endian length, then the bytes).
// The server echoes each message and closes once the client has closed.
// Nothing here knows whether it runs in the simulation or on real sockets.
#ifndef FLOWCHECK_EXAMPLES_ECHO_PROTOCOL_H_
#define FLOWCHECK_EXAMPLES_ECHO_PROTOCOL_H_

#include <optional>
#include <string>
#include <vector>

#include "flow/flow.h"

namespace echo {

// Serves one connection: echoes every message until the client closes,
// then closes. Completes with the number of messages echoed, or nullopt if
// the connection failed or ended in the middle of a message.
flowcheck::Task<std::optional<int>> Serve(flowcheck::Flow& flow);

// Sends each message and waits for its echo before sending the next, then
// closes. Completes with the echoes in order, or nullopt if the connection
// failed.
flowcheck::Task<std::optional<std::vector<std::string>>> Call(
    flowcheck::Flow& flow, std::vector<std::string> messages);

// A naive variant: sends every message first, then reads the echoes. With
// send windows smaller than the messages, client and server both wait for
// window space the other never frees -- the deadlock the simulation finds
// and reports by task name (examples/echo_protocol_test.cc).
flowcheck::Task<std::optional<std::vector<std::string>>> CallAllThenRead(
    flowcheck::Flow& flow, std::vector<std::string> messages);

}  // namespace echo

#endif  // FLOWCHECK_EXAMPLES_ECHO_PROTOCOL_H_
