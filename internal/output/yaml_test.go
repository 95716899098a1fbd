package output

import (
	"bytes"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

	"github.com/syncd-dev/syncd/internal/desired"
)

// render -o yaml writes strings that YAML 1.1 (sigs.k8s.io/yaml, kubectl)
// and YAML 1.2 (yaml.v3) readers both read back as the same strings.
func TestRenderedYAMLReadsBackInYAML11And12(t *testing.T) {
	for _, v := range []string{"on", "yes", "n", "0777", "0o17", "1e3", "null", "~", "true", "12:30", "- x", "a: b", "#c", "", " lead", "multi\nline\n", "tab\there", "é"} {
		t.Run(v, func(t *testing.T) {
			st := &desired.State{Tenants: []desired.Tenant{{Name: "t", Namespace: v}}}
			var b bytes.Buffer
			if err := stateYAML(&b, st); err != nil {
				t.Fatal(err)
			}
			type doc struct {
				Tenants []struct {
					Namespace string `json:"namespace" yaml:"namespace"`
				} `json:"tenants" yaml:"tenants"`
			}
			var v11, v12 doc
			if err := yaml.Unmarshal(b.Bytes(), &v11); err != nil {
				t.Fatalf("YAML 1.1: %v\n%s", err, b.String())
			}
			if err := yamlv3.Unmarshal(b.Bytes(), &v12); err != nil {
				t.Fatalf("YAML 1.2: %v\n%s", err, b.String())
			}
			if len(v11.Tenants) != 1 || v11.Tenants[0].Namespace != v || len(v12.Tenants) != 1 || v12.Tenants[0].Namespace != v {
				t.Errorf("read back as %+v (1.1) and %+v (1.2), want %q\n%s", v11, v12, v, b.String())
			}
		})
	}
}
