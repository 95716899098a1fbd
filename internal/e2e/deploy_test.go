package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/syncd-dev/syncd/internal/cli"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestDeployManifests renders deploy/ as `kubectl kustomize deploy/` does
// and has the bed's API server accept every object (server-side dry run).
// Then it grants deploy/'s RBAC to a real service account and runs
// `syncd apply` as that account, with a Vault token holding only
// deploy/vault's policy: the least privileges are enough.
func TestDeployManifests(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	root, err := testbed.RepoRoot()
	must(t, err)
	objs := kustomize(t, filepath.Join(root, "deploy"))
	kinds := map[string]bool{}
	for _, o := range objs {
		kinds[o.GetKind()] = true
	}
	for _, k := range []string{"Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service", "ServiceMonitor"} {
		if !kinds[k] {
			t.Errorf("deploy/ renders no %s", k)
		}
	}
	installServiceMonitorCRD(t)
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(bed.Kube.Discovery()))
	create := func(o *unstructured.Unstructured, dryRun bool) error {
		m, err := mapper.RESTMapping(o.GroupVersionKind().GroupKind(), o.GroupVersionKind().Version)
		if err != nil {
			return err
		}
		opts := metav1.CreateOptions{FieldValidation: "Strict"}
		if dryRun {
			opts.DryRun = []string{metav1.DryRunAll}
		}
		res := bed.Dynamic.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			_, err = res.Namespace(o.GetNamespace()).Create(ctx, o.DeepCopy(), opts)
		} else {
			_, err = res.Create(ctx, o.DeepCopy(), opts)
		}
		if apierrors.IsAlreadyExists(err) {
			return nil
		}
		return err
	}
	// The namespace really, so the namespaced objects' dry run can land in it.
	for _, o := range objs {
		if o.GetKind() == "Namespace" {
			must(t, create(o, false))
			t.Cleanup(func() { _ = bed.Kube.CoreV1().Namespaces().Delete(ctx, o.GetName(), metav1.DeleteOptions{}) })
		}
	}
	for _, o := range objs {
		if err := create(o, true); err != nil {
			t.Errorf("%s %s: %v", o.GetKind(), o.GetName(), err)
		}
	}
	// deploy/ with both components: every object accepted, the verify
	// component's flag reaches the Deployment.
	overlay := t.TempDir()
	base, err := filepath.Rel(overlay, filepath.Join(root, "deploy"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), []byte(fmt.Sprintf(
		"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [%s]\ncomponents: [%s/components/manage-namespaces, %s/components/verify]\n",
		base, base, base)), 0o644))
	withComponents := kustomize(t, overlay)
	var verifyRBAC []*unstructured.Unstructured
	for _, o := range withComponents {
		if err := create(o, true); err != nil {
			t.Errorf("with components: %s %s: %v", o.GetKind(), o.GetName(), err)
		}
		if o.GetName() == "syncd-verify" {
			verifyRBAC = append(verifyRBAC, o)
		}
		if o.GetKind() == "Deployment" {
			containers, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
			args, _, _ := unstructured.NestedStringSlice(containers[0].(map[string]any), "args")
			if !slices.Contains(args, "--verify-every=1h") {
				t.Errorf("components/verify: the Deployment's args %v lack --verify-every=1h", args)
			}
		}
	}
	if len(verifyRBAC) != 2 || len(withComponents) != len(objs)+4 {
		t.Errorf("with components: %d objects (deploy/ alone %d), verify RBAC %d; want 4 more and 2", len(withComponents), len(objs), len(verifyRBAC))
	}

	t.Run("its RBAC and Vault policy are enough for syncd", func(t *testing.T) {
		for _, o := range objs {
			switch o.GetKind() {
			case "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
				must(t, create(o, false))
				t.Cleanup(func() { deleteObject(t, mapper, o) })
			}
		}
		jwt, err := testbed.ServiceAccountToken(ctx, bed.Kube, "syncd", "syncd", time.Hour)
		must(t, err)
		r := newRepo(t, "e2e-dep", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
		namespace(t, "e2e-dep-shop", "eso", "shop")
		must(t, bed.Vault.Sys().PutPolicy("e2e-dep-syncd", string(policy.Render(desired.OperatorPolicy(r.cfg)))))
		tok, err := bed.Vault.Auth().Token().Create(&vaultapi.TokenCreateRequest{Policies: []string{"e2e-dep-syncd"}, TTL: "1h"})
		must(t, err)
		code, out, errOut := syncd(t, tok.Auth.ClientToken, kubeconfig(t, jwt), "apply", "--dir", r.dir, "--auto-approve")
		if code != 0 || !strings.Contains(out, "4 applied, 0 failed, 0 skipped") {
			t.Fatalf("apply as deploy/'s service account: exit %d\n%s\n%s", code, out, errOut)
		}
		// components/verify's one permission is what syncd verify needs
		// beyond deploy/'s (it uses no Vault token of syncd's).
		if code, out, _ := syncd(t, "", kubeconfig(t, jwt), "verify", "--dir", r.dir); code != 1 || !strings.Contains(out, "forbidden") {
			t.Errorf("verify without components/verify: exit %d, want 1 and a refused TokenRequest\n%s", code, out)
		}
		for _, o := range verifyRBAC {
			must(t, create(o, false))
			t.Cleanup(func() { deleteObject(t, mapper, o) })
		}
		if code, out, errOut := syncd(t, "", kubeconfig(t, jwt), "verify", "--dir", r.dir); code != 0 || !strings.Contains(out, "0 violations, 0 missing grants, 0 errors") {
			t.Errorf("verify with components/verify: exit %d\n%s\n%s", code, out, errOut)
		}
	})
	t.Run("deploy/vault/syncd-policy.hcl is what the shipped config renders", func(t *testing.T) {
		var out, errOut bytes.Buffer
		code := cli.Main([]string{"render", "-o", "vault-policy", "--dir", root}, &out, &errOut)
		committed, err := os.ReadFile(filepath.Join(root, "deploy", "vault", "syncd-policy.hcl"))
		must(t, err)
		if code != 0 || out.String() != string(committed) {
			t.Errorf("deploy/vault/syncd-policy.hcl is stale (run deploy/vault/setup.sh or syncd render -o vault-policy): exit %d %s", code, errOut.String())
		}
	})
}

