#!/usr/bin/env bash
# Install what Returns Desk needs. `--dev` adds the test tools and Debian's Chromium, which the
# browser tests drive (Playwright's own browser download cannot work on these machines).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--dev" ]]; then
  if ! command -v chromium >/dev/null 2>&1; then
    sudo_cmd=""
    [[ "$(id -u)" != "0" ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  fi
  python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
else
  python3 -m pip install -q --disable-pip-version-check -r requirements.txt
fi
