// A tiny PNG checker for the GUI tests (no PIL/numpy needed in CI).
//   png_check stats A.png                    "1440x900 colors=N" ; exit 1 when blank (< 16 colours)
//   png_check diff A.png B.png [x0 y0 x1 y1]  prints the fraction of pixels that differ
//                                             (any channel by more than 24) inside the rect
//   ... --min F   exit 1 unless fraction >= F     ... --max F   exit 1 unless fraction <= F
#include <png.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace {

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgba;
};

bool Load(const char* path, Image* img) {
  png_image p;
  std::memset(&p, 0, sizeof p);
  p.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&p, path)) {
    std::fprintf(stderr, "png_check: cannot read %s: %s\n", path, p.message);
    return false;
  }
  p.format = PNG_FORMAT_RGBA;
  img->w = static_cast<int>(p.width);
  img->h = static_cast<int>(p.height);
  img->rgba.resize(PNG_IMAGE_SIZE(p));
  if (!png_image_finish_read(&p, nullptr, img->rgba.data(), 0, nullptr)) {
    std::fprintf(stderr, "png_check: cannot decode %s: %s\n", path, p.message);
    return false;
  }
  return true;
}

int Usage() {
  std::fprintf(stderr, "usage: png_check stats A.png | png_check diff A.png B.png [x0 y0 x1 y1] [--min F] [--max F]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return Usage();
  const std::string cmd = argv[1];
  if (cmd == "stats") {
    Image a;
    if (!Load(argv[2], &a)) return 2;
    std::set<unsigned> colors;
    for (std::size_t i = 0; i + 3 < a.rgba.size() && colors.size() < 100000; i += 4)
      colors.insert(a.rgba[i] << 16 | a.rgba[i + 1] << 8 | a.rgba[i + 2]);
    std::printf("%dx%d colors=%zu\n", a.w, a.h, colors.size());
    return colors.size() >= 16 ? 0 : 1;
  }
  if (cmd != "diff" || argc < 4) return Usage();
  Image a, b;
  if (!Load(argv[2], &a) || !Load(argv[3], &b)) return 2;
  if (a.w != b.w || a.h != b.h) {
    std::printf("sizes differ: %dx%d vs %dx%d\n", a.w, a.h, b.w, b.h);
    return 1;
  }
  int x0 = 0, y0 = 0, x1 = a.w, y1 = a.h;
  double min_f = -1, max_f = 2;
  std::vector<double> rect;
  for (int i = 4; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--min") && i + 1 < argc) min_f = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--max") && i + 1 < argc) max_f = std::atof(argv[++i]);
    else rect.push_back(std::atof(argv[i]));
  }
  if (rect.size() == 4) {
    x0 = std::max(0, static_cast<int>(std::floor(rect[0])));
    y0 = std::max(0, static_cast<int>(std::floor(rect[1])));
    x1 = std::min(a.w, static_cast<int>(std::ceil(rect[2])));
    y1 = std::min(a.h, static_cast<int>(std::ceil(rect[3])));
  } else if (!rect.empty()) {
    return Usage();
  }
  long total = 0, differ = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const std::size_t i = (static_cast<std::size_t>(y) * a.w + x) * 4;
      ++total;
      for (int c = 0; c < 3; ++c)
        if (std::abs(int(a.rgba[i + c]) - int(b.rgba[i + c])) > 24) {
          ++differ;
          break;
        }
    }
  const double f = total ? static_cast<double>(differ) / total : 0.0;
  std::printf("differ=%.5f (%ld of %ld pixels in [%d,%d)-[%d,%d))\n", f, differ, total, x0, y0, x1, y1);
  return (f >= min_f && f <= max_f) ? 0 : 1;
}
