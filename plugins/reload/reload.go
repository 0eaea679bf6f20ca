package reload

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"

	"github.com/meerkat-temporal/meerkat/plugins/internal/supervisor"
)

// Entry names one plugin binary in a manifest.
type Entry struct {
	// Path is the executable; a relative path is relative to the manifest's directory.
	Path    string   `json:"path"`
	SHA256  string   `json:"sha256"`
	Version string   `json:"version"`
	Args    []string `json:"args,omitempty"`
}

// Manifest maps a plugin kind ("llmhost", "live") to its binary.
type Manifest map[string]Entry

// Load reads and validates a manifest file.
func Load(path string) (Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("plugin manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("plugin manifest %s: %w", path, err)
	}
	for kind, e := range m {
		if e.Path == "" || e.SHA256 == "" {
			return nil, fmt.Errorf("plugin manifest %s: %q needs a path and a sha256", path, kind)
		}
		if !filepath.IsAbs(e.Path) {
			e.Path = filepath.Join(filepath.Dir(path), e.Path)
			m[kind] = e
		}
	}
	return m, nil
}

// Binary converts the entry for a supervisor.
func (e Entry) Binary() supervisor.Binary {
	return supervisor.Binary{Path: e.Path, SHA256: e.SHA256, Version: e.Version, Args: e.Args}
}

// Swapper is implemented by llmhost.Manager and live.Manager.
type Swapper interface {
	Swap(ctx context.Context, bin supervisor.Binary) (supervisor.Info, error)
}

// Result is the outcome of swapping one kind.
type Result struct {
	Kind string
	Info supervisor.Info
	Err  error
}

// Apply swaps every target whose kind is in the manifest and whose entry differs from
// last (nil: swap all). Kinds are handled in name order; a failed swap leaves that
// kind's old plugin running.
func Apply(ctx context.Context, m, last Manifest, targets map[string]Swapper) []Result {
	kinds := make([]string, 0, len(targets))
	for k := range targets {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var out []Result
	for _, kind := range kinds {
		e, ok := m[kind]
		if !ok {
			continue
		}
		if prev, seen := last[kind]; seen && prev.Path == e.Path && prev.SHA256 == e.SHA256 && prev.Version == e.Version && slices.Equal(prev.Args, e.Args) {
			continue
		}
		info, err := targets[kind].Swap(ctx, e.Binary())
		out = append(out, Result{Kind: kind, Info: info, Err: err})
	}
	return out
}

// OnSignal re-reads the manifest at path whenever one of sigs arrives (the worker
// passes syscall.SIGHUP) and swaps the kinds whose entry changed since the previous
// load; report receives every outcome, including manifest errors (Kind ""). initial is
// the manifest the targets currently run. It returns a stop function.
func OnSignal(ctx context.Context, path string, initial Manifest, targets map[string]Swapper, report func(Result), sigs ...os.Signal) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		last := initial
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
			}
			m, err := Load(path)
			if err != nil {
				report(Result{Err: err})
				continue
			}
			for _, r := range Apply(ctx, m, last, targets) {
				report(r)
				if r.Err == nil {
					last = cloneWith(last, r.Kind, m[r.Kind])
				}
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		cancel()
		<-done
	}
}

func cloneWith(m Manifest, kind string, e Entry) Manifest {
	out := make(Manifest, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out[kind] = e
	return out
}
