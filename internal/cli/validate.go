package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/memlimit"
	"github.com/syncd-dev/syncd/internal/output"
	"github.com/syncd-dev/syncd/internal/reconcile"
)

func newValidate(o *options) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the platform config and every tenant file, offline",
		Long: `validate decodes syncd.yaml and every tenants/*.yaml strictly, reports every
problem with file:line:column and field, builds the desired state and proves
offline that no tenant's policy or ESO objects reach another tenant.
-o json prints the verdict and every error for a program; -o github prints
GitHub Actions annotations (each error on its line of the pull request);
-o gitlab prints a GitLab code quality report.
Exit status: 0 valid, 1 any error.`,
		Example: `  syncd validate
  syncd validate --dir ../tenants-repo -o json
  syncd validate -o github                       # in a GitHub Actions step
  syncd validate -o gitlab > gl-code-quality.json  # artifacts:reports:codequality`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			memlimit.Offline() // files in, an answer out: its CPU is its wall time
			if !slices.Contains(output.ValidationFormats, format) {
				return fmt.Errorf("-o must be one of %v, got %q", output.ValidationFormats, format)
			}
			l, err := reconcile.Check(o.dir, o.config, o.log)
			if err != nil {
				return err
			}
			v := validation(l)
			if v.Valid && l.Proof.Tenants == 0 {
				o.log.Warn("no tenant files found", "dir", o.dir)
			}
			if err := output.ValidationReport(o.stdout, o.stderr, v, format); err != nil {
				return err
			}
			if !v.Valid {
				return exitError{ExitError}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "text", "text, json, github (annotations) or gitlab (code quality report)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.ValidationFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validation turns what Check found into the report: every field error
// where it is, and each isolation failure at its tenant's file.
func validation(l *reconcile.Checked) output.Validation {
	v := output.Validation{Tenants: l.Proof.Tenants, Objects: l.Proof.Objects}
	files := map[string]bool{}
	for _, e := range l.Tenants.Errors {
		v.Errors = append(v.Errors, output.FileNote{File: e.Pos.File, Line: e.Pos.Line, Column: e.Pos.Column, Field: e.Field, Message: e.Msg})
		files[e.Pos.File] = true
	}
	if l.Proof.Isolation != nil {
		for _, err := range leaves(l.Proof.Isolation) {
			n := output.FileNote{File: "syncd.yaml", Message: err.Error()}
			var ie *desired.IsolationError
			if errors.As(err, &ie) && ie.Tenant != "" {
				n.File = filepath.Join(l.TenantsDir, ie.Tenant+".yaml")
			}
			v.Errors = append(v.Errors, n)
			files[n.File] = true
		}
	}
	v.Valid, v.Files = len(v.Errors) == 0, len(files)
	return v
}

// leaves splits a joined error into its parts.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}
