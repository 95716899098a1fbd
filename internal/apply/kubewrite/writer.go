// Package kubewrite makes the plan's Kubernetes changes: ESO objects applied
// server-side with field manager "syncd" and deleted with a precondition on
// the uid the plan saw. It mirrors live/kuberead.
package kubewrite

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
)

// FieldManager is syncd's name in managedFields.
const FieldManager = "syncd"

// Writer writes Kubernetes objects with a dynamic client.
type Writer struct {
	Dynamic dynamic.Interface
	Config  *config.Config
	// ForceConflicts takes fields another field manager owns, instead of
	// failing with a conflict that names it.
	ForceConflicts bool
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
		// An object that exists (update, adopt) is healed to exactly the
		// manifest: syncd takes every field over, then applies with force.
		force := w.ForceConflicts
		if c.Action != diff.Create {
			if err := takeOver(ctx, res, c.ID.Name); err != nil {
				return classify(err)
			}
			force = true
		}
		// Server-side apply of the manifest's canonical JSON, as is.
		opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: force}.ToPatchOptions()
		_, err := res.Patch(ctx, c.ID.Name, types.ApplyPatchType, m.JSON(), opts)
		if apierrors.IsConflict(err) {
			return fmt.Errorf("%w (another field manager owns these fields; re-run with --force-conflicts to take them)", err)
		}
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
