#include "figures.h"

#include <cmath>

namespace huifang::analytics {

std::optional<double> ratio(uint64_t num, uint64_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

std::optional<double> visit_rate(uint64_t completed, uint64_t due) { return ratio(completed, due); }

std::optional<double> satisfaction_rate(uint64_t satisfied, uint64_t unsatisfied) {
  return ratio(satisfied, satisfied + unsatisfied);
}

Verdict verdict(uint32_t score) {
  if (score == 0 || score > 10) return Verdict::unrated;
  return score >= 7 ? Verdict::satisfied : Verdict::unsatisfied;
}

std::optional<double> overall_satisfaction(const std::vector<std::optional<double>>& dimension_rates) {
  double sum = 0;
  int n = 0;
  for (const auto& r : dimension_rates)
    if (r) sum += *r, ++n;
  if (n == 0) return std::nullopt;
  return sum / n;
}

uint32_t kpi_points_lost(double visit_rate, double standard) {
  // In percentage points, rounded to 1e-9 so 0.75 vs 0.80 is exactly 5 points, not 4.999….
  const double below = std::round((standard - visit_rate) * 100 * 1e9) / 1e9;
  if (below <= 0) return 0;
  return static_cast<uint32_t>(std::floor(below / 5));
}

}  // namespace huifang::analytics
