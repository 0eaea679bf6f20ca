package reference_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
	"github.com/meerkat-temporal/meerkat/plugins/plugintest"
)

var echoID = machine.SessionLlmIdentity{Model: reference.ModelEcho, Provider: machine.ProviderOther}

func callText(ctx context.Context, h llmhost.Host, key, text string) (*llmhost.CallLlmResponse, error) {
	return h.CallLlm(ctx, &llmhost.CallLlmRequest{IdempotencyKey: key, SessionID: "proc", Identity: echoID, Messages: []llmhost.Message{user(text)}})
}

func TestCrashMidCallRestartsAndRetrySucceeds(t *testing.T) {
	m := newManager(t, llmhost.Options{})
	ctx := context.Background()
	if _, err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	firstPid := m.Pid()
	_, err := callText(ctx, m, "wf/act-1", "crash-once")
	var perr *pluginerr.Error
	if !errors.As(err, &perr) || perr.Reason != pluginerr.PluginUnavailable || !perr.Retryable {
		t.Fatalf("call during crash: %v, want retryable %s", err, pluginerr.PluginUnavailable)
	}
	res, err := callText(ctx, m, "wf/act-1", "crash-once")
	if err != nil || res.Outcome != llmhost.OutcomeAnswer {
		t.Fatalf("retried call = %+v, %v; want an answer from the restarted plugin", res, err)
	}
	if m.Pid() == firstPid {
		t.Errorf("plugin pid unchanged (%d); want a restarted process", firstPid)
	}
}

