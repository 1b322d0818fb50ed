// The `census` lesson: see census.h for the definitions.
//
// [SECTION] Names and definitions
// [SECTION] Plan: which rows and keys each score reads
// [SECTION] Scoring a head, by blocks of rows
// [SECTION] The probe
// [SECTION] The lesson and its JSON
#include "core/lessons/census.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <numeric>
#include <unordered_map>

#include "core/engine.h"
#include "core/lessons/lesson.h"
#include "core/limits.h"
#include "core/model/lexicon.h"
#include "core/model/model.h"
#include "core/parallel/thread_pool.h"
#include "core/seeded_rng.h"

namespace attnviz::lessons {

// [SECTION] Names and definitions

const char* CensusScoreName(CensusScore s) {
  switch (s) {
    case CensusScore::PreviousToken: return "previous-token";
    case CensusScore::Induction: return "induction";
    case CensusScore::Sink: return "sink";
    case CensusScore::Duplicate: return "duplicate-token";
    case CensusScore::Local: return "local";
  }
  return "?";
}

std::string CensusScoreDefinition(CensusScore s, int local_window) {
  switch (s) {
    case CensusScore::PreviousToken:
      return "The weight each token puts on the token just before it, averaged over every token but the first.";
    case CensusScore::Induction:
      return "For each token seen before, the weight it puts on the token that followed its earlier copy, averaged "
             "over those tokens: on the probe, the second half looking one step past the first half.";
    case CensusScore::Sink:
      return "The weight each token puts on the very first token, averaged over every token but the first, which "
             "has nothing else to look at.";
    case CensusScore::Duplicate:
      return "For each token seen before, the weight it puts on its own earlier copies, averaged over those tokens.";
    case CensusScore::Local:
      return "The weight each token keeps within " + std::to_string(local_window) +
             " tokens of itself, averaged over the tokens that could look farther.";
  }
  return {};
}

// [SECTION] Plan: which rows and keys each score reads

std::vector<int> TokenLabels(const std::vector<Token>& tokens) {
  std::unordered_map<std::string, int> seen;
  std::vector<int> labels;
  labels.reserve(tokens.size());
  for (const Token& t : tokens) {
    std::string key;
    if (t.id >= 0) {
      key = std::to_string(t.id);  // ids and words never mix within one model
      key.insert(key.begin(), '#');
    } else {
      key = t.text;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto it = seen.emplace(key, static_cast<int>(seen.size())).first;
    labels.push_back(it->second);
  }
  return labels;
}

std::vector<int> ProbeLabels(int probe_length) {
  std::vector<int> labels(2 * static_cast<std::size_t>(std::max(0, probe_length)));
  for (std::size_t k = 0; k < labels.size(); ++k) labels[k] = static_cast<int>(k % probe_length);
  return labels;
}

CensusPlan PlanCensus(const std::vector<int>& labels, const MaskMat* allowed, int local_window) {
  const int n = static_cast<int>(labels.size());
  if (allowed && (allowed->rows() != n || allowed->cols() != n))
    throw InputError("census: the mask is not N x N for the " + std::to_string(n) + " tokens");
  const auto ok = [allowed](int i, int j) { return !allowed || (*allowed)(i, j) != 0; };
  CensusPlan plan;
  plan.n = n;
  // Earlier copies of each token, gathered as we go (label -> positions so far).
  std::unordered_map<int, std::vector<int>> before;
  std::vector<int> keys;
  const auto add = [&plan](CensusScore s, int i, std::vector<int>& k) {
    if (k.empty()) return;
    CensusRows& r = plan.scores[static_cast<int>(s)];
    std::sort(k.begin(), k.end());
    r.rows.push_back(i);
    r.keys.push_back(k);
  };
  for (int i = 0; i < n; ++i) {
    bool any = false, far = false;
    for (int j = 0; j < n; ++j)
      if (ok(i, j)) {
        any = true;
        if (std::abs(i - j) > local_window) far = true;
      }
    const std::vector<int>& copies = before[labels[i]];
    if (any) {
      keys.clear();
      if (i >= 1 && ok(i, i - 1)) keys.push_back(i - 1);
      add(CensusScore::PreviousToken, i, keys);
      keys.clear();
      for (int k : copies)
        if (k + 1 < i && ok(i, k + 1)) keys.push_back(k + 1);
      add(CensusScore::Induction, i, keys);
      keys.clear();
      if (i >= 1 && ok(i, 0)) keys.push_back(0);
      add(CensusScore::Sink, i, keys);
      keys.clear();
      for (int k : copies)
        if (ok(i, k)) keys.push_back(k);
      add(CensusScore::Duplicate, i, keys);
      keys.clear();
      if (far)
        for (int j = std::max(0, i - local_window); j <= std::min(n - 1, i + local_window); ++j)
          if (ok(i, j)) keys.push_back(j);
      add(CensusScore::Local, i, keys);
    }
    before[labels[i]].push_back(i);
  }
  return plan;
}

// [SECTION] Scoring a head, by blocks of rows

namespace {

// Sums each score's targets over rows as blocks of rows arrive (in order).
struct ScoreAccumulator {
  const CensusPlan& plan;
  std::array<std::size_t, kCensusScores> cursor{};
  std::array<double, kCensusScores> sum{};

  explicit ScoreAccumulator(const CensusPlan& p) : plan(p) {}

  // `block` holds rows [row0, row0 + rows) of the weights, N floats each.
  void Add(int row0, int rows, const float* block) {
    for (int s = 0; s < kCensusScores; ++s) {
      const CensusRows& r = plan.scores[s];
      std::size_t& c = cursor[s];
      while (c < r.rows.size() && r.rows[c] < row0 + rows) {
        const int i = r.rows[c];
        if (i >= row0) {
          const float* w = block + static_cast<std::size_t>(i - row0) * plan.n;
          double t = 0;
          for (int j : r.keys[c]) t += w[j];
          sum[s] += t;
        }
        ++c;
      }
    }
  }

  std::array<double, kCensusScores> Scores() const {
    std::array<double, kCensusScores> out{};
    for (int s = 0; s < kCensusScores; ++s) {
      const std::size_t rows = plan.scores[s].rows.size();
      out[s] = rows > 0 ? sum[s] / static_cast<double>(rows) : 0.0;
    }
    return out;
  }
};

}  // namespace

std::array<double, kCensusScores> ScoreHead(const Mat& weights, const CensusPlan& plan) {
  if (weights.rows() != plan.n || weights.cols() != plan.n)
    throw InputError("census: the weights are not N x N for the plan's " + std::to_string(plan.n) + " tokens");
  ScoreAccumulator acc(plan);
  acc.Add(0, plan.n, weights.data());
  return acc.Scores();
}

std::vector<int> RankHeads(const std::vector<CensusHead>& heads, CensusScore s) {
  std::vector<int> order(heads.size());
  std::iota(order.begin(), order.end(), 0);
  const int k = static_cast<int>(s);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return heads[a].score[k] > heads[b].score[k]; });
  return order;
}

