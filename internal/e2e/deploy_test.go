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

	"github.com/google/go-cmp/cmp"
	vaultapi "github.com/hashicorp/vault/api"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/syncd-dev/syncd/internal/cli"
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
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
	for _, k := range []string{"Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service",
		"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ConfigMap", "NetworkPolicy", "PodDisruptionBudget"} {
		if !kinds[k] {
			t.Errorf("deploy/ renders no %s", k)
		}
	}
	for _, o := range objs { // a plain cluster: no Prometheus Operator, no optional Secret
		if o.GetKind() == "Deployment" {
			checkBaseDeployment(t, o)
		}
		if o.GroupVersionKind().Group == "monitoring.coreos.com" {
			t.Errorf("deploy/ renders %s %s: a cluster without the Prometheus Operator refuses it", o.GetKind(), o.GetName())
		}
	}
	installMonitoringCRDs(t) // for the components below
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
	// deploy/ with every component, on a cluster with the Prometheus
	// Operator's CRDs: every object accepted, each component's flag, Secret
	// and port reach the Deployment and the Service.
	overlay := t.TempDir()
	base, err := filepath.Rel(overlay, filepath.Join(root, "deploy"))
	must(t, err)
	var components []string
	for _, c := range []string{"manage-namespaces", "verify", "prometheus", "git-token", "webhook"} {
		components = append(components, base+"/components/"+c)
	}
	must(t, os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), []byte(fmt.Sprintf(
		"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [%s]\ncomponents: [%s]\n",
		base, strings.Join(components, ", "))), 0o644))
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
			for _, want := range []string{"--verify-every=1h", "--webhook-listen=:8443"} {
				if !slices.Contains(args, want) {
					t.Errorf("components: the Deployment's args %v lack %s", args, want)
				}
			}
			volumes, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "volumes")
			if got := secretVolumes(volumes); !slices.Equal(got, []string{"syncd-git", "syncd-git-keyring", "syncd-webhook"}) {
				t.Errorf("components: the Deployment mounts the Secrets %v", got)
			}
		}
		if o.GetKind() == "Service" {
			ports, _, _ := unstructured.NestedSlice(o.Object, "spec", "ports")
			if len(ports) != 2 {
				t.Errorf("components/webhook: the Service has ports %v, want http and webhook", ports)
			}
		}
	}
	// The examples an operator starts from: the overlay renders and every
	// object of it and of the CronJob is accepted.
	examples := append(kustomize(t, filepath.Join(root, "examples", "deploy", "overlay")),
		kustomizeFile(t, filepath.Join(root, "examples", "deploy", "cronjob", "cronjob.yaml"))...)
	for _, o := range examples {
		if err := create(o, true); err != nil {
			t.Errorf("examples: %s %s: %v", o.GetKind(), o.GetName(), err)
		}
	}
	if len(verifyRBAC) != 2 || len(withComponents) != len(objs)+6 {
		t.Errorf("with components: %d objects (deploy/ alone %d), verify RBAC %d; want 6 more and 2", len(withComponents), len(objs), len(verifyRBAC))
	}

	t.Run("its RBAC and Vault policy are enough for syncd", func(t *testing.T) {
		var admission []*unstructured.Unstructured
		for _, o := range objs {
			switch o.GetKind() {
			case "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
				must(t, create(o, false))
				t.Cleanup(func() { deleteObject(t, mapper, o) })
			case "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding":
				must(t, create(o, false))
				admission = append(admission, o)
			}
		}
		r := newRepo(t, "e2e-dep", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n" +
			"  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n"})
		params := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "syncd-admission", "namespace": "syncd"}, "data": admissionParams(r.cfg)}}
		must(t, create(params, false)) // the admission policy's parameters, for this test's config
		t.Cleanup(func() { removeAdmissionPolicy(t, mapper, admission, params) })
		waitForAdmissionPolicy(t, true)
		jwt, err := testbed.ServiceAccountToken(ctx, bed.Kube, "syncd", "syncd", time.Hour)
		must(t, err)
		namespace(t, "e2e-dep-shop", "eso", "shop")
		must(t, bed.Vault.Sys().PutPolicy("e2e-dep-syncd", string(policy.Render(desired.OperatorPolicy(r.cfg)))))
		tok, err := bed.Vault.Auth().Token().Create(&vaultapi.TokenCreateRequest{Policies: []string{"e2e-dep-syncd"}, TTL: "1h"})
		must(t, err)
		code, out, errOut := syncd(t, tok.Auth.ClientToken, kubeconfig(t, jwt), "apply", "--dir", r.dir, "--auto-approve")
		if code != 0 || !strings.Contains(out, "7 applied, 0 failed, 0 skipped") {
			t.Fatalf("apply as deploy/'s service account, under its admission policy and Vault policy: exit %d\n%s\n%s", code, out, errOut)
		}
		if code, out, errOut := syncd(t, tok.Auth.ClientToken, kubeconfig(t, jwt), "plan", "--dir", r.dir); code != 0 || !strings.Contains(out, "0 to create, 0 to update, 0 to adopt, 0 to delete, 0 off-boarding steps") {
			t.Errorf("plan after apply: exit %d\n%s\n%s", code, out, errOut)
		}
		// components/verify's one permission is what syncd verify needs
		// beyond deploy/'s (it uses no Vault token of syncd's).
		if code, out, _ := syncd(t, "", kubeconfig(t, jwt), "verify", "--dir", r.dir); code != 1 || !strings.Contains(out, "forbidden") {
			t.Errorf("verify without components/verify: exit %d, want 1 and a refused TokenRequest\n%s", code, out)
		}
		t.Run("the Vault policy refuses what syncd never writes", func(t *testing.T) {
			vc, err := bed.Vault.Clone()
			must(t, err)
			vc.SetToken(tok.Auth.ClientToken)
			role := "auth/kubernetes/role/e2e-dep-stolen"
			good := func() map[string]any {
				return map[string]any{"bound_service_account_names": []string{"eso"}, "bound_service_account_namespaces": []string{"e2e-dep-shop"},
					"token_policies": []string{"e2e-dep-app-shop"}, "audience": "vault"}
			}
			with := func(k string, v any) map[string]any { d := good(); d[k] = v; return d }
			tests := map[string]map[string]any{
				"the root policy":                    with("token_policies", []string{"root"}),
				"a tenant policy and root":           with("token_policies", []string{"e2e-dep-app-shop", "root"}),
				"a comma string with root":           with("token_policies", "e2e-dep-app-shop,root"),
				"the deprecated policies alias":      with("policies", []string{"root"}),
				"a foreign namespace":                with("bound_service_account_namespaces", []string{"kube-system"}),
				"every namespace":                    with("bound_service_account_namespaces", []string{"*"}),
				"a namespace selector":               with("bound_service_account_namespace_selector", `{"matchLabels":{"a":"b"}}`),
				"another audience":                   with("audience", "https://kubernetes.default.svc"),
				"a database role on another db_name": nil,
			}
			for name, data := range tests {
				t.Run(name, func(t *testing.T) {
					path := role
					if data == nil {
						path, data = "database/roles/e2e-dep-stolen", map[string]any{"db_name": "postgres", "creation_statements": []string{"SELECT 1"}}
					}
					_, err := vc.Logical().Write(path, data)
					var re *vaultapi.ResponseError
					if !errors.As(err, &re) || re.StatusCode != 403 {
						t.Errorf("write %s %v: %v, want 403", path, data, err)
					}
				})
			}
			if _, err := vc.Logical().Write(role, good()); err != nil { // what syncd writes is still allowed
				t.Errorf("a role as syncd writes it: %v", err)
			}
			_, _ = vc.Logical().Delete(role)
		})
		t.Run("the admission policy refuses what syncd never writes", func(t *testing.T) {
			as := kubeClientFor(t, jwt)
			namespace(t, "e2e-dep-other", "eso", "") // not a tenant's
			must(t, testbed.EnsureServiceAccount(ctx, bed.Kube, "e2e-dep-shop", "ci-runner"))
			store := func(ns, server string) *unstructured.Unstructured {
				return &unstructured.Unstructured{Object: map[string]any{"apiVersion": r.cfg.ESO.APIVersion, "kind": "SecretStore",
					"metadata": map[string]any{"name": "stolen", "namespace": ns, "labels": map[string]any{"syncd.io/tenant": "shop"}},
					"spec": map[string]any{"provider": map[string]any{"vault": map[string]any{"server": server, "path": "secret", "version": "v2",
						"auth": map[string]any{"kubernetes": map[string]any{"mountPath": "kubernetes", "role": "x",
							"serviceAccountRef": map[string]any{"name": "eso", "audiences": []any{"vault"}}}}}}}}}
			}
			gvr := kuberead.GVRs(r.cfg)
			storeGVR := gvr[object.SecretStore]
			tests := map[string]struct {
				do   func() error
				want string
			}{
				"a store in a namespace that is not a tenant's": {func() error {
					_, err := as.Dynamic.Resource(storeGVR).Namespace("e2e-dep-other").Create(ctx, store("e2e-dep-other", r.cfg.Vault.Address), metav1.CreateOptions{})
					return err
				}, "is not labelled"},
				"a store pointed at another server": {func() error {
					_, err := as.Dynamic.Resource(storeGVR).Namespace("e2e-dep-shop").Create(ctx, store("e2e-dep-shop", "https://collector.example"), metav1.CreateOptions{})
					return err
				}, "the Vault provider must be"},
				"a Secret written for real": {func() error {
					_, err := as.Typed.CoreV1().Secrets("e2e-dep-shop").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
					return err
				}, "only as server-side dry runs"},
				"a token for another service account of the tenant's namespace": {func() error {
					return tokenFor(ctx, as.Typed, "e2e-dep-shop", "ci-runner", "vault")
				}, "only the tenants' ESO service accounts"},
				"a token for another audience": {func() error {
					return tokenFor(ctx, as.Typed, "e2e-dep-shop", "eso", "https://collector.example")
				}, "only for the audience vault"},
			}
			for _, o := range verifyRBAC { // the verify component's TokenRequests
				must(t, create(o, false))
				t.Cleanup(func() { deleteObject(t, mapper, o) })
			}
			for name, tc := range tests {
				t.Run(name, func(t *testing.T) {
					err := tc.do()
					if !apierrors.IsInvalid(err) && !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), tc.want) {
						t.Errorf("err = %v, want a refusal ...%s...", err, tc.want)
					}
				})
			}
			if err := tokenFor(ctx, as.Typed, "e2e-dep-shop", "eso", "vault"); err != nil {
				t.Errorf("a token as verify asks for it: %v", err)
			}
		})
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

