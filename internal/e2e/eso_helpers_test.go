package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	"github.com/jackc/pgx/v5"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// auditDevice enables a file audit device on the bed's Vault for this test
// and returns a reader of what it logged.
func auditDevice(t *testing.T) func() []auditEntry {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.log")
	name := fmt.Sprintf("e2e-%d", time.Now().UnixNano())
	must(t, bed.Vault.Sys().EnableAuditWithOptions(name, &vaultapi.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": path}}))
	t.Cleanup(func() { _ = bed.Vault.Sys().DisableAudit(name) })
	return func() []auditEntry { return readAudit(t, path) }
}

// readAudit parses a file audit device's log.
func readAudit(t *testing.T, path string) []auditEntry {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	var out []auditEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e auditEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

type auditEntry struct {
	Type    string `json:"type"` // request or response
	Error   string `json:"error"`
	Request struct {
		Path      string         `json:"path"`
		Operation string         `json:"operation"`
		Data      map[string]any `json:"data"`
	} `json:"request"`
}

// writes counts the audited write requests, logins (ESO's) aside.
func writes(entries []auditEntry) int {
	n := 0
	for _, e := range entries {
		if e.Type != "request" || strings.HasSuffix(e.Request.Path, "/login") {
			continue
		}
		switch e.Request.Operation {
		case "create", "update", "delete":
			n++
		}
	}
	return n
}

// denied reports whether Vault refused a request to path as permission denied.
func denied(entries []auditEntry, path string) bool {
	for _, e := range entries {
		if e.Request.Path == path && strings.Contains(e.Error, "permission denied") {
			return true
		}
	}
	return false
}

// firstWrite is the index of the first write to path, or -1.
func firstWrite(entries []auditEntry, path string) int {
	for i, e := range entries {
		if e.Type == "request" && e.Request.Path == path && (e.Request.Operation == "create" || e.Request.Operation == "update") {
			return i
		}
	}
	return -1
}

// eventually polls cond until it holds; the last reason is reported on
// failure. Bounded, so a broken system fails instead of hanging.
func eventually(t *testing.T, what string, within time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	reason := ""
	for time.Now().Before(deadline) {
		var ok bool
		if ok, reason = cond(); ok {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s (last: %s)", what, within, reason)
}

// secretData reads a Kubernetes Secret's data, nil when absent.
func secretData(t *testing.T, ns, name string) map[string][]byte {
	t.Helper()
	s, err := bed.Kube.CoreV1().Secrets(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		return nil
	}
	return s.Data
}

// pgLogin connects to database db as user/password and runs a query.
func pgLogin(db, user, password string) error {
	u, err := url.Parse(bed.PostgresURL(db))
	if err != nil {
		return err
	}
	u.User = url.UserPassword(user, password)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var one int
	return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
}
