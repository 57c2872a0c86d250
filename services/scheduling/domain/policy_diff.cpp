#include "policy_diff.h"

#include <algorithm>
#include <span>
#include <string_view>
#include <vector>

namespace huifang::scheduling {
namespace {

std::vector<std::string_view> lines(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto nl = s.find('\n');
    out.push_back(s.substr(0, nl));
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

void emit(std::string& out, char sign, std::string_view line) {
  out += sign;
  out += line;
  out += '\n';
}

// Minimal diff of two short spans: longest common subsequence over lines.
void lcs_diff(std::span<const std::string_view> a, std::span<const std::string_view> b, std::string& out) {
  const size_t w = b.size() + 1;
  std::vector<uint32_t> lcs((a.size() + 1) * w, 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * w + j]; };
  for (size_t i = a.size(); i-- > 0;)
    for (size_t j = b.size(); j-- > 0;) at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ++i, ++j;
    } else if (i < a.size() && (j == b.size() || at(i + 1, j) >= at(i, j + 1))) {
      emit(out, '-', a[i++]);
    } else {
      emit(out, '+', b[j++]);
    }
  }
}

}  // namespace

std::string line_diff(const std::string& from, const std::string& to) {
  const auto a_all = lines(from), b_all = lines(to);
  std::span<const std::string_view> a(a_all), b(b_all);
  while (!a.empty() && !b.empty() && a.front() == b.front()) a = a.subspan(1), b = b.subspan(1);
  while (!a.empty() && !b.empty() && a.back() == b.back()) a = a.first(a.size() - 1), b = b.first(b.size() - 1);
  std::string out;
  if ((a.size() + 1) * (b.size() + 1) <= kMaxDiffCells) {
    lcs_diff(a, b, out);
    return out;
  }
  for (auto l : a) emit(out, '-', l);
  for (auto l : b) emit(out, '+', l);
  return out;
}

}  // namespace huifang::scheduling
