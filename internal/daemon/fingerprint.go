package daemon

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/par"
	"github.com/syncd-dev/syncd/internal/reconcile"
)

// fingerprint hashes each valid tenant's desired objects, and the config:
// a tenant whose hash is unchanged since it last reconciled cleanly is not
// planned again.
func fingerprint(repo *reconcile.Repo) (map[string]string, string) {
	objs := repo.State.ByTenant()
	sums := make([]string, len(repo.State.Tenants))
	par.Each(len(sums), func(i int) { sums[i] = hashObjects(objs[repo.State.Tenants[i].Name]) })
	out := make(map[string]string, len(sums))
	for i, t := range repo.State.Tenants {
		out[t.Name] = sums[i]
	}
	return out, hash(repo.Cfg)
}

func hash(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// hashObjects hashes every field of the objects, each length-prefixed. A
// manifest's canonical JSON is hashed as it is: re-encoding every object
// of 10,000 tenants per reconcile cost more than planning the one that
// changed.
func hashObjects(objs []*desired.Object) string {
	h := sha256.New()
	var buf []byte
	field := func(b []byte) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(b)))
		h.Write(buf)
		h.Write(b)
	}
	id := func(id object.ID) {
		for _, s := range []string{string(id.System), string(id.Kind), id.Scope, id.Name} {
			field([]byte(s))
		}
	}
	for _, o := range objs {
		id(o.ID)
		field([]byte(o.Tenant))
		buf = binary.AppendUvarint(buf[:0], uint64(len(o.Refs)))
		h.Write(buf)
		for _, r := range o.Refs {
			id(r)
		}
		if m, ok := o.Spec.(*desired.ManifestSpec); ok && m != nil {
			field([]byte("manifest"))
			field(m.JSON())
			continue
		}
		b, _ := json.Marshal(o.Spec) // policies, roles: small
		field([]byte("json"))
		field(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
