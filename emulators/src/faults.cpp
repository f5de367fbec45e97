#include "emulator/faults.hpp"

#include <algorithm>

namespace emulator {

bool valid_fault_kind(const std::string& kind, bool allow_expired_token) {
    static const std::vector<std::string> kinds = {"400", "401", "429", "500", "503", "slow", "drop", "apply_then_drop", "malformed"};
    if (kind == "expired_token") return allow_expired_token;
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

void FaultTable::add(Fault fault) {
    std::lock_guard<std::mutex> lock(mutex_);
    faults_.push_back(std::move(fault));
}

std::optional<Fault> FaultTable::take(const std::string& route) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        if (it->route != route) continue;
        Fault shot = *it;
        if (--it->remaining <= 0) faults_.erase(it);
        return shot;
    }
    return std::nullopt;
}

std::vector<Fault> FaultTable::list() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return faults_;
}

void FaultTable::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    faults_.clear();
}

void RequestStats::count(const std::string& route) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_[route];
}

std::map<std::string, long> RequestStats::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_;
}

void RequestStats::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    counts_.clear();
}

}  // namespace emulator
