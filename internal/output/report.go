package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/syncd-dev/syncd/internal/verify"
)

// Report writes a verify report as text, json or markdown.
func Report(w io.Writer, r *verify.Report, format string) error {
	if format == "json" {
		return JSON(w, r)
	}
	md := format == "markdown"
	var b strings.Builder
	line := fmt.Sprintf("%d checks, %d violations, %d missing grants, %d errors; %d Vault tokens created, %d revoked",
		len(r.Checks), r.Violations, r.Missing, len(r.Errors), r.Tokens, r.Revoked)
	if md {
		fmt.Fprintf(&b, "### syncd verify\n\n%s.\n", line)
	} else {
		fmt.Fprintf(&b, "syncd verify: %s\n", line)
	}
	tenant := ""
	for _, c := range r.Checks {
		if c.Tenant != tenant {
			tenant = c.Tenant
			if md {
				fmt.Fprintf(&b, "\n#### Tenant %s\n\n| | kind | path | capabilities | problem |\n|---|---|---|---|---|\n", mdCode(tenant))
			} else {
				fmt.Fprintf(&b, "\ntenant %s\n", tenant)
			}
		}
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		if md {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mark, c.Kind, mdCode(c.Path), mdCode(strings.Join(c.Got, ", ")), mdEscape(c.Problem))
			continue
		}
		fmt.Fprintf(&b, "  %s %-9s %s [%s]", mark, c.Kind, c.Path, strings.Join(c.Got, ", "))
		if c.Problem != "" {
			fmt.Fprintf(&b, "  %s", c.Problem)
		}
		b.WriteString("\n")
	}
	for _, e := range r.Errors {
		if md {
			fmt.Fprintf(&b, "\n- :x: %s\n", mdEscape(e))
		} else {
			fmt.Fprintf(&b, "\nerror: %s\n", e)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
