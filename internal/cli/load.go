package cli

import "github.com/syncd-dev/syncd/internal/reconcile"

// load reads the repository directory: the config and the tenants, whose
// decoded files a command drops once their desired state is derived.
func (o *options) load() (*reconcile.Repo, error) {
	repo, err := reconcile.Load(o.dir, o.config, o.log)
	if err != nil {
		return nil, err
	}
	return repo.WithoutFiles(), nil
}
