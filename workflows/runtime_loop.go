package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
)

// Bounds of one turn.
const (
	// MaxTurnSteps bounds the LLM calls of one turn; the turn then ends TurnLimitReached.
	MaxTurnSteps = 16
	// MaxLlmRetries bounds the recoverable LLM failures (rate limit, timeout, retryable
	// provider error) one turn retries; the next one ends the turn LlmRetryExhausted.
	MaxLlmRetries = 3
)

// llmCallOptions apply to CallLlm and ExecuteToolCall. Temporal retries a plugin that is
// unavailable; a call that still fails is an executor failure of the run, whose inputs
// are then rolled back (and abandoned after three runs). The activities heartbeat while
// the plugin works, so a hung plugin or a lost worker is noticed within the heartbeat
// timeout, not after the whole call timeout.
var llmCallOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Minute,
	HeartbeatTimeout:    15 * time.Second,
	RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 3},
}

// versionRuntimeLoop gates the runtime loop: runs recorded before it never ran turns.
const versionRuntimeLoop = "runtime-loop"

// runtimeLoop is the session's executor: once woken (ShellState.WakePending) while
// attached, it runs one batch at a time until its lanes are empty (spec §5.2 Prepare, §7.6, §5.7, §6). It
// starts no run while an operation holds the gate, while a stop is deferred, or once the
// workflow drains for continue-as-new; a run in flight delays both.
func (a *authority) runtimeLoop(ctx workflow.Context) {
	for {
		if err := workflow.Await(ctx, a.runnable); err != nil {
			return
		}
		a.turnActive = true
		a.runBatch(ctx)
		a.turnActive = false
		if len(a.state.NextRunBatch()) == 0 {
			a.shell.WakePending = false
		}
		a.changed(ctx)
	}
}

// runnable reports whether the loop may start a run now.
func (a *authority) runnable() bool {
	s := &a.state
	if a.draining || a.busy || !a.shell.LoopAttached || !a.shell.WakePending || s.RuntimeStopDeferred {
		return false
	}
	if p := s.LifecyclePhase; p != machine.PhaseAttached && p != machine.PhaseRetired {
		return false
	}
	if a.batchCheckedAt != s.Applied {
		a.batchCheckedAt, a.batchWaiting = s.Applied, len(s.NextRunBatch()) > 0
	}
	return a.batchWaiting
}

// run is one run of the runtime loop in flight.
type run struct {
	id    string
	batch []string
	// answer is the model's terminal answer; failure says why the run failed.
	answer  string
	failure string
}

// runBatch runs the next batch: Prepare (or DrainQueuedRun from Retired), stage, the
// turn, then the run's end and its inputs' resolution.
func (a *authority) runBatch(ctx workflow.Context) {
	s := &a.state
	a.shell.RunSeq++
	r := &run{id: fmt.Sprintf("run-%d", a.shell.RunSeq), batch: s.NextRunBatch()}
	var start machine.Input = machine.Prepare{SessionID: s.SessionID.Get(), RunID: r.id}
	if s.LifecyclePhase == machine.PhaseRetired {
		start = machine.DrainQueuedRun{RunID: r.id}
	}
	if !a.runtimeStep(ctx, start) {
		return
	}
	for _, id := range r.batch {
		if !a.runtimeStep(ctx, machine.StageForRun{InputID: id, RunID: r.id}) {
			a.endRun(ctx, r, applyFailure(machine.ApplyFailurePrimitiveRejected, "staging input "+id+" was refused"))
			return
		}
	}
	a.changed(ctx)
	a.endRun(ctx, r, a.turn(ctx, r))
}

// turnEnd is how a turn ended: by its machine turn phase, or by an executor failure
// (applyCause set) that never reached the machine.
type turnEnd struct {
	applyCause machine.Opt[machine.RuntimeApplyFailureCause]
	message    string
}

func applyFailure(cause machine.RuntimeApplyFailureCause, message string) turnEnd {
	return turnEnd{applyCause: machine.Some(cause), message: message}
}

