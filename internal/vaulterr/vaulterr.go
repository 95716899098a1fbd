// Package vaulterr classifies errors from Vault's API: which are transient
// (worth retrying) and which are final.
package vaulterr

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	vaultapi "github.com/hashicorp/vault/api"
)

// transientCodes are Vault's answers worth retrying: overload, server
// errors, a standby or performance standby that cannot serve the request, a
// replica behind (412).
var transientCodes = map[int]bool{412: true, 429: true, 472: true, 473: true, 500: true, 502: true, 503: true, 504: true}

// Transient reports whether err is worth retrying: the connection was
// refused, reset or timed out (vault/api reports its client timeout as a
// bare context.DeadlineExceeded; callers stop on their own context
// separately), or Vault answered one of transientCodes. 400, 403, 404 and the
// like are final.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var re *vaultapi.ResponseError
	if errors.As(err, &re) {
		return transientCodes[re.StatusCode]
	}
	var ne net.Error
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout() ||
		strings.Contains(err.Error(), "connection reset by peer")
}

// Refused reports whether Vault refused the request's token (403).
func Refused(err error) bool {
	var re *vaultapi.ResponseError
	return errors.As(err, &re) && re.StatusCode == 403
}
