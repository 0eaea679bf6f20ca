// Package conformance checks that an LLM host plugin honours the llmhost contract,
// in the spirit of testing/slogtest. A plugin author runs it against their own plugin:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(t *testing.T) llmhost.Host { return myHostOverGRPC(t) })
//	}
//
// newHost should return a fresh host (ideally reached through the real gRPC path, e.g.
// plugin.TestPluginGRPCConn with llmhost.PluginSet). Every case says what it checks
// and why, and runs as its own subtest. It imports only plugins/llmhost, pluginerr and
// machine/ data types.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

type testCase struct {
	name    string
	explain string
	run     func(ctx context.Context, h llmhost.Host, session string) error
}

// Run runs every case against a host made by newHost.
func Run(t *testing.T, newHost func(t *testing.T) llmhost.Host) {
	t.Helper()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			h := newHost(t)
			session := fmt.Sprintf("conformance-%s-%d-%d", c.name, i, time.Now().UnixNano())
			if err := c.run(ctx, h, session); err != nil {
				t.Errorf("%v\n  what this checks: %s", err, c.explain)
			}
		})
	}
}

func key(session, step string) string { return "conformance/" + session + "/" + step }

var cases = []testCase{
	{
		name:    "describe",
		explain: "Describe must name the plugin, give its version and list API version 1; the host refuses plugins that do not.",
		run: func(ctx context.Context, h llmhost.Host, _ string) error {
			d, err := h.Describe(ctx)
			if err != nil {
				return fmt.Errorf("Describe: %w", err)
			}
			if d.Name == "" || d.Version == "" || !slices.Contains(d.APIVersions, llmhost.APIVersion) {
				return fmt.Errorf("Describe = %+v, want a name, a version and API version %d", d, llmhost.APIVersion)
			}
			return nil
		},
	},
	{
		name:    "empty_session_id_rejected",
		explain: "Requests without a session id are malformed and must fail with reason invalid_request, not act on some default session.",
		run: func(ctx context.Context, h llmhost.Host, _ string) error {
			_, err := h.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{})
			if pluginerr.ReasonOf(err) != pluginerr.InvalidRequest {
				return fmt.Errorf("HydrateSessionLlmState(\"\") error = %v, want reason %s", err, pluginerr.InvalidRequest)
			}
			return nil
		},
	},
	{
		name:    "hydrate_consistent",
		explain: "The machine's HydrateSessionLlmState guard (spec §10.4) needs: Resolved ⇒ surface present and capability base filter = CapabilityBaseFilterFor(image_tool_results); Unresolved ⇒ no surface and filter All.",
		run: func(ctx context.Context, h llmhost.Host, session string) error {
			st, err := h.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: session})
			if err != nil {
				return fmt.Errorf("HydrateSessionLlmState: %w", err)
			}
			return checkHydrated(st)
		},
	},
	{
		name:    "resolve_without_changes_keeps_identity",
		explain: "An empty reconfigure request means 'keep everything'; the target identity must equal the current one and come with its capability surface.",
		run: func(ctx context.Context, h llmhost.Host, session string) error {
			st, err := h.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: session})
			if err != nil {
				return fmt.Errorf("HydrateSessionLlmState: %w", err)
			}
			res, err := h.ResolveTargetIdentity(ctx, &llmhost.ResolveTargetIdentityRequest{SessionID: session, CurrentIdentity: st.CurrentIdentity})
			if err != nil {
				return fmt.Errorf("ResolveTargetIdentity: %w", err)
			}
			if res.TargetIdentity != st.CurrentIdentity {
				return fmt.Errorf("target identity = %+v, want the current %+v", res.TargetIdentity, st.CurrentIdentity)
			}
			if s, ok := st.CurrentCapabilitySurface.Lookup(); ok && s != res.TargetCapabilitySurface {
				return fmt.Errorf("target surface = %+v, want the hydrated %+v", res.TargetCapabilitySurface, s)
			}
			return nil
		},
	},
	{
		name:    "apply_persist_hydrate_roundtrip",
		explain: "What is applied and persisted must come back from hydrate, and repeating a mutating call with the same idempotency key must succeed (Temporal retries activities).",
		run: func(ctx context.Context, h llmhost.Host, session string) error {
			st, err := h.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: session})
			if err != nil {
				return fmt.Errorf("HydrateSessionLlmState: %w", err)
			}
			id := st.CurrentIdentity
			id.ProviderParamsRepr = machine.Some(`{"conformance":true}`)
			vis := st.CurrentVisibilityState
			vis.ActiveFilter = machine.DenyTools("conformance_hidden_tool")
			vis.ActiveRevision++
			for range 2 {
				if err := h.ApplyIdentity(ctx, &llmhost.ApplyIdentityRequest{IdempotencyKey: key(session, "identity"), SessionID: session, Identity: id}); err != nil {
					return fmt.Errorf("ApplyIdentity: %w", err)
				}
				if err := h.ApplyToolVisibilityState(ctx, &llmhost.ApplyToolVisibilityStateRequest{IdempotencyKey: key(session, "visibility"), SessionID: session, State: &vis}); err != nil {
					return fmt.Errorf("ApplyToolVisibilityState: %w", err)
				}
				if err := h.PersistLiveSession(ctx, &llmhost.SessionRequest{IdempotencyKey: key(session, "persist"), SessionID: session}); err != nil {
					return fmt.Errorf("PersistLiveSession: %w", err)
				}
			}
			got, err := h.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: session})
			if err != nil {
				return fmt.Errorf("HydrateSessionLlmState after persist: %w", err)
			}
			if got.CurrentIdentity != id {
				return fmt.Errorf("hydrated identity = %+v, want the applied %+v", got.CurrentIdentity, id)
			}
			if !got.CurrentVisibilityState.Equal(vis) {
				return fmt.Errorf("hydrated visibility state = %+v, want the applied %+v", got.CurrentVisibilityState, vis)
			}
			return nil
		},
	},
	{
		name:    "discard_idempotent",
		explain: "discard_live_session is idempotent since 0.7.x: discarding twice, or a session never seen, must succeed.",
		run: func(ctx context.Context, h llmhost.Host, session string) error {
			for i := range 2 {
				if err := h.DiscardLiveSession(ctx, &llmhost.SessionRequest{IdempotencyKey: key(session, fmt.Sprint("discard", i)), SessionID: session}); err != nil {
					return fmt.Errorf("DiscardLiveSession #%d: %w", i+1, err)
				}
			}
			return nil
		},
	},
	{
		name:    "call_llm_offers_only_visible_tools",
		explain: "CallLlm must return exactly one outcome and offer only tools that the session's visibility state lets through; a hidden tool must also be refused by ExecuteToolCall.",
		run: func(ctx context.Context, h llmhost.Host, session string) error {
			st, err := h.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: session})
			if err != nil {
				return fmt.Errorf("HydrateSessionLlmState: %w", err)
			}
			base := st.BaseToolNames.Sorted()
			if len(base) == 0 {
				return nil
			}
			hidden := base[0]
			vis := st.CurrentVisibilityState
			vis.ActiveFilter = machine.DenyTools(hidden)
			if err := h.ApplyToolVisibilityState(ctx, &llmhost.ApplyToolVisibilityStateRequest{IdempotencyKey: key(session, "hide"), SessionID: session, State: &vis}); err != nil {
				return fmt.Errorf("ApplyToolVisibilityState: %w", err)
			}
			res, err := h.CallLlm(ctx, &llmhost.CallLlmRequest{IdempotencyKey: key(session, "call"), SessionID: session, Identity: st.CurrentIdentity,
				Messages: []llmhost.Message{{Role: llmhost.RoleUser, Content: []llmhost.ContentPart{{Text: "hello"}}}}})
			if err != nil {
				return fmt.Errorf("CallLlm: %w", err)
			}
			if err := checkOutcome(res); err != nil {
				return err
			}
			for _, name := range res.OfferedTools {
				if name == hidden || !st.BaseToolNames.Has(name) {
					return fmt.Errorf("CallLlm offered %v; %q is hidden and only base tools %v may be offered", res.OfferedTools, hidden, base)
				}
			}
			_, err = h.ExecuteToolCall(ctx, &llmhost.ExecuteToolCallRequest{IdempotencyKey: key(session, "exec"), SessionID: session,
				Call: llmhost.ToolCall{ID: "c1", Name: hidden, ArgumentsJSON: "{}"}})
			if r := pluginerr.ReasonOf(err); r != llmhost.ToolNotVisible {
				return fmt.Errorf("ExecuteToolCall(hidden %q) error = %v, want reason %s", hidden, err, llmhost.ToolNotVisible)
			}
			return nil
		},
	},
	{
		name:    "unknown_tool_rejected",
		explain: "A tool the host does not offer must fail with tool_not_found so the model can be told, not crash the plugin.",
		run: func(ctx context.Context, h llmhost.Host, session string) error {
			_, err := h.ExecuteToolCall(ctx, &llmhost.ExecuteToolCallRequest{IdempotencyKey: key(session, "exec"), SessionID: session,
				Call: llmhost.ToolCall{ID: "c1", Name: "conformance_no_such_tool", ArgumentsJSON: "{}"}})
			if r := pluginerr.ReasonOf(err); r != llmhost.ToolNotFound {
				return fmt.Errorf("ExecuteToolCall(unknown) error = %v, want reason %s", err, llmhost.ToolNotFound)
			}
			return nil
		},
	},
}

