package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

func TestUILink(t *testing.T) {
	cases := []struct{ base, ns, session, want string }{
		{"http://127.0.0.1:8233", "default", "s1", "http://127.0.0.1:8233/namespaces/default/workflows/meerkat-session%2Fs1"},
		{"http://ui/", "prod ns", "a b/c?d", "http://ui/namespaces/prod%20ns/workflows/meerkat-session%2Fa%20b%2Fc%3Fd"},
	}
	for _, c := range cases {
		if got := uiLink(c.base, c.ns, c.session); got != c.want {
			t.Errorf("uiLink(%q, %q, %q) = %q, want %q", c.base, c.ns, c.session, got, c.want)
		}
	}
}

func TestParseProvider(t *testing.T) {
	for in, want := range map[string]machine.Provider{"openai": machine.ProviderOpenAI, "OpenAI": machine.ProviderOpenAI, "other": machine.ProviderOther, "SELFHOSTED": machine.ProviderSelfHosted} {
		if got, err := parseProvider(in); err != nil || got != want {
			t.Errorf("parseProvider(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseProvider("acme"); err == nil || !strings.Contains(err.Error(), "Anthropic, OpenAI, Gemini, SelfHosted, Other") {
		t.Errorf("parseProvider(acme) = %v, want the list of providers", err)
	}
}

func TestLlmFlags(t *testing.T) {
	cases := []struct {
		f       llmFlags
		want    string // request JSON
		wantErr string
	}{
		{llmFlags{model: "echo"}, `{"model":"echo"}`, ""},
		{llmFlags{model: "echo", provider: "other"}, `{"model":"echo","provider":"Other"}`, ""},
		{llmFlags{model: "m", params: `{"t":1}`}, `{"model":"m","provider_params":{"action":"set","value":{"t":1}}}`, ""},
		{llmFlags{model: "m", clearParams: true}, `{"model":"m","provider_params":{"action":"clear"}}`, ""},
		{llmFlags{}, "", "--model is required"},
		{llmFlags{model: "m", params: "nope"}, "", "must be a JSON object"},
	}
	for _, c := range cases {
		req, err := c.f.request()
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%+v: err %v, want %q", c.f, err, c.wantErr)
			}
			continue
		}
		b, _ := json.Marshal(req)
		if err != nil || string(b) != c.want {
			t.Errorf("%+v: %s, %v; want %s", c.f, b, err, c.want)
		}
	}
}

// TestSendDocument: the --json document of send carries input_id, outcome and wait_on
// (null when there is nothing to wait on), as the CI scripts read them.
func TestSendDocument(t *testing.T) {
	cases := []struct {
		name string
		res  machine.AcceptResult
		want map[string]any
	}{
		{"accepted", machine.AcceptResult{Outcome: machine.AcceptOutcome{Outcome: machine.AcceptAccepted, InputID: "i1",
			State: machine.Some(machine.InputPublicLifecycleState(2))}, WaitOn: machine.Some("i1")},
			map[string]any{"input_id": "i1", "outcome": "accepted", "wait_on": "i1", "state": "Queued"}},
		{"deduplicated", machine.AcceptResult{Outcome: machine.AcceptOutcome{Outcome: machine.AcceptDeduplicated, InputID: "i2",
			ExistingID: machine.Some("i1")}, WaitOn: machine.Some("i1")},
			map[string]any{"input_id": "i2", "outcome": "deduplicated", "wait_on": "i1", "existing_id": "i1"}},
		{"rejected", machine.AcceptResult{Outcome: machine.AcceptOutcome{Outcome: machine.AcceptRejected, InputID: "i3",
			Reason: machine.Some(machine.RejectReason{RejectType: "not_ready", State: machine.Some(machine.ObservedStopped)})}},
			map[string]any{"input_id": "i3", "outcome": "rejected", "wait_on": nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeJSON(&buf, sendDocOf("s1", c.res)); err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			for k, v := range c.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v in %s", k, g, ok, v, buf.String())
				}
			}
			if _, ok := got["effects"].([]any); !ok {
				t.Errorf("effects is not an array: %s", buf.String())
			}
		})
	}
	r := machine.RejectReason{RejectType: "not_ready", State: machine.Some(machine.ObservedStopped), Detail: "stopped"}
	if got := rejectReasonString(&r); got != "not_ready (state Stopped): stopped" {
		t.Errorf("rejectReasonString = %q", got)
	}
}

