package config

import (
	"fmt"
	"strings"
)

// Expand substitutes syncd's single-brace placeholders ({tenant}, {db}, ...) in
// tmpl from vars. Double-brace sequences such as Vault's {{name}} are copied
// through untouched. An unknown placeholder is an error.
func Expand(tmpl string, vars map[string]string) (string, error) {
	return expand(tmpl, func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
}

// expand is Expand with any lookup. Text between placeholders is copied a
// run at a time: names are expanded several times for every tenant.
func expand(tmpl string, lookup func(string) (string, bool)) (string, error) {
	var b strings.Builder
	b.Grow(len(tmpl) + 32)
	for i := 0; i < len(tmpl); {
		j := strings.IndexByte(tmpl[i:], '{')
		if j < 0 {
			b.WriteString(tmpl[i:])
			break
		}
		b.WriteString(tmpl[i : i+j])
		i += j
		if strings.HasPrefix(tmpl[i:], "{{") {
			end := strings.Index(tmpl[i:], "}}")
			if end < 0 {
				return "", fmt.Errorf("unclosed %q in %q", "{{", tmpl)
			}
			b.WriteString(tmpl[i : i+end+2])
			i += end + 2
			continue
		}
		if end := strings.IndexByte(tmpl[i:], '}'); end > 1 && isIdent(tmpl[i+1:i+end]) {
			key := tmpl[i+1 : i+end]
			v, ok := lookup(key)
			if !ok {
				return "", fmt.Errorf("unknown placeholder {%s} in %q", key, tmpl)
			}
			b.WriteString(v)
			i += end + 1
			continue
		}
		b.WriteByte('{')
		i++
	}
	return b.String(), nil
}

func isIdent(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return s != ""
}
