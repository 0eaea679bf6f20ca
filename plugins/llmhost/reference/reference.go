package reference

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Name is what the reference host reports in Describe.
const Name = "meerkat-llmhost-reference"

// Config configures the reference host. The zero value works offline with the echo
// model and keeps state under the system temp directory.
type Config struct {
	// DataDir holds one state file per session. Default: $TMPDIR/meerkat-llmhost.
	DataDir string
	// WorkspaceRoot holds one workspace directory per session (for view_image).
	// Default: DataDir/workspaces.
	WorkspaceRoot string
	// CatalogueFile, when set, is a JSON array of models laid over the built-ins.
	CatalogueFile string
	// DefaultModel is the identity of a session nothing was applied to. Default "echo".
	DefaultModel string
	// OpenAI configures the openai backend.
	OpenAI OpenAIConfig
	// Version is reported by Describe. Default "1.0.0".
	Version string
	// Now is the clock of current_time. Default time.Now.
	Now func() time.Time
}

// Environment variables read by [ConfigFromEnv]; the host passes them explicitly.
const (
	EnvDataDir       = "MEERKAT_LLMHOST_DATA_DIR"
	EnvWorkspaceRoot = "MEERKAT_LLMHOST_WORKSPACE_ROOT"
	EnvCatalogue     = "MEERKAT_LLMHOST_CATALOGUE"
	EnvDefaultModel  = "MEERKAT_LLMHOST_DEFAULT_MODEL"
	EnvOpenAIBaseURL = "MEERKAT_LLMHOST_OPENAI_BASE_URL"
	EnvOpenAIAPIKey  = "MEERKAT_LLMHOST_OPENAI_API_KEY"
	EnvVersion       = "MEERKAT_LLMHOST_VERSION"
)

// ConfigFromEnv reads a Config from the environment variables above.
func ConfigFromEnv() Config {
	return Config{
		DataDir:       os.Getenv(EnvDataDir),
		WorkspaceRoot: os.Getenv(EnvWorkspaceRoot),
		CatalogueFile: os.Getenv(EnvCatalogue),
		DefaultModel:  os.Getenv(EnvDefaultModel),
		OpenAI:        OpenAIConfig{BaseURL: os.Getenv(EnvOpenAIBaseURL), APIKey: os.Getenv(EnvOpenAIAPIKey)},
		Version:       os.Getenv(EnvVersion),
	}
}

// Main serves the reference host configured from the environment. It is the whole
// main of the plugin process.
func Main() {
	p, err := New(ConfigFromEnv())
	if err != nil {
		fmt.Fprintln(os.Stderr, "meerkat llmhost reference plugin:", err)
		os.Exit(1)
	}
	llmhost.Serve(p)
}

// Plugin is the reference [llmhost.Host].
type Plugin struct {
	cfg    Config
	cat    Catalogue
	store  store
	openai *openAIProvider

	mu    sync.Mutex
	live  map[string]*sessionRecord           // applied, maybe not yet persisted; guarded by mu
	calls map[string]*llmhost.CallLlmResponse // CallLlm answers by idempotency key; guarded by mu
}

var _ llmhost.Host = (*Plugin)(nil)

// New returns a reference host for cfg.
func New(cfg Config) (*Plugin, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = filepath.Join(os.TempDir(), "meerkat-llmhost")
	}
	if cfg.WorkspaceRoot == "" {
		cfg.WorkspaceRoot = filepath.Join(cfg.DataDir, "workspaces")
	}
	if cfg.DefaultModel == "" {
		cfg.DefaultModel = ModelEcho
	}
	if cfg.Version == "" {
		cfg.Version = "1.0.0"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OpenAI.Timeout == 0 {
		cfg.OpenAI.Timeout = 60 * time.Second
	}
	cat, err := LoadCatalogue(cfg.CatalogueFile)
	if err != nil {
		return nil, err
	}
	if _, ok := cat[cfg.DefaultModel]; !ok {
		return nil, fmt.Errorf("default model %q is not in the catalogue (known: %s)", cfg.DefaultModel, strings.Join(cat.Names(), ", "))
	}
	return &Plugin{
		cfg: cfg, cat: cat,
		store:  store{dir: filepath.Join(cfg.DataDir, "sessions")},
		openai: &openAIProvider{cfg: cfg.OpenAI, http: &http.Client{}},
		live:   map[string]*sessionRecord{},
		calls:  map[string]*llmhost.CallLlmResponse{},
	}, nil
}

// WorkspaceDir returns the directory view_image reads for a session.
func (p *Plugin) WorkspaceDir(sessionID string) string {
	return workspaceDir(p.cfg.WorkspaceRoot, sessionID)
}

// Describe implements [llmhost.Host].
func (p *Plugin) Describe(context.Context) (*llmhost.DescribeResponse, error) {
	return &llmhost.DescribeResponse{Name: Name, Version: p.cfg.Version, APIVersions: []uint32{llmhost.APIVersion},
		Capabilities: []string{llmhost.CapabilityCallLlm, llmhost.CapabilityTools, llmhost.CapabilityIdempotency}}, nil
}