// installMonitoringCRDs installs the Prometheus Operator's two kinds that
// components/prometheus uses, schema-less: what is checked is that the
// base needs neither and the component names them right.
func installMonitoringCRDs(t *testing.T) {
	t.Helper()
	gvr := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	for _, kind := range []string{"ServiceMonitor", "PrometheusRule"} {
		lower := strings.ToLower(kind)
		crd := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
			"metadata": map[string]any{"name": lower + "s.monitoring.coreos.com"},
			"spec": map[string]any{
				"group": "monitoring.coreos.com", "scope": "Namespaced",
				"names": map[string]any{"kind": kind, "plural": lower + "s", "singular": lower, "listKind": kind + "List"},
				"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
					"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
			},
		}}
		_, err := bed.Dynamic.Resource(gvr).Create(context.Background(), crd, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	eventually(t, "the monitoring CRDs established", 30*time.Second, func() (bool, string) {
		res, err := bed.Kube.Discovery().ServerResourcesForGroupVersion("monitoring.coreos.com/v1")
		return err == nil && len(res.APIResources) >= 2, errString(err)
	})
}

// checkBaseDeployment: deploy/ alone starts on a plain cluster. It mounts
// no optional Secret (a missing file would crash-loop the pod), points at
// no webhook secret, pins a release tag, and has probes and limits.
func checkBaseDeployment(t *testing.T, o *unstructured.Unstructured) {
	t.Helper()
	volumes, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "volumes")
	if got := secretVolumes(volumes); !slices.Equal(got, []string{"syncd-git-keyring"}) {
		t.Errorf("deploy/ mounts the Secrets %v; want only the keyring", got)
	}
	containers, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
	c := containers[0].(map[string]any)
	args, _, _ := unstructured.NestedStringSlice(c, "args")
	for _, a := range args {
		if strings.HasPrefix(a, "--webhook") || strings.HasPrefix(a, "--repo") {
			t.Errorf("deploy/ passes %s: it belongs in a component or settings.env", a)
		}
	}
	env, _, _ := unstructured.NestedSlice(c, "env")
	for _, e := range env {
		if name := e.(map[string]any)["name"].(string); strings.HasSuffix(name, "_FILE") && name != "SYNCD_VAULT_JWT_FILE" {
			t.Errorf("deploy/ sets %s: a file only a component mounts", name)
		}
	}
	if image, _ := c["image"].(string); !strings.Contains(image, ":v") || strings.HasSuffix(image, ":latest") {
		t.Errorf("image %q: want a release tag", image)
	}
	for _, k := range []string{"startupProbe", "livenessProbe", "readinessProbe"} {
		if c[k] == nil {
			t.Errorf("deploy/: no %s", k)
		}
	}
	if mem, _, _ := unstructured.NestedString(c, "resources", "limits", "memory"); mem == "" {
		t.Error("deploy/: no memory limit")
	}
	if spread, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "topologySpreadConstraints"); len(spread) == 0 {
		t.Error("deploy/: the replicas are not spread")
	}
}