CensusSequence ComputeCensusSequence(const Trace& t, const std::vector<int>& labels, const CensusParams& p,
                                     const CancelToken* cancel) {
  const int n = t.n();
  if (t.layers.empty() || n == 0) throw InputError("the trace has no layers or no tokens");
  if (static_cast<int>(labels.size()) != n)
    throw InputError("census: " + std::to_string(labels.size()) + " labels for " + std::to_string(n) + " tokens");
  if (p.thumb < 4 || p.thumb > 256)
    throw InputError("thumbnail size " + std::to_string(p.thumb) + " is out of range; allowed 4..256");
  const int L = static_cast<int>(t.layers.size()), H = static_cast<int>(t.layers[0].heads.size());

  CensusSequence c;
  c.computed = true;
  c.n = n;
  for (const Token& tok : t.tokens) c.tokens.push_back(DisplayToken(tok.text));
  c.labels = labels;
  c.plan = PlanCensus(labels, &t.mask, p.local_window);
  for (int s = 0; s < kCensusScores; ++s) c.defined[s] = !c.plan.scores[s].rows.empty();
  c.heads.resize(static_cast<std::size_t>(L) * H);

  // One head per task, its weights streamed in blocks of rows: at most one
  // block per thread is alive, and the window's matrix cache is left alone.
  ParallelFor(L * H, [&](int task) {
    const int l = task / H, h = task % H;
    CensusHead& head = c.heads[task];
    head.layer = l;
    head.head = h;
    head.role = t.layers[l].heads[h].role;
    const int R = std::min(n, p.thumb);
    head.thumb_rows = head.thumb_cols = R;
    head.thumb.assign(static_cast<std::size_t>(R) * R, 0.0f);
    constexpr int kBlock = 64;
    std::vector<float> buf(static_cast<std::size_t>(std::min(kBlock, n)) * n);
    ScoreAccumulator acc(c.plan);
    for (int r0 = 0; r0 < n; r0 += kBlock) {
      ThrowIfCancelled(cancel);
      const int rows = std::min(kBlock, n - r0);
      t.MatrixRows(l, h, HeadMatrix::Weights, r0, rows, buf.data());
      acc.Add(r0, rows, buf.data());
      // Max-pool into the thumbnail (every cell when N <= thumb).
      for (int a = 0; a < rows; ++a) {
        const float* w = buf.data() + static_cast<std::size_t>(a) * n;
        float* cell = head.thumb.data() + static_cast<std::size_t>(static_cast<long long>(r0 + a) * R / n) * R;
        for (int j = 0; j < n; ++j) {
          float& v = cell[static_cast<long long>(j) * R / n];
          v = std::max(v, w[j]);
        }
      }
    }
    head.score = acc.Scores();
  });
  for (int s = 0; s < kCensusScores; ++s) c.ranking[s] = RankHeads(c.heads, static_cast<CensusScore>(s));
  return c;
}

