// The login rule of the provisioning module: every row of the table and the edges.

#include "login.hpp"
#include "provisioning_settings.hpp"

#include <catch2/catch.hpp>

using acpsa::provisioning::derive_login;
using acpsa::provisioning::fold_diacritics;
using O = std::optional<std::string>;

TEST_CASE("login: the table of examples", "[login]") {
    CHECK(derive_login({"Ada", "Lovelace"}) == O("AdaLovelace"));
    CHECK(derive_login({"José", "Müller-Lüdenscheidt"}) == O("JoseMuller-Ludenscheidt"));
    CHECK(derive_login({"DE Telecom Gmbh"}) == O("DETelecomGmbh"));
    CHECK(derive_login({"O'Brien & Sons"}) == O("O'BrienSons"));
    CHECK(derive_login({"李", "小龙"}) == std::nullopt);
}

TEST_CASE("login: diacritics fold to their base letters", "[login]") {
    CHECK(fold_diacritics("é ä ß ø ł") == "e a ss o l");
    CHECK(fold_diacritics("ÆØÅ æøå Œuvre Çà") == "AEOA aeoa OEuvre Ca");
    CHECK(fold_diacritics("Łódź Škoda Dvořák Ångström") == "Lodz Skoda Dvorak Angstrom");
    CHECK(fold_diacritics("Straße Þór ĳs") == "Strasse THor ijs");
    CHECK(derive_login({"Zoë", "Saldaña"}) == O("ZoeSaldana"));
    CHECK(derive_login({"Françoise", "d'Aubigné"}) == O("Francoised'Aubigne"));
}

TEST_CASE("login: disallowed characters are dropped, fewer than 3 left fails", "[login]") {
    CHECK(derive_login({"a b", "c"}) == O("abc"));
    CHECK(derive_login({"Jo", ""}) == std::nullopt);
    CHECK(derive_login({"J", "Ö"}) == std::nullopt);  // "JO" is two characters
    CHECK(derive_login({"x.y@z", "+1"}) == O("x.y@z+1"));
    CHECK(derive_login({"Tab\tNew\nLine"}) == O("TabNewLine"));
    CHECK(derive_login({"(Acme) Ltd, Inc."}) == O("AcmeLtdInc."));
    CHECK(derive_login({"Ünïcödé 株式会社"}) == O("Unicode"));
}

TEST_CASE("provisioning: e-mail addresses", "[login]") {
    using acpsa::provisioning::valid_email;
    CHECK(valid_email("msp@example.com"));
    CHECK(valid_email("first.last+tag@sub.example.co.uk"));
    CHECK_FALSE(valid_email("msp@example"));
    CHECK_FALSE(valid_email("msp example.com"));
    CHECK_FALSE(valid_email("@example.com"));
    CHECK_FALSE(valid_email("a@b@example.com"));
    CHECK_FALSE(valid_email("a b@example.com"));
}
