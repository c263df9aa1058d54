# azd postbuild (service api): stage what the Function App runs, dist/ and host.json with production
# node_modules only, in dist/azd-package, the folder azure.yaml's `dist` makes azd zip. Staged apart
# rather than pruning the working tree: azd's package step runs `npm run build` again after the
# prepackage hook, so a tree without devDependencies (TypeScript) fails there. The staged .funcignore
# keeps local/, bench/ and sources out of the zip.
$ErrorActionPreference = 'Stop'

$stage = Join-Path 'dist' 'azd-package'
if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
New-Item -ItemType Directory -Path (Join-Path $stage 'dist') | Out-Null
Get-ChildItem -Path 'dist' | Where-Object { $_.Name -ne 'azd-package' } |
  Copy-Item -Destination (Join-Path $stage 'dist') -Recurse
Copy-Item -Path 'host.json', 'package.json', 'package-lock.json', '.funcignore' -Destination $stage
Set-Location $stage
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
exit $LASTEXITCODE
