package e2e_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/yaml"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// promRule is what components/prometheus/prometheusrule.yaml holds.
type promRule struct {
	Spec struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert string `json:"alert"`
				Expr  string `json:"expr"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

func monitoringDir(t *testing.T) string {
	t.Helper()
	root, err := testbed.RepoRoot()
	must(t, err)
	return filepath.Join(root, "deploy", "components", "prometheus")
}

// Each alert of the PrometheusRule fires on trouble and not on its healthy
// twin: Prometheus' own rule unit tests (rules_test.yaml) run by promtool.
func TestAlertRules(t *testing.T) {
	promtool := testbed.Promtool(t)
	dir := monitoringDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "prometheusrule.yaml"))
	must(t, err)
	var pr map[string]any
	must(t, yaml.Unmarshal(b, &pr))
	groups, err := yaml.Marshal(pr["spec"]) // {groups: [...]}: a rule file
	must(t, err)
	work := t.TempDir()
	must(t, os.WriteFile(filepath.Join(work, "rules.yaml"), groups, 0o644))
	tests, err := os.ReadFile(filepath.Join(dir, "rules_test.yaml"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(work, "rules_test.yaml"), tests, 0o644))
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "rules_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = work
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// Every alert has a test.
	var rule promRule
	must(t, yaml.Unmarshal(b, &rule))
	for _, g := range rule.Spec.Groups {
		for _, r := range g.Rules {
			if !strings.Contains(string(tests), "alertname: "+r.Alert+"\n") {
				t.Errorf("alert %s has no test in rules_test.yaml", r.Alert)
			}
		}
	}
}

// The alerts and the Grafana dashboard read only metrics the daemon
// exports: a renamed metric fails here, not silently at 03:00.
func TestMonitoringReadsExportedMetrics(t *testing.T) {
	exported := exportedMetrics(t)
	names := regexp.MustCompile(`\bsyncd_[a-z_]+\b`)
	check := func(where, expr string) {
		for _, name := range names.FindAllString(expr, -1) {
			base := name
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if b, ok := strings.CutSuffix(name, suffix); ok && exported[b] == "histogram" {
					base = b
				}
			}
			if exported[base] == "" {
				t.Errorf("%s reads %s, which syncd does not export", where, name)
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(monitoringDir(t), "prometheusrule.yaml"))
	must(t, err)
	var rule promRule
	must(t, yaml.Unmarshal(b, &rule))
	n := 0
	for _, g := range rule.Spec.Groups {
		for _, r := range g.Rules {
			check("alert "+r.Alert, r.Expr)
			n++
		}
	}
	root, err := testbed.RepoRoot()
	must(t, err)
	b, err = os.ReadFile(filepath.Join(root, "deploy", "grafana", "syncd.json"))
	must(t, err)
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	must(t, json.Unmarshal(b, &dash))
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			check("panel "+p.Title, tg.Expr)
			n++
		}
	}
	if n < 10 {
		t.Errorf("only %d expressions read", n)
	}
}

// exportedMetrics maps each metric daemon.NewMetrics registers to its type
// (every collector field of daemon.Metrics, described).
func exportedMetrics(t *testing.T) map[string]string {
	t.Helper()
	m := daemon.NewMetrics()
	out := map[string]string{}
	fqName := regexp.MustCompile(`fqName: "([^"]+)"`)
	v := reflect.ValueOf(m).Elem()
	for i := range v.NumField() {
		c, ok := v.Field(i).Interface().(prometheus.Collector)
		if !ok || v.Type().Field(i).Name == "Registry" {
			continue
		}
		kind := "other"
		if _, ok := c.(prometheus.Histogram); ok {
			kind = "histogram"
		}
		ch := make(chan *prometheus.Desc, 4)
		c.Describe(ch)
		close(ch)
		for d := range ch {
			if s := fqName.FindStringSubmatch(d.String()); s != nil {
				out[s[1]] = kind
			}
		}
	}
	if !slices.Contains([]string{out["syncd_reconciles_total"], out["syncd_reconcile_duration_seconds"]}, "") {
		return out
	}
	t.Fatalf("the metrics were not read: %v", out)
	return nil
}
