#pragma once
// The packed form of a short stream, as append.lua writes it into a hash field: the event count,
// then each event's length and bytes (lengths and count as 4-byte big-endian integers). Kept apart
// so the reader can be tested without Redis.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huifang::store {

// The events, in order; nullopt when the bytes are not a whole packed stream.
std::optional<std::vector<std::string>> unpack_stream(std::string_view packed);

}  // namespace huifang::store
