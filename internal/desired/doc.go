// Package desired computes the desired state — what Vault and the cluster
// should hold — from the platform config and the validated tenants. It is pure:
// it reads no live system. Each object carries its identity and the identities
// it depends on, from which the plan's ordering graph is built.
package desired
