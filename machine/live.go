package machine

import "fmt"

// This file holds the live channel authority of spec §8 (v0.7.1): open admission and its
// abandonment, the Record* results of host-accepted work with their per-channel evidence
// sequences, rejection classification with public error classes, and the O(1) routing
// projections. Tokens are in live_tokens.go, identifiers in ids.go, the process-wide
// unbound rejection authority in unbound.go.
//
// Every live input is per_phase [Idle, Attached, Running, Retired, Stopped]: it never
// moves the lifecycle phase and is rejected in Initializing and Destroyed. Every outcome
// a transition produces (admitted or rejected) increments its family's counter and reports
// it as `sequence`; a guard rejection produces no outcome and increments nothing. Evidence
// sequences minted by the host must be > 0 and strictly increase per channel.
//
// Joining rules with the live topology plane (our addition, see doc.go; both planes live
// in one machine here, although upstream never shipped them together):
//
//   - while live_topology_phase is not Idle, ResolveLiveOpenAdmission answers with the
//     rejection TopologyReconfiguring: an outcome like AlreadyBound (admitted=false, no
//     bound identity, the open-admission counter advances). This arm is checked first,
//     before the admitted arm and before AlreadyBound;
//   - an admitted channel binds the machine's current_session_llm_identity when present,
//     and the input's llm_identity only when the machine has none. So a channel opened
//     after a topology reconfigure binds the new identity, whatever the caller captured.
//
// Closing the active channel when the topology detaches is the topology plane's effect
// (realtime.go), not this file's.
//
// State layout: the three open-admission bindings keep their DSL maps (other code reads
// them). The DSL's many per-channel `live_*_by_channel` maps are one record per channel
// (LiveChannelEvidence), and the DSL's three per-family token maps are one record per
// token digest (LiveToken, live_tokens.go), so every input costs a single lookup per
// channel or token. The counters keep their DSL names.

// liveState holds the live channel authority (spec §3.5).
type liveState struct {
	LiveOpenAdmissionSequence           uint64                        `json:"live_open_admission_sequence"`
	LiveActiveChannelBySession          map[string]string             `json:"live_active_channel_by_session"`
	LiveChannelSessionByChannel         map[string]string             `json:"live_channel_session_by_channel"`
	LiveChannelIdentityByChannel        map[string]SessionLlmIdentity `json:"live_channel_identity_by_channel"`
	LiveRefreshResultSequence           uint64                        `json:"live_refresh_result_sequence"`
	LiveCloseResultSequence             uint64                        `json:"live_close_result_sequence"`
	LiveCommandResultSequence           uint64                        `json:"live_command_result_sequence"`
	LiveCommandRejectionSequence        uint64                        `json:"live_command_rejection_sequence"`
	LiveChannelRequestRejectionSequence uint64                        `json:"live_channel_request_rejection_sequence"`
	LiveWebrtcTokenIssueSequence        uint64                        `json:"live_webrtc_token_issue_sequence"`
	LiveWebrtcAnswerAdmissionSequence   uint64                        `json:"live_webrtc_answer_admission_sequence"`
	LiveWebrtcAnswerResultSequence      uint64                        `json:"live_webrtc_answer_result_sequence"`
	LiveWebsocketTokenIssueSequence     uint64                        `json:"live_websocket_token_issue_sequence"`
	LiveWebsocketTokenAdmissionSequence uint64                        `json:"live_websocket_token_admission_sequence"`
	LiveChannelStatusResultSequence     uint64                        `json:"live_channel_status_result_sequence"`
	// LiveChannelEvidence: channel id → what was last recorded for it (never removed).
	LiveChannelEvidence map[string]LiveChannelEvidence `json:"live_channel_evidence"`
	// LiveWebrtcTokens: token digest → issued WebRTC answer token (never removed).
	LiveWebrtcTokens map[LiveTokenDigest]LiveToken `json:"live_webrtc_tokens"`
	// LiveWebsocketTokens: token digest → issued WebSocket token (never removed).
	LiveWebsocketTokens map[LiveTokenDigest]LiveToken `json:"live_websocket_tokens"`
}

// LiveChannelEvidence is what the machine last recorded for one channel (spec §3.5). Each
// field replaces one DSL map keyed by channel, named in its JSON form:
//
//	refresh_queue_acceptance_sequence        live_refresh_queue_acceptance_sequence_by_channel
//	refresh_status                           live_refresh_status_by_channel
//	close_observation_sequence               live_close_observation_sequence_by_channel
//	close_status                             live_close_status_by_channel (the close history)
//	command_acceptance_sequence              live_command_acceptance_sequence_by_channel
//	command_kind                             live_command_kind_by_channel
//	command_rejection_reason                 live_command_rejection_reason_by_channel
//	command_rejection_public_error_class     live_command_rejection_public_error_class_by_channel
//	channel_request_rejection_reason         live_channel_request_rejection_reason_by_channel
//	channel_request_rejection_public_error_class
//	                                         live_channel_request_rejection_public_error_class_by_channel
//	webrtc_answer_observation_sequence       live_webrtc_answer_observation_sequence_by_channel
//	webrtc_answer_status                     live_webrtc_answer_status_by_channel
//	status_observation_sequence              live_channel_status_observation_sequence_by_channel
//	status                                   live_channel_status_by_channel
//
// An absent field is an absent map entry. Like the DSL maps, nothing is ever removed.
type LiveChannelEvidence struct {
	RefreshQueueAcceptanceSequence          Opt[uint64]                                      `json:"refresh_queue_acceptance_sequence,omitzero"`
	RefreshStatus                           Opt[LiveRefreshPublicStatus]                     `json:"refresh_status,omitzero"`
	CloseObservationSequence                Opt[uint64]                                      `json:"close_observation_sequence,omitzero"`
	CloseStatus                             Opt[LiveClosePublicStatus]                       `json:"close_status,omitzero"`
	CommandAcceptanceSequence               Opt[uint64]                                      `json:"command_acceptance_sequence,omitzero"`
	CommandKind                             Opt[LiveCommandPublicKind]                       `json:"command_kind,omitzero"`
	CommandRejectionReason                  Opt[LiveCommandRejectionReason]                  `json:"command_rejection_reason,omitzero"`
	CommandRejectionPublicErrorClass        Opt[LiveCommandRejectionPublicErrorClass]        `json:"command_rejection_public_error_class,omitzero"`
	ChannelRequestRejectionReason           Opt[LiveChannelRequestRejectionReason]           `json:"channel_request_rejection_reason,omitzero"`
	ChannelRequestRejectionPublicErrorClass Opt[LiveChannelRequestRejectionPublicErrorClass] `json:"channel_request_rejection_public_error_class,omitzero"`
	WebrtcAnswerObservationSequence         Opt[uint64]                                      `json:"webrtc_answer_observation_sequence,omitzero"`
	WebrtcAnswerStatus                      Opt[LiveWebrtcAnswerPublicStatus]                `json:"webrtc_answer_status,omitzero"`
	StatusObservationSequence               Opt[uint64]                                      `json:"status_observation_sequence,omitzero"`
	Status                                  Opt[LiveChannelPublicStatus]                     `json:"status,omitzero"`
}

