package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

// An ExternalSecret whose target Secret exists and is not its own is never
// written: ESO would take the Secret over.
func TestExternalSecretNeverTakesOverASecret(t *testing.T) {
	es := object.ID{System: object.Kubernetes, Kind: object.ExternalSecret, Scope: "bookstore-platform-blog", Name: "smtp"}
	base := []string{
		"0 create Policy bookstore-platform-app-blog", "1 create KubernetesAuthRole bookstore-platform-blog",
		"2 create SecretStore bookstore-platform-blog/vault-blog",
	}
	tests := map[string]struct {
		target   *live.Target
		applying bool
		want     []string
	}{
		"not checked (converged or its own)": {want: append(base, "3 create ExternalSecret bookstore-platform-blog/smtp")},
		"free":                               {target: &live.Target{Secret: "smtp"}, want: append(base, "3 create ExternalSecret bookstore-platform-blog/smtp")},
		"someone else's": {target: &live.Target{Secret: "smtp", Exists: true}, want: append(base,
			"error ExternalSecret bookstore-platform-blog/smtp: target Secret bookstore-platform-blog/smtp already exists and this ExternalSecret did not create it: "+
				"ESO would take it over (replace its data, and delete it when the tenant is off-boarded); choose another target, or delete the Secret if it is the tenant's to replace")},
		"could not be checked, shown only": {target: &live.Target{Secret: "smtp", Err: "forbidden"}, want: append(base,
			"3 create ExternalSecret bookstore-platform-blog/smtp",
			"warning ExternalSecret bookstore-platform-blog/smtp: target Secret bookstore-platform-blog/smtp not checked (forbidden): apply checks it before writing")},
		"could not be checked, to be applied": {target: &live.Target{Secret: "smtp", Err: "forbidden"}, applying: true, want: append(base,
			"error ExternalSecret bookstore-platform-blog/smtp: target Secret bookstore-platform-blog/smtp could not be checked, so it is not written: forbidden")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, st := fixture(t, blog)
			l := converged(cfg, &desired.State{})
			present(l, st)
			if tc.target != nil {
				l.Targets[es] = *tc.target
			}
			p := Compute(Input{Config: cfg, Desired: st, Live: l, Now: now, Options: Options{Applying: tc.applying}})
			if diff := cmp.Diff(tc.want, lines(p)); diff != "" {
				t.Errorf("plan (-want +got):\n%s\ngot:\n%q", diff, lines(p))
			}
		})
	}
}
