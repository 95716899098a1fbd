package desired

import (
	"encoding/json"
	"testing"

	"github.com/syncd-dev/syncd/internal/policy"
)

// A desired policy holds its rules, not its text: Text renders it (and the
// JSON form carries it) exactly as Render does; a policy read holds the
// text as read, and Text returns that, parse error or not.
func TestPolicyTextIsRenderedOnDemand(t *testing.T) {
	rules := policy.Policy{Rules: []policy.Rule{
		{Path: "secret/data/b", Capabilities: []string{"read"}},
		{Path: "secret/data/a", Capabilities: []string{"read"}},
	}}
	s := NewPolicySpec("p", rules, "header")
	want := string(policy.Render(rules.Normalize(), "header"))
	if s.HCL != "" {
		t.Errorf("a desired policy holds its text: %q", s.HCL)
	}
	if got := s.Text(); got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	if !s.HasText(want) || s.HasText(want+" ") || string(s.textBytes()) != want {
		t.Errorf("HasText or textBytes disagree with Text")
	}
	var out struct{ Name, HCL string }
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &out); err != nil || out.HCL != want || out.Name != "p" {
		t.Errorf("JSON %s: %v", b, err)
	}
	for name, read := range map[string]*PolicySpec{
		"read":           {Name: "p", HCL: "path \"x\" {}\n", Policy: rules},
		"unparseable":    {Name: "p", HCL: "bad {", ParseError: "line 1"},
		"read and empty": {Name: "p", ParseError: "empty"},
	} {
		if got := read.Text(); got != read.HCL || !read.HasText(read.HCL) || read.HasText(want) || string(read.textBytes()) != read.HCL {
			t.Errorf("%s: Text() = %q, want the text read %q (HasText, textBytes agree)", name, got, read.HCL)
		}
	}
}
