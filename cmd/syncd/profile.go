//go:build devhooks

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"runtime/trace"
)

// record, in a build with -tags devhooks (make build-dev), honours
// SYNCD_CPUPROFILE=FILE (a CPU profile of the command), SYNCD_MEMPROFILE=FILE
// (a heap profile when it ends: go tool pprof -sample_index=alloc_space
// FILE) and SYNCD_TRACE=FILE (an execution trace: go tool trace FILE), for
// measuring at scale. A release build writes no file a variable names.
func record() (func(), error) {
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	for _, r := range []recording{
		{"SYNCD_TRACE", trace.Start, trace.Stop},
		{"SYNCD_CPUPROFILE", pprof.StartCPUProfile, pprof.StopCPUProfile},
	} {
		stop, err := r.start()
		if err != nil {
			stopAll()
			return nil, fmt.Errorf("%s: %w", r.env, err)
		}
		stops = append(stops, stop)
	}
	if path := os.Getenv("SYNCD_MEMPROFILE"); path != "" {
		stops = append([]func(){func() {
			f, err := os.Create(path)
			if err == nil {
				err = errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "error: SYNCD_MEMPROFILE: %v\n", err)
			}
		}}, stops...)
	}
	return stopAll, nil
}

// recording is one of the recordings run can make for the whole command:
// to the file $env names, between start and stop.
type recording struct {
	env   string
	begin func(io.Writer) error
	end   func()
}

// start starts it when $env is set; the returned func stops it and closes
// the file.
func (r recording) start() (func(), error) {
	path := os.Getenv(r.env)
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err == nil {
		err = r.begin(f)
	}
	if err != nil {
		return nil, err
	}
	return func() { r.end(); f.Close() }, nil
}
