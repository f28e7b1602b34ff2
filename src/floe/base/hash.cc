#include "floe/base/hash.h"

#include <array>

#include <openssl/evp.h>

namespace floe {

namespace {

std::string HexDigest(std::string_view data, const EVP_MD* md) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<size_t>(length) * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  return HexDigest(data, EVP_sha256());
}

std::string Md5Hex(std::string_view data) {
  return HexDigest(data, EVP_md5());
}

}  // namespace floe
