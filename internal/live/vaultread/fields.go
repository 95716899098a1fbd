package vaultread

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
)

// The fields Vault 1.21 returns on a role read that syncd models. Anything
// else with a non-zero value goes to the spec's Unknown and counts as drift:
// syncd is the only writer of what it owns, including fields it does not
// know yet.
var (
	authRoleFields = fieldSet(
		"bound_service_account_names", "bound_service_account_namespaces", "bound_service_account_namespace_selector",
		"token_policies", "token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period", "token_num_uses",
		"token_no_default_policy", "token_bound_cidrs", "token_type", "alias_name_source", "audience",
		// deprecated names Vault echoes from the token_* fields when set
		"policies", "ttl", "max_ttl", "period", "num_uses", "bound_cidrs",
	)
	databaseRoleFields = fieldSet(
		"db_name", "creation_statements", "revocation_statements", "rollback_statements", "renew_statements",
		"default_ttl", "max_ttl", "credential_type", "credential_config",
	)
)

func fieldSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// unknown returns the fields of d outside known whose value is not zero,
// rendered as text.
func unknown(d map[string]any, known map[string]bool) map[string]string {
	var out map[string]string
	for _, k := range slices.Sorted(maps.Keys(d)) {
		if known[k] || zero(d[k]) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		b, err := json.Marshal(d[k])
		if err != nil {
			b = []byte(fmt.Sprint(d[k]))
		}
		out[k] = string(b)
	}
	return out
}

func zero(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case bool:
		return !t
	case json.Number:
		f, err := t.Float64()
		return err == nil && f == 0
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	}
	return rv.IsZero()
}

// texts reads a map of scalars as strings.
func texts(v any) map[string]string {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		out[k] = fmt.Sprint(e)
	}
	return out
}

func integer(v any) int64 {
	switch t := v.(type) {
	case json.Number:
		n, _ := t.Int64()
		return n
	case float64:
		return int64(t)
	case int:
		return int64(t)
	case int64:
		return t
	}
	return 0
}
