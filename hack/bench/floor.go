package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path"

	vaultapi "github.com/hashicorp/vault/api"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/par"
)

// floorMain is `bench floor -mode plan|apply|offboard -work FILE`: the
// minimal raw client. It issues only the requests the job needs, with
// vault/api and client-go and nothing else, at the concurrency syncd uses
// (8 requests in flight for reads and writes alike), each tenant's steps in
// dependency order.
func floorMain(args []string) error {
	fs := flag.NewFlagSet("floor", flag.ExitOnError)
	mode := fs.String("mode", "", "plan, apply or offboard")
	file := fs.String("work", "", "work file")
	parallel := fs.Int("parallel", 0, "requests in flight (default: as syncd)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	w, err := loadWork(*file)
	if err != nil {
		return err
	}
	vc, err := vaultapi.NewClient(vaultapi.DefaultConfig()) // VAULT_ADDR, VAULT_TOKEN
	if err != nil {
		return err
	}
	rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(clientcmd.NewDefaultClientConfigLoadingRules(), nil).ClientConfig()
	if err != nil {
		return err
	}
	rc.QPS, rc.Burst = 1000, 2000 // as syncd
	kc, err := dynamic.NewForConfig(rc)
	if err != nil {
		return err
	}
	f := floor{v: vc.Logical(), k: kc}
	ctx := context.Background()
	n := *parallel
	switch *mode {
	case "plan":
		if n == 0 {
			n = 8
		}
		return f.plan(ctx, w, n)
	case "apply":
		if n == 0 {
			n = apply.DefaultParallelism
		}
		return f.each(w.Tenants, n, func(t tenantWork) error { return f.apply(ctx, t) })
	case "offboard":
		if n == 0 {
			n = apply.DefaultParallelism
		}
		var gone []tenantWork
		for _, t := range w.Tenants {
			if offboarded(t.Name) {
				gone = append(gone, t)
			}
		}
		return f.each(gone, n, func(t tenantWork) error { return f.offboard(ctx, t) })
	}
	return fmt.Errorf("-mode must be plan, apply or offboard")
}

type floor struct {
	v *vaultapi.Logical
	k dynamic.Interface
}

func (f floor) each(ts []tenantWork, n int, fn func(tenantWork) error) error {
	errs := make([]error, len(ts))
	par.Bounded(len(ts), n, func(i int) { errs[i] = fn(ts[i]) })
	return errors.Join(errs...)
}

// plan reads every Vault object (a missing one reads as nil) and lists each
// ESO kind once, as a plan must to compare.
func (f floor) plan(ctx context.Context, w *work, n int) error {
	var paths []string
	for _, t := range w.Tenants {
		for _, op := range t.Vault {
			paths = append(paths, op.Path)
		}
	}
	errs := make([]error, len(paths)+len(w.Kinds))
	found := make([]bool, len(paths))
	par.Bounded(len(paths), n, func(i int) {
		sec, err := f.v.ReadWithContext(ctx, paths[i])
		found[i], errs[i] = sec != nil, err
	})
	for i, gvr := range w.Kinds {
		_, errs[len(paths)+i] = f.k.Resource(gvr).List(ctx, metav1.ListOptions{})
	}
	missing := 0
	for _, ok := range found {
		if !ok {
			missing++
		}
	}
	fmt.Printf("read %d Vault objects (%d missing), listed %d kinds\n", len(paths), missing, len(w.Kinds))
	return errors.Join(errs...)
}

func (f floor) apply(ctx context.Context, t tenantWork) error {
	for _, op := range t.Vault {
		if _, err := f.v.WriteWithContext(ctx, op.Path, op.Data); err != nil {
			return fmt.Errorf("%s: %w", op.Path, err)
		}
	}
	for _, op := range t.Kube {
		u := &unstructured.Unstructured{Object: op.Object}
		if _, err := f.k.Resource(op.GVR).Namespace(op.Namespace).Apply(ctx, op.Name, u, metav1.ApplyOptions{FieldManager: "floor"}); err != nil {
			return fmt.Errorf("%s/%s: %w", op.Namespace, op.Name, err)
		}
	}
	return nil
}

// offboard runs the off-boarding steps up to deprecation: the ESO objects,
// the leases, the database roles, the auth role, then the policy renamed.
func (f floor) offboard(ctx context.Context, t tenantWork) error {
	for i := len(t.Kube) - 1; i >= 0; i-- {
		op := t.Kube[i]
		if err := f.k.Resource(op.GVR).Namespace(op.Namespace).Delete(ctx, op.Name, metav1.DeleteOptions{}); err != nil {
			return fmt.Errorf("%s/%s: %w", op.Namespace, op.Name, err)
		}
	}
	for _, kind := range []object.Kind{object.DatabaseRole, object.AuthRole} {
		for _, op := range t.Vault {
			if op.Kind != kind {
				continue
			}
			if kind == object.DatabaseRole {
				if err := revokeLeases(ctx, f.v, op); err != nil {
					return fmt.Errorf("revoking %s: %w", op.Name, err)
				}
			}
			if _, err := f.v.DeleteWithContext(ctx, op.Path); err != nil {
				return fmt.Errorf("%s: %w", op.Path, err)
			}
		}
	}
	for _, op := range t.Vault {
		if op.Kind != object.Policy {
			continue
		}
		sec, err := f.v.ReadWithContext(ctx, op.Path)
		if err != nil || sec == nil {
			return fmt.Errorf("%s: %v (missing: %t)", op.Path, err, sec == nil)
		}
		if _, err := f.v.WriteWithContext(ctx, op.Path+"-deprecated", map[string]any{"policy": sec.Data["policy"]}); err != nil {
			return err
		}
		if _, err := f.v.DeleteWithContext(ctx, op.Path); err != nil {
			return err
		}
	}
	return nil
}

// dbMount is the database mount of a role's path (<mount>/roles/<name>).
func dbMount(rolePath string) string { return path.Dir(path.Dir(rolePath)) }

// revokeLeases revokes every lease of a database role, synchronously, as
// syncd's off-boarding does.
func revokeLeases(ctx context.Context, v *vaultapi.Logical, role vaultOp) error {
	_, err := v.WriteWithContext(ctx, "sys/leases/revoke-prefix/"+dbMount(role.Path)+"/creds/"+role.Name, map[string]any{"sync": true})
	return err
}
