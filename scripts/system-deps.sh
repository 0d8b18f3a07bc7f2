#!/bin/sh
# Debian packages the toolkit needs beyond PyPI: Chromium (PDFs, browser tests),
# PostgreSQL (the second database the tests run on), poppler (PDF to PNG), fonts,
# Java (Spark reads the research export in the tests).
# `system-deps.sh app`: only what the apps use (Chromium and fonts for PDFs), so `make app`
# does not pull in PostgreSQL and Java, which only the tests need.
# `system-deps.sh hub`: npm (Node.js), which installs JupyterHub's proxy for `make hub`.
set -e
missing=""
if [ "${1:-}" = "hub" ]; then
  command -v npm >/dev/null 2>&1 || missing="nodejs npm"
else
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  [ -d /usr/share/fonts/truetype/dejavu ] || missing="$missing fonts-dejavu-core"
if [ "${1:-}" != "app" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
  command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
  command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
fi
fi
[ -z "$missing" ] && exit 0
echo "installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
