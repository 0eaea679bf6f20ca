package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// call is one update sent to the session, one mocked minute after the previous one (time
// enough for the retry policy to give up on a failing host call). arg
// builds the payload when the update is sent (so it can read the mocked clock).
type call struct {
	name string
	arg  func(env *testsuite.TestWorkflowEnvironment) any
}

// reply is what an update answered.
type reply struct {
	name     string
	value    any
	err      error // the handler's failure
	rejected error // the validator's refusal
	done     bool
}

func (r *reply) mustOK(t *testing.T) {
	t.Helper()
	if !r.done || r.err != nil || r.rejected != nil {
		t.Fatalf("%s: done %v, error %v, rejected %v", r.name, r.done, r.err, r.rejected)
	}
}

func valueOf[T any](t *testing.T, r *reply) T {
	t.Helper()
	r.mustOK(t)
	v, ok := r.value.(T)
	if !ok {
		t.Fatalf("%s answered %T, want %T", r.name, r.value, v)
	}
	return v
}

func fixed(v any) func(*testsuite.TestWorkflowEnvironment) any {
	return func(*testsuite.TestWorkflowEnvironment) any { return v }
}

// runCalls starts a session workflow, sends the calls in order, then runs probe (for
// queries) and cancels the workflow.
func runCalls(t *testing.T, env *testsuite.TestWorkflowEnvironment, calls []call, probe func()) []*reply {
	t.Helper()
	replies := make([]*reply, len(calls))
	for i, c := range calls {
		r := &reply{name: c.name}
		replies[i] = r
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(c.name, fmt.Sprintf("%s-%d", c.name, i), &testsuite.TestUpdateCallback{
				OnAccept: func() {},
				OnReject: func(err error) { r.rejected, r.done = err, true },
				OnComplete: func(v any, err error) {
					r.value, r.err, r.done = v, err, true
				},
			}, c.arg(env))
		}, time.Duration(i+1)*time.Minute)
	}
	if probe != nil {
		env.RegisterDelayedCallback(probe, time.Duration(len(calls)+1)*time.Minute)
	}
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Duration(len(calls)+2)*time.Minute)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
	for _, r := range replies {
		if !r.done {
			t.Fatalf("update %s never finished", r.name)
		}
	}
	return replies
}

var liveTestChannel = machine.NewChannelID(testSession, [16]byte{7})

// openChannel admits liveTestChannel for the session.
var openChannel = call{"ResolveLiveOpenAdmission", fixed(machine.ResolveLiveOpenAdmission{SessionID: testSession, ChannelID: liveTestChannel, LlmIdentity: testIdentity})}

func closeCall(channel string) call {
	return call{workflows.OpLiveClose, fixed(workflows.LiveChannelRequest{ChannelID: channel})}
}

// liveEnv is a session test environment with the plugin activities registered.
func liveEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	env := newEnv(t)
	env.RegisterActivity(acts)
	return env
}

func hostError(reason string) error {
	return temporal.NewNonRetryableApplicationError("host says "+reason, reason, nil)
}

