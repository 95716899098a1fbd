package naming

import (
	"regexp"
	"strings"
	"testing"
)

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

// The byte-loop matchers accept exactly what their patterns do.
func FuzzMatchersAgreeWithRegexps(f *testing.F) {
	for _, s := range []string{"", "a", "-", "a-", "-a", "a.b", "a_b", "A", "a..b", ".", "..", "_x", "x*", "é", "a\nb"} {
		f.Add(s)
	}
	matchers := map[string]func(string) bool{
		`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`:   isDNSLabel,
		`^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$`: isVaultName,
		`^[A-Za-z0-9_][A-Za-z0-9._-]*$`:     isPathSegment,
		`^[-._a-zA-Z0-9]+$`:                 isSecretKey,
	}
	res := map[string]*regexp.Regexp{}
	for p := range matchers {
		res[p] = regexp.MustCompile(p)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for p, m := range matchers {
			if got, want := m(s), res[p].MatchString(s); got != want {
				t.Errorf("%q: matcher for %s says %v, the regexp %v", s, p, got, want)
			}
		}
	})
}

func TestDNSSubdomain(t *testing.T) {
	tests := map[string]struct {
		in string
		ok bool
	}{
		"one label":      {"acme", true},
		"dotted":         {"vault.acme-books.svc", true},
		"empty label":    {"a..b", false},
		"leading dot":    {".a", false},
		"trailing dot":   {"a.", false},
		"upper":          {"a.B", false},
		"label dash end": {"a-.b", false},
		"empty":          {"", false},
		"too long":       {strings.Repeat("a.", 127) + "ab", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if err := DNSSubdomain(tc.in); (err == nil) != tc.ok {
				t.Errorf("DNSSubdomain(%q) = %v, want ok=%v", tc.in, err, tc.ok)
			}
		})
	}
}
