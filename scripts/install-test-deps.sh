#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK: Debian's Python with Django 3.2 (the LMS stand-in), pytest,
# venv/pip/setuptools (the end-to-end test pip-installs the plugin offline into a virtualenv), and PostgreSQL
# (the tests start their own throwaway cluster from its binaries; the package's default cluster is not used).
# wrk drives the benchmark suite's smoke run (bench/suite.sh --smoke), which the tests run too.
set -euo pipefail
packages=(python3-django python3-pytest python3-setuptools python3-venv python3-pip postgresql wrk)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
fi
echo "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
