package workflows

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Search attribute keys. They must be registered in the namespace before a session
// workflow runs (see SearchAttributes); the workflow upserts each only when it changes.
var (
	// SASessionID is the session id (Keyword).
	SASessionID = temporal.NewSearchAttributeKeyKeyword("MeerkatSessionId")
	// SARuntimeState is the visible runtime phase, e.g. "Idle", "Running" (Keyword).
	SARuntimeState = temporal.NewSearchAttributeKeyKeyword("MeerkatRuntimeState")
	// SATopologyPhase is the live topology phase, e.g. "Idle", "Detached" (Keyword).
	SATopologyPhase = temporal.NewSearchAttributeKeyKeyword("MeerkatTopologyPhase")
	// SAProvider is the current LLM provider, unset when none (Keyword).
	SAProvider = temporal.NewSearchAttributeKeyKeyword("MeerkatLlmProvider")
	// SAModel is the current LLM model, unset when none (Keyword).
	SAModel = temporal.NewSearchAttributeKeyKeyword("MeerkatLlmModel")
	// SALiveChannel is the session's active live channel id, unset when none (Keyword).
	SALiveChannel = temporal.NewSearchAttributeKeyKeyword("MeerkatLiveChannel")
	// SAQueuedInputs is the number of inputs waiting in the queue and steer lanes (Int).
	SAQueuedInputs = temporal.NewSearchAttributeKeyInt64("MeerkatQueuedInputs")
)

// SearchAttribute names one custom search attribute and its type, for registration with
// the operator service (AddSearchAttributes) or the dev server's namespace config.
type SearchAttribute struct {
	Name string
	Type enumspb.IndexedValueType
}

// SearchAttributes lists every custom search attribute the workflows upsert.
func SearchAttributes() []SearchAttribute {
	return []SearchAttribute{
		{SASessionID.GetName(), enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		{SARuntimeState.GetName(), enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		{SATopologyPhase.GetName(), enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		{SAProvider.GetName(), enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		{SAModel.GetName(), enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		{SALiveChannel.GetName(), enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		{SAQueuedInputs.GetName(), enumspb.INDEXED_VALUE_TYPE_INT},
	}
}

// SearchAttributeTypes returns SearchAttributes as the map the operator service's
// AddSearchAttributesRequest takes.
func SearchAttributeTypes() map[string]enumspb.IndexedValueType {
	out := make(map[string]enumspb.IndexedValueType)
	for _, sa := range SearchAttributes() {
		out[sa.Name] = sa.Type
	}
	return out
}
