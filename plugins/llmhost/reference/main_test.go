package reference_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/plugins/plugintest"
)

// The test binary doubles as the plugin: with MEERKAT_TEST_PLUGIN set, TestMain serves
// instead of running tests (the helper-process pattern).
const (
	envMode   = "MEERKAT_TEST_PLUGIN"
	envStdout = "MEERKAT_TEST_STDOUT_BEFORE_SERVE"
	envMarker = "MEERKAT_TEST_MARKER_DIR"
)

func TestMain(m *testing.M) {
	switch os.Getenv(envMode) {
	case "llmhost":
		servePlugin()
		os.Exit(0)
	case "worker":
		runWorker()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func servePlugin() {
	if os.Getenv(envStdout) == "1" {
		fmt.Println("debug: plugin starting")
	}
	cfg := reference.ConfigFromEnv()
	cfg.Version = plugintest.VersionFromArgs(os.Args[1:])
	p, err := reference.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	llmhost.Serve(&faultHost{Plugin: p, markers: os.Getenv(envMarker)})
}

// faultHost injects faults selected by the last user message: "crash" exits in the
// middle of the call, "crash-once" does so only the first time, "hang" never answers,
// "slow" answers after 300ms.
type faultHost struct {
	*reference.Plugin
	markers string
}

func (f *faultHost) CallLlm(ctx context.Context, req *llmhost.CallLlmRequest) (*llmhost.CallLlmResponse, error) {
	var text string
	if n := len(req.Messages); n > 0 && len(req.Messages[n-1].Content) > 0 {
		text = req.Messages[n-1].Content[0].Text
	}
	switch text {
	case "crash":
		os.Exit(2)
	case "crash-once":
		marker := filepath.Join(f.markers, "crashed-"+strings.ReplaceAll(req.IdempotencyKey, "/", "_"))
		if _, err := os.Stat(marker); err != nil {
			_ = os.WriteFile(marker, nil, 0o600)
			os.Exit(2)
		}
	case "hang":
		time.Sleep(time.Hour)
	case "slow":
		time.Sleep(300 * time.Millisecond)
	}
	return f.Plugin.CallLlm(ctx, req)
}

// runWorker plays a worker: it starts a supervised plugin, prints the plugin's pid and
// waits to be killed.
func runWorker() {
	bin, err := plugintest.SelfBinary("1.0.0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	m := llmhost.NewManager(bin, llmhost.Options{Env: []string{envMode + "=llmhost", reference.EnvDataDir + "=" + os.Getenv(reference.EnvDataDir)}})
	if _, err := m.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, m.Pid())
	w.Flush()
	select {}
}

// newManager supervises the test binary as an LLM host plugin.
func newManager(tb testing.TB, opts llmhost.Options) *llmhost.Manager {
	tb.Helper()
	bin, err := plugintest.SelfBinary("1.0.0")
	if err != nil {
		tb.Fatal(err)
	}
	markers := tb.TempDir()
	opts.Env = append(opts.Env, envMode+"=llmhost", reference.EnvDataDir+"="+tb.TempDir(), envMarker+"="+markers)
	m := llmhost.NewManager(bin, opts)
	tb.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}
