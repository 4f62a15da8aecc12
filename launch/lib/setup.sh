# shellcheck shell=bash
#  setup.sh — what every command of launch/eod may need first: the Debian
#  packages and s3rver, the build, a private copy of a config that holds
#  secrets. Sourced by launch/eod.

#  Debian packages the build, the simulators and the tests need (prometheus
#  for its promtool, which checks the metrics textfile).
PACKAGES=(build-essential cmake ninja-build pkg-config libzmq3-dev libczmq-dev libcurl4-openssl-dev libmsgpack-dev
          libcsv-dev libiniparser-dev libjansson-dev libzip-dev libxml2-dev libmicrohttpd-dev libssl-dev
          python3-botocore awscli curl nodejs clang clang-format-14 libclang-rt-14-dev tcpdump iproute2 time gnuplot-nox systemd
          prometheus)

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    #  nodejs may come from NodeSource rather than Debian; node on PATH is enough.
    if command -v node >/dev/null 2>&1; then
        local keep=()
        for p in "${missing[@]}"; do [ "$p" = nodejs ] || keep+=("$p"); done
        missing=("${keep[@]+"${keep[@]}"}")
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    #  Debian's npm conflicts with NodeSource's nodejs: only when npm is absent.
    if ! command -v npm >/dev/null 2>&1; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    fi
    if [ ! -f "$ROOT/tests/s3/node_modules/s3rver/bin/s3rver.js" ]; then
        say "installing s3rver (npm) into tests/s3/node_modules"
        (cd "$ROOT/tests/s3" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    fi
}

#  build_tree DIR JOBS [cmake options]: configures and builds one tree; its
#  output goes to DIR/build.log, whose end is shown when the build fails.
#  A new tree is a Ninja one (about 40 % less CPU than Makefiles for the same
#  compiles: no make and cmake processes per target); a tree configured
#  before keeps the generator it has.
build_tree() {
    local dir=$1 jobs=$2; shift 2
    mkdir -p "$dir"
    local gen=()
    [ -f "$dir/CMakeCache.txt" ] || gen=(-G Ninja)
    if ! { cmake "${gen[@]}" -S "$ROOT" -B "$dir" "$@" && cmake --build "$dir" -j"$jobs"; } >"$dir/build.log" 2>&1; then
        tail -n 30 "$dir/build.log" >&2
        say "the build in $dir failed (all of it: $dir/build.log)"
        return 1
    fi
}

build() {
    install_packages
    # shellcheck disable=SC2086   # EOD_CMAKE_ARGS: options, one a word
    build_tree "$BUILD" "$(nproc)" -DCMAKE_BUILD_TYPE="${EOD_BUILD_TYPE:-RelWithDebInfo}" ${EOD_CMAKE_ARGS:-}
}

#  A config that holds secrets must be 0600: a checked-out file is 0644, so
#  the launcher uses a private copy of it under state/.
private_config() {
    local cfg=$1 dir=$ROOT/state
    case $(stat -c %a "$cfg") in 600|400) printf '%s\n' "$cfg"; return ;; esac
    mkdir -p "$dir" && chmod 700 "$dir"
    local copy
    copy="$dir/$(basename "$cfg")"
    if [ "$(realpath "$cfg")" != "$(realpath -m "$copy")" ]; then
        install -m 600 "$cfg" "$copy"
    fi
    printf '%s\n' "$copy"
}

#  checked_config COMMAND CONFIG PROGRAM FETCHERS [HINT]: prints the config
#  COMMAND runs with: CONFIG (config/config.ini when empty), which must exist
#  (HINT says what to do if not), accepted by eod-PROGRAM --check-config (the
#  secret-file rule on the file itself) and by the --fetchers FETCHERS given
#  (arg_fetchers_zero; empty: none given), then its private copy if need be:
#  nothing is copied before every check passed. Builds first when nothing is
#  built. Exits 2 otherwise (use as cfg=$(checked_config ...) || exit 2).
checked_config() {
    local command=$1 config=${2:-$ROOT/config/config.ini} program=$3 fetchers=$4 hint=${5:-}
    [ -f "$config" ] || die "$command: no config: $config${hint:+ ($hint)}"
    [ -x "$BIN/eod-coordinator" ] || build >&2
    #  The file as given, before a private copy could hide that others may
    #  read the secrets it holds.
    "$BIN/eod-$program" --config "$config" --check-config >/dev/null || exit 2
    arg_fetchers_zero "$command" "$config" "$fetchers"
    private_config "$config"
}

#  config_fetchers CONFIG: [pipeline] fetchers of the config, 4 when absent.
config_fetchers() {
    local n
    n=$(sed -n 's/^[[:space:]]*fetchers[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$1" | head -n1)
    echo "${n:-4}"
}
