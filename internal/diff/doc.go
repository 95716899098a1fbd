// Package diff computes the plan: it pairs the desired state with the live
// state by identity (no live object: create; no desired object: delete or
// off-board), compares each pair after normalising both sides (canonical HCL,
// TTLs in seconds, lists Vault treats as sets, server-side defaults), checks
// references, and orders the changes into waves from the graph of real
// references, deletes reversed. The plan is plain, serialisable data; a dry
// run stops after it. Nothing here talks to Vault or Kubernetes.
package diff
