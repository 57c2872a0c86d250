#pragma once
// The dashboard's sign-in, as plain functions the HTTP server composes: the session cookie (the
// verified bearer token itself, HttpOnly and SameSite=Strict, so page scripts cannot read it and
// other sites cannot send it), and the one page served to a visitor who is not signed in.
#include <string>
#include <string_view>

namespace huifang::edge::sign_in {

inline constexpr std::string_view kCookie = "huifang_session";

// The session token in a Cookie header, or "".
std::string token_in_cookies(std::string_view cookie_header);
// Set-Cookie values that start and end a session; `secure` (served over TLS) adds the Secure
// flag, so the browser never sends the token over plain HTTP.
std::string start_session(std::string_view token, bool secure);
std::string end_session(bool secure);
// The login form; `problem` (why the last attempt failed) is shown as text.
std::string login_page(std::string_view problem);

}  // namespace huifang::edge::sign_in
