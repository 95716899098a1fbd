// Package policy renders Vault ACL policies as HCL with hclwrite (never by
// string templating, so no input can inject HCL), parses policies back with
// hclsyntax into a canonical form for comparison, and proves that a policy
// grants nothing outside the areas a tenant owns (glob-aware: * and +).
package policy
