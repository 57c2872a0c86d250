# Shared by scripts/up, scripts/test and scripts/bench: install what is missing, configure, build.
# Sourced, not run.

HUIFANG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian 12 packages the build, the tests and the embedded stack need.
HUIFANG_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev libhiredis-dev redis-server redis-tools
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libyaml-cpp-dev libcpp-httplib-dev
  kafkacat curl libabsl-dev tzdata libxlsxwriter-dev libcli11-dev chromium
  libjwt-dev libssl-dev openssl
)

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs only what is missing; silent when everything is there.
ensure_packages() {
  local missing=()
  for p in "${HUIFANG_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # npm fetches the dashboard's charting library at build time; any npm will do (the machine's
  # own Node.js, or Debian's package when there is none).
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing ${#missing[@]} Debian packages: ${missing[*]}"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
}

# configure_and_build BUILD_DIR [cmake -D options...] -- [targets...]
configure_and_build() {
  local dir=$1; shift
  local opts=() targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  targets=("$@")
  say "configuring $dir"
  cmake -S "$HUIFANG_ROOT" -B "$dir" -G Ninja "${opts[@]}" >/dev/null || die "cmake configure failed"
  say "building ${targets[*]:-everything} (ninja progress below)"
  if [ ${#targets[@]} -gt 0 ]; then
    cmake --build "$dir" --target "${targets[@]}" || die "build failed"
  else
    cmake --build "$dir" || die "build failed"
  fi
}
