package naming

import "testing"

func TestRelPath(t *testing.T) {
	tests := map[string]struct {
		in string
		ok bool
	}{
		"simple":           {"payments/stripe", true},
		"dots inside":      {"v1.2/config_file-x", true},
		"traversal":        {"../other-tenant/db", false},
		"inner traversal":  {"a/../../b", false},
		"dot segment":      {"a/./b", false},
		"leading slash":    {"/etc/passwd", false},
		"trailing slash":   {"a/", false},
		"double slash":     {"a//b", false},
		"glob star":        {"a/*", false},
		"glob plus":        {"+/b", false},
		"quote injection":  {`a"}path "x`, false},
		"newline":          {"a\nb", false},
		"space":            {"a b", false},
		"hcl interpolate":  {"${file}", false},
		"empty":            {"", false},
		"hidden dot start": {".hidden", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if err := RelPath(tc.in); (err == nil) != tc.ok {
				t.Errorf("RelPath(%q) = %v, want ok=%v", tc.in, err, tc.ok)
			}
		})
	}
}

func TestDNSLabel(t *testing.T) {
	tests := map[string]struct {
		in string
		ok bool
	}{
		"simple":       {"acme-books", true},
		"digits":       {"team42", true},
		"upper":        {"Acme", false},
		"underscore":   {"acme_books", false},
		"leading dash": {"-acme", false},
		"dot":          {"acme.books", false},
		"too long":     {"a123456789012345678901234567890123456789012345678901234567890123", false},
		"empty":        {"", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if err := DNSLabel(tc.in); (err == nil) != tc.ok {
				t.Errorf("DNSLabel(%q) = %v, want ok=%v", tc.in, err, tc.ok)
			}
		})
	}
}
