// Package e2e holds end-to-end tests: syncd's commands run in-process against
// the real test bed (Vault, PostgreSQL, kube-apiserver with the ESO CRDs).
package e2e
