#include "core/compute/compute_service.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/engine.h"

namespace attnviz {

// [SECTION] State
//
// One mutex guards everything; workers hold it only to take a job and to
// publish its result, never while computing.
struct ComputeService::Impl {
  struct Slot {
    std::string key;                      // the newest key asked
    CancelToken token;                    // of the job computing `key` (if any)
    bool queued_or_running = false;       // a job for `key` exists
    std::shared_ptr<const void> value;    // newest good result
    std::string value_key;                // its key
    unsigned long generation = 0;
  };
  struct CacheEntry {
    std::string key;
    std::shared_ptr<const void> value;    // null when the entry is an error
    std::string error;
  };
  struct QueuedJob {
    std::string slot, key;
    Job fn;
    CancelToken token;
  };

  std::mutex mu;
  std::condition_variable work_cv, idle_cv;
  std::map<std::string, Slot> slots;
  std::list<CacheEntry> cache;            // most recently used first
  std::size_t cache_limit = 48;
  std::deque<QueuedJob> queue;
  int running = 0;
  bool stop = false;
  unsigned long generation = 0;
  long cancelled = 0, completed = 0;
  std::vector<std::thread> workers;
  Engine engine;                          // for AskTrace

  const CacheEntry* Cached(const std::string& key) {
    for (auto it = cache.begin(); it != cache.end(); ++it)
      if (it->key == key) {
        cache.splice(cache.begin(), cache, it);
        return &cache.front();
      }
    return nullptr;
  }
  void Remember(CacheEntry e) {
    for (auto it = cache.begin(); it != cache.end(); ++it)
      if (it->key == e.key) {
        cache.erase(it);
        break;
      }
    cache.push_front(std::move(e));
    while (cache.size() > cache_limit) cache.pop_back();
  }

  void Loop() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      work_cv.wait(lock, [&] { return stop || !queue.empty(); });
      if (stop) return;
      QueuedJob job = std::move(queue.front());
      queue.pop_front();
      ++running;
      lock.unlock();
      std::shared_ptr<const void> value;
      std::string error;
      bool was_cancelled = false;
      try {
        job.token.ThrowIfCancelled();
        value = job.fn(job.token);
        if (!value) error = "the computation returned nothing";
      } catch (const Cancelled&) {
        was_cancelled = true;
      } catch (const std::exception& e) {
        error = e.what();
        if (error.empty()) error = "the computation failed";
      }
      lock.lock();
      --running;
      if (was_cancelled) {
        ++cancelled;
      } else {
        // Finished (even if superseded just now): cached, so going back is instant.
        ++completed;
        Remember({job.key, value, error});
        Slot& s = slots[job.slot];
        if (s.key == job.key) {
          s.queued_or_running = false;
          if (value) {
            s.value = value;
            s.value_key = job.key;
            ++s.generation;
          }
        }
        ++generation;
      }
      idle_cv.notify_all();
    }
  }
};

ComputeService::ComputeService(int workers, int cache_entries) : impl_(std::make_unique<Impl>()) {
  impl_->cache_limit = static_cast<std::size_t>(std::max(1, cache_entries));
  for (int i = 0; i < std::max(1, workers); ++i) impl_->workers.emplace_back([this] { impl_->Loop(); });
}

ComputeService::~ComputeService() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stop = true;
    for (auto& [name, slot] : impl_->slots) slot.token.Cancel();
    impl_->queue.clear();
  }
  impl_->work_cv.notify_all();
  for (std::thread& t : impl_->workers) t.join();
}

// [SECTION] Asking

ComputeService::Raw ComputeService::AskRaw(const std::string& slot_name, const std::string& key, Job fn) {
  Impl& m = *impl_;
  std::unique_lock<std::mutex> lock(m.mu);
  Impl::Slot& s = m.slots[slot_name];
  Raw out;
  if (s.key != key || (!s.queued_or_running && s.value_key != key)) {
    // A new key for this slot: whatever it was computing is superseded.
    if (s.queued_or_running) {
      s.token.Cancel();
      const std::string old = s.key;
      auto it = std::find_if(m.queue.begin(), m.queue.end(),
                             [&](const Impl::QueuedJob& j) { return j.slot == slot_name && j.key == old; });
      if (it != m.queue.end()) {
        m.queue.erase(it);
        ++m.cancelled;
      }
    }
    s.key = key;
    s.queued_or_running = false;
    if (const Impl::CacheEntry* hit = m.Cached(key)) {
      if (hit->value && s.value_key != key) {
        s.value = hit->value;
        s.value_key = key;
        ++s.generation;
      }
    } else {
      s.token = CancelToken();
      s.queued_or_running = true;
      m.queue.push_back({slot_name, key, std::move(fn), s.token});
      m.work_cv.notify_one();
    }
  }
  out.value = s.value;
  out.current = s.value_key == key && s.value != nullptr;
  out.pending = s.queued_or_running;
  out.generation = s.generation;
  if (!s.queued_or_running && !out.current) {
    if (const Impl::CacheEntry* hit = m.Cached(key)) out.error = hit->error;
  }
  return out;
}

Computed<Trace> ComputeService::AskTrace(const std::string& slot, const Request& r) {
  Engine* engine = &impl_->engine;
  return Ask<Trace>(slot, "trace:" + RequestKey(r),
                    [engine, r](const CancelToken& c) -> std::shared_ptr<const Trace> { return engine->Run(r, &c); });
}

Engine& ComputeService::engine() { return impl_->engine; }

bool ComputeService::Busy() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->running > 0 || !impl_->queue.empty();
}

void ComputeService::WaitIdle() {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->idle_cv.wait(lock, [&] { return impl_->running == 0 && impl_->queue.empty(); });
}

unsigned long ComputeService::Generation() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->generation;
}

long ComputeService::CancelledCount() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->cancelled;
}

long ComputeService::CompletedCount() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->completed;
}

// [SECTION] Keys

std::string RequestKey(const Request& r) {
  // Every field of Request that changes a trace, in a fixed order. The text
  // goes last with its length first, so no text can make two keys collide.
  std::string k;
  auto add = [&](std::string_view name, const std::string& v) {
    k += name;
    k += '=';
    k += v;
    k += ';';
  };
  char buf[32];
  auto num = [&](double v) {
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
  };
  add("model", r.model);
  add("seed", std::to_string(r.seed));
  add("d", std::to_string(r.d_model));
  add("h", std::to_string(r.heads));
  add("g", std::to_string(r.kv_heads));
  add("l", std::to_string(r.layers));
  add("pe", std::string(ToString(r.positional)));
  add("mask", std::string(ToString(r.mask.pattern)));
  add("causal", r.mask.causal ? "1" : "0");
  add("w", std::to_string(r.mask.window));
  std::string globals;
  for (int g : r.mask.globals) globals += std::to_string(g) + ",";
  add("globals", globals);
  add("b", std::to_string(r.mask.block));
  add("scale", r.scale ? "1" : "0");
  add("t", num(r.temperature));
  add("text", std::to_string(r.text.size()) + ":" + r.text);
  return k;
}

}  // namespace attnviz
