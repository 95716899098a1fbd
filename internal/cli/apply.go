package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/output"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/safefile"
)

type applyFlags struct {
	planOptions
	format      string
	autoApprove bool
	parallelism int
}

func newApply(o *options) *cobra.Command {
	f := &applyFlags{}
	cmd := &cobra.Command{
		Use: "apply [PLANFILE]",
		Example: `  syncd apply                                   # plan, show, ask, apply
  syncd apply --tenant shop,web --auto-approve  # only these tenants; the others untouched
  syncd plan --out plan.json && syncd apply plan.json   # exactly the reviewed plan, refused when stale`,
		Short: "Make Vault and the cluster match the tenant files",
		Long: `apply computes a fresh plan, prints it, asks for confirmation on a terminal
(--auto-approve to skip it; without a terminal it is required) and applies it
wave by wave. With PLANFILE (from plan --out) it applies that saved plan, and
refuses it when the live state or the tenant files changed since it was made.

A failed change skips only the changes that depend on it; transient failures
are retried. Every object syncd creates is recorded in the inventory before it
is written. Re-running after any failure converges.

Exit status: 0 everything applied, 1 otherwise.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := ""
			if len(args) == 1 {
				file = args[0]
			}
			return o.runApply(cmd.Context(), f, file)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "output", "o", "text", "result format: text, json, markdown")
	fl.BoolVar(&f.autoApprove, "auto-approve", false, "apply without asking")
	fl.IntVar(&f.parallelism, "parallelism", apply.DefaultParallelism, "changes of one wave in flight at once")
	f.planOptions.flags(cmd)
	tenantFlag(cmd, &f.tenants, "only these tenants; the others are neither changed nor off-boarded")
	f.vault.flags(cmd, "syncd")
	f.src.historyFlags(cmd)
	return cmd
}

func (o *options) runApply(ctx context.Context, f *applyFlags, file string) error {
	if !slices.Contains(planFormats, f.format) {
		return fmt.Errorf("-o must be one of %v, got %q", planFormats, f.format)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var saved *diff.Plan // a saved plan is read before any credential is used
	if file != "" {
		var err error
		if saved, err = readPlan(file); err != nil {
			return err
		}
	}
	po := f.planOptions
	po.applying = true
	c, err := o.computePlan(ctx, po)
	if err != nil {
		return err
	}
	// From here on only the plan and what applying it needs are held: the
	// desired objects and the live state go before the plan is shown.
	plan, clients, applier := c.Plan, c.Clients, c.Applier()
	planOut := o.stdout
	if f.format != "text" {
		planOut = o.stderr
	}
	if file != "" {
		if plan, err = fresh(file, saved, plan); err != nil { // checked against the plan just computed
			return err
		}
	} else if err := output.Plan(planOut, plan, "text", output.UseColor(planOut)); err != nil {
		return err
	}
	if !plan.HasChanges() {
		if err := o.record(ctx); err != nil {
			return err
		}
		fmt.Fprintf(o.stderr, "No changes: live state matches the tenant files (%d Vault and %d Kubernetes writes).\n", clients.VaultN.Writes(), clients.KubeN.Writes())
		if len(plan.Errors) > 0 {
			return exitError{ExitError}
		}
		return nil
	}
	if !f.autoApprove && file == "" {
		if err := o.confirm(plan); err != nil {
			return err
		}
	}
	res := applier.Apply(ctx, plan, reconcile.ApplyOptions{Parallelism: f.parallelism, LeaseTTL: leaseTTL(), Progress: o.progress()})
	o.log.Info("apply finished", "applied", res.Summary.Applied, "failed", res.Summary.Failed, "skipped", res.Summary.Skipped,
		"vault_writes", res.Requests.VaultWrites, "kubernetes_writes", res.Requests.KubernetesWrites)
	if err := output.Result(o.stdout, res, f.format); err != nil {
		return err
	}
	if err := o.record(ctx); err != nil { // applied, in part or in full: an older commit must not undo it
		return err
	}
	if !res.OK() || len(plan.Errors) > 0 {
		return exitError{ExitError}
	}
	return nil
}

// readPlan reads a saved plan (plan --out).
func readPlan(file string) (*diff.Plan, error) {
	data, err := safefile.Read(file, planFileMax, safefile.FollowLinks)
	if err != nil {
		return nil, err
	}
	var saved diff.Plan
	if err := json.Unmarshal(data, &saved); err != nil {
		return nil, fmt.Errorf("%s: not a saved plan: %w", file, err)
	}
	if saved.Version != diff.SchemaVersion {
		return nil, fmt.Errorf("%s: plan version %q, this syncd applies %q", file, saved.Version, diff.SchemaVersion)
	}
	return &saved, nil
}

// fresh refuses the saved plan when the live state or the files it was
// made from changed since: current is the plan just computed.
func fresh(file string, saved, current *diff.Plan) (*diff.Plan, error) {
	fresh := current
	var why []string
	if saved.Live.Files != fresh.Live.Files {
		why = append(why, fmt.Sprintf("the config or tenant files changed (files %s, now %s)", saved.Live.Files, fresh.Live.Files))
	}
	if saved.Live.Hash != fresh.Live.Hash {
		why = append(why, fmt.Sprintf("the live state changed (fingerprint %s, now %s)", saved.Live.Hash, fresh.Live.Hash))
	}
	if !maps.Equal(saved.Live.TenantVersions, fresh.Live.TenantVersions) {
		why = append(why, "the inventory changed")
	}
	if len(why) > 0 {
		return nil, fmt.Errorf("plan %s is stale: %s since it was made; nothing was applied. Plan again", file, strings.Join(why, "; "))
	}
	return saved, nil
}

// confirm asks on a terminal; without one it refuses.
func (o *options) confirm(p *diff.Plan) error {
	in := o.stdin
	if in == nil {
		in = os.Stdin
	}
	if f, ok := in.(*os.File); !ok || !output.IsTerminal(f) {
		return fmt.Errorf("refusing to apply without confirmation: standard input is not a terminal; review the plan and pass --auto-approve")
	}
	n := 0
	for _, c := range p.Changes {
		if c.Action != diff.NoOp {
			n++
		}
	}
	fmt.Fprintf(o.stderr, "\nApply these %d changes to Vault and the cluster? Only 'yes' will be accepted: ", n)
	line, _ := bufio.NewReader(in).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		fmt.Fprintln(o.stderr, "Apply cancelled: nothing was changed.")
		return exitError{ExitError}
	}
	return nil
}

// progress reports each change as it ends: a line per change on a
// terminal, failures only otherwise (the result says the rest).
func (o *options) progress() func(apply.Progress) {
	tty := false
	if f, ok := o.stderr.(*os.File); ok {
		tty = output.IsTerminal(f)
	}
	killAfter := crashPoint()
	return func(p apply.Progress) {
		if killAfter > 0 && p.Done == killAfter {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL) // fault injection: see crashPoint
		}
		c := p.Change
		switch {
		case tty:
			fmt.Fprintf(o.stderr, "[wave %d/%d] %d/%d %s %s: %s\n", p.Wave+1, p.Waves, p.Done, p.Total, c.Action, c.ID.Short(), c.Status)
		case c.Status == apply.Failed:
			o.log.Warn("change failed", "id", c.ID.String(), "tenant", c.Tenant, "attempts", c.Attempts, "error", c.Error)
		}
	}
}