// evidence returns the channel's record (zero when none) for an update.
func (s *State) evidence(ch string) LiveChannelEvidence { return s.LiveChannelEvidence[ch] }

func (s *State) setEvidence(ch string, e LiveChannelEvidence) { put(s, &s.LiveChannelEvidence, ch, e) }

// advances reports whether seq is a fresh evidence sequence after last: > 0 and strictly
// greater than any recorded one.
func advances(last Opt[uint64], seq uint64) bool {
	return seq > 0 && (!last.Present() || seq > last.Get())
}

// bound reports whether session and channel are bound to each other both ways.
func (s *State) bound(session, channel string) bool {
	ch, ok := s.LiveActiveChannelBySession[session]
	if !ok || ch != channel {
		return false
	}
	owner, ok := s.LiveChannelSessionByChannel[channel]
	return ok && owner == session
}

// activeLiveChannel returns the live channel bound to the machine's own session, if any.
func (s *State) activeLiveChannel() (string, bool) {
	id, ok := s.SessionID.Lookup()
	if !ok {
		return "", false
	}
	ch, ok := s.LiveActiveChannelBySession[id]
	return ch, ok
}

// checkLiveInvariants: the open-admission bindings are mutual, a channel has an identity
// exactly while it is bound, and an issued token has a channel and an expiry.
func (s *State) checkLiveInvariants() error {
	for session, ch := range s.LiveActiveChannelBySession {
		if owner, ok := s.LiveChannelSessionByChannel[ch]; !ok || owner != session {
			return broken("live bindings are mutual: session " + session + " has channel " + ch + " but the channel is not bound back")
		}
	}
	for ch, session := range s.LiveChannelSessionByChannel {
		if active, ok := s.LiveActiveChannelBySession[session]; !ok || active != ch {
			return broken("live bindings are mutual: channel " + ch + " is bound to " + session + " but the session is not bound back")
		}
		if _, ok := s.LiveChannelIdentityByChannel[ch]; !ok {
			return broken("a bound live channel has its identity: " + ch)
		}
	}
	if len(s.LiveChannelIdentityByChannel) != len(s.LiveChannelSessionByChannel) {
		return broken("only bound live channels have an identity")
	}
	for _, tokens := range []map[LiveTokenDigest]LiveToken{s.LiveWebrtcTokens, s.LiveWebsocketTokens} {
		for _, tok := range tokens {
			if tok.ChannelID == "" || tok.ExpiresAtMs == 0 {
				return broken("an issued live token has a channel and an expiry")
			}
		}
	}
	return nil
}

func idPresent[I any](name string, id func(I) string) guard[I] {
	return guard[I]{name + ` != ""`, func(_ *State, in I) bool { return id(in) != "" }}
}

// ResolveLiveOpenAdmission decides whether a live channel may open for a session
// (spec §8.1 plus the topology joining rule).
type ResolveLiveOpenAdmission struct {
	SessionID   string             `json:"session_id"`
	ChannelID   string             `json:"channel_id"`
	LlmIdentity SessionLlmIdentity `json:"llm_identity"`
}

// Name returns "ResolveLiveOpenAdmission".
func (ResolveLiveOpenAdmission) Name() string { return "ResolveLiveOpenAdmission" }

func (in ResolveLiveOpenAdmission) step(s *State) (Effects, error) { return step(s, in, liveOpenRules) }

type liveOpen = ResolveLiveOpenAdmission

// openArm is one arm of ResolveLiveOpenAdmission: both ids present, then the arm's own
// guards. Every arm advances live_open_admission_sequence; only the admitted arm binds.
func openArm(name string, rejection LiveOpenAdmissionRejection, guards ...guard[liveOpen]) rule[liveOpen] {
	return rule[liveOpen]{
		name: name, from: livePhases,
		guards: append([]guard[liveOpen]{
			idPresent("session_id", func(in liveOpen) string { return in.SessionID }),
			idPresent("channel_id", func(in liveOpen) string { return in.ChannelID }),
		}, guards...),
		update: func(s *State, in liveOpen) {
			s.LiveOpenAdmissionSequence++
			if rejection != 0 {
				return
			}
			put(s, &s.LiveActiveChannelBySession, in.SessionID, in.ChannelID)
			put(s, &s.LiveChannelSessionByChannel, in.ChannelID, in.SessionID)
			put(s, &s.LiveChannelIdentityByChannel, in.ChannelID, s.identityToBind(in))
		},
		emit: func(s *State, in liveOpen) Effects {
			out := LiveOpenAdmissionResolved{SessionID: in.SessionID, ChannelID: in.ChannelID, Sequence: s.LiveOpenAdmissionSequence}
			if rejection == 0 {
				out.Admitted = true
				out.BoundLlmIdentity = Some(s.identityToBind(in)) // what the update bound, without a map lookup
			} else {
				out.Rejection = Some(rejection)
			}
			return Effects{out}
		},
	}
}

// identityToBind is our joining rule: the machine's current identity wins over the
// caller's llm_identity, so channels opened after a topology reconfigure bind the new one.
func (s *State) identityToBind(in liveOpen) SessionLlmIdentity {
	if id, ok := s.CurrentSessionLlmIdentity.Lookup(); ok {
		return id
	}
	return in.LlmIdentity
}

