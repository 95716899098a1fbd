package output

import (
	"fmt"
	"io"

	"sigs.k8s.io/yaml"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// StateFormats are the forms State writes.
var StateFormats = []string{"yaml", "json", "hcl", "manifests"}

// State writes the desired state s in format: yaml or json for every
// object, hcl for the Vault policies, manifests for the Kubernetes objects
// as a multi-document YAML stream.
func State(w io.Writer, s *desired.State, format string) error {
	switch format {
	case "json":
		return stateJSON(w, s)
	case "yaml":
		return stateYAML(w, s)
	case "hcl":
		for _, o := range s.Objects {
			if p, ok := o.Spec.(*desired.PolicySpec); ok {
				if _, err := fmt.Fprintf(w, "# ---- policy %s (tenant %s)\n%s\n", p.Name, o.Tenant, p.Text()); err != nil {
					return err
				}
			}
		}
		return nil
	case "manifests":
		for _, o := range s.Objects {
			m, ok := o.Spec.(*desired.ManifestSpec)
			if !ok {
				continue
			}
			out, err := yaml.JSONToYAML(m.JSON())
			if err != nil {
				return fmt.Errorf("%s: %w", o.ID, err)
			}
			if _, err := fmt.Fprintf(w, "---\n%s", out); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown format %q", format)
}

// tenantOut is a tenant as render writes it: its summary and the
// identities of its objects, in the state's order. The state holds each
// object once, with its tenant (desired.State.ByTenant); render lists
// them under the tenant too.
type tenantOut struct {
	Name           string      `json:"name"`
	Namespace      string      `json:"namespace"`
	ServiceAccount string      `json:"serviceAccount"`
	KVPrefix       string      `json:"kvPrefix"`
	Objects        []object.ID `json:"objects"`
}

// tenantsOut returns what render writes for each of s's tenants.
func tenantsOut(s *desired.State) func(*desired.Tenant) *tenantOut {
	objects := s.ByTenant()
	return func(t *desired.Tenant) *tenantOut {
		return &tenantOut{Name: t.Name, Namespace: t.Namespace, ServiceAccount: t.ServiceAccount, KVPrefix: t.KVPrefix,
			Objects: desired.ObjectIDs(objects[t.Name])}
	}
}
