#pragma once
namespace kt::app {
inline constexpr const char* kVersion = "0.1.0";
}
