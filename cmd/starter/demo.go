package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// The demo's models, as "Provider/model". The defaults are the built-in LLM host
// plugin's catalogue (plugins/llmhost/reference): the offline echo model, a text model
// without image tool results and a realtime model with them. A test keeps them in step.
const (
	defaultChatModel     = "Other/echo"
	defaultTextModel     = "OpenAI/gpt-4o-mini-text"
	defaultRealtimeModel = "OpenAI/gpt-realtime"
)

var demoCommand = &command{
	name: "demo", args: "[--session ID]", nargs: [2]int{0, 0}, stepTimeouts: true,
	summary: "Run a scripted end-to-end scenario against a running worker and print the session's Web UI link.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		var d demo
		fs.StringVar(&d.session, "session", "", "session `id` (default: demo-<date>-<time>)")
		fs.StringVar(&d.chat, "chat-model", defaultChatModel, "`Provider/model` that answers the prompts (offline)")
		fs.StringVar(&d.text, "text-model", defaultTextModel, "`Provider/model` without image tool results (hides tools)")
		fs.StringVar(&d.realtime, "realtime-model", defaultRealtimeModel, "realtime `Provider/model` with image tool results")
		return func(ctx context.Context, a *app, _ []string) error {
			if d.session == "" {
				d.session = "demo-" + time.Now().Format("20060102-150405")
			}
			for _, m := range []string{d.chat, d.text, d.realtime} {
				if _, err := parseIdentity(m); err != nil {
					return err
				}
			}
			if err := a.connect(ctx); err != nil {
				return err
			}
			d.a = a
			return d.run(ctx)
		}
	},
}

// parseIdentity reads "Provider/model".
func parseIdentity(s string) (machine.SessionLlmIdentity, error) {
	provider, model, ok := strings.Cut(s, "/")
	if !ok || model == "" {
		return machine.SessionLlmIdentity{}, usagef("model %q: write it as Provider/model, e.g. %s", s, defaultChatModel)
	}
	p, err := parseProvider(provider)
	if err != nil {
		return machine.SessionLlmIdentity{}, err
	}
	return machine.SessionLlmIdentity{Provider: p, Model: model}, nil
}

// demo is one run of the scripted scenario.
type demo struct {
	a                    *app
	session              string
	chat, text, realtime string
	steps                []demoStep
	// width is the longest step name, to align the human output.
	width int
	// state carried between steps
	channel, token string
}

// demoStep is one checked step of the scenario.
type demoStep struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

type demoDoc struct {
	Session    string     `json:"session"`
	WorkflowID string     `json:"workflow_id"`
	UIURL      string     `json:"ui_url"`
	OK         bool       `json:"ok"`
	Steps      []demoStep `json:"steps"`
}

// checkError is a step whose call succeeded but whose result was not what the scenario
// expects.
type checkError struct{ msg string }

func (e *checkError) Error() string { return e.msg }

func checkf(format string, args ...any) error { return &checkError{msg: fmt.Sprintf(format, args...)} }

// reportedError is an error whose command already printed its document: the exit code
// is err's, and no error document is printed.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

func (d *demo) run(ctx context.Context) error {
	a := d.a
	ui := uiLink(a.g.uiURL, a.g.namespace, d.session)
	if !a.g.json {
		fmt.Fprintf(a.stdout, "Meerkat demo: session %s (each step may take up to %s)\n\n", d.session, a.g.timeout)
	}
	err := d.script(ctx)
	doc := demoDoc{Session: d.session, WorkflowID: workflows.WorkflowID(d.session), UIURL: ui, OK: err == nil, Steps: d.steps}
	if a.g.json {
		if werr := writeJSON(a.stdout, doc); werr != nil {
			return werr
		}
	} else {
		fmt.Fprintln(a.stdout)
		if err == nil {
			fmt.Fprintf(a.stdout, "All %d steps checked.\n", len(d.steps))
		}
		fmt.Fprintf(a.stdout, "Web UI: %s\n", ui)
	}
	if err != nil {
		return &reportedError{err: err}
	}
	return nil
}

