package source

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redact drops the user information (a user name, a password or a token)
// from a URL: what is logged, shown or used as a key never carries it.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// maxRemoteText bounds what a remote's answer can put into an error.
const maxRemoteText = 512

var userinfo = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@`)

// remoteError carries an error whose text a remote server chose (its
// answer, a URL it redirected to): its text is bounded, printable, on one
// line and without user information; the cause is kept for errors.Is.
type remoteError struct{ err error }

func (e remoteError) Error() string { return sanitize(e.err.Error()) }
func (e remoteError) Unwrap() error { return e.err }

func sanitize(s string) string {
	s = userinfo.ReplaceAllString(s, "$1")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case !unicode.IsPrint(r):
			return -1
		}
		return r
	}, s)
	if len(s) > maxRemoteText {
		cut := maxRemoteText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "… (truncated)"
	}
	return s
}