func requireSession(id string) error {
	if id == "" {
		return pluginerr.New(pluginerr.InvalidRequest, "session_id is empty")
	}
	return nil
}

// recordLocked returns the applied record, else the persisted one, else the default.
func (p *Plugin) recordLocked(sessionID string) (*sessionRecord, error) {
	if rec, ok := p.live[sessionID]; ok {
		return rec, nil
	}
	rec, err := p.store.load(sessionID)
	if err != nil {
		return nil, pluginerr.New(pluginerr.InternalHostError, "%v", err)
	}
	if rec == nil {
		m := p.cat[p.cfg.DefaultModel]
		rec = &sessionRecord{Identity: machine.SessionLlmIdentity{Model: m.Model, Provider: m.Provider}}
	}
	p.live[sessionID] = rec
	return rec, nil
}

func (p *Plugin) surface(id machine.SessionLlmIdentity) (machine.SessionLlmCapabilitySurface, bool) {
	m, ok := p.cat[id.Model]
	return m.Surface, ok
}

// visibility returns the record's state, or the default one for its model.
func (p *Plugin) visibility(rec *sessionRecord) machine.SessionToolVisibilityState {
	if rec.Visibility != nil {
		return *rec.Visibility
	}
	s, ok := p.surface(rec.Identity)
	return machine.SessionToolVisibilityState{CapabilityBaseFilter: machine.CapabilityBaseFilterFor(!ok || s.ImageToolResults)}
}

// offeredTools are the base tools visible under the record's visibility state and
// allowed by the model's capability (view_image needs image tool results).
func (p *Plugin) offeredTools(rec *sessionRecord, model machine.SessionLlmIdentity) machine.Set {
	vis := p.visibility(rec)
	s, _ := p.surface(model)
	capFilter := machine.CapabilityBaseFilterFor(s.ImageToolResults)
	out := machine.Set{}
	for _, name := range baseToolNames {
		if capFilter.Allows(name) && vis.CapabilityBaseFilter.Allows(name) && vis.InheritedBaseFilter.Allows(name) && vis.ActiveFilter.Allows(name) {
			out[name] = struct{}{}
		}
	}
	return out
}

// HydrateSessionLlmState implements [llmhost.Host].
func (p *Plugin) HydrateSessionLlmState(_ context.Context, req *llmhost.HydrateRequest) (*llmhost.HydratedSessionLlmState, error) {
	if err := requireSession(req.SessionID); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, err := p.recordLocked(req.SessionID)
	if err != nil {
		return nil, err
	}
	out := &llmhost.HydratedSessionLlmState{
		CurrentIdentity:         rec.Identity,
		CurrentVisibilityState:  p.visibility(rec),
		CapabilitySurfaceStatus: machine.SurfaceUnresolved,
		BaseToolNames:           machine.NewSet(baseToolNames...),
	}
	if s, ok := p.surface(rec.Identity); ok {
		out.CurrentCapabilitySurface = machine.Some(s)
		out.CapabilitySurfaceStatus = machine.SurfaceResolved
	}
	return out, nil
}

// ResolveTargetIdentity implements [llmhost.Host].
func (p *Plugin) ResolveTargetIdentity(_ context.Context, req *llmhost.ResolveTargetIdentityRequest) (*llmhost.ResolvedSessionLlmReconfigure, error) {
	target := req.CurrentIdentity
	r := req.Request
	if model, ok := r.Model.Lookup(); ok {
		target.Model = model
	}
	entry, ok := p.cat[target.Model]
	if !ok {
		return nil, pluginerr.New(llmhost.UnknownModel, "model %q is not in the catalogue (known: %s)", target.Model, strings.Join(p.cat.Names(), ", "))
	}
	if r.Model.Present() && !r.Provider.Present() {
		target.Provider = entry.Provider
	}
	if prov, ok := r.Provider.Lookup(); ok {
		target.Provider = prov
	}
	if target.Provider != entry.Provider {
		return nil, pluginerr.New(pluginerr.InvalidRequest, "model %q is served by provider %s, not %s", target.Model, entry.Provider, target.Provider)
	}
	switch r.ProviderParams.Op {
	case llmhost.PatchSet:
		target.ProviderParamsRepr = machine.Some(r.ProviderParams.Value)
	case llmhost.PatchClear:
		target.ProviderParamsRepr = machine.None[string]()
	}
	switch r.AuthBinding.Op {
	case llmhost.PatchSet:
		target.AuthBinding = machine.Some(r.AuthBinding.Value)
	case llmhost.PatchClear:
		target.AuthBinding = machine.None[machine.AuthBindingRef]()
	}
	return &llmhost.ResolvedSessionLlmReconfigure{TargetIdentity: target, TargetCapabilitySurface: entry.Surface}, nil
}

