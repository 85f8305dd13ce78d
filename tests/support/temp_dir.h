// A fresh, empty directory under the test temp dir, unique per process and name.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace tracenet::test_support {

inline std::string FreshTempDir(const std::string& name) {
  std::string dir = (std::filesystem::path(::testing::TempDir()) / (name + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace tracenet::test_support
