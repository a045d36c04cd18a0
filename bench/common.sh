# Sourced by bench/run-train-bench.sh and bench/run-cnn-bench.sh, the benchmarks of ANNE's C beside
# TensorFlow.js:
#   anne_bench_setup TARGET [BUILD_DIR]  sets root (the repository), build (BUILD_DIR, default
#                                  root/build) and out (a temporary folder, removed on exit), and builds
#                                  the CMake target TARGET there (quietly)
#   anne_tfjs_packages ROOT NAME   makes the pinned TensorFlow.js packages of bench/tfjs/package.json
#                                  loadable by node; returns 1 (after a message naming NAME, the calling script) when node
#                                  or npm is missing; else reuses reference/tfjs/node_modules (the same
#                                  pinned packages, installed for the reference runs) through NODE_PATH,
#                                  or installs bench/tfjs/node_modules with npm ci
anne_bench_setup() {
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build="${2:-$root/build}"
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  cmake -S "$root" -B "$build" >/dev/null
  cmake --build "$build" --target "$1" -j2 >/dev/null
}

anne_tfjs_packages() {
  local root=$1 tfjs="$1/bench/tfjs"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "$2: node/npm not found, TensorFlow.js side skipped (install nodejs and npm to compare)" >&2
    return 1
  fi
  [ -d "$tfjs/node_modules/@tensorflow/tfjs-layers" ] && return 0
  if [ -d "$root/reference/tfjs/node_modules/@tensorflow/tfjs-layers" ]; then
    export NODE_PATH="$root/reference/tfjs/node_modules"
  else
    (cd "$tfjs" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error;
                   else npm install --no-audit --no-fund --loglevel=error; fi) >&2
  fi
}
