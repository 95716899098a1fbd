package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"k8s.io/klog/v2"

	"github.com/syncd-dev/syncd/internal/output"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/version"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitError   = 1
	ExitChanges = 2 // plan --detailed-exitcode: changes present
)

// exitError carries an exit code out of a command; its message, if any, has
// already been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// options are the flags shared by every command.
type options struct {
	dir, config         string
	logLevel, logFormat string
	allowHTTP           bool // --allow-insecure-http
	stdin               io.Reader
	stdout, stderr      io.Writer
	log                 *slog.Logger
	// fetched is the snapshot the command works on, and the history a
	// command that applies records it in (nil: none).
	fetched source.Snapshot
	history source.History
	// atExit runs when the command ends (revoking a token it logged in for).
	atExit []func()
}

// Main runs syncd with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	root, o := newRoot(stdout, stderr)
	root.SetArgs(terraformStyle(args))
	err := root.Execute()
	for _, f := range o.atExit {
		f()
	}
	var ee exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	case strings.EqualFold(o.logFormat, "json"): // a log collector reads one JSON object a line
		slog.New(slog.NewJSONHandler(stderr, nil)).Error(output.OneLine(err))
		return ExitError
	default:
		fmt.Fprintf(stderr, "error: %s\n", output.OneLine(err))
		return ExitError
	}
}

func newRoot(stdout, stderr io.Writer) (*cobra.Command, *options) {
	o := &options{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "syncd",
		Short: "Reconcile Vault and External Secrets wiring for tenants from Git",
		Long: `syncd turns one YAML file per tenant (tenants/<name>.yaml) plus a platform
config (syncd.yaml) into Vault policies, Kubernetes auth roles, database roles
and the External Secrets Operator objects each tenant needs.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.String(),
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return o.setup()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	f := root.PersistentFlags()
	f.StringVar(&o.dir, "dir", envOr("SYNCD_DIR", "."), "repository directory holding tenants/ and syncd.yaml ($SYNCD_DIR)")
	f.StringVar(&o.config, "config", os.Getenv("SYNCD_CONFIG"), "platform config file (default <dir>/syncd.yaml; $SYNCD_CONFIG)")
	f.StringVar(&o.logLevel, "log-level", envOr("SYNCD_LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	f.StringVar(&o.logFormat, "log-format", envOr("SYNCD_LOG_FORMAT", "text"), "log format: text or json")
	f.BoolVar(&o.allowHTTP, "allow-insecure-http", os.Getenv("SYNCD_ALLOW_INSECURE_HTTP") == "true",
		"send a Vault token or Git credentials over plain http:// (a loopback test bed only) ($SYNCD_ALLOW_INSECURE_HTTP)")
	root.AddCommand(newValidate(o), newRender(o), newPlan(o), newApply(o), newRun(o), newVerify(o), newRotate(o), newShow(o), newVersion(o))
	return root, o
}

func (o *options) setup() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	hopts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationsAsText}
	switch strings.ToLower(o.logFormat) {
	case "text":
		o.log = slog.New(slog.NewTextHandler(o.stderr, hopts))
	case "json":
		o.log = slog.New(slog.NewJSONHandler(o.stderr, hopts))
	default:
		return fmt.Errorf("--log-format must be text or json, got %q", o.logFormat)
	}
	klog.SetSlogLogger(o.log) // client-go's own logging goes through slog too
	return nil
}

// durationsAsText writes a duration as "1m30s", as the flags take it, not
// as JSON's nanoseconds.
func durationsAsText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// terraformStyle accepts terraform's single-dash spelling of the plan file
// flag (-out FILE, -out=FILE), which pflag would read as -o ut.
func terraformStyle(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "-out" || strings.HasPrefix(a, "-out=") {
			a = "-" + a
		}
		out[i] = a
	}
	return out
}
