#!/usr/bin/env bash
# Install what Returns Desk needs.
#   --spark  adds the Spark engine: pyspark (requirements-spark.txt) and Debian's Java 17 runtime
#            (openjdk-17-jre-headless), unless a Java 17 or later is already there.
#   --dev    adds the test tools, Debian's Chromium, which the browser tests drive (Playwright's
#            own browser download cannot work on these machines), and the Spark engine, so CI
#            runs tests/test_spark_facts.py.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
spark=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1; spark=1 ;;
    --spark) spark=1 ;;
    *) echo "usage: bash scripts/install.sh [--dev] [--spark]" >&2; exit 2 ;;
  esac
done

# Spark 4 runs on Java 17 or 21.
java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local major
  major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
  [[ -n "$major" && "$major" -ge 17 ]]
}

debian_packages=()
if (( dev )) && ! command -v chromium >/dev/null 2>&1; then
  debian_packages+=(chromium)
fi
if (( spark )) && ! java_ok; then
  debian_packages+=(openjdk-17-jre-headless)
fi
if (( ${#debian_packages[@]} )); then
  sudo_cmd=""
  [[ "$(id -u)" != "0" ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${debian_packages[@]}" >/dev/null
fi

requirements=(-r requirements.txt)
(( dev )) && requirements=(-r requirements-dev.txt)
(( spark )) && requirements+=(-r requirements-spark.txt)
python3 -m pip install -q --disable-pip-version-check "${requirements[@]}"