// step runs one step under its own --timeout and records its result; fn returns the
// detail line or an error.
func (d *demo) step(ctx context.Context, name string, fn func(ctx context.Context) (string, error)) error {
	ctx, cancel := context.WithTimeout(ctx, d.a.g.timeout)
	defer cancel()
	detail, err := fn(ctx)
	s := demoStep{Name: name, OK: err == nil, Detail: detail}
	if err != nil {
		s.Detail = classify(err, d.a.g).Message
	}
	d.steps = append(d.steps, s)
	if !d.a.g.json {
		mark := "✓"
		if !s.OK {
			mark = "✗"
		}
		fmt.Fprintf(d.a.stdout, " %s %-*s  %s\n", mark, d.width, name, s.Detail)
	}
	if err != nil {
		return fmt.Errorf("demo step %q: %w", name, err)
	}
	return nil
}

// script is the scenario, stopping at the first step that fails.
func (d *demo) script(ctx context.Context) error {
	sc, session := d.a.sc, d.session
	chat, _ := parseIdentity(d.chat)
	text, _ := parseIdentity(d.text)
	realtime, _ := parseIdentity(d.realtime)
	steps := []struct {
		name string
		fn   func(ctx context.Context) (string, error)
	}{
		{"start the session", func(ctx context.Context) (string, error) {
			if _, err := sc.Start(ctx, session); err != nil {
				return "", err
			}
			rt, err := sc.RuntimeState(ctx, session)
			if err != nil {
				return "", err
			}
			if rt.Classification.InputAdmission != machine.InputAcceptsInput {
				return "", checkf("session %s is %s and does not accept input: run the demo with a fresh --session", session, phaseString(rt))
			}
			return "runtime " + phaseString(rt), nil
		}},
		{"use " + d.chat, func(ctx context.Context) (string, error) {
			return d.reconfigure(ctx, chat, nil)
		}},
		{"send a prompt and wait", func(ctx context.Context) (string, error) {
			return d.sendAndWait(ctx, "Hello, Meerkat!")
		}},
		{"send another and wait", func(ctx context.Context) (string, error) {
			return d.sendAndWait(ctx, "What did I just say?")
		}},
		{"swap to " + d.text, func(ctx context.Context) (string, error) {
			return d.reconfigure(ctx, text, func(r machine.SessionLlmReconfigureReport) error {
				return visibilityChanged(r)
			})
		}},
		{"swap to " + d.realtime, func(ctx context.Context) (string, error) {
			return d.reconfigure(ctx, realtime, func(r machine.SessionLlmReconfigureReport) error {
				if !r.CapabilityDelta.Current.Get().Realtime {
					return checkf("%s is not realtime-capable (capabilities: %s)", d.realtime, surfaceString(r.CapabilityDelta.Current))
				}
				return visibilityChanged(r)
			})
		}},
		{"open a live channel", d.openLive},
		{"present the token", d.presentToken},
		{"present it again", d.presentAgain},
		{"reconfigure the topology", func(ctx context.Context) (string, error) {
			return d.topology(ctx, realtime)
		}},
		{"stop", d.stop},
	}
	for _, s := range steps {
		d.width = max(d.width, len([]rune(s.name)))
	}
	for _, s := range steps {
		if err := d.step(ctx, s.name, s.fn); err != nil {
			return err
		}
	}
	return nil
}

