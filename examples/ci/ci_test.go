// Package ci_test checks the PR-check recipes in this directory.
package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// actionlint runs actionlint, pinned in go.mod as a tool, on a workflow.
func actionlint(t *testing.T, workflow string) (string, error) {
	t.Helper()
	out, err := exec.Command("go", "tool", "actionlint", "-no-color", workflow).CombinedOutput()
	return string(out), err
}

func TestGitHubWorkflowPassesActionlint(t *testing.T) {
	if out, err := actionlint(t, filepath.Join("github", "syncd-plan.yml")); err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
	// The check bites: a broken copy is refused.
	src, err := os.ReadFile(filepath.Join("github", "syncd-plan.yml"))
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.yml")
	if err := os.WriteFile(broken, []byte(strings.Replace(string(src), "steps.plan.outputs.exitcode", "steps.plann.outputs.exitcode", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := actionlint(t, broken); err == nil || !strings.Contains(out, "plann") {
		t.Errorf("actionlint accepted a reference to a step that does not exist: %v\n%s", err, out)
	}
}

// TestGitLabJob checks the job is valid YAML using only GitLab's documented
// job keywords, and runs the checks the recipe promises.
func TestGitLabJob(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("gitlab", "syncd-plan.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := yaml.UnmarshalStrict(src, &doc); err != nil {
		t.Fatal(err)
	}
	job, ok := doc["syncd-plan"]
	if !ok {
		t.Fatal("no job syncd-plan")
	}
	keywords := []string{"stage", "image", "rules", "variables", "before_script", "script", "after_script", "artifacts", "needs", "tags", "cache", "timeout"}
	for k := range job {
		if !slices.Contains(keywords, k) {
			t.Errorf("unknown job keyword %q", k)
		}
	}
	for _, rule := range job["rules"].([]any) {
		for k := range rule.(map[string]any) {
			if !slices.Contains([]string{"if", "changes", "when", "allow_failure", "exists", "variables"}, k) {
				t.Errorf("unknown rules keyword %q", k)
			}
		}
	}
	for k := range job["artifacts"].(map[string]any) {
		if !slices.Contains([]string{"paths", "when", "expire_in", "name", "reports", "exclude", "expose_as", "untracked", "public", "access"}, k) {
			t.Errorf("unknown artifacts keyword %q", k)
		}
	}
	script := strings.Join(anyStrings(job["script"]), "\n")
	for _, want := range []string{"syncd validate", "-o markdown --max-bytes 65000 --detailed-exitcode", "plan-full.md", "<!-- syncd-plan -->", `test "$code" -ne 1`} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q", want)
		}
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
