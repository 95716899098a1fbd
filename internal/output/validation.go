package output

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ValidationFormats are validate's -o values: text for people, json for
// programs, github for GitHub Actions' annotations (each error on its
// line of the pull request), gitlab for GitLab's code quality report.
var ValidationFormats = []string{"text", "json", "github", "gitlab"}

// Validation is what syncd validate found.
type Validation struct {
	Valid   bool       `json:"valid"`
	Tenants int        `json:"tenants"`
	Objects int        `json:"objects"`
	Files   int        `json:"filesWithErrors"`
	Errors  []FileNote `json:"errors"`
}

// FileNote is one problem, where it is.
type FileNote struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (n FileNote) text() string {
	if n.Field == "" {
		return n.Message
	}
	return n.Field + ": " + n.Message
}

// ValidationReport writes v in format; text goes to errOut (the errors)
// and out (the verdict), the others to out.
func ValidationReport(out, errOut io.Writer, v Validation, format string) error {
	switch format {
	case "text":
		for _, n := range v.Errors {
			pos := n.File
			if n.Line > 0 {
				pos = fmt.Sprintf("%s:%d:%d", n.File, n.Line, n.Column)
			}
			fmt.Fprintf(errOut, "%s: %s\n", pos, n.text())
		}
		return verdict(out, errOut, v)
	case "json":
		if v.Errors == nil {
			v.Errors = []FileNote{}
		}
		return indentJSON(out, v)
	case "github":
		for _, n := range v.Errors { // https://docs.github.com/actions/reference/workflow-commands-for-github-actions
			props := "file=" + ghProperty(n.File)
			if n.Line > 0 {
				props += fmt.Sprintf(",line=%d,col=%d", n.Line, n.Column)
			}
			fmt.Fprintf(out, "::error %s,title=syncd validate::%s\n", props, ghData(n.text()))
		}
		return verdict(out, errOut, v)
	case "gitlab":
		type lines struct {
			Begin int `json:"begin"`
		}
		type location struct {
			Path  string `json:"path"`
			Lines lines  `json:"lines"`
		}
		type issue struct {
			Description string   `json:"description"`
			CheckName   string   `json:"check_name"`
			Fingerprint string   `json:"fingerprint"`
			Severity    string   `json:"severity"`
			Location    location `json:"location"`
		}
		report := []issue{} // https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
		for _, n := range v.Errors {
			sum := sha256.Sum256([]byte(n.File + "\x00" + n.Field + "\x00" + n.Message))
			report = append(report, issue{Description: n.text(), CheckName: "syncd-validate", Fingerprint: hex.EncodeToString(sum[:16]),
				Severity: "major", Location: location{Path: n.File, Lines: lines{Begin: max(n.Line, 1)}}})
		}
		return indentJSON(out, report)
	default:
		return fmt.Errorf("-o must be one of %v, got %q", ValidationFormats, format)
	}
}

// verdict is the text report's last line.
func verdict(out, errOut io.Writer, v Validation) error {
	if !v.Valid {
		_, err := fmt.Fprintf(errOut, "invalid: %d error(s) in %d tenant file(s)\n", len(v.Errors), v.Files)
		return err
	}
	_, err := fmt.Fprintf(out, "valid: %d tenant(s), %d object(s), isolation proven\n", v.Tenants, v.Objects)
	return err
}

func indentJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ghData escapes a workflow command's message; ghProperty a property value.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
