package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
)

// refuseStores makes the API server refuse every SecretStore written into
// ns (a ValidatingAdmissionPolicy), a failure syncd's plan cannot foresee;
// the returned func lifts it. Both wait until the API server enforces the
// change.
func refuseStores(t *testing.T, ns string) func() {
	t.Helper()
	ctx := context.Background()
	name := "e2e-refuse-stores-" + ns
	fail := admissionv1.Deny
	_, err := bed.Kube.AdmissionregistrationV1().ValidatingAdmissionPolicies().Create(ctx, &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{RuleWithOperations: admissionv1.RuleWithOperations{
				Operations: []admissionv1.OperationType{admissionv1.Create, admissionv1.Update},
				Rule:       admissionv1.Rule{APIGroups: []string{"external-secrets.io"}, APIVersions: []string{"*"}, Resources: []string{"secretstores"}},
			}}}},
			Validations: []admissionv1.Validation{{Expression: fmt.Sprintf("object.metadata.namespace != %q", ns), Message: "no SecretStore here (e2e)"}},
		},
	}, metav1.CreateOptions{})
	must(t, err)
	_, err = bed.Kube.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Create(ctx, &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       admissionv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: name, ValidationActions: []admissionv1.ValidationAction{fail}},
	}, metav1.CreateOptions{})
	must(t, err)
	probe := func() error {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "external-secrets.io/v1", "kind": "SecretStore",
			"metadata": map[string]any{"name": "e2e-probe", "namespace": ns},
			"spec":     map[string]any{"provider": map[string]any{"vault": map[string]any{"server": "http://x", "auth": map[string]any{"tokenSecretRef": map[string]any{"name": "x", "key": "x"}}}}},
		}}
		_, err := bed.Dynamic.Resource(kuberead.GVRs(config.Default())[object.SecretStore]).Namespace(ns).Create(ctx, u, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err
	}
	eventually(t, "the API server to refuse stores in "+ns, 30*time.Second, func() (bool, string) {
		err := probe()
		return err != nil && strings.Contains(err.Error(), "no SecretStore here"), fmt.Sprint(err)
	})
	undone := false
	undo := func() {
		if undone {
			return
		}
		undone = true
		_ = bed.Kube.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Delete(ctx, name, metav1.DeleteOptions{})
		_ = bed.Kube.AdmissionregistrationV1().ValidatingAdmissionPolicies().Delete(ctx, name, metav1.DeleteOptions{})
		eventually(t, "the API server to take stores in "+ns+" again", 30*time.Second, func() (bool, string) {
			err := probe()
			return err == nil, fmt.Sprint(err)
		})
	}
	t.Cleanup(undo)
	return undo
}
