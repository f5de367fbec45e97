#pragma once
/// The CloudBlue PSA operations the modules use, as an interface: PsaClient implements it over HTTP
/// (docs/psa-api.md), tests hand the engines an in-memory fake. The contract of each call is the
/// client's (psa_client.hpp): every call throws UpstreamError or a subclass on failure.

#include "acpsa/core/psa_settings.hpp"
#include "acpsa/core/psa_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace acpsa::core {

/// Thread-safety is the implementation's: PsaClient may be called from any thread.
class PsaApi {
public:
    virtual ~PsaApi() = default;

    virtual const PsaSettings& settings() const noexcept = 0;
    /// Requests sent so far (a cycle reports the difference).
    virtual std::uint64_t api_calls() const noexcept = 0;

    // ---- customers (mapping, provisioning)
    virtual std::vector<PsaCustomer> list_customers() = 0;
    virtual std::optional<PsaContact> primary_contact(const PsaCustomer& customer) = 0;
    virtual std::optional<std::vector<LinkedCustomer>> linked_customers() = 0;

    // ---- lookup lists (ticketing, clearing)
    virtual std::vector<LookupItem> ticket_types() = 0;
    virtual std::vector<LookupItem> ticket_categories(const std::string& type = {}) = 0;
    virtual std::vector<LookupItem> ticket_statuses() = 0;
    virtual std::vector<LookupItem> teams() = 0;

    // ---- tickets (ticketing, clearing)
    /// Exactly once; throws PendingCreateError / OutcomeUnknownError when the outcome is not known.
    virtual TicketHandle create_ticket(const NewTicket& ticket) = 0;
    virtual std::optional<TicketRow> lookup_ticket(const std::string& marker, const std::string& customer_name,
                                                   std::int64_t since_ns) = 0;
    virtual void set_status(const TicketHandle& ticket, const std::string& status, const std::string& comment = {}) = 0;
    virtual void add_comment(const TicketHandle& ticket, const std::string& text) = 0;
    virtual std::optional<TicketRow> ticket(const TicketHandle& ticket) = 0;
    virtual std::vector<TicketRow> tickets_changed_since(std::int64_t watermark_ns) = 0;
    virtual std::vector<TicketRow> tickets_snapshot(const std::vector<std::string>& refs) = 0;
};

}  // namespace acpsa::core
