// The trace as JSON, exactly the "attnviz-trace/1" format of SPEC.md.
#pragma once
#include <ostream>

#include "core/trace.h"

namespace attnviz {

// layer < 0 writes every layer; otherwise only that one (checked by the caller).
// Floats are written in their shortest round-trip form; masked logits are null.
void WriteTraceJson(std::ostream& out, const Trace& t, int layer = -1);

}  // namespace attnviz
