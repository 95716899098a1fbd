package daemon

import (
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// ServerLimits bound every connection of syncd's HTTP listeners: a client
// that sends slowly, or never reads, is cut off, and a listener holds at
// most MaxConns connections.
type ServerLimits struct {
	ReadHeader, Read, Write, Idle time.Duration
	MaxConns                      int
	MaxHeaderBytes                int
}

// DefaultServerLimits: a scrape, a status read or a webhook delivery takes
// well under a second; nothing legitimate needs more.
var DefaultServerLimits = ServerLimits{ReadHeader: 5 * time.Second, Read: 10 * time.Second, Write: 30 * time.Second,
	Idle: 60 * time.Second, MaxConns: 64, MaxHeaderBytes: 16 << 10}

// Listen listens on addr, holding at most l.MaxConns connections.
func Listen(addr string, l ServerLimits) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return netutil.LimitListener(ln, l.MaxConns), nil
}

// NewServer serves h within l.
func NewServer(h http.Handler, l ServerLimits) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: l.ReadHeader, ReadTimeout: l.Read, WriteTimeout: l.Write,
		IdleTimeout: l.Idle, MaxHeaderBytes: l.MaxHeaderBytes}
}
