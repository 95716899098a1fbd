package diff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// Compare returns the fields where live differs from want, after normalising
// both. An empty result means no change. live may be nil (a create): then
// every desired field is listed with an empty Before.
func Compare(want, live desired.Spec) []Field {
	if live != nil && want == live {
		return nil // one spec: a reader held what it read byte-identical to the desired spec as that spec
	}
	var fields []Field
	switch w := want.(type) {
	case *desired.ManifestSpec:
		var have map[string]any
		if l, ok := live.(*desired.ManifestSpec); ok {
			if w.Equal(l) { // converged: the same canonical bytes
				return nil
			}
			have = l.Object()
		}
		fields = subset("", manifestPart(w.Object()), manifestPart(have), live == nil, false)
	case *desired.PolicySpec:
		// Compare structurally; render canonical HCL only to show a change.
		l, _ := live.(*desired.PolicySpec)
		switch {
		case l == nil:
			fields = []Field{{Path: "policy", After: policy.Canonical(w.Policy)}}
		case l.ParseError != "":
			fields = []Field{{Path: "policy", Before: l.HCL, After: policy.Canonical(w.Policy)}}
		case !policy.Equal(w.Policy, l.Policy):
			fields = []Field{{Path: "policy", Before: policy.Canonical(l.Policy), After: policy.Canonical(w.Policy)}}
		}
	default:
		wf := flat(want)
		var lf map[string]value
		if live != nil {
			lf = flat(live)
		}
		keys := maps.Keys(wf)
		if live != nil {
			keys = maps.Keys(lf) // flat lists every modelled field on both sides, plus live's unknown ones
			for k := range wf {
				if _, ok := lf[k]; !ok {
					lf[k] = value{}
				}
			}
		}
		for _, k := range slices.Sorted(keys) {
			if wf[k].cmp != lf[k].cmp {
				fields = append(fields, Field{Path: k, Before: lf[k].show, After: wf[k].show})
			}
		}
	}
	for i := range fields {
		if isSensitive(fields[i].Path) {
			fields[i].Before, fields[i].After, fields[i].Sensitive = masked(fields[i].Before), masked(fields[i].After), true
		}
	}
	return fields
}

// value is one normalised field: cmp is compared, show is printed.
type value struct{ cmp, show string }

// flat normalises a Vault role into comparable values per field: TTLs in one
// unit, sets sorted; ordered lists keep their order and their element
// boundaries (["a\nb"] differs from ["a", "b"]).
func flat(s desired.Spec) map[string]value {
	set := func(v []string) value {
		c := slices.Clone(v)
		slices.Sort(c)
		c = slices.Compact(c)
		return value{cmp: listKey(c), show: strings.Join(c, ", ")}
	}
	list := func(v []string) value { return value{cmp: listKey(v), show: strings.Join(v, "\n")} }
	scalar := func(v string) value { return value{cmp: v, show: v} }
	secs := func(d ttl.Duration) value { return scalar(d.String()) }
	var out map[string]value
	var unknown map[string]string
	switch t := s.(type) {
	case *desired.AuthRoleSpec:
		out = map[string]value{
			"bound_service_account_names":              set(t.BoundServiceAccountNames),
			"bound_service_account_namespaces":         set(t.BoundServiceAccountNamespaces),
			"bound_service_account_namespace_selector": scalar(t.BoundServiceAccountNamespaceSelector),
			"token_policies":                           set(t.TokenPolicies),
			"token_ttl":                                secs(t.TokenTTL),
			"token_max_ttl":                            secs(t.TokenMaxTTL),
			"token_explicit_max_ttl":                   secs(t.TokenExplicitMaxTTL),
			"token_period":                             secs(t.TokenPeriod),
			"token_num_uses":                           scalar(strconv.FormatInt(t.TokenNumUses, 10)),
			"token_no_default_policy":                  scalar(strconv.FormatBool(t.TokenNoDefaultPolicy)),
			"token_bound_cidrs":                        set(t.TokenBoundCIDRs),
			"token_type":                               scalar(t.TokenType),
			"alias_name_source":                        scalar(t.AliasNameSource),
			"audience":                                 scalar(t.Audience),
		}
		unknown = t.Unknown
	case *desired.DatabaseRoleSpec:
		out = map[string]value{
			"db_name":               scalar(t.DBName),
			"creation_statements":   list(t.CreationStatements),
			"revocation_statements": list(t.RevocationStatements),
			"rollback_statements":   list(t.RollbackStatements),
			"renew_statements":      list(t.RenewStatements),
			"default_ttl":           secs(t.DefaultTTL),
			"max_ttl":               secs(t.MaxTTL),
			"credential_type":       scalar(t.CredentialType),
			"credential_config":     pairs(t.CredentialConfig),
		}
		unknown = t.Unknown
	}
	for k, v := range unknown { // set out of band, and syncd does not know the field
		out[k] = scalar(v)
	}
	return out
}

