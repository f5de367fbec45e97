#pragma once
/// How an Acronis login is derived from names (the integration's own rule; README "Logins"):
///  1. concatenate the parts without a separator;
///  2. Latin letters with diacritics become their base letter (é→e, ä→a, ß→ss, ø→o, ł→l, æ→ae, œ→oe);
///  3. every character the Acronis login rules do not allow is dropped (spaces included); allowed
///     are ASCII letters and digits, the backquote and . @ _ - + : ! # $ % ^ * = { } ' / ?
///  4. fewer than 3 characters left → no login (the job fails: the partner decides).

#include <optional>
#include <string>
#include <vector>

namespace acpsa::provisioning {

/// The login for `parts` (UTF-8), or nullopt when fewer than 3 characters survive.
std::optional<std::string> derive_login(const std::vector<std::string>& parts);

/// Step 2 alone: UTF-8 text with Latin diacritics folded to ASCII; other non-ASCII characters are
/// kept as they are (step 3 drops them).
std::string fold_diacritics(const std::string& utf8);

/// Whether `c` may appear in an Acronis login.
bool login_character(char c);

}  // namespace acpsa::provisioning
