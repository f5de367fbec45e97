#include "emulator/grid.hpp"

#include "emulator/json_util.hpp"
#include "emulator/time_util.hpp"

#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <set>

namespace emulator {

Cell Cell::of_text(std::string value) {
    Cell c;
    c.type = ColumnType::text;
    c.text = std::move(value);
    return c;
}
Cell Cell::of_number(long long value) {
    Cell c;
    c.type = ColumnType::number;
    c.number = value;
    c.text = std::to_string(value);
    return c;
}
Cell Cell::of_date(std::int64_t seconds, std::string rendered) {
    Cell c;
    c.type = ColumnType::date;
    c.seconds = seconds;
    c.text = std::move(rendered);
    return c;
}
Cell Cell::of_bool(bool value) {
    Cell c;
    c.type = ColumnType::boolean;
    c.flag = value;
    c.text = value ? "true" : "false";
    return c;
}

namespace {

const std::set<std::string> kOperators = {"eq", "ne", "cn", "bw", "ew", "lt", "le", "gt", "ge", "in"};

std::optional<ColumnType> column_type(const Columns& columns, const std::string& name) {
    for (const auto& [column, type] : columns)
        if (Poco::icompare(column, name) == 0) return type;
    return std::nullopt;
}

std::string canonical_column(const Columns& columns, const std::string& name) {
    for (const auto& [column, type] : columns)
        if (Poco::icompare(column, name) == 0) return column;
    return name;
}

/// An integer given as a JSON number or a string of digits.
int int_field(const Poco::JSON::Object::Ptr& object, const std::string& key, int fallback) {
    if (!object->has(key) || object->isNull(key)) return fallback;
    const auto value = object->get(key);
    int parsed = 0;
    if (value.isInteger()) return value.convert<int>();
    if (value.isString() && Poco::NumberParser::tryParse(Poco::trim(value.extract<std::string>()), parsed)) return parsed;
    throw GridError("filter." + key + " must be a whole number");
}

std::string lower_trim(const std::string& text) { return Poco::toLower(Poco::trim(text)); }

int compare_cells(const Cell& a, const Cell& b) {
    switch (a.type) {
        case ColumnType::number: return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
        case ColumnType::date: return a.seconds < b.seconds ? -1 : a.seconds > b.seconds ? 1 : 0;
        case ColumnType::boolean: return int(a.flag) - int(b.flag);
        case ColumnType::text: break;
    }
    const auto x = lower_trim(a.text), y = lower_trim(b.text);
    return x < y ? -1 : x > y ? 1 : 0;
}

/// The condition's data as a cell of the column's type.
Cell data_cell(ColumnType type, const std::string& field, const std::string& data) {
    switch (type) {
        case ColumnType::number: {
            Poco::Int64 n = 0;
            if (!Poco::NumberParser::tryParse64(Poco::trim(data), n))
                throw GridError("filter on " + field + ": '" + data + "' is not a number");
            return Cell::of_number(n);
        }
        case ColumnType::date: {
            auto seconds = parse_psa_date(Poco::trim(data));
            if (!seconds) throw GridError("filter on " + field + ": '" + data + "' is not a date");
            return Cell::of_date(*seconds, data);
        }
        case ColumnType::boolean: {
            const auto v = lower_trim(data);
            if (v == "true" || v == "1" || v == "yes") return Cell::of_bool(true);
            if (v == "false" || v == "0" || v == "no") return Cell::of_bool(false);
            throw GridError("filter on " + field + ": '" + data + "' is not true or false");
        }
        case ColumnType::text: break;
    }
    return Cell::of_text(data);
}

bool matches(const Cell& cell, const GridCondition& condition, ColumnType type) {
    const std::string& op = condition.op;
    if (op == "cn" || op == "bw" || op == "ew") {
        const auto haystack = lower_trim(cell.text), needle = lower_trim(condition.data);
        if (op == "cn") return haystack.find(needle) != std::string::npos;
        if (op == "bw") return haystack.rfind(needle, 0) == 0;
        return haystack.size() >= needle.size() &&
               haystack.compare(haystack.size() - needle.size(), needle.size(), needle) == 0;
    }
    if (op == "in") {
        Poco::StringTokenizer values(condition.data, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (const auto& value : values)
            if (compare_cells(cell, data_cell(type, condition.field, value)) == 0) return true;
        return false;
    }
    const int c = compare_cells(cell, data_cell(type, condition.field, condition.data));
    if (op == "eq") return c == 0;
    if (op == "ne") return c != 0;
    if (op == "lt") return c < 0;
    if (op == "le") return c <= 0;
    if (op == "gt") return c > 0;
    return c >= 0;  // ge
}

}  // namespace

GridQuery parse_grid_query(const std::optional<std::string>& filter_json, const Columns& columns) {
    GridQuery query;
    if (!filter_json) return query;
    query.paged = true;
    Poco::JSON::Object::Ptr filter;
    try {
        filter = parse_object(*filter_json, "filter");
    } catch (const JsonShapeError& e) {
        throw GridError(e.what());
    }
    query.pageno = int_field(filter, "pageno", 1);
    query.pagesize = int_field(filter, "pagesize", 1000);
    if (query.pageno < 1) throw GridError("filter.pageno must be 1 or more");
    if (query.pagesize < 1) throw GridError("filter.pagesize must be 1 or more");
    query.pagesize = std::min(query.pagesize, 1000);

    Poco::JSON::Array::Ptr filters;
    try {
        filters = array_optional(filter, "filters", "filter.filters");
    } catch (const JsonShapeError& e) {
        throw GridError(e.what());
    }
    for (std::size_t i = 0; i < filters->size(); ++i) {
        const std::string path = "filter.filters[" + std::to_string(i) + "]";
        const auto value = filters->get(static_cast<unsigned>(i));
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) throw GridError(path + " must be an object");
        auto item = value.extract<Poco::JSON::Object::Ptr>();
        GridCondition condition;
        condition.field = item->optValue<std::string>("field", "");
        condition.op = Poco::toLower(item->optValue<std::string>("op", ""));
        if (!item->has("data") || item->isNull("data")) throw GridError(path + ".data is required");
        condition.data = item->get("data").toString();
        if (!column_type(columns, condition.field)) throw GridError(path + ": unknown field '" + condition.field + "'");
        condition.field = canonical_column(columns, condition.field);
        if (!kOperators.count(condition.op)) throw GridError(path + ": unsupported operator '" + condition.op + "'");
        // Data that cannot be compared with the column is refused now, not only when rows exist.
        const auto type = *column_type(columns, condition.field);
        if (condition.op == "in") {
            Poco::StringTokenizer values(condition.data, ",",
                                         Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
            for (const auto& value : values) data_cell(type, condition.field, value);
        } else if (condition.op != "cn" && condition.op != "bw" && condition.op != "ew") {
            data_cell(type, condition.field, condition.data);
        }
        query.filters.push_back(condition);
    }
    const std::string filterop = Poco::toUpper(filter->optValue<std::string>("filterop", "AND"));
    if (filterop != "AND" && filterop != "OR") throw GridError("filter.filterop must be AND or OR");
    query.any = filterop == "OR";

    const std::string sort = filter->optValue<std::string>("sortcolumn", "");
    if (!sort.empty()) {
        if (!column_type(columns, sort)) throw GridError("filter.sortcolumn: unknown column '" + sort + "'");
        query.sort_column = canonical_column(columns, sort);
    }
    const std::string order = Poco::toLower(filter->optValue<std::string>("sortorder", "asc"));
    if (order != "asc" && order != "desc") throw GridError("filter.sortorder must be Asc or Desc");
    query.descending = order == "desc";

    if (filter->has("gridcolumns") && !filter->isNull("gridcolumns")) {
        std::vector<std::string> wanted;
        Poco::StringTokenizer names(filter->get("gridcolumns").toString(), ",",
                                    Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (const auto& name : names) {
            if (Poco::icompare(name, "TotalRows") == 0) wanted.push_back("TotalRows");
            else if (column_type(columns, name)) wanted.push_back(canonical_column(columns, name));
        }
        query.grid_columns = wanted;
    }
    return query;
}

Poco::JSON::Array::Ptr run_grid(const GridQuery& query, const Columns& columns, const std::vector<Row>& rows) {
    std::vector<const Row*> kept;
    for (const auto& row : rows) {
        bool keep = !query.any || query.filters.empty();
        for (const auto& condition : query.filters) {
            const auto type = *column_type(columns, condition.field);
            const bool hit = matches(row.at(condition.field), condition, type);
            if (query.any) keep = keep || hit;
            else keep = keep && hit;
        }
        if (keep) kept.push_back(&row);
    }
    if (!query.sort_column.empty()) {
        std::stable_sort(kept.begin(), kept.end(), [&](const Row* a, const Row* b) {
            const int c = compare_cells(a->at(query.sort_column), b->at(query.sort_column));
            return query.descending ? c > 0 : c < 0;
        });
    }
    std::size_t begin = 0, end = kept.size();
    if (query.paged) {
        begin = std::min(kept.size(), static_cast<std::size_t>(query.pageno - 1) * static_cast<std::size_t>(query.pagesize));
        end = std::min(kept.size(), begin + static_cast<std::size_t>(query.pagesize));
    }
    std::vector<std::string> wanted;
    if (query.grid_columns) wanted = *query.grid_columns;
    else
        for (const auto& [name, type] : columns) wanted.push_back(name);

    Poco::JSON::Array::Ptr result = new Poco::JSON::Array;
    for (std::size_t i = begin; i < end; ++i) {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        for (const auto& name : wanted) {
            if (name == "TotalRows") {
                object->set("TotalRows", kept.size());
                continue;
            }
            const Cell& cell = kept[i]->at(name);
            switch (cell.type) {
                case ColumnType::number: object->set(name, cell.number); break;
                case ColumnType::boolean: object->set(name, cell.flag); break;
                default: object->set(name, cell.text); break;
            }
        }
        result->add(object);
    }
    return result;
}

}  // namespace emulator
