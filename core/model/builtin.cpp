// The built-in model: two attention layers whose every weight is set by hand.
//
// Nothing here is trained. Each of the 16 heads is a small, checkable circuit
// built from what the residual stream provides: the sinusoidal positions
// (SPEC.md) and a word embedding E from the lexicon in layer 1, plus what
// layer 1 wrote in layer 2. This comment is the specification;
// tests/unit/test-builtin-model.cpp and test-lesson-induction.cpp check it.
//
// Index
//   [SECTION] Residual stream layout (what each of the 64 dims holds)
//   [SECTION] Word embedding (lexicon -> POS, topic, identity)
//   [SECTION] Head construction kit (position rotations, PE cancellation, RoPE terms)
//   [SECTION] Layer 1: the eight heads
//   [SECTION] Layer 2: heads that read what layer 1 wrote
//   [SECTION] Model
//
// ---------------------------------------------------------------------------
// Residual stream layout, D = 64. PE pair k lives in dims (2k, 2k+1) =
// (sin(w_k p), cos(w_k p)) with w_k = 10000^(-2k/64) = 10000^(-k/32).
//
//   dims    PE pairs  w_k             E (embedding) holds
//   0..15   0..7      1 .. 0.133      nothing: X here is exactly PE, so the
//                                      position heads read clean positions
//   16..31  8..15     0.1 .. 0.013    nothing: PE turns by a radian or more within
//                                      75 tokens here, too fast to share with words
//                                      (duplicate-token reads pair 8 as a position)
//   32..43  16..21    0.01 .. 0.0024  part of speech: 5 x share of each of the 12
//                                      tags noun verb adj adv det pron adp conj aux
//                                      part num punct (dim 32 + tag)
//   44..47  22..23    0.0018, 0.0013  nothing in E: layer 1 writes "the previous
//                                      word" here (with 60 and 62, below)
//   48..58  24..29    0.001 .. 2.4e-4 identity, even dims 48,50,..,58: a 6-dim unit
//           (sin dims)                vector x 5 from FNV-1a of the lowercased word
//   60,62   30..31 sin 1.8e-4, 1.3e-4 nothing in E: previous word (continued)
//   49..63  24..31    0.001 .. 1.3e-4 topic, odd dims 49,51,..,63: 8 coarse topics
//           (cos dims)                (below) as a unit vector x 5; 0 for function words
//
// The previous-word dims 44, 45, 46, 47, 60, 62 (kBuiltinPreviousWordDims) are
// the six the words leave free, all where PE moves slowly. Layer 1's W_o
// writes the previous-token head's output there: after layer 1, token i
// carries who it is (identity dims) and who came before it (previous-word dims,
// in the same coordinates, coordinate c of one beside coordinate c of the other).
//
// Why these places: content sits where PE moves slowly. In the identity dims
// PE = sin(w p) <= 0.2 for p < 200, next to a content value of 5. In the topic
// dims PE = cos(w p) ~= 1 is nearly constant, and every projection that reads
// content dims gets the bias b = -PE(0) W, which removes that constant (the
// "PE cancellation" below). The POS dims drift more (w up to 0.01: at p = 60
// the sin is 0.56), which the large POS margins absorb; the previous-word dims
// 44..47 drift about twice as fast as the identity dims (0.35 at p = 200).
// Past a few hundred tokens even the slow pairs drift and the content heads
// blur: the model is for sentences and paragraphs, not books.
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
// Layer 1. Logits below are after the engine's 1/sqrt(8) (scale on, T = 1);
// "d = j - i" is the key's offset from the query. Every position term is a sum
// over PE pairs of c_k cos(w_k (j - i - delta)): the query reads its own PE
// pair rotated by delta steps (a fixed 2x2 rotation, so linear in X), the key
// reads its PE pair as is, and cos of the difference peaks where j = i + delta.
//
//  h role             Q . K (the logit)                                     V (what it moves)
//  0 previous-token   30 x sum_k c_k cos(w_k (j - i + 1)), pairs 0,2,5,7,   identity of the key word
//                     c = 1:1.5:2:1 normalized; 30 at j = i - 1, at most    (unit length): what W_o
//                     25.9 at i or i - 2, at most 28.3 at any offset < 4096 writes for layer 2
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
//                     word, typically |.| < 4 for different words)           WHERE the copy is
//                     + 2.5 x sin(0.1 (i - j)) from PE pair 8: an earlier
//                     copy up to ~30 tokens back beats the query itself
//                     (+0.74 at 3 back), a later copy loses, self gets 0
//  7 local-context    14 x mean cos(w_k (j - i)) over pairs 4..7: about     topic of the key: the gist
//                     exp(-0.36 (i - j)^2), a soft window of +-2 tokens     of the neighbourhood
//
// Layer 1's W_o writes one thing: head 0's output columns 0..5 (the previous
// word's identity, unit length) into the previous-word dims, times 5; b_o = 0.
// (The one-layer model had W_o = identity, each head's output in dims
// 8h..8h+7. With a second layer reading the stream, those writes would land on
// the positions and word features layer 2 reads: duplicate-token's and
// local-context's on the identity dims. The other heads' outputs are what the
// chapters show per head; nothing downstream needs them.) There is no MLP; the
// residual after layer 1 is X + result (Model's default NextResidual).
//
// ---------------------------------------------------------------------------
// Layer 2 reads X + what layer 1 wrote. pw_j = the previous-word dims of
// token j (~ 5 x 0.97 x identity of token j - 1), id_i = the identity dims.
//
//  h role              Q . K (the logit)                                    V (what it moves)
//  0 induction         40 x <id_i, pw_j> / 25  -  3 x cos(id_i, id_j)      identity of the key: the
//                      (query: who I am; key: who came before you)         word that followed my
//                                                                          earlier copy, a prediction
//  1 same-predecessor  10 x <pw_i, pw_j> / 25 + 2.5 sin(0.1 (i - j))       identity of the key
//                      (- 0.75 cos(pw_i, id_j), from the shared key):
//                      tokens that came after the same word as I did
//  2 previous-token    layer 1's head 0 again                              identity of the key
//  3 two-back          layer 1's head 0's query and key                    previous-word dims of the
//                                                                          key: token i - 2
//  4 first-token       layer 1's head 2 again                              nothing
//  5 average-word      0: every allowed key weighs the same                identity  } the plain average
//  6 average-topic     0                                                   topic     } of the sentence
//  7 average-pos       0                                                   POS       } (so far, if causal)
//
// The induction circuit (K-composition): layer 1's previous-token head moves
// the identity of token j - 1 to token j, and W_o writes it into the
// previous-word dims. The induction head's query reads who token i is, its key
// reads who came before token j: they match where j follows an earlier copy of
// token i. On "... Mr and Mrs Dursley ... Mr and Mrs" the second "Mrs" looks at
// "Dursley", and its value copies "Dursley": what came next last time. Heads 1
// (Q- and K-composition) and 3 (V-composition) read layer 1's write in the
// other two ways. The -3 x cos(id_i, id_j) term: token 0 has no previous
// token, so layer 1's previous-token head reads token 0 itself there and
// writes the first word as token 0's "previous word"; without the term a
// repeat of the first word would match token 0 as well as token 1. It also
// keeps the head off the earlier copies themselves (duplicate-token's job).
// The induction head has no sink: a first-token column swings by half its
// peak from one position to the next, which drowned the match (on 20 random
// words repeated, 70% hits with a first-token term of 12 beside a match of 24,
// 95% without). A token with no earlier copy therefore puts its weight on
// whichever earlier token's predecessor most resembles it.
//
// Layer 2's W_o is the identity (dims 8h..8h+7 hold head h) and b_o = 0: its
// result is read by nothing further, the model has no unembedding.
// Kv-head pairs (0,1) and (2,3) read one key each (so 4 kv heads keep their
// patterns); (4,5) and (6,7) pair a head with an average head, whose key is 0.
//
// ---------------------------------------------------------------------------
// Two designs, one per kind of position (MakeBuiltinModel(positional)).
// With sinusoidal positions X = E + PE and the position heads read PE, as in
// the tables above. With RoPE, none and ALiBi X = E: there is no PE to read
// (nor to cancel: the PE cancellation biases are left out), and the position
// heads are designed RoPE's way instead, as constant queries and keys (biases)
// that RoPE turns by position: in pair p (head columns 2p, 2p+1, theta_p =
// 10000^(-2p/8) = 1, 0.1, 0.01, 0.001 radians per token), k_p = g (1, 0) and
// q_p = g (cos, sin)(phi_p) give q_m . k_n = g^2 cos((n - m) theta_p - phi_p):
// a function of n - m alone. A previous-token query is its key turned one
// step back (phi_p = -theta_p): the score peaks at n = m - 1.
//
//  role                RoPE design (logit A_p per pair, theta 1, 0.1, 0.01, 0.001)
//  previous-token      8, 30, 28, 4 with phi_p = -theta_p: 70 at n = m - 1, 3.9 below
//  (and two-back)      it at the adjacent offsets and 1.5 more at every other offset
//                      below 628, at least 1.1 below it at every offset up to 4096
//  next-token          the same with phi_p = +theta_p
//  first-token         pair 3 only, 60 with phi = -pi/2: -60 sin((n - m) 0.001), falling
//                      in n for |n - m| < 1570 (a quarter turn): keys farther back
//                      score higher, by only 0.06 per token
//  local-context       1, 40, 24, 24 with phi = 0: 89 at n = m, 0.66, 2.2, 3.8 below it
//                      at offsets 1, 2, 3, at least 4.65 below at every offset >= 4
// Why these amplitudes: only theta = 1 tells neighbours apart (1 - cos 1 =
// 0.46 of its logit at offset 1), but it comes back near its peak every 2 pi
// tokens (cos 6 = 0.96); the 0.1 pair removes those returns and comes back
// itself after 63 tokens, the 0.01 pair removes that and comes back after 628,
// the 0.001 pair removes that. A head of 8 has no pair between 1 and 0.1, so
// RoPE position heads need larger logits than the sinusoidal ones (70 and 89
// against 30 and 14); the amplitudes came from a search for the largest weight
// on the target at 88 tokens with at least a 1-logit margin up to 4096.
// Why two designs and not one: a constant query added to the sinusoidal
// design would add q . K_j, a function of j, to every logit (only constants
// and functions of the query cancel in the softmax), so the two designs would
// need disjoint columns, 8 each: a head of 8 has room for one. Sharing, each
// kind would get two pairs, and the best two keep a 1-logit margin for the
// previous token only up to offset 62 (RoPE) or 259 (sinusoidal) at a 30-logit
// peak, against 4096 with four. Trained models face the same choice: a model
// is trained for one positional scheme.
// RoPE knows only n - m, so "position 0" cannot be said: first-token becomes a
// lean to the earliest keys (its argmax stays on token 0 up to 1570 tokens,
// with about 5 times the uniform weight at 88 tokens). Real RoPE models make
// their sink from the content of a start token, which this text does not have.
//
// ---------------------------------------------------------------------------
// Limits, by design: layer 1 cannot disambiguate ("saw" is the verb even in
// "a saw"), the syntactic head looks right so under a causal mask a determiner
// cannot see its noun, 6 identity dims make about 1 pair of distinct words in
// 400 look alike (cosine > 0.9), and topics are WordNet's coarse classes
// ("ocean" is a natural object, "fish" an animal: no match). The induction head
// inherits the identity limit: on random words repeated (causal, 10
// sequences each) it finds the token after the first copy for 99.5% of the
// repeated tokens at 20 words, 97.6% at 100 and 93.6% at 200; its misses are
// near-collisions of identity vectors (cosine >= 0.85), likelier past a few
// hundred tokens as the PE drift in the identity and previous-word dims grows.
// Induction is a decoder's circuit: without the causal mask, key i + 1 also
// follows a copy of token i (token i itself), and the row splits between it
// and the token after the earlier copy.
//
// What changes when the request leaves the design point (sinusoidal PE, scale
// on, T = 1, 8 kv heads, causal for induction), measured on an 88-token
// paragraph and on 20 random words repeated:
//  - rope: the RoPE design above; previous-token, next-token and local-context
//    keep their jobs (weight on the target >= 0.94 at 88 tokens), first-token
//    leans. RoPE also turns every content dot product by the distance: only a
//    token's match with itself is unturned, so same-topic collapses onto the
//    query itself, syntactic and verb-subject go by chance, and the induction
//    head's identity match (in pairs turning 1 and 0.1 rad per token) is
//    scrambled: 27% hits. A RoPE model keeps content in its slow pairs; a head
//    of 8 has two (0.01 and 0.001).
//  - none: nothing tells positions apart, attention is permutation-equivariant
//    (every head's weights permute with the tokens); the position heads'
//    constant queries and keys make them exactly uniform. same-topic and
//    duplicate-token still match (duplicate without its lean: about 0.5 on
//    each copy); syntactic and verb-subject still find nouns but lose
//    direction. Layer 1's previous-token head is uniform, so the
//    previous-word dims hold an average word: induction 12% (chance).
//  - alibi: the same, plus -m_h |i - j|: the position heads become recency
//    heads, the token itself first and its neighbours fading at the head's
//    slope (1/2 per token for previous-token down to 1/256 for local-context);
//    the previous-word dims hold a blur of the token and its neighbours:
//    induction 0.5%.
//  - kv heads 4 pools K/V of heads (0,1), (2,3), (4,5), (6,7). In layer 1,
//    previous- and next-token read identical keys, as do syntactic and
//    verb-subject, so those four still work (their values mix). The other two
//    pairs do not share keys: first-token and duplicate-token still pick their
//    token (their logits are the larger), same-topic and local-context break.
//    Layer 2's pairs keep their patterns, but layer 1's previous-token head now
//    moves half the previous word and half a part-of-speech mix: induction
//    58%. kv heads 2 or 1 break nearly everything: pooling works for heads that
//    agree on keys and values.
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

