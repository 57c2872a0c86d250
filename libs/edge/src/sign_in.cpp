#include "sign_in.h"

namespace huifang::edge::sign_in {
namespace {

std::string escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string token_in_cookies(std::string_view header) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > kCookie.size() && pair.substr(0, kCookie.size()) == kCookie && pair[kCookie.size()] == '=')
      return std::string(pair.substr(kCookie.size() + 1));
    at = end + 1;
  }
  return {};
}

std::string start_session(std::string_view token, bool secure) {
  return std::string(kCookie) + "=" + std::string(token) + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string end_session(bool secure) {
  return std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "");
}

std::string login_page(std::string_view problem) {
  std::string page = R"(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Huifang 回访 — sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
textarea{width:100%;height:8rem;font-family:monospace}button{margin-top:.8rem;padding:.4rem 1.2rem}
.problem{color:#b00020}code{background:#f3f3f3;padding:0 .2rem}</style></head>
<body><h1>Huifang 回访</h1><p>Sign in with a token from your identity provider.</p>)";
  if (!problem.empty()) page += "<p class=\"problem\">" + escaped(problem) + "</p>";
  page += R"(<form method="post" action="/login"><label for="token">Token</label>
<textarea id="token" name="token" autocomplete="off" required></textarea><button type="submit">Sign in</button></form>
<p>On the embedded default: <code>huifangctl --tenant anju-property --role manager auth token</code>,
or open <code>/login#token=&lt;token&gt;</code> (the part after # never reaches a server).</p>
<script>
const m = location.hash.match(/^#token=(.+)$/);
if (m) {
  history.replaceState(null, '', '/login');
  document.getElementById('token').value = decodeURIComponent(m[1]);
  document.forms[0].submit();
}
</script>
</body></html>
)";
  return page;
}

}  // namespace huifang::edge::sign_in
