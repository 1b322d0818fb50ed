#include "core/lessons/padding.h"

#include <algorithm>
#include <cmath>

#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/attention/positional.h"
#include "core/engine.h"

namespace attnviz::lessons {

namespace {

// RoPE of one row at position p (SPEC: interleaved pairs, theta_i = 10000^(-2i/dk)).
void RotateRow(float* x, int dk, double p) {
  for (int i = 0; i + 1 < dk; i += 2) {
    const double theta = std::pow(10000.0, -static_cast<double>(i) / dk);
    const double c = std::cos(p * theta), s = std::sin(p * theta);
    const double a = x[i], b = x[i + 1];
    x[i] = static_cast<float>(a * c - b * s);
    x[i + 1] = static_cast<float>(a * s + b * c);
  }
}

nlohmann::json MaskRows(const MaskMat& m) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < m.rows(); ++i) {
    std::vector<int> row(m.cols());
    for (int j = 0; j < m.cols(); ++j) row[j] = m(i, j);
    a.push_back(std::move(row));
  }
  return a;
}

nlohmann::json Rows(const Mat& m) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < m.rows(); ++i) a.push_back(std::vector<float>(m.data() + i * m.cols(), m.data() + (i + 1) * m.cols()));
  return a;
}

}  // namespace

PaddingLesson ComputePaddingLesson(const std::vector<PaddingInput>& inputs, const MaskSpec& mask, bool left,
                                   float alibi_slope, float scale, float temperature) {
  PaddingLesson r;
  r.left = left;
  r.mask = DescribeMask(mask);
  int L = 0;
  for (const PaddingInput& in : inputs) L = std::max(L, static_cast<int>(in.Q.rows()));
  r.padded_length = L;
  for (const PaddingInput& in : inputs) {
    const int n = static_cast<int>(in.Q.rows()), dk = static_cast<int>(in.Q.cols()), dv = static_cast<int>(in.V.cols());
    PaddedSequence s;
    s.length = n;
    s.pad_before = left ? L - n : 0;
    const int p0 = s.pad_before;
    // A real token keeps its position in its own sentence (what the position
    // ids of a left-padded batch do), so the mask among real tokens is theirs.
    auto pos = [&](int i) { return i - p0; };
    if (in.pad_Q.rows() < L || in.pad_K.rows() < L || in.pad_V.rows() < L)
      throw InputError("padding: a sentence's pad rows do not cover the padded length");
    auto real = [&](int i) { return i >= p0 && i < p0 + n; };
    Mat Q(L, dk), K(L, dk), V(L, dv);
    for (int i = 0; i < L; ++i) {
      s.is_pad.push_back(real(i) ? 0 : 1);
      s.tokens.push_back(real(i) ? in.tokens[i - p0] : "[pad]");
      if (real(i)) {
        Q.row(i) = in.Q.row(i - p0);
        K.row(i) = in.K.row(i - p0);
        V.row(i) = in.V.row(i - p0);
      } else {
        Q.row(i) = in.pad_Q.row(i);
        K.row(i) = in.pad_K.row(i);
        V.row(i) = in.pad_V.row(i);
      }
    }
    // The request's mask among real tokens (at their own positions); causal order with the pads.
    s.mask_without.resize(L, L);
    s.mask_with.resize(L, L);
    for (int i = 0; i < L; ++i)
      for (int j = 0; j < L; ++j) {
        const bool base = real(i) && real(j) ? MaskAllows(mask, pos(i), pos(j)) : (!mask.causal || j <= i);
        s.mask_without(i, j) = base ? 1 : 0;
        s.mask_with(i, j) = base && real(j) ? 1 : 0;
      }
    const Mat scores = Q * K.transpose();
    s.weights_with.resize(L, L);
    s.weights_without.resize(L, L);
    std::vector<float> logits(L);
    for (int i = 0; i < L; ++i) {
      for (int j = 0; j < L; ++j) {
        const float bias = alibi_slope != 0 ? -alibi_slope * static_cast<float>(std::abs(i - j)) : 0.0f;
        logits[j] = (scale * scores(i, j) + bias) / temperature;
      }
      if (!MaskedSoftmaxRow(logits.data(), &s.mask_with(i, 0), L, &s.weights_with(i, 0))) s.empty_rows_with.push_back(i);
      MaskedSoftmaxRow(logits.data(), &s.mask_without(i, 0), L, &s.weights_without(i, 0));
    }
    s.output_with = s.weights_with * V;
    s.output_without = s.weights_without * V;
    s.leak.assign(L, 0.0f);
    for (int i = 0; i < L; ++i) {
      if (!real(i)) continue;
      float leak = 0;
      for (int j = 0; j < L; ++j)
        if (!real(j)) leak += s.weights_without(i, j);
      s.leak[i] = leak;
      s.max_leak = std::max(s.max_leak, static_cast<double>(leak));
      if (in.output.rows() == n)
        for (int c = 0; c < dv; ++c) {
          s.alone_error_with = std::max(s.alone_error_with, static_cast<double>(std::fabs(s.output_with(i, c) - in.output(i - p0, c))));
          s.alone_error_without =
              std::max(s.alone_error_without, static_cast<double>(std::fabs(s.output_without(i, c) - in.output(i - p0, c))));
        }
    }
    r.batch.push_back(std::move(s));
  }
  return r;
}