var (
	openTopologyBusy = guard[liveOpen]{"live_topology_phase != Idle: a live topology reconfigure is in progress", func(s *State, _ liveOpen) bool {
		return s.LiveTopologyPhase != TopologyIdle
	}}
	openSessionActive = guard[liveOpen]{"session_active: the session already has an active channel", func(s *State, in liveOpen) bool {
		_, active := s.LiveActiveChannelBySession[in.SessionID]
		return active
	}}
	openSessionFree = guard[liveOpen]{"session_not_active: the session has no active channel", func(s *State, in liveOpen) bool {
		_, active := s.LiveActiveChannelBySession[in.SessionID]
		return !active
	}}
	openChannelBound = guard[liveOpen]{"channel_bound: the channel is bound to a session", func(s *State, in liveOpen) bool {
		_, bound := s.LiveChannelSessionByChannel[in.ChannelID]
		return bound
	}}
	openChannelFree = guard[liveOpen]{"channel_not_bound: the channel is not bound to any session", func(s *State, in liveOpen) bool {
		_, bound := s.LiveChannelSessionByChannel[in.ChannelID]
		return !bound
	}}
)

// liveOpenRules are the arms of spec §8.1 in DSL order, preceded by our topology arm.
var liveOpenRules = []rule[liveOpen]{
	openArm("ResolveLiveOpenAdmissionTopologyReconfiguring", OpenTopologyReconfiguring, openTopologyBusy),
	openArm("ResolveLiveOpenAdmissionAccepted", 0, openSessionFree, openChannelFree),
	openArm("ResolveLiveOpenAdmissionSessionAlreadyBound", OpenAlreadyBound, openSessionActive),
	openArm("ResolveLiveOpenAdmissionChannelAlreadyBound", OpenChannelAlreadyBound, openSessionFree, openChannelBound),
}

// LiveOpenAdmissionResolved is the open decision; when admitted it is the one-shot
// authority the live host consumes to open the channel (local).
type LiveOpenAdmissionResolved struct {
	effect
	SessionID        string                          `json:"session_id"`
	ChannelID        string                          `json:"channel_id"`
	BoundLlmIdentity Opt[SessionLlmIdentity]         `json:"bound_llm_identity,omitzero"`
	Admitted         bool                            `json:"admitted"`
	Rejection        Opt[LiveOpenAdmissionRejection] `json:"rejection,omitzero"`
	Sequence         uint64                          `json:"sequence"`
}

// Name returns "LiveOpenAdmissionResolved".
func (LiveOpenAdmissionResolved) Name() string { return "LiveOpenAdmissionResolved" }

// AbandonLiveOpenAdmission undoes an admitted open whose channel never materialised
// (spec §8.2).
type AbandonLiveOpenAdmission struct {
	SessionID string `json:"session_id"`
	ChannelID string `json:"channel_id"`
}

// Name returns "AbandonLiveOpenAdmission".
func (AbandonLiveOpenAdmission) Name() string { return "AbandonLiveOpenAdmission" }

func (in AbandonLiveOpenAdmission) step(s *State) (Effects, error) {
	return step(s, in, abandonLiveOpenRules)
}

var abandonLiveOpenRules = []rule[AbandonLiveOpenAdmission]{
	{
		name: "AbandonLiveOpenAdmission", from: livePhases,
		guards: []guard[AbandonLiveOpenAdmission]{
			idPresent("session_id", func(in AbandonLiveOpenAdmission) string { return in.SessionID }),
			idPresent("channel_id", func(in AbandonLiveOpenAdmission) string { return in.ChannelID }),
			{"binding_matches: session and channel are bound to each other", func(s *State, in AbandonLiveOpenAdmission) bool { return s.bound(in.SessionID, in.ChannelID) }},
		},
		update: func(s *State, in AbandonLiveOpenAdmission) {
			s.LiveOpenAdmissionSequence++
			s.unbindLiveChannel(in.SessionID, in.ChannelID)
		},
		emit: func(s *State, in AbandonLiveOpenAdmission) Effects {
			return Effects{LiveOpenAdmissionAbandoned{SessionID: in.SessionID, ChannelID: in.ChannelID, Sequence: s.LiveOpenAdmissionSequence}}
		},
	},
}

func (s *State) unbindLiveChannel(session, channel string) {
	del(s, s.LiveActiveChannelBySession, session)
	del(s, s.LiveChannelSessionByChannel, channel)
	del(s, s.LiveChannelIdentityByChannel, channel)
}

// LiveOpenAdmissionAbandoned reports the abandoned admission (local).
type LiveOpenAdmissionAbandoned struct {
	effect
	SessionID string `json:"session_id"`
	ChannelID string `json:"channel_id"`
	Sequence  uint64 `json:"sequence"`
}

// Name returns "LiveOpenAdmissionAbandoned".
func (LiveOpenAdmissionAbandoned) Name() string { return "LiveOpenAdmissionAbandoned" }

// RecordLiveRefreshQueued records a refresh the host queued (spec §8.3).
type RecordLiveRefreshQueued struct {
	ChannelID               string `json:"channel_id"`
	QueueAcceptanceSequence uint64 `json:"queue_acceptance_sequence"`
}

// Name returns "RecordLiveRefreshQueued".
func (RecordLiveRefreshQueued) Name() string { return "RecordLiveRefreshQueued" }

func (in RecordLiveRefreshQueued) step(s *State) (Effects, error) { return step(s, in, refreshRules) }

var refreshRules = []rule[RecordLiveRefreshQueued]{
	{
		name: "RecordLiveRefreshQueued", from: livePhases,
		guards: []guard[RecordLiveRefreshQueued]{
			idPresent("channel_id", func(in RecordLiveRefreshQueued) string { return in.ChannelID }),
			{"queue_acceptance_sequence > 0 and above the last one for the channel", func(s *State, in RecordLiveRefreshQueued) bool {
				return advances(s.evidence(in.ChannelID).RefreshQueueAcceptanceSequence, in.QueueAcceptanceSequence)
			}},
		},
		update: func(s *State, in RecordLiveRefreshQueued) {
			s.LiveRefreshResultSequence++
			e := s.evidence(in.ChannelID)
			e.RefreshQueueAcceptanceSequence, e.RefreshStatus = Some(in.QueueAcceptanceSequence), Some(RefreshQueued)
			s.setEvidence(in.ChannelID, e)
		},
		emit: func(s *State, in RecordLiveRefreshQueued) Effects {
			return Effects{LiveRefreshResultResolved{ChannelID: in.ChannelID, Status: RefreshQueued, Sequence: s.LiveRefreshResultSequence, QueueAcceptanceSequence: in.QueueAcceptanceSequence}}
		},
	},
}

