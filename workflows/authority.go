package workflows

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
)

// Bounds of the shell state carried across continue-as-new.
const (
	// RefusalLimit bounds the list of refused signals kept for inspection (oldest dropped).
	RefusalLimit = 32
	// DedupLimit bounds the remembered update IDs and their results (oldest dropped).
	DedupLimit = 256
)

// Options tune a workflow run. A zero Options is valid.
type Options struct {
	// MaxMessagesPerRun is the number of signals and accepted updates after which the
	// workflow continues as new, on top of Temporal's own suggestion.
	//
	// Optional: defaults to DefaultMaxMessagesPerRun.
	MaxMessagesPerRun int `json:"max_messages_per_run,omitempty"`
}

// DefaultMaxMessagesPerRun keeps a run well under Temporal's per-run caps (10,000
// signals, 2,000 updates).
const DefaultMaxMessagesPerRun = 1000

func (o Options) maxMessages() int {
	if o.MaxMessagesPerRun > 0 {
		return o.MaxMessagesPerRun
	}
	return DefaultMaxMessagesPerRun
}

// ShellState is what the workflow keeps besides the machine: counters, the refused
// signals and the update dedup keys. It is carried across continue-as-new.
type ShellState struct {
	// Messages counts every signal and accepted update over the session's life.
	Messages       uint64 `json:"messages"`
	SignalsApplied uint64 `json:"signals_applied"`
	SignalsRefused uint64 `json:"signals_refused"`
	UpdatesApplied uint64 `json:"updates_applied"`
	// Runs counts the continue-as-new boundaries crossed.
	Runs uint64 `json:"runs"`
	// Refusals are the most recent refused signals, oldest first (at most RefusalLimit).
	Refusals []Refusal `json:"refusals,omitempty"`
	// Dedup remembers the most recent update IDs with their results, oldest first (at
	// most DedupLimit), so an update retried after continue-as-new is answered, not
	// applied twice.
	Dedup []DedupEntry `json:"dedup,omitempty"`
	// Contents holds the content of every accepted input that is not terminal yet,
	// keyed by input id.
	Contents map[string]InputContent `json:"contents,omitempty"`
	// Conversation is the conversation with the model, oldest first (at most
	// ConversationLimit messages); ConversationDropped counts the older ones dropped.
	Conversation        []llmhost.Message `json:"conversation,omitempty"`
	ConversationDropped uint64            `json:"conversation_dropped,omitempty"`
	// Results are how the runtime loop resolved inputs, oldest first (at most
	// ResultLimit).
	Results []InputResult `json:"results,omitempty"`
	// RunSeq numbers the runs the runtime loop started.
	RunSeq uint64 `json:"run_seq,omitempty"`
	// LoopAttached is set while the workflow's runtime loop is the session's executor
	// (attach_runtime, EnsureSessionWithExecutor) and cleared when the runtime goes away
	// (stop, reset, destroy, unregister).
	LoopAttached bool `json:"loop_attached,omitempty"`
	// WakePending is set when something woke the runtime loop (an accept with a
	// post-admission signal, an attach) and cleared once the loop found its lanes empty.
	WakePending bool `json:"wake_pending,omitempty"`
}

// Refusal records a signal the workflow did not apply.
type Refusal struct {
	At     time.Time `json:"at"`
	Signal string    `json:"signal"`
	Error  Error     `json:"error"`
}

// DedupEntry is one remembered update and the JSON of the result it returned.
type DedupEntry struct {
	UpdateID string          `json:"update_id"`
	Result   json.RawMessage `json:"result"`
}

// Snapshot is everything a run hands to the next one.
type Snapshot struct {
	// Machine is the JSON of machine.State.
	Machine json.RawMessage `json:"machine"`
	Shell   ShellState      `json:"shell"`
}

