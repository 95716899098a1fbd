package source

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ConfigMapHistory records the last revision applied in a ConfigMap of
// syncd's own namespace, for one repository and ref: a record of another
// repository or ref (the flags changed) is no record.
type ConfigMapHistory struct {
	Client          kubernetes.Interface
	Namespace, Name string
	Repository, Ref string
}

// The ConfigMap's keys.
const (
	historyRepository = "repository"
	historyRef        = "ref"
	historyRevision   = "revision"
)

// Last returns the recorded revision, "" when there is none for this
// repository and ref.
func (h ConfigMapHistory) Last(ctx context.Context) (string, error) {
	cm, err := h.Client.CoreV1().ConfigMaps(h.Namespace).Get(ctx, h.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("configmap %s/%s: %w", h.Namespace, h.Name, err)
	}
	if cm.Data[historyRepository] != Redact(h.Repository) || cm.Data[historyRef] != h.Ref {
		return "", nil
	}
	return cm.Data[historyRevision], nil
}

// Record records revision as the last applied.
func (h ConfigMapHistory) Record(ctx context.Context, revision string) error {
	data := map[string]string{historyRepository: Redact(h.Repository), historyRef: h.Ref, historyRevision: revision}
	cms := h.Client.CoreV1().ConfigMaps(h.Namespace)
	cm, err := cms.Get(ctx, h.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		_, err = cms.Create(ctx, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: h.Name, Namespace: h.Namespace, Labels: map[string]string{"app.kubernetes.io/managed-by": "syncd"}},
			Data:       data,
		}, metav1.CreateOptions{})
	case err == nil:
		cm.Data = data
		_, err = cms.Update(ctx, cm, metav1.UpdateOptions{}) // the resourceVersion read: a concurrent writer conflicts
	}
	if err != nil {
		return fmt.Errorf("recording revision %s in configmap %s/%s: %w", revision, h.Namespace, h.Name, err)
	}
	return nil
}
