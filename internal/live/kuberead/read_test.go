package kuberead

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

func TestMissingCRDIsAClearError(t *testing.T) {
	cfg := config.Default()
	kinds := map[schema.GroupVersionResource]string{}
	for _, gvr := range GVRs(cfg) {
		kinds[gvr] = "List"
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), kinds)
	client.PrependReactor("list", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewNotFound(a.GetResource().GroupResource(), "")
	})
	err := Reader{Dynamic: client, Config: cfg}.Read(context.Background(), object.Set{}, live.New())
	if err == nil || !strings.Contains(err.Error(), "CRD") || !strings.Contains(err.Error(), "is not installed: install the External Secrets Operator CRDs") {
		t.Fatalf("err = %v, want a clear missing-CRD error", err)
	}
}
