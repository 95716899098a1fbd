// Package ci_test checks the PR-check recipes in this directory.
package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestGitLabJobs checks the jobs are valid YAML using only GitLab's
// documented job keywords, that validate holds no credential, that plan logs
// in with an id_token for audience vault and runs for the project's own
// merge requests only, and that the scripts do what the recipe promises.
func TestGitLabJobs(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("gitlab", "syncd-plan.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := yaml.UnmarshalStrict(src, &doc); err != nil {
		t.Fatal(err)
	}
	keywords := []string{"stage", "image", "rules", "variables", "before_script", "script", "after_script", "artifacts", "needs", "tags", "cache", "timeout", "id_tokens", "environment"}
	for name, job := range doc {
		if name == "variables" {
			continue
		}
		for k := range job {
			if !slices.Contains(keywords, k) {
				t.Errorf("%s: unknown job keyword %q", name, k)
			}
		}
		for _, rule := range job["rules"].([]any) {
			for k := range rule.(map[string]any) {
				if !slices.Contains([]string{"if", "changes", "when", "allow_failure", "exists", "variables"}, k) {
					t.Errorf("%s: unknown rules keyword %q", name, k)
				}
			}
		}
	}
	validate, plan := doc["syncd-validate"], doc["syncd-plan"]
	if validate == nil || plan == nil || doc["syncd-fork-notice"] == nil {
		t.Fatal("want jobs syncd-validate, syncd-plan and syncd-fork-notice")
	}
	if _, ok := validate["id_tokens"]; ok || validate["variables"] != nil || !strings.Contains(strings.Join(anyStrings(validate["script"]), "\n"), "syncd validate") {
		t.Errorf("syncd-validate must run syncd validate with no token and no variables: %v", validate)
	}
	if aud, _ := plan["id_tokens"].(map[string]any)["SYNCD_VAULT_JWT"].(map[string]any)["aud"].(string); aud != "vault" {
		t.Errorf("syncd-plan's id_token audience %q, want vault", aud)
	}
	if vars := plan["variables"].(map[string]any); vars["SYNCD_VAULT_AUTH"] != "jwt" || vars["VAULT_TOKEN"] != nil {
		t.Errorf("syncd-plan logs in with jwt, no VAULT_TOKEN: %v", vars)
	}
	rule := plan["rules"].([]any)[0].(map[string]any)["if"].(string)
	if !strings.Contains(rule, "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_MERGE_REQUEST_PROJECT_ID") {
		t.Errorf("syncd-plan runs for forks: rule %q", rule)
	}
	if img := doc["variables"]["SYNCD_IMAGE"].(string); !digest.MatchString(img) {
		t.Errorf("image %q is not pinned by digest", img)
	}
	script := strings.Join(anyStrings(plan["script"]), "\n")
	for _, want := range []string{"-o markdown --max-bytes 65000 --detailed-exitcode", "plan-full.md", "<!-- syncd-plan -->", ".author.id == $me", `test "$code" -ne 1`} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q", want)
		}
	}
}

var (
	digest  = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
	pinned  = regexp.MustCompile(`^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$`)
	secrets = regexp.MustCompile(`secrets\.`)
)

// TestGitHubJobs: every action pinned by commit, no checkout keeps its
// credentials, validate holds no secret and no write permission, plan runs
// for this repository's branches only and logs in with the OIDC token.
func TestGitHubJobs(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("github", "syncd-plan.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Permissions map[string]any `json:"permissions"`
		Jobs        map[string]struct {
			If          string            `json:"if"`
			Permissions map[string]string `json:"permissions"`
			Steps       []struct {
				Uses string            `json:"uses"`
				With map[string]any    `json:"with"`
				Env  map[string]string `json:"env"`
			} `json:"steps"`
		} `json:"jobs"`
	}
	if err := yaml.Unmarshal(src, &wf); err != nil {
		t.Fatal(err)
	}
	if len(wf.Permissions) != 0 {
		t.Errorf("workflow permissions %v, want none (each job names its own)", wf.Permissions)
	}
	for name, job := range wf.Jobs {
		for _, st := range job.Steps {
			if st.Uses != "" && !pinned.MatchString(st.Uses) {
				t.Errorf("%s: %s is not pinned by commit", name, st.Uses)
			}
			if strings.HasPrefix(st.Uses, "actions/checkout@") && st.With["persist-credentials"] != false {
				t.Errorf("%s: checkout keeps the job's token in .git/config", name)
			}
		}
	}
	validate, plan := wf.Jobs["validate"], wf.Jobs["plan"]
	if diff := cmp.Diff(map[string]string{"contents": "read"}, validate.Permissions); diff != "" {
		t.Errorf("validate permissions (-want +got):\n%s", diff)
	}
	for _, st := range validate.Steps {
		for _, v := range st.Env {
			if secrets.MatchString(v) {
				t.Errorf("validate reads a secret: %s", v)
			}
		}
	}
	if plan.If != "github.event.pull_request.head.repo.full_name == github.repository" || plan.Permissions["id-token"] != "write" {
		t.Errorf("plan: if %q, permissions %v", plan.If, plan.Permissions)
	}
	if strings.Contains(string(src), "VAULT_TOKEN") {
		t.Error("the workflow uses a static VAULT_TOKEN")
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
