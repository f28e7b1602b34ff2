#include "floe/base/hash.h"

#include <array>

#include <openssl/evp.h>

namespace floe {

namespace {

// The digest's implementation is fetched once (an implicit fetch on every call is most of the
// cost of hashing a short text with OpenSSL 3); each thread reuses its context.
const EVP_MD* Fetched(const char* name) {
  static const EVP_MD* kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static const EVP_MD* kMd5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  return name[0] == 'S' ? kSha256 : kMd5;
}

std::string HexDigest(std::string_view data, const char* name) {
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    Context() = default;
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context context;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestInit_ex(context.ctx, Fetched(name), nullptr);
  EVP_DigestUpdate(context.ctx, data.data(), data.size());
  EVP_DigestFinal_ex(context.ctx, digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<size_t>(length) * 2, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  return HexDigest(data, "SHA256");
}

std::string Md5Hex(std::string_view data) {
  return HexDigest(data, "MD5");
}

}  // namespace floe
