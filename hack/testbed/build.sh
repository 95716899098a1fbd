#!/usr/bin/env bash
# Builds the test bed's components into a cache outside the repository, only when
# missing: ${SYNCD_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/syncd}/bin/<name>-<version>.
# Usage: build.sh [vault|kube-apiserver|etcd|crds|eso|promtool|postgres|kubectl ...]
#   (default: all but kubectl, which only `make bench` needs)
# Prints the cache directory on the last line of stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache=${SYNCD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/syncd}
bin=$cache/bin
mkdir -p "$bin"

log() { printf '%s testbed: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# pinned FILE MODULE VERSION: the wrapper's go.mod must require exactly VERSION.
pinned() {
  grep -qE "^[[:space:]]*(require )?$2 $3( // indirect)?\$" "$1" ||
    { log "$1 does not require $2 $3 (versions.env and go.mod disagree)"; exit 1; }
}

# build NAME VERSION DIR PKG [go build flags...]: go build PKG in DIR into the cache.
build() {
  local name=$1 version=$2 dir=$3 pkg=$4; shift 4
  local out="$bin/$name-$version"
  if [ -x "$out" ]; then log "$name $version cached at $out"; return; fi
  log "building $name $version (cold builds take 10-15 min on 2 cores)"
  local start=$SECONDS
  (cd "$here/$dir" && go build -trimpath -o "$out.tmp.$$" "$@" "$pkg")
  mv "$out.tmp.$$" "$out"
  log "built $name $version in $((SECONDS - start))s"
}

# reuse NAME VERSION CANDIDATE ARGS...: use a binary the user already has
# (CANDIDATE ARGS... prints its version) when it is of the pinned minor, by
# linking it into the cache under the pinned name; says which it used.
reuse() {
  local name=$1 version=$2 candidate=$3; shift 3
  local out="$bin/$name-$version"
  [ -x "$out" ] && return 0
  [ -n "$candidate" ] && [ -x "$candidate" ] || return 1
  local got
  got=$("$candidate" "$@" 2>/dev/null | grep -oE 'v?[0-9]+\.[0-9]+\.[0-9]+' | head -n1) || true
  got=v${got#v}
  if [ "${got%.*}" != "${version%.*}" ]; then
    log "not using $candidate: it is $name $got, the pinned minor is ${version%.*}"
    return 1
  fi
  ln -sf "$(readlink -f "$candidate")" "$out"
  log "using $candidate ($name $got, the pinned minor) instead of building $version"
}

vault() {
  pinned "$here/vault/go.mod" github.com/hashicorp/vault "$VAULT_VERSION"
  reuse vault "$VAULT_VERSION" "$(type -P vault || true)" version && return
  build vault "$VAULT_VERSION" vault github.com/hashicorp/vault -ldflags "-s -w"
}

kube_apiserver() {
  pinned "$here/kube/go.mod" k8s.io/kubernetes "$KUBE_VERSION"
  # setup-envtest's assets (KUBEBUILDER_ASSETS) hold kube-apiserver and etcd
  [ -n "${KUBEBUILDER_ASSETS:-}" ] && reuse kube-apiserver "$KUBE_VERSION" "$KUBEBUILDER_ASSETS/kube-apiserver" --version && return
  local v=$KUBE_VERSION minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  CGO_ENABLED=0 build kube-apiserver "$KUBE_VERSION" kube k8s.io/kubernetes/cmd/kube-apiserver \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$v \
      -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
      -X k8s.io/component-base/version.gitTreeState=clean \
      -X k8s.io/client-go/pkg/version.gitVersion=$v"
}

# kubectl is used only by `make bench` (today's procedure); not part of the bed.
kubectl() {
  pinned "$here/kube/go.mod" k8s.io/kubernetes "$KUBE_VERSION"
  reuse kubectl "$KUBE_VERSION" "$(type -P kubectl || true)" version --client && return
  local v=$KUBE_VERSION minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  CGO_ENABLED=0 build kubectl "$KUBE_VERSION" kube k8s.io/kubernetes/cmd/kubectl \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$v \
      -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
      -X k8s.io/client-go/pkg/version.gitVersion=$v"
}

etcd() {
  pinned "$here/etcd/go.mod" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  [ -n "${KUBEBUILDER_ASSETS:-}" ] && reuse etcd "$ETCD_VERSION" "$KUBEBUILDER_ASSETS/etcd" --version && return
  CGO_ENABLED=0 build etcd "$ETCD_VERSION" etcd . -ldflags "-s -w"
}

# eso builds the External Secrets Operator controller (the module's main package).
eso() {
  pinned "$here/eso/go.mod" github.com/external-secrets/external-secrets "$ESO_VERSION"
  CGO_ENABLED=0 build eso-controller "$ESO_VERSION" eso github.com/external-secrets/external-secrets -ldflags "-s -w"
}

# promtool is used only by the alert rules' unit tests (TestAlertRules).
promtool() {
  pinned "$here/prometheus/go.mod" github.com/prometheus/prometheus "$PROMETHEUS_VERSION"
  CGO_ENABLED=0 build promtool "$PROMETHEUS_VERSION" prometheus github.com/prometheus/prometheus/cmd/promtool -ldflags "-s -w"
}

# crds copies the External Secrets Operator CRDs out of the module cache.
crds() {
  local out="$cache/eso-crds-$ESO_VERSION"
  if [ -f "$out/bundle.yaml" ]; then log "ESO CRDs $ESO_VERSION cached at $out"; return; fi
  local dir
  dir=$(cd "$here/etcd" && GOFLAGS=-mod=mod go mod download -json \
    "github.com/external-secrets/external-secrets@$ESO_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -f "$dir/deploy/crds/bundle.yaml" ] || { log "no deploy/crds/bundle.yaml in $dir"; exit 1; }
  mkdir -p "$out.tmp.$$"
  cp "$dir/deploy/crds/bundle.yaml" "$out.tmp.$$/bundle.yaml"
  chmod -R u+w "$out.tmp.$$"
  rm -rf "$out" && mv "$out.tmp.$$" "$out"
  log "ESO CRDs $ESO_VERSION copied to $out"
}

# postgres makes sure initdb/pg_ctl/postgres exist; on Debian it installs them.
ensure_postgres() {
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    log "postgres found at $(type -P postgres)"; return
  fi
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    log "postgres found in /usr/lib/postgresql"; return
  fi
  log "installing postgresql with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(postgres crds etcd kube-apiserver vault eso promtool)
exec 9>"$cache/.build.lock"
flock 9
for t in "${targets[@]}"; do
  case $t in
    vault) vault ;;
    kube-apiserver) kube_apiserver ;;
    etcd) etcd ;;
    kubectl) kubectl ;;
    crds) crds ;;
    eso) eso ;;
    promtool) promtool ;;
    postgres) ensure_postgres ;;
    *) log "unknown component $t"; exit 2 ;;
  esac
done
echo "$cache"
