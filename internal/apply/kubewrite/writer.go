// Package kubewrite makes the plan's Kubernetes changes: ESO objects created
// (never merged into one that appeared since the plan), healed by
// server-side apply with field manager "syncd" after taking every field
// over, and deleted with a precondition on the uid the plan saw. It mirrors
// live/kuberead.
package kubewrite

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
)

// FieldManager is syncd's name in managedFields.
const FieldManager = desired.FieldManager

// Writer writes Kubernetes objects with a dynamic client.
type Writer struct {
	Dynamic dynamic.Interface
	Config  *config.Config
}

// Write makes one change.
func (w Writer) Write(ctx context.Context, c diff.Change) error {
	gvr, ok := kuberead.GVRs(w.Config)[c.ID.Kind]
	if !ok {
		gvr, ok = kuberead.CoreGVRs[c.ID.Kind]
	}
	if !ok {
		return fmt.Errorf("no resource for kind %s", c.ID.Kind)
	}
	res := w.Dynamic.Resource(gvr).Namespace(c.ID.Scope)
	switch c.Action {
	case diff.Create, diff.Update, diff.Adopt:
		m, ok := c.After.(*desired.ManifestSpec)
		if !ok {
			return fmt.Errorf("no manifest for %s", c.ID)
		}
		if c.Action == diff.Create {
			return w.create(ctx, res, m)
		}
		// An object that exists (update, adopt) is healed to exactly the
		// manifest: syncd takes every field over, then applies the
		// manifest's canonical JSON, as is, with force.
		if err := takeOver(ctx, res, c.ID.Name); err != nil {
			return classify(err)
		}
		opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: true}.ToPatchOptions()
		_, err := res.Patch(ctx, c.ID.Name, types.ApplyPatchType, m.JSON(), opts)
		return classify(err)
	case diff.Delete:
		opts := metav1.DeleteOptions{}
		if c.UID != "" {
			uid := types.UID(c.UID)
			opts.Preconditions = &metav1.Preconditions{UID: &uid}
		}
		err := res.Delete(ctx, c.ID.Name, opts)
		switch {
		case apierrors.IsNotFound(err):
			return nil // gone already
		case apierrors.IsConflict(err):
			return fmt.Errorf("%w (the object was replaced since the plan; plan again)", err)
		}
		return classify(err)
	}
	return fmt.Errorf("unsupported action %s", c.Action)
}

// create creates the object, and only creates it: an object of that name
// that appeared since the plan is someone else's, and a server-side apply
// would merge into it. syncd's field manager then owns the object's fields
// (as an update; the first heal folds them into its apply entry).
func (w Writer) create(ctx context.Context, res dynamic.ResourceInterface, m *desired.ManifestSpec) error {
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(m.JSON()); err != nil {
		return err
	}
	_, err := res.Create(ctx, obj, metav1.CreateOptions{FieldManager: FieldManager})
	if apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("%w: it appeared since the plan and is not syncd's; plan again (with --adopt to take it over)", err)
	}
	return classify(err)
}

// classify marks transient errors for the walker's retry.
func classify(err error) error {
	var ne net.Error
	switch {
	case err == nil:
		return nil
	case apierrors.IsServerTimeout(err), apierrors.IsTimeout(err), apierrors.IsTooManyRequests(err),
		apierrors.IsServiceUnavailable(err), apierrors.IsInternalError(err),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.As(err, &ne) && ne.Timeout():
		return &apply.Transient{Err: err}
	}
	return err
}
