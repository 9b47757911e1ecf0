#include "conformance/driver_protocol.h"

#include <array>
#include <nlohmann/json.hpp>

namespace flowcheck::conformance::driver {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> DecodeTable() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] =
        static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kDecode = DecodeTable();

struct CodeName {
  ErrorCode code;
  std::string_view name;
};
constexpr CodeName kCodes[] = {
    {ErrorCode::kConnectionReset, "reset"},
    {ErrorCode::kBrokenPipe, "broken-pipe"},
    {ErrorCode::kTimedOut, "timed-out"},
    {ErrorCode::kCancelled, "cancelled"},
    {ErrorCode::kIo, "io"},
    {ErrorCode::kOther, "other"},
};

struct CallEntry {
  Call call;
  std::string_view name;
};
constexpr CallEntry kCalls[] = {
    {Call::kStart, "start"}, {Call::kEnd, "end"},       {Call::kRead, "read"},
    {Call::kWrite, "write"}, {Call::kWritev, "writev"}, {Call::kClose, "close"},
    {Call::kReset, "reset"},
};

std::optional<Json> ParseObject(std::string_view line, std::string& error) {
  Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    error = "not JSON: " + Quote(line);
    return std::nullopt;
  }
  if (!json.is_object()) {
    error = "not a JSON object: " + Quote(line);
    return std::nullopt;
  }
  return json;
}

// The integer member `key`, if it is one.
std::optional<std::int64_t> Integer(const Json& json, const char* key) {
  const auto it = json.find(key);
  if (it == json.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<std::string> String(const Json& json, const char* key) {
  const auto it = json.find(key);
  if (it == json.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16 |
                            static_cast<unsigned char>(bytes[i + 1]) << 8 |
                            static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16 |
                            static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int pad = 0;
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=') {
        // Padding only at the end, only in the last two places.
        if (!last || j < 2) return std::nullopt;
        ++pad;
        v <<= 6;
        continue;
      }
      if (pad > 0) return std::nullopt;
      const std::int8_t d = kDecode[static_cast<unsigned char>(c)];
      if (d < 0) return std::nullopt;
      v = v << 6 | static_cast<std::uint32_t>(d);
    }
    out += static_cast<char>(v >> 16 & 0xff);
    if (pad < 2) out += static_cast<char>(v >> 8 & 0xff);
    if (pad < 1) out += static_cast<char>(v & 0xff);
  }
  return out;
}

std::string_view ErrorCodeWireName(ErrorCode code) {
  for (const CodeName& entry : kCodes) {
    if (entry.code == code) return entry.name;
  }
  return "other";
}

