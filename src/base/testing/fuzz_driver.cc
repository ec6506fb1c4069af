// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Stand-in for libFuzzer's main when harnesses are built without clang's -fsanitize=fuzzer:
// replays files given on the command line, then feeds `-runs=N` pseudo-random inputs (fixed
// seed, so a failure reproduces) built from printable and structural bytes. A harness reports a
// violated property by calling abort(), exactly as under libFuzzer.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  long runs = 10000;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "-runs=", 6) == 0) {
      runs = std::strtol(argv[i] + 6, nullptr, 10);
    } else if (argv[i][0] != '-') {
      files.emplace_back(argv[i]);
    }
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  }
  // Version-like alphabet: digits dominate, then separators and letters seen in real schemes.
  static const char kAlphabet[] =
      "0123456789012345678901234567890123456789....---~~^^++__::!*xXvVaAbBcCdeErRpPtT \t\n\0\xff";
  std::mt19937 rng(12345);
  std::uniform_int_distribution<size_t> len(0, 48);
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string buf;
  for (long r = 0; r < runs; ++r) {
    buf.clear();
    size_t n = len(rng);
    for (size_t i = 0; i < n; ++i) {
      buf.push_back(r % 16 == 0 ? static_cast<char>(byte(rng)) : kAlphabet[pick(rng)]);
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  }
  std::printf("fuzz driver: %zu files, %ld random inputs, no property violated\n", files.size(),
              runs);
  return 0;
}