// secretVolumes lists the Secrets the volumes mount, sorted.
func secretVolumes(volumes []any) []string {
	var out []string
	for _, v := range volumes {
		if name, ok, _ := unstructured.NestedString(v.(map[string]any), "secret", "secretName"); ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// admissionParams are deploy/admission.yaml's parameters for cfg.
func admissionParams(cfg *config.Config) map[string]any {
	ns := cfg.Kubernetes.TenantNamespacePattern
	if p := cfg.Kubernetes.NamespaceOverridePattern; p != "" {
		ns += "|" + p
	}
	return map[string]any{"vaultServer": cfg.Vault.Address, "audience": cfg.Auth.Audience, "tenantLabel": cfg.Kubernetes.TenantLabel,
		"serviceAccountPattern": cfg.Kubernetes.ServiceAccountPattern, "namespacePattern": ns}
}

// waitForAdmissionPolicy waits until the API server enforces the policy,
// or no longer does (it loads policies asynchronously): syncd's dry-run
// Secret write outside a tenant namespace is refused by it, or not.
func waitForAdmissionPolicy(t *testing.T, enforced bool) {
	t.Helper()
	probe := kubeClientFor(t, mustToken(t))
	eventually(t, fmt.Sprintf("the admission policy enforced: %v", enforced), 30*time.Second, func() (bool, string) {
		_, err := probe.Typed.CoreV1().Secrets("syncd").Create(context.Background(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-"}},
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return (err != nil && strings.Contains(err.Error(), "syncd-writes")) == enforced, fmt.Sprint(err)
	})
}

// removeAdmissionPolicy removes the policy and its binding, waits until the
// API server no longer applies them, and only then their parameters: a
// binding still cached without its parameters would refuse every request.
func removeAdmissionPolicy(t *testing.T, mapper meta.RESTMapper, objs []*unstructured.Unstructured, params *unstructured.Unstructured) {
	for i := len(objs) - 1; i >= 0; i-- {
		deleteObject(t, mapper, objs[i])
	}
	waitForAdmissionPolicy(t, false)
	deleteObject(t, mapper, params)
}

func mustToken(t *testing.T) string {
	t.Helper()
	jwt, err := testbed.ServiceAccountToken(context.Background(), bed.Kube, "syncd", "syncd", time.Hour)
	must(t, err)
	return jwt
}

// kubeClients are clients acting as a service account.
type kubeClients struct {
	Typed   kubernetes.Interface
	Dynamic dynamic.Interface
}

func kubeClientFor(t *testing.T, token string) kubeClients {
	t.Helper()
	cfg := rest.CopyConfig(bed.RESTConfig)
	cfg.CertData, cfg.KeyData, cfg.BearerToken = nil, nil, token
	typed, err := kubernetes.NewForConfig(cfg)
	must(t, err)
	dyn, err := dynamic.NewForConfig(cfg)
	must(t, err)
	return kubeClients{Typed: typed, Dynamic: dyn}
}

func tokenFor(ctx context.Context, kc kubernetes.Interface, ns, sa, audience string) error {
	secs := int64(600)
	_, err := kc.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{Audiences: []string{audience}, ExpirationSeconds: &secs}}, metav1.CreateOptions{})
	return err
}

// The shipped admission parameters are those of the shipped syncd.yaml.
func TestAdmissionParamsMatchTheShippedConfig(t *testing.T) {
	root, err := testbed.RepoRoot()
	must(t, err)
	cfg, err := config.Load(filepath.Join(root, "syncd.yaml"), false)
	must(t, err)
	for _, o := range kustomizeFile(t, filepath.Join(root, "deploy", "admission.yaml")) {
		if o.GetKind() != "ConfigMap" {
			continue
		}
		data, _, _ := unstructured.NestedMap(o.Object, "data")
		if diff := cmp.Diff(admissionParams(cfg), data); diff != "" {
			t.Errorf("deploy/admission.yaml's parameters differ from syncd.yaml's (-want +got):\n%s", diff)
		}
		return
	}
	t.Fatal("deploy/admission.yaml has no ConfigMap")
}
