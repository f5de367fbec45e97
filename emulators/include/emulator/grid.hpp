#pragma once
/// The PSA grid-filter protocol (docs/psa-api.md §2): parse the `filter` JSON, filter, sort and page
/// rows, and render the requested columns.

#include <Poco/JSON/Array.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace emulator {

/// A filter the server rejects (400); `what()` says why.
class GridError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class ColumnType { text, number, date, boolean };

/// One cell: its type decides comparison and JSON rendering.
struct Cell {
    ColumnType type = ColumnType::text;
    std::string text;         ///< text, and the rendering of dates
    long long number = 0;     ///< numbers
    std::int64_t seconds = 0;  ///< dates
    bool flag = false;        ///< booleans

    static Cell of_text(std::string value);
    static Cell of_number(long long value);
    static Cell of_date(std::int64_t seconds, std::string rendered);
    static Cell of_bool(bool value);
};

using Row = std::map<std::string, Cell>;

/// A grid's column names and types.
using Columns = std::vector<std::pair<std::string, ColumnType>>;

struct GridCondition {
    std::string field, op, data;
};

struct GridQuery {
    int pageno = 1;
    int pagesize = 1000;
    bool paged = false;  ///< false when no `filter` parameter was sent: all rows
    std::vector<GridCondition> filters;
    bool any = false;  ///< filterop OR
    std::string sort_column;
    bool descending = false;
    std::optional<std::vector<std::string>> grid_columns;  ///< nullopt: all columns
};

/// Parses the `filter` parameter (absent → all rows, all columns). Throws GridError for a
/// malformed document, an unknown field or sort column, or an unsupported operator.
GridQuery parse_grid_query(const std::optional<std::string>& filter_json, const Columns& columns);

/// Filters, sorts and pages `rows`, rendering the requested columns (and `TotalRows`).
/// Throws GridError when a condition's data does not fit its column (e.g. a date that is not one).
Poco::JSON::Array::Ptr run_grid(const GridQuery& query, const Columns& columns, const std::vector<Row>& rows);

}  // namespace emulator
