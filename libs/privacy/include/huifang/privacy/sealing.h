#pragma once
// AES-256-GCM, the one cipher behind crypto-shredding: personal fields are sealed with their
// customer's key and open only while that key exists. A sealed value is nonce (12 bytes) |
// ciphertext | tag (16 bytes); `bound_to` is authenticated with it, so a sealed value copied onto
// another customer (or a wrapped key moved to another field) refuses to open instead of showing
// someone else's data. OpenSSL does the cryptography.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "huifang/core/result.h"

namespace huifang::privacy {

using Key = std::array<uint8_t, 32>;

// A fresh key from OpenSSL's CSPRNG.
Key random_key();
// A key from its 64 hex digits (a key file's content, surrounding whitespace ignored).
core::Result<Key> key_from_hex(std::string_view hex);

// FAILED_PRECONDITION for anything new about a customer whose key was destroyed.
core::Error erased_customer(const std::string& customer_id);

std::string seal(const Key& key, std::string_view plaintext, std::string_view bound_to);
// INTERNAL (corrupt data) when `sealed` was not made by `key` for `bound_to`, or was altered.
core::Result<std::string> open(const Key& key, std::string_view sealed, std::string_view bound_to);

}  // namespace huifang::privacy