// authority is one machine instance behind a workflow, with the shell state around it.
// Both the session workflow and the unbound singleton use it; only the workflow's own
// coroutines touch it.
type authority struct {
	state    machine.State
	shell    ShellState
	opts     Options
	inputs   []machine.InputSpec
	channels []workflow.ReceiveChannel
	envelope workflow.ReceiveChannel
	// runMessages counts signals and accepted updates in this run.
	runMessages int
	// draining is set once the run decided to continue as new: updates are refused as
	// retryable NotReady until the next run takes over.
	draining bool
	// busy is set while a shell operation holds the gate (see operations.go).
	busy bool
	// changed is called after every applied input (search attributes, details).
	changed func(ctx workflow.Context)
	// turnActive is set while the runtime loop runs a batch (runtime_loop.go).
	turnActive bool
	// stopLoop cancels the runtime loop and the run in flight (on Destroy); nil when the
	// run has no runtime loop.
	stopLoop func()
	// batchWaiting caches whether a batch waits in a lane, as of machine input
	// batchCheckedAt (machine.State.Applied).
	batchCheckedAt uint64
	batchWaiting   bool
}

// restore rebuilds an authority from a snapshot, or from fresh when snap is nil.
func restore(snap *Snapshot, fresh func() (machine.State, error), opts Options, inputs []machine.InputSpec) (*authority, error) {
	a := &authority{opts: opts, inputs: inputs}
	if snap == nil {
		s, err := fresh()
		if err != nil {
			return nil, err
		}
		a.state = s
		return a, nil
	}
	s, err := machine.Restore(snap.Machine)
	if err != nil {
		return nil, err
	}
	a.state, a.shell = s, snap.Shell
	a.shell.Runs++
	return a, nil
}

// snapshot captures the authority for the next run.
func (a *authority) snapshot() (*Snapshot, error) {
	data, err := json.Marshal(a.state)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Machine: data, Shell: a.shell}, nil
}

// callerInput decodes a caller's payload for sp, refusing inputs a caller may not send.
func callerInput(sp machine.InputSpec, raw converter.RawValue) (machine.Input, error) {
	return admitCaller(sp, func() (machine.Input, error) { return inputOf(sp, raw) })
}

// admitCaller refuses runtime-origin inputs before decoding, then refuses raw tokens.
func admitCaller(sp machine.InputSpec, decode func() (machine.Input, error)) (machine.Input, error) {
	if sp.Origin != machine.OriginCaller {
		return nil, &Error{
			Kind: KindRuntimeOnly, Input: sp.Name,
			Reason: "this input reports a fact the session's runtime loop observes itself; only the workflow feeds it to the machine",
		}
	}
	in, err := decode()
	if err != nil {
		return nil, err
	}
	if err := checkTokenDigest(in); err != nil {
		return nil, err
	}
	return in, nil
}

// envelopeInput decodes a MachineInput envelope ({"kind": name, "fields": {...}}) into
// one of the authority's inputs.
func (a *authority) envelopeInput(raw converter.RawValue) (string, machine.Input, error) {
	var env machine.Envelope
	if err := decodeStrict(SignalInput, raw, &env); err != nil {
		return SignalInput, nil, err
	}
	i := slices.IndexFunc(a.inputs, func(sp machine.InputSpec) bool { return sp.Name == env.Kind })
	if i < 0 {
		return SignalInput, nil, &Error{
			Kind: machine.KindValidationFailed.String(), Input: SignalInput,
			Reason: fmt.Sprintf("kind %q is not an input this workflow accepts (see the README's message reference)", env.Kind),
		}
	}
	sp := a.inputs[i]
	in, err := admitCaller(sp, func() (machine.Input, error) { return sp.Decode(env.Fields) })
	return sp.Name, in, err
}

// onSignal applies one named signal, or records why it was refused. It never fails the
// task.
func (a *authority) onSignal(ctx workflow.Context, sp machine.InputSpec, raw converter.RawValue) {
	in, err := callerInput(sp, raw)
	a.applySignal(ctx, sp, sp.Name, in, err)
}

// onEnvelope applies one MachineInput signal, or records why it was refused.
func (a *authority) onEnvelope(ctx workflow.Context, raw converter.RawValue) {
	name, in, err := a.envelopeInput(raw)
	sp, _ := machine.Lookup(name)
	a.applySignal(ctx, sp, name, in, err)
}

