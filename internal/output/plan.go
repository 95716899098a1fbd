package output

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"golang.org/x/term"

	"github.com/syncd-dev/syncd/internal/diff"
)

// symbols mark each action in text and Markdown output.
var symbols = map[diff.Action]string{
	diff.Create: "+", diff.Update: "~", diff.Adopt: "~", diff.Delete: "-",
	diff.RevokeLeases: "x", diff.DeprecatePolicy: "~>", diff.DeleteDeprecated: "-", diff.DeleteKVMetadata: "-",
	diff.Confirm: "=", diff.Forget: ".",
}

const (
	green, yellow, red, bold, reset = "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[1m", "\x1b[0m"
)

var colors = map[diff.Action]string{
	diff.Create: green, diff.Update: yellow, diff.Adopt: yellow, diff.Delete: red,
	diff.RevokeLeases: red, diff.DeprecatePolicy: yellow, diff.DeleteDeprecated: red, diff.DeleteKVMetadata: red,
	diff.Confirm: "", diff.Forget: "",
}

// UseColor: colours only on a terminal, and never with NO_COLOR set.
func UseColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return IsTerminal(f)
}

// IsTerminal asks the terminal driver (a character device such as
// /dev/null is not a terminal).
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Plan writes p as text (coloured when color), json or markdown.
func Plan(w io.Writer, p *diff.Plan, format string, color bool) error {
	switch format {
	case "json":
		return JSON(w, p)
	case "markdown":
		return Markdown(w, p)
	}
	return writeText(w, p, color)
}

// byTenant groups the changes that do something per tenant, in plan
// order, pointing into the plan (not copies of its changes).
func byTenant(p *diff.Plan) (names []string, groups map[string][]*diff.Change) {
	groups = map[string][]*diff.Change{}
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Action == diff.NoOp {
			continue
		}
		t := c.Tenant
		if _, ok := groups[t]; !ok {
			names = append(names, t)
		}
		groups[t] = append(groups[t], c)
	}
	slices.Sort(names)
	return names, groups
}

func summaryLine(p *diff.Plan) string {
	s := p.Summary
	line := fmt.Sprintf("%d to create, %d to update, %d to adopt, %d to delete, %d off-boarding steps, %d unchanged, %d errors",
		s.Create, s.Update, s.Adopt, s.Delete, s.Offboard, s.NoOp, s.Errors)
	if s.Record > 0 {
		line += fmt.Sprintf(", %d to record in the inventory only", s.Record)
	}
	return line
}

func writeText(w io.Writer, p *diff.Plan, color bool) error {
	paint := func(c, s string) string {
		if !color || c == "" {
			return s
		}
		return c + s + reset
	}
	// Written as it goes: memory holds one change's text, not the plan's
	// (a plan from scratch lists every field of every create).
	b := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(b, "%s %s\n", paint(bold, "syncd plan:"), summaryLine(p))
	if p.Revision != "" {
		fmt.Fprintf(b, "revision %s\n", p.Revision)
	}
	names, groups := byTenant(p)
	for _, t := range names {
		fmt.Fprintf(b, "\n%s\n", paint(bold, "tenant "+t))
		for _, c := range groups[t] {
			head := fmt.Sprintf("  %-2s %s %s", symbols[c.Action], c.Action, c.ID.Short())
			fmt.Fprintf(b, "%s  (wave %d)\n", paint(colors[c.Action], head), c.Wave)
			if c.Note != "" {
				fmt.Fprintf(b, "       # %s\n", c.Note)
			}
			for _, f := range c.FieldList() {
				writeField(b, f, c.Action, "       ", "         ")
			}
		}
	}
	if len(p.Errors) > 0 {
		fmt.Fprintf(b, "\n%s\n", paint(red, "errors:"))
		for _, e := range p.Errors {
			fmt.Fprintf(b, "  %s\n", Problem(e))
		}
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintf(b, "\n%s\n", paint(yellow, "warnings:"))
		for _, e := range p.Warnings {
			fmt.Fprintf(b, "  %s\n", Problem(e))
		}
	}
	if len(p.Held) > 0 {
		fmt.Fprintf(b, "\nheld (tenant file invalid, live objects left untouched): %s\n", strings.Join(p.Held, ", "))
	}
	for _, wt := range p.Waiting {
		fmt.Fprintf(b, "\nwaiting: tenant %s's policy %s is deleted after %s\n", wt.Tenant, wt.Policy, wt.DeleteAfter.Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintf(b, "\nread %d Vault and %d Kubernetes requests; live state %s (inventory version %d)\n",
		p.Requests.Vault, p.Requests.Kubernetes, p.Live.Hash, p.Live.InventoryVersion)
	return b.Flush()
}

// writeField prints one field; multi-line values (HCL, statements) as a
// line diff.
func writeField(b io.Writer, f diff.Field, a diff.Action, indent, sub string) {
	if !strings.Contains(f.Before+f.After, "\n") {
		switch {
		case a == diff.Create:
			fmt.Fprintf(b, "%s%s: %q\n", indent, f.Path, f.After)
		default:
			fmt.Fprintf(b, "%s%s: %q -> %q\n", indent, f.Path, f.Before, f.After)
		}
		return
	}
	fmt.Fprintf(b, "%s%s:\n", indent, f.Path)
	for _, l := range lineDiff(f.Before, f.After) {
		fmt.Fprintf(b, "%s%s\n", sub, strings.TrimRight(l, " "))
	}
}

// lineDiff is a line diff (difflib's matcher): "  same", "- gone", "+ new".
func lineDiff(before, after string) []string {
	a, b := splitLines(before), splitLines(after)
	var out []string
	for _, op := range difflib.NewMatcher(a, b).GetOpCodes() {
		if op.Tag == 'e' {
			for _, l := range a[op.I1:op.I2] {
				out = append(out, "  "+l)
			}
			continue
		}
		for _, l := range a[op.I1:op.I2] { // 'd' and 'r'
			out = append(out, "- "+l)
		}
		for _, l := range b[op.J1:op.J2] { // 'i' and 'r'
			out = append(out, "+ "+l)
		}
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

func Problem(e diff.Problem) string {
	if e.ID.Name == "" {
		return e.Message
	}
	if e.Tenant != "" {
		return fmt.Sprintf("%s (tenant %s): %s", e.ID.Short(), e.Tenant, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.ID.Short(), e.Message)
}
