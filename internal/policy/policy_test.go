package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

var tenantAreas = []Area{
	{Path: "secret/data/bookstore-platform/acme/"},
	{Path: "secret/metadata/bookstore-platform/acme/"},
	{Path: "database/creds/bookstore-platform-acme-catalog"},
}

func TestConfined(t *testing.T) {
	tests := map[string]struct {
		path string
		caps []string
		ok   bool
	}{
		"exact secret":                {"secret/data/bookstore-platform/acme/payments/stripe", []string{"read"}, true},
		"star below prefix":           {"secret/data/bookstore-platform/acme/*", []string{"read"}, true},
		"plus below prefix":           {"secret/metadata/bookstore-platform/acme/+/x", []string{"list"}, true},
		"exact db creds":              {"database/creds/bookstore-platform-acme-catalog", []string{"read"}, true},
		"deny is fine":                {"secret/data/bookstore-platform/acme/x", []string{"deny"}, true},
		"other tenant":                {"secret/data/bookstore-platform/beta/x", []string{"read"}, false},
		"star in tenant segment":      {"secret/data/bookstore-platform/acme*", []string{"read"}, false},
		"plus for tenant segment":     {"secret/data/bookstore-platform/+/x", []string{"read"}, false},
		"star at prefix":              {"secret/data/*", []string{"read"}, false},
		"prefix itself":               {"secret/data/bookstore-platform/acme", []string{"read"}, false},
		"prefix with slash":           {"secret/data/bookstore-platform/acme/", []string{"read"}, false},
		"traversal":                   {"secret/data/bookstore-platform/acme/../beta/x", []string{"read"}, false},
		"star in the middle":          {"secret/data/bookstore-platform/acme/*/x", []string{"read"}, false},
		"db creds of another role":    {"database/creds/bookstore-platform-beta-catalog", []string{"read"}, false},
		"db creds glob":               {"database/creds/bookstore-platform-acme-catalog*", []string{"read"}, false},
		"db creds plus":               {"database/creds/+", []string{"read"}, false},
		"write capability":            {"secret/data/bookstore-platform/acme/x", []string{"read", "update"}, false},
		"sudo capability":             {"secret/data/bookstore-platform/acme/x", []string{"sudo"}, false},
		"sys path":                    {"sys/policies/acl/*", []string{"read"}, false},
		"leading slash":               {"/secret/data/bookstore-platform/acme/x", []string{"read"}, false},
		"double slash":                {"secret/data/bookstore-platform/acme//x", []string{"read"}, false},
		"root star":                   {"*", []string{"read"}, false},
		"data prefix of other mount":  {"secretx/data/bookstore-platform/acme/x", []string{"read"}, false},
		"tenant name prefix of other": {"secret/data/bookstore-platform/acme-evil/x", []string{"read"}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := Policy{Rules: []Rule{{Path: tc.path, Capabilities: tc.caps}}}
			err := Confined(p, tenantAreas, ReadOnly)
			if (err == nil) != tc.ok {
				t.Errorf("Confined(%q, %v) = %v, want ok=%v", tc.path, tc.caps, err, tc.ok)
			}
		})
	}
}

func TestCanonicalIgnoresFormattingOrderAndComments(t *testing.T) {
	a := `# managed by syncd
path "secret/data/a" {
  capabilities = ["read", "list"]
}
path "database/creds/r" {
  capabilities = ["read"]
}
`
	variants := map[string]string{
		"Vault's JSON form": `{"path": {"secret/data/a": {"capabilities": ["read", "list"]}, "database/creds/r": {"capabilities": ["read"]}}}`,
		"reordered blocks and caps": `path "database/creds/r" { capabilities = ["read"] }
path "secret/data/a" { capabilities = ["list", "read"] }`,
		"duplicate caps, upper case, other comments": `
// a comment
path "secret/data/a" {
    capabilities = [ "LIST", "read", "read" ]   /* trailing */
}
path "database/creds/r" {
  capabilities = ["read"]
}`,
		"same path split over two blocks": `path "secret/data/a" { capabilities = ["read"] }
path "secret/data/a" { capabilities = ["list"] }
path "database/creds/r" { capabilities = ["read"] }`,
	}
	pa, err := Parse([]byte(a), "a.hcl")
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range variants {
		t.Run(name, func(t *testing.T) {
			pb, err := Parse([]byte(src), "b.hcl")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(Canonical(pa), Canonical(pb)); diff != "" {
				t.Errorf("canonical forms differ (-a +b):\n%s", diff)
			}
		})
	}
	t.Run("a real difference still shows", func(t *testing.T) {
		pb, err := Parse([]byte(strings.Replace(a, `["read", "list"]`, `["read", "update"]`, 1)), "b.hcl")
		if err != nil {
			t.Fatal(err)
		}
		if Canonical(pa) == Canonical(pb) {
			t.Error("policies with different capabilities compare equal")
		}
	})
}

