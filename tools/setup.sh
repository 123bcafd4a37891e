#!/usr/bin/env bash
# The set-up (`npm run setup`, also run by .ci/run): the Debian packages the project needs, installed
# when missing, then the locked npm dependencies (`npm ci`, whose `prepare` compiles to dist/).
#   chromium      the dashboard's browser test (test/e2e/dashboard.test.ts, driven by playwright-core)
#   redis-server  the local serving store (Memorystore for Redis in Google Cloud): `npm start`, the
#                 demo and the integration tests start one on a free loopback port (tools/local/redis.ts)
set -euo pipefail
cd "$(dirname "$0")/.."

# Each package provides a command of its own name, which decides whether it is missing.
SYSTEM_PACKAGES=(chromium redis-server)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "setup: installing ${missing[*]} (apt-get)" >&2
  $sudo apt-get update
  $sudo apt-get install -y "${missing[@]}"
fi

npm ci --no-audit --no-fund
