// Package desired computes the desired state — what Vault and the cluster
// should hold — from the platform config and the validated tenants. It is pure:
// it reads no live system. Each object carries its identity and the identities
// it depends on, from which the plan's ordering graph is built. Kubernetes
// objects are held as their canonical JSON (ManifestSpec), built from typed
// structs: what server-side apply sends, what the diff compares first, and
// about 600 bytes per object at 10,000 tenants instead of nested maps.
package desired