func TestParseKeepsOtherAttributes(t *testing.T) {
	p, err := Parse([]byte(`path "x" {
  capabilities = ["read"]
  allowed_parameters = { "ttl" = [] }
}`), "p.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Rules[0].Other["allowed_parameters"]; !ok {
		t.Fatalf("allowed_parameters lost: %+v", p.Rules[0])
	}
	if err := Confined(p, []Area{{Path: "x"}}, ReadOnly); err == nil {
		t.Error("a tenant policy with extra attributes must not count as confined")
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"variable reference":   `path "x" { capabilities = [var.cap] }`,
		"top-level attribute":  `name = "x"`,
		"other block":          `resource "x" {}`,
		"syntax error":         `path "x" {`,
		"capabilities string":  `path "x" { capabilities = "read" }`,
		"JSON other attribute": `{"path": {"x": {"capabilities": ["read"], "allowed_parameters": {}}}}`,
		"JSON other key":       `{"name": {}}`,
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(src), "p.hcl"); err == nil {
				t.Errorf("Parse(%q) succeeded, want an error", src)
			}
		})
	}
}

func TestRenderEscapesLabels(t *testing.T) {
	// Render must never let a label break out of its string, whatever it holds.
	evil := `x" { capabilities = ["sudo"] }` + "\npath \"*${file(\"/etc/passwd\")}%{ if true }y%{ endif }\\"
	out := Render(Policy{Rules: []Rule{{Path: evil, Capabilities: []string{"read"}}}})
	p, err := Parse(out, "p.hcl")
	if err != nil {
		t.Fatalf("rendered HCL does not parse: %v\n%s", err, out)
	}
	if len(p.Rules) != 1 || p.Rules[0].Path != evil {
		t.Errorf("round trip changed the policy: %+v\n%s", p.Rules, out)
	}
}

// TestRenderLaysOutAsHCLWrite: Render writes what hclwrite's builder and
// formatter write, byte for byte, whatever the strings hold.
func TestRenderLaysOutAsHCLWrite(t *testing.T) {
	odd := []string{"", "a", "secret/data/acme/*", `q"uote`, `back\slash`, "new\nline", "tab\there", "${interp}", "%{dir}",
		"$${x}", "ümlaut", "👩‍👩‍👧", "e\u0301", "\x00nul", "\x7f", "\u2028", " lead", "trail ", "#", "//", "}", "{", "*", "+", "a=b"}
	var cases []Policy
	cases = append(cases, Policy{}, Policy{Rules: []Rule{{Path: "p"}}})
	for i, s := range odd {
		cases = append(cases, Policy{Rules: []Rule{
			{Path: s, Capabilities: []string{"read", s}},
			{Path: odd[(i+1)%len(odd)] + "/x", Capabilities: []string{odd[(i+3)%len(odd)]}},
		}})
	}
	for i, p := range cases {
		for _, comment := range [][]string{nil, {"header"}, {odd[i%len(odd)], "two\nlines"}} {
			want := string(renderHCLWrite(p, comment...))
			if got := string(Render(p, comment...)); got != want {
				t.Errorf("policy %d, comment %q (-hclwrite +Render):\n%s\n%s", i, comment, want, got)
			}
		}
	}
}

