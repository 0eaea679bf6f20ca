package supervisor

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Instance is one running plugin process.
type Instance struct {
	// Gen numbers instances of one Supervisor from 1; immutable.
	Gen uint64
	// Binary is what was launched; immutable.
	Binary Binary
	// Info is the Describe answer; immutable.
	Info Info

	api     any
	client  *plugin.Client
	sockDir string
	pid     int
	stopped chan struct{}
	once    sync.Once

	leases   int           // guarded by Supervisor.mu
	draining bool          // no new leases once set; guarded by Supervisor.mu
	idle     chan struct{} // closed when leases reaches 0; guarded by Supervisor.mu
}

// API returns the dispensed, typed protocol client.
func (i *Instance) API() any { return i.api }

// Pid returns the plugin's process id.
func (i *Instance) Pid() int { return i.pid }

// Exited reports whether the plugin process has ended.
func (i *Instance) Exited() bool { return i.client.Exited() }

// Stopped is closed once the supervisor has stopped the instance and cleaned up.
func (i *Instance) Stopped() <-chan struct{} { return i.stopped }

// VerifyChecksum hashes the file at path and compares it with the hex digest want.
func VerifyChecksum(path, want string) ([]byte, error) {
	wantSum, err := hex.DecodeString(want)
	if err != nil || len(wantSum) != sha256.Size {
		return nil, &pluginerr.Error{Reason: pluginerr.PluginRefused,
			Message: fmt.Sprintf("refusing to start %s: configured checksum %q is not a hex SHA-256", path, want)}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &pluginerr.Error{Reason: pluginerr.PluginRefused, Err: err,
			Message: fmt.Sprintf("refusing to start %s: %v", path, err)}
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, &pluginerr.Error{Reason: pluginerr.PluginRefused, Err: err,
			Message: fmt.Sprintf("refusing to start %s: reading it: %v", path, err)}
	}
	if got := h.Sum(nil); !bytes.Equal(got, wantSum) {
		return nil, &pluginerr.Error{Reason: pluginerr.PluginRefused,
			Message: fmt.Sprintf("refusing to start %s: its SHA-256 is %x but the configured checksum is %x; the binary was replaced or the checksum is wrong",
				path, got, wantSum)}
	}
	return wantSum, nil
}

// launch verifies, starts and probes one instance of bin.
func (s *Supervisor) launch(bin Binary) (*Instance, error) {
	sum, err := VerifyChecksum(bin.Path, bin.SHA256)
	if err != nil {
		return nil, err
	}
	sockDir, err := os.MkdirTemp(s.opts.SocketRoot, "meerkat-"+s.kind.Name+"-")
	if err != nil {
		return nil, unavailable(s.kind.Name, "creating socket directory: %v", err)
	}
	cmd := exec.Command(bin.Path, bin.Args...)
	cmd.Env = append(s.environ(), plugin.EnvUnixSocketDir+"="+sockDir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	logger := s.opts.Logger
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  pluginsdk.Handshake(s.kind.Name),
		VersionedPlugins: map[int]plugin.PluginSet{pluginsdk.ProtocolVersion: s.kind.Plugins},
		Cmd:              cmd,
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()},
		AutoMTLS:         true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		SkipHostEnv:      true,
		StartTimeout:     s.opts.StartTimeout,
		Logger:           logger,
		SyncStdout:       logger.StandardWriter(&hclog.StandardLoggerOptions{ForceLevel: hclog.Info}),
		SyncStderr:       logger.StandardWriter(&hclog.StandardLoggerOptions{ForceLevel: hclog.Warn}),
	})
	inst := &Instance{Binary: bin, client: client, sockDir: sockDir, stopped: make(chan struct{})}
	fail := func(err error) (*Instance, error) {
		s.stop(inst)
		return nil, err
	}
	onLockedThread(func() { _, err = client.Start() })
	if err != nil {
		return fail(s.startError(bin, err))
	}
	if rc := client.ReattachConfig(); rc != nil {
		inst.pid = rc.Pid
	}
	rpc, err := client.Client()
	if err != nil {
		return fail(s.startError(bin, err))
	}
	inst.api, err = rpc.Dispense(s.kind.Name)
	if err != nil {
		return fail(s.startError(bin, err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.StartTimeout)
	defer cancel()
	info, err := s.kind.Probe(ctx, inst.api)
	if err != nil {
		return fail(&pluginerr.Error{Reason: pluginerr.PluginRefused, Err: err,
			Message: fmt.Sprintf("%s plugin %s started but Describe failed: %v", s.kind.Name, bin.Path, err)})
	}
	if v := uint32(client.NegotiatedVersion()); !containsVersion(info.APIVersions, v) {
		return fail(&pluginerr.Error{Reason: pluginerr.PluginRefused,
			Message: fmt.Sprintf("%s plugin %s negotiated API version %d but Describe lists %v", s.kind.Name, bin.Path, v, info.APIVersions)})
	}
	if bin.Version != "" && info.Version != bin.Version {
		return fail(&pluginerr.Error{Reason: pluginerr.PluginRefused,
			Message: fmt.Sprintf("%s plugin %s reports version %q but %q was configured", s.kind.Name, bin.Path, info.Version, bin.Version)})
	}
	inst.Info = info
	s.mu.Lock()
	s.gen++
	inst.Gen = s.gen
	s.live[inst] = struct{}{}
	s.mu.Unlock()
	return inst, nil
}

func containsVersion(vs []uint32, v uint32) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Supervisor) startError(bin Binary, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Unrecognized remote plugin message") {
		msg = fmt.Sprintf("%s plugin %s wrote to stdout before calling Serve; stdout carries the go-plugin handshake, so move that output to stderr or after Serve (%v)",
			s.kind.Name, bin.Path, err)
	} else {
		msg = fmt.Sprintf("%s plugin %s failed to start: %v", s.kind.Name, bin.Path, err)
	}
	return &pluginerr.Error{Reason: pluginerr.PluginRefused, Message: msg, Err: err}
}

func (s *Supervisor) environ() []string {
	env := make([]string, 0, len(s.opts.InheritEnv)+len(s.opts.Env))
	for _, name := range s.opts.InheritEnv {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return append(env, s.opts.Env...)
}

// stop kills the process (and its process group) and removes its socket directory.
func (s *Supervisor) stop(inst *Instance) {
	inst.once.Do(func() {
		inst.client.Kill()
		if inst.pid > 0 {
			_ = syscall.Kill(-inst.pid, syscall.SIGKILL)
		}
		_ = os.RemoveAll(inst.sockDir)
		s.mu.Lock()
		delete(s.live, inst)
		s.mu.Unlock()
		close(inst.stopped)
	})
}

// launcher runs process starts on one OS thread that never exits, because the kernel
// delivers Pdeathsig when the thread that forked the child ends, not the process.
var launcher struct {
	once sync.Once
	reqs chan func()
}

func onLockedThread(f func()) {
	launcher.once.Do(func() {
		launcher.reqs = make(chan func())
		go func() {
			runtime.LockOSThread()
			for req := range launcher.reqs {
				req()
			}
		}()
	})
	done := make(chan struct{})
	launcher.reqs <- func() {
		defer close(done)
		f()
	}
	<-done
}