func TestPrintSessions(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	printSessions(&buf, []sessionclient.SessionExecution{
		{SessionID: "alpha", Status: "Running", RuntimeState: "Attached", Provider: "Other", Model: "echo", QueuedInputs: 2, StartTime: now.Add(-3 * time.Minute)},
		{SessionID: "b", Status: "Completed", StartTime: now.Add(-50 * time.Hour)},
	}, now)
	want := "" +
		"SESSION  STATUS     STATE     MODEL       QUEUED  LIVE  STARTED\n" +
		"alpha    Running    Attached  Other/echo  2       -     3m ago\n" +
		"b        Completed  -         -           0       -     2d ago\n" +
		"2 sessions\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	printSessions(&buf, nil, now)
	if !strings.HasPrefix(buf.String(), "No sessions match.") {
		t.Errorf("empty list: %q", buf.String())
	}
}

func TestPhaseString(t *testing.T) {
	cases := map[machine.RuntimeLifecycleObservedState]string{
		machine.ObservedAttached:  "Attached (AcceptsInput)",
		machine.ObservedStopped:   "Stopped (RejectsInput)",
		machine.ObservedDestroyed: "Destroyed (RejectsInput, Terminal)",
	}
	for state, want := range cases {
		rt := workflows.RuntimeState{VisiblePhase: state, Classification: machine.ClassifyLifecycle(state)}
		if got := phaseString(rt); got != want {
			t.Errorf("phaseString(%s) = %q, want %q", state, got, want)
		}
	}
}

func TestReconfigureOutput(t *testing.T) {
	var buf bytes.Buffer
	printReconfigure(&buf, "s1", machine.SessionLlmReconfigureReport{
		PreviousIdentity: machine.SessionLlmIdentity{Model: "echo", Provider: machine.ProviderOther},
		NewIdentity:      machine.SessionLlmIdentity{Model: "text", Provider: machine.ProviderOpenAI},
		CapabilityDelta: machine.SessionLlmCapabilityDelta{Changed: true,
			Previous: machine.Some(machine.SessionLlmCapabilitySurface{ImageToolResults: true}), Current: machine.Some(machine.SessionLlmCapabilitySurface{})},
		ToolVisibilityDelta: machine.SessionToolVisibilityDelta{PreviousCapabilityBaseFilter: machine.AllTools(),
			CurrentCapabilityBaseFilter: machine.DenyTools("view_image"), CommittedVisibleSetChanged: true, RevisionBumped: true},
	})
	for _, want := range []string{"Other/echo → OpenAI/text", "image_tool_results → none", "All → Deny{view_image} (visible tools changed, revision bumped)"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestDemoModelsAreTheBuiltinCatalogue keeps the demo's defaults in step with the
// built-in LLM host's catalogue.
func TestDemoModelsAreTheBuiltinCatalogue(t *testing.T) {
	cat := reference.BuiltinCatalogue()
	for _, c := range []struct {
		flag          string
		realtime, img bool
	}{{defaultChatModel, false, true}, {defaultTextModel, false, false}, {defaultRealtimeModel, true, true}} {
		id, err := parseIdentity(c.flag)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := cat[id.Model]
		if !ok || m.Provider != id.Provider || m.Surface.Realtime != c.realtime || m.Surface.ImageToolResults != c.img {
			t.Errorf("%s: catalogue entry %+v (found %v), want realtime %v, image tool results %v", c.flag, m, ok, c.realtime, c.img)
		}
	}
	if m := cat[reference.ModelEcho]; m.Backend != reference.BackendEcho {
		t.Errorf("the chat model must answer offline, its backend is %q", m.Backend)
	}
}
