package config

import (
	"fmt"
	"strings"
)

// Expand substitutes syncd's single-brace placeholders ({tenant}, {db}, ...) in
// tmpl from vars. Double-brace sequences such as Vault's {{name}} are copied
// through untouched. An unknown placeholder is an error.
func Expand(tmpl string, vars map[string]string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(tmpl); {
		if strings.HasPrefix(tmpl[i:], "{{") {
			end := strings.Index(tmpl[i:], "}}")
			if end < 0 {
				return "", fmt.Errorf("unclosed %q in %q", "{{", tmpl)
			}
			b.WriteString(tmpl[i : i+end+2])
			i += end + 2
			continue
		}
		if tmpl[i] == '{' {
			end := strings.IndexByte(tmpl[i:], '}')
			if end > 1 && isIdent(tmpl[i+1:i+end]) {
				key := tmpl[i+1 : i+end]
				v, ok := vars[key]
				if !ok {
					return "", fmt.Errorf("unknown placeholder {%s} in %q", key, tmpl)
				}
				b.WriteString(v)
				i += end + 1
				continue
			}
		}
		b.WriteByte(tmpl[i])
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