// [SECTION] The probe

namespace {

// Plain lowercase lexicon words (3..10 letters), sorted so a seed picks the
// same words on every platform: each is exactly one token for the built-in
// tokenizer.
const std::vector<std::string>& ProbeWords() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w;
    for (const auto& [word, entry] : Lexicon::Builtin().entries()) {
      (void)entry;
      if (word.size() < 3 || word.size() > 10) continue;
      if (std::all_of(word.begin(), word.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; })) w.push_back(word);
    }
    std::sort(w.begin(), w.end());
    return w;
  }();
  return words;
}

// `count` distinct integers from [0, size), seeded (a partial Fisher-Yates on
// a sparse map, so a 50,257-token vocabulary is not copied).
std::vector<int> DistinctDraws(int size, int count, std::uint64_t seed) {
  SeededRng rng{seed * 0x9E3779B97F4A7C15ull + 0xce45u};
  std::unordered_map<int, int> swapped;
  const auto at = [&swapped](int k) {
    const auto it = swapped.find(k);
    return it == swapped.end() ? k : it->second;
  };
  std::vector<int> out;
  for (int k = 0; k < count; ++k) {
    const int r = k + static_cast<int>(rng.Next() % static_cast<std::uint64_t>(size - k));
    const int a = at(k), b = at(r);
    swapped[k] = b;
    swapped[r] = a;
    out.push_back(b);
  }
  return out;
}

void CheckProbeLength(const ModelShape& shape, int r) {
  if (r < kCensusMinProbe || r > kCensusMaxProbe)
    throw InputError("--probe-length " + std::to_string(r) + " is out of range; allowed " +
                     std::to_string(kCensusMinProbe) + ".." + std::to_string(kCensusMaxProbe));
  const int limit = std::min(kMaxTokens, shape.max_positions > 0 ? shape.max_positions : kMaxTokens);
  if (2 * r > limit)
    throw InputError("--probe-length " + std::to_string(r) + " makes a probe of " + std::to_string(2 * r) +
                     " tokens; " + shape.name + " reads at most " + std::to_string(limit) + " (use at most " +
                     std::to_string(limit / 2) + ")");
}

}  // namespace

std::vector<Token> MakeProbeTokens(Engine& engine, const Request& request, int probe_length, std::uint64_t seed) {
  const auto source = engine.ModelFor(request);
  CheckProbeLength(source->Shape(), probe_length);
  std::vector<Token> half;
  if (source->Shape().predicts_tokens()) {
    // Any token of the vocabulary with a text of its own: no special tokens
    // (end-of-text, BOS) and no padded embedding rows.
    std::vector<int> usable;
    for (int id = 0; id < source->Shape().vocab_size; ++id)
      if (!source->IsSpecialToken(id) && !source->TokenText(id).empty()) usable.push_back(id);
    if (static_cast<int>(usable.size()) < probe_length)
      throw InputError("--probe-length " + std::to_string(probe_length) + " needs that many distinct tokens; the vocabulary has " +
                       std::to_string(usable.size()));
    for (int d : DistinctDraws(static_cast<int>(usable.size()), probe_length, seed)) {
      Token t;
      t.id = usable[d];
      t.text = source->TokenText(t.id);
      half.push_back(std::move(t));
    }
  } else {
    const std::vector<std::string>& words = ProbeWords();
    if (static_cast<int>(words.size()) < probe_length)
      throw InputError("--probe-length " + std::to_string(probe_length) + " needs that many distinct words; the lexicon has " +
                       std::to_string(words.size()));
    for (int d : DistinctDraws(static_cast<int>(words.size()), probe_length, seed)) {
      Token t;
      t.text = words[d];
      half.push_back(std::move(t));
    }
  }
  // Byte spans as if the tokens were written one after another, a space
  // between words (the built-in tokenizer's text; GPT-2 pieces carry their own).
  std::vector<Token> out;
  int at = 0;
  for (int round = 0; round < 2; ++round)
    for (const Token& h : half) {
      Token t = h;
      if (t.id < 0 && at > 0) ++at;
      t.start = at;
      at += static_cast<int>(t.text.size());
      t.end = at;
      out.push_back(std::move(t));
    }
  return out;
}