std::optional<ErrorCode> ErrorCodeFromWire(std::string_view name) {
  for (const CodeName& entry : kCodes) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

std::string_view CallName(Call call) {
  for (const CallEntry& entry : kCalls) {
    if (entry.call == call) return entry.name;
  }
  return "?";
}

std::string EncodeHello(const Hello& hello) {
  Json json = {{"hello", hello.version},
               {"name", hello.name},
               {"description", hello.description},
               {"capabilities", {{"reset", hello.can_reset}}}};
  return json.dump();
}

std::variant<Hello, std::string> ParseHello(std::string_view line) {
  std::string error;
  const std::optional<Json> json = ParseObject(line, error);
  if (!json) return "the first line must be the driver's hello; it is " + error;
  Hello hello;
  const std::optional<std::string> version = String(*json, "hello");
  if (!version) {
    return "the first line must be the driver's hello ({\"hello\": \"" +
           std::string(kVersion) + "\", ...}); it is " + Quote(line);
  }
  hello.version = *version;
  if (hello.version != kVersion) {
    return "the driver speaks '" + hello.version +
           "'; this flowcheck speaks '" + std::string(kVersion) + "'";
  }
  hello.name = String(*json, "name").value_or("");
  if (hello.name.empty()) return "the hello has no \"name\": " + Quote(line);
  for (char c : hello.name) {
    if (c == ' ' || c == '/' || c == '{' || c == '}' || c < 0x20) {
      return "the driver's name '" + hello.name +
             "' has a space, '/', '{' or '}': it names report files";
    }
  }
  hello.description = String(*json, "description").value_or("");
  const auto capabilities = json->find("capabilities");
  if (capabilities != json->end()) {
    if (!capabilities->is_object()) {
      return "\"capabilities\" must be an object: " + Quote(line);
    }
    const auto reset = capabilities->find("reset");
    if (reset != capabilities->end()) {
      if (!reset->is_boolean()) {
        return "\"capabilities\".\"reset\" must be true or false: " +
               Quote(line);
      }
      hello.can_reset = reset->get<bool>();
    }
  }
  return hello;
}

std::string EncodeRequest(const Request& request) {
  Json json = Json::object();
  json["call"] = std::string(CallName(request.call));
  switch (request.call) {
    case Call::kStart:
      json["case"] = request.case_id;
      json["seed"] = request.seed;
      break;
    case Call::kEnd:
      json["case"] = request.case_id;
      break;
    case Call::kReset:
      json["op"] = request.op;
      break;
    case Call::kRead:
    case Call::kClose:
      json["op"] = request.op;
      json["side"] = std::string(1, request.side);
      break;
    case Call::kWrite:
      json["op"] = request.op;
      json["side"] = std::string(1, request.side);
      json["bytes"] = Base64Encode(request.parts.empty() ? std::string_view()
                                                         : request.parts[0]);
      break;
    case Call::kWritev: {
      json["op"] = request.op;
      json["side"] = std::string(1, request.side);
      Json parts = Json::array();
      for (const std::string& part : request.parts) {
        parts.push_back(Base64Encode(part));
      }
      json["parts"] = std::move(parts);
      break;
    }
  }
  return json.dump();
}

std::variant<Request, std::string> ParseRequest(std::string_view line) {
  std::string error;
  const std::optional<Json> json = ParseObject(line, error);
  if (!json) return error;
  Request request;
  const std::optional<std::string> call = String(*json, "call");
  bool known = false;
  for (const CallEntry& entry : kCalls) {
    if (call && entry.name == *call) {
      request.call = entry.call;
      known = true;
    }
  }
  if (!known) return "no known \"call\": " + Quote(line);
  if (request.call == Call::kStart || request.call == Call::kEnd) {
    const std::optional<std::int64_t> id = Integer(*json, "case");
    if (!id) return "no integer \"case\": " + Quote(line);
    request.case_id = *id;
    if (request.call == Call::kStart) {
      const auto seed = json->find("seed");
      if (seed != json->end() && seed->is_number_unsigned()) {
        request.seed = seed->get<std::uint64_t>();
      }
    }
    return request;
  }
  const std::optional<std::int64_t> op = Integer(*json, "op");
  if (!op) return "no integer \"op\": " + Quote(line);
  request.op = *op;
  if (request.call == Call::kReset) return request;
  const std::optional<std::string> side = String(*json, "side");
  if (!side || (*side != "A" && *side != "B")) {
    return "\"side\" must be \"A\" or \"B\": " + Quote(line);
  }
  request.side = (*side)[0];
  if (request.call == Call::kWrite) {
    const std::optional<std::string> bytes = String(*json, "bytes");
    std::optional<std::string> decoded;
    if (bytes) decoded = Base64Decode(*bytes);
    if (!decoded) return "\"bytes\" must be base64: " + Quote(line);
    request.parts.push_back(std::move(*decoded));
  } else if (request.call == Call::kWritev) {
    const auto parts = json->find("parts");
    if (parts == json->end() || !parts->is_array()) {
      return "\"parts\" must be an array: " + Quote(line);
    }
    for (const Json& part : *parts) {
      std::optional<std::string> decoded;
      if (part.is_string()) decoded = Base64Decode(part.get<std::string>());
      if (!decoded) return "a part is not base64: " + Quote(line);
      request.parts.push_back(std::move(*decoded));
    }
  }
  return request;
}

std::string EncodeReply(const Reply& reply) {
  Json json = Json::object();
  if (reply.op) json["op"] = *reply.op;
  if (reply.case_id) json["case"] = *reply.case_id;
  json["result"] = reply.result;
  if (reply.result == "data") json["bytes"] = Base64Encode(reply.bytes);
  if (reply.result == "error") {
    json["code"] =
        std::string(ErrorCodeWireName(reply.code.value_or(ErrorCode::kOther)));
    json["description"] = reply.description;
  }
  return json.dump();
}

std::variant<Reply, std::string> ParseReply(std::string_view line) {
  std::string error;
  const std::optional<Json> json = ParseObject(line, error);
  if (!json) return error;
  Reply reply;
  reply.op = Integer(*json, "op");
  reply.case_id = Integer(*json, "case");
  if (reply.op.has_value() == reply.case_id.has_value()) {
    return "an answer names exactly one integer \"op\" or \"case\": " +
           Quote(line);
  }
  const std::optional<std::string> result = String(*json, "result");
  if (!result) return "no \"result\": " + Quote(line);
  reply.result = *result;
  if (reply.result == "data") {
    const std::optional<std::string> bytes = String(*json, "bytes");
    std::optional<std::string> decoded;
    if (bytes) decoded = Base64Decode(*bytes);
    if (!decoded) return "\"bytes\" must be base64: " + Quote(line);
    reply.bytes = std::move(*decoded);
  } else if (reply.result == "error") {
    const std::optional<std::string> code = String(*json, "code");
    if (code) {
      reply.code = ErrorCodeFromWire(*code);
      if (!reply.code) return "unknown error \"code\": " + Quote(line);
    }
    reply.description = String(*json, "description").value_or("");
  } else if (reply.result != "ok" && reply.result != "closed" &&
             reply.result != "eof") {
    return "unknown \"result\" '" + reply.result + "': " + Quote(line);
  }
  return reply;
}

std::string Quote(std::string_view line, std::size_t max) {
  std::string out = "`";
  for (std::size_t i = 0; i < line.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (line.size() > max) out += "...";
  return out + "`";
}

}  // namespace flowcheck::conformance::driver