// turn runs the conversation turn of a run (spec §5.7): one CallLlm activity per LLM
// step, one ExecuteToolCall activity per tool call, every fact fed to the machine. A
// requested cancel after boundary ends the turn at its next boundary: after the answer,
// or before the LLM is called again once tool results are in.
func (a *authority) turn(ctx workflow.Context, r *run) turnEnd {
	sessionID := a.state.SessionID.Get()
	if !a.state.CurrentSessionLlmIdentity.Present() {
		if end, ok := a.hydrate(ctx, sessionID); !ok {
			return end
		}
	}
	surface := a.state.CurrentSessionCapabilitySurface.Get()
	if !a.runtimeStep(ctx, machine.StartConversationRun{
		RunID: r.id, PrimitiveKind: machine.PrimitiveConversationTurn, AdmittedContentShape: machine.ContentConversation,
		VisionEnabled: surface.Vision, ImageToolResultsEnabled: surface.ImageToolResults,
	}) {
		return applyFailure(machine.ApplyFailureRuntimeTurn, "the machine refused to start the turn")
	}
	for _, id := range r.batch {
		a.remember(llmhost.Message{Role: llmhost.RoleUser, Content: []llmhost.ContentPart{{Text: a.shell.Contents[id].Text}}})
	}
	if !a.runtimeStep(ctx, machine.PrimitiveApplied{RunID: r.id}) {
		return applyFailure(machine.ApplyFailureRuntimeTurn, "the machine refused the applied primitive")
	}
	if a.state.CancelAfterBoundary {
		return a.cancelAtBoundary(ctx, r)
	}

	retries := uint64(0)
	for step := 1; ; step++ {
		if step > MaxTurnSteps {
			a.runtimeStep(ctx, machine.TurnLimitReached{RunID: r.id})
			return turnEnd{message: fmt.Sprintf("the turn reached its limit of %d LLM steps", MaxTurnSteps)}
		}
		var resp llmhost.CallLlmResponse
		identity := a.state.CurrentSessionLlmIdentity.Get()
		actx := summarize(workflow.WithActivityOptions(ctx, llmCallOptions), "%s step %d: %s/%s", r.id, step, identity.Provider, identity.Model)
		err := workflow.ExecuteActivity(actx, acts.CallLlm, activities.CallLlmInput{SessionID: sessionID, Identity: identity, Messages: a.shell.Conversation}).Get(ctx, &resp)
		if !a.runCurrent(r) {
			return turnEnd{message: "the run was ended while the LLM was called"}
		}
		if err != nil {
			return applyFailure(machine.ApplyFailureExecutorInternal, "calling the LLM failed: "+err.Error())
		}
		switch resp.Outcome {
		case llmhost.OutcomeAnswer:
			r.answer = resp.Text
			a.remember(llmhost.Message{Role: llmhost.RoleAssistant, Content: []llmhost.ContentPart{{Text: resp.Text}}})
			a.runtimeStep(ctx, machine.LlmReturnedTerminal{RunID: r.id})
			a.runtimeStep(ctx, machine.BoundaryComplete{RunID: r.id})
			return turnEnd{}
		case llmhost.OutcomeToolCalls:
			a.remember(llmhost.Message{Role: llmhost.RoleAssistant, ToolCalls: resp.ToolCalls})
			a.runtimeStep(ctx, machine.LlmReturnedToolCalls{RunID: r.id, ToolCount: uint64(len(resp.ToolCalls))})
			if len(resp.ToolCalls) == 0 {
				if !a.runtimeStep(ctx, machine.BoundaryContinue{RunID: r.id}) || a.state.TurnPhase == machine.TurnCancelled {
					return turnEnd{}
				}
				continue
			}
			if end, ok := a.toolCalls(ctx, r, sessionID, resp.ToolCalls); !ok {
				return end
			}
			a.runtimeStep(ctx, machine.ToolCallsResolved{RunID: r.id})
			if a.state.CancelAfterBoundary {
				return a.cancelAtBoundary(ctx, r)
			}
		case llmhost.OutcomeFailure:
			f := resp.Failure
			if f == nil {
				return applyFailure(machine.ApplyFailureExecutorInternal, "the LLM host reported a failure without details")
			}
			if machine.LlmFailureKindRecoverable(f.RetryKind) && retries < MaxLlmRetries {
				retries++
				delay := max(f.RetryAfter, time.Duration(1<<(retries-1))*time.Second)
				a.runtimeStep(ctx, machine.RecoverableFailure{RunID: r.id, FailureKind: f.RetryKind, RetryAttempt: retries, MaxRetries: MaxLlmRetries,
					SelectedDelayMs: uint64(delay.Milliseconds()), Error: f.Message})
				if err := workflow.Sleep(ctx, delay); err != nil || !a.runCurrent(r) {
					return turnEnd{message: "the run was ended while waiting to retry the LLM"}
				}
				a.runtimeStep(ctx, machine.RetryRequested{RunID: r.id, RetryAttempt: retries})
				continue
			}
			source := f.Source
			if machine.LlmFailureKindRecoverable(f.RetryKind) {
				source = machine.FailureSourceLlmRetryExhausted
			}
			a.runtimeStep(ctx, machine.FatalFailure{RunID: r.id, TerminalFailureSource: source, Error: f.Message})
			return turnEnd{message: f.Message}
		default:
			return applyFailure(machine.ApplyFailureExecutorInternal, fmt.Sprintf("the LLM host answered with outcome %d", resp.Outcome))
		}
	}
}

