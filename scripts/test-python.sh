#!/usr/bin/env bash
# Runs the LMS plugin's Python tests (and the contracts checks) on Debian's python3 + python3-django.
# Prerequisite (CI installs it): apt-get install -y python3-django python3-pytest python3-setuptools python3-venv python3-pip
# Use /usr/bin/python3 on purpose: the python3 first on PATH may be another interpreter that cannot see Debian's packages.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1
/usr/bin/python3 -m pytest src/lms-plugin/tests -q -p no:cacheprovider "$@"
exit $?