PaddingLesson RunPaddingLesson(Engine& engine, const Request& request, const PaddingParams& p, const CancelToken* cancel) {
  std::vector<TracePtr> traces;
  for (const std::string* text : {&request.text, &p.second}) {
    Request r = request;
    r.text = *text;
    const auto source = engine.ModelFor(r);
    const int n = static_cast<int>(TokenizeChecked(*source, r.text).size());
    if (n > kPaddingMaxTokens)
      throw InputError("the padding view takes sentences of at most " + std::to_string(kPaddingMaxTokens) +
                       " tokens; this one has " + std::to_string(n));
    traces.push_back(engine.Run(r, cancel));
  }
  const Trace& first = *traces[0];
  const int layers = static_cast<int>(first.layers.size());
  if (p.layer < 0 || p.layer >= layers)
    throw InputError("layer " + std::to_string(p.layer + 1) + " is out of range; the model has " + std::to_string(layers));
  const LayerTrace& lt0 = first.layers[p.layer];
  if (p.head < 0 || p.head >= static_cast<int>(lt0.heads.size()))
    throw InputError("head " + std::to_string(p.head) + " is out of range; allowed 0.." + std::to_string(lt0.heads.size() - 1));
  int L = 0;
  for (const TracePtr& t : traces) L = std::max(L, t->n());

  // What a pad hands the layer at each position: its position encoding only
  // (the token embedding of a pad is zero), through the model's own input step.
  const auto source = engine.ModelFor(request);
  const TraceConfig& c = first.config;
  const int D = c.d_model;
  Mat positions = Mat::Zero(L, D);
  if (c.positional == Positional::Sinusoidal) positions = SinusoidalEncoding(L, D);
  if (c.positional == Positional::Learned) positions = source->LearnedPositions(L);
  const int g = lt0.heads[p.head].kv_head;

  std::vector<PaddingInput> inputs;
  for (const TracePtr& tp : traces) {
    const Trace& t = *tp;
    const LayerTrace& lt = t.layers[p.layer];
    const HeadTrace& h = lt.heads[p.head];
    PaddingInput in;
    for (const Token& tok : t.tokens) in.tokens.push_back(DisplayToken(tok.text));
    in.Q = h.Q;
    in.K = lt.kv_heads[h.kv_head].K;
    in.V = lt.kv_heads[h.kv_head].V;
    in.output = h.output;
    // Right padding: a pad at index i sits at position i; left padding: position 0.
    Mat x(L, D);
    for (int i = 0; i < L; ++i) x.row(i) = positions.row(p.left ? 0 : i);
    const Mat xin = source->AttentionInput(p.layer, x);
    in.pad_Q = (xin * lt.W_q(p.head)).rowwise() + lt.b_q(p.head);
    in.pad_K = (xin * lt.W_k(g)).rowwise() + lt.b_k(g);
    in.pad_V = (xin * lt.W_v(g)).rowwise() + lt.b_v(g);
    if (c.positional == Positional::Rope)
      for (int i = 0; i < L; ++i) {
        RotateRow(&in.pad_Q(i, 0), static_cast<int>(in.pad_Q.cols()), p.left ? 0 : i);
        RotateRow(&in.pad_K(i, 0), static_cast<int>(in.pad_K.cols()), p.left ? 0 : i);
      }
    inputs.push_back(std::move(in));
  }
  const float scale = c.scale ? 1.0f / std::sqrt(static_cast<float>(std::max(1, c.d_k))) : 1.0f;
  PaddingLesson r = ComputePaddingLesson(inputs, c.mask, p.left, lt0.heads[p.head].alibi_slope, scale, c.temperature);
  r.layer = p.layer;
  r.head = p.head;
  return r;
}

nlohmann::json ToJson(const PaddingLesson& p) {
  nlohmann::json j;
  j["lesson"] = "padding";
  j["padded_length"] = p.padded_length;
  j["layer"] = p.layer;
  j["head"] = p.head;
  j["side"] = p.left ? "left" : "right";
  j["mask"] = p.mask;
  nlohmann::json b = nlohmann::json::array();
  for (const PaddedSequence& s : p.batch)
    b.push_back({{"length", s.length},
                 {"pad_before", s.pad_before},
                 {"tokens", s.tokens},
                 {"mask_with_padding", MaskRows(s.mask_with)},
                 {"mask_without_padding", MaskRows(s.mask_without)},
                 {"weights_with_padding", Rows(s.weights_with)},
                 {"weights_without_padding", Rows(s.weights_without)},
                 {"leak", s.leak},
                 {"max_leak", s.max_leak},
                 {"empty_rows_with_padding", s.empty_rows_with},
                 {"alone_error_with_padding", s.alone_error_with},
                 {"alone_error_without_padding", s.alone_error_without}});
  j["batch"] = std::move(b);
  return j;
}

}  // namespace attnviz::lessons
