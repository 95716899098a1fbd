package testbed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// proc is one running component.
type proc struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
	Log  string `json:"log"`
	Bin  string `json:"bin"`
	// StopSignal asks the component to shut down (default SIGTERM).
	StopSignal syscall.Signal `json:"stopSignal,omitempty"`
	cmd        *exec.Cmd
	done       chan struct{}
}

type procOpts struct {
	env     []string
	cred    *syscall.Credential
	detach  bool   // outlive this process (make testbed-up)
	dir     string // logs go here
	workDir string // the process's working directory (default dir)
}

// start runs bin directly (no shell, so PID is the component's own), in its own
// process group, logging to <dir>/<name>.log. Unless detached it dies with us.
func start(name, bin string, args []string, o procOpts) (*proc, error) {
	logPath := filepath.Join(o.dir, name+".log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), o.env...)
	cmd.Dir = o.dir
	if o.workDir != "" {
		cmd.Dir = o.workDir
	}
	attr := &syscall.SysProcAttr{Setpgid: true, Credential: o.cred}
	if o.detach {
		attr = &syscall.SysProcAttr{Setsid: true, Credential: o.cred}
	} else {
		attr.Pdeathsig = syscall.SIGKILL
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	exe, err := filepath.EvalSymlinks(bin) // what /proc/PID/exe will show
	if err != nil {
		exe = bin
	}
	p := &proc{Name: name, PID: cmd.Process.Pid, Log: logPath, Bin: exe, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) exited() bool {
	if p.done == nil {
		return syscall.Kill(p.PID, 0) != nil
	}
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends the stop signal to the process, then SIGKILL to its whole group
// after grace.
func (p *proc) stop(grace time.Duration) {
	sig := p.StopSignal
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	_ = syscall.Kill(p.PID, sig)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) && !p.exited() {
		time.Sleep(50 * time.Millisecond)
	}
	if !p.exited() {
		_ = syscall.Kill(-p.PID, syscall.SIGKILL)
		_ = syscall.Kill(p.PID, syscall.SIGKILL)
	}
	if p.done != nil {
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
		}
	}
}

// isOurs reports whether PID still runs the binary we started (a detached
// bed's PIDs may have been reused since).
func (p *proc) isOurs() bool {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.PID))
	return err == nil && strings.TrimSuffix(exe, " (deleted)") == p.Bin
}

// logTail returns the last lines of the component's log, for error messages.
func (p *proc) logTail() string {
	data, _ := os.ReadFile(p.Log)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// waitReady polls ready until it succeeds, the process exits, or timeout.
func (p *proc) waitReady(ctx context.Context, timeout time.Duration, ready func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		if p.exited() {
			return fmt.Errorf("%s exited during start-up; log %s:\n%s", p.Name, p.Log, p.logTail())
		}
		rctx, rcancel := context.WithTimeout(ctx, 2*time.Second)
		last = ready(rctx)
		rcancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after %s: %w; log %s:\n%s", p.Name, timeout, errors.Join(last, ctx.Err()), p.Log, p.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freePorts returns n distinct free loopback ports. With consecutive set they
// are port, port+1, ... (Vault's dev server also binds listen port + 1).
func freePorts(n int, consecutive bool) ([]int, error) {
	for attempt := 0; attempt < 50; attempt++ {
		var ls []net.Listener
		var ports []int
		ok := true
		for i := 0; i < n; i++ {
			addr := "127.0.0.1:0"
			if consecutive && i > 0 {
				addr = fmt.Sprintf("127.0.0.1:%d", ports[0]+i)
			}
			l, err := net.Listen("tcp", addr)
			if err != nil {
				ok = false
				break
			}
			ls = append(ls, l)
			ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		}
		for _, l := range ls {
			l.Close()
		}
		if ok {
			return ports, nil
		}
	}
	return nil, errors.New("no free loopback ports")
}

// httpOK is a readiness probe: GET url answers 200.
func httpOK(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}