// hydrate loads the session's LLM state from the host when the machine has none yet.
func (a *authority) hydrate(ctx workflow.Context, sessionID string) (turnEnd, bool) {
	var h activities.HydrateSessionLlmStateResult
	actx := summarize(workflow.WithActivityOptions(ctx, hostCallOptions), "hydrate the session's LLM state")
	if err := workflow.ExecuteActivity(actx, acts.HydrateSessionLlmState, activities.HydrateSessionLlmStateInput{SessionID: sessionID}).Get(ctx, &h); err != nil {
		return applyFailure(machine.ApplyFailureExecutorInternal, "hydrating the session's LLM state failed: "+err.Error()), false
	}
	if !a.runtimeStep(ctx, machine.HydratedSessionLlmState(h).Input()) {
		return applyFailure(machine.ApplyFailureRuntimeTurn, "the machine refused the hydrated LLM state"), false
	}
	return turnEnd{}, true
}

// toolCalls runs each tool call the model asked for and keeps its result in the
// conversation. A failing tool is a tool result with is_error, as models expect; only a
// host that cannot be reached fails the run.
func (a *authority) toolCalls(ctx workflow.Context, r *run, sessionID string, calls []llmhost.ToolCall) (turnEnd, bool) {
	for _, call := range calls {
		var res llmhost.ExecuteToolCallResponse
		actx := summarize(workflow.WithActivityOptions(ctx, llmCallOptions), "%s tool %s (%s)", r.id, call.Name, call.ID)
		err := workflow.ExecuteActivity(actx, acts.ExecuteToolCall, activities.ExecuteToolCallInput{SessionID: sessionID, Call: call}).Get(ctx, &res)
		if !a.runCurrent(r) {
			return turnEnd{message: "the run was ended while a tool ran"}, false
		}
		var appErr *temporal.ApplicationError
		switch {
		case err == nil:
		case errors.As(err, &appErr) && appErr.NonRetryable():
			res = llmhost.ExecuteToolCallResponse{IsError: true, Content: []llmhost.ContentPart{{Text: appErr.Error()}}}
		default:
			return applyFailure(machine.ApplyFailureExecutorInternal, "running tool "+call.Name+" failed: "+err.Error()), false
		}
		a.remember(llmhost.Message{Role: llmhost.RoleTool, ToolCallID: call.ID, Content: res.Content})
	}
	return turnEnd{}, true
}

// cancelAtBoundary ends the turn Cancelled at a boundary where no LLM call is pending:
// the next step is simply not scheduled.
func (a *authority) cancelAtBoundary(ctx workflow.Context, r *run) turnEnd {
	a.runtimeStep(ctx, machine.CancelNow{RunID: r.id})
	a.runtimeStep(ctx, machine.CancellationObserved{RunID: r.id})
	return turnEnd{message: "cancelled after boundary"}
}

