#pragma once
#include <span>
#include <string_view>

namespace kt {
/// A file compiled into the binary (see cmake/embed_files.cmake), e.g. a migration.
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};
}  // namespace kt
