package desired

import (
	"hash/maphash"

	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/strictyaml"
)

// claim is one identity a tenant derives without managing it, and the
// field it comes from. The identities of the objects it manages are
// claimed from the objects themselves (tenantBuild.fields).
type claim struct {
	id    object.ID
	field string
}

// claimant is the tenant that claimed an identity first, and which of its
// claims it was (tenantBuild.claim).
type claimant struct {
	tb *tenantBuild
	at int
}

func (c claimant) id() object.ID { id, _ := c.tb.claim(c.at); return id }
func (c claimant) field() string { _, f := c.tb.claim(c.at); return f }

// claims indexes every derived identity once, so every cross-tenant
// uniqueness check is one map lookup: linear in the number of objects. The
// index keys on a hash of the identity, not the identity: at 10,000 tenants
// a map holding 110,000 identities took more memory than their objects'
// specs. The identity itself stays with its tenant's build; an identity
// whose hash another already holds goes to a second map keyed by the
// identity (TestDerivedIdentitiesAreUniqueAcrossTenants runs under colliding hashes).
type claims struct {
	first map[uint64]claimant
	more  map[object.ID]claimant
	hash  func(object.ID) uint64
	errs  map[string]strictyaml.Errors // by tenant name
}

// newClaims returns an index sized for n claims.
func newClaims(n int) *claims {
	return &claims{first: make(map[uint64]claimant, n), more: map[object.ID]claimant{},
		hash: claimHash, errs: map[string]strictyaml.Errors{}}
}

// claimHash hashes an identity for the index; tests replace it to force
// collisions.
var claimHash = func() func(object.ID) uint64 {
	seed := maphash.MakeSeed()
	return func(id object.ID) uint64 { return maphash.Comparable(seed, id) }
}()

// lookup returns the first claimant of id, whose hash is h.
func (c *claims) lookup(h uint64, id object.ID) (claimant, bool) {
	prev, ok := c.first[h]
	if !ok {
		return claimant{}, false
	}
	if prev.id() == id {
		return prev, true
	}
	prev, ok = c.more[id]
	return prev, ok
}

// add claims every identity tb derives. A second tenant deriving an identity
// is an error on both; a tenant deriving one identity twice is reported by
// the tenant's own validation and ignored here.
func (c *claims) add(tb *tenantBuild) {
	for at := range tb.claims() {
		id, _ := tb.claim(at)
		h := c.hash(id)
		now := claimant{tb: tb, at: at}
		prev, taken := c.lookup(h, id)
		switch {
		case !taken:
			if _, held := c.first[h]; held { // by another identity
				c.more[id] = now
			} else {
				c.first[h] = now
			}
		case prev.tb == tb:
		case prev.tb.t.Metadata.Name == tb.t.Metadata.Name:
			// two files for one tenant: reported once by tenant.Parse
		default:
			c.conflict(id, now, prev)
			c.conflict(id, prev, now)
		}
	}
}

func (c *claims) conflict(id object.ID, at, other claimant) {
	name := at.tb.t.Metadata.Name
	c.errs[name] = append(c.errs[name], at.tb.t.Pos.Errorf(at.field(),
		"derives %s, which tenant %q derives too (%s %s)", id.Short(), other.tb.t.Metadata.Name,
		other.tb.t.Pos.Of(other.field()), other.field()))
}

// conflicts returns the errors per tenant involved in any conflict.
func (c *claims) conflicts() map[string]strictyaml.Errors { return c.errs }
