package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// parseJSON reads Vault's JSON policy form:
// {"path": {"<path>": {"capabilities": ["read", ...]}}}.
// Attributes other than capabilities are refused in this form.
func parseJSON(src []byte, filename string) (Policy, error) {
	var doc map[string]map[string]map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return Policy{}, fmt.Errorf("%s: parsing JSON policy: %w", filename, err)
	}
	var p Policy
	for key, paths := range doc {
		if key != "path" {
			return p, fmt.Errorf("%s: unexpected top-level key %q", filename, key)
		}
		for _, path := range slices.Sorted(maps.Keys(paths)) {
			r := Rule{Path: path}
			for attr, raw := range paths[path] {
				if attr != "capabilities" {
					return p, fmt.Errorf("%s: path %q: attribute %q is not supported in JSON policies", filename, path, attr)
				}
				if err := json.Unmarshal(raw, &r.Capabilities); err != nil {
					return p, fmt.Errorf("%s: path %q: capabilities: want a list of strings", filename, path)
				}
			}
			p.Rules = append(p.Rules, r)
		}
	}
	return p, nil
}
