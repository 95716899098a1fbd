// Package daemon reconciles continuously: it fetches the source when
// triggered (a poll interval, a Git push webhook, a file change), plans and
// applies through package reconcile — the same path as the CLI — and
// reports over HTTP (health, readiness, Prometheus metrics, per-tenant
// status). A commit that changes one tenant costs that tenant's work; a
// periodic full scan still covers everything.
package daemon
