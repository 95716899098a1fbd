// Package live holds the live state read from Vault and Kubernetes as plain
// data, in the same shapes as the desired state so the two can be paired by
// identity and compared. The readers that fill it live in the vaultread and
// kuberead subpackages; no client library type crosses into this package.
package live

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
)

// State is everything read from the live systems for one plan.
type State struct {
	sync.Mutex // guards the maps while readers fill them concurrently

	// Objects are the live objects found, by identity.
	Objects map[object.ID]Object
	// Connections are the platform's database connections that desired
	// database roles refer to; a missing one is absent from the map.
	Connections map[object.ID]Connection
	// Present are external objects (namespaces, service accounts, KV secrets)
	// that were looked for and exist.
	Present object.Set
	// Looked are the external objects that were looked for at all.
	Looked object.Set
	// NamespaceTenants maps each namespace found that a tenant needs to the
	// value of its tenant label (kubernetes.tenantLabel; "" without one):
	// the tenant it belongs to.
	NamespaceTenants map[string]string
	// Targets holds, for each desired ExternalSecret about to be written
	// with a target Secret its live one does not already have (a create, a
	// new target), whether that Secret exists: ESO takes over an existing
	// Secret no other ExternalSecret owns.
	Targets map[object.ID]Target
	// KVKeys are the secrets (paths inside the mount) under each KV prefix
	// that was looked for, listed recursively: what deleting the prefix
	// deletes.
	KVKeys map[object.ID][]string
	// Inventory is what this syncd instance owns.
	Inventory *inventory.Inventory
}

// Put holds o, under s's lock: readers fill one state concurrently. What
// is equal to what is diff's question, not the reader's.
func (s *State) Put(o Object) {
	s.Lock()
	s.Objects[o.ID] = o
	s.Unlock()
}

// Get returns the live object with id.
func (s *State) Get(id object.ID) (Object, bool) {
	o, ok := s.Objects[id]
	return o, ok
}

// Has reports whether a live object with id was found.
func (s *State) Has(id object.ID) bool {
	_, ok := s.Get(id)
	return ok
}

// Len is the number of live objects found.
func (s *State) Len() int { return len(s.Objects) }

// Object is one live object, normalised into a desired.Spec.
type Object struct {
	ID   object.ID
	Spec desired.Spec
	// Raw fingerprints what was read (no secret values): Digest of its
	// rendering, not the rendering itself, which would be a second copy of
	// every live object.
	Raw []byte
	// UID is a Kubernetes object's uid, so a delete can require it.
	UID string
	// Foreign: a Kubernetes object none of whose managedFields entries is
	// syncd's, so syncd never wrote it. Vault keeps no writer: false.
	Foreign bool
}

// Target is what was found of an ExternalSecret's target Secret, read
// without its data (a server-side dry-run create: syncd cannot read
// Secrets).
type Target struct {
	Secret string `json:"secret"` // its name, in the ExternalSecret's namespace
	Exists bool   `json:"exists"`
	// Err says why it could not be checked ("" when it was).
	Err string `json:"err,omitempty"`
}

// Connection is what syncd needs to know of a database connection; its
// credentials are never read into here.
type Connection struct {
	Plugin       string   `json:"plugin"`
	AllowedRoles []string `json:"allowedRoles"`
}

// New returns an empty state.
func New() *State {
	return &State{
		Objects: map[object.ID]Object{}, Connections: map[object.ID]Connection{}, KVKeys: map[object.ID][]string{},
		Present: object.Set{}, Looked: object.Set{}, NamespaceTenants: map[string]string{}, Targets: map[object.ID]Target{}, Inventory: &inventory.Inventory{},
	}
}

// Fingerprint hashes everything read, so a saved plan can tell whether the
// live state changed since it was computed.
func (s *State) Fingerprint() string {
	h := sha256.New()
	for _, id := range object.NewSet(keys(s.Objects)...).Sorted() {
		h.Write([]byte(id.String()))
		h.Write(s.Objects[id].Raw)
	}
	for _, id := range object.NewSet(keys(s.Connections)...).Sorted() {
		b, _ := json.Marshal(s.Connections[id])
		h.Write([]byte(id.String()))
		h.Write(b)
	}
	for _, id := range s.Present.Sorted() {
		h.Write([]byte("present:" + id.String()))
	}
	for _, ns := range slices.Sorted(maps.Keys(s.NamespaceTenants)) {
		h.Write([]byte("namespace:" + ns + "\x00" + s.NamespaceTenants[ns] + "\x00"))
	}
	for _, id := range object.NewSet(keys(s.Targets)...).Sorted() {
		if t := s.Targets[id]; t.Exists { // not the unchecked: a plan checked by another identity is still fresh
			h.Write([]byte("target:" + id.String() + "\x00" + t.Secret + "\x00"))
		}
	}
	for _, id := range object.NewSet(keys(s.KVKeys)...).Sorted() {
		b, _ := json.Marshal(s.KVKeys[id])
		h.Write([]byte("kv:" + id.String()))
		h.Write(b)
	}
	// Tenant by tenant: memory holds one record's encoding, not the
	// inventory's.
	enc := json.NewEncoder(h)
	for _, name := range s.Inventory.TenantNames() {
		h.Write([]byte("tenant:" + name + "\x00"))
		_ = enc.Encode(s.Inventory.Tenants[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Digest is the fingerprint of one object's rendering, for Object.Raw.
func Digest(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(make([]byte, 0, sha256.Size))
}

func keys[V any](m map[object.ID]V) []object.ID {
	out := make([]object.ID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Counter counts the HTTP requests made to one system, and among them the
// writes (every method but GET, HEAD and Vault's LIST).
type Counter struct{ n, writes atomic.Int64 }

// Count returns the requests counted so far.
func (c *Counter) Count() int64 { return c.n.Load() }

// Counts is a Counter's totals at one moment.
type Counts struct{ N, W int64 }

// Snapshot returns the totals so far.
func (c *Counter) Snapshot() *Counts { return &Counts{N: c.n.Load(), W: c.writes.Load()} }

// Writes returns the write requests counted so far.
func (c *Counter) Writes() int64 { return c.writes.Load() }

// Wrap returns a RoundTripper that counts every request through rt.
func (c *Counter) Wrap(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return countingTransport{rt: rt, c: c}
}

type countingTransport struct {
	rt http.RoundTripper
	c  *Counter
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.c.n.Add(1)
	switch r.Method {
	case http.MethodGet, http.MethodHead, "LIST":
	default:
		t.c.writes.Add(1)
	}
	return t.rt.RoundTrip(r)
}
