#include "acpsa/core/store.hpp"

#include "acpsa/core/json_read.hpp"

#include <hostsdk/migrations.hpp>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>
#include <Poco/Nullable.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

namespace acpsa::core {

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Session;
using Poco::Data::Statement;

namespace {

const std::vector<hostsdk::Migration> kMigrations = {
    {
        "CREATE TABLE psa_customers ("
        " customer_id TEXT PRIMARY KEY, name TEXT NOT NULL, account_id TEXT NOT NULL, status TEXT NOT NULL,"
        " primary_contact TEXT NOT NULL, position INTEGER NOT NULL)",
        "CREATE TABLE acronis_tenants ("
        " tenant_id TEXT PRIMARY KEY, version INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,"
        " parent_id TEXT NOT NULL, enabled INTEGER NOT NULL, ancestral_access INTEGER NOT NULL, customer_id TEXT,"
        " internal_tag TEXT, mfa_status TEXT NOT NULL, email TEXT NOT NULL, firstname TEXT NOT NULL,"
        " lastname TEXT NOT NULL, deleted INTEGER NOT NULL, position INTEGER NOT NULL)",
        "CREATE TABLE customer_mappings ("
        " psa_customer_id TEXT PRIMARY KEY, tenant_id TEXT UNIQUE, psa_customer_name TEXT NOT NULL, tenant_name TEXT NOT NULL,"
        " state TEXT NOT NULL CHECK (state IN ('mapped', 'provisioning', 'failed')),"
        " error TEXT, source TEXT NOT NULL, updated_ns INTEGER NOT NULL)",
        "CREATE TABLE provisioning_jobs ("
        " job_id INTEGER PRIMARY KEY AUTOINCREMENT, psa_customer_id TEXT NOT NULL,"
        " state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')), step TEXT NOT NULL,"
        " tenant_id TEXT, user_id TEXT, login TEXT, error TEXT, created_ns INTEGER NOT NULL, updated_ns INTEGER NOT NULL)",
        "CREATE UNIQUE INDEX provisioning_jobs_one_running ON provisioning_jobs(psa_customer_id) WHERE state = 'running'",
        "CREATE TABLE marketplace_proposals ("
        " psa_customer_id TEXT PRIMARY KEY, psa_customer_name TEXT NOT NULL, tenant_id TEXT NOT NULL UNIQUE,"
        " tenant_name TEXT NOT NULL, osa_account_id TEXT NOT NULL)",
        "CREATE TABLE marketplace_skipped (position INTEGER PRIMARY KEY, osa_account_id TEXT NOT NULL, reason TEXT NOT NULL)",
        "CREATE TABLE settings (section TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE alert_rules ("
        " alert_type TEXT PRIMARY KEY, enabled INTEGER NOT NULL, ticket_type TEXT, ticket_category TEXT, team TEXT)",
        "CREATE TABLE ticket_links ("
        " link_id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, occurrence INTEGER NOT NULL,"
        " alert_type TEXT NOT NULL, tenant_id TEXT NOT NULL, resource_key TEXT, psa_customer_id TEXT NOT NULL,"
        " ticket_id TEXT, ticket_ref TEXT, ticket_status TEXT,"
        " state TEXT NOT NULL CHECK (state IN ('creating', 'open', 'resolved', 'failed')),"
        " alert_state TEXT NOT NULL CHECK (alert_state IN ('active', 'cleared')),"
        " intent_ns INTEGER NOT NULL, created_ns INTEGER NOT NULL, resolved_ns INTEGER, closed_seen_ns INTEGER, error TEXT,"
        " ticket_title TEXT NOT NULL, ticket_description TEXT NOT NULL, last_change_ns INTEGER NOT NULL,"
        " attempt_ns INTEGER NOT NULL, create_accepted INTEGER NOT NULL,"
        " UNIQUE (alert_id, occurrence))",
        "CREATE UNIQUE INDEX ticket_links_one_open_per_alert ON ticket_links(alert_id) WHERE state IN ('creating', 'open')",
        "CREATE UNIQUE INDEX ticket_links_one_open_per_resource ON ticket_links(tenant_id, alert_type, resource_key)"
        " WHERE state IN ('creating', 'open') AND resource_key IS NOT NULL",
        "CREATE INDEX ticket_links_customer ON ticket_links(psa_customer_id)",
        "CREATE INDEX ticket_links_state ON ticket_links(state)",
        "CREATE INDEX ticket_links_ref ON ticket_links(ticket_ref)",
        "CREATE TABLE ticket_status_observations ("
        " link_id INTEGER NOT NULL, status TEXT NOT NULL, closed INTEGER NOT NULL, observed_ns INTEGER NOT NULL)",
        "CREATE INDEX ticket_status_observations_link ON ticket_status_observations(link_id)",
        "CREATE TABLE sync_cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE processed_alert_changes ("
        " alert_id TEXT NOT NULL, updated_ns INTEGER NOT NULL, PRIMARY KEY (alert_id, updated_ns))",
    },
    // v2: a link update is a compare-and-set on `version` (ticketing and clearing both write links).
    {
        "ALTER TABLE ticket_links ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
    },
};

Poco::Nullable<std::string> nullable(const std::optional<std::string>& value) {
    return value ? Poco::Nullable<std::string>(*value) : Poco::Nullable<std::string>();
}
Poco::Nullable<Poco::Int64> nullable(const std::optional<std::int64_t>& value) {
    return value ? Poco::Nullable<Poco::Int64>(*value) : Poco::Nullable<Poco::Int64>();
}

std::optional<std::string> opt_text(RecordSet& rs, const std::string& column) {
    if (rs.isNull(column)) return std::nullopt;
    return rs[column].convert<std::string>();
}
std::string text(RecordSet& rs, const std::string& column) { return opt_text(rs, column).value_or(""); }
std::optional<std::int64_t> opt_int(RecordSet& rs, const std::string& column) {
    if (rs.isNull(column)) return std::nullopt;
    return rs[column].convert<Poco::Int64>();
}
std::int64_t integer(RecordSet& rs, const std::string& column) { return opt_int(rs, column).value_or(0); }

/// Runs `fn` and turns SQLite constraint violations into StoreConflict(`what`).
template <class Fn>
void guarded(const std::string& what, Fn fn) {
    try {
        fn();
    } catch (const Poco::Data::SQLite::ConstraintViolationException&) {
        throw StoreConflict(what);
    }
}

/// BEGIN IMMEDIATE … COMMIT, rolled back when not committed. For a transaction that reads and then
/// writes: taking the write lock first avoids an upgrade that WAL would refuse without waiting.
/// (Poco's Transaction always begins deferred.)
class ImmediateTransaction {
public:
    explicit ImmediateTransaction(Session& session) : session_(session) { session_ << "BEGIN IMMEDIATE", now; }
    ~ImmediateTransaction() {
        if (done_) return;
        try {
            session_ << "ROLLBACK", now;
        } catch (...) {
        }
    }
    void commit() {
        session_ << "COMMIT", now;
        done_ = true;
    }

private:
    Session& session_;
    bool done_ = false;
};

template <class T, class Reader>
std::vector<T> read_all(Statement& statement, Reader reader) {
    statement.execute();
    RecordSet rs(statement);
    std::vector<T> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(reader(rs));
    return out;
}

Mapping mapping_from(RecordSet& rs) {
    Mapping m;
    m.psa_customer_id = text(rs, "psa_customer_id");
    m.tenant_id = opt_text(rs, "tenant_id");
    m.psa_customer_name = text(rs, "psa_customer_name");
    m.tenant_name = text(rs, "tenant_name");
    m.state = parse_mapping_state(text(rs, "state"));
    m.error = opt_text(rs, "error");
    m.source = text(rs, "source");
    m.updated_ns = integer(rs, "updated_ns");
    return m;
}

ProvisioningJob job_from(RecordSet& rs) {
    ProvisioningJob j;
    j.id = integer(rs, "job_id");
    j.psa_customer_id = text(rs, "psa_customer_id");
    j.state = parse_job_state(text(rs, "state"));
    j.step = parse_job_step(text(rs, "step"));
    j.tenant_id = opt_text(rs, "tenant_id");
    j.user_id = opt_text(rs, "user_id");
    j.login = opt_text(rs, "login");
    j.error = opt_text(rs, "error");
    j.created_ns = integer(rs, "created_ns");
    j.updated_ns = integer(rs, "updated_ns");
    return j;
}

TicketLink link_from(RecordSet& rs) {
    TicketLink l;
    l.id = integer(rs, "link_id");
    l.alert_id = text(rs, "alert_id");
    l.occurrence = static_cast<int>(integer(rs, "occurrence"));
    l.alert_type = text(rs, "alert_type");
    l.tenant_id = text(rs, "tenant_id");
    l.resource_key = opt_text(rs, "resource_key");
    l.psa_customer_id = text(rs, "psa_customer_id");
    l.ticket_id = opt_text(rs, "ticket_id");
    l.ticket_ref = opt_text(rs, "ticket_ref");
    l.ticket_status = opt_text(rs, "ticket_status");
    l.state = parse_link_state(text(rs, "state"));
    l.alert_state = parse_alert_state(text(rs, "alert_state"));
    l.intent_ns = integer(rs, "intent_ns");
    l.created_ns = integer(rs, "created_ns");
    l.resolved_ns = opt_int(rs, "resolved_ns");
    l.closed_seen_ns = opt_int(rs, "closed_seen_ns");
    l.error = opt_text(rs, "error");
    l.ticket_title = text(rs, "ticket_title");
    l.ticket_description = text(rs, "ticket_description");
    l.last_change_ns = integer(rs, "last_change_ns");
    l.attempt_ns = integer(rs, "attempt_ns");
    l.create_accepted = integer(rs, "create_accepted") != 0;
    l.version = integer(rs, "version");
    return l;
}

Tenant tenant_from(RecordSet& rs) {
    Tenant t;
    t.id = text(rs, "tenant_id");
    t.version = integer(rs, "version");
    t.name = text(rs, "name");
    t.kind = text(rs, "kind");
    t.parent_id = text(rs, "parent_id");
    t.enabled = integer(rs, "enabled") != 0;
    t.ancestral_access = integer(rs, "ancestral_access") != 0;
    t.customer_id = opt_text(rs, "customer_id");
    t.internal_tag = opt_text(rs, "internal_tag");
    t.mfa_status = text(rs, "mfa_status");
    t.contact = AcronisContact{text(rs, "email"), text(rs, "firstname"), text(rs, "lastname")};
    t.deleted = integer(rs, "deleted") != 0;
    return t;
}

PsaCustomer customer_from(RecordSet& rs) {
    return PsaCustomer{text(rs, "customer_id"), text(rs, "name"), text(rs, "account_id"), text(rs, "status"),
                       text(rs, "primary_contact")};
}

std::string upper(const std::string& text) { return Poco::toUpper(text); }

}  // namespace


Store::Store(Poco::Data::SessionPool& pool) : pool_(pool) {
    Session session = pool_.get();
    hostsdk::apply_migrations(session, "acpsa_core", kMigrations);
}

// ---- caches

void Store::replace_psa_customers(const std::vector<PsaCustomer>& customers) {
    Session session = pool_.get();
    Poco::Data::Transaction tx(session);
    session << "DELETE FROM psa_customers", now;
    Poco::Int64 position = 0;
    for (const auto& c : customers) {
        session << "INSERT OR REPLACE INTO psa_customers(customer_id, name, account_id, status, primary_contact, position)"
                   " VALUES(?, ?, ?, ?, ?, ?)",
            bind(c.id), bind(c.name), bind(c.account_id), bind(c.status), bind(c.primary_contact_full_name),
            bind(position++), now;
    }
    tx.commit();
}

std::vector<PsaCustomer> Store::psa_customers() const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM psa_customers ORDER BY position";
    return read_all<PsaCustomer>(select, customer_from);
}

