package desired

import (
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/strictyaml"
)

// claim is one identity a tenant derives, and the field it comes from.
type claim struct {
	id    object.ID
	field string
}

// claimant is the tenant that claimed an identity first.
type claimant struct {
	tb    *tenantBuild
	field string
}

// claims indexes every derived identity once, so every cross-tenant
// uniqueness check is one map lookup: linear in the number of objects.
type claims struct {
	first map[object.ID]claimant
	errs  map[string]strictyaml.Errors // by tenant name
}

// newClaims returns an index sized for n claims.
func newClaims(n int) *claims {
	return &claims{first: make(map[object.ID]claimant, n), errs: map[string]strictyaml.Errors{}}
}

// add claims every identity tb derives. A second tenant deriving an identity
// is an error on both; a tenant deriving one identity twice is reported by
// the tenant's own validation and ignored here.
func (c *claims) add(tb *tenantBuild) {
	for _, cl := range tb.claims {
		prev, taken := c.first[cl.id]
		switch {
		case !taken:
			c.first[cl.id] = claimant{tb: tb, field: cl.field}
		case prev.tb == tb:
		case prev.tb.t.Metadata.Name == tb.t.Metadata.Name:
			// two files for one tenant: reported once by tenant.Parse
		default:
			c.conflict(cl.id, claimant{tb: tb, field: cl.field}, prev)
			c.conflict(cl.id, prev, claimant{tb: tb, field: cl.field})
		}
	}
}

func (c *claims) conflict(id object.ID, at, other claimant) {
	name := at.tb.t.Metadata.Name
	c.errs[name] = append(c.errs[name], at.tb.t.Pos.Errorf(at.field,
		"derives %s, which tenant %q derives too (%s %s)", id.Short(), other.tb.t.Metadata.Name,
		other.tb.t.Pos.Of(other.field), other.field))
}

// conflicts returns the errors per tenant involved in any conflict.
func (c *claims) conflicts() map[string]strictyaml.Errors { return c.errs }
