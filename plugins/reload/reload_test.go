package reload_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/plugins/internal/supervisor"
	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/reload"
)

// Both managers can be reloaded.
var (
	_ reload.Swapper = (*llmhost.Manager)(nil)
	_ reload.Swapper = (*live.Manager)(nil)
)

type fakeSwapper struct {
	mu  sync.Mutex
	got []supervisor.Binary
}

func (f *fakeSwapper) Swap(_ context.Context, bin supervisor.Binary) (supervisor.Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, bin)
	return supervisor.Info{Version: bin.Version}, nil
}

func (f *fakeSwapper) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got)
}

func writeManifest(t *testing.T, path, body string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestApplySwapsOnlyChangedKinds(t *testing.T) {
	v1 := reload.Manifest{"llmhost": {Path: "/p/llm1", SHA256: "aa", Version: "1"}, "live": {Path: "/p/live1", SHA256: "bb", Version: "1"}}
	v2 := reload.Manifest{"llmhost": {Path: "/p/llm2", SHA256: "cc", Version: "2"}, "live": v1["live"]}
	llm, lv := &fakeSwapper{}, &fakeSwapper{}
	res := reload.Apply(context.Background(), v2, v1, map[string]reload.Swapper{"llmhost": llm, "live": lv})
	if len(res) != 1 || res[0].Kind != "llmhost" || res[0].Info.Version != "2" || res[0].Err != nil {
		t.Fatalf("Apply = %+v, want one successful llmhost swap", res)
	}
	if lv.calls() != 0 {
		t.Errorf("unchanged live entry was swapped")
	}
}

func TestLoadResolvesRelativePathsAndValidates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plugins.json")
	tests := map[string]struct {
		body     string
		wantPath string
		wantErr  bool
	}{
		"relative path": {body: `{"live":{"path":"bin/live-2","sha256":"ab","version":"2"}}`, wantPath: filepath.Join(dir, "bin/live-2")},
		"absolute path": {body: `{"live":{"path":"/opt/live","sha256":"ab"}}`, wantPath: "/opt/live"},
		"no checksum":   {body: `{"live":{"path":"/opt/live"}}`, wantErr: true},
		"not json":      {body: `{`, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			writeManifest(t, path, tc.body)
			m, err := reload.Load(path)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Load = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && m["live"].Path != tc.wantPath {
				t.Errorf("path = %q, want %q", m["live"].Path, tc.wantPath)
			}
		})
	}
}

func TestOnSignalReloadsOnSIGHUP(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plugins.json")
	initial := reload.Manifest{"live": {Path: "/p/live1", SHA256: "aa", Version: "1"}}
	writeManifest(t, path, `{"live":{"path":"/p/live2","sha256":"bb","version":"2"}}`)
	lv := &fakeSwapper{}
	results := make(chan reload.Result, 4)
	stop := reload.OnSignal(context.Background(), path, initial, map[string]reload.Swapper{"live": lv}, func(r reload.Result) { results <- r }, syscall.SIGHUP)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-results:
		if r.Kind != "live" || r.Err != nil || r.Info.Version != "2" {
			t.Fatalf("result %+v, want a successful live swap to version 2", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no swap within 5s of SIGHUP")
	}
}
