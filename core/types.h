// attnviz core: the matrix types every module shares.
// Row-major everywhere (SPEC.md "Shapes"): a heatmap or an exporter takes
// `m.data()` as `const float*` with rows()*cols() values, row after row.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace attnviz {

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVec = Eigen::Matrix<float, 1, Eigen::Dynamic>;
using MaskMat = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Bad input from a person (text, option, file). The message is one line that a
// user can act on; the CLI prints it and exits 2, the window shows it in place.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace attnviz