func (a *authority) applySignal(ctx workflow.Context, sp machine.InputSpec, name string, in machine.Input, err error) {
	a.count()
	if err == nil && sp.PreviewOnly {
		err = &Error{Kind: KindPreviewOnly, Input: name, Reason: "this input is only ever previewed, so a signal has no result; send it as an update"}
	}
	if err == nil {
		_, err = a.applyCaller(ctx, in)
	}
	if err != nil {
		a.refuse(ctx, name, err)
		return
	}
	a.shell.SignalsApplied++
	a.changed(ctx)
}

func (a *authority) refuse(ctx workflow.Context, signal string, err error) {
	e := errorOf(signal, err)
	a.shell.SignalsRefused++
	a.shell.Refusals = appendBounded(a.shell.Refusals, Refusal{At: workflow.Now(ctx), Signal: signal, Error: *e}, RefusalLimit)
	workflow.GetLogger(ctx).Warn("signal refused", "signal", signal, "kind", e.Kind, "reason", e.Reason)
}

// validate is the update validator: it evaluates the input without committing, so a
// refused update writes nothing to history.
func (a *authority) validate(ctx workflow.Context, sp machine.InputSpec, raw converter.RawValue) error {
	if err := a.refuseWhileDraining(sp.Name); err != nil {
		return err
	}
	if a.remembered(updateID(ctx)) != nil {
		return nil
	}
	in, err := callerInput(sp, raw)
	if err == nil {
		_, err = a.state.Preview(in)
	}
	return applicationError(sp.Name, err)
}

// update applies (or, for preview-only inputs, previews) the input and returns its
// effects. An update ID seen before gets the remembered result.
func (a *authority) update(ctx workflow.Context, sp machine.InputSpec, raw converter.RawValue) (machine.Effects, error) {
	id := updateID(ctx)
	var fx machine.Effects
	if done := a.remembered(id); done != nil {
		err := json.Unmarshal(done, &fx)
		return fx, err
	}
	in, err := callerInput(sp, raw)
	if err != nil {
		return nil, applicationError(sp.Name, err)
	}
	if err := a.awaitGate(ctx); err != nil {
		return nil, err
	}
	a.count()
	if sp.PreviewOnly {
		fx, err = a.state.Preview(in)
	} else {
		fx, err = a.applyCaller(ctx, in)
	}
	if err != nil {
		return nil, applicationError(sp.Name, err)
	}
	if fx == nil {
		fx = machine.Effects{}
	}
	a.applied(ctx, id, fx)
	return fx, nil
}

// applied books an applied update: counters, its dedup entry, visibility.
func (a *authority) applied(ctx workflow.Context, updateID string, result any) {
	a.shell.UpdatesApplied++
	if data, err := json.Marshal(result); err == nil && updateID != "" {
		a.shell.Dedup = appendBounded(a.shell.Dedup, DedupEntry{UpdateID: updateID, Result: data}, DedupLimit)
	}
	a.changed(ctx)
}

func (a *authority) count() {
	a.runMessages++
	a.shell.Messages++
}

// remembered returns the result JSON of an update ID applied before, or nil.
func (a *authority) remembered(id string) json.RawMessage {
	if id == "" {
		return nil
	}
	for i := len(a.shell.Dedup) - 1; i >= 0; i-- {
		if a.shell.Dedup[i].UpdateID == id {
			return a.shell.Dedup[i].Result
		}
	}
	return nil
}

// refuseWhileDraining is the first check of every update validator.
func (a *authority) refuseWhileDraining(name string) error {
	if !a.draining {
		return nil
	}
	return applicationError(name, &Error{
		Kind: machine.KindNotReady.String(), Input: name, Retryable: true,
		Reason: "the session is continuing as new; retry the update",
	})
}

func updateID(ctx workflow.Context) string {
	if info := workflow.GetCurrentUpdateInfo(ctx); info != nil {
		return info.ID
	}
	return ""
}

func appendBounded[T any](list []T, v T, limit int) []T {
	list = append(list, v)
	if len(list) > limit {
		list = append(list[:0:0], list[len(list)-limit:]...)
	}
	return list
}
