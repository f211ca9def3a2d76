#!/usr/bin/env bash
# Install everything xunjian needs on a fresh Debian machine (Python 3.11, root):
#   - Debian's chromium + chromium-driver (never a browser downloaded by a tool)
#   - a CJK font (fonts-wqy-microhei, 1.6 MB; fonts-noto-cjk is 56 MB) unless one is already installed,
#     so the zh-CN report renders Chinese instead of boxes on a CI box or server
#   - a virtualenv in .venv with the pinned Python dependencies (constraints.txt)
#   - the pinned axe-core engine from package-lock.json into node_modules/
# Idempotent: a second run only checks what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)  # distributed crawl (docs/deployment.md)
fc-list -q ':lang=zh' >/dev/null 2>&1 || need_apt+=(fonts-wqy-microhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${need_apt[*]}; run as root or: sudo apt-get install -y ${need_apt[*]}"
    exit 2
  fi
  say "installing Debian packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "creating virtualenv .venv"
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c 'import xunjian, scrapy, selenium, pytest' >/dev/null 2>&1 \
   || [ pyproject.toml -nt .venv/.xunjian-installed ] || [ constraints.txt -nt .venv/.xunjian-installed ]; then
  say "installing Python dependencies (pinned by constraints.txt)"
  .venv/bin/pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
  touch .venv/.xunjian-installed
fi

if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/axe-core/axe.min.js ]; then
  say "installing pinned axe-core from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
say "ready: $(.venv/bin/xunjian --version 2>/dev/null || echo xunjian), $(chromium --version 2>/dev/null | head -1), axe-core $(node -p "require('./node_modules/axe-core/package.json').version")"
