#!/usr/bin/env bash
# Refresh the browser libraries the web app serves itself (no CDN: Viva works offline).
# Run by hand when bumping a version; the result is committed under src/viva/web/static/vendor.
set -euo pipefail
HTMX=2.0.11
KATEX=0.16.47
SWAGGER=5.35.0
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/src/viva/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@$HTMX" "katex@$KATEX" "swagger-ui-dist@$SWAGGER" >/dev/null
mkdir htmx katex swagger
tar -xzf "htmx.org-$HTMX.tgz" -C htmx
tar -xzf "katex-$KATEX.tgz" -C katex
tar -xzf "swagger-ui-dist-$SWAGGER.tgz" -C swagger
rm -rf "$out"
mkdir -p "$out/katex/fonts" "$out/katex/contrib" "$out/swagger"
cp htmx/package/dist/htmx.min.js "$out/htmx.min.js"
cp htmx/package/LICENSE "$out/htmx.LICENSE"
cp katex/package/dist/katex.min.js katex/package/dist/katex.min.css "$out/katex/"
cp katex/package/dist/contrib/auto-render.min.js "$out/katex/contrib/"
cp katex/package/dist/fonts/*.woff2 "$out/katex/fonts/"
cp katex/package/LICENSE "$out/katex/LICENSE"
# the API reference page (/api/docs) without a CDN
cp swagger/package/swagger-ui-bundle.js swagger/package/swagger-ui.css "$out/swagger/"
cp swagger/package/LICENSE "$out/swagger/LICENSE"
printf 'htmx.org %s\nkatex %s\nswagger-ui-dist %s\n' "$HTMX" "$KATEX" "$SWAGGER" > "$out/VERSIONS"
echo "vendored htmx.org $HTMX, katex $KATEX and swagger-ui-dist $SWAGGER into $out"
