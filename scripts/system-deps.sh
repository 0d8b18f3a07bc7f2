#!/bin/sh
# Debian packages the toolkit needs beyond PyPI: Chromium (PDFs, browser tests),
# PostgreSQL (the second database the tests run on), poppler (PDF to PNG), fonts,
# Java (Spark reads the research export in the tests).
set -e
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
[ -d /usr/share/fonts/truetype/dejavu ] || missing="$missing fonts-dejavu-core"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
[ -z "$missing" ] && exit 0
echo "installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
