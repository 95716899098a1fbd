// Package config loads and validates the platform configuration (syncd.yaml):
// the per-cluster choices such as Vault mounts, name templates, TTL defaults,
// known database connections, ESO settings, the off-boarding grace period and
// the deletion guard. Its defaults reproduce the seed platform exactly; dev and
// staging differ from prod only by this file.
package config