// LiveRefreshResultResolved is the public refresh result (local).
type LiveRefreshResultResolved struct {
	effect
	ChannelID               string                  `json:"channel_id"`
	Status                  LiveRefreshPublicStatus `json:"status"`
	Sequence                uint64                  `json:"sequence"`
	QueueAcceptanceSequence uint64                  `json:"queue_acceptance_sequence"`
}

// Name returns "LiveRefreshResultResolved".
func (LiveRefreshResultResolved) Name() string { return "LiveRefreshResultResolved" }

// RecordLiveCloseClosed records that a channel closed and unbinds it (spec §8.3). It is
// permissive for an already unbound channel, so the close history keeps status routable.
type RecordLiveCloseClosed struct {
	SessionID                string `json:"session_id"`
	ChannelID                string `json:"channel_id"`
	CloseObservationSequence uint64 `json:"close_observation_sequence"`
}

// Name returns "RecordLiveCloseClosed".
func (RecordLiveCloseClosed) Name() string { return "RecordLiveCloseClosed" }

func (in RecordLiveCloseClosed) step(s *State) (Effects, error) { return step(s, in, closeRules) }

var closeRules = []rule[RecordLiveCloseClosed]{
	{
		name: "RecordLiveCloseClosed", from: livePhases,
		guards: []guard[RecordLiveCloseClosed]{
			idPresent("session_id", func(in RecordLiveCloseClosed) string { return in.SessionID }),
			idPresent("channel_id", func(in RecordLiveCloseClosed) string { return in.ChannelID }),
			{"close_observation_sequence > 0", func(_ *State, in RecordLiveCloseClosed) bool { return in.CloseObservationSequence > 0 }},
			{"session_binding_matches_if_present: the session's active channel, if any, is this channel", func(s *State, in RecordLiveCloseClosed) bool {
				ch, ok := s.LiveActiveChannelBySession[in.SessionID]
				return !ok || ch == in.ChannelID
			}},
			{"channel_binding_matches_if_present: the channel, if bound, is bound to this session", func(s *State, in RecordLiveCloseClosed) bool {
				owner, ok := s.LiveChannelSessionByChannel[in.ChannelID]
				return !ok || owner == in.SessionID
			}},
			{"close_observation_sequence_advances", func(s *State, in RecordLiveCloseClosed) bool {
				return advances(s.evidence(in.ChannelID).CloseObservationSequence, in.CloseObservationSequence)
			}},
		},
		update: func(s *State, in RecordLiveCloseClosed) {
			s.LiveCloseResultSequence++
			e := s.evidence(in.ChannelID)
			e.CloseObservationSequence, e.CloseStatus = Some(in.CloseObservationSequence), Some(CloseClosed)
			s.setEvidence(in.ChannelID, e)
			s.unbindLiveChannel(in.SessionID, in.ChannelID)
		},
		emit: func(s *State, in RecordLiveCloseClosed) Effects {
			return Effects{LiveCloseResultResolved{ChannelID: in.ChannelID, Status: CloseClosed, Sequence: s.LiveCloseResultSequence, CloseObservationSequence: in.CloseObservationSequence}}
		},
	},
}

// LiveCloseResultResolved is the public close result (local).
type LiveCloseResultResolved struct {
	effect
	ChannelID                string                `json:"channel_id"`
	Status                   LiveClosePublicStatus `json:"status"`
	Sequence                 uint64                `json:"sequence"`
	CloseObservationSequence uint64                `json:"close_observation_sequence"`
}

// Name returns "LiveCloseResultResolved".
func (LiveCloseResultResolved) Name() string { return "LiveCloseResultResolved" }

// RecordLiveCommandAccepted records a live command the host accepted; one acceptance
// sequence per channel is shared by all four command kinds (spec §8.3).
type RecordLiveCommandAccepted struct {
	ChannelID                 string                `json:"channel_id"`
	Command                   LiveCommandPublicKind `json:"command"`
	CommandAcceptanceSequence uint64                `json:"command_acceptance_sequence"`
}

// Name returns "RecordLiveCommandAccepted".
func (RecordLiveCommandAccepted) Name() string { return "RecordLiveCommandAccepted" }

func (in RecordLiveCommandAccepted) step(s *State) (Effects, error) {
	return step(s, in, commandAcceptedRules)
}

var commandAcceptedRules = []rule[RecordLiveCommandAccepted]{
	{
		name: "RecordLiveCommandAccepted", from: livePhases,
		guards: []guard[RecordLiveCommandAccepted]{
			idPresent("channel_id", func(in RecordLiveCommandAccepted) string { return in.ChannelID }),
			{"command is a LiveCommandPublicKind variant", func(_ *State, in RecordLiveCommandAccepted) bool { return in.Command.Valid() }},
			{"command_acceptance_sequence > 0 and above the last one for the channel", func(s *State, in RecordLiveCommandAccepted) bool {
				return advances(s.evidence(in.ChannelID).CommandAcceptanceSequence, in.CommandAcceptanceSequence)
			}},
		},
		update: func(s *State, in RecordLiveCommandAccepted) {
			s.LiveCommandResultSequence++
			e := s.evidence(in.ChannelID)
			e.CommandAcceptanceSequence, e.CommandKind = Some(in.CommandAcceptanceSequence), Some(in.Command)
			s.setEvidence(in.ChannelID, e)
		},
		emit: func(s *State, in RecordLiveCommandAccepted) Effects {
			return Effects{LiveCommandResultResolved{ChannelID: in.ChannelID, Command: in.Command, Sequence: s.LiveCommandResultSequence, CommandAcceptanceSequence: in.CommandAcceptanceSequence}}
		},
	},
}

// LiveCommandResultResolved is the public result of an accepted command (local).
type LiveCommandResultResolved struct {
	effect
	ChannelID                 string                `json:"channel_id"`
	Command                   LiveCommandPublicKind `json:"command"`
	Sequence                  uint64                `json:"sequence"`
	CommandAcceptanceSequence uint64                `json:"command_acceptance_sequence"`
}