// runCurrent reports whether r is still the machine's current run (a Destroy, Reset or
// exit ends it from outside).
func (a *authority) runCurrent(r *run) bool {
	return a.state.LifecyclePhase == machine.PhaseRunning && a.state.CurrentRunID.Is(r.id)
}

// endRun ends the run by how its turn ended and resolves its inputs (spec §5.2 run end,
// §6.2): Completed commits and consumes them; Cancelled abandons them Cancelled; a
// failure rolls each back to its lane, or abandons it MaxAttemptsExhausted after
// machine.MaxStageAttempts runs. A deferred stop lands after.
func (a *authority) endRun(ctx workflow.Context, r *run, end turnEnd) {
	defer func() {
		if a.state.RuntimeStopDeferred && a.state.LifecyclePhase != machine.PhaseRunning {
			a.terminalise(ctx, machine.AbandonStopped, "runtime stopped")
		}
	}()
	if !a.runCurrent(r) {
		return
	}
	if !end.applyCause.Present() {
		switch a.state.TurnPhase {
		case machine.TurnCompleted:
			a.commitRun(ctx, r)
			return
		case machine.TurnCancelled:
			a.cancelRun(ctx, r)
			return
		case machine.TurnFailed:
			a.failRun(ctx, r, machine.RunFailed{RunID: r.id, MachineTerminalFailureObserved: true, Error: end.message})
			return
		}
		end = applyFailure(machine.ApplyFailureRuntimeTurn, fmt.Sprintf("the turn stopped in phase %s: %s", a.state.TurnPhase, end.message))
	}
	a.failRun(ctx, r, machine.RunFailed{RunID: r.id, RuntimeApplyFailureCause: end.applyCause, RuntimeApplyFailureMessage: machine.Some(end.message), Error: end.message})
}

func (a *authority) commitRun(ctx workflow.Context, r *run) {
	a.runtimeStep(ctx, machine.RunCompleted{RunID: r.id})
	class := a.completionClass(r, machine.TerminalRunResult)
	for _, id := range r.batch {
		a.runtimeStep(ctx, machine.MarkAppliedPendingConsumption{InputRef: machine.InputRef{InputID: id}})
		a.runtimeStep(ctx, machine.RecordBoundarySeq{InputID: id, RunID: r.id})
		a.runtimeStep(ctx, machine.ConsumeInput{InputRef: machine.InputRef{InputID: id}})
	}
	a.runtimeStep(ctx, machine.Commit{InputID: r.batch[0], RunID: r.id})
	a.resolve(r, class, "")
}

func (a *authority) cancelRun(ctx workflow.Context, r *run) {
	a.runtimeStep(ctx, machine.RunCancelled{RunID: r.id})
	class := a.completionClass(r, machine.TerminalMachineTerminal)
	for _, id := range r.batch {
		a.runtimeStep(ctx, machine.AbandonInput{InputID: id, Reason: machine.AbandonCancelled, AttemptCount: a.attempts(id)})
	}
	a.runtimeStep(ctx, machine.CancelRun{RunID: r.id})
	a.resolve(r, class, "cancelled after boundary")
}

// failRun records the failure, ends the run and rolls its inputs back; the inputs that
// ran out of attempts are abandoned and resolved with the machine's class.
func (a *authority) failRun(ctx workflow.Context, r *run, failed machine.RunFailed) {
	class := machine.ResultClassAbandonedWithError
	if a.runtimeStep(ctx, failed) {
		class = a.completionClass(r, machine.TerminalMachineTerminal)
		a.runtimeStep(ctx, machine.Fail{RunID: r.id})
	}
	if a.runCurrent(r) {
		a.runtimeStep(ctx, machine.RollbackRun{RunID: r.id})
	}
	var abandoned []string
	for _, id := range r.batch {
		a.runtimeStep(ctx, machine.IncrementAttemptCount{InputRef: machine.InputRef{InputID: id}})
		lane := a.state.InputStates[id].RecoveryLane.Get()
		if !a.runtimeStep(ctx, machine.ResolveStagedRollback{InputID: id, Lane: lane}) {
			// An input that can go back to no lane would wait for ever: end it.
			a.runtimeStep(ctx, machine.AbandonInput{InputID: id, Reason: machine.AbandonMaxAttemptsExhausted, AttemptCount: a.attempts(id)})
		}
		if a.state.InputStates[id].Terminal() {
			abandoned = append(abandoned, id)
		}
	}
	a.resolve(&run{id: r.id, batch: abandoned}, class, failed.Error)
}

