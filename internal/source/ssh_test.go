package source

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshServer serves git-upload-pack over SSH on loopback to one client key.
func sshServer(t *testing.T, root string, client ssh.PublicKey) (addr string, hostKey ssh.PublicKey) {
	t.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	signer, err := ssh.NewSignerFromKey(hostPriv)
	must(t, err)
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
		if string(key.Marshal()) == string(client.Marshal()) {
			return nil, nil
		}
		return nil, fmt.Errorf("unknown key")
	}}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSSH(conn, cfg, root)
		}
	}()
	return ln.Addr().String(), signer.PublicKey()
}

func serveSSH(conn net.Conn, cfg *ssh.ServerConfig, root string) {
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		ch, requests, err := nc.Accept()
		if err != nil {
			continue
		}
		go func() {
			defer ch.Close()
			for req := range requests {
				if req.Type != "exec" {
					_ = req.Reply(false, nil)
					continue
				}
				command := string(req.Payload[4:])
				_ = req.Reply(true, nil)
				name, arg, _ := strings.Cut(command, " ")
				if name != "git-upload-pack" {
					return
				}
				cmd := exec.Command("git-upload-pack", filepath.Join(root, strings.Trim(arg, "'/")))
				cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
				code := 0
				if err := cmd.Run(); err != nil {
					code = 1
				}
				_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(code)}))
				return
			}
		}()
	}
}

// TestGitOverSSH fetches over SSH with a private key, the server's host key
// checked against a known_hosts file; an unknown host key is refused.
func TestGitOverSSH(t *testing.T) {
	u := newUpstream(t)
	head := u.commit(map[string]string{"tenants/shop.yaml": "ssh\n"}, nil)
	clientPub, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	sshPub, err := ssh.NewPublicKey(clientPub)
	must(t, err)
	addr, hostKey := sshServer(t, filepath.Dir(u.dir), sshPub)
	block, err := ssh.MarshalPrivateKey(clientPriv, "")
	must(t, err)
	keyFile := filepath.Join(t.TempDir(), "id")
	must(t, os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600))
	known := filepath.Join(t.TempDir(), "known_hosts")
	must(t, os.WriteFile(known, []byte(knownhosts.Line([]string{knownhosts.Normalize(addr)}, hostKey)+"\n"), 0o600))

	auth, err := gitssh.NewPublicKeysFromFile("git", keyFile, "")
	must(t, err)
	auth.HostKeyCallback, err = knownhosts.New(known)
	must(t, err)
	src := Git{URL: "ssh://git@" + addr + "/platform/.git", Ref: "master", CacheDir: t.TempDir(), Auth: auth}
	snap, err := src.Fetch(context.Background())
	must(t, err)
	if snap.Revision != head.String() || read(t, snap.Dir, "tenants/shop.yaml") != "ssh\n" {
		t.Fatalf("%+v", snap)
	}

	t.Run("a host key not in known_hosts is refused", func(t *testing.T) {
		_, other, _ := ed25519.GenerateKey(rand.Reader)
		otherSigner, _ := ssh.NewSignerFromKey(other)
		bad := filepath.Join(t.TempDir(), "known_hosts")
		must(t, os.WriteFile(bad, []byte(knownhosts.Line([]string{knownhosts.Normalize(addr)}, otherSigner.PublicKey())+"\n"), 0o600))
		a, err := gitssh.NewPublicKeysFromFile("git", keyFile, "")
		must(t, err)
		a.HostKeyCallback, err = knownhosts.New(bad)
		must(t, err)
		s := src
		s.Auth, s.CacheDir = a, t.TempDir()
		if _, err := s.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "key mismatch") {
			t.Errorf("err = %v, want a host key mismatch", err)
		}
	})
}
