// The built-in model: one attention layer whose every weight is set by hand.
//
// Nothing here is trained. Each of the 8 heads is a small, checkable circuit
// built from two ingredients that the residual stream X = E + PE provides:
// the sinusoidal positions (SPEC.md) and a word embedding E from the lexicon.
// This comment is the specification; tests/unit/test-builtin-model.cpp checks it.
//
// Index
//   [SECTION] Residual stream layout (what each of the 64 dims holds)
//   [SECTION] Word embedding (lexicon -> POS, topic, identity)
//   [SECTION] Head construction kit (position rotations, PE cancellation)
//   [SECTION] The eight heads
//   [SECTION] WeightSource
//
// ---------------------------------------------------------------------------
// Residual stream layout, D = 64. PE pair k lives in dims (2k, 2k+1) =
// (sin(w_k p), cos(w_k p)) with w_k = 10000^(-2k/64) = 10000^(-k/32).
//
//   dims    PE pairs  w_k             E (embedding) holds
//   0..15   0..7      1 .. 0.133      nothing: X here is exactly PE, so the
//                                      position heads read clean positions
//   16..31  8..15     0.1 .. 0.024    nothing: PE turns by a radian or more within
//                                      42 tokens here, too fast to share with words
//                                      (duplicate-token reads pair 8 as a position)
//   32..43  16..21    0.01 .. 0.0032  part of speech: 5 x share of each of the 12
//                                      tags noun verb adj adv det pron adp conj aux
//                                      part num punct (dim 32 + tag)
//   44..47  22..23                    nothing (spare)
//   48..58  24..29    0.001 .. 2.4e-4 identity, even dims 48,50,..,58: a 6-dim unit
//           (sin dims)                vector x 5 from FNV-1a of the lowercased word
//   60,62   30..31 sin                nothing (spare)
//   49..63  24..31    0.001 .. 1.3e-4 topic, odd dims 49,51,..,63: 8 coarse topics
//           (cos dims)                (below) as a unit vector x 5; 0 for function words
//
// Why these places: content sits where PE moves slowly. In the identity dims
// PE = sin(w p) <= 0.2 for p < 200, next to a content value of 5. In the topic
// dims PE = cos(w p) ~= 1 is nearly constant, and every projection that reads
// content dims gets the bias b = -PE(0) W, which removes that constant (the
// "PE cancellation" below). The POS dims drift more (w up to 0.01: at p = 60
// the sin is 0.56), which the large POS margins absorb. Past a few hundred
// tokens even the slow pairs drift and the content heads blur: the model is
// for sentences and paragraphs, not books.
//
// Topics: WordNet lexicographer classes of the word, weighted by how often each
// sense was tagged (the lexicon's class shares), summed into 8 topics:
//   0 nature & place   noun.object noun.location noun.phenomenon noun.plant noun.substance verb.weather
//   1 living & body    noun.animal noun.body noun.food verb.body verb.consumption
//   2 people & society noun.person noun.group noun.motive verb.social verb.competition
//   3 things & making  noun.artifact noun.shape verb.creation verb.contact
//   4 mind & talk      noun.cognition noun.communication noun.feeling verb.cognition
//                      verb.communication verb.perception verb.emotion
//   5 action & time    noun.act noun.event noun.time noun.process verb.motion
//   6 having & amount  noun.possession noun.quantity noun.relation verb.possession
//   7 state & change   noun.state noun.attribute noun.Tops verb.stative verb.change
// Adjectives and adverbs (adj.all, adj.pert, adj.ppl, adv.all) carry no topic:
// WordNet gives them no semantic class. "bank" = 0.53 object + 0.41 group + ...
// so its topic vector is mostly nature, partly people; "river" is all nature.
//
// Unknown words: POS noun (most unknown words in running text are names and
// rare nouns), a run of digits is num, a lone symbol is punct; no topic; the
// identity vector exists for every token, known or not.
//
// ---------------------------------------------------------------------------
// The heads. Logits below are after the engine's 1/sqrt(8) (scale on, T = 1);
// "d = j - i" is the key's offset from the query. Every position term is a sum
// over PE pairs of c_k cos(w_k (j - i - delta)): the query reads its own PE
// pair rotated by delta steps (a fixed 2x2 rotation, so linear in X), the key
// reads its PE pair as is, and cos of the difference peaks where j = i + delta.
//
//  h role             Q . K (the logit)                                     V (what it moves)
//  0 previous-token   30 x sum_k c_k cos(w_k (j - i + 1)), pairs 0,2,5,7,   identity of the key word
//                     c = 1:1.5:2:1 normalized; 30 at j = i - 1, at most
//                     25.9 at i or i - 2, at most 28.3 at any offset < 4096
//  1 next-token       the same with delta = +1: peak at j = i + 1          part of speech (8 coarse groups)
//                     (a causal mask hides i + 1: the row then sits on i)
//  2 first-token      constant query (b_q) x the cos dims of pairs 0..7:     nothing (V = 0): a sink is
//                     (30/8) sum_k cos(w_k j), 30 at j = 0, at most 26.0     where a head parks weight
//                     anywhere else (j = 1 is the closest)                  when it has nothing to write
//  3 same-topic       6 x cosine(topic_i, topic_j); 0 for function words    topic of the key
//                     (their rows are uniform)
//  4 syntactic        +5 x modifier_i x noun_j (modifier = det, possessive,  topic of the key: a modifier
//                     numeral or adjective share), +1.5 x noun_j for every   learns which thing it
//                     query, + a 3-pair bump (pairs 2,4,6, 6 at the peak)    modifies
//                     centred on j = i + 1.5: the nearest noun to the right
//  5 verb-subject     +5 x (verb + aux)_i x (noun + pronoun)_j + the same    topic of the key
//                     bump centred on j = i - 1.5: the nearest noun or
//                     pronoun to the left
//  6 duplicate-token  10 x identity_i . identity_j (6 dims: 10 for the same  PE pairs 0..3 of the key:
//                     word, typically |.| < 4 for different words)           WHERE the copy is, what an
//                     + 2.5 x sin(0.1 (i - j)) from PE pair 8: an earlier    induction head in a second
//                     copy up to ~30 tokens back beats the query itself      layer would read
//                     (+0.74 at 3 back), a later copy loses, self gets 0
//  7 local-context    14 x mean cos(w_k (j - i)) over pairs 4..7: about     topic of the key: the gist
//                     exp(-0.36 (i - j)^2), a soft window of +-2 tokens     of the neighbourhood
//
// W_o is the 64x64 identity and b_o = 0: the layer's result is the concat of
// head outputs, dims 8h..8h+7 holding head h. There is no MLP; the residual
// after the layer is X + result (WeightSource default).
//
// Limits, by design: one layer cannot disambiguate ("saw" is the verb even in
// "a saw"), the syntactic head looks right so under a causal mask a determiner
// cannot see its noun, 6 identity dims make about 1 pair of distinct words in
// 400 look alike (cosine > 0.9), and topics are WordNet's coarse classes
// ("ocean" is a natural object, "fish" an animal: no match).
//
// What changes when the request leaves the design point (sinusoidal PE, scale
// on, T = 1, 8 kv heads), measured on an 88-token paragraph:
//  - positional none / alibi: X carries no PE. previous/next/first/local-context
//    go flat (alibi: they become "recent tokens"); same-topic and duplicate-token
//    still match, duplicate without its lean to earlier copies (about 0.5 on
//    each copy); syntactic and verb-subject still find nouns but lose direction.
//  - rope: no PE in X either, and the engine's rotation of Q and K turns the
//    content dot products by the distance: same-topic breaks too.
//  - kv heads 4 pools K/V of heads (0,1), (2,3), (4,5), (6,7). previous- and
//    next-token read identical keys, as do syntactic and verb-subject, so those
//    four still work (their values mix). The other two pairs do not share
//    keys: first-token and duplicate-token still pick their token (their
//    logits are the larger), same-topic and local-context break. kv heads 2
//    or 1 break nearly everything: pooling works for heads that agree on keys.
//  - scale off multiplies every logit by sqrt(8) (sharper); T divides them.
#include "core/model/builtin.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/model/lexicon.h"