TracePtr RunProbeTrace(Engine& engine, const Request& request, int probe_length, std::uint64_t seed,
                       const CancelToken* cancel) {
  std::vector<Token> tokens = MakeProbeTokens(engine, request, probe_length, seed);
  Request r = request;
  // The text is only what the trace says it read (the source hands the tokens
  // over directly); valid UTF-8 even where a GPT-2 piece is part of a character.
  r.text.clear();
  for (const Token& t : tokens) {
    if (!r.text.empty()) r.text += ' ';
    r.text += DisplayToken(t.text);
  }
  return RunTraceOnTokens(r, engine.ModelFor(request), std::move(tokens), cancel);
}

// [SECTION] The lesson and its JSON

CensusLesson RunCensusLesson(Engine& engine, const Request& request, const CensusParams& p, const CancelToken* cancel) {
  if (p.local_window < 1 || p.local_window > kCensusMaxWindow)
    throw InputError("--local-window " + std::to_string(p.local_window) + " is out of range; allowed 1.." +
                     std::to_string(kCensusMaxWindow));
  CensusLesson c;
  c.probe_length = p.probe_length;
  c.local_window = p.local_window;
  c.seed = p.seed;
  const auto source = engine.ModelFor(request);
  const ModelShape shape = source->Shape();
  c.model = shape.name;
  c.layers = shape.layers;
  c.heads = shape.heads;
  if (p.on_text) {
    const TracePtr t = engine.Run(request, cancel);
    c.text = ComputeCensusSequence(*t, TokenLabels(t->tokens), p, cancel);
    c.text.kind = "text";
  }
  if (!request.mask.causal && !shape.causal)
    c.notes.push_back("the mask is not causal: every token also sees the tokens after it, so on a repeat the row is "
                      "shared with the future (induction is a decoder's circuit: try the causal mask)");
  if (p.on_probe) {
    const TracePtr t = RunProbeTrace(engine, request, p.probe_length, p.seed, cancel);
    c.probe = ComputeCensusSequence(*t, ProbeLabels(p.probe_length), p, cancel);
    c.probe.kind = "probe";
    c.notes.push_back(std::string("the probe: ") + std::to_string(p.probe_length) + " distinct random " +
                      (shape.predicts_tokens() ? "tokens of the model's vocabulary" : "lexicon words") +
                      " (seed " + std::to_string(p.seed) + "), then the same again");
  }
  return c;
}

namespace {

nlohmann::json SequenceJson(const CensusSequence& s) {
  nlohmann::json j;
  j["n"] = s.n;
  j["tokens"] = s.tokens;
  j["labels"] = s.labels;
  nlohmann::json heads = nlohmann::json::array();
  for (const CensusHead& h : s.heads) {
    nlohmann::json scores;
    for (int k = 0; k < kCensusScores; ++k)
      scores[CensusScoreName(static_cast<CensusScore>(k))] = s.defined[k] ? FiniteOrNull(h.score[k]) : nlohmann::json();
    heads.push_back({{"layer", h.layer}, {"head", h.head}, {"role", h.role}, {"scores", std::move(scores)}});
  }
  j["heads"] = std::move(heads);
  nlohmann::json rankings, rows;
  for (int k = 0; k < kCensusScores; ++k) {
    const char* name = CensusScoreName(static_cast<CensusScore>(k));
    nlohmann::json order = nlohmann::json::array();
    if (s.defined[k])
      for (int idx : s.ranking[k]) order.push_back({{"layer", s.heads[idx].layer}, {"head", s.heads[idx].head}});
    rankings[name] = std::move(order);
    nlohmann::json used = nlohmann::json::array();
    const CensusRows& r = s.plan.scores[k];
    for (std::size_t a = 0; a < r.rows.size(); ++a) used.push_back({{"row", r.rows[a]}, {"keys", r.keys[a]}});
    rows[name] = std::move(used);
  }
  j["rankings"] = std::move(rankings);
  j["rows"] = std::move(rows);
  return j;
}

}  // namespace

nlohmann::json ToJson(const CensusLesson& c) {
  nlohmann::json j;
  j["lesson"] = "census";
  j["model"] = c.model;
  j["layers"] = c.layers;
  j["heads"] = c.heads;
  j["probe_length"] = c.probe_length;
  j["seed"] = c.seed;
  j["local_window"] = c.local_window;
  nlohmann::json defs;
  for (int k = 0; k < kCensusScores; ++k)
    defs[CensusScoreName(static_cast<CensusScore>(k))] = CensusScoreDefinition(static_cast<CensusScore>(k), c.local_window);
  j["definitions"] = std::move(defs);
  // Rows without any target (no earlier copy, no far key) do not count; a score no row counts for is null.
  j["text"] = c.text.computed ? SequenceJson(c.text) : nlohmann::json();
  j["probe"] = c.probe.computed ? SequenceJson(c.probe) : nlohmann::json();
  j["notes"] = c.notes;
  return j;
}

}  // namespace attnviz::lessons