// Name returns "LiveCommandResultResolved".
func (LiveCommandResultResolved) Name() string { return "LiveCommandResultResolved" }

// CommandRejectionClass is the public error class of a command rejection (spec §8.4):
// ChannelNotFound and NoAdapter are the caller's (InvalidParams), the rest internal.
func CommandRejectionClass(r LiveCommandRejectionReason) LiveCommandRejectionPublicErrorClass {
	if r == CommandRejectionChannelNotFound || r == CommandRejectionNoAdapter {
		return CommandClassInvalidParams
	}
	return CommandClassInternalError
}

// ChannelRequestRejectionClass is the public error class of a channel-request rejection
// (spec §8.4): only InternalHostError is internal.
func ChannelRequestRejectionClass(r LiveChannelRequestRejectionReason) LiveChannelRequestRejectionPublicErrorClass {
	if r == RequestRejectionInternalHostError {
		return RequestClassInternalError
	}
	return RequestClassInvalidParams
}

// RecordLiveCommandRejected classifies a rejected live command (spec §8.4). No session
// binding is needed, so the unbound authority can answer it too.
type RecordLiveCommandRejected struct {
	ChannelID string                     `json:"channel_id"`
	Command   LiveCommandPublicKind      `json:"command"`
	Rejection LiveCommandRejectionReason `json:"rejection"`
}

// Name returns "RecordLiveCommandRejected".
func (RecordLiveCommandRejected) Name() string { return "RecordLiveCommandRejected" }

func (in RecordLiveCommandRejected) step(s *State) (Effects, error) {
	return step(s, in, commandRejectedRules)
}

var commandRejectedRules = []rule[RecordLiveCommandRejected]{
	{
		name: "RecordLiveCommandRejected", from: livePhases,
		guards: []guard[RecordLiveCommandRejected]{
			idPresent("channel_id", func(in RecordLiveCommandRejected) string { return in.ChannelID }),
			{"command is a LiveCommandPublicKind variant", func(_ *State, in RecordLiveCommandRejected) bool { return in.Command.Valid() }},
			{"rejection is a LiveCommandRejectionReason variant", func(_ *State, in RecordLiveCommandRejected) bool { return in.Rejection.Valid() }},
		},
		update: func(s *State, in RecordLiveCommandRejected) {
			s.LiveCommandRejectionSequence++
			e := s.evidence(in.ChannelID)
			e.CommandRejectionReason, e.CommandRejectionPublicErrorClass = Some(in.Rejection), Some(CommandRejectionClass(in.Rejection))
			s.setEvidence(in.ChannelID, e)
		},
		emit: func(s *State, in RecordLiveCommandRejected) Effects {
			return Effects{LiveCommandRejectionResolved{ChannelID: in.ChannelID, Command: in.Command, Rejection: in.Rejection, PublicErrorClass: CommandRejectionClass(in.Rejection), Sequence: s.LiveCommandRejectionSequence}}
		},
	},
}

// LiveCommandRejectionResolved is the public form of a rejected command (local).
type LiveCommandRejectionResolved struct {
	effect
	ChannelID        string                               `json:"channel_id"`
	Command          LiveCommandPublicKind                `json:"command"`
	Rejection        LiveCommandRejectionReason           `json:"rejection"`
	PublicErrorClass LiveCommandRejectionPublicErrorClass `json:"public_error_class"`
	Sequence         uint64                               `json:"sequence"`
}

// Name returns "LiveCommandRejectionResolved".
func (LiveCommandRejectionResolved) Name() string { return "LiveCommandRejectionResolved" }

// RecordLiveChannelRequestRejected classifies a rejected status, close, refresh or WebRTC
// answer request (spec §8.4).
type RecordLiveChannelRequestRejected struct {
	ChannelID string                            `json:"channel_id"`
	Request   LiveChannelRequestPublicKind      `json:"request"`
	Rejection LiveChannelRequestRejectionReason `json:"rejection"`
}

// Name returns "RecordLiveChannelRequestRejected".
func (RecordLiveChannelRequestRejected) Name() string { return "RecordLiveChannelRequestRejected" }

func (in RecordLiveChannelRequestRejected) step(s *State) (Effects, error) {
	return step(s, in, requestRejectedRules)
}

var requestRejectedRules = []rule[RecordLiveChannelRequestRejected]{
	{
		name: "RecordLiveChannelRequestRejected", from: livePhases,
		guards: []guard[RecordLiveChannelRequestRejected]{
			idPresent("channel_id", func(in RecordLiveChannelRequestRejected) string { return in.ChannelID }),
			{"request is a LiveChannelRequestPublicKind variant", func(_ *State, in RecordLiveChannelRequestRejected) bool { return in.Request.Valid() }},
			{"rejection is a LiveChannelRequestRejectionReason variant", func(_ *State, in RecordLiveChannelRequestRejected) bool { return in.Rejection.Valid() }},
		},
		update: func(s *State, in RecordLiveChannelRequestRejected) {
			s.LiveChannelRequestRejectionSequence++
			e := s.evidence(in.ChannelID)
			e.ChannelRequestRejectionReason, e.ChannelRequestRejectionPublicErrorClass = Some(in.Rejection), Some(ChannelRequestRejectionClass(in.Rejection))
			s.setEvidence(in.ChannelID, e)
		},
		emit: func(s *State, in RecordLiveChannelRequestRejected) Effects {
			return Effects{LiveChannelRequestRejectionResolved{ChannelID: in.ChannelID, Request: in.Request, Rejection: in.Rejection, PublicErrorClass: ChannelRequestRejectionClass(in.Rejection), Sequence: s.LiveChannelRequestRejectionSequence}}
		},
	},
}

// LiveChannelRequestRejectionResolved is the public form of a rejected request (local).
type LiveChannelRequestRejectionResolved struct {
	effect
	ChannelID        string                                      `json:"channel_id"`
	Request          LiveChannelRequestPublicKind                `json:"request"`
	Rejection        LiveChannelRequestRejectionReason           `json:"rejection"`
	PublicErrorClass LiveChannelRequestRejectionPublicErrorClass `json:"public_error_class"`
	Sequence         uint64                                      `json:"sequence"`
}

