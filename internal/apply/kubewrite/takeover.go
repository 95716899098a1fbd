package kubewrite

import (
	"context"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// takeOver makes syncd the only manager of an object's fields before a
// heal, as Flux's server-side apply does: every other manager's entry (but
// a subresource's, such as ESO's status) is folded into syncd's Apply
// entry, so the apply that follows removes whatever syncd does not declare
// — a field someone added, or took over with kubectl edit — instead of
// leaving it or conflicting. The patch is conditional on the
// resourceVersion read: a concurrent writer makes it fail, not vanish.
func takeOver(ctx context.Context, res dynamic.ResourceInterface, name string) error {
	obj, err := res.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	entries := obj.GetManagedFields()
	merged := map[string]any{}
	var keep []metav1.ManagedFieldsEntry
	others := false
	for _, e := range entries {
		if e.Subresource != "" {
			keep = append(keep, e)
			continue
		}
		if e.Manager != FieldManager || e.Operation != metav1.ManagedFieldsOperationApply {
			others = true
		}
		if e.FieldsV1 == nil {
			continue
		}
		var f map[string]any
		if err := json.Unmarshal(e.FieldsV1.Raw, &f); err != nil {
			return fmt.Errorf("managedFields of %s: %w", name, err)
		}
		mergeFields(merged, f)
	}
	if !others {
		return nil // syncd alone manages it: the apply heals it
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	keep = append(keep, metav1.ManagedFieldsEntry{Manager: FieldManager, Operation: metav1.ManagedFieldsOperationApply,
		APIVersion: obj.GetAPIVersion(), FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: raw}})
	patch, err := json.Marshal([]map[string]any{
		{"op": "test", "path": "/metadata/resourceVersion", "value": obj.GetResourceVersion()},
		{"op": "replace", "path": "/metadata/managedFields", "value": keep},
	})
	if err != nil {
		return err
	}
	if _, err := res.Patch(ctx, name, types.JSONPatchType, patch, metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
		return fmt.Errorf("taking the fields of %s over from other managers: %w", name, err)
	}
	return nil
}

// mergeFields adds the field set src to dst (FieldsV1: nested maps whose
// leaves are empty maps).
func mergeFields(dst, src map[string]any) {
	for k, v := range src {
		sv, _ := v.(map[string]any)
		dv, ok := dst[k].(map[string]any)
		if !ok {
			dv = map[string]any{}
			dst[k] = dv
		}
		mergeFields(dv, sv)
	}
}
