package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/memlimit"
	"github.com/syncd-dev/syncd/internal/reconcile"
)

func newValidate(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check the platform config and every tenant file, offline",
		Long: `validate decodes syncd.yaml and every tenants/*.yaml strictly, reports every
problem with file:line:column and field, builds the desired state and proves
offline that no tenant's policy or ESO objects reach another tenant.
Exit status: 0 valid, 1 any error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			memlimit.Offline() // files in, an answer out: its CPU is its wall time
			l, err := reconcile.Check(o.dir, o.config, o.log)
			if err != nil {
				return err
			}
			failed := false
			for _, e := range l.Tenants.Errors {
				fmt.Fprintln(o.stderr, e)
				failed = true
			}
			if l.Proof.Isolation != nil {
				fmt.Fprintln(o.stderr, l.Proof.Isolation)
				failed = true
			}
			if failed {
				files := map[string]bool{}
				for _, e := range l.Tenants.Errors {
					files[e.Pos.File] = true
				}
				fmt.Fprintf(o.stderr, "invalid: %d error(s) in %d tenant file(s)\n", len(l.Tenants.Errors), len(files))
				return exitError{ExitError}
			}
			if l.Proof.Tenants == 0 {
				o.log.Warn("no tenant files found", "dir", o.dir)
			}
			fmt.Fprintf(o.stdout, "valid: %d tenant(s), %d object(s), isolation proven\n", l.Proof.Tenants, l.Proof.Objects)
			return nil
		},
	}
}
