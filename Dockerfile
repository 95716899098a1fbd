# syntax=docker/dockerfile:1.24@sha256:87999aa3d42bdc6bea60565083ee17e86d1f3339802f543c0d03998580f9cb89
# syncd: a static binary on distroless, non-root, for every platform buildx
# is asked for:
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 -t <registry>/syncd:v0.1.0 .
# The Go toolchain runs on the build host ($BUILDPLATFORM) and cross-compiles
# for $TARGETARCH: no emulation. Base images are pinned by the digest of
# their multi-arch index (tag kept for the reader); refresh one with
# `docker buildx imagetools inspect golang:1.26` and review the change.
FROM --platform=$BUILDPLATFORM golang:1.26@sha256:792443b89f65105abba56b9bd5e97f680a80074ac62fc844a584212f8c8102c3 AS build
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download
ARG TARGETOS TARGETARCH
ARG VERSION=dev
ARG COMMIT=""
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -mod=readonly \
      -ldflags "-s -w -buildid= -X github.com/syncd-dev/syncd/internal/version.Version=${VERSION} -X github.com/syncd-dev/syncd/internal/version.Commit=${COMMIT}" \
      -o /out/syncd ./cmd/syncd

FROM gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639
ARG VERSION=dev
ARG COMMIT=""
LABEL org.opencontainers.image.title="syncd" \
      org.opencontainers.image.description="Reconciles Vault and External Secrets Operator wiring for tenants from Git" \
      org.opencontainers.image.source="https://github.com/syncd-dev/syncd" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}"
COPY --from=build /out/syncd /usr/local/bin/syncd
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/syncd"]
