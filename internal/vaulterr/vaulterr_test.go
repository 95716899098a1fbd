package vaulterr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	vaultapi "github.com/hashicorp/vault/api"
)

func TestTransient(t *testing.T) {
	tests := map[string]struct {
		err  error
		want bool
	}{
		"503 sealed":                  {&vaultapi.ResponseError{StatusCode: 503}, true},
		"429 standby":                 {&vaultapi.ResponseError{StatusCode: 429}, true},
		"473 performance standby":     {&vaultapi.ResponseError{StatusCode: 473}, true},
		"412 replica behind":          {&vaultapi.ResponseError{StatusCode: 412}, true},
		"400 bad request":             {&vaultapi.ResponseError{StatusCode: 400}, false},
		"403 permission denied":       {&vaultapi.ResponseError{StatusCode: 403}, false},
		"404 not found":               {&vaultapi.ResponseError{StatusCode: 404}, false},
		"connection refused, wrapped": {fmt.Errorf("put: %w", syscall.ECONNREFUSED), true},
		"connection reset":            {syscall.ECONNRESET, true},
		"EOF mid-response":            {fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		"client timeout":              {fmt.Errorf("vault: %w", context.DeadlineExceeded), true},
		"a plain error":               {errors.New("invalid credential_type"), false},
		"nil":                         {nil, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Transient(tc.err); got != tc.want {
				t.Errorf("Transient(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
