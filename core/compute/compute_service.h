// ComputeService: how a chapter asks for more than the shared trace, without
// ever blocking the window.
//
// A chapter asks by value: a slot (one on-screen thing, e.g. "ch4/causal"), a
// key that names exactly what is wanted (e.g. the text of a modified Request,
// or a lesson's parameters), and a function that computes it. The service
//   - computes it on one of its persistent worker threads;
//   - caches results by key (LRU), so asking again, or going back to a slider
//     position already seen, is instant;
//   - keeps the newest request per slot: asking for a new key cancels the
//     computation it supersedes (its CancelToken is set and the engine stops
//     within a block of work) and drops any queued one;
//   - keeps the last good result of the slot on screen meanwhile;
//   - hands errors back as data (the message), never throws at the caller.
//
// Usage, once per frame (cheap when nothing changed: a map lookup):
//   Computed<RnnLesson> r = compute.Ask<RnnLesson>("ch1/rnn", key,
//       [p](const CancelToken& c) { return std::make_shared<const RnnLesson>(ComputeRnnLesson(p, &c)); });
//   if (r.value) Draw(*r.value);            // maybe for an older key while r.pending
//   if (!r.error.empty()) ShowProblem(r.error);
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "core/cancel.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {

class Engine;

template <class T>
struct Computed {
  std::shared_ptr<const T> value;  // the slot's newest good result (null before the first)
  bool current = false;            // value is for the key asked this time
  bool pending = false;            // the asked key is still computing (or queued)
  std::string error;               // the asked key failed: one line for a person ("" = ok)
  unsigned long generation = 0;    // changes whenever value changes (texture caches key on it)
};

class ComputeService {
 public:
  using Job = std::function<std::shared_ptr<const void>(const CancelToken&)>;

  explicit ComputeService(int workers = 2, int cache_entries = 48);
  ~ComputeService();
  ComputeService(const ComputeService&) = delete;
  ComputeService& operator=(const ComputeService&) = delete;

  // See the top of this file. `fn` runs on a worker; it may throw InputError
  // (or any std::exception): the message comes back in Computed::error.
  template <class T>
  Computed<T> Ask(const std::string& slot, const std::string& key,
                  std::function<std::shared_ptr<const T>(const CancelToken&)> fn) {
    Raw r = AskRaw(slot, key, [fn = std::move(fn)](const CancelToken& c) -> std::shared_ptr<const void> { return fn(c); });
    Computed<T> out;
    out.value = std::static_pointer_cast<const T>(r.value);
    out.current = r.current;
    out.pending = r.pending;
    out.error = std::move(r.error);
    out.generation = r.generation;
    return out;
  }

  // A trace of a (modified) Request, computed by the service's own engine
  // (weight sources cached as the main engine caches them).
  Computed<Trace> AskTrace(const std::string& slot, const Request& r);

  // The service's engine (weight sources cached across jobs): lessons that
  // need the model run through it, inside a job. Thread-safe.
  Engine& engine();

  // True while any job is queued or running.
  bool Busy() const;
  // Blocks until nothing is queued or running (tests, --screenshot).
  void WaitIdle();
  // Changes whenever any slot receives a result or an error (the window
  // redraws when it changes).
  unsigned long Generation() const;
  // How many jobs were cancelled because a newer request superseded them
  // (tests check that superseded work stops, not merely that it is ignored).
  long CancelledCount() const;
  // How many jobs ran to completion (tests check the cache avoids recomputing).
  long CompletedCount() const;

 private:
  struct Raw {
    std::shared_ptr<const void> value;
    bool current = false, pending = false;
    std::string error;
    unsigned long generation = 0;
  };
  Raw AskRaw(const std::string& slot, const std::string& key, Job fn);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A key that names a Request exactly (every field that changes the trace).
std::string RequestKey(const Request& r);

}  // namespace attnviz
