#pragma once
/// The PSA's lookup lists (types, categories, teams, statuses) and the status rules read off them:
/// the contract between the ticketing module, which fetches and caches the lists, and the clearing
/// module, which decides with the same rules. Value type; the load/save functions are the only
/// place that knows how the cache is stored.

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace acpsa::core {

class Store;

struct StatusOption {
    std::string name;
    bool closed = false;
    bool is_default = false;
};

/// The PSA's Type / Category / Team / Status lists, as fetched at `fetched_ns`.
struct PsaCatalog {
    std::int64_t fetched_ns = 0;
    bool stale = false;  ///< the last refresh failed: these are older lists
    std::vector<std::string> types;
    std::map<std::string, std::vector<std::string>> categories;  ///< by type
    std::vector<std::string> teams;
    std::vector<StatusOption> statuses;

    /// The PSA's spelling of `name` in `list` (trimmed, case-insensitive), or nullopt.
    static std::optional<std::string> spelled(const std::vector<std::string>& list, const std::string& name);
    /// The PSA's spelling of status `name` (trimmed, case-insensitive), or nullopt.
    std::optional<std::string> status(const std::string& name) const;
    /// True for a status the PSA marks closed (case-insensitive).
    bool is_closed(const std::string& status) const;
    /// The status the PSA marks default, else `New`.
    std::string default_status() const;
    /// `Fixed` when listed (in the PSA's spelling), else the first closed status, else `Fixed`.
    std::string default_close_status() const;
    /// The four lists as JSON (`types`, `categories` by type, `teams`, `statuses` with
    /// `name`/`closed`/`default`): the shape both the state store and the admin API use.
    Poco::JSON::Object::Ptr lists_json() const;
};

/// The status that closes a ticket: `chosen` when set, else the catalog's default close status,
/// else `Fixed` (no catalog yet).
std::string effective_close_status(const std::optional<std::string>& chosen, const std::optional<PsaCatalog>& catalog);
/// The status that reopens a ticket: `chosen` when set, else the catalog's default, else `New`.
std::string effective_reopen_status(const std::optional<std::string>& chosen, const std::optional<PsaCatalog>& catalog);
/// True when `status` closes a ticket: the PSA marks it closed, or it is `close_status`
/// (case-insensitive).
bool closes_ticket(const std::string& status, const std::string& close_status, const std::optional<PsaCatalog>& catalog);

/// The cached catalog; nullopt when never fetched. Throws std::runtime_error naming what is
/// malformed in a stored one.
std::optional<PsaCatalog> load_psa_catalog(const Store& store);
/// Replaces the cached catalog (with its `fetched_ns`).
void save_psa_catalog(Store& store, const PsaCatalog& catalog);

}  // namespace acpsa::core
