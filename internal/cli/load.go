package cli

import "github.com/syncd-dev/syncd/internal/reconcile"

// load reads the repository directory: the config and the tenants.
func (o *options) load() (*reconcile.Repo, error) {
	return reconcile.Load(o.dir, o.config, o.log)
}
