package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/par"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// prepare creates what another system provides before any tenant is wired
// (unmeasured): each tenant's namespace and service account, and the KV
// values its ExternalSecrets copy.
func prepare(ctx context.Context, bed *testbed.Bed, st *desired.State, kvMount string) error {
	errs := make([]error, len(st.Tenants))
	par.Bounded(len(st.Tenants), 16, func(i int) {
		t := st.Tenants[i]
		if err := testbed.EnsureTenantNamespace(ctx, bed.Kube, t.Namespace, t.ServiceAccount, t.Name); err != nil {
			errs[i] = err
			return
		}
		var shape int
		fmt.Sscanf(t.Name[len(t.Name)-5:], "%d", &shape)
		for path, data := range kvValues[shape%3] {
			if _, err := bed.Vault.Logical().WriteWithContext(ctx, kvMount+"/data/"+t.KVPrefix+"/"+path, map[string]any{"data": data}); err != nil {
				errs[i] = err
				return
			}
		}
	})
	return errors.Join(errs...)
}

// reset removes everything any method wired (unmeasured): ESO objects and
// the Secrets ESO made, leases, database and auth roles, policies and their
// deprecated copies, syncd's inventory. Namespaces, service accounts and KV
// values stay.
func reset(ctx context.Context, bed *testbed.Bed, st *desired.State, w *work, inventoryMount, inventoryPath string) error {
	kinds := append(append([]schema.GroupVersionResource{}, w.Kinds...), schema.GroupVersionResource{Version: "v1", Resource: "secrets"})
	nsErrs := make([]error, len(st.Tenants))
	par.Bounded(len(st.Tenants), 16, func(i int) {
		for _, gvr := range kinds {
			err := bed.Dynamic.Resource(gvr).Namespace(st.Tenants[i].Namespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
			if err != nil && !apierrors.IsNotFound(err) {
				nsErrs[i] = err
				return
			}
		}
	})
	v := bed.Vault.Logical()
	var jobs []func() error
	for _, t := range w.Tenants {
		for _, op := range t.Vault {
			switch op.Kind {
			case object.DatabaseRole:
				jobs = append(jobs, func() error {
					if err := revokeLeases(ctx, v, op); err != nil {
						return err
					}
					_, err := v.DeleteWithContext(ctx, op.Path)
					return err
				})
			case object.Policy:
				jobs = append(jobs, func() error {
					if _, err := v.DeleteWithContext(ctx, op.Path); err != nil {
						return err
					}
					_, err := v.DeleteWithContext(ctx, op.Path+"-deprecated")
					return err
				})
			default:
				jobs = append(jobs, func() error { _, err := v.DeleteWithContext(ctx, op.Path); return err })
			}
		}
	}
	sec, listErr := v.ListWithContext(ctx, inventoryMount+"/metadata/"+inventoryPath+"/tenants")
	if sec != nil {
		keys, _ := sec.Data["keys"].([]any)
		for _, k := range keys {
			p := inventoryMount + "/metadata/" + inventoryPath + "/tenants/" + strings.TrimSuffix(k.(string), "/")
			jobs = append(jobs, func() error { _, err := v.DeleteWithContext(ctx, p); return err })
		}
	}
	jobs = append(jobs, func() error {
		_, err := v.DeleteWithContext(ctx, inventoryMount+"/metadata/"+inventoryPath+"/index")
		return err
	})
	jobErrs := make([]error, len(jobs))
	par.Bounded(len(jobs), 16, func(i int) { jobErrs[i] = jobs[i]() })
	var errs []error
	for _, e := range append(append(nsErrs, listErr), jobErrs...) {
		if e != nil && !apierrors.IsNotFound(e) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("reset: %w", errors.Join(errs...))
	}
	return nil
}