func checkHydrated(st *llmhost.HydratedSessionLlmState) error {
	filter := st.CurrentVisibilityState.CapabilityBaseFilter
	switch st.CapabilitySurfaceStatus {
	case machine.SurfaceResolved:
		s, ok := st.CurrentCapabilitySurface.Lookup()
		if !ok {
			return errors.New("status Resolved without a capability surface")
		}
		if want := machine.CapabilityBaseFilterFor(s.ImageToolResults); !filter.Equal(want) {
			return fmt.Errorf("capability base filter %v, want %v for image_tool_results=%v", filter, want, s.ImageToolResults)
		}
	case machine.SurfaceUnresolved:
		if st.CurrentCapabilitySurface.Present() || !filter.Equal(machine.AllTools()) {
			return fmt.Errorf("status Unresolved needs no surface and filter All, got surface %v filter %v", st.CurrentCapabilitySurface, filter)
		}
	default:
		return fmt.Errorf("capability surface status %q is neither Resolved nor Unresolved", st.CapabilitySurfaceStatus)
	}
	return nil
}

func checkOutcome(res *llmhost.CallLlmResponse) error {
	switch res.Outcome {
	case llmhost.OutcomeAnswer:
		return nil
	case llmhost.OutcomeToolCalls:
		if len(res.ToolCalls) == 0 {
			return errors.New("CallLlm answered with tool calls but listed none")
		}
		return nil
	case llmhost.OutcomeFailure:
		if res.Failure == nil || !res.Failure.Source.Valid() {
			return errors.New("CallLlm failed without a failure source")
		}
		return nil
	default:
		return fmt.Errorf("CallLlm outcome %d is not one of answer, tool calls, failure", res.Outcome)
	}
}
