#include "core/model/weight_source.h"

#include "core/model/builtin.h"
#include "core/model/random_model.h"

namespace attnviz {

std::shared_ptr<const WeightSource> MakeWeightSource(const Request& r) {
  if (r.model == "builtin") return MakeBuiltinModel(r.positional);
  if (r.model == "random") return MakeRandomModel(r.seed, r.d_model, r.heads, r.layers);
  // Checkpoint directories (GPT-2, Hugging Face layout) arrive with the loader.
  throw InputError("model '" + r.model + "' is not available; expected builtin or random (checkpoint directories are not supported yet)");
}

}  // namespace attnviz