func (d *demo) reconfigure(ctx context.Context, to machine.SessionLlmIdentity, check func(machine.SessionLlmReconfigureReport) error) (string, error) {
	r, err := d.a.sc.ReconfigureSessionLlm(ctx, d.session, machine.SessionLlmReconfigureRequest{
		Model: machine.Some(to.Model), Provider: machine.Some(to.Provider),
	})
	if err != nil {
		return "", err
	}
	if r.NewIdentity.Model != to.Model || r.NewIdentity.Provider != to.Provider || r.RollbackOccurred {
		return "", checkf("the report says the session now uses %s/%s (rollback %v), not %s/%s",
			r.NewIdentity.Provider, r.NewIdentity.Model, r.RollbackOccurred, to.Provider, to.Model)
	}
	if check != nil {
		if err := check(r); err != nil {
			return "", err
		}
	}
	v := r.ToolVisibilityDelta
	return fmt.Sprintf("tools %s → %s, capabilities: %s", v.PreviousCapabilityBaseFilter, v.CurrentCapabilityBaseFilter, surfaceString(r.CapabilityDelta.Current)), nil
}

// visibilityChanged checks that a reconfigure report shows the tool-visibility change.
func visibilityChanged(r machine.SessionLlmReconfigureReport) error {
	v := r.ToolVisibilityDelta
	if v.PreviousCapabilityBaseFilter.Equal(v.CurrentCapabilityBaseFilter) || !v.CommittedVisibleSetChanged {
		return checkf("expected a tool-visibility change, the report shows %s → %s (visible set changed: %v)",
			v.PreviousCapabilityBaseFilter, v.CurrentCapabilityBaseFilter, v.CommittedVisibleSetChanged)
	}
	return nil
}

func (d *demo) sendAndWait(ctx context.Context, text string) (string, error) {
	sc := d.a.sc
	res, err := sc.SendText(ctx, d.session, text, sessionclient.SendOptions{})
	if err != nil {
		return "", err
	}
	if res.Outcome.Outcome != machine.AcceptAccepted {
		return "", refusedf("input %s was %s: %s", res.Outcome.InputID, res.Outcome.Outcome, rejectReasonString(reasonOf(res)))
	}
	id, ok := res.WaitOn.Lookup()
	if !ok {
		return "", checkf("the accepted input %s has nothing to wait on", res.Outcome.InputID)
	}
	c, err := sc.WaitForCompletion(ctx, d.session, id)
	if err != nil {
		return "", waitError(d.session, id, err)
	}
	_, answer := answerOf(c)
	if !c.Outcome.Is(machine.PublicOutcomeCompleted) || answer == "" {
		return "", checkf("input %s ended %s (%s) with answer %q, want Completed with an answer", id, optString(c.Outcome), c.State, answer)
	}
	return fmt.Sprintf("%q → %q", text, answer), nil
}

func reasonOf(res machine.AcceptResult) *machine.RejectReason {
	if r, ok := res.Outcome.Reason.Lookup(); ok {
		return &r
	}
	return nil
}

func (d *demo) openLive(ctx context.Context) (string, error) {
	opened, err := d.a.sc.OpenLive(ctx, d.session, defaultTokenTTL, machine.SessionLlmIdentity{})
	if err != nil {
		return "", err
	}
	adm := opened.Result.Admission
	if !adm.Admitted {
		return "", refusedf("live open not admitted: %s", optString(adm.Rejection))
	}
	if opened.Token == "" {
		return "", checkf("live open admitted channel %s but issued no token", opened.ChannelID)
	}
	routing, err := d.a.sc.LiveRouting(ctx, d.session)
	if err != nil {
		return "", err
	}
	if !routing.ActiveChannel.Is(opened.ChannelID) {
		return "", checkf("the session routes live requests to %q, not to the opened channel %s", routing.ActiveChannel.Get(), opened.ChannelID)
	}
	d.channel, d.token = opened.ChannelID, opened.Token
	return fmt.Sprintf("channel %s, %s, bound to %s", opened.ChannelID, opened.Result.Status, identityString(adm.BoundLlmIdentity)), nil
}

