#pragma once

#include "acpsa/core/http_endpoint.hpp"
#include "acpsa/core/retry.hpp"

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <string>
#include <vector>

namespace acpsa::core {

/// The PSA client's settings: every key of the PSA contract's table (§6), relative to
/// `acpsa.psa.`, with its default. Every INFERRED path, parameter, column and field name is here.
struct PsaSettings {
    std::string site;     ///< base URL: a bare host or https:// means HTTPS; http:// only for loopback
    std::string api_key;  ///< secret: never logged

    // Paths: `{ver}/{module}/{action}`; empty = the endpoint is missing (its fallback applies).
    std::string path_customers = "v1/companies/getcustomers";
    std::string path_contacts = "v1/contacts/getcontacts";
    std::string path_linked_customers = "v1/externalsystems/getlinkedcustomers";
    std::string param_external_system = "externalSystem";
    std::string external_system = "CMP";
    std::string path_ticket_types = "v1/tickets/gettickettypes";
    std::string path_ticket_categories = "v1/tickets/getticketcategories";
    std::string param_category_ticket_type = "ticketType";
    std::string path_ticket_statuses = "v1/tickets/getticketstatuses";
    std::string path_teams = "v1/teams/getteams";
    std::string path_create_ticket = "v1/tickets/createticket";
    std::string path_update_status = "v1/tickets/updateticketstatus";
    std::string path_tickets_report = "v1.3/tickets/getticketsreport";
    std::string path_add_comment = "v1/tickets/addcomment";
    std::string path_get_comments = "v1/tickets/getcommentsbyticketreference";

    // Columns and fields.
    std::string col_customer_id = "Id";  ///< empty = customers are keyed by name
    std::string col_customer_name = "CompanyName";
    std::string col_customer_account = "AccountID";
    std::string col_customer_status = "Status";
    std::string col_customer_primary_contact = "PrimaryContactFullName";
    std::string col_contact_company_filter = "CompanyName";
    std::string col_contact_first = "FirstName";
    std::string col_contact_last = "LastName";
    std::string col_contact_email = "Email";
    std::string col_contact_is_primary = "IsPrimary";
    std::string col_linked_customer_id = "CustomerId";
    std::string col_linked_customer_name = "CompanyName";
    std::string col_linked_external_id = "ExternalId";
    std::string col_linked_external_name = "ExternalCustomerName";
    std::string col_linked_system = "ExternalSystem";
    std::string col_lookup_id = "Id";
    std::string col_lookup_name = "Name";
    std::string col_lookup_is_closed = "IsClosed";
    std::string col_lookup_is_default = "IsDefault";
    std::string col_ticket_ref = "RefNumber";
    std::string col_ticket_title = "Name";
    std::string col_ticket_type = "Type";
    std::string col_ticket_id = "Id";
    std::string col_ticket_status = "Status";
    std::string col_ticket_customer = "CustomerName";
    std::string col_ticket_updated = "UpdatedDate";  ///< empty = snapshot mode
    std::string col_ticket_created = "CreatedDate";
    std::string field_create_status = "TicketStatusNameOrId";  ///< empty = not sent
    std::string field_create_team = "TeamNameOrId";            ///< empty = not sent
    std::string field_update_ref = "TicketRefOrId";
    std::string field_update_status = "TicketStatusNameOrId";
    std::string field_update_comment = "Comment";
    std::string col_comment_text = "Comment";

    bool create_retry_without_inferred = true;
    bool update_status_fallback_comment = false;
    std::string status_new;        ///< empty = the PSA's default status
    std::string ref_prefix = "#";
    int page_size = 500;           ///< max 1000
    std::chrono::milliseconds page_delay{3000};
    int snapshot_chunk = 50;
    EndpointSettings endpoint;
    RetrySettings retry{4, std::chrono::milliseconds(1000), std::chrono::seconds(60)};
    std::chrono::seconds updated_overlap{300};
    int date_utc_offset_min = 0;

    /// Fallback lookup lists (comma-separated keys `fallback.*`), used when a lookup path is empty
    /// or answers 404. Statuses always contain New and Fixed.
    std::vector<std::string> fallback_ticket_types;
    std::vector<std::string> fallback_ticket_statuses{"New", "Fixed"};
    std::vector<std::string> fallback_ticket_categories;
    std::vector<std::string> fallback_teams;

    /// Date mode (col.ticket_updated set) or snapshot mode.
    bool date_mode() const { return !col_ticket_updated.empty(); }
};

/// Reads `acpsa.psa.*`. Throws hostsdk::ConfigError naming the key.
PsaSettings parse_psa_settings(const Poco::Util::AbstractConfiguration& config);

/// The site as a base URL: a bare host (or a URL with a path) becomes `https://host`; an explicit
/// `http://` stays (loopback only, checked by the endpoint).
std::string psa_base_url(const std::string& site);

}  // namespace acpsa::core