// Name returns "LiveChannelRequestRejectionResolved".
func (LiveChannelRequestRejectionResolved) Name() string {
	return "LiveChannelRequestRejectionResolved"
}

// RecordLiveWebrtcAnswerAccepted records the host's answer to a WebRTC offer (spec §8.3).
type RecordLiveWebrtcAnswerAccepted struct {
	SessionID                 string `json:"session_id"`
	ChannelID                 string `json:"channel_id"`
	AnswerObservationSequence uint64 `json:"answer_observation_sequence"`
}

// Name returns "RecordLiveWebrtcAnswerAccepted".
func (RecordLiveWebrtcAnswerAccepted) Name() string { return "RecordLiveWebrtcAnswerAccepted" }

func (in RecordLiveWebrtcAnswerAccepted) step(s *State) (Effects, error) {
	return step(s, in, webrtcAnswerAcceptedRules)
}

var webrtcAnswerAcceptedRules = []rule[RecordLiveWebrtcAnswerAccepted]{
	{
		name: "RecordLiveWebrtcAnswerAccepted", from: livePhases,
		guards: []guard[RecordLiveWebrtcAnswerAccepted]{
			idPresent("session_id", func(in RecordLiveWebrtcAnswerAccepted) string { return in.SessionID }),
			idPresent("channel_id", func(in RecordLiveWebrtcAnswerAccepted) string { return in.ChannelID }),
			{"answer_observation_sequence > 0", func(_ *State, in RecordLiveWebrtcAnswerAccepted) bool { return in.AnswerObservationSequence > 0 }},
			{"binding_matches: session and channel are bound to each other", func(s *State, in RecordLiveWebrtcAnswerAccepted) bool { return s.bound(in.SessionID, in.ChannelID) }},
			{"answer_observation_sequence_advances", func(s *State, in RecordLiveWebrtcAnswerAccepted) bool {
				return advances(s.evidence(in.ChannelID).WebrtcAnswerObservationSequence, in.AnswerObservationSequence)
			}},
		},
		update: func(s *State, in RecordLiveWebrtcAnswerAccepted) {
			s.LiveWebrtcAnswerResultSequence++
			e := s.evidence(in.ChannelID)
			e.WebrtcAnswerObservationSequence, e.WebrtcAnswerStatus = Some(in.AnswerObservationSequence), Some(AnswerAnswered)
			s.setEvidence(in.ChannelID, e)
		},
		emit: func(s *State, in RecordLiveWebrtcAnswerAccepted) Effects {
			return Effects{LiveWebrtcAnswerResultResolved{ChannelID: in.ChannelID, Status: AnswerAnswered, Answered: true, Sequence: s.LiveWebrtcAnswerResultSequence, AnswerObservationSequence: in.AnswerObservationSequence}}
		},
	},
}

// LiveWebrtcAnswerResultResolved is the public WebRTC answer result (local).
type LiveWebrtcAnswerResultResolved struct {
	effect
	ChannelID                 string                       `json:"channel_id"`
	Status                    LiveWebrtcAnswerPublicStatus `json:"status"`
	Answered                  bool                         `json:"answered"`
	Sequence                  uint64                       `json:"sequence"`
	AnswerObservationSequence uint64                       `json:"answer_observation_sequence"`
}

// Name returns "LiveWebrtcAnswerResultResolved".
func (LiveWebrtcAnswerResultResolved) Name() string { return "LiveWebrtcAnswerResultResolved" }

// RecordLiveChannelStatus records a status observation of a channel (spec §8.3): a
// Degraded status carries a reason (detail optional), any other status carries neither.
type RecordLiveChannelStatus struct {
	ChannelID                 string                            `json:"channel_id"`
	Status                    LiveChannelPublicStatus           `json:"status"`
	StatusObservationSequence uint64                            `json:"status_observation_sequence"`
	DegradationReason         Opt[LiveChannelDegradationReason] `json:"degradation_reason,omitzero"`
	DegradationDetail         Opt[string]                       `json:"degradation_detail,omitzero"`
}

// Name returns "RecordLiveChannelStatus".
func (RecordLiveChannelStatus) Name() string { return "RecordLiveChannelStatus" }

func (in RecordLiveChannelStatus) step(s *State) (Effects, error) { return step(s, in, statusRules) }

var statusRules = []rule[RecordLiveChannelStatus]{
	{
		name: "RecordLiveChannelStatus", from: livePhases,
		guards: []guard[RecordLiveChannelStatus]{
			idPresent("channel_id", func(in RecordLiveChannelStatus) string { return in.ChannelID }),
			{"status is a LiveChannelPublicStatus variant, degradation_reason (if any) a LiveChannelDegradationReason variant", func(_ *State, in RecordLiveChannelStatus) bool {
				r, ok := in.DegradationReason.Lookup()
				return in.Status.Valid() && (!ok || r.Valid())
			}},
			{"status_observation_sequence > 0 and above the last one for the channel", func(s *State, in RecordLiveChannelStatus) bool {
				return advances(s.evidence(in.ChannelID).StatusObservationSequence, in.StatusObservationSequence)
			}},
			{"degradation_fields_match_status: Degraded has a reason; other statuses have no reason or detail", func(_ *State, in RecordLiveChannelStatus) bool {
				if in.Status == LiveStatusDegraded {
					return in.DegradationReason.Present()
				}
				return !in.DegradationReason.Present() && !in.DegradationDetail.Present()
			}},
		},
		update: func(s *State, in RecordLiveChannelStatus) {
			s.LiveChannelStatusResultSequence++
			e := s.evidence(in.ChannelID)
			e.StatusObservationSequence, e.Status = Some(in.StatusObservationSequence), Some(in.Status)
			s.setEvidence(in.ChannelID, e)
		},
		emit: func(s *State, in RecordLiveChannelStatus) Effects {
			return Effects{LiveChannelStatusResolved{
				ChannelID: in.ChannelID, Status: in.Status, Sequence: s.LiveChannelStatusResultSequence,
				StatusObservationSequence: in.StatusObservationSequence, DegradationReason: in.DegradationReason, DegradationDetail: in.DegradationDetail,
			}}
		},
	},
}