// TestLiveClose: the host's close sequence is recorded and unbinds the channel; a host
// refusal is the machine's classification and leaves the channel bound, except that a
// channel the host no longer has (ChannelNotFound) is released as well.
func TestLiveClose(t *testing.T) {
	cases := []struct {
		name       string
		hostErr    error
		wantReason machine.LiveChannelRequestRejectionReason // 0 = closed
		wantClass  machine.LiveChannelRequestRejectionPublicErrorClass
	}{
		{"closed", nil, 0, 0},
		{"channel not found", hostError("ChannelNotFound"), machine.RequestRejectionChannelNotFound, machine.RequestClassInvalidParams},
		{"no adapter", hostError("NoAdapter"), machine.RequestRejectionNoAdapter, machine.RequestClassInvalidParams},
		{"close not authorized is internal", hostError("CloseNotAuthorized"), machine.RequestRejectionInternalHostError, machine.RequestClassInternalError},
		{"plugin outage after retries is internal", temporal.NewApplicationError("plugin down", "PluginUnavailable"), machine.RequestRejectionInternalHostError, machine.RequestClassInternalError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := liveEnv(t)
			attempts := 0
			env.OnActivity(acts.CloseLiveChannel, mock.Anything, activities.LiveChannelInput{ChannelID: liveTestChannel}).Return(
				func(context.Context, activities.LiveChannelInput) (*activities.CloseLiveChannelResult, error) {
					attempts++
					if c.hostErr != nil {
						return nil, c.hostErr
					}
					return &activities.CloseLiveChannelResult{CloseObservationSequence: 3}, nil
				})
			var routing workflows.LiveRouting
			replies := runCalls(t, env, []call{openChannel, closeCall(liveTestChannel)}, func() {
				routing = query[workflows.LiveRouting](t, env, workflows.QueryLiveRouting)
			})
			res := valueOf[workflows.LiveCloseResult](t, replies[1])
			if c.wantReason == 0 {
				closed, ok := res.Closed.Lookup()
				if !ok || res.Rejection.Present() || closed.CloseObservationSequence != 3 || closed.Sequence != 1 || closed.Status != machine.CloseClosed {
					t.Fatalf("result %+v, want closed with observation 3, sequence 1", res)
				}
				if routing.ActiveChannel.Present() {
					t.Fatalf("channel still active after the close: %+v", routing)
				}
				return
			}
			rej, ok := res.Rejection.Lookup()
			released := c.wantReason == machine.RequestRejectionChannelNotFound
			if !ok || res.Closed.Present() != released || rej.Rejection != c.wantReason || rej.PublicErrorClass != c.wantClass || rej.Request != machine.RequestClose || rej.Sequence != 1 {
				t.Fatalf("result %+v, want rejection %s/%s (binding released: %v)", res, c.wantReason, c.wantClass, released)
			}
			if !strings.Contains(res.Detail, "host says") && !strings.Contains(res.Detail, "plugin down") {
				t.Fatalf("detail %q does not carry the host's text", res.Detail)
			}
			if routing.ActiveChannel.Is(liveTestChannel) == released {
				t.Fatalf("routing after the refused close: %+v; want the channel released only when the host no longer has it", routing)
			}
			var app *temporal.ApplicationError
			if errors.As(c.hostErr, &app) && !app.NonRetryable() && attempts != 5 {
				t.Fatalf("a retryable host failure was tried %d times, want the policy's 5", attempts)
			}
		})
	}
}

// TestLiveRequestsForUnownedChannel: a request for a channel the session does not own is
// refused before anything is written, with the kind the client routes to the unbound
// authority on; a malformed request is ValidationFailed.
func TestLiveRequestsForUnownedChannel(t *testing.T) {
	other := machine.NewChannelID(testSession, [16]byte{8})
	env := liveEnv(t)
	var shell workflows.ShellStatus
	replies := runCalls(t, env, []call{
		openChannel,
		closeCall(other),
		{workflows.OpLiveRefresh, fixed(workflows.LiveChannelRequest{ChannelID: other})},
		{workflows.OpLiveCommand, fixed(workflows.LiveCommandRequest{ChannelID: other, Command: machine.CommandInterrupt})},
		{workflows.OpLiveWebrtcAnswer, fixed(workflows.LiveWebrtcAnswerRequest{ChannelID: other, TokenDigest: machine.TokenDigest("unknown"), OfferSDP: "v=0"})},
		closeCall(""),
	}, func() { shell = query[workflows.ShellStatus](t, env, workflows.QueryShellStatus) })
	for _, r := range replies[1:5] {
		if e := workflows.ErrorFrom(r.rejected); e == nil || e.Kind != workflows.KindChannelNotOwned || !errors.Is(e, workflows.ErrChannelNotOwned) {
			t.Errorf("%s: rejected %v, want %s", r.name, r.rejected, workflows.KindChannelNotOwned)
		}
	}
	if e := workflows.ErrorFrom(replies[5].rejected); e == nil || e.Kind != "ValidationFailed" || !strings.Contains(e.Reason, "channel_id") {
		t.Errorf("empty channel id: %v", replies[5].rejected)
	}
	if shell.UpdatesApplied != 1 {
		t.Fatalf("refused requests were applied: %d updates applied, want only the open", shell.UpdatesApplied)
	}
}

