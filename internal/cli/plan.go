package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
)

var planFormats = []string{"text", "json", "markdown"}

type planFlags struct {
	format           string
	detailedExitCode bool
	out              string
	adopt            bool
	allowDeletes     bool
	timeout          time.Duration
	conn             connection
}

func newPlan(o *options) *cobra.Command {
	f := &planFlags{}
	cmd := &cobra.Command{
		Use:   "plan",
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
	fl.BoolVar(&f.adopt, "adopt", false, "take over existing objects syncd does not own that hold desired names")
	fl.BoolVar(&f.allowDeletes, "allow-deletes", false, "lift the deletion guard (an empty tenants/ or more off-boarding than guard allows)")
	fl.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up reading the live state after this long")
	fl.StringVar(&f.conn.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config, then in-cluster)")
	fl.StringVar(&f.conn.kubeContext, "context", "", "kubeconfig context")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(planFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *options) runPlan(ctx context.Context, f *planFlags) error {
	if !slices.Contains(planFormats, f.format) {
		return fmt.Errorf("-o must be one of %v, got %q", planFormats, f.format)
	}
	l, err := o.load()
	if err != nil {
		return err
	}
	if l.isolation != nil {
		return l.isolation // never plan a state that fails the isolation proof
	}
	for _, e := range l.tenants.Errors {
		fmt.Fprintln(o.stderr, e)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	var vaultCount, kubeCount live.Counter
	vc, err := vaultClient(&vaultCount)
	if err != nil {
		return err
	}
	kc, err := f.conn.kubeClient(&kubeCount)
	if err != nil {
		return err
	}
	inv, err := inventory.Store{KV: vc.Logical(), Mount: l.cfg.Inventory.Mount, Path: l.cfg.Inventory.Path}.Load(ctx)
	if err != nil {
		return err
	}
	want := diff.Wanted(l.cfg, l.state, inv)
	st, err := live.ReadAll(ctx, want,
		vaultread.Reader{Logical: vc.Logical(), Config: l.cfg},
		kuberead.Reader{Dynamic: kc, Config: l.cfg})
	if err != nil {
		return fmt.Errorf("reading live state: %w", err)
	}
	st.Inventory = inv
	var fileErrors []diff.Problem
	for _, e := range l.tenants.Errors {
		fileErrors = append(fileErrors, diff.Problem{Message: e.Error()})
	}
	plan := diff.Compute(diff.Input{
		Config: l.cfg, Desired: l.state, Unknown: l.tenants.Invalid, Live: st, Now: time.Now(),
		Options:  diff.Options{Adopt: f.adopt, AllowDeletes: f.allowDeletes},
		Problems: fileErrors,
	})
	plan.Requests = diff.Requests{Vault: vaultCount.Count(), Kubernetes: kubeCount.Count()}
	o.log.Info("plan computed", "create", plan.Summary.Create, "update", plan.Summary.Update,
		"delete", plan.Summary.Delete, "offboard", plan.Summary.Offboard, "errors", plan.Summary.Errors,
		"vault_requests", plan.Requests.Vault, "kubernetes_requests", plan.Requests.Kubernetes)
	if f.out != "" {
		if err := savePlan(f.out, plan); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if err := writePlan(o.stdout, plan, f.format, useColor(o.stdout)); err != nil {
		return err
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
	if err := writeJSON(f, p); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
