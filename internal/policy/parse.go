package policy

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

var hclInitial = hcl.Pos{Line: 1, Column: 1, Byte: 0}

// Parse reads an ACL policy in HCL or in Vault's JSON form. Only "path"
// blocks with one label are accepted; their attributes must be literal values
// (no variables or functions). Formatting, comments and block order do not
// matter.
func Parse(src []byte, filename string) (Policy, error) {
	if trimmed := bytes.TrimSpace(src); len(trimmed) > 0 && trimmed[0] == '{' {
		return parseJSON(trimmed, filename)
	}
	f, diags := hclsyntax.ParseConfig(src, filename, hclInitial)
	if diags.HasErrors() {
		return Policy{}, fmt.Errorf("parsing policy: %w", diags)
	}
	body := f.Body.(*hclsyntax.Body)
	var p Policy
	for name, a := range body.Attributes {
		return p, fmt.Errorf("%s: unexpected top-level attribute %q", a.SrcRange, name)
	}
	for _, b := range body.Blocks {
		if b.Type != "path" || len(b.Labels) != 1 {
			return p, fmt.Errorf("%s: unexpected block %q with %d labels (want path \"<path>\")", b.DefRange(), b.Type, len(b.Labels))
		}
		if len(b.Body.Blocks) > 0 {
			return p, fmt.Errorf("%s: nested blocks are not supported", b.Body.Blocks[0].DefRange())
		}
		r := Rule{Path: b.Labels[0]}
		for name, a := range b.Body.Attributes {
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				return p, fmt.Errorf("%s: attribute %q is not a literal value: %w", a.SrcRange, name, diags)
			}
			if name != "capabilities" {
				if r.Other == nil {
					r.Other = map[string]string{}
				}
				r.Other[name] = strings.TrimSpace(string(hclwrite.TokensForValue(v).Bytes()))
				continue
			}
			caps, err := stringList(v)
			if err != nil {
				return p, fmt.Errorf("%s: capabilities: %w", a.SrcRange, err)
			}
			r.Capabilities = caps
		}
		p.Rules = append(p.Rules, r)
	}
	return p, nil
}

func stringList(v cty.Value) ([]string, error) {
	t := v.Type()
	if !(t.IsListType() || t.IsTupleType() || t.IsSetType()) || v.IsNull() {
		return nil, fmt.Errorf("want a list of strings, got %s", t.FriendlyName())
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.Type() != cty.String || e.IsNull() {
			return nil, fmt.Errorf("want a list of strings, got an element of type %s", e.Type().FriendlyName())
		}
		out = append(out, e.AsString())
	}
	return out, nil
}
