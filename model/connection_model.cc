#include "model/connection_model.h"

#include "flow/check.h"

namespace flowcheck {

WriteResult::Kind ConnectionModel::Write(Side side, std::string_view bytes) {
  if (closed(side)) return WriteResult::Kind::kClosed;
  in_flight_[Index(Peer(side))].append(bytes);
  return WriteResult::Kind::kOk;
}

std::size_t ConnectionModel::Readable(Side side) const {
  return in_flight_[Index(side)].size() - read_offset_[Index(side)];
}

bool ConnectionModel::EofReadable(Side side) const {
  return saw_eof(side) || (closed(Peer(side)) && Readable(side) == 0);
}

std::string ConnectionModel::Deliver(Side side, std::size_t count) {
  FLOWCHECK_CHECK(count >= 1 && count <= Readable(side),
                  "ConnectionModel::Deliver of an illegal byte count");
  FLOWCHECK_CHECK(!saw_eof(side), "ConnectionModel::Deliver after Eof");
  std::size_t& offset = read_offset_[Index(side)];
  std::string bytes = in_flight_[Index(side)].substr(offset, count);
  offset += count;
  return bytes;
}

void ConnectionModel::DeliverEof(Side side) {
  FLOWCHECK_CHECK(EofReadable(side), "ConnectionModel::DeliverEof too early");
  saw_eof_[Index(side)] = true;
}

void ConnectionModel::Close(Side side) { closed_[Index(side)] = true; }

}  // namespace flowcheck
