package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// sample is one measured run.
type sample struct {
	Wall        time.Duration
	Vault, Kube int64
	RSSKB       int64 // peak resident set of the process (and the largest of its children)
}

// env is what every measured process gets: the proxies' addresses.
type env struct {
	vaultAddr, vaultToken, kubeconfig string
	vaultN, kubeN                     *counter
	path, kubeCache                   string // PATH with the pinned CLIs first; kubectl's discovery cache
}

func (e env) vars() []string {
	return append(os.Environ(), "VAULT_ADDR="+e.vaultAddr, "VAULT_TOKEN="+e.vaultToken, testbed.AllowInsecureHTTP+"=true", "KUBECONFIG="+e.kubeconfig,
		"PATH="+e.path, "KUBECACHEDIR="+e.kubeCache, "NO_COLOR=1", "SYNCD_LOG_LEVEL=warn")
}

// run runs a command to completion and measures it, returning its standard
// error; a non-zero exit not in okCodes is an error carrying the end of its
// output.
//
// The peak RSS comes from GNU time (/usr/bin/time, Debian's package "time"):
// a child forked by this process would report at least this process's own
// RSS, because Linux carries the high-water mark across vfork and exec.
func (e env) run(dir string, okCodes []int, name string, args ...string) (sample, []byte, error) {
	rss, err := os.CreateTemp("", "bench-rss-")
	if err != nil {
		return sample{}, nil, err
	}
	rss.Close()
	defer os.Remove(rss.Name())
	// Standard output goes to a file, as a shell redirect would: read
	// through a pipe into this process, render's 98 MB at 10,000 tenants
	// took twice as long as written to a file.
	stdout, err := os.CreateTemp("", "bench-stdout-")
	if err != nil {
		return sample{}, nil, err
	}
	defer os.Remove(stdout.Name())
	defer stdout.Close()
	cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", rss.Name(), name}, args...)...)
	cmd.Dir, cmd.Env = dir, e.vars()
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &errOut
	if waited := settle(); waited > 3*time.Second {
		logf("waited %s for a quiet machine before %s", waited.Round(time.Second), filepath.Base(name))
	}
	e.vaultN.take()
	e.kubeN.take()
	start := time.Now()
	err = cmd.Run()
	s := sample{Wall: time.Since(start), Vault: e.vaultN.take(), Kube: e.kubeN.take()}
	if b, rerr := os.ReadFile(rss.Name()); rerr == nil {
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		s.RSSKB, _ = strconv.ParseInt(lines[len(lines)-1], 10, 64) // after "Command exited with non-zero status N"
	}
	out := errOut.Bytes()
	if err != nil && !slices.Contains(okCodes, cmd.ProcessState.ExitCode()) {
		if info, serr := stdout.Stat(); serr == nil && info.Size() > 0 {
			last := make([]byte, min(info.Size(), 3000))
			n, _ := stdout.ReadAt(last, info.Size()-int64(len(last)))
			out = append(last[:n:n], out...)
		}
		return s, out, fmt.Errorf("%s %v: %v\n%s", name, args, err, tail(out, 3000))
	}
	return s, out, nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

const gnuTime = "/usr/bin/time"

// median is the median of each figure across samples (they are few: the
// lower middle for an even count).
func median(ss []sample) sample {
	if len(ss) == 0 {
		return sample{}
	}
	pick := func(f func(sample) int64) int64 {
		v := make([]int64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[(len(v)-1)/2]
	}
	return sample{
		Wall:  time.Duration(pick(func(s sample) int64 { return int64(s.Wall) })),
		Vault: pick(func(s sample) int64 { return s.Vault }),
		Kube:  pick(func(s sample) int64 { return s.Kube }),
		RSSKB: pick(func(s sample) int64 { return s.RSSKB }),
	}
}

// hold prints what a shell needs to run syncd against the converged bed by
// hand (`bench -hold`) and waits for an interrupt.
func hold(e env, repoDir string) {
	fmt.Fprintf(os.Stderr, "export VAULT_ADDR=%q VAULT_TOKEN=%q KUBECONFIG=%q\n# syncd plan --dir %s\n# Ctrl-C (or kill -INT %d) goes on with the bench\n",
		e.vaultAddr, e.vaultToken, e.kubeconfig, repoDir, os.Getpid())
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	<-c
	signal.Stop(c)
}
