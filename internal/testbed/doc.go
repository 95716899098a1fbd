// Package testbed starts the real components syncd talks to — Vault (dev
// server), PostgreSQL, etcd and kube-apiserver with the External Secrets
// Operator CRDs — as subprocesses on random loopback ports, wires them together
// the way production is (Vault Kubernetes auth against the API server, a
// database secrets engine connected to Postgres), and hands tests ready
// clients. Binaries come from the cache hack/testbed/build.sh fills.
package testbed
