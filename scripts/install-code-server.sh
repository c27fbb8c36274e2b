#!/usr/bin/env bash
# Installs code-server (the VS Code workbench served to a browser, with a Node extension host)
# into .cache/code-server, for `npm start` and the end-to-end tests. Desktop VS Code cannot be
# downloaded on our machines; code-server comes from the npm registry. 4.100.x is the last line
# that runs on Node 20. Its install scripts fetch from GitHub or refuse to run as root, so they
# are skipped and the native modules are rebuilt here, with Debian's ripgrep standing in for the
# downloaded one (setup.sh --e2e installs libkrb5-dev, pkg-config and ripgrep).
set -euo pipefail
VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/.cache/code-server"
STAMP="$DIR/installed-$VERSION"
[ -f "$STAMP" ] && exit 0

for need in rg pkg-config; do
  command -v "$need" >/dev/null || { echo "install-code-server: $need is missing (run scripts/setup.sh --e2e as root)" >&2; exit 1; }
done

echo "install-code-server: code-server $VERSION into $DIR (a few minutes, once)"
rm -rf "$DIR" && mkdir -p "$DIR"
LOG="$DIR/install.log"
# Each step's chatter goes to the log; a failing step prints its tail.
quiet() { "$@" >>"$LOG" 2>&1 || { echo "install-code-server: '$*' failed in $PWD; the end of $LOG:" >&2; tail -25 "$LOG" >&2; exit 1; }; }
cd "$DIR"
echo '{"name":"chronos-code-server","private":true}' > package.json
quiet npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
cd node_modules/code-server/lib/vscode
quiet npm install --no-audit --no-fund --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin && cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# node-pty's post-step that writes compile_commands.json fails; the addons themselves are built.
npm rebuild @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid >>"$LOG" 2>&1 || true
for addon in node-pty @vscode/spdlog native-watchdog; do
  ls node_modules/$addon/build/Release/*.node >/dev/null 2>&1 || { echo "install-code-server: $addon did not build; see $LOG" >&2; exit 1; }
done
(cd node_modules/@parcel/watcher && quiet npx --yes node-gyp rebuild)
ln -sfn node_modules node_modules.asar
cd ../..
(cd ../argon2 && quiet npm rebuild argon2)
touch "$STAMP"
echo "install-code-server: done"
