package output

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	vaultapi "github.com/hashicorp/vault/api"
)

// OneLine turns an error into the line a person reads first: what was
// tried, what was refused, and what to set. vault/api's multi-line dumps and
// connection errors are summarised; any other error keeps its text, folded
// onto one line.
func OneLine(err error) string {
	var re *vaultapi.ResponseError
	if errors.As(err, &re) {
		where := ""
		if re.URL != "" {
			if u, perr := url.Parse(re.URL); perr == nil {
				where = fmt.Sprintf(" at %s://%s", u.Scheme, u.Host)
				re.URL = u.Path
			}
		}
		msg := fmt.Sprintf("Vault%s answered %d to %s %s: %s", where, re.StatusCode, re.HTTPMethod, re.URL, strings.Join(re.Errors, "; "))
		switch re.StatusCode {
		case 403:
			msg += " (the token is invalid, expired or lacks this permission: set VAULT_TOKEN to a token with syncd's policy, see syncd render -o vault-policy)"
		case 503:
			msg += " (Vault is sealed or unavailable)"
		}
		return fold(prefix(err, re) + msg)
	}
	var ue *url.Error
	var oe *net.OpError
	if errors.As(err, &ue) && errors.As(err, &oe) {
		u, _ := url.Parse(ue.URL)
		host := ue.URL
		if u != nil {
			host = u.Scheme + "://" + u.Host
		}
		return fold(fmt.Sprintf("cannot reach %s: %v (is the server up, and VAULT_ADDR or the kubeconfig's server right?)", host, oe.Err))
	}
	return fold(err.Error())
}

// prefix keeps the context syncd wrapped around a Vault error ("reading
// inventory secret/...: ") without vault/api's own text.
func prefix(err error, re *vaultapi.ResponseError) string {
	full, inner := err.Error(), re.Error()
	if i := strings.Index(full, inner); i > 0 {
		return full[:i]
	}
	return ""
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }
