#pragma once
/// The one macro a plugin uses to export its module.

#include "hostsdk/abi.hpp"
#include "hostsdk/module.hpp"

#include <boost/dll/alias.hpp>

#include <cstdint>
#include <new>

/// Exports the four entry points the host looks for, for module class `ModuleClass` (default
/// constructible, derived from `hostsdk::Module`) under the name `ModuleName` (a string literal).
/// Use once per library, at global namespace scope, in one source file:
///
///     HOSTSDK_MODULE(example::WidgetModule, "widgets")
///
/// The factory never throws: a constructor that throws yields nullptr, which the host reports.
#define HOSTSDK_MODULE(ModuleClass, ModuleName)                                        \
    namespace hostsdk_entry_points {                                                   \
    static std::uint32_t abi_version() { return ::hostsdk::kAbiVersion; }     \
    static std::uint32_t poco_major() { return ::hostsdk::kPocoMajor; }       \
    static const char* module_name() { return ModuleName; }                   \
    static ::hostsdk::Module* create_module() {                               \
        try {                                                                          \
            return new ModuleClass();                                                  \
        } catch (...) {                                                                \
            return nullptr;                                                            \
        }                                                                              \
    }                                                                                  \
    }                                                                                  \
    BOOST_DLL_ALIAS(hostsdk_entry_points::abi_version, hostsdk_abi_version)            \
    BOOST_DLL_ALIAS(hostsdk_entry_points::poco_major, hostsdk_poco_major)              \
    BOOST_DLL_ALIAS(hostsdk_entry_points::module_name, hostsdk_module_name)            \
    BOOST_DLL_ALIAS(hostsdk_entry_points::create_module, hostsdk_create_module)
