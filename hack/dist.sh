#!/usr/bin/env bash
# make dist: the release artefacts in ${DIST:-dist}/ for VERSION (e.g. v0.2.0):
#   syncd-VERSION-OS-ARCH           a static binary (linux, darwin × amd64, arm64)
#   syncd-VERSION-OS-ARCH.cdx.json  its CycloneDX SBOM (cyclonedx-gomod, pinned in hack/tools/go.mod)
#   SHA256SUMS                      sha256sum -c SHA256SUMS checks every file above
# Reproducible: the same commit built by the same Go gives the same bytes
# (-trimpath, an empty build ID, CGO off, no timestamp or serial in the SBOM).
# PLATFORMS="linux/amd64 ..." narrows the list.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${VERSION:?VERSION=vX.Y.Z}
out=$(mkdir -p "${DIST:-$root/dist}" && cd "${DIST:-$root/dist}" && pwd)
platforms=${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}
# The commit is linked in (the build info's VCS stamp depends on how go is set up).
commit=$(git -C "$root" rev-parse HEAD)
committed=$(git -C "$root" show -s --format=%cI HEAD)
if [ -n "$(git -C "$root" status --porcelain)" ] && [ "${DIST_ALLOW_DIRTY:-}" != 1 ]; then
  echo "dist: the tree has uncommitted changes; a release is built from a commit (DIST_ALLOW_DIRTY=1 to try anyway)" >&2
  exit 1
fi
v=github.com/syncd-dev/syncd/internal/version
# The SBOM tool runs here; GOOS and GOARCH below tell it the target.
sbom=$(mktemp -d)/cyclonedx-gomod
trap 'rm -rf "$(dirname "$sbom")"' EXIT
(cd "$root/hack/tools" && go build -o "$sbom" github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod)
rm -f "$out"/syncd-* "$out"/SHA256SUMS
for platform in $platforms; do
  os=${platform%/*} arch=${platform#*/}
  name="syncd-$version-$os-$arch"
  (cd "$root" && CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -mod=readonly \
    -ldflags "-s -w -buildid= -X $v.Version=$version -X $v.Commit=$commit -X $v.CommitTime=$committed" \
    -o "$out/$name" ./cmd/syncd)
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch "$sbom" app \
    -json -licenses -noserial -notimestamp -main cmd/syncd -output "$out/$name.cdx.json" "$root" 2>"$out/.sbom.log" ||
    { cat "$out/.sbom.log" >&2; exit 1; }
  rm -f "$out/.sbom.log"
  printf '%s\n' "$name"
done
(cd "$out" && sha256sum syncd-* > SHA256SUMS)
echo "$out"
