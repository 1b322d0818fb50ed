// JSON writer for the trace. Hand-rolled rather than nlohmann::json: a trace at
// N = 1024 holds ~50 million numbers, and building a DOM for it would need
// gigabytes. Floats use std::to_chars' shortest form, which reads back to the
// identical float ("exact to the last digit").
#include "core/trace_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace attnviz {
namespace {

class JsonOut {
 public:
  explicit JsonOut(std::ostream& out) : out_(out) { buf_.reserve(1 << 16); }
  ~JsonOut() { Flush(); }
  void Raw(std::string_view s) {
    buf_ += s;
    if (buf_.size() > (1 << 16)) Flush();
  }
  void Float(float v) {
    if (!std::isfinite(v)) {  // never produced by the engine; keep the JSON valid if it were
      Raw("null");
      return;
    }
    char tmp[32];
    auto res = std::to_chars(tmp, tmp + sizeof tmp, v);
    Raw(std::string_view(tmp, res.ptr - tmp));
  }
  void Int(long v) { Raw(std::to_string(v)); }
  void String(std::string_view s) {
    buf_ += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"': buf_ += "\\\""; break;
        case '\\': buf_ += "\\\\"; break;
        case '\n': buf_ += "\\n"; break;
        case '\r': buf_ += "\\r"; break;
        case '\t': buf_ += "\\t"; break;
        default:
          if (c < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            buf_ += esc;
          } else {
            buf_ += static_cast<char>(c);  // UTF-8 passes through (validated by the tokenizer)
          }
      }
    }
    buf_ += '"';
  }
  void Key(std::string_view k) {
    String(k);
    buf_ += ':';
  }
  void Matrix(const Mat& m, const MaskMat* null_where_zero = nullptr) {
    Raw("[");
    for (int i = 0; i < m.rows(); ++i) {
      Raw(i ? ",[" : "[");
      for (int j = 0; j < m.cols(); ++j) {
        if (j) buf_ += ',';
        if (null_where_zero && (*null_where_zero)(i, j) == 0) Raw("null");
        else Float(m(i, j));
      }
      Raw("]");
    }
    Raw("]");
  }
  // A per-head N x N matrix, computed block by block while it is written, so
  // no N x N matrix is held (a trace at N = 4096 writes 8 heads x 4 of them).
  void HeadMatrixRows(const Trace& t, int layer, int head, HeadMatrix which, const MaskMat* null_where_zero) {
    const int n = t.n();
    constexpr int kBlock = 64;
    std::vector<float> block(static_cast<std::size_t>(kBlock) * n);
    Raw("[");
    for (int r0 = 0; r0 < n; r0 += kBlock) {
      const int rows = std::min(kBlock, n - r0);
      t.MatrixRows(layer, head, which, r0, rows, block.data());
      for (int a = 0; a < rows; ++a) {
        const int i = r0 + a;
        Raw(i ? ",[" : "[");
        for (int j = 0; j < n; ++j) {
          if (j) buf_ += ',';
          if (null_where_zero && (*null_where_zero)(i, j) == 0) Raw("null");
          else Float(block[static_cast<std::size_t>(a) * n + j]);
        }
        Raw("]");
      }
    }
    Raw("]");
  }
  void Vector(const RowVec& v) {
    Raw("[");
    for (int i = 0; i < v.size(); ++i) {
      if (i) buf_ += ',';
      Float(v(i));
    }
    Raw("]");
  }
  void Mask(const MaskMat& m) {
    Raw("[");
    for (int i = 0; i < m.rows(); ++i) {
      Raw(i ? ",[" : "[");
      for (int j = 0; j < m.cols(); ++j) {
        if (j) buf_ += ',';
        buf_ += m(i, j) ? '1' : '0';
      }
      Raw("]");
    }
    Raw("]");
  }
  void Flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

 private:
  std::ostream& out_;
  std::string buf_;
};

void WriteConfig(JsonOut& j, const Trace& t) {
  const TraceConfig& c = t.config;
  j.Raw("{");
  j.Key("model"); j.String(c.model);
  j.Raw(","); j.Key("d_model"); j.Int(c.d_model);
  j.Raw(","); j.Key("heads"); j.Int(c.heads);
  j.Raw(","); j.Key("kv_heads"); j.Int(c.kv_heads);
  j.Raw(","); j.Key("d_k"); j.Int(c.d_k);
  j.Raw(","); j.Key("layers"); j.Int(c.layers);
  j.Raw(","); j.Key("positional"); j.String(ToString(c.positional));
  j.Raw(","); j.Key("scale"); j.Raw(c.scale ? "true" : "false");
  j.Raw(","); j.Key("temperature"); j.Float(c.temperature);
  if (c.model == "random") { j.Raw(","); j.Key("seed"); j.Raw(std::to_string(c.seed)); }
  j.Raw(","); j.Key("mask"); j.Raw("{");
  j.Key("pattern"); j.String(ToString(c.mask.pattern));
  j.Raw(","); j.Key("causal"); j.Raw(c.mask.causal ? "true" : "false");
  j.Raw(","); j.Key("window"); j.Int(c.mask.window);
  j.Raw(","); j.Key("globals"); j.Raw("[");
  for (std::size_t i = 0; i < c.mask.globals.size(); ++i) { if (i) j.Raw(","); j.Int(c.mask.globals[i]); }
  j.Raw("]");
  j.Raw(","); j.Key("block"); j.Int(c.mask.block);
  j.Raw("}}");
}

