// A TCP port on 127.0.0.1 that no socket was bound to a moment ago: `recis launch` picks its
// rendezvous port with it, tests their stores. (Another process may take it before it is used;
// the store then fails to bind with an error naming the port.) Thread-safe.
#pragma once

#include <cstdint>

namespace recis::dist {

// Throws recis::Error when no socket can be bound.
uint16_t free_loopback_port();

}  // namespace recis::dist