func kustomize(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	must(t, err)
	out, err := res.AsYaml()
	must(t, err)
	return decodeAll(t, out)
}

func kustomizeFile(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return decodeAll(t, b)
}

func decodeAll(t *testing.T, b []byte) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out
		}
		must(t, err)
		if len(m) > 0 {
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
}

func deleteObject(t *testing.T, mapper meta.RESTMapper, o *unstructured.Unstructured) {
	m, err := mapper.RESTMapping(o.GroupVersionKind().GroupKind(), o.GroupVersionKind().Version)
	if err != nil {
		return
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		_ = bed.Dynamic.Resource(m.Resource).Namespace(o.GetNamespace()).Delete(context.Background(), o.GetName(), metav1.DeleteOptions{})
	} else {
		_ = bed.Dynamic.Resource(m.Resource).Delete(context.Background(), o.GetName(), metav1.DeleteOptions{})
	}
}

// installServiceMonitorCRD installs a stand-in for the Prometheus
// Operator's ServiceMonitor CRD (its schema left open), so the dry run can
// place deploy/'s ServiceMonitor: the real CRD is not in the bed.
func installServiceMonitorCRD(t *testing.T) {
	t.Helper()
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "servicemonitors.monitoring.coreos.com"},
		"spec": map[string]any{
			"group": "monitoring.coreos.com", "scope": "Namespaced",
			"names": map[string]any{"kind": "ServiceMonitor", "plural": "servicemonitors", "singular": "servicemonitor", "listKind": "ServiceMonitorList"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
		},
	}}
	gvr := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	_, err := bed.Dynamic.Resource(gvr).Create(context.Background(), crd, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	eventually(t, "the ServiceMonitor CRD established", 30*time.Second, func() (bool, string) {
		_, err := bed.Kube.Discovery().ServerResourcesForGroupVersion("monitoring.coreos.com/v1")
		return err == nil, errString(err)
	})
}
