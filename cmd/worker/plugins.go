package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/live/loopback"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/plugins/reload"
)

// envBuiltinPlugin tells a re-executed worker binary which built-in plugin to serve.
const envBuiltinPlugin = "MEERKAT_BUILTIN_PLUGIN"

// Environment variables the worker reads for secrets and passes only to the plugin that
// needs them.
const (
	envOpenAIAPIKey  = "OPENAI_API_KEY"
	envOpenAIBaseURL = "OPENAI_BASE_URL"
)

// builtinPlugin serves the built-in plugin named by the environment, if any, and reports
// whether it did (its Serve never returns normally).
func builtinPlugin() bool {
	switch os.Getenv(envBuiltinPlugin) {
	case llmhost.Kind:
		reference.Main()
		return true
	case live.Kind:
		loopback.Main()
		return true
	}
	return false
}

// pluginSet is the running plugins of this worker.
type pluginSet struct {
	LLM  *llmhost.Manager
	Live *live.Manager
	// stopReload stops the SIGHUP hot-swap listener.
	stopReload func()
}

// startPlugins launches both plugin kinds: the external binaries the manifest names, and
// the built-in ones (this executable, re-executed) for the rest. Each is started and
// probed now, so a broken plugin stops the worker before it takes any work.
func startPlugins(ctx context.Context, cfg Config, log hclog.Logger) (*pluginSet, error) {
	manifest := reload.Manifest{}
	if cfg.PluginManifest != "" {
		m, err := reload.Load(cfg.PluginManifest)
		if err != nil {
			return nil, err
		}
		for kind := range m {
			if !slices.Contains(PluginKinds, kind) {
				return nil, fmt.Errorf("plugin manifest %s: unknown kind %q (kinds: %s)", cfg.PluginManifest, kind, strings.Join(PluginKinds, ", "))
			}
		}
		manifest = m
	}
	self, err := selfBinary()
	if err != nil {
		return nil, err
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	for _, kind := range PluginKinds {
		if _, ok := manifest[kind]; !ok {
			manifest[kind] = reload.Entry{Path: self.Path, SHA256: self.SHA256}
		}
	}
	options := func(kind string, env ...string) llmhost.Options {
		if manifest[kind].Path == self.Path {
			env = append(env, envBuiltinPlugin+"="+kind)
		}
		return llmhost.Options{
			Env:        env,
			SocketRoot: filepath.Join(dataDir, "plugins"),
			Logger:     log.Named("plugin-" + kind),
		}
	}
	if err := os.MkdirAll(filepath.Join(dataDir, "plugins"), 0o700); err != nil {
		return nil, fmt.Errorf("plugin socket directory: %w", err)
	}
	llmEnv := []string{
		reference.EnvDataDir + "=" + filepath.Join(dataDir, "llmhost"),
		reference.EnvWorkspaceRoot + "=" + filepath.Join(dataDir, "workspaces"),
	}
	if cfg.ModelCatalogue != "" {
		llmEnv = append(llmEnv, reference.EnvCatalogue+"="+cfg.ModelCatalogue)
	}
	for env, name := range map[string]string{envOpenAIAPIKey: reference.EnvOpenAIAPIKey, envOpenAIBaseURL: reference.EnvOpenAIBaseURL} {
		if v := os.Getenv(env); v != "" {
			llmEnv = append(llmEnv, name+"="+v)
		}
	}
	ps := &pluginSet{
		LLM:  llmhost.NewManager(manifest[llmhost.Kind].Binary(), options(llmhost.Kind, llmEnv...)),
		Live: live.NewManager(manifest[live.Kind].Binary(), options(live.Kind)),
	}
	if _, err := ps.LLM.Start(ctx); err != nil {
		return nil, fmt.Errorf("starting the %s plugin: %w", llmhost.Kind, err)
	}
	if _, err := ps.Live.Start(ctx); err != nil {
		ps.LLM.Close(ctx)
		return nil, fmt.Errorf("starting the %s plugin: %w", live.Kind, err)
	}
	if cfg.PluginManifest != "" {
		ps.stopReload = reload.OnSignal(ctx, cfg.PluginManifest, manifest,
			map[string]reload.Swapper{llmhost.Kind: ps.LLM, live.Kind: ps.Live},
			func(r reload.Result) {
				if r.Err != nil {
					log.Error("plugin hot swap failed; the previous plugin keeps serving", "kind", r.Kind, "error", r.Err)
					return
				}
				log.Info("plugin hot-swapped", "kind", r.Kind, "name", r.Info.Name, "version", r.Info.Version)
			}, syscall.SIGHUP)
	}
	return ps, nil
}

// Close drains and stops both plugins.
func (ps *pluginSet) Close(ctx context.Context) error {
	if ps.stopReload != nil {
		ps.stopReload()
	}
	return errors.Join(ps.Live.Close(ctx), ps.LLM.Close(ctx))
}

// selfBinary is this executable with its checksum, the binary of the built-in plugins.
func selfBinary() (reload.Entry, error) {
	path, err := os.Executable()
	if err != nil {
		return reload.Entry{}, fmt.Errorf("locating the worker executable: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return reload.Entry{}, fmt.Errorf("reading the worker executable: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return reload.Entry{}, fmt.Errorf("hashing the worker executable: %w", err)
	}
	return reload.Entry{Path: path, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