// admission presents the demo's token and returns the session's decision.
func (d *demo) admission(ctx context.Context) (machine.LiveWebsocketTokenAdmissionResolved, error) {
	fx, err := d.a.sc.AdmitWebsocketToken(ctx, d.token, d.channel)
	if err != nil {
		return machine.LiveWebsocketTokenAdmissionResolved{}, err
	}
	for _, e := range fx {
		if r, ok := e.(machine.LiveWebsocketTokenAdmissionResolved); ok {
			return r, nil
		}
	}
	return machine.LiveWebsocketTokenAdmissionResolved{}, checkf("the admission answered no decision (effects: %s)", effectNames(fx))
}

func (d *demo) presentToken(ctx context.Context) (string, error) {
	r, err := d.admission(ctx)
	if err != nil {
		return "", err
	}
	if !r.Admitted || r.SessionID != d.session {
		return "", refusedf("token not admitted by session %q: %s", r.SessionID, optString(r.Rejection))
	}
	return "admitted by session " + r.SessionID, nil
}

func (d *demo) presentAgain(ctx context.Context) (string, error) {
	r, err := d.admission(ctx)
	if err != nil {
		return "", err
	}
	if r.Admitted {
		return "", checkf("a single-use token was admitted twice")
	}
	return "refused, as a used token must be: " + optString(r.Rejection), nil
}

func (d *demo) topology(ctx context.Context, to machine.SessionLlmIdentity) (string, error) {
	sc := d.a.sc
	rt, err := sc.RealtimeStatus(ctx, d.session)
	if err != nil {
		return "", err
	}
	epoch, bound := rt.BindingAuthorityEpoch.Lookup()
	detail := ""
	if !bound {
		// The live channel carries the realtime session; the binding is what a
		// realtime provider holds its authority epoch under.
		if _, err := sc.Apply(ctx, d.session, machine.BeginRealtimeBinding{}); err != nil {
			return "", err
		}
		if rt, err = sc.RealtimeStatus(ctx, d.session); err != nil {
			return "", err
		}
		if epoch, bound = rt.BindingAuthorityEpoch.Lookup(); !bound {
			return "", checkf("BeginRealtimeBinding was accepted but the session has no authority epoch")
		}
		detail = fmt.Sprintf("bound realtime (epoch %d); ", epoch)
	}
	res, err := sc.ReconfigureLiveTopology(ctx, d.session, workflows.LiveTopologyRequest{
		AuthorityEpoch: epoch,
		Reconfigure:    machine.SessionLlmReconfigureRequest{Model: machine.Some(to.Model), Provider: machine.Some(to.Provider)},
	})
	if err != nil {
		return "", err
	}
	if res.Authority.AuthorityEpoch <= epoch {
		return "", checkf("the new authority epoch %d is not above the old %d", res.Authority.AuthorityEpoch, epoch)
	}
	after, err := sc.RealtimeStatus(ctx, d.session)
	if err != nil {
		return "", err
	}
	if !after.BindingAuthorityEpoch.Is(res.Authority.AuthorityEpoch) {
		return "", checkf("the session's binding epoch is %s, the reconfigure returned %d", optString(after.BindingAuthorityEpoch), res.Authority.AuthorityEpoch)
	}
	return detail + fmt.Sprintf("authority epoch %d → %d, topology %s", epoch, res.Authority.AuthorityEpoch, after.LiveTopologyPhase), nil
}

func (d *demo) stop(ctx context.Context) (string, error) {
	sc := d.a.sc
	if _, err := sc.Stop(ctx, d.session, "demo finished"); err != nil {
		return "", err
	}
	// A stop is deferred while a turn runs; it lands when the turn returns.
	for {
		rt, err := sc.RuntimeState(ctx, d.session)
		if err != nil {
			return "", err
		}
		if rt.VisiblePhase == machine.ObservedStopped {
			return "runtime " + phaseString(rt), nil
		}
		select {
		case <-ctx.Done():
			return "", errors.Join(ctx.Err(), checkf("the session is still %s", phaseString(rt)))
		case <-time.After(100 * time.Millisecond):
		}
	}
}
