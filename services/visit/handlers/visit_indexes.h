#pragma once
// The visit service's read-model writes, derived from a visit's state before and after a change:
// the agenda it sits on, the timers it waits for, the customer's list of visits and the agenda
// item they show. Deriving them from states (not from each event) keeps every writer — a plan
// arriving, an agent's command, a timer — in agreement.
#include <vector>

#include "../domain/visit.h"
#include "huifang/scheduling/v1/service.pb.h"
#include "huifang/store/event_store.h"

namespace huifang::visit {

scheduling::v1::AgendaItem agenda_item(const VisitState& s);
std::vector<store::IndexOp> index_ops(const VisitState& before, const VisitState& after);

}  // namespace huifang::visit