func pairs(m map[string]string) value {
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		kv = append(kv, k+"="+m[k])
	}
	return value{cmp: listKey(kv), show: strings.Join(kv, ", ")}
}

// listKey encodes a list for comparison, keeping element boundaries: the
// count, then each element after a NUL (which no statement or name holds).
func listKey(v []string) string {
	if len(v) == 0 {
		return "" // as an absent field: a create does not list it
	}
	return strconv.Itoa(len(v)) + "\x00" + strings.Join(v, "\x00")
}

// manifestPart is what syncd manages of a Kubernetes object: labels,
// annotations and spec. Status and server-set metadata never count.
func manifestPart(obj map[string]any) map[string]any {
	if obj == nil {
		return nil
	}
	out := map[string]any{}
	if meta, ok := obj["metadata"].(map[string]any); ok {
		for _, k := range []string{"labels", "annotations"} {
			if v, ok := meta[k]; ok {
				out["metadata."+k] = v
			}
		}
	}
	if spec, ok := obj["spec"]; ok {
		out["spec"] = spec
	}
	return out
}

// subset lists the paths where have does not hold what want holds. Under
// spec the comparison is exact: a key only in have was set out of band (an
// extra auth method on a SecretStore widens what it can log in as) and
// counts; syncd renders the CRDs' defaults itself, so a converged object has
// none. In metadata, only syncd's own labels and annotations count (other
// controllers and `syncd rotate` add theirs). Lists must match in length;
// their items are compared the same way.
func subset(path string, want, have any, creating, exact bool) []Field {
	exact = exact || path == "spec"
	switch w := want.(type) {
	case map[string]any:
		h, _ := have.(map[string]any)
		var out []Field
		for _, k := range slices.Sorted(maps.Keys(w)) {
			out = append(out, subset(join(path, k), w[k], h[k], creating, exact)...)
		}
		if exact && !creating {
			for _, k := range slices.Sorted(maps.Keys(h)) {
				if _, ok := w[k]; !ok {
					out = append(out, Field{Path: join(path, k), Before: text(h[k])})
				}
			}
		}
		return out
	case []any:
		h, ok := have.([]any)
		if creating {
			h, ok = make([]any, len(w)), true
		}
		if ok && len(h) == len(w) {
			var out []Field
			for i := range w {
				out = append(out, subset(fmt.Sprintf("%s[%d]", path, i), w[i], h[i], creating, exact)...)
			}
			return out
		}
		return []Field{{Path: path, Before: text(have), After: text(w)}}
	}
	if scalarEqual(path, want, have) {
		return nil
	}
	return []Field{{Path: path, Before: text(have), After: text(want)}}
}

// scalarEqual compares leaves; durations compare in any unit.
func scalarEqual(path string, want, have any) bool {
	if text(want) == text(have) {
		return true
	}
	if strings.HasSuffix(path, "refreshInterval") {
		a, errA := ttl.Parse(fmt.Sprint(want))
		b, errB := ttl.Parse(fmt.Sprint(have))
		return errA == nil && errB == nil && a == b
	}
	return false
}

func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// sensitiveKeys are field names whose values are never shown.
var sensitiveKeys = []string{"password", "token", "jwt", "secret_id", "private_key", "client_secret"}

func isSensitive(path string) bool {
	last := path
	if i := strings.LastIndexAny(path, ".]"); i >= 0 {
		last = path[i+1:]
	}
	return slices.Contains(sensitiveKeys, last)
}

func masked(v string) string {
	if v == "" {
		return ""
	}
	return "(sensitive)"
}
