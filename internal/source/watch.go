package source

import (
	"context"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch reports, debounced, that the directory's tenant files or config
// changed: a burst of writes (an editor's save, a git checkout) becomes one
// signal once it has been quiet for debounce. The channel closes with ctx.
func (d Dir) Watch(ctx context.Context, debounce time.Duration) (<-chan struct{}, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	for _, p := range []string{d.Path, filepath.Join(d.Path, "tenants")} {
		if err := w.Add(p); err != nil {
			w.Close()
			return nil, err
		}
	}
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		defer w.Close()
		var timer <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-w.Events:
				if !ok {
					return
				}
				timer = time.After(debounce)
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
			case <-timer:
				timer = nil
				select {
				case out <- struct{}{}:
				default: // one pending signal is enough
				}
			}
		}
	}()
	return out, nil
}
