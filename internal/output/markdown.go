package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/syncd-dev/syncd/internal/diff"
)

func Markdown(w io.Writer, p *diff.Plan) error { return MarkdownBounded(w, p, 0) }

// MarkdownBounded is Markdown within max bytes (0: no bound), for
// a PR comment (GitHub caps one at 65,536 characters). The summary, every
// error and warning, the held and waiting tenants and the footer are always
// kept; tenants' details follow in order while they fit, and a note says how
// many were left out.
func MarkdownBounded(w io.Writer, p *diff.Plan, max int) error {
	var head, tail strings.Builder
	fmt.Fprintf(&head, "### syncd plan\n\n%s.\n", summaryLine(p))
	if p.Revision != "" {
		fmt.Fprintf(&head, "\nRevision %s.\n", mdCode(p.Revision))
	}
	if len(p.Errors) > 0 {
		fmt.Fprintf(&head, "\n**Errors**\n\n")
		for _, e := range p.Errors {
			fmt.Fprintf(&head, "- :x: %s\n", mdEscape(Problem(e)))
		}
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintf(&head, "\n**Warnings**\n\n")
		for _, e := range p.Warnings {
			fmt.Fprintf(&head, "- :warning: %s\n", mdEscape(Problem(e)))
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
