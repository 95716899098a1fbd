package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/memlimit"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/policy"
)

var renderFormats = []string{"yaml", "json", "hcl", "manifests", "vault-policy", "vault-policy-readonly"}

func newRender(o *options) *cobra.Command {
	var format string
	var only []string
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Print the desired state computed from the tenant files, offline",
		Long: `render prints the desired state: -o yaml or json for every object,
-o hcl for the Vault policies, -o manifests for the Kubernetes objects as a
multi-document YAML stream, -o vault-policy for the Vault policy syncd itself
needs to manage this config's tenants (least privilege). It refuses to render when any file is invalid.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			memlimit.Offline() // files in, an answer out: its CPU is its wall time
			if !slices.Contains(renderFormats, format) {
				return fmt.Errorf("-o must be one of %v, got %q", renderFormats, format)
			}
			l, err := o.load()
			if err != nil {
				return err
			}
			if l.Isolation != nil {
				return l.Isolation
			}
			if len(l.Tenants.Errors) > 0 {
				for _, e := range l.Tenants.Errors {
					fmt.Fprintln(o.stderr, e)
				}
				return exitError{ExitError}
			}
			switch format { // from the config alone: they cover every tenant
			case "vault-policy":
				_, err := o.stdout.Write(policy.Render(desired.OperatorPolicy(l.Cfg),
					"The Vault policy syncd needs for this platform config, and no more (syncd render -o vault-policy)."))
				return err
			case "vault-policy-readonly":
				_, err := o.stdout.Write(policy.Render(desired.ReadOnlyPolicy(l.Cfg),
					"What syncd plan needs (a PR check): read and list only (syncd render -o vault-policy-readonly)."))
				return err
			}
			state := filterTenants(l.State, only)
			return renderState(o.stdout, state, format)
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "yaml", "output format: yaml, json, hcl, manifests, vault-policy (the policy syncd itself needs), vault-policy-readonly (what plan needs)")
	cmd.Flags().StringSliceVar(&only, "tenant", nil, "render only these tenants (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(renderFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func renderState(w io.Writer, s *desired.State, format string) error {
	switch format {
	case "json":
		return writeStateJSON(w, s)
	case "yaml":
		return writeYAML(w, s)
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

// filterTenants keeps only the named tenants' objects (all when names is empty).
func filterTenants(s *desired.State, names []string) *desired.State {
	if len(names) == 0 {
		return s
	}
	out := &desired.State{}
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	ids := object.Set{}
	for _, t := range s.Tenants {
		if keep[t.Name] {
			out.Tenants = append(out.Tenants, t)
		}
	}
	for _, o := range s.Objects {
		if keep[o.Tenant] {
			out.Objects = append(out.Objects, o)
			for _, r := range o.Refs {
				ids.Add(r)
			}
		}
	}
	for _, e := range s.External {
		if ids.Has(e.ID) {
			out.External = append(out.External, e)
		}
	}
	return out
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

// writeJSON writes v as indented JSON, the form every -o json output takes.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
