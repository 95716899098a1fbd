// Package naming holds the syntax rules for the names and paths syncd accepts
// from untrusted input: DNS-1123 labels (Kubernetes names, tenant names),
// Vault object names, and relative KV paths free of traversal and globs.
package naming

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// pathSegment is deliberately narrow: no glob (*, +), no quoting, no spaces.
	pathSegment = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)
	vaultName   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$`)
	secretKey   = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)
)

// DNSLabel checks an RFC 1123 label: lower case alphanumerics and '-', at most
// 63 characters, starting and ending alphanumeric.
func DNSLabel(s string) error {
	if len(s) > 63 {
		return fmt.Errorf("%q is longer than 63 characters", s)
	}
	if !dnsLabel.MatchString(s) {
		return fmt.Errorf("%q is not a DNS-1123 label (lower case letters, digits and '-', starting and ending with a letter or digit)", s)
	}
	return nil
}

// DNSSubdomain checks an RFC 1123 subdomain (Kubernetes object names).
func DNSSubdomain(s string) error {
	if len(s) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", s)
	}
	for _, part := range strings.Split(s, ".") {
		if !dnsLabel.MatchString(part) {
			return fmt.Errorf("%q is not a DNS-1123 subdomain", s)
		}
	}
	return nil
}

// VaultName checks a Vault policy or role name derived from templates.
func VaultName(s string) error {
	if len(s) > 128 || !vaultName.MatchString(s) {
		return fmt.Errorf("%q is not a valid Vault name (lower case letters, digits, '-', '_', '.', at most 128)", s)
	}
	return nil
}

// SecretKey checks a key of a Kubernetes Secret / KV v2 secret.
func SecretKey(s string) error {
	if len(s) > 253 || !secretKey.MatchString(s) || s == "." || s == ".." {
		return fmt.Errorf("%q is not a valid secret key (letters, digits, '-', '_', '.')", s)
	}
	return nil
}

// RelPath checks a relative, slash-separated path: no leading or trailing
// slash, no empty, "." or ".." segment, and no character outside
// [A-Za-z0-9._-] (so no glob, no traversal, no injection).
func RelPath(s string) error {
	if s == "" {
		return fmt.Errorf("path is empty")
	}
	if len(s) > 512 {
		return fmt.Errorf("path is longer than 512 characters")
	}
	for _, seg := range strings.Split(s, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("path %q has an empty segment or a leading/trailing '/'", s)
		case seg == "." || seg == "..":
			return fmt.Errorf("path %q has a %q segment", s, seg)
		case !pathSegment.MatchString(seg):
			return fmt.Errorf("path %q has segment %q with characters outside [A-Za-z0-9._-]", s, seg)
		}
	}
	return nil
}
