package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary serve as the built-in plugins, as the worker binary does.
func TestMain(m *testing.M) {
	if builtinPlugin() {
		return
	}
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of run and reads of the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10)); err == nil {
			l2.Close()
			return p
		}
	}
	t.Fatal("no free port")
	return 0
}

// startWorker runs the whole worker (embedded server, UI, built-in plugins) on dir and
// the given ports until stop is called; stop reports the shutdown error. The test fails
// when the worker is not ready within two minutes.
func startWorker(t *testing.T, dir string, frontend, ui int) (stdout *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-data-dir", dir, "-frontend-port", strconv.Itoa(frontend), "-ui-port", strconv.Itoa(ui), "-log-level", "error"}, &out, &errOut)
	}()
	stop = func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			return errors.New("worker did not stop within a minute")
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(out.String(), "Worker ready") {
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s\n%s", err, out.String(), errOut.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = stop()
			t.Fatalf("worker not ready:\n%s\n%s", out.String(), errOut.String())
		}
	}
	return &out, stop
}

// The worker with no cluster address starts the embedded server, the Web UI, the built-in
// plugins and the session worker, reports where they are, and stops cleanly on cancel.
func TestRunEmbedded(t *testing.T) {
	dir := t.TempDir()
	frontend, ui := freePort(t), freePort(t)
	stdout, stop := startWorker(t, dir, frontend, ui)
	for _, want := range []string{"Temporal frontend: 127.0.0.1:" + strconv.Itoa(frontend), "Web UI:", "Data directory:    " + dir} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(ui) + "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("web UI: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}