// completionClass asks the machine which class the run's waiters receive (spec §6.2,
// previewed, never committed). A refusal is resolved as AbandonedWithError with the
// machine's reason, never as an invented success.
func (a *authority) completionClass(r *run, terminal machine.RuntimeCompletionTerminalObservation) machine.RuntimeCompletionResultClass {
	in := machine.ResolveRuntimeCompletionResult{Terminal: terminal, Finalization: machine.FinalizationSucceeded}
	if r.id != "" {
		in.RunID = machine.Some(r.id)
	}
	fx, err := a.state.Preview(in)
	if err != nil {
		r.failure = "the completion authority refused the run's result: " + err.Error()
		return machine.ResultClassAbandonedWithError
	}
	for _, e := range fx {
		if res, ok := e.(machine.RuntimeCompletionResultResolved); ok {
			return res.ResultClass
		}
	}
	r.failure = "the completion authority resolved no class"
	return machine.ResultClassAbandonedWithError
}

// resolve records the result of every input of the run for its waiters.
func (a *authority) resolve(r *run, class machine.RuntimeCompletionResultClass, reason string) {
	if r.failure != "" {
		reason = r.failure
	}
	for _, id := range r.batch {
		res := InputResult{InputID: id, RunID: r.id, Class: class, Error: reason}
		if class == machine.ResultClassCompleted {
			res.Answer, res.Error = r.answer, ""
		}
		a.shell.Results = appendBounded(a.shell.Results, res, ResultLimit)
		delete(a.shell.Contents, id)
	}
}

// terminalise is the single path that ends every pending input when the runtime goes
// away (spec §5.3 stop, §5.2 Reset, Destroy and retire without a loop): the loop is
// detached, each non-terminal input is abandoned with reason and its waiters resolve
// RuntimeTerminated. For a stop it first applies RuntimeExecutorExited (to Stopped).
func (a *authority) terminalise(ctx workflow.Context, reason machine.InputAbandonReason, detail string) {
	if reason == machine.AbandonStopped {
		a.runtimeStep(ctx, machine.RuntimeExecutorExited{})
	}
	a.shell.LoopAttached = false
	r := &run{}
	class := a.completionClass(r, machine.TerminalRuntimeTerminated)
	for _, v := range a.state.ActiveInputs() {
		if a.runtimeStep(ctx, machine.AbandonInput{InputID: v.InputID, Reason: reason, AttemptCount: a.attempts(v.InputID)}) {
			r.batch = append(r.batch, v.InputID)
		}
	}
	a.resolve(r, class, detail)
	a.changed(ctx)
}

func (a *authority) attempts(id string) uint64 { return a.state.InputStates[id].AttemptCount.Get() }

// runtimeStep applies an input the runtime loop observed. A refusal means the session
// moved on under the loop (a Destroy, Reset or exit ended the run); it is logged and
// reported so the loop stops driving the run.
func (a *authority) runtimeStep(ctx workflow.Context, in machine.Input) bool {
	if _, err := a.state.Apply(in); err != nil {
		workflow.GetLogger(ctx).Warn("runtime loop input refused", "input", in.Name(), "error", err)
		return false
	}
	return true
}

// remember appends a message to the conversation, dropping the oldest beyond
// ConversationLimit.
func (a *authority) remember(m llmhost.Message) {
	if len(a.shell.Conversation) >= ConversationLimit {
		a.shell.Conversation = a.shell.Conversation[1:]
		a.shell.ConversationDropped++
	}
	a.shell.Conversation = append(a.shell.Conversation, m)
}

// summarize gives the next activity of ctx the one-line summary the Web UI shows.
func summarize(ctx workflow.Context, format string, args ...any) workflow.Context {
	opts := workflow.GetActivityOptions(ctx)
	opts.Summary = fmt.Sprintf(format, args...)
	return workflow.WithActivityOptions(ctx, opts)
}
