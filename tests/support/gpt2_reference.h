// GPT-2's forward pass in double precision with plain loops, written
// independently of core: the reference the GPT-2 tests compare the engine
// with (every layer's attention weights, the next-token distribution).
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/gpt2_checkpoint_writer.h"

namespace attnviz::test {


// What the reference computes: every layer's and head's attention weights and
// the next-token distribution after the last token.
using Rows = std::vector<std::vector<double>>;

struct Reference {
  std::vector<std::vector<std::vector<double>>> weights;  // [layer][head] (N*N) row-major
  std::vector<double> probs;                              // (V)
  std::vector<Rows> resid_pre;                            // [layer] (N, D) the residual entering each layer
  std::vector<double> logits;                             // (V) at the last position
};

// Replaces a head's output (N rows of dk) before c_proj, as an intervention
// does: called for every (layer, head) with the computed rows.
using HeadOutputEdit = std::function<void(int layer, int head, Rows& z)>;

inline Rows LayerNormRef(const Rows& x, const float* g, const float* b, double eps) {
  Rows out = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t d = x[i].size();
    double mean = 0, var = 0;
    for (double v : x[i]) mean += v;
    mean /= d;
    for (double v : x[i]) var += (v - mean) * (v - mean);
    var /= d;
    for (std::size_t j = 0; j < d; ++j) out[i][j] = (x[i][j] - mean) / std::sqrt(var + eps) * g[j] + b[j];
  }
  return out;
}

// x (N, in) times W (in, out) plus b (out), W row-major as Conv1D stores it.
inline Rows AffineRef(const Rows& x, const float* W, const float* b, int in, int out) {
  Rows y(x.size(), std::vector<double>(out));
  for (std::size_t i = 0; i < x.size(); ++i)
    for (int o = 0; o < out; ++o) {
      double s = b[o];
      for (int k = 0; k < in; ++k) s += x[i][k] * static_cast<double>(W[static_cast<long>(k) * out + o]);
      y[i][o] = s;
    }
  return y;
}

// `allows(i, j)`: whether query i may read key j; GPT-2's own mask is j <= i.
// Masked weights are 0. Written independently of core (plain loops, double).
inline Reference ReferenceForward(const Gpt2Weights& w, const std::vector<int>& ids,
                                  const std::function<bool(int, int)>& allows = [](int i, int j) { return j <= i; },
                                  const HeadOutputEdit& edit_z = nullptr) {
  const Gpt2Sizes& s = w.sizes;
  const int N = static_cast<int>(ids.size()), D = s.n_embd, H = s.n_head, dk = D / H, F = s.Inner();
  Reference ref;
  Rows h(N, std::vector<double>(D));
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < D; ++j) h[i][j] = static_cast<double>(w.Data("wte.weight")[ids[i] * D + j]) + w.Data("wpe.weight")[i * D + j];
  for (int l = 0; l < s.n_layer; ++l) {
    ref.resid_pre.push_back(h);
    const std::string p = "h." + std::to_string(l) + ".";
    const Rows a = LayerNormRef(h, w.Data(p + "ln_1.weight"), w.Data(p + "ln_1.bias"), s.layer_norm_epsilon);
    const Rows qkv = AffineRef(a, w.Data(p + "attn.c_attn.weight"), w.Data(p + "attn.c_attn.bias"), D, 3 * D);
    Rows concat(N, std::vector<double>(D, 0.0));
    ref.weights.emplace_back();
    for (int hh = 0; hh < H; ++hh) {
      std::vector<double> wts(static_cast<std::size_t>(N) * N, 0.0);
      for (int i = 0; i < N; ++i) {
        // Masked softmax of q_i . k_j / sqrt(dk) over the keys j that `allows` keeps.
        std::vector<double> logit(N, 0.0);
        double mx = -1e300;
        for (int j = 0; j < N; ++j) {
          if (!allows(i, j)) continue;
          double dot = 0;
          for (int c = 0; c < dk; ++c) dot += qkv[i][hh * dk + c] * qkv[j][D + hh * dk + c];
          logit[j] = dot / std::sqrt(static_cast<double>(dk));
          mx = std::max(mx, logit[j]);
        }
        double sum = 0;
        for (int j = 0; j < N; ++j)
          if (allows(i, j)) sum += std::exp(logit[j] - mx);
        for (int j = 0; j < N; ++j)
          if (allows(i, j)) wts[static_cast<std::size_t>(i) * N + j] = std::exp(logit[j] - mx) / sum;
        for (int c = 0; c < dk; ++c) {
          double o = 0;
          for (int j = 0; j < N; ++j) o += wts[static_cast<std::size_t>(i) * N + j] * qkv[j][2 * D + hh * dk + c];
          concat[i][hh * dk + c] = o;
        }
      }
      if (edit_z) {
        Rows z(N, std::vector<double>(dk));
        for (int i = 0; i < N; ++i)
          for (int c = 0; c < dk; ++c) z[i][c] = concat[i][hh * dk + c];
        edit_z(l, hh, z);
        for (int i = 0; i < N; ++i)
          for (int c = 0; c < dk; ++c) concat[i][hh * dk + c] = z[i][c];
      }
      ref.weights.back().push_back(std::move(wts));
    }
    const Rows attn = AffineRef(concat, w.Data(p + "attn.c_proj.weight"), w.Data(p + "attn.c_proj.bias"), D, D);
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < D; ++j) h[i][j] += attn[i][j];
    const Rows m = LayerNormRef(h, w.Data(p + "ln_2.weight"), w.Data(p + "ln_2.bias"), s.layer_norm_epsilon);
    Rows hid = AffineRef(m, w.Data(p + "mlp.c_fc.weight"), w.Data(p + "mlp.c_fc.bias"), D, F);
    for (auto& row : hid)
      for (double& x : row) x = 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
    const Rows mlp = AffineRef(hid, w.Data(p + "mlp.c_proj.weight"), w.Data(p + "mlp.c_proj.bias"), F, D);
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < D; ++j) h[i][j] += mlp[i][j];
  }
  const Rows last = LayerNormRef({h.back()}, w.Data("ln_f.weight"), w.Data("ln_f.bias"), s.layer_norm_epsilon);
  const float* head = w.has_lm_head ? w.Data("lm_head.weight") : w.Data("wte.weight");
  std::vector<double> logits(s.vocab_size);
  for (int v = 0; v < s.vocab_size; ++v) {
    double z = 0;
    for (int j = 0; j < D; ++j) z += last[0][j] * head[static_cast<long>(v) * D + j];
    logits[v] = z;
  }
  ref.logits = logits;
  const double mx = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (double z : logits) sum += std::exp(z - mx);
  for (double z : logits) ref.probs.push_back(std::exp(z - mx) / sum);
  return ref;
}

}  // namespace attnviz::test
