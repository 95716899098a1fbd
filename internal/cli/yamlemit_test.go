package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// emitted returns what YAML readers get back from emitYAML(v).
func emitted(t *testing.T, v any) (any, string) {
	t.Helper()
	var b bytes.Buffer
	emitYAML(&b, v, 0)
	j, err := yaml.YAMLToJSON(b.Bytes())
	if err != nil {
		t.Fatalf("emitted YAML does not parse: %v\n%s", err, b.String())
	}
	var back any
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	return back, b.String()
}

func tree(s string) map[string]any {
	return map[string]any{
		"plain": s, s: "as a key", "list": []any{s, map[string]any{"k": s, s: []any{s}}, []any{s}},
		"nested": map[string]any{"deeper": map[string]any{"x": s}}, "empty": map[string]any{}, "none": []any{},
		"n": json.Number("15"), "f": json.Number("1.5"), "b": true, "null": nil,
	}
}

// TestEmitYAMLRoundTrips: YAML readers get back exactly what was emitted,
// for strings YAML treats specially.
func TestEmitYAMLRoundTrips(t *testing.T) {
	for _, s := range []string{"", "a", "true", "yes", "on", "n", "~", "null", "15", "0777", "1e3", ".inf", "-", "- a", "a: b", "a #b",
		"#x", "http://x:8200", "x:", "'q'", `"d"`, "multi\nline", "trail\n", "two\n\n", "\nlead", " sp", "tab\t", "\r\n", "{a}", "[b]",
		"*alias", "&anchor", "!tag", "%dir", "@at", "`bt`", "|", ">", "ü", "👩‍👩‍👧", "\u2028", "\x00", "path \"a\" {\n  x = 1\n}\n"} {
		in := tree(s)
		back, text := emitted(t, in)
		want := map[string]any{}
		j, _ := json.Marshal(in)
		_ = json.Unmarshal(j, &want)
		if diff := cmp.Diff(any(want), back); diff != "" {
			t.Errorf("%q (-want +read back):\n%s\n%s", s, diff, text)
		}
	}
}

func FuzzEmitYAML(f *testing.F) {
	f.Add("multi\nline", "key")
	f.Add("http://x:8200", "a: b")
	f.Fuzz(func(t *testing.T, s, k string) {
		in := tree(s)
		in[k] = []any{s, k}
		j, err := json.Marshal(in)
		if err != nil {
			return
		}
		var want any
		if err := json.Unmarshal(j, &want); err != nil {
			return
		}
		// what encoding/json makes of invalid UTF-8 is what the YAML holds
		dec := json.NewDecoder(bytes.NewReader(j))
		dec.UseNumber()
		var src any
		if err := dec.Decode(&src); err != nil {
			return
		}
		back, text := emitted(t, src)
		if diff := cmp.Diff(want, back); diff != "" {
			t.Fatalf("(-want +read back):\n%s\n%s", diff, text)
		}
	})
}

// plainSafeReference is plainSafe as first written, one rule at a time.
func plainSafeReference(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || s[len(s)-1] == ':' ||
		strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`", rune(s[0])) ||
		strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return false
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '+' || c == '.' {
		return resolvesToString(s)
	}
	return true
}

func FuzzPlainSafeAgreesWithReference(f *testing.F) {
	for _, s := range []string{"", "a", "a: b", "a #b", "a#b", "True", "NULL", "~", "15m", "1.5", "+1", ".inf", "-a", "é", "a:", " a", "Yes", "ON", "0x1F", "2026-11-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := plainSafe(s), plainSafeReference(s); got != want {
			t.Errorf("plainSafe(%q) = %v, the reference says %v", s, got, want)
		}
	})
}
