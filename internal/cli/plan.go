package cli

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/output"
)

var planFormats = []string{"text", "json", "markdown"}

type planFlags struct {
	planOptions
	format           string
	detailedExitCode bool
	out              string
	maxBytes         int
}

func newPlan(o *options) *cobra.Command {
	f := &planFlags{}
	cmd := &cobra.Command{
		Use: "plan",
		Example: `  syncd plan
  syncd plan --tenant shop -o json
  syncd plan --out plan.json --detailed-exitcode   # a PR check: 0 none, 1 error, 2 changes`,
		Short: "Show what would change in Vault and the cluster (read-only)",
		Long: `plan reads the tenant files, reads the live state of Vault and the cluster
(read-only: it never writes), and prints the ordered changes that would make
live match desired.

Vault: VAULT_ADDR, VAULT_TOKEN, VAULT_CACERT, VAULT_NAMESPACE.
Kubernetes: --kubeconfig, then KUBECONFIG, then the in-cluster config.

Exit status: 0 success (with --detailed-exitcode: no changes), 1 error,
2 changes present (only with --detailed-exitcode).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.runPlan(cmd.Context(), f) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "output", "o", "text", "output format: text, json, markdown")
	fl.BoolVar(&f.detailedExitCode, "detailed-exitcode", false, "exit 2 when the plan has changes, 0 when it has none")
	fl.StringVar(&f.out, "out", "", "also save the plan as JSON to this file, for a later `syncd apply FILE` (-out FILE works too)")
	fl.IntVar(&f.maxBytes, "max-bytes", 0, "with -o markdown: fit the plan in this many bytes (a PR comment: 65000), keeping the summary, every error and warning, and as many tenants' details as fit")
	f.planOptions.flags(cmd)
	tenantFlag(cmd, &f.tenants, "only these tenants; the others are neither changed nor off-boarded")
	f.vault.flags(cmd, "syncd-plan")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(planFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *options) runPlan(ctx context.Context, f *planFlags) error {
	if !slices.Contains(planFormats, f.format) {
		return fmt.Errorf("-o must be one of %v, got %q", planFormats, f.format)
	}
	f.planOptions.unchanged = f.format == "json" || f.out != "" // the JSON plan lists every no-op
	c, err := o.computePlan(ctx, f.planOptions)
	if err != nil {
		return err
	}
	plan := c.Plan
	if f.out != "" {
		if err := savePlan(f.out, plan); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	var err2 error
	if f.format == "markdown" && f.maxBytes > 0 {
		err2 = output.MarkdownBounded(o.stdout, plan, f.maxBytes)
	} else {
		err2 = output.Plan(o.stdout, plan, f.format, output.UseColor(o.stdout))
	}
	if err2 != nil {
		return err2
	}
	switch {
	case len(plan.Errors) > 0:
		return exitError{ExitError}
	case f.detailedExitCode && plan.HasChanges():
		return exitError{ExitChanges}
	}
	return nil
}

// savePlan writes the plan as JSON, readable only by its owner.
func savePlan(path string, p *diff.Plan) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := output.JSON(f, p); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// flags registers the options plan and apply share.
func (po *planOptions) flags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&po.adopt, "adopt", false, "take over existing objects syncd does not own that hold desired names")
	fl.BoolVar(&po.allowDeletes, "allow-deletes", false, "lift the deletion guard (an empty tenants/, or more destructive steps than guard allows)")
	fl.DurationVar(&po.timeout, "timeout", 0, "give up reading the live state after this long (default 2m plus 25ms per tenant planned)")
	fl.StringVar(&po.conn.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config, then in-cluster)")
	fl.StringVar(&po.conn.kubeContext, "context", "", "kubeconfig context")
	po.src.flags(cmd)
}