// LiveChannelStatusResolved is the public status of a channel (local).
type LiveChannelStatusResolved struct {
	effect
	ChannelID                 string                            `json:"channel_id"`
	Status                    LiveChannelPublicStatus           `json:"status"`
	Sequence                  uint64                            `json:"sequence"`
	StatusObservationSequence uint64                            `json:"status_observation_sequence"`
	DegradationReason         Opt[LiveChannelDegradationReason] `json:"degradation_reason,omitzero"`
	DegradationDetail         Opt[string]                       `json:"degradation_detail,omitzero"`
}

// Name returns "LiveChannelStatusResolved".
func (LiveChannelStatusResolved) Name() string { return "LiveChannelStatusResolved" }

// Routing projections (spec §8.7). Each is read-only and O(1). Upstream asks every
// session's machine; here the identifiers carry their session (ids.go), so the shell asks
// one machine and these answer for it.

// LiveActiveChannel returns the channel bound to the machine's own session.
func (s *State) LiveActiveChannel() (string, bool) { return s.activeLiveChannel() }

// LiveActiveChannelForSession returns the session's active channel
// (live_active_channel_for_session: live_active_channel_by_session[session]).
func (s *State) LiveActiveChannelForSession(sessionID string) (string, bool) {
	ch, ok := s.LiveActiveChannelBySession[sessionID]
	return ch, ok
}

// LiveChannelIsActiveForSession reports whether channelID is the session's active channel
// (live_channel_is_active_for_session).
func (s *State) LiveChannelIsActiveForSession(sessionID, channelID string) bool {
	ch, ok := s.LiveActiveChannelBySession[sessionID]
	return ok && ch == channelID
}

// OwnsLiveChannel reports whether this machine's own session owns the channel as its
// active channel (live_session_for_active_channel: the channel's session is the machine's
// session).
func (s *State) OwnsLiveChannel(channelID string) bool {
	owner, ok := s.LiveChannelSessionByChannel[channelID]
	return ok && s.isSession(owner)
}

// OwnsLiveStatusChannel reports whether this machine answers status requests for the
// channel: it owns it, or its close history holds it (live_session_for_status_channel).
// The close history only counts on a machine bound to a session, so the unbound authority
// never claims a channel.
func (s *State) OwnsLiveStatusChannel(channelID string) bool {
	return s.OwnsLiveChannel(channelID) || (s.registered() && s.LiveChannelEvidence[channelID].CloseStatus.Present())
}

// LiveChannelBoundIdentity returns the identity the channel was opened with; absent
// after close or abandon (live_channel_bound_llm_identity).
func (s *State) LiveChannelBoundIdentity(channelID string) Opt[SessionLlmIdentity] {
	id, ok := s.LiveChannelIdentityByChannel[channelID]
	if !ok {
		return None[SessionLlmIdentity]()
	}
	return Some(id)
}

// LiveChannelView is the routing and status projection of one channel.
type LiveChannelView struct {
	ChannelID        string                  `json:"channel_id"`
	SessionID        Opt[string]             `json:"session_id,omitzero"`
	Active           bool                    `json:"active"`
	BoundLlmIdentity Opt[SessionLlmIdentity] `json:"bound_llm_identity,omitzero"`
	LiveChannelEvidence
}

// LiveChannel returns the routing and status projection of a channel this machine knows.
func (s *State) LiveChannel(channelID string) (LiveChannelView, bool) {
	e, known := s.LiveChannelEvidence[channelID]
	owner, bound := s.LiveChannelSessionByChannel[channelID]
	if !known && !bound {
		return LiveChannelView{}, false
	}
	v := LiveChannelView{ChannelID: channelID, Active: bound, BoundLlmIdentity: s.LiveChannelBoundIdentity(channelID), LiveChannelEvidence: e}
	if bound {
		v.SessionID = Some(owner)
	}
	return v, true
}

// Pure mappings for the shell (spec §8.3, §8.4, §11.2).

// Host error reason codes of LiveAdapterHostError (spec §11.2), as the host spells them.
const (
	HostErrorChannelNotFound                = "channel_not_found"
	HostErrorSessionNotFound                = "session_not_found"
	HostErrorChannelNotReady                = "channel_not_ready"
	HostErrorSessionAlreadyBound            = "session_already_bound"
	HostErrorOpenNotAuthorized              = "open_not_authorized"
	HostErrorOpenAuthorityAlreadyConsumed   = "open_authority_already_consumed"
	HostErrorCloseNotAuthorized             = "close_not_authorized"
	HostErrorCloseAuthorityAlreadyConsumed  = "close_authority_already_consumed"
	HostErrorStatusNotAuthorized            = "status_not_authorized"
	HostErrorStatusAuthorityAlreadyConsumed = "status_authority_already_consumed"
	HostErrorNoAdapter                      = "no_adapter"
	HostErrorUnsupportedCommand             = "unsupported_command"
	HostErrorAdapterError                   = "adapter_error"
	HostErrorProjectionError                = "projection_error"
)

// CommandRejectionForHostError maps a host error reason code to the reason a rejected
// live command records (spec §8.4): channel_not_found, no_adapter, channel_not_ready,
// unsupported_command and adapter_error map to the variant of the same name; every other
// code (the session, authority and projection errors, unknown or empty codes) is
// InternalHostError.
func CommandRejectionForHostError(code string) LiveCommandRejectionReason {
	switch code {
	case HostErrorChannelNotFound:
		return CommandRejectionChannelNotFound
	case HostErrorNoAdapter:
		return CommandRejectionNoAdapter
	case HostErrorChannelNotReady:
		return CommandRejectionChannelNotReady
	case HostErrorUnsupportedCommand:
		return CommandRejectionUnsupportedCommand
	case HostErrorAdapterError:
		return CommandRejectionAdapterError
	}
	return CommandRejectionInternalHostError
}

// ChannelRequestRejectionForHostError maps a host error reason code to the reason a
// rejected status, close, refresh or WebRTC answer request records (spec §8.4):
// channel_not_found and no_adapter map to the variant of the same name, every other code
// is InternalHostError. InvalidToken, InvalidPayload and WebrtcAnswerError are never
// host errors: the surfaces choose them explicitly.
func ChannelRequestRejectionForHostError(code string) LiveChannelRequestRejectionReason {
	switch code {
	case HostErrorChannelNotFound:
		return RequestRejectionChannelNotFound
	case HostErrorNoAdapter:
		return RequestRejectionNoAdapter
	}
	return RequestRejectionInternalHostError
}

