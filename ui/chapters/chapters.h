// Factories of the individual chapters (one file each); registry.cpp orders them.
#pragma once
#include <memory>

#include "ui/chapters/chapter.h"

namespace attnviz::ui {

std::unique_ptr<Chapter> MakeWhyAttentionChapter(TextureService& textures);        // ch1_why_attention.cpp
std::unique_ptr<Chapter> MakeScaledDotProductChapter(TextureService& textures);    // ch2_scaled_dot_product.cpp
std::unique_ptr<Chapter> MakeMultiHeadChapter(TextureService& textures);           // ch3_multi_head.cpp
std::unique_ptr<Chapter> MakeMasksChapter(TextureService& textures);               // ch4_masks.cpp
std::unique_ptr<Chapter> MakePositionalChapter(TextureService& textures);          // ch5_positional.cpp
std::unique_ptr<Chapter> MakeKvCacheChapter(TextureService& textures);             // ch6_kv_cache.cpp
std::unique_ptr<Chapter> MakeSparseChapter(TextureService& textures);              // ch7_sparse.cpp
std::unique_ptr<Chapter> MakeEfficientAttentionChapter(TextureService& textures);  // ch8_efficient_attention.cpp
std::unique_ptr<Chapter> MakePlayground(TextureService& textures);                 // playground.cpp

}  // namespace attnviz::ui