func TestHangIsCancelledByCallerDeadline(t *testing.T) {
	m := newManager(t, llmhost.Options{DrainTimeout: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := callText(ctx, m, "wf/hang", "hang")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hung call: %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("hung call returned after %s; want shortly after the 300ms deadline", d)
	}
}

func TestCrashLoopIsReported(t *testing.T) {
	m := newManager(t, llmhost.Options{CrashLoopLimit: 3, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond})
	ctx := context.Background()
	var err error
	for i := range 10 {
		if _, err = callText(ctx, m, fmt.Sprint("loop/", i), "crash"); pluginerr.ReasonOf(err) == pluginerr.PluginCrashLoop {
			break
		}
	}
	if pluginerr.ReasonOf(err) != pluginerr.PluginCrashLoop || !strings.Contains(err.Error(), "crashed 3 times") {
		t.Fatalf("after repeated crashes: %v; want %s naming the crash count", err, pluginerr.PluginCrashLoop)
	}
}

func TestStdoutBeforeServeIsAClearError(t *testing.T) {
	m := newManager(t, llmhost.Options{Env: []string{envStdout + "=1"}})
	_, err := m.Start(context.Background())
	if pluginerr.ReasonOf(err) != pluginerr.PluginRefused || !strings.Contains(err.Error(), "wrote to stdout before calling Serve") {
		t.Fatalf("Start = %v; want %s explaining the stdout handshake", err, pluginerr.PluginRefused)
	}
}

func TestTamperedBinaryIsRefused(t *testing.T) {
	good, err := plugintest.SelfBinary("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good.Path)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), "llmhost-plugin")
	if err := os.WriteFile(tampered, append(data, 0), 0o700); err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.Path = tampered
	m := llmhost.NewManager(bad, llmhost.Options{Env: []string{envMode + "=llmhost"}})
	defer m.Close(context.Background())
	_, err = m.Start(context.Background())
	msg := fmt.Sprint(err)
	if pluginerr.ReasonOf(err) != pluginerr.PluginRefused || !strings.Contains(msg, tampered) || !strings.Contains(msg, good.SHA256) {
		t.Fatalf("Start(tampered) = %v; want %s naming the file and both digests", err, pluginerr.PluginRefused)
	}
	if m.Pid() != 0 {
		t.Errorf("a tampered binary was started (pid %d)", m.Pid())
	}
}

func TestHotSwapUnderLoadFailsNoCall(t *testing.T) {
	m := newManager(t, llmhost.Options{})
	ctx := context.Background()
	if _, err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var calls, failures atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := callText(ctx, m, fmt.Sprintf("load/%d/%d", w, i), "hello"); err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
				calls.Add(1)
			}
		})
	}
	for _, v := range []string{"2.0.0", "3.0.0"} {
		time.Sleep(100 * time.Millisecond)
		bin, err := plugintest.SelfBinary(v)
		if err != nil {
			t.Fatal(err)
		}
		info, err := m.Swap(ctx, bin)
		if err != nil || info.Version != v {
			t.Fatalf("Swap(%s) = %+v, %v", v, info, err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failures.Load() != 0 {
		t.Fatalf("%d of %d calls failed during hot swaps; first: %v", failures.Load(), calls.Load(), firstErr.Load())
	}
	if d, err := m.Describe(ctx); err != nil || d.Version != "3.0.0" {
		t.Errorf("after swaps Describe = %+v, %v; want version 3.0.0", d, err)
	}
	t.Logf("%d calls across two hot swaps, none failed", calls.Load())
}

func TestSwapToBrokenBinaryKeepsOldOne(t *testing.T) {
	m := newManager(t, llmhost.Options{})
	ctx := context.Background()
	if _, err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	bin, err := plugintest.SelfBinary("2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	bin.SHA256 = strings.Repeat("0", 64)
	if _, err := m.Swap(ctx, bin); pluginerr.ReasonOf(err) != pluginerr.PluginRefused {
		t.Fatalf("Swap(bad checksum) = %v, want %s", err, pluginerr.PluginRefused)
	}
	if d, err := m.Describe(ctx); err != nil || d.Version != "1.0.0" {
		t.Fatalf("after refused swap Describe = %+v, %v; want the old 1.0.0 still serving", d, err)
	}
}

func TestPluginDiesWithParent(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	worker := exec.Command(exe)
	worker.Env = append(os.Environ(), envMode+"=worker", reference.EnvDataDir+"="+t.TempDir())
	out, err := worker.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = worker.Process.Kill()
		t.Fatalf("worker did not report its plugin pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		t.Fatalf("worker printed %q, want a pid", line)
	}
	if !plugintest.Alive(pid) {
		t.Fatalf("plugin %d not running before the worker was killed", pid)
	}
	_ = worker.Process.Signal(syscall.SIGKILL)
	_ = worker.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for plugintest.Alive(pid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("plugin %d still running 5s after its worker was killed", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestShutdownDrainsInFlightCalls(t *testing.T) {
	m := newManager(t, llmhost.Options{})
	ctx := context.Background()
	if _, err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() {
		_, err := callText(ctx, m, "wf/slow", "slow")
		result <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-result; err != nil {
		t.Fatalf("call in flight during shutdown failed: %v", err)
	}
	if _, err := callText(ctx, m, "wf/after", "hello"); pluginerr.ReasonOf(err) != pluginerr.PluginUnavailable {
		t.Errorf("call after shutdown: %v, want %s", err, pluginerr.PluginUnavailable)
	}
}

func TestWorkerSecretsStayOutOfPluginEnvironment(t *testing.T) {
	t.Setenv("MEERKAT_WORKER_SECRET", "s3cr3t-temporal-key")
	m := newManager(t, llmhost.Options{})
	if _, err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", m.Pid()))
	if err != nil {
		t.Fatal(err)
	}
	vars := strings.Split(string(env), "\x00")
	for _, v := range vars {
		if strings.Contains(v, "s3cr3t-temporal-key") {
			t.Errorf("plugin environment contains the worker secret: %q", v)
		}
	}
	if !slices.ContainsFunc(vars, func(v string) bool { return strings.HasPrefix(v, "PLUGIN_UNIX_SOCKET_DIR=") }) {
		t.Errorf("plugin environment lacks its own socket directory: %q", vars)
	}
}