func BenchmarkRender(b *testing.B) {
	p := Policy{Rules: []Rule{
		{Path: "secret/data/bookstore-platform/acme-books/*", Capabilities: []string{"read"}},
		{Path: "secret/metadata/bookstore-platform/acme-books/*", Capabilities: []string{"list", "read"}},
		{Path: "database/creds/bookstore-platform-acme-books-catalog", Capabilities: []string{"read"}},
	}}
	for b.Loop() {
		Render(p, "Managed by syncd for tenant acme-books. Do not edit: syncd reverts changes.")
	}
}

// FuzzRenderLayout: Render and hclwrite agree on any path and capability.
func FuzzRenderLayout(f *testing.F) {
	f.Add("secret/data/acme/*", "read", "header")
	f.Add(`a"b${c}`, "%{x}", "new\nline")
	f.Fuzz(func(t *testing.T, path, capability, comment string) {
		p := Policy{Rules: []Rule{{Path: path, Capabilities: []string{capability, "read"}}, {Path: path + "/x"}}}
		if got, want := string(Render(p, comment)), string(renderHCLWrite(p, comment)); got != want {
			t.Fatalf("(-hclwrite +Render):\n%s\n%s", want, got)
		}
	})
}

// TestParseRenderedRoundTrip: every rendered policy without other
// attributes parses back, cheaply, to itself.
func TestParseRenderedRoundTrip(t *testing.T) {
	odd := []string{"", "a", "secret/data/acme/*", `q"uote`, `back\slash`, "new\nline", "tab\there", "${interp}", "%{dir}",
		"$${x}", "$$${x}", "%%{", "ümlaut", "👩‍👩‍👧", "\x00nul", "\x7f", "\u2028", "trail ", "\\u0041", "$", "%"}
	for i, s := range odd {
		p := Policy{Rules: []Rule{{Path: s, Capabilities: []string{"read", s}}, {Path: odd[(i+1)%len(odd)] + "/x"}}}
		for _, comment := range [][]string{nil, {"c " + s}} {
			got, ok := ParseRendered(Render(p, comment...))
			if !ok {
				t.Errorf("%q: not parsed back:\n%s", s, Render(p, comment...))
				continue
			}
			if diff := cmp.Diff(p, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%q (-rendered +parsed):\n%s", s, diff)
			}
		}
	}
	for name, src := range map[string]string{
		"interpolation": "path \"a${b}\" {\n  capabilities = [\"read\"]\n}\n",
		"other attr":    "path \"a\" {\n  capabilities = [\"read\"]\n  max_ttl = \"1h\"\n}\n",
		"layout":        "path \"a\" {\n capabilities = [\"read\"]\n}\n",
		"unterminated":  "path \"a {\n  capabilities = [\"read\"]\n}\n",
	} {
		if _, ok := ParseRendered([]byte(src)); ok {
			t.Errorf("%s: accepted %q", name, src)
		}
	}
}

// FuzzParseRendered: whatever ParseRendered accepts, hclsyntax (Parse)
// reads as the same policy.
func FuzzParseRendered(f *testing.F) {
	f.Add([]byte("# c\n\npath \"secret/data/a/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n"))
	f.Add([]byte("path \"$${x}\\n\\u00e9\" {\n  capabilities = []\n}\n\npath \"b\" {\n  capabilities = [\"%%{\"]\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fast, ok := ParseRendered(src)
		if !ok {
			return
		}
		slow, err := Parse(src, "f.hcl")
		if err != nil {
			t.Fatalf("ParseRendered accepted what hclsyntax refuses: %v\n%q", err, src)
		}
		if diff := cmp.Diff(slow, fast, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%q (-hclsyntax +ParseRendered):\n%s", src, diff)
		}
	})
}

// FuzzQuote: quote's unescaped fast path writes what hclwrite writes.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"secret/data/acme/db", "a b", "", `a"b`, `a\b`, "${x}", "%{x}", "$", "é", "a\tb", "~!@#^&*()"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(quote(s)), string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes()); got != want {
			t.Errorf("quote(%q) = %s, hclwrite writes %s", s, got, want)
		}
	})
}
