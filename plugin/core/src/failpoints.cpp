#include "acpsa/core/failpoints.hpp"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace acpsa::core {

bool failpoint_enabled(const char* name) noexcept {
    const char* list = std::getenv("ACPSA_FAILPOINTS");
    if (!list || !*list || !name || !*name) return false;
    const std::size_t length = std::strlen(name);
    for (const char* p = list; *p;) {
        while (*p == ',' || *p == ' ') ++p;
        const char* end = p;
        while (*end && *end != ',') ++end;
        const char* last = end;
        while (last > p && last[-1] == ' ') --last;
        if (static_cast<std::size_t>(last - p) == length && std::strncmp(p, name, length) == 0) return true;
        p = end;
    }
    return false;
}

void failpoint(const char* name) noexcept {
    if (!failpoint_enabled(name)) return;
    const char prefix[] = "failpoint hit: ";
    (void)!::write(2, prefix, sizeof prefix - 1);
    (void)!::write(2, name, std::strlen(name));
    (void)!::write(2, "\n", 1);
    ::_exit(kFailpointExitStatus);
}

}  // namespace acpsa::core
