// --screenshot: the back buffer of the current frame as a PNG (libpng).
#pragma once
#include <string>

namespace attnviz::app {

// Reads the framebuffer (width x height, bottom-up in GL) and writes an RGB PNG,
// top row first, through a temporary file + rename. Returns "" or an error line.
std::string WriteFramebufferPng(const std::string& path, int width, int height);

}  // namespace attnviz::app
