package cli

import (
	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/output"
	"github.com/syncd-dev/syncd/internal/version"
)

func newVersion(o *options) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print syncd's version, commit, Go version and platform",
		Example: `  syncd version
  syncd version -o json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return output.Version(o.stdout, version.Get(), format) },
	}
	cmd.Flags().StringVarP(&format, "output", "o", "text", "text or json")
	return cmd
}
