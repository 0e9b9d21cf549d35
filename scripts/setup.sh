#!/usr/bin/env bash
# Installs the system packages this project needs on a Debian 12 machine, once.
# Idempotent: each package is checked first; apt-get runs only when something is missing.
#   scripts/setup.sh            browser + wasm toolchain + openssl (what `npm test` needs)
#   scripts/setup.sh browser    Chromium only
#   scripts/setup.sh wasm       Debian's Rust + wasm32 std + lld only
set -euo pipefail

want="${1:-all}"
browser_pkgs=(chromium fonts-liberation)
wasm_pkgs=(rustc cargo libstd-rust-dev-wasm32 lld-14)

case "$want" in
  # openssl: the relay tests make a throwaway certificate for wss://
  all) pkgs=("${browser_pkgs[@]}" "${wasm_pkgs[@]}" openssl) ;;
  browser) pkgs=("${browser_pkgs[@]}") ;;
  wasm) pkgs=("${wasm_pkgs[@]}") ;;
  *) echo "setup.sh: unknown part '$want' (all, browser, wasm)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: system packages present (${pkgs[*]})"
  exit 0
fi

cmd="apt-get update && apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing system packages: ${missing[*]}" >&2
  echo "setup: run as root (or with sudo):" >&2
  echo "    $cmd" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: missing ${missing[*]} and this is not a Debian-like system (no apt-get); install them by hand" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
