#!/usr/bin/env bash
# Refresh the browser libraries the web app serves itself (no CDN: Viva works offline).
# Run by hand when bumping a version; the result is committed under src/viva/web/static/vendor.
set -euo pipefail
HTMX=2.0.11
KATEX=0.16.47
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/src/viva/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@$HTMX" "katex@$KATEX" >/dev/null
mkdir htmx katex
tar -xzf "htmx.org-$HTMX.tgz" -C htmx
tar -xzf "katex-$KATEX.tgz" -C katex
rm -rf "$out"
mkdir -p "$out/katex/fonts" "$out/katex/contrib"
cp htmx/package/dist/htmx.min.js "$out/htmx.min.js"
cp htmx/package/LICENSE "$out/htmx.LICENSE"
cp katex/package/dist/katex.min.js katex/package/dist/katex.min.css "$out/katex/"
cp katex/package/dist/contrib/auto-render.min.js "$out/katex/contrib/"
cp katex/package/dist/fonts/*.woff2 "$out/katex/fonts/"
cp katex/package/LICENSE "$out/katex/LICENSE"
printf 'htmx.org %s\nkatex %s\n' "$HTMX" "$KATEX" > "$out/VERSIONS"
echo "vendored htmx.org $HTMX and katex $KATEX into $out"