// TestLiveRefresh: the host's queue acceptance is recorded; a refusal is classified.
func TestLiveRefresh(t *testing.T) {
	env := liveEnv(t)
	env.OnActivity(acts.RefreshLiveChannel, mock.Anything, mock.Anything).Return(&activities.RefreshLiveChannelResult{QueueAcceptanceSequence: 1}, nil).Once()
	env.OnActivity(acts.RefreshLiveChannel, mock.Anything, mock.Anything).Return(nil, hostError("NoAdapter")).Once()
	refresh := call{workflows.OpLiveRefresh, fixed(workflows.LiveChannelRequest{ChannelID: liveTestChannel})}
	var ch workflows.LiveChannel
	replies := runCalls(t, env, []call{openChannel, refresh, refresh}, func() {
		v, err := env.QueryWorkflow(workflows.QueryLiveChannel, liveTestChannel)
		if err == nil {
			err = v.Get(&ch)
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	first := valueOf[workflows.LiveRefreshResult](t, replies[1])
	if q, ok := first.Queued.Lookup(); !ok || q.QueueAcceptanceSequence != 1 || q.Status != machine.RefreshQueued || q.Sequence != 1 {
		t.Fatalf("first refresh %+v", first)
	}
	second := valueOf[workflows.LiveRefreshResult](t, replies[2])
	if r, ok := second.Rejection.Lookup(); !ok || r.Rejection != machine.RequestRejectionNoAdapter || r.PublicErrorClass != machine.RequestClassInvalidParams || r.Request != machine.RequestRefresh {
		t.Fatalf("second refresh %+v", second)
	}
	if !ch.RefreshStatus.Is(machine.RefreshQueued) || !ch.ChannelRequestRejectionReason.Is(machine.RequestRejectionNoAdapter) {
		t.Fatalf("channel evidence %+v", ch.LiveChannelEvidence)
	}
}

// TestLiveCommands: each of the four commands goes to its activity and its acceptance is
// recorded (one sequence per channel shared by all kinds); host refusals are classified
// with the command mapping; malformed commands are refused by the validator.
func TestLiveCommands(t *testing.T) {
	env := liveEnv(t)
	seq := uint64(0)
	accept := func(kind machine.LiveCommandPublicKind) *activities.LiveCommandResult {
		seq++
		return &activities.LiveCommandResult{ChannelID: liveTestChannel, Command: kind, CommandAcceptanceSequence: seq}
	}
	env.OnActivity(acts.SendLiveInput, mock.Anything, activities.SendLiveInputInput{ChannelID: liveTestChannel, Text: "hello"}).Return(
		func(context.Context, activities.SendLiveInputInput) (*activities.LiveCommandResult, error) {
			return accept(machine.CommandSendInput), nil
		})
	env.OnActivity(acts.CommitLiveInput, mock.Anything, activities.LiveChannelInput{ChannelID: liveTestChannel}).Return(
		func(context.Context, activities.LiveChannelInput) (*activities.LiveCommandResult, error) {
			return accept(machine.CommandCommitInput), nil
		})
	env.OnActivity(acts.TruncateLiveAssistantOutput, mock.Anything, activities.TruncateLiveAssistantOutputInput{ChannelID: liveTestChannel, ItemID: "item_1", AudioEndMs: 40}).Return(
		func(context.Context, activities.TruncateLiveAssistantOutputInput) (*activities.LiveCommandResult, error) {
			return accept(machine.CommandTruncateAssistantOutput), nil
		})
	interrupts := 0
	env.OnActivity(acts.InterruptLiveChannel, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.LiveChannelInput) (*activities.LiveCommandResult, error) {
			interrupts++
			switch interrupts {
			case 1:
				return accept(machine.CommandInterrupt), nil
			case 2:
				return nil, hostError("ChannelNotReady")
			case 3:
				return nil, hostError("SessionAlreadyBound")
			}
			return nil, errors.New("adapter connection reset") // retried until the policy gives up
		})
	cmd := func(req workflows.LiveCommandRequest) call {
		req.ChannelID = liveTestChannel
		return call{workflows.OpLiveCommand, fixed(req)}
	}
	interrupt := cmd(workflows.LiveCommandRequest{Command: machine.CommandInterrupt})
	replies := runCalls(t, env, []call{
		openChannel,
		cmd(workflows.LiveCommandRequest{Command: machine.CommandSendInput, Text: "hello"}),
		cmd(workflows.LiveCommandRequest{Command: machine.CommandCommitInput}),
		cmd(workflows.LiveCommandRequest{Command: machine.CommandTruncateAssistantOutput, ItemID: "item_1", AudioEndMs: 40}),
		interrupt, interrupt, interrupt, interrupt,
		cmd(workflows.LiveCommandRequest{Command: machine.CommandTruncateAssistantOutput}),
		cmd(workflows.LiveCommandRequest{Command: machine.CommandCommitInput, Text: "stray"}),
		cmd(workflows.LiveCommandRequest{Command: machine.CommandSendInput}),
		{workflows.OpLiveCommand, fixed(rawJSON(`{"channel_id":"` + liveTestChannel + `","command":"Shout"}`))},
	}, nil)
	kinds := []machine.LiveCommandPublicKind{machine.CommandSendInput, machine.CommandCommitInput, machine.CommandTruncateAssistantOutput, machine.CommandInterrupt}
	for i, kind := range kinds {
		res := valueOf[workflows.LiveCommandResult](t, replies[i+1])
		a, ok := res.Accepted.Lookup()
		if !ok || a.Command != kind || a.CommandAcceptanceSequence != uint64(i+1) || a.Sequence != uint64(i+1) {
			t.Errorf("%s: %+v", kind, res)
		}
	}
	for i, want := range []struct {
		reason machine.LiveCommandRejectionReason
		class  machine.LiveCommandRejectionPublicErrorClass
	}{
		{machine.CommandRejectionChannelNotReady, machine.CommandClassInternalError},
		{machine.CommandRejectionInternalHostError, machine.CommandClassInternalError},
		{machine.CommandRejectionInternalHostError, machine.CommandClassInternalError},
	} {
		res := valueOf[workflows.LiveCommandResult](t, replies[i+5])
		r, ok := res.Rejection.Lookup()
		if !ok || r.Rejection != want.reason || r.PublicErrorClass != want.class || r.Command != machine.CommandInterrupt || r.Sequence != uint64(i+1) || res.Detail == "" {
			t.Errorf("refused interrupt %d: %+v, want %s/%s", i+1, res, want.reason, want.class)
		}
	}
	if interrupts != 3+5 {
		t.Errorf("interrupt activity ran %d times; the transient failure should be retried 5 times", interrupts)
	}
	for _, r := range replies[8:] {
		if e := workflows.ErrorFrom(r.rejected); e == nil || e.Kind != "ValidationFailed" {
			t.Errorf("malformed command: rejected %v, want ValidationFailed", r.rejected)
		}
	}
}

// TestLiveWebrtcAnswer: a WebRTC token (by digest) admits one answer, which the host
// answers and the machine records; the token is single use; a host refusal after the
// admission is classified; a raw token never passes the validator.
func TestLiveWebrtcAnswer(t *testing.T) {
	env := liveEnv(t)
	token, other, short := "mkt1.token-one", "mkt1.token-two", "mkt1.token-short"
	answers := 0
	env.OnActivity(acts.AnswerLiveWebrtc, mock.Anything, activities.AnswerLiveWebrtcInput{SessionID: testSession, ChannelID: liveTestChannel, OfferSDP: "v=0 offer"}).Return(
		func(context.Context, activities.AnswerLiveWebrtcInput) (*activities.AnswerLiveWebrtcResult, error) {
			answers++
			if answers > 1 {
				return nil, hostError("WebrtcAnswerError")
			}
			return &activities.AnswerLiveWebrtcResult{AnswerSDP: "v=0 answer", AnswerObservationSequence: 1}, nil
		})
	issue := func(tok string, ttl time.Duration) call {
		return call{"RecordLiveWebrtcTokenIssued", func(env *testsuite.TestWorkflowEnvironment) any {
			return machine.RecordLiveWebrtcTokenIssued{
				SessionID: testSession, ChannelID: liveTestChannel, Token: machine.TokenDigest(tok),
				IssuedAtMs: uint64(env.Now().UnixMilli()), TTLMs: uint64(ttl.Milliseconds()),
			}
		}}
	}
	answer := func(tok string) call {
		return call{workflows.OpLiveWebrtcAnswer, fixed(workflows.LiveWebrtcAnswerRequest{ChannelID: liveTestChannel, TokenDigest: machine.TokenDigest(tok), OfferSDP: "v=0 offer"})}
	}
	replies := runCalls(t, env, []call{
		openChannel, issue(token, time.Hour), issue(other, time.Hour), issue(short, time.Second),
		answer(token), answer(token), answer(other), answer(short),
		{workflows.OpLiveWebrtcAnswer, fixed(workflows.LiveWebrtcAnswerRequest{ChannelID: liveTestChannel, TokenDigest: token, OfferSDP: "v=0"})},
	}, nil)

	first := valueOf[workflows.LiveWebrtcAnswerResult](t, replies[4])
	if !first.Admission.Get().Admitted || first.AnswerSDP != "v=0 answer" || !first.Answer.Present() || !first.Answer.Get().Answered || first.Rejection.Present() {
		t.Fatalf("first answer %+v", first)
	}
	again := valueOf[workflows.LiveWebrtcAnswerResult](t, replies[5])
	if adm := again.Admission.Get(); adm.Admitted || !adm.Rejection.Is(machine.WebrtcTokenAlreadyConsumed) || !adm.PublicErrorClass.Is(machine.RequestClassInvalidParams) || again.AnswerSDP != "" {
		t.Fatalf("reused token %+v", again)
	}
	refused := valueOf[workflows.LiveWebrtcAnswerResult](t, replies[6])
	if r, ok := refused.Rejection.Lookup(); !refused.Admission.Get().Admitted || !ok || r.Request != machine.RequestWebrtcAnswer ||
		r.Rejection != machine.RequestRejectionInternalHostError || refused.AnswerSDP != "" {
		t.Fatalf("host refusal %+v", refused)
	}
	expired := valueOf[workflows.LiveWebrtcAnswerResult](t, replies[7])
	if adm := expired.Admission.Get(); adm.Admitted || !adm.Rejection.Is(machine.WebrtcTokenExpired) || expired.Rejection.Present() {
		t.Fatalf("expired token %+v", expired)
	}
	if e := workflows.ErrorFrom(replies[8].rejected); e == nil || !strings.Contains(e.Reason, "digest") {
		t.Fatalf("raw token: rejected %v, want a refusal asking for the digest", replies[8].rejected)
	}
	if answers != 2 {
		t.Fatalf("host answered %d offers, want 2 (the reused token never reaches it)", answers)
	}
}

// realtimeHydration is the host's LLM state with a capability surface.
func realtimeHydration(realtime bool) *activities.HydrateSessionLlmStateResult {
	h := hydrated()
	h.CurrentCapabilitySurface = machine.Some(machine.SessionLlmCapabilitySurface{Realtime: realtime})
	return h
}

// attachRuntime binds a runtime, which attaches the session (spec §5.2 PrepareBindings).
var attachRuntime = call{"PrepareBindings", fixed(machine.PrepareBindings{
	AgentRuntimeID: "rt", FenceToken: 1, Generation: machine.Some[uint64](1), SessionID: testSession,
})}

func realtimeCall(name string) call { return call{name, fixed(struct{}{})} }

// TestRealtimeAttach: attach_live needs an attached runtime (NotReady otherwise, nothing
// written); it mints authority epochs; replace mints the next one; detach_live is the
// DetachRealtimeBinding input.
func TestRealtimeAttach(t *testing.T) {
	env := liveEnv(t)
	var status workflows.RealtimeStatus
	replies := runCalls(t, env, []call{
		realtimeCall(workflows.OpAttachLive),
		attachRuntime,
		realtimeCall(workflows.OpAttachLive),
		realtimeCall(workflows.OpReplaceRealtimeAttachment),
		{"DetachRealtimeBinding", fixed(struct{}{})},
	}, func() { status = query[workflows.RealtimeStatus](t, env, workflows.QueryRealtimeStatus) })
	if e := workflows.ErrorFrom(replies[0].rejected); e == nil || e.Kind != "NotReady" {
		t.Fatalf("attach before the runtime: rejected %v, want NotReady", replies[0].rejected)
	}
	attached := valueOf[workflows.RealtimeResult](t, replies[2])
	if !attached.Action.Is(machine.TransportAttach) || attached.Authority.Get() != (machine.RealtimeAttachmentSignalAuthority{SessionID: testSession, AuthorityEpoch: 1}) {
		t.Fatalf("attach %+v", attached)
	}
	replaced := valueOf[workflows.RealtimeResult](t, replies[3])
	if !replaced.Action.Is(machine.TransportReplace) || replaced.Authority.Get().AuthorityEpoch != 2 {
		t.Fatalf("replace %+v", replaced)
	}
	replies[4].mustOK(t)
	if status.AttachmentStatus != machine.AttachmentUnattached || status.BindingAuthorityEpoch.Present() {
		t.Fatalf("after detach %+v", status)
	}
}

// TestCapabilityDrivenRealtimeTransport: without a resolved surface the host is asked
// first; a realtime model attaches, a later non-realtime model detaches, and a bound
// realtime session is left alone.
func TestCapabilityDrivenRealtimeTransport(t *testing.T) {
	env := liveEnv(t)
	hydrations := 0
	env.OnActivity(acts.HydrateSessionLlmState, mock.Anything, activities.HydrateSessionLlmStateInput{SessionID: testSession}).Return(
		func(context.Context, activities.HydrateSessionLlmStateInput) (*activities.HydrateSessionLlmStateResult, error) {
			hydrations++
			return realtimeHydration(true), nil
		})
	// A non-realtime model, as a reconfigure leaves it, through the catalogue input.
	nonRealtime := machine.HydratedSessionLlmState(*realtimeHydration(false)).Input()
	replies := runCalls(t, env, []call{
		attachRuntime,
		realtimeCall(workflows.OpApplyCapabilityDrivenRealtimeTransport),
		realtimeCall(workflows.OpApplyCapabilityDrivenRealtimeTransport),
		{"HydrateSessionLlmState", fixed(nonRealtime)},
		realtimeCall(workflows.OpApplyCapabilityDrivenRealtimeTransport),
	}, nil)
	for i, want := range []machine.RealtimeTransportAction{machine.TransportAttach, machine.TransportNoOp} {
		res := valueOf[workflows.RealtimeResult](t, replies[i+1])
		if !res.Action.Is(want) || res.Authority.Present() != (want == machine.TransportAttach) {
			t.Fatalf("call %d: %+v, want %s", i+1, res, want)
		}
	}
	if res := valueOf[workflows.RealtimeResult](t, replies[4]); !res.Action.Is(machine.TransportDetach) {
		t.Fatalf("non-realtime model: %+v, want Detach", res)
	}
	if hydrations != 1 {
		t.Fatalf("hydrated %d times, want once (the machine holds the resolved surface afterwards)", hydrations)
	}
}

// TestRealtimeBootstrapEligibility: eligible with a realtime model (the channel status
// comes back); fail closed for a non-realtime model and when the host cannot hydrate.
func TestRealtimeBootstrapEligibility(t *testing.T) {
	cases := []struct {
		name       string
		hydration  *activities.HydrateSessionLlmStateResult
		hostErr    error
		wantReason string // "" = eligible
	}{
		{"realtime model", realtimeHydration(true), nil, ""},
		{"non-realtime model", realtimeHydration(false), nil, "does not support realtime"},
		{"host cannot hydrate", nil, hostError("UnknownSession"), "eligibility is unresolved"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := liveEnv(t)
			env.OnActivity(acts.HydrateSessionLlmState, mock.Anything, mock.Anything).Return(c.hydration, c.hostErr)
			replies := runCalls(t, env, []call{realtimeCall(workflows.OpRealtimeBootstrapEligibility)}, nil)
			r := replies[0]
			if c.wantReason == "" {
				res := valueOf[workflows.RealtimeResult](t, r)
				if e := res.Eligibility.Get(); e.HydrateFirst || e.Status.State != machine.RealtimeChannelClosed {
					t.Fatalf("eligibility %+v", res)
				}
				return
			}
			if e := workflows.ErrorFrom(r.err); e == nil || e.Kind != "ValidationFailed" || !strings.Contains(e.Reason, c.wantReason) {
				t.Fatalf("error %v, want ValidationFailed mentioning %q", r.err, c.wantReason)
			}
		})
	}
}
