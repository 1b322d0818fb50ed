// CancelToken: how a long computation learns that nobody wants its result any
// more. The compute service hands one to every job; a newer request for the same
// slot sets it, and the job checks it between heads, layers and query blocks and
// stops by throwing Cancelled (so a superseded trace at N = 4096 stops within a
// block of work instead of running to the end and being thrown away).
#pragma once
#include <atomic>
#include <memory>
#include <stdexcept>

namespace attnviz {

// Thrown by CancelToken::ThrowIfCancelled; never shown to a person.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled: a newer request superseded this one") {}
};

class CancelToken {
 public:
  CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  void Cancel() const { flag_->store(true, std::memory_order_relaxed); }
  bool IsCancelled() const { return flag_->load(std::memory_order_relaxed); }
  void ThrowIfCancelled() const {
    if (IsCancelled()) throw Cancelled();
  }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;  // shared by copies: cancel one, all see it
};

// For functions that take an optional token.
inline void ThrowIfCancelled(const CancelToken* t) {
  if (t) t->ThrowIfCancelled();
}

}  // namespace attnviz
