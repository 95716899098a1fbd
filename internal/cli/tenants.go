package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/suggest"
)

// tenantFlag registers --tenant the same way in every command that takes
// it: repeatable and comma-separated (a tenant name holds no comma), with
// the tenant files' names as completions.
func tenantFlag(cmd *cobra.Command, into *[]string, usage string) {
	cmd.Flags().StringSliceVar(into, "tenant", nil, usage+" (repeatable, or comma-separated)")
	_ = cmd.RegisterFlagCompletionFunc("tenant", completeTenants)
}

// completeTenants lists the tenant files of --dir.
func completeTenants(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	return tenantFileNames(cmd.Flag("dir").Value.String()), cobra.ShellCompDirectiveNoFileComp
}

// tenantFileNames are the names of dir's tenants/*.yaml files.
func tenantFileNames(dir string) []string {
	entries, _ := os.ReadDir(filepath.Join(dir, "tenants"))
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			names = append(names, name)
		}
	}
	return names
}

// unknownTenant says that name is no tenant of known, with the nearest.
func unknownTenant(name string, known []string) error {
	return fmt.Errorf("no tenant %q in tenants/%s", name, suggest.Hint(name, known))
}
