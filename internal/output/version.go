package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

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
			var about []string
			if in.CommitAt != "" {
				about = append(about, in.CommitAt)
			}
			if in.Modified {
				about = append(about, "with uncommitted changes")
			}
			line := "commit:   " + in.Commit
			if len(about) > 0 {
				line += " (" + strings.Join(about, ", ") + ")"
			}
			fmt.Fprintln(w, line)
		}
		_, err := fmt.Fprintf(w, "go:       %s\nplatform: %s\n", in.GoVersion, in.Platform)
		return err
	default:
		return fmt.Errorf("-o must be text or json, got %q", format)
	}
}
