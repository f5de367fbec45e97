#pragma once

#include "emulator/grid.hpp"
#include "emulator/model.hpp"
#include "emulator/service.hpp"

#include <mutex>

namespace emulator {

/// The CloudBlue PSA contract (docs/psa-api.md): `/webapi/{ver}/{module}/{action}` with the
/// `api_key` query parameter, the grid endpoints, lookups, tickets and comments, and the control
/// routes for ticket statuses and customers. Thread-safe: one lock around the state.
class PsaService final : public Service {
public:
    explicit PsaService(PsaSeed seed);

    std::string name() const override { return "psa"; }
    std::string route_template(const EmuRequest& request) const override;
    std::vector<std::string> known_routes() const override;
    EmuResponse handle(const EmuRequest& request) override;
    std::optional<EmuResponse> control(const EmuRequest& request) override;
    Poco::JSON::Object::Ptr state() const override;
    EmuResponse fault_error(int status, const EmuRequest& request) const override;
    EmuResponse error_reply(int status, const EmuRequest& request, const std::string& message) const override;

private:
    using Handler = EmuResponse (PsaService::*)(const EmuRequest&);
    struct Action {
        std::string method;
        std::string module;
        std::string action;
        Handler handler;
    };

    EmuResponse customers(const EmuRequest&);
    EmuResponse contacts(const EmuRequest&);
    EmuResponse linked_customers(const EmuRequest&);
    EmuResponse ticket_types(const EmuRequest&);
    EmuResponse ticket_categories(const EmuRequest&);
    EmuResponse ticket_statuses(const EmuRequest&);
    EmuResponse teams(const EmuRequest&);
    EmuResponse create_ticket(const EmuRequest&);
    EmuResponse update_status(const EmuRequest&);
    EmuResponse tickets_report(const EmuRequest&);
    EmuResponse add_comment(const EmuRequest&);
    EmuResponse get_comments(const EmuRequest&);

    EmuResponse grid(const EmuRequest& request, const Columns& columns, const std::vector<Row>& rows) const;
    /// The action matching the path, or nullptr; `path_known` tells a wrong method apart.
    const Action* find_action(const EmuRequest& request, bool& path_known) const;
    const Customer* find_customer(long long id) const;
    /// `...NameOrId` resolution: Id as text, else trimmed case-insensitive name.
    static const Lookup* resolve(const std::vector<Lookup>& items, const std::string& value);
    const Customer* resolve_customer(const std::string& value) const;
    /// `...RefOrId`: `#n` by RefNumber, digits by Id.
    Ticket* resolve_ticket(const std::string& value);
    Poco::JSON::Object::Ptr ticket_json(const Ticket& ticket) const;
    std::string now_date();

    std::vector<Action> actions_;
    mutable std::mutex mutex_;
    PsaSeed data_;
    std::vector<Ticket> tickets_;
    long long next_ticket_id_ = 5531;
    long long next_ref_ = 10452;
    long long next_comment_id_ = 9001;
};

}  // namespace emulator
