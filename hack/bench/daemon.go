package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// daemonRun is `syncd run` on the tenants' directory, through the proxies.
type daemonRun struct {
	cmd    *exec.Cmd
	status string // URL of /status
	log    *os.File
}

func (e env) startDaemon(bin, dir string) (*daemonRun, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(dir, "..", "daemon.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "run", "--dir", dir, "--listen", addr, "--poll", "1h", "--scan", "1h")
	cmd.Env, cmd.Stdout, cmd.Stderr = e.vars(), logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &daemonRun{cmd: cmd, status: "http://" + addr + "/status", log: logf}, nil
}

type daemonStatus struct {
	Revision     string    `json:"revision"`
	LastSuccess  time.Time `json:"lastSuccess"`
	ReconcileErr string    `json:"reconcileError"`
	LoadError    string    `json:"loadError"`
}

func (d *daemonRun) get() (daemonStatus, error) {
	var st daemonStatus
	resp, err := http.Get(d.status)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// waitFor polls /status until ok holds (every 10 ms), for at most limit.
func (d *daemonRun) waitFor(limit time.Duration, ok func(daemonStatus) bool) (daemonStatus, error) {
	deadline := time.Now().Add(limit)
	for {
		st, err := d.get()
		if err == nil && ok(st) {
			return st, nil
		}
		if d.cmd.ProcessState != nil || time.Now().After(deadline) {
			return st, fmt.Errorf("syncd run: no converged status within %s (last: %+v, %v); see %s", limit, st, err, d.log.Name())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// peakRSSKB is the daemon's peak resident set so far (VmHWM).
func (d *daemonRun) peakRSSKB() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func (d *daemonRun) stop() {
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		d.cmd.Process.Kill()
		<-done
	}
	d.log.Close()
}

// incremental starts the daemon on converged tenants, waits for its first
// reconcile, then changes tenant's file once per run and measures, from the
// write until /status reports the new revision reconciled, the requests
// the daemon made. The peak RSS is the daemon's over its whole life.
func (e env) incremental(bin, dir string, tenant int, runs int) ([]sample, error) {
	d, err := e.startDaemon(bin, dir)
	if err != nil {
		return nil, err
	}
	defer d.stop()
	st, err := d.waitFor(10*time.Minute, func(s daemonStatus) bool { return !s.LastSuccess.IsZero() })
	if err != nil {
		return nil, err
	}
	var out []sample
	file := filepath.Join(dir, "tenants", tenantName(tenant)+".yaml")
	for range runs {
		settle() // the daemon's first reconcile just wrote; Vault and etcd are at work on it
		e.vaultN.take()
		e.kubeN.take()
		cur, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		next := tenantFile(tenant, true)
		if bytes.Equal(cur, next) {
			next = tenantFile(tenant, false) // changed back
		}
		start := time.Now()
		if err := os.WriteFile(file, next, 0o644); err != nil {
			return nil, err
		}
		prev := st.Revision
		st, err = d.waitFor(2*time.Minute, func(s daemonStatus) bool {
			return s.Revision != prev && s.LastSuccess.After(start)
		})
		if err != nil {
			return nil, err
		}
		if st.ReconcileErr != "" || st.LoadError != "" {
			return nil, fmt.Errorf("syncd run: %s%s", st.ReconcileErr, st.LoadError)
		}
		out = append(out, sample{Wall: time.Since(start), Vault: e.vaultN.take(), Kube: e.kubeN.take()})
	}
	rss := d.peakRSSKB()
	for i := range out {
		out[i].RSSKB = rss
	}
	return out, nil // the file stays as last written: live matches it
}
