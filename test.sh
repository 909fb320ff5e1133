#!/usr/bin/env bash
# Runs every test: fast unit tests (*Test) and the database tests (*IT) against the local PostgreSQL and MariaDB.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/scripts/java-home.sh"
cd "$here"
exec mvn -B verify "$@"
