package policy

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Area is a part of Vault's path space a tenant owns: either everything below
// a directory (Path ends in "/") or exactly one path.
type Area struct {
	Path string `json:"path"`
}

// ReadOnly are the capabilities a tenant policy may grant.
var ReadOnly = []string{"read", "list", "deny"}

// Confined proves that every rule of p lies inside one of areas and grants only
// capabilities from caps. It returns one error per offending rule.
func Confined(p Policy, areas []Area, caps []string) error {
	var errs []error
	for _, r := range p.Rules {
		if len(r.Other) > 0 {
			errs = append(errs, fmt.Errorf("path %q: unexpected attributes %v", r.Path, slices.Sorted(maps.Keys(r.Other))))
		}
		for _, c := range r.Capabilities {
			if !slices.Contains(caps, c) {
				errs = append(errs, fmt.Errorf("path %q: capability %q is not allowed (allowed: %s)", r.Path, c, strings.Join(caps, ", ")))
			}
		}
		if !slices.ContainsFunc(areas, func(a Area) bool { return a.covers(r.Path) }) {
			errs = append(errs, fmt.Errorf("path %q reaches outside the tenant's areas", r.Path))
		}
	}
	return errors.Join(errs...)
}

// covers reports whether every concrete path the Vault pattern matches lies
// inside a. Vault patterns: '+' matches exactly one segment; '*' may end the
// pattern and matches any suffix (including across '/').
func (a Area) covers(pattern string) bool {
	if !wellFormed(pattern) {
		return false
	}
	if !strings.HasSuffix(a.Path, "/") {
		return pattern == a.Path && !strings.ContainsAny(pattern, "*+")
	}
	dir := strings.Split(strings.TrimSuffix(a.Path, "/"), "/")
	segs := strings.Split(pattern, "/")
	if len(segs) <= len(dir) {
		return false // the directory itself or above it
	}
	for i, d := range dir {
		if segs[i] != d { // also rejects '+' and any '*' inside the directory
			return false
		}
	}
	// Beyond the directory: the next segment must not be empty (a bare '*'
	// still only matches paths below the directory).
	return segs[len(dir)] != ""
}

// wellFormed rejects patterns Vault would read differently from how they look:
// a '*' anywhere but the end, and empty, "." or ".." segments.
func wellFormed(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") {
		return false
	}
	if i := strings.IndexByte(p, '*'); i >= 0 && i != len(p)-1 {
		return false
	}
	for s := range strings.SplitSeq(p, "/") {
		if s == "." || s == ".." {
			return false
		}
	}
	return !strings.Contains(p, "//")
}