void WriteHead(JsonOut& j, const Trace& t, int layer, int head) {
  const LayerTrace& l = t.layers[layer];
  const HeadTrace& h = l.heads[head];
  const KvHeadTrace& kv = l.kv_heads[h.kv_head];
  j.Raw("{");
  j.Key("kv_head"); j.Int(h.kv_head);
  j.Raw(","); j.Key("role"); j.String(h.role);
  if (t.config.positional == Positional::Alibi) { j.Raw(","); j.Key("alibi_slope"); j.Float(h.alibi_slope); }
  j.Raw(","); j.Key("W_q"); j.Matrix(l.W_q(head));
  j.Raw(","); j.Key("b_q"); j.Vector(l.b_q(head));
  j.Raw(","); j.Key("W_k"); j.Matrix(l.W_k(h.kv_head));
  j.Raw(","); j.Key("b_k"); j.Vector(l.b_k(h.kv_head));
  j.Raw(","); j.Key("W_v"); j.Matrix(l.W_v(h.kv_head));
  j.Raw(","); j.Key("b_v"); j.Vector(l.b_v(h.kv_head));
  j.Raw(","); j.Key("Q"); j.Matrix(h.Q);
  j.Raw(","); j.Key("K"); j.Matrix(kv.K);
  j.Raw(","); j.Key("V"); j.Matrix(kv.V);
  j.Raw(","); j.Key("scores"); j.HeadMatrixRows(t, layer, head, HeadMatrix::Scores, nullptr);
  j.Raw(","); j.Key("bias"); j.HeadMatrixRows(t, layer, head, HeadMatrix::Bias, nullptr);
  j.Raw(","); j.Key("mask"); j.Mask(t.mask);
  j.Raw(","); j.Key("logits"); j.HeadMatrixRows(t, layer, head, HeadMatrix::Logits, &t.mask);
  j.Raw(","); j.Key("weights"); j.HeadMatrixRows(t, layer, head, HeadMatrix::Weights, nullptr);
  j.Raw(","); j.Key("output"); j.Matrix(h.output);
  j.Raw(","); j.Key("empty_rows"); j.Raw("[");
  for (std::size_t i = 0; i < h.empty_rows.size(); ++i) { if (i) j.Raw(","); j.Int(h.empty_rows[i]); }
  j.Raw("]}");
}

}  // namespace

void WriteTraceJson(std::ostream& out, const Trace& t, int layer) {
  JsonOut j(out);
  j.Raw("{");
  j.Key("format"); j.String("attnviz-trace/1");
  j.Raw(","); j.Key("text"); j.String(t.text);
  j.Raw(","); j.Key("tokens"); j.Raw("[");
  for (int i = 0; i < t.n(); ++i) {
    const Token& tok = t.tokens[i];
    j.Raw(i ? ",{" : "{");
    j.Key("text"); j.String(tok.text);
    j.Raw(","); j.Key("start"); j.Int(tok.start);
    j.Raw(","); j.Key("end"); j.Int(tok.end);
    if (tok.id >= 0) { j.Raw(","); j.Key("id"); j.Int(tok.id); }
    j.Raw("}");
  }
  j.Raw("]");
  j.Raw(","); j.Key("config"); WriteConfig(j, t);
  if (!t.notes.empty()) {
    j.Raw(","); j.Key("notes"); j.Raw("[");
    for (std::size_t i = 0; i < t.notes.size(); ++i) { if (i) j.Raw(","); j.String(t.notes[i]); }
    j.Raw("]");
  }
  j.Raw(","); j.Key("layers"); j.Raw("[");
  bool first = true;
  for (int li = 0; li < static_cast<int>(t.layers.size()); ++li) {
    if (layer >= 0 && li != layer) continue;
    const LayerTrace& l = t.layers[li];
    j.Raw(first ? "{" : ",{");
    first = false;
    j.Key("layer"); j.Int(li);
    j.Raw(","); j.Key("input"); j.Matrix(l.input);
    j.Raw(","); j.Key("heads"); j.Raw("[");
    for (std::size_t h = 0; h < l.heads.size(); ++h) {
      if (h) j.Raw(",");
      WriteHead(j, t, li, static_cast<int>(h));
    }
    j.Raw("]");
    j.Raw(","); j.Key("W_o"); j.Matrix(l.W_o());
    j.Raw(","); j.Key("b_o"); j.Vector(l.b_o());
    j.Raw(","); j.Key("output"); j.Matrix(l.output);
    j.Raw("}");
  }
  j.Raw("]");
  if (!t.next_token.empty()) {
    j.Raw(","); j.Key("next_token"); j.Raw("[");
    for (std::size_t i = 0; i < t.next_token.size(); ++i) {
      const NextToken& nt = t.next_token[i];
      j.Raw(i ? ",{" : "{");
      j.Key("id"); j.Int(nt.id);
      j.Raw(","); j.Key("text"); j.String(nt.text);
      j.Raw(","); j.Key("prob"); j.Float(nt.prob);
      j.Raw("}");
    }
    j.Raw("]");
  }
  j.Raw("}\n");
}

}  // namespace attnviz
