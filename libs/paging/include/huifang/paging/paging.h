#pragma once
// Offset paging over a sorted list: the token is the next offset. Lists here are small enough
// (a tenant's org tree, an org unit's agents, a filtered customer list) to sort in memory.
#include <charconv>
#include <string>
#include <vector>

#include "huifang/common/v1/common.pb.h"
#include "huifang/core/result.h"

namespace huifang::paging {

template <typename T, typename Out>
core::Status page_into(const std::vector<T>& items, const common::v1::PageRequest& req, Out* out,
                       common::v1::PageResponse* page) {
  size_t offset = 0;
  const std::string& token = req.page_token();
  if (!token.empty()) {
    auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), offset);
    if (ec != std::errc{} || p != token.data() + token.size() || offset > items.size())
      return core::invalid_argument("page.page_token", "'" + token + "' is not a token this list returned");
  }
  const size_t size = req.page_size() == 0 ? 50 : std::min<size_t>(req.page_size(), 1000);
  const size_t end = std::min(items.size(), offset + size);
  for (size_t i = offset; i < end; ++i) *out->Add() = items[i];
  page->set_next_page_token(end < items.size() ? std::to_string(end) : "");
  page->set_total(items.size());
  return core::ok_status();
}

}  // namespace huifang::paging