constexpr int kD = kBuiltinDModel;       // 64
constexpr int kH = kBuiltinHeads;        // 8
constexpr int kDk = kD / kH;             // 8
constexpr int kLayers = kBuiltinLayers;  // 2

constexpr int kPosTagDim0 = 32;          // 12 POS dims: 32 + PartOfSpeech
constexpr int kIdentityDims = static_cast<int>(kBuiltinIdentityDims.size());  // 6: dims 48, 50, ..., 58
constexpr int kTopicCount = 8;           // dims 49, 51, ..., 63
constexpr float kContentScale = 5.0f;    // every content feature has this norm (or share x this)

constexpr int IdentityDim(int i) { return kBuiltinIdentityDims[i]; }
constexpr int PreviousWordDim(int i) { return kBuiltinPreviousWordDims[i]; }
constexpr int TopicDim(int t) { return 49 + 2 * t; }
constexpr int PosTagDim(PartOfSpeech p) { return kPosTagDim0 + static_cast<int>(p); }
static_assert(kBuiltinPreviousWordDims.size() == kBuiltinIdentityDims.size(), "the write is the identity's size");

// w_k of PE pair k, exactly as SinusoidalEncoding computes it (positional.cpp):
// 10000^(-2k/D). Kept in double here; the weights are rounded to float once.
double PairFrequency(int k) { return std::pow(10000.0, -2.0 * k / kD); }

