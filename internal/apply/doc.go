// Package apply executes a diff.Plan and reports an apply.Result: wave by
// wave in the plan's order, the independent changes of a wave in parallel
// with a bounded pool; a change whose dependency failed is skipped with one
// note naming the failure; transient failures are retried with capped,
// jittered exponential backoff. Writing to Vault and Kubernetes is the job of
// the Writers (vaultwrite, kubewrite); recording ownership crash-safely in
// the inventory is the Recorder's. Nothing here imports a client library.
package apply
