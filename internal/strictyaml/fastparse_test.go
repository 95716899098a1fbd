package strictyaml

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"
)

// v3Tree is what yaml.v3 parses data into, or nil on error.
func v3Tree(data []byte) *yamlv3.Node {
	var doc yamlv3.Node
	if yamlv3.Unmarshal(data, &doc) != nil {
		return nil
	}
	return &doc
}

// treeDiff names the first difference between two trees, comments aside.
func treeDiff(path string, want, got *yamlv3.Node) string {
	w := fmt.Sprintf("kind=%v tag=%q value=%q style=%v at %d:%d anchor=%q alias=%v children=%d",
		want.Kind, want.Tag, want.Value, want.Style, want.Line, want.Column, want.Anchor, want.Alias != nil, len(want.Content))
	g := fmt.Sprintf("kind=%v tag=%q value=%q style=%v at %d:%d anchor=%q alias=%v children=%d",
		got.Kind, got.Tag, got.Value, got.Style, got.Line, got.Column, got.Anchor, got.Alias != nil, len(got.Content))
	if w != g {
		return fmt.Sprintf("%s:\n  yaml.v3:   %s\n  fastParse: %s", path, w, g)
	}
	for i := range want.Content {
		if d := treeDiff(fmt.Sprintf("%s/%d", path, i), want.Content[i], got.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

func TestFastParseBuildsYAMLv3sTree(t *testing.T) {
	for name, in := range map[string]string{
		"tenant":                            "apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: shop\nspec:\n  secrets:\n    - name: stripe\n      path: payments/stripe\n      keys: [api_key, webhook_secret]\n      refreshInterval: 15m\n",
		"sequence at the key's indentation": "a:\n- x\n- y\nb: 1\n",
		"nested sequences":                  "a:\n  - - x\n    - y\n  - z\n",
		"comments everywhere":               "# head\na: 1 # one\n\n  # indented\nb: [x, y]   # list\nc: \"q\" # quoted\n# foot\n",
		"indented document":                 "\n\n   a: 1\n   b:\n     c: d\n",
		"null value":                        "a:\nb: ~\nc: null\n",
		"tags of words":                     "a: true\nb: False\nc: yes\nd: on\ne: 0x1F\nf: 1e3\ng: 2026-11-30\nh: .inf\ni: -5\nj: +3\nk: 1_000\nl: 0o17\nm: 15m\n",
		"quoted":                            "a: 'it is'\nb: \"x y # z\"\nc: ''\nd: \"\"\n",
		"plain with punctuation":            "a: x[0]{1}, \"q\" it's\nb: http://example.com/a#b\n",
		"flow":                              "a: []\nb: [ ]\nc: [x]\nd: [ x ,y,  z ]\n",
		"items":                             "-   a: 1\n    b: [c]\n-   d\n- 'e'\n",
		"top-level sequence":                "- 1\n- two\n",
		"no final newline":                  "a: 1",
		"64 deep":                           strings.Repeat("- ", 63) + "x\n",
	} {
		t.Run(name, func(t *testing.T) {
			want := v3Tree([]byte(in))
			if want == nil {
				t.Fatalf("yaml.v3 rejects the test input")
			}
			got, ok := fastParse(in)
			if !ok {
				t.Fatalf("fastParse declined: it should cover this")
			}
			if d := treeDiff("", want, got); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestFastParseDeclinesWhatItDoesNotCover(t *testing.T) {
	for name, in := range map[string]string{
		"anchor and alias":      "a: &x 1\nb: *x\n",
		"tag":                   "a: !!str 1\n",
		"literal block":         "a: |\n  text\n",
		"folded block":          "a: >\n  text\n",
		"flow mapping":          "a: {b: c}\n",
		"multi-line plain":      "a: one\n  two\n",
		"escape":                "a: \"x\\ty\"\n",
		"single-quote escape":   "a: 'it''s'\n",
		"tab":                   "a:\t1\n",
		"carriage return":       "a: 1\r\n",
		"non-ASCII":             "a: caf\u00e9\n",
		"document marker":       "---\na: 1\n",
		"two documents":         "a: 1\n---\nb: 2\n",
		"directive":             "%YAML 1.2\n---\na: 1\n",
		"quoted key":            "\"a\": 1\n",
		"key with space":        "a b: 1\n",
		"mapping in a value":    "a: b: c\n",
		"item on the next line": "-\n  a: 1\n",
		"empty value, comment":  "a: # c\nb: 1\n",
		"bad indentation":       "a:\n    b: 1\n  c: 2\n",
		"scalar document":       "hello\n",
		"only comments":         "# nothing\n",
		"multi-line flow":       "a: [x,\n  y]\n",
		"merge key":             "<<: 1\n",
		"deeper than 64":        strings.Repeat("- ", 65) + "x\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, ok := fastParse(in); ok {
				t.Errorf("fastParse took %q; it should leave it to yaml.v3", in)
			}
		})
	}
}

// Every tenant and example file the project ships takes the fast path.
func TestFastParseCoversTheShippedFiles(t *testing.T) {
	var files []string
	for _, glob := range []string{"../../tenants/*.yaml", "../../examples/*/tenants/*.yaml", "../../examples/tenants/*.yaml"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no tenant files found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := fastParse(string(data))
		if !ok {
			t.Errorf("%s: fastParse declined", f)
			continue
		}
		if d := treeDiff("", v3Tree(data), got); d != "" {
			t.Errorf("%s: %s", f, d)
		}
	}
}

func FuzzFastParseAgreesWithYAMLv3(f *testing.F) {
	for _, s := range []string{
		"a: 1\n", "a:\n- x\n", "- a: 1\n  b: [x, y]\n", "a: 'q' # c\n", "a: \"q\"\n", "a:\n  b:\n    - c\n",
		"a: 12e3\n", "a: -.5\n", "a: 0b101\n", "a: 1:2\n", "a: x # y\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := fastParse(string(data))
		if !ok {
			return
		}
		want := v3Tree(data)
		if want == nil {
			t.Fatalf("fastParse took %q, which yaml.v3 rejects", data)
		}
		if d := treeDiff("", want, got); d != "" {
			t.Fatalf("%q: %s", data, strings.TrimSpace(d))
		}
	})
}
