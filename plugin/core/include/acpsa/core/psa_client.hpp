#pragma once
/// The CloudBlue PSA client (docs/psa-api.md): grid paging, tolerant parsing, the configurable
/// paths and columns, the api key kept out of every log line and error, and the "never blindly"
/// rules for calls that change tickets.

#include "acpsa/core/errors.hpp"
#include "acpsa/core/http_endpoint.hpp"
#include "acpsa/core/psa_api.hpp"
#include "acpsa/core/psa_settings.hpp"
#include "acpsa/core/psa_types.hpp"
#include "acpsa/core/retry.hpp"

#include <hostsdk/clock.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace acpsa::core {

/// A grid condition (§2).
struct GridFilter {
    std::string field, op, data;
};

/// Thread-safe. Every operation throws UpstreamError (or a subclass) on failure; messages name the
/// call and the status and carry `api_key=***`, never the key.
class PsaClient final : public PsaApi {
public:
    /// `clock` and `log` must outlive the client. `sleeper` waits between retries and pages.
    PsaClient(PsaSettings settings, const hostsdk::Clock& clock, Poco::Logger& log, Sleeper sleeper = plain_sleeper());

    void set_sleeper(Sleeper sleeper);
    const PsaSettings& settings() const noexcept override { return settings_; }

    /// Every customer (E1), all pages.
    std::vector<PsaCustomer> list_customers() override;
    /// The customer's primary contact (E2: the IsPrimary row, else the only row); when E2 is
    /// missing, the customer's PrimaryContactFullName split at the last space, without an e-mail.
    std::optional<PsaContact> primary_contact(const PsaCustomer& customer) override;
    /// Customers linked to the configured external system (E3); nullopt when the PSA has no such
    /// endpoint (path empty or 404).
    std::optional<std::vector<LinkedCustomer>> linked_customers() override;

    std::vector<LookupItem> ticket_types() override;
    /// Categories, of `type` when given (the client asks again when the type changes).
    std::vector<LookupItem> ticket_categories(const std::string& type = {}) override;
    std::vector<LookupItem> ticket_statuses() override;
    std::vector<LookupItem> teams() override;

    /// Creates a ticket (E5) exactly once: a lost answer is followed by the lookup after create,
    /// adopting what it finds, else one more create. A 400 about an inferred field is retried
    /// once without status and team when `create.retry_without_inferred` is on. A 2xx without a
    /// usable id is resolved by the lookup. Throws OutcomeUnknownError when even that cannot tell.
    TicketHandle create_ticket(const NewTicket& ticket) override;
    /// The lookup after create (§3.7): `Name` contains `marker`, same customer, created since
    /// `since_ns` minus 5 minutes; the oldest match (others are logged). nullopt when none.
    std::optional<TicketRow> lookup_ticket(const std::string& marker, const std::string& customer_name,
                                           std::int64_t since_ns) override;
    /// Sets a ticket's status (E6) with an optional comment. A lost answer is checked through E7
    /// and sent once more only if the status differs.
    void set_status(const TicketHandle& ticket, const std::string& status, const std::string& comment = {}) override;
    /// Adds a comment (E8); a lost answer is checked by reading the comments first.
    void add_comment(const TicketHandle& ticket, const std::string& text) override;
    std::vector<PsaComment> comments(const TicketHandle& ticket);

    /// Date mode: tickets whose UpdatedDate is at or after `watermark_ns` minus `updated_overlap_s`,
    /// oldest first, all pages.
    std::vector<TicketRow> tickets_changed_since(std::int64_t watermark_ns) override;
    /// Snapshot mode: the rows of the given refs, in chunks of `snapshot_chunk` (all pages when the
    /// server refuses `in`).
    std::vector<TicketRow> tickets_snapshot(const std::vector<std::string>& refs) override;
    /// One ticket's row by handle, or nullopt.
    std::optional<TicketRow> ticket(const TicketHandle& ticket) override;

    /// `#10452` (ref prefix + RefNumber), else the id.
    std::string address(const TicketHandle& ticket) const;

    /// Requests sent (every attempt and page).
    std::uint64_t api_calls() const noexcept override { return api_calls_.load(); }

private:
    enum class Safety { idempotent, not_idempotent };
    HttpResponse call(const std::string& method, const std::string& path, const std::string& query,
                      const std::optional<std::string>& json_body, Safety safety);
    std::vector<Poco::JSON::Object::Ptr> grid(const std::string& path, const std::vector<GridFilter>& filters,
                                              const std::string& columns, const std::string& sort_column,
                                              bool descending, const std::string& extra_query, int page_size,
                                              bool all_pages);
    std::vector<LookupItem> lookup(const std::string& path, const std::string& query, const char* what);
    std::vector<LookupItem> report_values(const std::string& column, const std::vector<std::string>& configured);
    TicketRow ticket_row(const Poco::JSON::Object::Ptr& row) const;
    std::string call_name(const std::string& method, const std::string& path) const;
    bool wait(std::chrono::milliseconds delay);
    std::string ticket_columns() const;
    /// `text` without the api key, literal or percent-encoded.
    std::string scrub(std::string text) const;

    PsaSettings settings_;
    const hostsdk::Clock& clock_;
    Poco::Logger& log_;
    HttpEndpoint endpoint_;
    std::mutex mutex_;
    Sleeper sleeper_;
    std::atomic<std::uint64_t> api_calls_{0};
};

/// A canned-body parser of the create-ticket reply (§3.5): `{"Id","RefNumber"}`, a bare number (the
/// Id) or string (`#n` = RefNumber, digits = Id), `{"TicketId"}`, `Data`/`data` wrappers, any key
/// case. nullopt when no usable id is in it.
std::optional<TicketHandle> parse_create_reply(const std::string& body, const std::string& ref_prefix);

/// The message of a PSA error body (§4): Message, message, ExceptionMessage, error, else the raw
/// text (2 KB); secrets redacted.
std::string psa_error_message(const std::string& body);

}  // namespace acpsa::core