// theta_p of RoPE pair p of a head (columns 2p, 2p+1), exactly as ApplyRope
// computes it: 10000^(-2p/dk) = 1, 0.1, 0.01, 0.001 radians per position.
double RotaryFrequency(int p) { return std::pow(10000.0, -2.0 * p / kDk); }

// Which positional scheme a set of weights is designed for (the top of this
// file): Sinusoidal when X carries PE; Rotary when it carries none (RoPE turns
// Q and K inside attention; none and ALiBi use the same weights).
enum class PositionDesign { Sinusoidal, Rotary };

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

// The PE cancellation exists only where there is PE to cancel: in the rotary
// design X holds the word features alone, and the same bias would shift them.
void FinishBiases(HeadWeights& h, PositionDesign d) {
  if (d != PositionDesign::Sinusoidal) return;
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

// The rotary kit. Under RoPE, constant q_p and k_p in pair p (biases, since X
// carries no position) become R(m theta_p) q_p and R(n theta_p) k_p, and
//   q_m . k_n = |q_p| |k_p| cos((n - m) theta_p - phi_p),
// phi_p = the angle from k_p to q_p: a function of n - m alone, peaking at
// n - m = phi_p / theta_p. A query rotated one step back (phi_p = -theta_p)
// peaks on the previous token. Here k_p = g (1, 0), q_p = g (cos, sin)(phi_p),
// g^2 / sqrt(dk) = logit.
float RotaryGain(double logit) { return static_cast<float>(std::sqrt(logit * kSqrtDk)); }
void AddRotaryKey(HeadWeights& h, int pair, double logit) { h.kv.b_k(2 * pair) += RotaryGain(logit); }
void AddRotaryQuery(HeadWeights& h, int pair, double logit, double cos_phi, double sin_phi) {
  h.q.b_q(2 * pair) += RotaryGain(logit) * static_cast<float>(cos_phi);
  h.q.b_q(2 * pair + 1) += RotaryGain(logit) * static_cast<float>(sin_phi);
}
void AddRotaryTerm(HeadWeights& h, int pair, double logit, double phi) {
  AddRotaryKey(h, pair, logit);
  AddRotaryQuery(h, pair, logit, std::cos(phi), std::sin(phi));
}

// sum_p A_p cos((n - m - delta) theta_p) over the 4 pairs: peak sum A_p at n - m = delta.
void AddRotaryShift(HeadWeights& h, const std::array<double, 4>& logits, double delta) {
  for (int p = 0; p < 4; ++p)
    if (logits[p] > 0) AddRotaryTerm(h, p, logits[p], delta * RotaryFrequency(p));
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

// V = the key's identity vector, unit length, in columns 0..5.
void ValueIsIdentity(HeadWeights& h) {
  for (int i = 0; i < kIdentityDims; ++i) h.kv.W_v(IdentityDim(i), i) = 1.0f / kContentScale;
}

// ============================================================================
// [SECTION] Layer 1: the eight heads (see the table at the top)
// ============================================================================

// Position pairs shared by previous-token and next-token: chosen by a search
// over 4-of-8 pairs and weights for the largest worst-case margin between the
// peak and every other offset up to 4096 (0.058 of the peak; 0.137 against the
// adjacent offsets, which matter most in short text).
constexpr std::array<int, 4> kShiftPairs = {0, 2, 5, 7};
constexpr std::array<double, 4> kShiftWeights = {1.0, 1.5, 2.0, 1.0};
constexpr float kShiftLogit = 30.0f;

// The rotary previous/next-token: logits A_p on the 4 RoPE pairs (theta 1,
// 0.1, 0.01, 0.001). Only theta = 1 tells neighbours apart (1 - cos 1 = 0.46
// of its logit at the adjacent offsets), but it comes back near 1 every 2 pi
// tokens (cos 6 = 0.96); theta = 0.1 removes those returns and comes back
// itself at 63, theta = 0.01 removes that and comes back at 628, theta = 0.001
// removes that. Chosen by a search for the largest weight on the target in an
// 88-token text with a margin of at least 1 logit at every offset up to 4096,
// and the neighbours the runners-up by 1.5 logits at every offset below 628
// (so the first row, which has no previous token, settles on itself, not on
// the return of the fast pair 6 tokens on).
constexpr std::array<double, 4> kRotaryShiftLogits = {8.0, 30.0, 28.0, 4.0};

HeadWeights PreviousTokenHead(PositionDesign d) {
  HeadWeights h = EmptyHead("previous-token");
  if (d == PositionDesign::Sinusoidal) AddPositionBump(h, kShiftPairs, kShiftWeights, -1.0, kShiftLogit, 0);
  else AddRotaryShift(h, kRotaryShiftLogits, -1.0);
  ValueIsIdentity(h);
  FinishBiases(h, d);
  return h;
}

HeadWeights NextTokenHead(PositionDesign d) {
  HeadWeights h = EmptyHead("next-token");
  if (d == PositionDesign::Sinusoidal) AddPositionBump(h, kShiftPairs, kShiftWeights, +1.0, kShiftLogit, 0);
  else AddRotaryShift(h, kRotaryShiftLogits, +1.0);
  ValueIsPartOfSpeech(h);
  FinishBiases(h, d);
  return h;
}

// Constant query (bias only) against the cos dims of pairs 0..7: the logit is
// (kFirstLogit / 8) sum_k cos(w_k j), which is kFirstLogit at j = 0 and at most
// 0.866 of it at any j >= 1 (j = 1 is the closest; checked up to 4096).
constexpr float kFirstLogit = 30.0f;
// Rotary: RoPE sees only n - m, so "position 0" cannot be said; the best a
// constant query and key can do is prefer keys farther back:
// -A sin((n - m) 0.001), falling in n - m for |n - m| < 1570 (a quarter turn),
// 0.06 logits per token.
// The query is the key turned a quarter turn back (phi = -pi/2, exactly
// (cos, sin) = (0, -1)): cos(x + pi/2) = -sin x, x = (n - m) 0.001.
constexpr double kRotaryFirstLogit = 60.0;
void AddRotaryFirstKey(HeadWeights& h) { AddRotaryKey(h, 3, kRotaryFirstLogit); }
void AddRotaryFirstQuery(HeadWeights& h) { AddRotaryQuery(h, 3, kRotaryFirstLogit, 0.0, -1.0); }

HeadWeights FirstTokenHead(PositionDesign d) {
  HeadWeights h = EmptyHead("first-token");
  if (d == PositionDesign::Sinusoidal) {
    const float g = std::sqrt(kFirstLogit / 8.0f * kSqrtDk);
    for (int k = 0; k < 8; ++k) {
      h.kv.W_k(2 * k + 1, k) = g;
      h.q.b_q(k) = g;
    }
  } else {
    AddRotaryFirstKey(h);
    AddRotaryFirstQuery(h);
  }
  FinishBiases(h, d);
  return h;
}

constexpr float kTopicLogit = 6.0f;

HeadWeights SameTopicHead(PositionDesign d) {
  HeadWeights h = EmptyHead("same-topic");
  const float g = std::sqrt(kTopicLogit * kSqrtDk) / kContentScale;
  for (int t = 0; t < kTopicCount; ++t) {
    h.q.W_q(TopicDim(t), t) = g;
    h.kv.W_k(TopicDim(t), t) = g;
  }
  ValueIsTopic(h);
  FinishBiases(h, d);
  return h;
}

// Position bump shared by syntactic and verb-subject, 3 pairs in columns 2..7.
constexpr std::array<int, 3> kBumpPairs = {2, 4, 6};
constexpr std::array<double, 3> kBumpWeights = {1.0, 1.0, 1.0};
constexpr float kBumpLogit = 6.0f;
constexpr float kNounLogit = 5.0f;     // modifier -> noun, verb -> subject
constexpr float kAnyNounLogit = 1.5f;  // every query leans to nouns a little

HeadWeights SyntacticHead(PositionDesign d) {
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
  FinishBiases(h, d);
  h.q.b_q(0) += std::sqrt(kSqrtDk) * kAnyNounLogit;
  return h;
}

HeadWeights VerbSubjectHead(PositionDesign d) {
  HeadWeights h = EmptyHead("verb-subject");
  const float g = std::sqrt(kSqrtDk) / kContentScale;
  for (PartOfSpeech p : {PartOfSpeech::Verb, PartOfSpeech::Aux}) h.q.W_q(PosTagDim(p), 0) = g * kNounLogit;
  for (PartOfSpeech p : {PartOfSpeech::Noun, PartOfSpeech::Pron}) h.kv.W_k(PosTagDim(p), 0) = g;
  AddPositionBump(h, kBumpPairs, kBumpWeights, -1.5, kBumpLogit, 2);
  ValueIsTopic(h);
  FinishBiases(h, d);
  return h;
}

constexpr float kIdentityLogit = 10.0f;
constexpr int kEarlierPair = 8;        // w = 0.1: sin(0.1 d) > 0 for 0 < d < 31
constexpr float kEarlierLogit = 2.5f;  // at most 2.5, at d = 3 about 0.74

// Columns 6, 7: Q = ge (-cos, sin)(w i), K = ge (sin, cos)(w j), so
// Q.K = ge^2 (sin(wi) cos(wj) - cos(wi) sin(wj)) = ge^2 sin(w (i - j)):
// a lean to keys up to ~30 tokens earlier (zero for the query itself).
const float kEarlierGain = std::sqrt(kEarlierLogit * kSqrtDk);
void AddEarlierLeanKey(HeadWeights& h) { ReadPePair(h.kv.W_k, kEarlierPair, 6, kEarlierGain); }
void AddEarlierLeanQuery(HeadWeights& h) {
  h.q.W_q(2 * kEarlierPair + 1, 6) = -kEarlierGain;
  h.q.W_q(2 * kEarlierPair, 7) = kEarlierGain;
}
void AddEarlierLean(HeadWeights& h) {
  AddEarlierLeanQuery(h);
  AddEarlierLeanKey(h);
}

HeadWeights DuplicateTokenHead(PositionDesign d) {
  HeadWeights h = EmptyHead("duplicate-token");
  const float g = std::sqrt(kIdentityLogit * kSqrtDk) / kContentScale;
  for (int i = 0; i < kIdentityDims; ++i) {
    h.q.W_q(IdentityDim(i), i) = g;
    h.kv.W_k(IdentityDim(i), i) = g;
  }
  AddEarlierLean(h);
  for (int c = 0; c < kDk; ++c) h.kv.W_v(c, c) = 1.0f;  // PE pairs 0..3 of the key
  FinishBiases(h, d);
  return h;
}

constexpr std::array<int, 4> kLocalPairs = {4, 5, 6, 7};
constexpr std::array<double, 4> kLocalWeights = {1.0, 1.0, 1.0, 1.0};
constexpr float kLocalLogit = 14.0f;
// Rotary local-context: theta = 0.1 makes the bump (40 (1 - cos 0.1 d) ~ 0.2
// d^2 logits below the peak), theta = 0.01 and 0.001 remove its returns at 63
// and 628 tokens, a touch of theta = 1 sharpens the centre. Chosen by a search
// for the smallest peak logit with every offset >= 4 at least 4.5 below it.
constexpr std::array<double, 4> kRotaryLocalLogits = {1.0, 40.0, 24.0, 24.0};

HeadWeights LocalContextHead(PositionDesign d) {
  HeadWeights h = EmptyHead("local-context");
  if (d == PositionDesign::Sinusoidal) AddPositionBump(h, kLocalPairs, kLocalWeights, 0.0, kLocalLogit, 0);
  else AddRotaryShift(h, kRotaryLocalLogits, 0.0);
  ValueIsTopic(h);
  FinishBiases(h, d);
  return h;
}

LayerWeights LayerOne(PositionDesign d) {
  LayerWeights l;
  for (const HeadWeights& h : {PreviousTokenHead(d), NextTokenHead(d), FirstTokenHead(d), SameTopicHead(d),
                               SyntacticHead(d), VerbSubjectHead(d), DuplicateTokenHead(d), LocalContextHead(d)}) {
    l.q_heads.push_back(h.q);
    l.kv_heads.push_back(h.kv);
  }
  // W_o writes one thing: head 0's output (the previous word's identity, unit
  // length, in its columns 0..5) into the previous-word dims, times 5. The
  // other heads' outputs are the chapters' to show; layer 2 does not read them,
  // and written anywhere in 64 dims they would land on positions or words that
  // layer 2 does read.
  l.W_o = Mat::Zero(kH * kDk, kD);
  for (int c = 0; c < kIdentityDims; ++c) l.W_o(0 * kDk + c, PreviousWordDim(c)) = kContentScale;
  l.b_o = RowVec::Zero(kD);
  return l;
}

// ============================================================================
// [SECTION] Layer 2: heads that read what layer 1 wrote
// ============================================================================

// induction: Q = the query's identity, K = the key's previous-word dims, so
// the logit is kInductionLogit x cos(identity_i, previous word of j) x (layer
// 1's weight on j - 1): large when j follows an earlier copy of token i.
// Minus kInductionCopyLogit x cos(identity_i, identity_j): token 0 has no
// previous word, so layer 1's previous-token head reads token 0 itself and
// writes the first word as its "previous word"; without this term a repeat of
// the first word would match token 0 as well as the token after it. It also
// keeps the head off the earlier copies themselves (duplicate-token's job).
// No sink term: a first-token column's logit swings by half its peak between
// positions, which would drown the match in long texts; a token with no
// earlier copy spreads its weight over whatever resembles it most.
constexpr float kInductionLogit = 40.0f;
constexpr float kInductionCopyLogit = 3.0f;
constexpr float kSamePredecessorLogit = 10.0f;

float InductionGain() { return std::sqrt(kInductionLogit * kSqrtDk) / kContentScale; }

// The key induction and same-predecessor share (so 4 kv heads keep both):
// columns 0..5 the previous-word dims (minus a little of the key's own
// identity), columns 6..7 the key half of the earlier lean, which only
// same-predecessor's query reads.
void PreviousWordKey(HeadWeights& h) {
  const float g = InductionGain();
  for (int c = 0; c < kIdentityDims; ++c) {
    h.kv.W_k(PreviousWordDim(c), c) = g;
    h.kv.W_k(IdentityDim(c), c) = -g * kInductionCopyLogit / kInductionLogit;
  }
  AddEarlierLeanKey(h);
}

HeadWeights InductionHead(PositionDesign d) {
  HeadWeights h = EmptyHead("induction");
  PreviousWordKey(h);
  for (int c = 0; c < kIdentityDims; ++c) h.q.W_q(IdentityDim(c), c) = InductionGain();
  ValueIsIdentity(h);  // what it copies: the word that followed the earlier copy
  FinishBiases(h, d);
  return h;
}

// same-predecessor: the query reads the previous-word dims too, so a token
// looks at tokens that came after the same word as it did ("Mrs" after "and"
// finds the earlier "Mrs" after "and"), with duplicate-token's lean so that an
// earlier match beats the query itself. V = the key's identity: the word that
// followed the same word before (what the induction head, one token earlier,
// would have predicted here).
HeadWeights SamePredecessorHead(PositionDesign d) {
  HeadWeights h = EmptyHead("same-predecessor");
  PreviousWordKey(h);
  const float gq = kSamePredecessorLogit * kSqrtDk / (kContentScale * kContentScale * InductionGain());
  for (int c = 0; c < kIdentityDims; ++c) h.q.W_q(PreviousWordDim(c), c) = gq;
  AddEarlierLeanQuery(h);
  ValueIsIdentity(h);
  FinishBiases(h, d);
  return h;
}

// two-back: attends to the previous token like previous-token, but its value
// reads that token's previous-word dims, what layer 1 wrote there: the
// identity of the token two back (V-composition). Layer 2's previous-token
// (layer 1's head again, value = the word itself) sits beside it: the same
// attention, a different thing moved.
HeadWeights TwoBackHead(PositionDesign d) {
  HeadWeights h = EmptyHead("two-back");
  const HeadWeights p = PreviousTokenHead(d);
  h.q = p.q;
  h.q.role = "two-back";
  h.kv.W_k = p.kv.W_k;
  h.kv.b_k = p.kv.b_k;
  for (int c = 0; c < kIdentityDims; ++c) h.kv.W_v(PreviousWordDim(c), c) = 1.0f / kContentScale;
  if (d == PositionDesign::Sinusoidal) h.kv.b_v += CancelSlowPe(h.kv.W_v);
  return h;
}

// Plain mixing: query and key zero, so every allowed key gets the same weight
// and the output is the plain average of the values (a running average under
// a causal mask): what a head does when nothing tells tokens apart.
template <class Value>
HeadWeights AverageHead(const char* role, PositionDesign d, Value value) {
  HeadWeights h = EmptyHead(role);
  value(h);
  FinishBiases(h, d);
  return h;
}

LayerWeights LayerTwo(PositionDesign d) {
  LayerWeights l;
  // Kv-head pairs (0,1), (2,3) share their keys exactly; (4,5) and (6,7) pair
  // a head with an average head, whose key is zero: with 4 kv heads every
  // pattern survives (halved logits for first-token), only values mix.
  for (const HeadWeights& h : {InductionHead(d), SamePredecessorHead(d), PreviousTokenHead(d), TwoBackHead(d),
                               FirstTokenHead(d), AverageHead("average-word", d, ValueIsIdentity),
                               AverageHead("average-topic", d, ValueIsTopic),
                               AverageHead("average-pos", d, ValueIsPartOfSpeech)}) {
    l.q_heads.push_back(h.q);
    l.kv_heads.push_back(h.kv);
  }
  // The last layer's result is read by nothing further (the model has no
  // unembedding): W_o lays the heads' outputs side by side, dims 8h..8h+7 for
  // head h, as the one-layer model did.
  l.W_o = Mat::Identity(kH * kDk, kD);
  l.b_o = RowVec::Zero(kD);
  return l;
}

// ============================================================================
// [SECTION] Model
// ============================================================================

class BuiltinModel final : public Model {
 public:
  explicit BuiltinModel(PositionDesign d) : lexicon_(Lexicon::Builtin()) {
    layers_[0] = std::make_shared<const LayerWeights>(LayerOne(d));
    layers_[1] = std::make_shared<const LayerWeights>(LayerTwo(d));
    shape_.name = "builtin";
    shape_.family = "builtin";
    shape_.d_model = kD;
    shape_.heads = shape_.kv_heads = kH;
    shape_.d_k = kDk;
    shape_.layers = kLayers;
    for (const TopicRule& r : kTopicOfClass) {
      const int id = lexicon_.ClassId(r.wordnet_class);
      if (id >= 0) {
        if (static_cast<int>(topic_of_class_.size()) <= id) topic_of_class_.resize(id + 1, -1);
        topic_of_class_[id] = r.topic;
      }
    }
  }

  const ModelShape& Shape() const override { return shape_; }

  // (N, 64): POS, identity and topic parts per token; zero in dims 0..31 and
  // in the previous-word dims (layer 1 writes there).
  Mat Embed(const std::vector<Token>& tokens) const override {
    Mat x = Mat::Zero(static_cast<Eigen::Index>(tokens.size()), kD);
    for (std::size_t i = 0; i < tokens.size(); ++i) EmbedWord(tokens[i].text, x.row(static_cast<Eigen::Index>(i)));
    return x;
  }

  std::shared_ptr<const LayerWeights> Layer(int layer) const override {
    return layers_.at(static_cast<std::size_t>(layer));
  }

  // No norm and no MLP (the interface's defaults): the residual after layer 1
  // is X + its result, and layer 1's W_o already puts its one write where
  // layer 2 reads it.

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
  std::array<std::shared_ptr<const LayerWeights>, kLayers> layers_;
  ModelShape shape_;
};

PositionDesign DesignFor(Positional positional) {
  // Learned positions never reach the built-in model (the engine refuses them).
  return positional == Positional::Sinusoidal ? PositionDesign::Sinusoidal : PositionDesign::Rotary;
}

}  // namespace

ModelPtr MakeBuiltinModel(Positional positional) {
  if (DesignFor(positional) == PositionDesign::Sinusoidal) {
    static const ModelPtr model = std::make_shared<BuiltinModel>(PositionDesign::Sinusoidal);
    return model;
  }
  static const ModelPtr model = std::make_shared<BuiltinModel>(PositionDesign::Rotary);
  return model;
}

const char* BuiltinDesignKey(Positional positional) {
  return DesignFor(positional) == PositionDesign::Sinusoidal ? "builtin" : "builtin/rotary";
}

}  // namespace attnviz
