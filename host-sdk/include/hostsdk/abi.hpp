#pragma once
/// The version of the host interface, checked by the host before it creates a module.

#include <Poco/Version.h>

#include <cstdint>

namespace hostsdk {

/// Major version: a host refuses a module whose major differs from its own (the vtables or the
/// types a module sees changed incompatibly).
constexpr std::uint32_t kAbiMajor = 1;
/// Minor version: additions that older modules do not use. A host refuses a module built against a
/// newer minor than its own (the module may call what the host does not have).
constexpr std::uint32_t kAbiMinor = 1;  ///< 1: modules export `hostsdk_poco_major`
/// The value a module exports as `hostsdk_abi_version`: `major << 16 | minor`.
constexpr std::uint32_t kAbiVersion = (kAbiMajor << 16) | kAbiMinor;

/// The major part of an exported ABI version.
constexpr std::uint32_t abi_major(std::uint32_t version) noexcept { return version >> 16; }
/// The minor part of an exported ABI version.
constexpr std::uint32_t abi_minor(std::uint32_t version) noexcept { return version & 0xFFFFu; }

/// True when a host built with `host_version` can run a module that exports `module_version`:
/// same major, module minor not newer than the host's.
constexpr bool abi_compatible(std::uint32_t host_version, std::uint32_t module_version) noexcept {
    return abi_major(host_version) == abi_major(module_version) &&
           abi_minor(module_version) <= abi_minor(host_version);
}

/// Poco's major version: Poco types (configuration, loggers, sessions, JSON objects) cross the
/// boundary, so a module built against another Poco major is refused like an ABI major mismatch.
/// Modules export it as `hostsdk_poco_major` (ABI 1.1 and later).
constexpr std::uint32_t kPocoMajor = static_cast<std::uint32_t>(POCO_VERSION) >> 24;

}  // namespace hostsdk
