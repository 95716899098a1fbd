package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

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

// useColor: colours only on a terminal, and never with NO_COLOR set.
func useColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(f)
}

func writePlan(w io.Writer, p *diff.Plan, format string, color bool) error {
	switch format {
	case "json":
		return writeJSON(w, p)
	case "markdown":
		return writeMarkdown(w, p)
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
	// Written as it goes: a 10,000-tenant apply from scratch lists every
	// field of 76,000 creates, and the whole text at once was hundreds of MB.
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
			fmt.Fprintf(b, "  %s\n", problem(e))
		}
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintf(b, "\n%s\n", paint(yellow, "warnings:"))
		for _, e := range p.Warnings {
			fmt.Fprintf(b, "  %s\n", problem(e))
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

func problem(e diff.Problem) string {
	if e.ID.Name == "" {
		return e.Message
	}
	if e.Tenant != "" {
		return fmt.Sprintf("%s (tenant %s): %s", e.ID.Short(), e.Tenant, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.ID.Short(), e.Message)
}

func writeMarkdown(w io.Writer, p *diff.Plan) error { return writeMarkdownBounded(w, p, 0) }

// writeMarkdownBounded is writeMarkdown within max bytes (0: no bound), for
// a PR comment (GitHub caps one at 65,536 characters). The summary, every
// error and warning, the held and waiting tenants and the footer are always
// kept; tenants' details follow in order while they fit, and a note says how
// many were left out.
func writeMarkdownBounded(w io.Writer, p *diff.Plan, max int) error {
	var head, tail strings.Builder
	fmt.Fprintf(&head, "### syncd plan\n\n%s.\n", summaryLine(p))
	if p.Revision != "" {
		fmt.Fprintf(&head, "\nRevision %s.\n", mdCode(p.Revision))
	}
	if len(p.Errors) > 0 {
		fmt.Fprintf(&head, "\n**Errors**\n\n")
		for _, e := range p.Errors {
			fmt.Fprintf(&head, "- :x: %s\n", mdEscape(problem(e)))
		}
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintf(&head, "\n**Warnings**\n\n")
		for _, e := range p.Warnings {
			fmt.Fprintf(&head, "- :warning: %s\n", mdEscape(problem(e)))
		}
	}
	writeMarkdownTail(&tail, p)
	names, groups := byTenant(p)
	var body strings.Builder
	left := 0
	const noteRoom = 200 // the left-out note
	for i, t := range names {
		section := markdownTenant(t, groups[t])
		if max > 0 && head.Len()+body.Len()+len(section)+tail.Len()+noteRoom > max {
			left = len(names) - i
			break
		}
		body.WriteString(section)
	}
	if left > 0 {
		fmt.Fprintf(&body, "\n_%d of %d tenants' details left out to fit one comment; the full plan is in the job's artifact (syncd plan -o markdown without --max-bytes)._\n", left, len(names))
	}
	for _, part := range []*strings.Builder{&head, &body, &tail} {
		if _, err := io.WriteString(w, part.String()); err != nil {
			return err
		}
	}
	return nil
}

// markdownTenant is one tenant's table and details.
func markdownTenant(t string, changes []*diff.Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n#### Tenant %s\n\n", mdCode(t))
	fmt.Fprintf(&b, "| | action | object | wave |\n|---|---|---|---|\n")
	for _, c := range changes {
		fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", mdCode(symbols[c.Action]), c.Action, mdCode(c.ID.Short()), c.Wave)
	}
	for _, c := range changes {
		fields := c.FieldList()
		if len(fields) == 0 && c.Note == "" {
			continue
		}
		fmt.Fprintf(&b, "\n<details><summary>%s %s</summary>\n\n", c.Action, mdCode(c.ID.Short()))
		if c.Note != "" {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(c.Note))
		}
		if len(fields) > 0 {
			fmt.Fprintf(&b, "```diff\n")
			var fb strings.Builder
			for _, f := range fields {
				mdField(&fb, f)
			}
			b.WriteString(strings.ReplaceAll(fb.String(), "```", "'''"))
			fmt.Fprintf(&b, "```\n")
		}
		fmt.Fprintf(&b, "\n</details>\n")
	}
	return b.String()
}

// writeMarkdownTail writes the held and waiting tenants and the footer.
func writeMarkdownTail(b *strings.Builder, p *diff.Plan) {
	if len(p.Held) > 0 {
		fmt.Fprintf(b, "\n**Held** (tenant file invalid, live objects left untouched): %s\n", mdEscape(strings.Join(p.Held, ", ")))
	}
	for _, wt := range p.Waiting {
		fmt.Fprintf(b, "\n**Waiting**: tenant %s's policy %s is deleted after %s\n", mdCode(wt.Tenant), mdCode(wt.Policy), wt.DeleteAfter.Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintf(b, "\n<sub>%d Vault and %d Kubernetes requests · live state %s · inventory v%d</sub>\n",
		p.Requests.Vault, p.Requests.Kubernetes, mdCode(p.Live.Hash), p.Live.InventoryVersion)
}

// mdEscaper turns untrusted text (tenant values inside messages, names)
// into inert Markdown: every character Markdown or HTML gives a meaning is
// escaped, line breaks cannot start a new block, and URLs cannot become
// links (a zero-width space breaks "://" and "www.").
var mdEscaper = func() *strings.Replacer {
	pairs := []string{"&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", " ", "\n", " ",
		"://", ":/\u200b/", "www.", "www\u200b."}
	// Characters that only mean something at the start of a line (#, -, +,
	// digits) are harmless: a message can never start one.
	for _, c := range "\\`*_[]()!|~" {
		pairs = append(pairs, string(c), "\\"+string(c))
	}
	return strings.NewReplacer(pairs...)
}()

// mdEscape keeps text from a plan from breaking out of its Markdown.
func mdEscape(s string) string { return mdEscaper.Replace(s) }

// mdCode renders s as inline code that no character of s can end or turn
// into markup: GitHub parses Markdown inside an inline <code> element, so
// its content is escaped like any text (a backtick code span could be ended
// by a backtick in s).
func mdCode(s string) string { return "<code>" + mdEscape(s) + "</code>" }

// mdField renders a field as diff lines, so a PR comment colours them.
func mdField(b *strings.Builder, f diff.Field) {
	if strings.Contains(f.Before+f.After, "\n") {
		fmt.Fprintf(b, "# %s\n", f.Path)
		for _, l := range lineDiff(f.Before, f.After) {
			fmt.Fprintf(b, "%s\n", strings.TrimRight(l, " "))
		}
		return
	}
	if f.Before != "" {
		fmt.Fprintf(b, "- %s: %s\n", f.Path, f.Before)
	}
	if f.After != "" {
		fmt.Fprintf(b, "+ %s: %s\n", f.Path, f.After)
	}
}
