package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/output"
	"github.com/syncd-dev/syncd/internal/verify"
)

func newVerify(o *options) *cobra.Command {
	var format string
	var maxOthers int
	po := &planOptions{}
	cmd := &cobra.Command{
		Use: "verify [TENANT...]",
		Example: `  syncd verify
  syncd verify shop web`,
		Short: "Prove each tenant's isolation against live Vault, logging in as its ESO does",
		Long: `verify logs in to Vault as each tenant's ESO does (a service-account token
from the TokenRequest API, the tenant's auth role) and asks Vault what that
token can do: read each of the tenant's own paths, and nothing of the other
tenants' paths (all, or a deterministic sample past --max-others) or of Vault's
sensitive paths. It also checks the tenant's role refuses another tenant's
service account. Every token it creates is revoked before it exits; it needs
no Vault token of its own, and create on serviceaccounts/token in Kubernetes.

Exit status: 0 every tenant isolated with all its grants, 1 otherwise.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(planFormats, format) {
				return fmt.Errorf("-o must be one of %v, got %q", planFormats, format)
			}
			return o.runVerify(cmd.Context(), po, args, format, maxOthers)
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "text", "output format: text, json, markdown")
	cmd.Flags().IntVar(&maxOthers, "max-others", 200, "other tenants' paths checked per tenant; past it, a deterministic sample")
	cmd.Flags().StringVar(&po.conn.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config, then in-cluster)")
	cmd.Flags().StringVar(&po.conn.kubeContext, "context", "", "kubeconfig context")
	po.src.flags(cmd)
	return cmd
}

func (o *options) runVerify(ctx context.Context, po *planOptions, only []string, format string, maxOthers int) error {
	if ctx == nil {
		ctx = context.Background()
	}
	snap, err := o.fetch(ctx, &po.src, nil)
	if err != nil {
		return err
	}
	repo, err := o.load()
	if err != nil {
		return err
	}
	for _, name := range only {
		if !repo.HasTenant(name) {
			return fmt.Errorf("no valid tenant file for %q", name)
		}
	}
	kc, err := po.conn.typedClient()
	if err != nil {
		return err
	}
	vc, err := o.vaultClientNoToken(&live.Counter{})
	if err != nil {
		return err
	}
	rep := verify.Run(ctx, repo.Cfg, repo.State, only, verify.KubeTokens{Client: kc}, verify.VaultClient{Client: vc}, verify.Options{MaxOthers: maxOthers})
	o.log.Info("verified", "revision", snap.Revision, "checks", len(rep.Checks), "violations", rep.Violations, "missing", rep.Missing,
		"tokens", rep.Tokens, "revoked", rep.Revoked)
	if err := output.Report(o.stdout, rep, format); err != nil {
		return err
	}
	if !rep.OK() {
		return exitError{ExitError}
	}
	return nil
}
