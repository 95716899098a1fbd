package cli

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/output"
)

func newShow(o *options) *cobra.Command {
	var format string
	var maxBytes int
	cmd := &cobra.Command{
		Use:   "show PLANFILE",
		Short: "Render a saved plan (plan --out) as text, JSON or Markdown, offline",
		Long: `show prints a plan saved by syncd plan --out, without reading Vault or the
cluster: a CI job plans once, then posts the Markdown and keeps the JSON.
Exit status: 0, or 1 when the file is not a saved plan of this version or the
plan has errors.`,
		Example: `  syncd plan --out plan.json
  syncd show plan.json
  syncd show plan.json -o markdown --max-bytes 65000 > comment.md`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(planFormats, format) {
				return fmt.Errorf("-o must be one of %v, got %q", planFormats, format)
			}
			plan, err := readPlan(args[0])
			if err != nil {
				return err
			}
			if format == "markdown" && maxBytes > 0 {
				err = output.MarkdownBounded(o.stdout, plan, maxBytes)
			} else {
				err = output.Plan(o.stdout, plan, format, output.UseColor(o.stdout))
			}
			if err != nil {
				return err
			}
			if plan.Errored {
				return exitError{ExitError}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "text", "text, json or markdown")
	cmd.Flags().IntVar(&maxBytes, "max-bytes", 0, "with -o markdown: fit the plan in this many bytes (a PR comment: 65000)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(planFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
