#!/usr/bin/env bash
# Installs the system packages dfns-bridge builds against, when any is missing.
# Safe to run repeatedly: it only calls apt-get when something is absent.
set -euo pipefail

packages=(libcbor-dev libsecp256k1-dev libssl-dev libcurl4-openssl-dev pkg-config cmake ninja-build valgrind python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (6.3 or later) must be on PATH" >&2; exit 1; }
