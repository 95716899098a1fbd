package output

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/syncd-dev/syncd/internal/version"
)

// Version writes in as text (one field a line) or JSON.
func Version(w io.Writer, in version.Info, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	case "text", "":
		fmt.Fprintf(w, "syncd %s\n", in.Version)
		if in.Commit != "" {
			modified := ""
			if in.Modified {
				modified = ", with uncommitted changes"
			}
			fmt.Fprintf(w, "commit:   %s (%s%s)\n", in.Commit, in.CommitAt, modified)
		}
		_, err := fmt.Fprintf(w, "go:       %s\nplatform: %s\n", in.GoVersion, in.Platform)
		return err
	default:
		return fmt.Errorf("-o must be text or json, got %q", format)
	}
}
