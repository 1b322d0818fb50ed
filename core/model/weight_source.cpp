#include "core/model/weight_source.h"

#include "core/model/builtin.h"
#include "core/model/gpt2_model.h"
#include "core/model/model_locator.h"
#include "core/model/random_model.h"

namespace attnviz {

std::shared_ptr<const WeightSource> MakeWeightSource(const Request& r) {
  if (r.model == "builtin") return MakeBuiltinModel(r.positional);
  if (r.model == "random") return MakeRandomModel(r.seed, r.d_model, r.heads, r.layers);
  // Anything else is a GPT-2 checkpoint: a directory, or a name in the Hugging
  // Face cache (core/model/model_locator.h).
  const LocatedModel located = LocateModel(r.model);
  return Gpt2Model::Load(located.directory, located.name);
}

}  // namespace attnviz
