package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/rotate"
)

func newRotate(o *options) *cobra.Command {
	req := rotate.Request{}
	po := &planOptions{}
	cmd := &cobra.Command{
		Use: "rotate TENANT",
		Example: `  syncd rotate shop --database catalog --dry-run
  syncd rotate shop --secret stripe --restart deployment/checkout`,
		Short: "Rotate a tenant's credentials: database leases, KV secrets, Deployments that read them at start",
		Long: `rotate runs the rotation patterns for one tenant:

  --database NAME     revoke every lease of that database role (its database
                      users are dropped), then have ESO fetch new credentials
                      at once (the ExternalSecret's force-sync annotation)
  --secret NAME       after a KV value changed, have ESO re-read it at once
  --restart deployment/NAME
                      set secret-rotation=<now> on the Deployment's pod
                      template, so it rolls and reads its Secrets again

Each is repeatable. --dry-run prints what would be done.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Tenant = args[0]
			return o.runRotate(cmd.Context(), po, req)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&req.Databases, "database", nil, "database name in the tenant file (repeatable)")
	fl.StringArrayVar(&req.Secrets, "secret", nil, "secret name in the tenant file (repeatable)")
	fl.StringArrayVar(&req.Restart, "restart", nil, "deployment/NAME in the tenant's namespace to roll (repeatable)")
	fl.BoolVar(&req.DryRun, "dry-run", false, "print what would be done, do nothing")
	fl.StringVar(&po.conn.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config, then in-cluster)")
	fl.StringVar(&po.conn.kubeContext, "context", "", "kubeconfig context")
	po.src.flags(cmd)
	return cmd
}

func (o *options) runRotate(ctx context.Context, po *planOptions, req rotate.Request) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if len(req.Databases)+len(req.Secrets)+len(req.Restart) == 0 {
		return fmt.Errorf("nothing to rotate: give --database, --secret or --restart")
	}
	if _, err := o.fetch(ctx, &po.src, nil); err != nil {
		return err
	}
	repo, err := o.load()
	if err != nil {
		return err
	}
	if !repo.HasTenant(req.Tenant) {
		return unknownTenant(req.Tenant, tenantFileNames(o.dir))
	}
	req.Now = time.Now()
	r := rotate.Rotator{Config: repo.Cfg, State: repo.State}
	if !req.DryRun { // a dry run writes nothing: it needs no credentials
		vc, err := o.vaultClient(&live.Counter{})
		if err != nil {
			return err
		}
		if r.Dynamic, err = po.conn.kubeClient(&live.Counter{}); err != nil {
			return err
		}
		r.Revoke = func(ctx context.Context, prefix string) error {
			_, err := vc.Logical().WriteWithContext(ctx, "sys/leases/revoke-prefix/"+prefix, map[string]any{"sync": true})
			return err
		}
	}
	steps, err := r.Run(ctx, req)
	for _, s := range steps {
		mark := "done"
		if !s.Done {
			mark = "would"
		}
		fmt.Fprintf(o.stdout, "%-5s %s\n", mark, s.What)
	}
	return err
}
