// Package workflows is the Temporal shell of the Meerkat session runtime: one durable
// SessionWorkflow per session, holding that session's machine.State, and one singleton
// UnboundAuthorityWorkflow answering live requests no session owns. It is the only caller
// of the machine's Apply. It owns durability: continue-as-new, search attributes, current
// details, versioning. It imports machine, and activities only to name activities and
// their input and result types; it never calls a plugin itself, and workflow code uses no
// clock, randomness, goroutine or map order (workflow.Now, DeterministicKeys).
//
// # Messages
//
// Every input of machine.Catalogue whose Origin is machine.OriginCaller is accepted as a
// Temporal signal and as an update, both named exactly as the input, with the input's
// JSON (snake_case DSL field names, enum values as the DSL spells them) as the single
// payload. So the stock CLI drives a session:
//
//	temporal workflow signal --workflow-id meerkat-session/s1 --name Retire --input '{}'
//	temporal workflow update execute --workflow-id meerkat-session/s1 --name Retire --input '{}'
//
// Payloads are received raw (converter.RawValue) and decoded strictly by the catalogue,
// so a malformed payload (bad JSON, unknown field or enum value, wrong type, over
// machine.MaxInputBytes, not JSON) can never fail the workflow task. A refused signal is
// logged and recorded in a bounded list (ShellState.Refusals, query shell_status); a
// refused update returns an error and, because its validator evaluates the input with the
// machine's Preview, writes nothing to history. An update returns the effects the machine
// emitted (machine.Effects, a JSON array of {"kind", "fields"} envelopes).
//
// Inputs of origin machine.OriginRuntime report facts the runtime observes itself (run and
// turn facts, staging and consumption, executor exit). They are registered too, but only
// to refuse them: a signal is recorded as refused with kind RuntimeOnly, an update is
// rejected with that kind. Inputs marked PreviewOnly are previewed by the update, never
// committed; as signals they are refused (kind PreviewOnly).
//
// Signals of one name are applied in arrival order. Signals of different names that
// arrive in the same workflow task are applied in catalogue order (Temporal buffers each
// name in its own channel). A caller that needs an order across kinds sends the
// MachineInput envelope signal ({"kind": "<name>", "fields": {...}}, one channel for all
// kinds; the sessionclient does) or uses updates, which complete before the call returns.
//
// # Shell operations
//
// Multi-step operations are updates named as the spec names them (snake_case):
// accept_input_with_completion (the §7.1 pipeline, machine.State.Accept),
// reconfigure_session_llm_identity (the §10.5 saga: host calls are activities of the
// activities package, which the worker registers; staged inputs are restored in reverse
// order on failure and host changes compensated on a disconnected context),
// reconfigure_live_topology (§9.4: the detach waits, for at most DetachWindow, until the
// machine accepts MarkLiveTopologyDetached, re-checked on every state change instead of
// polling with timers; channels the detach asks to close are closed and recorded) and
// live_open (§8.8: machine admission, the live host opens the channel or the admission is
// abandoned, then the token digest is recorded). live_close, live_refresh, live_command,
// live_webrtc_answer (live_ops.go) and the §9.4 realtime operations (realtime_ops.go)
// follow the same frame. An operation
// holds the session's gate while it runs: other operations and input updates wait, and
// signals stay buffered, so nothing interleaves with its staged inputs.
//
// Lifecycle operations: attach_runtime makes the workflow's runtime loop the session's
// executor (PrepareBindings to this workflow when unbound, then
// EnsureSessionWithExecutor); stop_runtime_executor, cancel_after_boundary and destroy
// apply the machine input they are named after and realize it (realize.go). The same
// inputs sent as plain signals or updates are realized the same way.
//
// # The runtime loop
//
// An attached session runs its queued inputs itself (runtime_loop.go): one batch at a
// time (machine.State.NextRunBatch: steer inputs together, else the oldest queued input
// alone), Prepare (DrainQueuedRun from Retired), StageForRun, then the conversation turn
// as workflow code: one CallLlm activity per LLM step and one ExecuteToolCall activity
// per tool call, each with a one-line summary the Web UI shows, every fact fed to the
// machine (StartConversationRun, PrimitiveApplied, LlmReturned*, ToolCallsResolved,
// Boundary*, RecoverableFailure/RetryRequested for a rate-limited model, FatalFailure).
// The run then ends by the turn's phase: Completed commits and consumes its inputs,
// Cancelled abandons them Cancelled, a failure (a typed LLM failure, or an activity that
// still fails after Temporal's retries) rolls each input back to its lane with one more
// attempt, and abandons it MaxAttemptsExhausted after three. Each resolved input records
// the completion class the machine picks (ResolveRuntimeCompletionResult, previewed)
// with the model's answer or the error; waiters read it (Completion.Result).
//
// A cancel after boundary marks the running turn (RequestCancelAfterBoundary); the turn
// ends at its next boundary, and no further LLM step is scheduled. A stop while a run is
// in flight is deferred: the run finishes, then the executor exits (Stopped) and every
// pending input is abandoned Stopped and resolved RuntimeTerminated. Reset and
// retire-without-loop do the same with their reasons; destroy ends every pending input,
// cancels the run in flight and completes the workflow once its handlers finished.
// The conversation (query conversation) and the per-input results are bounded and
// carried across continue-as-new; a run in flight delays the drain until it returns.
//
// Completion waiting is durable and holds no update open: a waiter reads the machine's
// own input state through the input_completions query, which survives continue-as-new
// and worker restarts; sessionclient multiplexes every waiter of a session into one
// query per poll, so thousands can wait on one session, and a deduplicated accept waits
// on the original input (AcceptResult.WaitOn).
//
// # Errors
//
// An update's failure is a Temporal application error whose type is the kind (the
// machine's Rejected, NotReady, Destroyed, ValidationFailed, Internal, or the shell's
// RuntimeOnly and PreviewOnly) and whose details are an *Error; ErrorFrom recovers it and
// errors.Is(err, machine.ErrRejected) matches it. While a run drains for continue-as-new,
// updates are refused with kind NotReady and Retryable set.
//
// # Names
//
// WorkflowID derives a session's workflow ID from its session id; TaskQueue, the workflow
// type names, the query names (Query*) and the search attributes (SearchAttributes) are
// exported here and listed in the README's message reference (generated by MessageTable). Always address a
// session by workflow ID with an empty run ID, so calls follow continue-as-new.
//
// # Continue-as-new
//
// A run continues as new when Temporal suggests it or after Options.MaxMessagesPerRun
// signals and accepted updates (Temporal does not count signals into its suggestion).
// Draining refuses new updates as retryable NotReady, waits until every handler finished,
// then applies every buffered signal without blocking in between, and hands a Snapshot
// (the machine.State JSON, the counters, the refused-signal list and the update dedup
// keys with their results) to the next run. An update retried with the same ID after the
// boundary gets the remembered result instead of being applied twice.
//
// # Visibility
//
// Search attributes (typed, registered per namespace before any session runs) carry the
// session id, visible runtime phase, live topology phase, LLM provider and model, the
// active live channel and the number of queued inputs; each is upserted only when it
// changes. The current details show a one-line summary. Tokens never appear in history, search attributes, queries or logs:
// only their SHA-256 digests reach the workflow.
//
// # Versioning
//
// Workflow code is replayed against the histories under testdata/histories on every test
// run (worker.NewWorkflowReplayer). A change that alters the commands a run emits for the
// same history (a new activity, timer, search attribute upsert, a moved continue-as-new)
// must be gated with workflow.GetVersion(ctx, "<change-id>", workflow.DefaultVersion, 1):
// the old branch stays for histories recorded before, the new branch runs for new ones.
// Once no open run can still take the old branch, the minimum version is raised and the
// old branch removed. Changes that do not alter commands (a new query, a new field in a
// query result, a new input in the catalogue) need no version gate. After a change, record
// the main flows under a new label (MEERKAT_RECORD_HISTORIES=<label> go test -run
// TestRecordHistories ./workflows) and keep the old files: the replay test runs them all.
package workflows