namespace attnviz {
namespace {

// ============================================================================
// [SECTION] Residual stream layout
// ============================================================================

constexpr int kD = kBuiltinDModel;  // 64
constexpr int kH = kBuiltinHeads;   // 8
constexpr int kDk = kD / kH;        // 8

constexpr int kPosTagDim0 = 32;          // 12 POS dims: 32 + PartOfSpeech
constexpr int kIdentityDims = 6;         // dims 48, 50, ..., 58
constexpr int kTopicCount = 8;           // dims 49, 51, ..., 63
constexpr float kContentScale = 5.0f;    // every content feature has this norm (or share x this)

constexpr int IdentityDim(int i) { return 48 + 2 * i; }
constexpr int TopicDim(int t) { return 49 + 2 * t; }
constexpr int PosTagDim(PartOfSpeech p) { return kPosTagDim0 + static_cast<int>(p); }

// w_k of PE pair k, exactly as SinusoidalEncoding computes it (positional.cpp):
// 10000^(-2k/D). Kept in double here; the weights are rounded to float once.
double PairFrequency(int k) { return std::pow(10000.0, -2.0 * k / kD); }

// ============================================================================
// [SECTION] Word embedding
// ============================================================================

struct TopicRule {
  std::string_view wordnet_class;
  int topic;
};
constexpr TopicRule kTopicOfClass[] = {
    {"noun.object", 0},        {"noun.location", 0},   {"noun.phenomenon", 0},    {"noun.plant", 0},
    {"noun.substance", 0},     {"verb.weather", 0},    {"noun.animal", 1},        {"noun.body", 1},
    {"noun.food", 1},          {"verb.body", 1},       {"verb.consumption", 1},   {"noun.person", 2},
    {"noun.group", 2},         {"noun.motive", 2},     {"verb.social", 2},        {"verb.competition", 2},
    {"noun.artifact", 3},      {"noun.shape", 3},      {"verb.creation", 3},      {"verb.contact", 3},
    {"noun.cognition", 4},     {"noun.communication", 4}, {"noun.feeling", 4},    {"verb.cognition", 4},
    {"verb.communication", 4}, {"verb.perception", 4}, {"verb.emotion", 4},       {"noun.act", 5},
    {"noun.event", 5},         {"noun.time", 5},       {"noun.process", 5},       {"verb.motion", 5},
    {"noun.possession", 6},    {"noun.quantity", 6},   {"noun.relation", 6},      {"verb.possession", 6},
    {"noun.state", 7},         {"noun.attribute", 7},  {"noun.Tops", 7},          {"verb.stative", 7},
    {"verb.change", 7},
};

std::uint64_t Fnv1a64(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// splitmix64 (Steele et al.): spreads one 64-bit hash into a stream of
// well-mixed words, so the 6 identity coordinates are not visibly correlated.
std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A token that is not a word: one non-space, non-alphanumeric ASCII character.
bool IsSymbol(std::string_view s) {
  if (s.size() != 1) return false;
  const unsigned char c = static_cast<unsigned char>(s[0]);
  return c < 0x80 && !std::isalnum(c);
}

// ============================================================================
// [SECTION] Head construction kit
// ============================================================================

// PE pair k as read by a key: K[:, col], K[:, col+1] = g (sin, cos)(w_k j).
void ReadPePair(Mat& W, int pair, int col, float g) {
  W(2 * pair, col) = g;
  W(2 * pair + 1, col + 1) = g;
}

// PE pair k as read by a query, rotated to position i + delta:
//   (sin, cos)(w (i + delta)) = R(w delta) (sin, cos)(w i), so with ReadPePair on
// the key side Q_i . K_j = g_q g_k cos(w (i + delta - j)), largest at j = i + delta.
void ReadPePairShifted(Mat& W, int pair, int col, float g, double delta) {
  const double a = PairFrequency(pair) * delta;
  const float c = static_cast<float>(std::cos(a)) * g, s = static_cast<float>(std::sin(a)) * g;
  W(2 * pair, col) = c;      // sin(wi) -> sin(w(i+d)) gets cos(wd) sin(wi) + sin(wd) cos(wi)
  W(2 * pair + 1, col) = s;
  W(2 * pair, col + 1) = -s; // cos(w(i+d)) = cos(wd) cos(wi) - sin(wd) sin(wi)
  W(2 * pair + 1, col + 1) = c;
}

// The bias that removes PE's value at p = 0 from everything W reads in the
// content dims (32..63), where PE is nearly constant: b = -PE(0)[32:] W[32:].
// PE(0) is 0 on sin dims and 1 on cos dims. The position dims (0..31) are left
// alone: there PE is the signal.
RowVec CancelSlowPe(const Mat& W) {
  RowVec b = RowVec::Zero(W.cols());
  for (int d = 33; d < kD; d += 2) b -= W.row(d);
  return b;
}

struct HeadWeights {
  QueryHeadWeights q;
  KvHeadWeights kv;
};

HeadWeights EmptyHead(const char* role) {
  HeadWeights h;
  h.q.W_q = Mat::Zero(kD, kDk);
  h.q.b_q = RowVec::Zero(kDk);
  h.q.role = role;
  h.kv.W_k = Mat::Zero(kD, kDk);
  h.kv.b_k = RowVec::Zero(kDk);
  h.kv.W_v = Mat::Zero(kD, kDk);
  h.kv.b_v = RowVec::Zero(kDk);
  return h;
}

void FinishBiases(HeadWeights& h) {
  h.q.b_q += CancelSlowPe(h.q.W_q);
  h.kv.b_k += CancelSlowPe(h.kv.W_k);
  h.kv.b_v += CancelSlowPe(h.kv.W_v);
}

// The engine multiplies Q.K by 1/sqrt(dk) (scale on). Designing in logits, a
// product of two reads with gains g_q g_k = logit * sqrt(dk) gives `logit`.
const float kSqrtDk = std::sqrt(static_cast<float>(kDk));

// A position term sum_m c_m cos(w_{pairs[m]} (j - i - delta)) with peak logit
// `logit` (sum of c_m normalized to 1), on head columns col0, col0+2, ...
template <std::size_t M>
void AddPositionBump(HeadWeights& h, const std::array<int, M>& pairs, const std::array<double, M>& weights,
                     double delta, float logit, int col0) {
  double total = 0;
  for (double w : weights) total += w;
  for (std::size_t m = 0; m < M; ++m) {
    const float g = std::sqrt(static_cast<float>(weights[m] / total) * logit * kSqrtDk);
    ReadPePairShifted(h.q.W_q, pairs[m], col0 + 2 * static_cast<int>(m), g, delta);
    ReadPePair(h.kv.W_k, pairs[m], col0 + 2 * static_cast<int>(m), g);
  }
}

// V = the key's part of speech folded to 8 coarse groups, each share in [0, 1].
void ValueIsPartOfSpeech(HeadWeights& h) {
  constexpr PartOfSpeech groups[kDk][2] = {
      {PartOfSpeech::Noun, PartOfSpeech::Noun}, {PartOfSpeech::Verb, PartOfSpeech::Aux},
      {PartOfSpeech::Adj, PartOfSpeech::Adj},   {PartOfSpeech::Adv, PartOfSpeech::Adv},
      {PartOfSpeech::Det, PartOfSpeech::Num},   {PartOfSpeech::Pron, PartOfSpeech::Pron},
      {PartOfSpeech::Adp, PartOfSpeech::Part},  {PartOfSpeech::Conj, PartOfSpeech::Punct}};
  for (int c = 0; c < kDk; ++c) {
    h.kv.W_v(PosTagDim(groups[c][0]), c) = 1.0f / kContentScale;
    if (groups[c][1] != groups[c][0]) h.kv.W_v(PosTagDim(groups[c][1]), c) = 1.0f / kContentScale;
  }
}

// V = the key's topic vector (unit length for content words, 0 for function words).
void ValueIsTopic(HeadWeights& h) {
  for (int t = 0; t < kTopicCount; ++t) h.kv.W_v(TopicDim(t), t) = 1.0f / kContentScale;
}

// ============================================================================
// [SECTION] The eight heads (see the table at the top)
// ============================================================================

// Position pairs shared by previous-token and next-token: chosen by a search
// over 4-of-8 pairs and weights for the largest worst-case margin between the
// peak and every other offset up to 4096 (0.058 of the peak; 0.137 against the
// adjacent offsets, which matter most in short text).
constexpr std::array<int, 4> kShiftPairs = {0, 2, 5, 7};
constexpr std::array<double, 4> kShiftWeights = {1.0, 1.5, 2.0, 1.0};
constexpr float kShiftLogit = 30.0f;

HeadWeights PreviousTokenHead() {
  HeadWeights h = EmptyHead("previous-token");
  AddPositionBump(h, kShiftPairs, kShiftWeights, -1.0, kShiftLogit, 0);
  for (int i = 0; i < kIdentityDims; ++i) h.kv.W_v(IdentityDim(i), i) = 1.0f / kContentScale;
  FinishBiases(h);
  return h;
}

HeadWeights NextTokenHead() {
  HeadWeights h = EmptyHead("next-token");
  AddPositionBump(h, kShiftPairs, kShiftWeights, +1.0, kShiftLogit, 0);
  ValueIsPartOfSpeech(h);
  FinishBiases(h);
  return h;
}

// Constant query (bias only) against the cos dims of pairs 0..7: the logit is
// (kFirstLogit / 8) sum_k cos(w_k j), which is kFirstLogit at j = 0 and at most
// 0.866 of it at any j >= 1 (j = 1 is the closest; checked up to 4096).
constexpr float kFirstLogit = 30.0f;

HeadWeights FirstTokenHead() {
  HeadWeights h = EmptyHead("first-token");
  const float g = std::sqrt(kFirstLogit / 8.0f * kSqrtDk);
  for (int k = 0; k < 8; ++k) {
    h.kv.W_k(2 * k + 1, k) = g;
    h.q.b_q(k) = g;
  }
  FinishBiases(h);
  return h;
}

constexpr float kTopicLogit = 6.0f;

HeadWeights SameTopicHead() {
  HeadWeights h = EmptyHead("same-topic");
  const float g = std::sqrt(kTopicLogit * kSqrtDk) / kContentScale;
  for (int t = 0; t < kTopicCount; ++t) {
    h.q.W_q(TopicDim(t), t) = g;
    h.kv.W_k(TopicDim(t), t) = g;
  }
  ValueIsTopic(h);
  FinishBiases(h);
  return h;
}

// Position bump shared by syntactic and verb-subject, 3 pairs in columns 2..7.
constexpr std::array<int, 3> kBumpPairs = {2, 4, 6};
constexpr std::array<double, 3> kBumpWeights = {1.0, 1.0, 1.0};
constexpr float kBumpLogit = 6.0f;
constexpr float kNounLogit = 5.0f;     // modifier -> noun, verb -> subject
constexpr float kAnyNounLogit = 1.5f;  // every query leans to nouns a little

HeadWeights SyntacticHead() {
  HeadWeights h = EmptyHead("syntactic");
  // Column 0: q = modifier share (+ a constant), k = noun share. POS dims hold
  // 5 x share, so the gains divide by 5 twice.
  const float gk = std::sqrt(kSqrtDk) / kContentScale;
  const float gq = std::sqrt(kSqrtDk) / kContentScale;
  for (PartOfSpeech p : {PartOfSpeech::Det, PartOfSpeech::Adj, PartOfSpeech::Num})
    h.q.W_q(PosTagDim(p), 0) = gq * kNounLogit;
  h.kv.W_k(PosTagDim(PartOfSpeech::Noun), 0) = gk;
  AddPositionBump(h, kBumpPairs, kBumpWeights, +1.5, kBumpLogit, 2);
  ValueIsTopic(h);
  FinishBiases(h);
  h.q.b_q(0) += std::sqrt(kSqrtDk) * kAnyNounLogit;
  return h;
}

HeadWeights VerbSubjectHead() {
  HeadWeights h = EmptyHead("verb-subject");
  const float g = std::sqrt(kSqrtDk) / kContentScale;
  for (PartOfSpeech p : {PartOfSpeech::Verb, PartOfSpeech::Aux}) h.q.W_q(PosTagDim(p), 0) = g * kNounLogit;
  for (PartOfSpeech p : {PartOfSpeech::Noun, PartOfSpeech::Pron}) h.kv.W_k(PosTagDim(p), 0) = g;
  AddPositionBump(h, kBumpPairs, kBumpWeights, -1.5, kBumpLogit, 2);
  ValueIsTopic(h);
  FinishBiases(h);
  return h;
}

constexpr float kIdentityLogit = 10.0f;
constexpr int kEarlierPair = 8;        // w = 0.1: sin(0.1 d) > 0 for 0 < d < 31
constexpr float kEarlierLogit = 2.5f;  // at most 2.5, at d = 3 about 0.74

HeadWeights DuplicateTokenHead() {
  HeadWeights h = EmptyHead("duplicate-token");
  const float g = std::sqrt(kIdentityLogit * kSqrtDk) / kContentScale;
  for (int i = 0; i < kIdentityDims; ++i) {
    h.q.W_q(IdentityDim(i), i) = g;
    h.kv.W_k(IdentityDim(i), i) = g;
  }
  // Columns 6, 7: Q = ge (-cos, sin)(w i), K = ge (sin, cos)(w j), so
  // Q.K = ge^2 (sin(wi) cos(wj) - cos(wi) sin(wj)) = ge^2 sin(w (i - j)).
  const float ge = std::sqrt(kEarlierLogit * kSqrtDk);
  h.q.W_q(2 * kEarlierPair + 1, 6) = -ge;
  h.q.W_q(2 * kEarlierPair, 7) = ge;
  ReadPePair(h.kv.W_k, kEarlierPair, 6, ge);
  for (int d = 0; d < kDk; ++d) h.kv.W_v(d, d) = 1.0f;  // PE pairs 0..3 of the key
  FinishBiases(h);
  return h;
}

constexpr std::array<int, 4> kLocalPairs = {4, 5, 6, 7};
constexpr std::array<double, 4> kLocalWeights = {1.0, 1.0, 1.0, 1.0};
constexpr float kLocalLogit = 14.0f;

HeadWeights LocalContextHead() {
  HeadWeights h = EmptyHead("local-context");
  AddPositionBump(h, kLocalPairs, kLocalWeights, 0.0, kLocalLogit, 0);
  ValueIsTopic(h);
  FinishBiases(h);
  return h;
}

// ============================================================================
// [SECTION] WeightSource
// ============================================================================

class BuiltinModel final : public WeightSource {
 public:
  BuiltinModel() : lexicon_(Lexicon::Builtin()) {
    const HeadWeights heads[kH] = {PreviousTokenHead(), NextTokenHead(),   FirstTokenHead(),     SameTopicHead(),
                                   SyntacticHead(),     VerbSubjectHead(), DuplicateTokenHead(), LocalContextHead()};
    for (const HeadWeights& h : heads) {
      layer_.q_heads.push_back(h.q);
      layer_.kv_heads.push_back(h.kv);
    }
    layer_.W_o = Mat::Identity(kH * kDk, kD);
    layer_.b_o = RowVec::Zero(kD);
    for (const TopicRule& r : kTopicOfClass) {
      const int id = lexicon_.ClassId(r.wordnet_class);
      if (id >= 0) {
        if (static_cast<int>(topic_of_class_.size()) <= id) topic_of_class_.resize(id + 1, -1);
        topic_of_class_[id] = r.topic;
      }
    }
  }

  ModelShape Shape() const override { return {"builtin", kD, kH, kH, kDk, 1, false, false, 0}; }

  // (N, 64): POS, identity and topic parts per token; zero in dims 0..31.
  Mat Embed(const std::vector<Token>& tokens) const override {
    Mat x = Mat::Zero(static_cast<Eigen::Index>(tokens.size()), kD);
    for (std::size_t i = 0; i < tokens.size(); ++i) EmbedWord(tokens[i].text, x.row(static_cast<Eigen::Index>(i)));
    return x;
  }

  const LayerWeights& Layer(int layer) const override {
    (void)layer;  // one layer; the engine asks only for layer 0
    return layer_;
  }

 private:
  template <class Row>
  void EmbedWord(std::string_view text, Row row) const {
    const std::string lower = AsciiLower(text);

    // Identity: 6 Gaussian coordinates (Box-Muller on the word's hash stream),
    // normalized: a direction uniform on the sphere, so distinct words are as
    // unlike as 6 dims allow, and identical words meet with the full logit.
    std::uint64_t state = Fnv1a64(lower);
    float id[kIdentityDims];
    float norm2 = 0;
    for (int i = 0; i < kIdentityDims; i += 2) {
      // Uniforms in (0, 1]: 53 bits, never 0, so log() is finite.
      const double u1 = (static_cast<double>(SplitMix64(state) >> 11) + 1.0) / 9007199254740992.0;
      const double u2 = static_cast<double>(SplitMix64(state) >> 11) / 9007199254740992.0;
      const double r = std::sqrt(-2.0 * std::log(u1)), a = 6.283185307179586 * u2;
      id[i] = static_cast<float>(r * std::cos(a));
      id[i + 1] = static_cast<float>(r * std::sin(a));
      norm2 += id[i] * id[i] + id[i + 1] * id[i + 1];
    }
    const float inv = norm2 > 0 ? kContentScale / std::sqrt(norm2) : 0.0f;
    for (int i = 0; i < kIdentityDims; ++i) row(IdentityDim(i)) = id[i] * inv;

    const LexiconMatch m = lexicon_.Lookup(lower);
    if (!m.entry) {
      const PartOfSpeech p =
          AllDigits(lower) ? PartOfSpeech::Num : IsSymbol(lower) ? PartOfSpeech::Punct : PartOfSpeech::Noun;
      row(PosTagDim(p)) = kContentScale;
      return;
    }
    if (m.pos_override >= 0) {
      row(kPosTagDim0 + m.pos_override) = kContentScale;
    } else {
      for (int p = 0; p < kPartOfSpeechCount; ++p) row(kPosTagDim0 + p) = kContentScale * m.entry->pos[p];
    }
    float topic[kTopicCount] = {};
    float t2 = 0;
    for (const auto& [cls, share] : m.entry->classes)
      if (cls < topic_of_class_.size() && topic_of_class_[cls] >= 0) topic[topic_of_class_[cls]] += share;
    for (float v : topic) t2 += v * v;
    if (t2 > 0)
      for (int t = 0; t < kTopicCount; ++t) row(TopicDim(t)) = kContentScale * topic[t] / std::sqrt(t2);
  }

  const Lexicon& lexicon_;
  std::vector<int> topic_of_class_;  // lexicon class id -> topic, -1 for none
  LayerWeights layer_;
};

}  // namespace

std::shared_ptr<const WeightSource> MakeBuiltinModel() {
  static const std::shared_ptr<const WeightSource> model = std::make_shared<BuiltinModel>();
  return model;
}

}  // namespace attnviz
