#pragma once
// The formulas of DOMAIN.md ("Metrics and reports"), each on counts, pure. An empty denominator
// has no rate (std::nullopt), never 0% or 100%: an empty period must not look like a failure.
#include <cstdint>
#include <optional>
#include <vector>

namespace huifang::analytics {

// Visit rate (回访率) = visits completed ÷ visits due.
std::optional<double> visit_rate(uint64_t completed, uint64_t due);
// Satisfaction per dimension = satisfied (7–10) ÷ (satisfied + unsatisfied (1–6)); unrated left out.
std::optional<double> satisfaction_rate(uint64_t satisfied, uint64_t unsatisfied);
// Which side of the line a 10-point score falls on; 0 is unrated.
enum class Verdict { unrated, satisfied, unsatisfied };
Verdict verdict(uint32_t score);
// Overall satisfaction = arithmetic mean of the dimension rates that exist.
std::optional<double> overall_satisfaction(const std::vector<std::optional<double>>& dimension_rates);
// Agent KPI: every 5 percentage points below the standard costs one point (0 at or above it).
uint32_t kpi_points_lost(double visit_rate, double standard);
// Any ratio with an empty denominator left undefined (complaint rates, follow-ups within 3 days).
std::optional<double> ratio(uint64_t num, uint64_t den);

}  // namespace huifang::analytics
