package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// visibility keeps a session's search attributes and current details in step with its
// machine state, writing each only when it changed.
type visibility struct {
	sessionID string
	published map[string]string // search attribute name -> value last upserted ("" = unset)
	queued    int64             // MeerkatQueuedInputs last upserted
	details   string
}

// newVisibility starts from the search attributes the run already carries (Temporal
// copies them across continue-as-new), so nothing is upserted again unchanged.
func newVisibility(ctx workflow.Context, sessionID string) *visibility {
	v := &visibility{sessionID: sessionID, published: make(map[string]string)}
	current := workflow.GetTypedSearchAttributes(ctx)
	for _, key := range keywordKeys {
		if value, ok := current.GetKeyword(key); ok {
			v.published[key.GetName()] = value
		}
	}
	v.queued, _ = current.GetInt64(SAQueuedInputs)
	return v
}

// queuedInputs counts the inputs waiting in a lane.
func queuedInputs(s *machine.State) int64 {
	return int64(len(s.Queue(machine.LaneQueue)) + len(s.Queue(machine.LaneSteer)))
}

var keywordKeys = []temporal.SearchAttributeKeyKeyword{SASessionID, SARuntimeState, SATopologyPhase, SAProvider, SAModel, SALiveChannel}

type keywordValue struct {
	key   temporal.SearchAttributeKeyKeyword
	value string
}

// keywords lists the keyword search attributes of a, in a fixed order.
func (v *visibility) keywords(a *authority) []keywordValue {
	s := &a.state
	llm := llmIdentityOf(s)
	var provider, model string
	if id, ok := llm.Identity.Lookup(); ok {
		provider, model = id.Provider.String(), id.Model
	}
	return []keywordValue{
		{SASessionID, v.sessionID},
		{SARuntimeState, s.VisiblePhase().String()},
		{SATopologyPhase, s.LiveTopologyPhase.String()},
		{SAProvider, provider},
		{SAModel, model},
		{SALiveChannel, liveRoutingOf(s).ActiveChannel.Get()},
	}
}

// publish upserts the search attributes that changed and refreshes the current details.
func (v *visibility) publish(ctx workflow.Context, a *authority) {
	var updates []temporal.SearchAttributeUpdate
	for _, kv := range v.keywords(a) {
		name := kv.key.GetName()
		if old, seen := v.published[name]; seen && old == kv.value {
			continue
		}
		v.published[name] = kv.value
		if kv.value == "" {
			updates = append(updates, kv.key.ValueUnset())
		} else {
			updates = append(updates, kv.key.ValueSet(kv.value))
		}
	}
	if q := queuedInputs(&a.state); q != v.queued {
		v.queued = q
		updates = append(updates, SAQueuedInputs.ValueSet(q))
	}
	if len(updates) > 0 {
		if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
			workflow.GetLogger(ctx).Error("search attribute upsert failed", "error", err)
		}
	}
	if d := v.summary(a); d != v.details {
		v.details = d
		workflow.SetCurrentDetails(ctx, d)
	}
}

// summary is the short human-readable state shown as the workflow's current details.
func (v *visibility) summary(a *authority) string {
	s := &a.state
	var b strings.Builder
	fmt.Fprintf(&b, "session %s · %s", v.sessionID, s.VisiblePhase())
	if run, ok := s.CurrentRunID.Lookup(); ok {
		fmt.Fprintf(&b, " (run %s)", run)
	}
	if id, ok := s.CurrentSessionLlmIdentity.Lookup(); ok {
		fmt.Fprintf(&b, " · %s/%s", id.Provider, id.Model)
	}
	fmt.Fprintf(&b, " · topology %s", s.LiveTopologyPhase)
	if ch, ok := liveRoutingOf(s).ActiveChannel.Lookup(); ok {
		fmt.Fprintf(&b, " · live %s", ch)
	}
	fmt.Fprintf(&b, " · %d queued · %d messages, %d refused signals", queuedInputs(s), a.shell.Messages, a.shell.SignalsRefused)
	return b.String()
}