std::optional<PsaCustomer> Store::psa_customer(const std::string& id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM psa_customers WHERE customer_id = ?", bind(id);
    auto rows = read_all<PsaCustomer>(select, customer_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

void Store::replace_tenants(const std::vector<Tenant>& tenants) {
    Session session = pool_.get();
    Poco::Data::Transaction tx(session);
    session << "DELETE FROM acronis_tenants", now;
    Poco::Int64 position = 0;
    for (const auto& t : tenants) {
        session << "INSERT OR REPLACE INTO acronis_tenants(tenant_id, version, name, kind, parent_id, enabled, ancestral_access,"
                   " customer_id, internal_tag, mfa_status, email, firstname, lastname, deleted, position)"
                   " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            bind(Poco::toLower(t.id)), bind(static_cast<Poco::Int64>(t.version)), bind(t.name), bind(t.kind), bind(Poco::toLower(t.parent_id)),
            bind(static_cast<int>(t.enabled)), bind(static_cast<int>(t.ancestral_access)), bind(nullable(t.customer_id)),
            bind(nullable(t.internal_tag)), bind(t.mfa_status), bind(t.contact.email), bind(t.contact.firstname),
            bind(t.contact.lastname), bind(static_cast<int>(t.deleted)), bind(position++), now;
    }
    tx.commit();
}

std::vector<Tenant> Store::tenants() const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM acronis_tenants ORDER BY position";
    return read_all<Tenant>(select, tenant_from);
}

std::optional<Tenant> Store::tenant(const std::string& id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM acronis_tenants WHERE tenant_id = ?", bind(Poco::toLower(id));
    auto rows = read_all<Tenant>(select, tenant_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

// ---- mappings

std::optional<Mapping> Store::mapping(const std::string& psa_customer_id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM customer_mappings WHERE psa_customer_id = ?", bind(psa_customer_id);
    auto rows = read_all<Mapping>(select, mapping_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<Mapping> Store::mapping_for_tenant(const std::string& tenant_id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM customer_mappings WHERE tenant_id = ?", bind(Poco::toLower(tenant_id));
    auto rows = read_all<Mapping>(select, mapping_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<Mapping> Store::mappings() const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM customer_mappings ORDER BY psa_customer_id";
    return read_all<Mapping>(select, mapping_from);
}

namespace {
void write_mapping(Session& session, const Mapping& m) {
    std::optional<std::string> tenant;
    if (m.tenant_id) tenant = Poco::toLower(*m.tenant_id);
    session << "INSERT INTO customer_mappings(psa_customer_id, tenant_id, psa_customer_name, tenant_name, state, error, source,"
               " updated_ns) VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(psa_customer_id) DO UPDATE SET"
               " tenant_id = excluded.tenant_id, psa_customer_name = excluded.psa_customer_name,"
               " tenant_name = excluded.tenant_name, state = excluded.state, error = excluded.error,"
               " source = excluded.source, updated_ns = excluded.updated_ns",
        bind(m.psa_customer_id), bind(nullable(tenant)), bind(m.psa_customer_name), bind(m.tenant_name), bind(std::string(to_string(m.state))),
        bind(nullable(m.error)), bind(m.source), bind(static_cast<Poco::Int64>(m.updated_ns)), now;
}
}  // namespace

void Store::put_mapping(const Mapping& m) {
    guarded("tenant " + m.tenant_id.value_or("") + " is already mapped to another customer", [&] {
        Session session = pool_.get();
        write_mapping(session, m);
    });
}

ProvisioningJob Store::start_provisioning(const std::string& psa_customer_id, const std::string& psa_customer_name,
                                          std::int64_t now_ns) {
    ProvisioningJob job;
    job.psa_customer_id = psa_customer_id;
    job.created_ns = job.updated_ns = now_ns;
    guarded("a provisioning job is already running for customer " + psa_customer_id, [&] {
        Session session = pool_.get();
        // BEGIN IMMEDIATE: this transaction reads, then writes; taking the write lock first avoids
        // an upgrade that WAL would refuse without waiting.
        ImmediateTransaction tx(session);
        Poco::Int64 blocking = 0;
        session << "SELECT COUNT(*) FROM customer_mappings WHERE psa_customer_id = ?"
                   " AND (state IN ('mapped', 'provisioning') OR tenant_id IS NOT NULL)",
            bind(psa_customer_id), into(blocking), now;
        if (blocking > 0) throw StoreConflict("customer " + psa_customer_id + " is already mapped; unlink it first");
        session << "INSERT INTO provisioning_jobs(psa_customer_id, state, step, created_ns, updated_ns) VALUES(?, ?, ?, ?, ?)",
            bind(job.psa_customer_id), bind(std::string(to_string(job.state))), bind(std::string(to_string(job.step))), bind(static_cast<Poco::Int64>(now_ns)),
            bind(static_cast<Poco::Int64>(now_ns)), now;
        Poco::Int64 id = 0;
        session << "SELECT last_insert_rowid()", into(id), now;
        Mapping m;
        m.psa_customer_id = psa_customer_id;
        m.psa_customer_name = psa_customer_name;
        m.state = MappingState::provisioning;
        m.source = "provisioned";
        m.updated_ns = now_ns;
        write_mapping(session, m);
        tx.commit();
        job.id = id;
    });
    return job;
}

void Store::remove_mapping(const std::string& psa_customer_id) {
    Session session = pool_.get();
    session << "DELETE FROM customer_mappings WHERE psa_customer_id = ?", bind(psa_customer_id), now;
}

// ---- provisioning jobs

ProvisioningJob Store::create_job(const std::string& psa_customer_id, std::int64_t now_ns) {
    ProvisioningJob job;
    job.psa_customer_id = psa_customer_id;
    job.created_ns = job.updated_ns = now_ns;
    guarded("a provisioning job is already running for customer " + psa_customer_id, [&] {
        Session session = pool_.get();
        Poco::Data::Transaction tx(session);
        session << "INSERT INTO provisioning_jobs(psa_customer_id, state, step, created_ns, updated_ns) VALUES(?, ?, ?, ?, ?)",
            bind(job.psa_customer_id), bind(std::string(to_string(job.state))), bind(std::string(to_string(job.step))), bind(static_cast<Poco::Int64>(now_ns)),
            bind(static_cast<Poco::Int64>(now_ns)), now;
        Poco::Int64 id = 0;
        session << "SELECT last_insert_rowid()", into(id), now;
        tx.commit();
        job.id = id;
    });
    return job;
}

void Store::update_job(const ProvisioningJob& j) {
    guarded("a provisioning job is already running for customer " + j.psa_customer_id, [&] {
        Session session = pool_.get();
        session << "UPDATE provisioning_jobs SET state = ?, step = ?, tenant_id = ?, user_id = ?, login = ?, error = ?,"
                   " updated_ns = ? WHERE job_id = ?",
            bind(std::string(to_string(j.state))), bind(std::string(to_string(j.step))), bind(nullable(j.tenant_id)), bind(nullable(j.user_id)), bind(nullable(j.login)),
            bind(nullable(j.error)), bind(static_cast<Poco::Int64>(j.updated_ns)), bind(static_cast<Poco::Int64>(j.id)), now;
    });
}

std::optional<ProvisioningJob> Store::job(std::int64_t id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM provisioning_jobs WHERE job_id = ?", bind(static_cast<Poco::Int64>(id));
    auto rows = read_all<ProvisioningJob>(select, job_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<ProvisioningJob> Store::running_job_for(const std::string& psa_customer_id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM provisioning_jobs WHERE psa_customer_id = ? AND state = 'running'", bind(psa_customer_id);
    auto rows = read_all<ProvisioningJob>(select, job_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<ProvisioningJob> Store::jobs(std::optional<JobState> state) const {
    Session session = pool_.get();
    Statement select(session);
    if (!state)
        select << "SELECT * FROM provisioning_jobs ORDER BY job_id";
    else
        select << "SELECT * FROM provisioning_jobs WHERE state = ? ORDER BY job_id", bind(std::string(to_string(*state)));
    return read_all<ProvisioningJob>(select, job_from);
}

// ---- marketplace

void Store::replace_proposals(const std::vector<MarketplaceProposal>& proposals, const std::vector<MarketplaceSkip>& skipped) {
    guarded("two proposals name the same customer or tenant", [&] {
        Session session = pool_.get();
        Poco::Data::Transaction tx(session);
        session << "DELETE FROM marketplace_proposals", now;
        session << "DELETE FROM marketplace_skipped", now;
        for (const auto& p : proposals)
            session << "INSERT INTO marketplace_proposals(psa_customer_id, psa_customer_name, tenant_id, tenant_name, osa_account_id)"
                       " VALUES(?, ?, ?, ?, ?)",
                bind(p.psa_customer_id), bind(p.psa_customer_name), bind(Poco::toLower(p.tenant_id)), bind(p.tenant_name),
                bind(p.osa_account_id), now;
        Poco::Int64 position = 0;
        for (const auto& s : skipped)
            session << "INSERT INTO marketplace_skipped(position, osa_account_id, reason) VALUES(?, ?, ?)", bind(position++),
                bind(s.osa_account_id), bind(s.reason), now;
        tx.commit();
    });
}

std::vector<MarketplaceProposal> Store::proposals() const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM marketplace_proposals ORDER BY psa_customer_name";
    return read_all<MarketplaceProposal>(select, [](RecordSet& rs) {
        return MarketplaceProposal{text(rs, "psa_customer_id"), text(rs, "psa_customer_name"), text(rs, "tenant_id"),
                                   text(rs, "tenant_name"), text(rs, "osa_account_id")};
    });
}

std::vector<MarketplaceSkip> Store::skipped_proposals() const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM marketplace_skipped ORDER BY position";
    return read_all<MarketplaceSkip>(select, [](RecordSet& rs) {
        return MarketplaceSkip{text(rs, "osa_account_id"), text(rs, "reason")};
    });
}

// ---- settings

Poco::JSON::Object::Ptr Store::settings(const std::string& section) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT value FROM settings WHERE section = ?", bind(section);
    auto rows = read_all<std::string>(select, [](RecordSet& rs) { return text(rs, "value"); });
    if (rows.empty()) return new Poco::JSON::Object;
    auto parsed = json::parse(rows.front());
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
        throw std::runtime_error("state database: settings of '" + section + "' are not a JSON object");
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

void Store::put_settings(const std::string& section, const Poco::JSON::Object::Ptr& values) {
    const std::string text_value = json::stringify(Poco::Dynamic::Var(values));
    Session session = pool_.get();
    session << "INSERT INTO settings(section, value) VALUES(?, ?) ON CONFLICT(section) DO UPDATE SET value = excluded.value",
        bind(section), bind(text_value), now;
}

// ---- alert rules

namespace {
AlertRule rule_from(RecordSet& rs) {
    return AlertRule{text(rs, "alert_type"), integer(rs, "enabled") != 0, opt_text(rs, "ticket_type"),
                     opt_text(rs, "ticket_category"), opt_text(rs, "team")};
}
}  // namespace

std::vector<AlertRule> Store::alert_rules() const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM alert_rules ORDER BY alert_type";
    return read_all<AlertRule>(select, rule_from);
}

std::optional<AlertRule> Store::alert_rule(const std::string& alert_type) const {
    Session session = pool_.get();
    Statement select(session);
    std::string type = alert_type;
    select << "SELECT * FROM alert_rules WHERE alert_type = ?", bind(type);
    auto rows = read_all<AlertRule>(select, rule_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

void Store::put_alert_rule(const AlertRule& r) {
    Session session = pool_.get();
    session << "INSERT INTO alert_rules(alert_type, enabled, ticket_type, ticket_category, team) VALUES(?, ?, ?, ?, ?)"
               " ON CONFLICT(alert_type) DO UPDATE SET enabled = excluded.enabled, ticket_type = excluded.ticket_type,"
               " ticket_category = excluded.ticket_category, team = excluded.team",
        bind(r.alert_type), bind(static_cast<int>(r.enabled)), bind(nullable(r.ticket_type)), bind(nullable(r.ticket_category)),
        bind(nullable(r.team)), now;
}

// ---- links

TicketLink Store::create_link(TicketLink l) {
    l.alert_id = upper(l.alert_id);
    l.tenant_id = Poco::toLower(l.tenant_id);
    if (l.resource_key) l.resource_key = Poco::toLower(*l.resource_key);
    guarded("alert " + l.alert_id + " already has a link for occurrence " + std::to_string(l.occurrence) +
                " or an open one",
            [&] {
                Session session = pool_.get();
                Poco::Data::Transaction tx(session);
                session << "INSERT INTO ticket_links(alert_id, occurrence, alert_type, tenant_id, resource_key, psa_customer_id,"
                           " ticket_id, ticket_ref, ticket_status, state, alert_state, intent_ns, created_ns, resolved_ns,"
                           " closed_seen_ns, error, ticket_title, ticket_description, last_change_ns, attempt_ns, create_accepted)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    bind(l.alert_id), bind(l.occurrence), bind(l.alert_type), bind(l.tenant_id), bind(nullable(l.resource_key)),
                    bind(l.psa_customer_id), bind(nullable(l.ticket_id)), bind(nullable(l.ticket_ref)),
                    bind(nullable(l.ticket_status)), bind(std::string(to_string(l.state))), bind(std::string(to_string(l.alert_state))),
                    bind(static_cast<Poco::Int64>(l.intent_ns)),
                    bind(static_cast<Poco::Int64>(l.created_ns)), bind(nullable(l.resolved_ns)), bind(nullable(l.closed_seen_ns)),
                    bind(nullable(l.error)), bind(l.ticket_title), bind(l.ticket_description),
                    bind(static_cast<Poco::Int64>(l.last_change_ns)), bind(static_cast<Poco::Int64>(l.attempt_ns)),
                    bind(static_cast<int>(l.create_accepted)), now;
                Poco::Int64 id = 0;
                session << "SELECT last_insert_rowid()", into(id), now;
                tx.commit();
                l.id = id;
            });
    return l;
}

void Store::update_link(TicketLink& original) {
    TicketLink l = original;
    l.tenant_id = Poco::toLower(l.tenant_id);
    if (l.resource_key) l.resource_key = Poco::toLower(*l.resource_key);
    std::size_t changed = 0;
    guarded("alert " + l.alert_id + " already has an open link", [&] {
        Session session = pool_.get();
        Statement update(session);
        update << "UPDATE ticket_links SET alert_type = ?, tenant_id = ?, resource_key = ?, psa_customer_id = ?, ticket_id = ?,"
                  " ticket_ref = ?, ticket_status = ?, state = ?, alert_state = ?, intent_ns = ?, created_ns = ?, resolved_ns = ?,"
                  " closed_seen_ns = ?, error = ?, ticket_title = ?, ticket_description = ?, last_change_ns = ?, attempt_ns = ?,"
                  " create_accepted = ?, version = version + 1 WHERE link_id = ? AND version = ?",
            bind(l.alert_type), bind(l.tenant_id), bind(nullable(l.resource_key)), bind(l.psa_customer_id),
            bind(nullable(l.ticket_id)), bind(nullable(l.ticket_ref)), bind(nullable(l.ticket_status)),
            bind(std::string(to_string(l.state))), bind(std::string(to_string(l.alert_state))),
            bind(static_cast<Poco::Int64>(l.intent_ns)), bind(static_cast<Poco::Int64>(l.created_ns)),
            bind(nullable(l.resolved_ns)), bind(nullable(l.closed_seen_ns)), bind(nullable(l.error)), bind(l.ticket_title),
            bind(l.ticket_description), bind(static_cast<Poco::Int64>(l.last_change_ns)), bind(static_cast<Poco::Int64>(l.attempt_ns)),
            bind(static_cast<int>(l.create_accepted)), bind(static_cast<Poco::Int64>(l.id)),
            bind(static_cast<Poco::Int64>(l.version));
        changed = update.execute();
    });
    if (changed == 0)
        throw StaleLink("link " + std::to_string(l.id) + " of alert " + l.alert_id + " was changed by another writer");
    ++original.version;
}

void Store::merge_link(TicketLink& link, const std::function<void(TicketLink&)>& change) {
    change(link);
    for (int attempt = 1;; ++attempt) {
        try {
            update_link(link);
            return;
        } catch (const StaleLink&) {
            auto fresh = this->link(link.id);
            if (!fresh || attempt >= 5) throw;
            link = *fresh;
            change(link);
        }
    }
}

std::optional<TicketLink> Store::link(std::int64_t id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM ticket_links WHERE link_id = ?", bind(static_cast<Poco::Int64>(id));
    auto rows = read_all<TicketLink>(select, link_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<TicketLink> Store::open_link_for_alert(const std::string& alert_id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM ticket_links WHERE alert_id = ? AND state IN ('creating', 'open')", bind(upper(alert_id));
    auto rows = read_all<TicketLink>(select, link_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<TicketLink> Store::latest_link_for_alert(const std::string& alert_id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM ticket_links WHERE alert_id = ? ORDER BY occurrence DESC LIMIT 1", bind(upper(alert_id));
    auto rows = read_all<TicketLink>(select, link_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<TicketLink> Store::open_link_for_resource(const std::string& tenant_id, const std::string& alert_type,
                                                        const std::string& resource_key) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT * FROM ticket_links WHERE tenant_id = ? AND alert_type = ? AND resource_key = ?"
              " AND state IN ('creating', 'open')",
        bind(Poco::toLower(tenant_id)), bind(alert_type), bind(Poco::toLower(resource_key));
    auto rows = read_all<TicketLink>(select, link_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<TicketLink> Store::link_for_ticket(const std::string& ticket_ref, const std::string& ticket_id) const {
    Session session = pool_.get();
    Statement select(session);
    // A link made from a create reply that named only the Id has no ref: found by its id.
    if (!ticket_ref.empty() && !ticket_id.empty())
        select << "SELECT * FROM ticket_links WHERE ticket_ref = ? OR (ticket_ref IS NULL AND ticket_id = ?)"
                  " ORDER BY link_id DESC LIMIT 1",
            bind(ticket_ref), bind(ticket_id);
    else if (!ticket_ref.empty())
        select << "SELECT * FROM ticket_links WHERE ticket_ref = ? ORDER BY link_id DESC LIMIT 1", bind(ticket_ref);
    else
        select << "SELECT * FROM ticket_links WHERE ticket_id = ? ORDER BY link_id DESC LIMIT 1", bind(ticket_id);
    auto rows = read_all<TicketLink>(select, link_from);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::pair<std::vector<TicketLink>, std::size_t> Store::links(const LinkQuery& q) const {
    std::string where = " WHERE 1 = 1";
    std::vector<std::string> values;
    if (q.state) {
        where += " AND state = ?";
        values.push_back(to_string(*q.state));
    }
    if (!q.psa_customer_id.empty()) {
        where += " AND psa_customer_id = ?";
        values.push_back(q.psa_customer_id);
    }
    if (!q.alert_id.empty()) {
        where += " AND alert_id = ?";
        values.push_back(upper(q.alert_id));
    }
    Session session = pool_.get();
    Poco::Int64 total = 0;
    {
        Statement count(session);
        count << "SELECT COUNT(*) FROM ticket_links" + where;
        for (const auto& v : values) count, bind(v);
        count, into(total);
        count.execute();
    }
    Statement select(session);
    select << "SELECT * FROM ticket_links" + where + " ORDER BY link_id DESC LIMIT ? OFFSET ?";
    for (const auto& v : values) select, bind(v);
    select, bind(static_cast<Poco::Int64>(q.limit)), bind(static_cast<Poco::Int64>(q.offset));
    return {read_all<TicketLink>(select, link_from), static_cast<std::size_t>(total)};
}

std::vector<TicketLink> Store::links_in_states(const std::vector<LinkState>& states) const {
    std::vector<TicketLink> all;
    for (const auto state : states) {
        Session session = pool_.get();
        Statement select(session);
        select << "SELECT * FROM ticket_links WHERE state = ? ORDER BY link_id", bind(std::string(to_string(state)));
        auto rows = read_all<TicketLink>(select, link_from);
        all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
}

// ---- observations

void Store::record_ticket_status(std::int64_t link_id, const std::string& status, bool closed, std::int64_t observed_ns) {
    Session session = pool_.get();
    session << "INSERT INTO ticket_status_observations(link_id, status, closed, observed_ns) VALUES(?, ?, ?, ?)",
        bind(static_cast<Poco::Int64>(link_id)), bind(status), bind(static_cast<int>(closed)),
        bind(static_cast<Poco::Int64>(observed_ns)), now;
}

std::vector<std::pair<std::string, std::int64_t>> Store::ticket_status_history(std::int64_t link_id) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT status, observed_ns FROM ticket_status_observations WHERE link_id = ? ORDER BY rowid",
        bind(static_cast<Poco::Int64>(link_id));
    return read_all<std::pair<std::string, std::int64_t>>(select, [](RecordSet& rs) {
        return std::make_pair(text(rs, "status"), integer(rs, "observed_ns"));
    });
}

// ---- cursors

std::optional<std::string> Store::cursor(const std::string& name) const {
    Session session = pool_.get();
    Statement select(session);
    select << "SELECT value FROM sync_cursors WHERE name = ?", bind(name);
    auto rows = read_all<std::string>(select, [](RecordSet& rs) { return text(rs, "value"); });
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<std::int64_t> Store::cursor_ns(const std::string& name) const {
    const auto stored = cursor(name);
    if (!stored) return std::nullopt;
    Poco::Int64 value = 0;
    if (!Poco::NumberParser::tryParse64(*stored, value))
        throw std::runtime_error("state database: sync cursor '" + name + "' holds '" + stored->substr(0, 40) +
                                 "', not a time in nanoseconds");
    return static_cast<std::int64_t>(value);
}

void Store::put_cursor(const std::string& name, const std::string& value) {
    Session session = pool_.get();
    session << "INSERT INTO sync_cursors(name, value) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        bind(name), bind(value), now;
}

bool Store::alert_change_processed(const std::string& alert_id, std::int64_t updated_ns) const {
    Session session = pool_.get();
    Poco::Int64 count = 0;
    session << "SELECT COUNT(*) FROM processed_alert_changes WHERE alert_id = ? AND updated_ns = ?", bind(upper(alert_id)),
        bind(static_cast<Poco::Int64>(updated_ns)), into(count), now;
    return count > 0;
}

void Store::mark_alert_change_processed(const std::string& alert_id, std::int64_t updated_ns) {
    Session session = pool_.get();
    session << "INSERT OR IGNORE INTO processed_alert_changes(alert_id, updated_ns) VALUES(?, ?)", bind(upper(alert_id)),
        bind(static_cast<Poco::Int64>(updated_ns)), now;
}

void Store::prune_processed_alert_changes(std::int64_t before_ns) {
    Session session = pool_.get();
    session << "DELETE FROM processed_alert_changes WHERE updated_ns < ?", bind(static_cast<Poco::Int64>(before_ns)), now;
}

}  // namespace acpsa::core
