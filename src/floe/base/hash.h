#pragma once

#include <string>
#include <string_view>

namespace floe {

/// Lower-case hex SHA-256 of `data` (OpenSSL).
std::string Sha256Hex(std::string_view data);
/// Lower-case hex MD5 of `data` (dbt names tests and ids with it; not for security).
std::string Md5Hex(std::string_view data);

}  // namespace floe
