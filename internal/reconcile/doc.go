// Package reconcile is one reconcile of a repository against Vault and the
// cluster: load and validate the files, read the live state, plan, and
// apply. The CLI's plan and apply and the daemon all call it, so they cannot
// drift apart.
package reconcile
