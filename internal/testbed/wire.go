package testbed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Seed mounts and names, as production has them.
const (
	KVMount             = "secret"
	DatabaseMount       = "database"
	KubernetesAuthMount = "kubernetes"
	reviewerNamespace   = "vault"
	reviewerSA          = "vault-token-reviewer"
)

// Connections are the database connections the bed configures.
var Connections = []string{"catalog", "orders"}

// ServiceAccountToken mints a token for namespace/name with TokenRequest,
// for audiences (the API server's own when none).
func ServiceAccountToken(ctx context.Context, kube kubernetes.Interface, namespace, name string, ttl time.Duration, audiences ...string) (string, error) {
	secs := int64(ttl / time.Second)
	tr, err := kube.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &secs, Audiences: audiences}},
		metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token for %s/%s: %w", namespace, name, err)
	}
	return tr.Status.Token, nil
}

// EnsureServiceAccount creates the namespace and service account if missing.
func EnsureServiceAccount(ctx context.Context, kube kubernetes.Interface, namespace, name string) error {
	return EnsureTenantNamespace(ctx, kube, namespace, name, "")
}

// TenantLabel is the label that makes a namespace a tenant's (syncd.yaml
// kubernetes.tenantLabel, by default).
const TenantLabel = "syncd.io/tenant"

// EnsureTenantNamespace is EnsureServiceAccount for a tenant's namespace:
// labelled TenantLabel=tenant (no label when tenant is ""), as the
// platform labels the namespaces it makes for tenants.
func EnsureTenantNamespace(ctx context.Context, kube kubernetes.Interface, namespace, name, tenant string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
	if tenant != "" {
		ns.Labels = map[string]string{TenantLabel: tenant}
	}
	_, err := kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) && tenant != "" {
		var live *corev1.Namespace
		if live, err = kube.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{}); err == nil && live.Labels[TenantLabel] != tenant {
			if live.Labels == nil {
				live.Labels = map[string]string{}
			}
			live.Labels[TenantLabel] = tenant
			_, err = kube.CoreV1().Namespaces().Update(ctx, live, metav1.UpdateOptions{})
		}
	}
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("namespace %s: %w", namespace, err)
	}
	_, err = kube.CoreV1().ServiceAccounts(namespace).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("service account %s/%s: %w", namespace, name, err)
	}
	return nil
}

// wireKubernetesAuth enables Vault's Kubernetes auth method against the API
// server, reviewing tokens with a service account bound to system:auth-delegator.
func wireKubernetesAuth(ctx context.Context, v *vaultapi.Client, kube kubernetes.Interface, cfg *rest.Config, mount string) error {
	if err := EnsureServiceAccount(ctx, kube, reviewerNamespace, reviewerSA); err != nil {
		return err
	}
	_, err := kube.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "vault-token-reviewer"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "system:auth-delegator"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: reviewerNamespace, Name: reviewerSA}},
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("token reviewer binding: %w", err)
	}
	jwt, err := ServiceAccountToken(ctx, kube, reviewerNamespace, reviewerSA, 7*24*time.Hour)
	if err != nil {
		return err
	}
	if err := v.Sys().EnableAuthWithOptionsWithContext(ctx, mount, &vaultapi.EnableAuthOptions{Type: "kubernetes"}); err != nil {
		return fmt.Errorf("enable auth/%s: %w", mount, err)
	}
	// Outside a pod there is no local CA or token: give both explicitly.
	_, err = v.Logical().WriteWithContext(ctx, "auth/"+mount+"/config", map[string]any{
		"kubernetes_host":      cfg.Host,
		"kubernetes_ca_cert":   string(cfg.CAData),
		"token_reviewer_jwt":   jwt,
		"disable_local_ca_jwt": true,
	})
	if err != nil {
		return fmt.Errorf("configure auth/%s: %w", mount, err)
	}
	return nil
}

// wireDatabase mounts the database secrets engine with one connection per
// Postgres database.
func wireDatabase(ctx context.Context, v *vaultapi.Client, mount string, pg pgInstance) error {
	if err := v.Sys().MountWithContext(ctx, mount, &vaultapi.MountInput{Type: "database"}); err != nil {
		return fmt.Errorf("mount %s: %w", mount, err)
	}
	for _, name := range Connections {
		_, err := v.Logical().WriteWithContext(ctx, mount+"/config/"+name, map[string]any{
			"plugin_name":    "postgresql-database-plugin",
			"connection_url": fmt.Sprintf("postgresql://{{username}}:{{password}}@127.0.0.1:%d/%s?sslmode=disable", pg.Port, name),
			"username":       "postgres",
			"password":       pg.Password,
			"allowed_roles":  "*",
		})
		if err != nil {
			return fmt.Errorf("%s/config/%s: %w", mount, name, err)
		}
	}
	return nil
}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installCRDs creates every CRD in the bundle and waits until all are Established.
func installCRDs(ctx context.Context, dyn dynamic.Interface, bundle string) error {
	data, err := os.ReadFile(bundle)
	if err != nil {
		return err
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var names []string
	for {
		var u unstructured.Unstructured
		if err := dec.Decode(&u.Object); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fmt.Errorf("decoding %s: %w", bundle, err)
		}
		if u.GetKind() != "CustomResourceDefinition" {
			continue
		}
		if _, err := dyn.Resource(crdGVR).Create(ctx, &u, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating CRD %s: %w", u.GetName(), err)
		}
		names = append(names, u.GetName())
	}
	for _, name := range names {
		if err := waitEstablished(ctx, dyn, name); err != nil {
			return err
		}
	}
	return nil
}

func waitEstablished(ctx context.Context, dyn dynamic.Interface, name string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		u, err := dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, c := range conds {
				m, _ := c.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("CRD %s not Established: %w", name, errors.Join(err, ctx.Err()))
		case <-time.After(100 * time.Millisecond):
		}
	}
}
