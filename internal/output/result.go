package output

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/apply"
)

// Result prints an apply result as text, JSON or Markdown.
func Result(w io.Writer, r *apply.Result, format string) error {
	switch format {
	case "json":
		return JSON(w, r)
	case "markdown":
		return writeResultMarkdown(w, r)
	}
	b := bufio.NewWriterSize(w, 64<<10) // written as it goes, as the plan is
	fmt.Fprintf(b, "syncd apply: %s\n", resultLine(r))
	if r.Revision != "" {
		fmt.Fprintf(b, "revision %s\n", r.Revision)
	}
	tenants, groups := resultsByTenant(r)
	for _, t := range tenants {
		fmt.Fprintf(b, "\ntenant %s\n", t)
		for _, c := range groups[t] {
			fmt.Fprintf(b, "  %-2s %s %s  (wave %d): %s", symbols[c.Action], c.Action, c.ID.Short(), c.Wave, c.Status)
			if c.Attempts > 1 {
				fmt.Fprintf(b, " after %d attempts", c.Attempts)
			}
			b.WriteString("\n")
			if c.Error != "" {
				fmt.Fprintf(b, "       %s\n", c.Error)
			}
			if c.Upstream != nil {
				fmt.Fprintf(b, "       upstream failed: %s\n", c.Upstream.Short())
			}
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(b, "\nerror: %s\n", e)
	}
	return b.Flush()
}

func resultLine(r *apply.Result) string {
	s, q := r.Summary, r.Requests
	return fmt.Sprintf("%d applied, %d failed, %d skipped; %d Vault writes (%d requests), %d Kubernetes writes (%d requests)",
		s.Applied, s.Failed, s.Skipped, q.VaultWrites, q.Vault, q.KubernetesWrites, q.Kubernetes)
}

func resultsByTenant(r *apply.Result) ([]string, map[string][]*apply.ChangeResult) {
	groups := map[string][]*apply.ChangeResult{}
	var names []string
	for i := range r.Changes {
		c := &r.Changes[i]
		if _, ok := groups[c.Tenant]; !ok {
			names = append(names, c.Tenant)
		}
		groups[c.Tenant] = append(groups[c.Tenant], c)
	}
	slices.Sort(names)
	return names, groups
}

func writeResultMarkdown(w io.Writer, r *apply.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### syncd apply\n\n%s.\n", resultLine(r))
	tenants, groups := resultsByTenant(r)
	for _, t := range tenants {
		fmt.Fprintf(&b, "\n#### Tenant %s\n\n| | action | object | wave | status |\n|---|---|---|---|---|\n", mdCode(t))
		for _, c := range groups[t] {
			status := string(c.Status)
			switch {
			case c.Error != "":
				status += ": " + mdEscape(c.Error)
			case c.Upstream != nil:
				status += ": upstream failed: " + mdCode(c.Upstream.Short())
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %s |\n", mdCode(symbols[c.Action]), c.Action, mdCode(c.ID.Short()), c.Wave, status)
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "\n- :x: %s\n", mdEscape(e))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