// ApplyIdentity implements [llmhost.Host]. Applying the same identity twice is a no-op.
func (p *Plugin) ApplyIdentity(_ context.Context, req *llmhost.ApplyIdentityRequest) error {
	if err := requireSession(req.SessionID); err != nil {
		return err
	}
	if _, ok := p.cat[req.Identity.Model]; !ok {
		return pluginerr.New(llmhost.UnknownModel, "model %q is not in the catalogue (known: %s)", req.Identity.Model, strings.Join(p.cat.Names(), ", "))
	}
	return p.updateLive(req.SessionID, func(rec *sessionRecord) { rec.Identity = req.Identity })
}

// updateLive replaces the session's applied (not yet persisted) record by a changed copy.
func (p *Plugin) updateLive(sessionID string, change func(*sessionRecord)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, err := p.recordLocked(sessionID)
	if err != nil {
		return err
	}
	next := *rec
	change(&next)
	p.live[sessionID] = &next
	return nil
}

// ApplyToolVisibilityState implements [llmhost.Host].
func (p *Plugin) ApplyToolVisibilityState(_ context.Context, req *llmhost.ApplyToolVisibilityStateRequest) error {
	if err := requireSession(req.SessionID); err != nil {
		return err
	}
	return p.updateLive(req.SessionID, func(rec *sessionRecord) { rec.Visibility = req.State })
}

// PersistLiveSession implements [llmhost.Host]: the applied state is written to the
// session's file atomically.
func (p *Plugin) PersistLiveSession(_ context.Context, req *llmhost.SessionRequest) error {
	if err := requireSession(req.SessionID); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, err := p.recordLocked(req.SessionID)
	if err != nil {
		return err
	}
	if err := p.store.save(req.SessionID, rec); err != nil {
		return pluginerr.New(pluginerr.InternalHostError, "persisting session %q in %s: %v", req.SessionID, p.store.dir, err)
	}
	return nil
}

// DiscardLiveSession implements [llmhost.Host]: applied and persisted state are
// dropped; a later hydrate returns the defaults. Discarding twice is fine.
func (p *Plugin) DiscardLiveSession(_ context.Context, req *llmhost.SessionRequest) error {
	if err := requireSession(req.SessionID); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.live, req.SessionID)
	if err := p.store.remove(req.SessionID); err != nil {
		return pluginerr.New(pluginerr.InternalHostError, "discarding session %q: %v", req.SessionID, err)
	}
	return nil
}

// CallLlm implements [llmhost.Host]. A repeated idempotency key returns the first answer.
func (p *Plugin) CallLlm(ctx context.Context, req *llmhost.CallLlmRequest) (*llmhost.CallLlmResponse, error) {
	if err := requireSession(req.SessionID); err != nil {
		return nil, err
	}
	p.mu.Lock()
	if prev, ok := p.calls[req.IdempotencyKey]; ok && req.IdempotencyKey != "" {
		p.mu.Unlock()
		return prev, nil
	}
	rec, err := p.recordLocked(req.SessionID)
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	model, ok := p.cat[req.Identity.Model]
	if !ok {
		return failure(machine.FailureSourceConfigError, 0, 0, fmt.Sprintf("model %q is not in the catalogue", req.Identity.Model)), nil
	}
	offered := p.offeredTools(rec, req.Identity)
	var res *llmhost.CallLlmResponse
	switch model.Backend {
	case BackendOpenAI:
		if p.cfg.OpenAI.BaseURL == "" {
			res = failure(machine.FailureSourceConfigError, 0, 0, "model "+model.Model+" needs the openai backend but no base URL is configured ("+EnvOpenAIBaseURL+")")
		} else {
			res = p.openai.step(ctx, model, req.Messages, offered.Sorted())
		}
	default:
		res = echoStep(req.Messages, offered)
	}
	res.OfferedTools = offered.Sorted()
	if req.IdempotencyKey != "" {
		p.mu.Lock()
		if len(p.calls) >= 4096 {
			clear(p.calls)
		}
		p.calls[req.IdempotencyKey] = res
		p.mu.Unlock()
	}
	return res, nil
}

// ExecuteToolCall implements [llmhost.Host]. Hidden tools are refused with
// tool_not_visible.
func (p *Plugin) ExecuteToolCall(_ context.Context, req *llmhost.ExecuteToolCallRequest) (*llmhost.ExecuteToolCallResponse, error) {
	if err := requireSession(req.SessionID); err != nil {
		return nil, err
	}
	if !slices.Contains(baseToolNames, req.Call.Name) {
		return nil, unknownTool(req.Call.Name)
	}
	p.mu.Lock()
	rec, err := p.recordLocked(req.SessionID)
	var offered machine.Set
	if err == nil {
		offered = p.offeredTools(rec, rec.Identity)
	}
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if !offered.Has(req.Call.Name) {
		return nil, pluginerr.New(llmhost.ToolNotVisible, "tool %q is hidden for session %q by its tool visibility state or model %q", req.Call.Name, req.SessionID, rec.Identity.Model)
	}
	switch req.Call.Name {
	case ToolViewImage:
		return viewImage(p.WorkspaceDir(req.SessionID), req.Call.ArgumentsJSON)
	default:
		return currentTime(p.cfg.Now), nil
	}
}
