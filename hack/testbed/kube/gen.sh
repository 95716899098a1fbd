#!/usr/bin/env bash
# Regenerates go.mod for the kube-apiserver wrapper from k8s.io/kubernetes' own
# go.mod: every ./staging replace becomes the published k8s.io/<name> v0.<minor>.<patch>.
# Run it when bumping KUBE_VERSION, then commit go.mod and go.sum.
set -euo pipefail
cd "$(dirname "$0")"
KUBE_VERSION=${KUBE_VERSION:-v1.37.2}
staging_version="v0.${KUBE_VERSION#v1.}"
gomod=$(go mod download -json "k8s.io/kubernetes@${KUBE_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
{
  echo "module syncd.local/testbed/kube"
  echo
  echo "go 1.26"
  echo
  echo "godebug default=go1.26"
  echo
  printf 'tool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kubectl\n)\n'
  echo
  echo "require k8s.io/kubernetes ${KUBE_VERSION}"
  echo
  echo "replace ("
  sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 '"${staging_version}"'#p' "$gomod"
  echo ")"
} > go.mod
go mod tidy
