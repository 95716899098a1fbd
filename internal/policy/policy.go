package policy

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Rule is one path block of an ACL policy.
type Rule struct {
	Path         string   `json:"path"`
	Capabilities []string `json:"capabilities"`
	// Other holds any other attribute of the block (allowed_parameters,
	// min_wrapping_ttl, ...) as canonical HCL expression text.
	Other map[string]string `json:"other,omitempty"`
}

// Policy is a parsed or desired ACL policy.
type Policy struct {
	Rules []Rule `json:"rules"`
}

// Normalize sorts rules by path, sorts and de-duplicates capabilities, and
// merges rules for the same path, so two equivalent policies are equal.
func (p Policy) Normalize() Policy {
	byPath := map[string]*Rule{}
	var paths []string
	for _, r := range p.Rules {
		m, ok := byPath[r.Path]
		if !ok {
			m = &Rule{Path: r.Path}
			byPath[r.Path] = m
			paths = append(paths, r.Path)
		}
		m.Capabilities = append(m.Capabilities, r.Capabilities...)
		for k, v := range r.Other {
			if m.Other == nil {
				m.Other = map[string]string{}
			}
			m.Other[k] = v
		}
	}
	slices.Sort(paths)
	out := Policy{Rules: make([]Rule, 0, len(paths))}
	for _, path := range paths {
		r := byPath[path]
		caps := make([]string, len(r.Capabilities))
		for i, c := range r.Capabilities {
			caps[i] = strings.ToLower(strings.TrimSpace(c))
		}
		slices.Sort(caps)
		r.Capabilities = slices.Compact(caps)
		out.Rules = append(out.Rules, *r)
	}
	return out
}

// Render writes p as HCL, preceded by comment lines (each prefixed "# "),
// exactly as hclwrite lays it out (renderHCLWrite). Every string from the
// policy (paths, capabilities) is quoted and escaped by hclwrite's own
// TokensForValue; only the fixed syntax around them is written here.
// hclwrite's formatter measures every token's width in grapheme clusters,
// with a fresh 4 KiB scanner buffer per token: it was the largest cost of
// syncd validate at 10,000 tenants. A rule with other attributes (only
// live, parsed policies have them) takes hclwrite's path, formatter and all.
func Render(p Policy, comment ...string) []byte {
	for _, r := range p.Rules {
		if len(r.Other) > 0 {
			return renderHCLWrite(p, comment...)
		}
	}
	var b bytes.Buffer
	for _, c := range comment {
		b.WriteString("# ")
		b.WriteString(strings.ReplaceAll(c, "\n", " "))
		b.WriteByte('\n')
	}
	for i, r := range p.Rules {
		if i > 0 || len(comment) > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("path ")
		b.Write(quote(r.Path))
		b.WriteString(" {\n  capabilities = [")
		for j, c := range r.Capabilities {
			if j > 0 {
				b.WriteString(", ")
			}
			b.Write(quote(c))
		}
		b.WriteString("]\n}\n")
	}
	return b.Bytes()
}

// quote is s as an HCL quoted string, escaped by hclwrite. Printable ASCII
// without a quote, a backslash or a template sign needs no escape: it is
// quoted as is (FuzzQuote holds that to hclwrite), which spares building
// tokens for every path of 10,000 policies.
func quote(s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '$' || c == '%' {
			return hclwrite.TokensForValue(cty.StringVal(s)).Bytes()
		}
	}
	out := make([]byte, 0, len(s)+2)
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
}

// renderHCLWrite is Render with hclwrite building and formatting the file.
func renderHCLWrite(p Policy, comment ...string) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	for _, c := range comment {
		line := strings.ReplaceAll(c, "\n", " ")
		body.AppendUnstructuredTokens(hclwrite.Tokens{
			{Type: hclsyntax.TokenComment, Bytes: []byte("# " + line + "\n")},
		})
	}
	for i, r := range p.Rules {
		if i > 0 || len(comment) > 0 {
			body.AppendNewline()
		}
		blk := body.AppendNewBlock("path", []string{r.Path})
		caps := make([]cty.Value, len(r.Capabilities))
		for j, c := range r.Capabilities {
			caps[j] = cty.StringVal(c)
		}
		if len(caps) == 0 {
			blk.Body().SetAttributeValue("capabilities", cty.ListValEmpty(cty.String))
		} else {
			blk.Body().SetAttributeValue("capabilities", cty.ListVal(caps))
		}
		for _, k := range slices.Sorted(maps.Keys(r.Other)) {
			blk.Body().SetAttributeRaw(k, rawTokens(r.Other[k]))
		}
	}
	return f.Bytes() // Bytes formats the tokens already (hclwrite.File.WriteTo)
}

// Canonical renders p normalised and without comments: equal text means equal
// policies.
func Canonical(p Policy) string { return string(Render(p.Normalize())) }

func rawTokens(expr string) hclwrite.Tokens {
	f, diags := hclwrite.ParseConfig([]byte("x = "+expr), "", hclInitial)
	if diags.HasErrors() {
		return hclwrite.Tokens{{Type: hclsyntax.TokenQuotedLit, Bytes: []byte(expr)}}
	}
	return f.Body().GetAttribute("x").Expr().BuildTokens(nil)
}

// Equal reports whether p and q grant the same, whatever their layout: it
// compares normalised forms without rendering HCL.
func Equal(p, q Policy) bool {
	a, b := p.Normalize(), q.Normalize()
	if len(a.Rules) != len(b.Rules) {
		return false
	}
	for i := range a.Rules {
		if a.Rules[i].Path != b.Rules[i].Path || !slices.Equal(a.Rules[i].Capabilities, b.Rules[i].Capabilities) ||
			!maps.Equal(a.Rules[i].Other, b.Rules[i].Other) {
			return false
		}
	}
	return true
}
