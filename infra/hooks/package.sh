#!/bin/sh
# azd postbuild (service api): stage what the Function App runs, dist/ and host.json with production
# node_modules only, in dist/azd-package, the folder azure.yaml's `dist` makes azd zip. Staged apart
# rather than pruning the working tree: azd's package step runs `npm run build` again after the
# prepackage hook, so a tree without devDependencies (TypeScript) fails there. The staged .funcignore
# keeps local/, bench/ and sources out of the zip.
set -eu

stage=dist/azd-package
rm -rf "$stage"
mkdir -p "$stage/dist"
for entry in dist/*; do
  [ "$entry" = "$stage" ] || cp -R "$entry" "$stage/dist/"
done
cp host.json package.json package-lock.json .funcignore "$stage/"
cd "$stage"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
