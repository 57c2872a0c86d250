#pragma once
// The line diff DiffPolicyVersions answers with: "-" and "+" lines for what changed between two
// policy texts, without context. Policies are tenant input of up to 256 KiB, so the diff is
// bounded: unchanged lines at either end are skipped at once, and only a middle of at most
// kMaxDiffCells line pairs gets a minimal (longest-common-subsequence) diff; a larger middle is
// shown as removed then added whole, which is still a correct diff, only not the shortest.
#include <cstddef>
#include <string>

namespace huifang::scheduling {

inline constexpr size_t kMaxDiffCells = 4'000'000;  // 16 MB of table, tens of milliseconds

std::string line_diff(const std::string& from, const std::string& to);

}  // namespace huifang::scheduling
