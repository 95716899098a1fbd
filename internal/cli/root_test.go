package cli

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// With --log-format json every line on stderr is a JSON object, a fatal
// error's included; text keeps the CLI's "error: ..." line.
func TestFatalErrorsFollowTheLogFormat(t *testing.T) {
	tests := map[string]struct {
		format string
		want   func(t *testing.T, stderr string)
	}{
		"json": {format: "json", want: func(t *testing.T, stderr string) {
			var line map[string]any
			if err := json.Unmarshal([]byte(strings.TrimSpace(stderr)), &line); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, stderr)
			}
			if line["level"] != "ERROR" || !strings.Contains(line["msg"].(string), "/nope") {
				t.Errorf("line %v: want level ERROR and the missing directory in msg", line)
			}
		}},
		"text": {format: "text", want: func(t *testing.T, stderr string) {
			if !strings.HasPrefix(stderr, "error: ") || !strings.Contains(stderr, "/nope") {
				t.Errorf("stderr %q: want an error: line naming /nope", stderr)
			}
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main([]string{"validate", "--log-format", tc.format, "--dir", "/nope"}, &stdout, &stderr); code != ExitError {
				t.Fatalf("exit %d, want %d; stderr %s", code, ExitError, stderr.String())
			}
			tc.want(t, stderr.String())
		})
	}
}

func TestDurationsLogAsText(t *testing.T) {
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{ReplaceAttr: durationsAsText})).Info("m", "poll", 90*time.Second)
	var line map[string]any
	if err := json.Unmarshal(b.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("1m30s", line["poll"]); diff != "" {
		t.Errorf("poll (-want +got):\n%s", diff)
	}
}