// HostLiveStatus is a live adapter status as the host reports it (spec §11.1
// LiveAdapterStatus): Status is the variant (Idle, Opening, Ready, Degraded, Closing,
// Closed); for Degraded, Reason is the LiveDegradationReason kind (RateLimited,
// ProviderThrottled, NetworkUnstable, Other) and Detail the Other variant's detail.
// Spellings are matched ignoring case and underscores, so "rate_limited" and
// "RateLimited" are the same kind.
type HostLiveStatus struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// PublicLiveStatus is a host status in the machine's vocabulary: the public status and,
// for Degraded only, a reason and an optional detail. It always satisfies the
// degradation consistency guard of RecordLiveChannelStatus.
type PublicLiveStatus struct {
	Status            LiveChannelPublicStatus           `json:"status"`
	DegradationReason Opt[LiveChannelDegradationReason] `json:"degradation_reason,omitzero"`
	DegradationDetail Opt[string]                       `json:"degradation_detail,omitzero"`
}

// Record builds the RecordLiveChannelStatus input for this status.
func (p PublicLiveStatus) Record(channelID string, statusObservationSequence uint64) RecordLiveChannelStatus {
	return RecordLiveChannelStatus{
		ChannelID: channelID, Status: p.Status, StatusObservationSequence: statusObservationSequence,
		DegradationReason: p.DegradationReason, DegradationDetail: p.DegradationDetail,
	}
}

// MapHostLiveStatus is the shell's status mapping of spec §8.3: Idle, Opening, Ready,
// Closing and Closed map to the same public status with no reason; Degraded maps to
// Degraded with reason RateLimited, ProviderThrottled or NetworkUnstable (no detail),
// Other (with the host's detail), or Unknown (with a debug text naming the kind) for a
// kind this port does not know; an unknown status maps to Degraded, Unknown, with a debug
// text naming the status.
func MapHostLiveStatus(h HostLiveStatus) PublicLiveStatus {
	switch foldName(h.Status) {
	case "idle":
		return PublicLiveStatus{Status: LiveStatusIdle}
	case "opening":
		return PublicLiveStatus{Status: LiveStatusOpening}
	case "ready":
		return PublicLiveStatus{Status: LiveStatusReady}
	case "closing":
		return PublicLiveStatus{Status: LiveStatusClosing}
	case "closed":
		return PublicLiveStatus{Status: LiveStatusClosed}
	case "degraded":
		out := PublicLiveStatus{Status: LiveStatusDegraded}
		switch foldName(h.Reason) {
		case "ratelimited":
			out.DegradationReason = Some(DegradationRateLimited)
		case "providerthrottled":
			out.DegradationReason = Some(DegradationProviderThrottled)
		case "networkunstable":
			out.DegradationReason = Some(DegradationNetworkUnstable)
		case "other":
			out.DegradationReason, out.DegradationDetail = Some(DegradationOther), Some(h.Detail)
		default:
			out.DegradationReason, out.DegradationDetail = Some(DegradationUnknown), Some("unknown degradation reason "+quoteDebug(h.Reason))
		}
		return out
	}
	return PublicLiveStatus{
		Status: LiveStatusDegraded, DegradationReason: Some(DegradationUnknown),
		DegradationDetail: Some("unknown adapter status " + quoteDebug(h.Status)),
	}
}

// foldName lowercases ASCII and drops '_' and '-', so the host's snake_case and the DSL's
// CamelCase spellings compare equal.
func foldName(s string) string {
	if len(s) > 32 {
		return "" // longer than any known name
	}
	var buf [32]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return string(buf[:n])
}

// quoteDebug quotes a host-supplied name for a debug text, clipped to a sane length.
func quoteDebug(s string) string {
	return fmt.Sprintf("%q", clip(s))
}

var liveCatalogue = []InputSpec{
	specOf("live", OriginCaller, "Decide whether a live channel may open; binds it when admitted.", liveOpenRules),
	specOf("live", OriginCaller, "Undo an admitted open whose channel never materialised.", abandonLiveOpenRules),
	specOf("live", OriginCaller, "Record a refresh the host queued.", refreshRules),
	specOf("live", OriginCaller, "Record that a channel closed, and unbind it.", closeRules),
	specOf("live", OriginCaller, "Record a live command the host accepted.", commandAcceptedRules),
	specOf("live", OriginCaller, "Classify a rejected live command.", commandRejectedRules),
	specOf("live", OriginCaller, "Classify a rejected status, close, refresh or WebRTC answer request.", requestRejectedRules),
	specAs[RecordLiveWebrtcTokenIssued]("live", OriginCaller, "Record a minted WebRTC token (by digest).", webrtcTokenIssuedRules),
	specAs[ResolveLiveWebrtcAnswerAdmission]("live", OriginCaller, "Admit a WebRTC answer with its single-use token.", webrtcAdmissionRules),
	specOf("live", OriginCaller, "Record the host's answer to a WebRTC offer.", webrtcAnswerAcceptedRules),
	specAs[RecordLiveWebsocketTokenIssued]("live", OriginCaller, "Record a minted WebSocket token (by digest).", websocketTokenIssuedRules),
	specAs[ResolveLiveWebsocketTokenAdmission]("live", OriginCaller, "Admit a WebSocket upgrade with its single-use token.", websocketAdmissionRules),
	specOf("live", OriginCaller, "Record a status observation of a channel.", statusRules),
}

var liveEffects = []Effect{
	LiveOpenAdmissionResolved{}, LiveOpenAdmissionAbandoned{}, LiveRefreshResultResolved{}, LiveCloseResultResolved{},
	LiveCommandResultResolved{}, LiveCommandRejectionResolved{}, LiveChannelRequestRejectionResolved{},
	LiveWebrtcTokenIssued{}, LiveWebrtcAnswerAdmissionResolved{}, LiveWebrtcAnswerResultResolved{},
	LiveWebsocketTokenIssued{}, LiveWebsocketTokenAdmissionResolved{}, LiveChannelStatusResolved{},
}
