package cli

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/memlimit"
	"github.com/syncd-dev/syncd/internal/output"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/reconcile"
)

var renderFormats = append(slices.Clone(output.StateFormats), "vault-policy", "vault-policy-readonly")

// ownPolicies are syncd's own Vault policies, by render format.
var ownPolicies = map[string]struct {
	policy  func(*config.Config) policy.Policy
	comment string
}{
	"vault-policy": {desired.OperatorPolicy,
		"The Vault policy syncd needs for this platform config, and no more (syncd render -o vault-policy)."},
	"vault-policy-readonly": {desired.ReadOnlyPolicy,
		"What syncd plan needs (a PR check): read and list only (syncd render -o vault-policy-readonly)."},
}

func newRender(o *options) *cobra.Command {
	var format string
	var only []string
	cmd := &cobra.Command{
		Use: "render",
		Example: `  syncd render --tenant acme-books
  syncd render -o manifests | kubectl apply --dry-run=server -f -
  syncd render -o vault-policy > syncd-policy.hcl   # syncd's own least-privilege Vault policy`,
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
			if own, ok := ownPolicies[format]; ok { // from the config alone: they cover every tenant, whatever the tenant files hold
				cfg, err := reconcile.LoadConfig(o.dir, o.config)
				if err != nil {
					return err
				}
				_, err = o.stdout.Write(policy.Render(own.policy(cfg), own.comment))
				return err
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
			var known []string
			for _, t := range l.State.Tenants {
				known = append(known, t.Name)
			}
			for _, name := range only {
				if !slices.Contains(known, name) {
					return unknownTenant(name, known)
				}
			}
			state := l.State.Only(only)
			return output.State(o.stdout, state, format)
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "yaml", "output format: yaml, json, hcl, manifests, vault-policy (the policy syncd itself needs), vault-policy-readonly (what plan needs)")
	tenantFlag(cmd, &only, "render only these tenants")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(renderFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
