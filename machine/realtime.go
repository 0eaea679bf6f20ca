package machine

// This file holds the realtime attachment and live topology plane of spec §9 (the v0.6.3
// DSL): the binding state and its authority epoch, the reconnect cycle, and the live
// topology reconfigure phases. Every input is per_phase [Idle, Attached, Running, Retired,
// Stopped] (a self-loop) and needs a registered session, except PublishRealtimeSignal,
// which a provider callback sends with the authority epoch it was handed.
//
// Authority epoch. BeginRealtimeBinding and ReplaceRealtimeBinding mint a new epoch:
// realtime_binding_authority_epoch := Some(realtime_next_authority_epoch), then the next
// epoch moves on by one ("rotate"). The first epoch of a session is 1. Every input that
// unbinds (DetachRealtimeBinding, RequireRealtimeReattach[ForAuthority],
// MarkLiveTopologyDetached, FailLiveTopologyAfterDetach) rotates too, so an epoch handed
// out before is never current again: a provider callback that presents it is rejected.
//
// Mutual exclusion. While live_topology_phase is not Idle, BeginRealtimeBinding,
// ReplaceRealtimeBinding and PublishRealtimeSignal are rejected; detaching and requiring a
// reattach are not blocked.
//
// Joining rule with the live channel plane (our addition; the v0.6.3 plane and the v0.7.1
// live channels never co-existed upstream): when MarkLiveTopologyDetached fires while the
// session has an active live channel, it also emits LiveChannelCloseRequested{session_id,
// channel_id, reason: "topology"} after LiveTopologyPhaseChanged. The shell closes that
// channel and records the close with RecordLiveCloseClosed as for any other close. The
// machine does not unbind the channel itself: the close record does.
//
// The shell decisions of §9.4 that need no I/O (attach preconditions, the capability-driven
// transport decision, bootstrap eligibility, the end of a topology reconfigure) are pure
// functions at the end of this file; the workflow calls them and carries out the result.

import (
	"fmt"
	"time"
)

// realtimeState holds the realtime attachment and live topology fields (spec §9.1, the
// v0.6.3 plane).
type realtimeState struct {
	RealtimeIntentPresent          bool                        `json:"realtime_intent_present"`
	RealtimeBindingState           RealtimeBindingState        `json:"realtime_binding_state"`
	RealtimeBindingAuthorityEpoch  Opt[uint64]                 `json:"realtime_binding_authority_epoch"`
	RealtimeReattachRequired       bool                        `json:"realtime_reattach_required"`
	RealtimeNextAuthorityEpoch     uint64                      `json:"realtime_next_authority_epoch"`
	RealtimeReconnectCycleState    RealtimeReconnectCycleState `json:"realtime_reconnect_cycle_state"`
	RealtimeReconnectAttemptCount  uint64                      `json:"realtime_reconnect_attempt_count"`
	RealtimeReconnectNextRetryAtMs Opt[uint64]                 `json:"realtime_reconnect_next_retry_at_ms"`
	RealtimeReconnectDeadlineAtMs  Opt[uint64]                 `json:"realtime_reconnect_deadline_at_ms"`
	LiveTopologyPhase              LiveTopologyPhase           `json:"live_topology_phase"`
}

func initialRealtimeState() realtimeState {
	return realtimeState{
		RealtimeBindingState:        BindingUnbound,
		RealtimeNextAuthorityEpoch:  1,
		RealtimeReconnectCycleState: ReconnectIdle,
		LiveTopologyPhase:           TopologyIdle,
	}
}

// ---------------------------------------------------------------------------------------
// Shared guards and updates
// ---------------------------------------------------------------------------------------

const (
	guardRealtimeRegistered    = "session_registered: session_id is present"
	guardRealtimeAuthority     = "authority_matches_current: realtime_binding_authority_epoch equals authority_epoch"
	guardRealtimeTopologyIdle  = "no_topology_reconfigure_in_progress: live_topology_phase is Idle"
	guardRealtimeReattachReq   = "reattach_required: realtime_reattach_required is true"
	guardRealtimeCycleIdle     = "cycle_idle: realtime_reconnect_cycle_state is Idle"
	guardRealtimeCycleRunning  = "cycle_reconnecting: realtime_reconnect_cycle_state is Reconnecting"
	guardRealtimeNextState     = "valid_next_state: next_binding_state is BindingNotReady, BindingReady or ReplacementPending"
	guardTopologyIdle          = "topology_idle: live_topology_phase is Idle"
	guardTopologyReconfiguring = "topology_reconfiguring: live_topology_phase is Reconfiguring"
	guardTopologySafeBoundary  = "turn_at_safe_boundary: turn_phase is Ready, DrainingBoundary, Completed, Failed or Cancelled"
	guardTopologyDetached      = "topology_detached: live_topology_phase is Detached"
	guardTopologyIdentity      = "host_identity_applied: live_topology_phase is HostIdentityApplied"
	guardTopologyVisibility    = "host_visibility_applied: live_topology_phase is HostVisibilityApplied"
	guardTopologyPastDetach    = "topology_past_detach: live_topology_phase is Detached, HostIdentityApplied or HostVisibilityApplied"
)

func realtimeRegistered[I any]() guard[I] {
	return guard[I]{guardRealtimeRegistered, func(s *State, _ I) bool { return s.registered() }}
}

func realtimeTopologyIdle[I any](name string) guard[I] {
	return guard[I]{name, func(s *State, _ I) bool { return s.LiveTopologyPhase == TopologyIdle }}
}

func realtimeTopologyIs[I any](name string, p LiveTopologyPhase) guard[I] {
	return guard[I]{name, func(s *State, _ I) bool { return s.LiveTopologyPhase == p }}
}

// epochInput is an input that presents a realtime authority epoch.
type epochInput interface {
	Input
	presentedEpoch() uint64
}

func realtimeAuthorityMatches[I epochInput]() guard[I] {
	return guard[I]{guardRealtimeAuthority, func(s *State, in I) bool {
		return s.RealtimeBindingAuthorityEpoch.Is(in.presentedEpoch())
	}}
}

// resetRealtimeReconnect is the spec's "reset reconnect": cycle Idle, no attempts, no
// retry or deadline.
func (s *State) resetRealtimeReconnect() {
	s.RealtimeReconnectCycleState = ReconnectIdle
	s.RealtimeReconnectAttemptCount = 0
	s.RealtimeReconnectNextRetryAtMs = None[uint64]()
	s.RealtimeReconnectDeadlineAtMs = None[uint64]()
}

// bindRealtime mints the next authority epoch for a new binding in the given state.
func (s *State) bindRealtime(state RealtimeBindingState) {
	s.RealtimeBindingState = state
	s.RealtimeBindingAuthorityEpoch = Some(s.RealtimeNextAuthorityEpoch)
	s.RealtimeReattachRequired = false
	s.RealtimeNextAuthorityEpoch++
	s.resetRealtimeReconnect()
}

// unbindRealtime drops the binding and its epoch and rotates, so the old epoch is stale.
func (s *State) unbindRealtime(reattach bool) {
	s.RealtimeBindingState = BindingUnbound
	s.RealtimeBindingAuthorityEpoch = None[uint64]()
	s.RealtimeReattachRequired = reattach
	s.RealtimeNextAuthorityEpoch++
}

// ---------------------------------------------------------------------------------------
// Realtime attachment inputs (spec §9.2)
// ---------------------------------------------------------------------------------------

// ProjectRealtimeIntent records whether the session wants a realtime attachment (spec §9.2).
type ProjectRealtimeIntent struct {
	Present bool `json:"present"`
}

// Name returns "ProjectRealtimeIntent".
func (ProjectRealtimeIntent) Name() string { return "ProjectRealtimeIntent" }

func (in ProjectRealtimeIntent) step(s *State) (Effects, error) {
	return step(s, in, projectRealtimeIntentRules)
}

var projectRealtimeIntentRules = []rule[ProjectRealtimeIntent]{{
	name: "ProjectRealtimeIntent", from: livePhases,
	guards: []guard[ProjectRealtimeIntent]{realtimeRegistered[ProjectRealtimeIntent]()},
	update: func(s *State, in ProjectRealtimeIntent) { s.RealtimeIntentPresent = in.Present },
	emit: func(s *State, in ProjectRealtimeIntent) Effects {
		return Effects{RealtimeIntentProjected{Present: in.Present}}
	},
}}

// BeginRealtimeBinding starts a realtime binding (BindingNotReady) under a freshly minted
// authority epoch (spec §9.2). Rejected while a topology reconfigure is in progress.
type BeginRealtimeBinding struct{}

// Name returns "BeginRealtimeBinding".
func (BeginRealtimeBinding) Name() string { return "BeginRealtimeBinding" }

func (in BeginRealtimeBinding) step(s *State) (Effects, error) {
	return step(s, in, beginRealtimeBindingRules)
}

var beginRealtimeBindingRules = []rule[BeginRealtimeBinding]{{
	name: "BeginRealtimeBinding", from: livePhases,
	guards: []guard[BeginRealtimeBinding]{
		realtimeRegistered[BeginRealtimeBinding](),
		realtimeTopologyIdle[BeginRealtimeBinding](guardRealtimeTopologyIdle),
	},
	update: func(s *State, _ BeginRealtimeBinding) { s.bindRealtime(BindingBindingNotReady) },
	emit:   func(s *State, _ BeginRealtimeBinding) Effects { return s.emitBindingRotated() },
}}

// ReplaceRealtimeBinding replaces the binding (ReplacementPending) under a freshly minted
// authority epoch (spec §9.2). Rejected while a topology reconfigure is in progress.
type ReplaceRealtimeBinding struct{}

// Name returns "ReplaceRealtimeBinding".
func (ReplaceRealtimeBinding) Name() string { return "ReplaceRealtimeBinding" }

func (in ReplaceRealtimeBinding) step(s *State) (Effects, error) {
	return step(s, in, replaceRealtimeBindingRules)
}

var replaceRealtimeBindingRules = []rule[ReplaceRealtimeBinding]{{
	name: "ReplaceRealtimeBinding", from: livePhases,
	guards: []guard[ReplaceRealtimeBinding]{
		realtimeRegistered[ReplaceRealtimeBinding](),
		realtimeTopologyIdle[ReplaceRealtimeBinding](guardRealtimeTopologyIdle),
	},
	update: func(s *State, _ ReplaceRealtimeBinding) { s.bindRealtime(BindingReplacementPending) },
	emit:   func(s *State, _ ReplaceRealtimeBinding) Effects { return s.emitBindingRotated() },
}}

func (s *State) emitBindingRotated() Effects {
	return Effects{RealtimeBindingRotated{AuthorityEpoch: s.RealtimeBindingAuthorityEpoch.Get()}}
}

// DetachRealtimeBinding drops the binding without asking for a reattach; the intent bit
// stays (spec §9.2). The epoch rotates and the reconnect progress resets.
type DetachRealtimeBinding struct{}

// Name returns "DetachRealtimeBinding".
func (DetachRealtimeBinding) Name() string { return "DetachRealtimeBinding" }

func (in DetachRealtimeBinding) step(s *State) (Effects, error) {
	return step(s, in, detachRealtimeBindingRules)
}

var detachRealtimeBindingRules = []rule[DetachRealtimeBinding]{{
	name: "DetachRealtimeBinding", from: livePhases,
	guards: []guard[DetachRealtimeBinding]{realtimeRegistered[DetachRealtimeBinding]()},
	update: func(s *State, _ DetachRealtimeBinding) {
		s.unbindRealtime(false)
		s.resetRealtimeReconnect()
	},
}}

// RequireRealtimeReattach drops the binding and marks that a reattach is required (spec
// §9.2). The epoch rotates and the reconnect progress resets.
type RequireRealtimeReattach struct{}

// Name returns "RequireRealtimeReattach".
func (RequireRealtimeReattach) Name() string { return "RequireRealtimeReattach" }

func (in RequireRealtimeReattach) step(s *State) (Effects, error) {
	return step(s, in, requireRealtimeReattachRules)
}

func requireReattach[I any](s *State, _ I) {
	s.unbindRealtime(true)
	s.resetRealtimeReconnect()
}

var requireRealtimeReattachRules = []rule[RequireRealtimeReattach]{{
	name: "RequireRealtimeReattach", from: livePhases,
	guards: []guard[RequireRealtimeReattach]{realtimeRegistered[RequireRealtimeReattach]()},
	update: requireReattach[RequireRealtimeReattach],
}}

// RequireRealtimeReattachForAuthority is RequireRealtimeReattach for a caller that still
// holds the current authority epoch (spec §9.2); a stale epoch is rejected.
type RequireRealtimeReattachForAuthority struct {
	AuthorityEpoch uint64 `json:"authority_epoch"`
}

// Name returns "RequireRealtimeReattachForAuthority".
func (RequireRealtimeReattachForAuthority) Name() string {
	return "RequireRealtimeReattachForAuthority"
}

func (in RequireRealtimeReattachForAuthority) presentedEpoch() uint64 { return in.AuthorityEpoch }

func (in RequireRealtimeReattachForAuthority) step(s *State) (Effects, error) {
	return step(s, in, requireRealtimeReattachForAuthorityRules)
}

var requireRealtimeReattachForAuthorityRules = []rule[RequireRealtimeReattachForAuthority]{{
	name: "RequireRealtimeReattachForAuthority", from: livePhases,
	guards: []guard[RequireRealtimeReattachForAuthority]{
		realtimeRegistered[RequireRealtimeReattachForAuthority](),
		realtimeAuthorityMatches[RequireRealtimeReattachForAuthority](),
	},
	update: requireReattach[RequireRealtimeReattachForAuthority],
}}

// PublishRealtimeSignal is a provider callback reporting the binding's state under the
// authority epoch it was handed (spec §9.2). It needs no registered session, only the
// current epoch; it is rejected during a topology reconfigure and for the projection-only
// state Unbound. BindingReady ends any reconnect cycle.
type PublishRealtimeSignal struct {
	AuthorityEpoch   uint64               `json:"authority_epoch"`
	NextBindingState RealtimeBindingState `json:"next_binding_state"`
}

// Name returns "PublishRealtimeSignal".
func (PublishRealtimeSignal) Name() string { return "PublishRealtimeSignal" }

func (in PublishRealtimeSignal) presentedEpoch() uint64 { return in.AuthorityEpoch }

func (in PublishRealtimeSignal) step(s *State) (Effects, error) {
	return step(s, in, publishRealtimeSignalRules)
}

var publishRealtimeSignalRules = []rule[PublishRealtimeSignal]{{
	name: "PublishRealtimeSignal", from: livePhases,
	guards: []guard[PublishRealtimeSignal]{
		realtimeAuthorityMatches[PublishRealtimeSignal](),
		realtimeTopologyIdle[PublishRealtimeSignal](guardRealtimeTopologyIdle),
		{guardRealtimeNextState, func(_ *State, in PublishRealtimeSignal) bool {
			switch in.NextBindingState {
			case BindingBindingNotReady, BindingBindingReady, BindingReplacementPending:
				return true
			}
			return false
		}},
	},
	update: func(s *State, in PublishRealtimeSignal) {
		s.RealtimeBindingState = in.NextBindingState
		s.RealtimeReattachRequired = false
		if in.NextBindingState == BindingBindingReady {
			s.resetRealtimeReconnect()
		}
	},
}}

// BeginRealtimeReconnectCycle starts a reconnect cycle after a reattach was required
// (spec §9.2): attempt 1, with the shell's retry time and deadline.
type BeginRealtimeReconnectCycle struct {
	NextRetryAtMs Opt[uint64] `json:"next_retry_at_ms,omitzero"`
	DeadlineAtMs  Opt[uint64] `json:"deadline_at_ms,omitzero"`
}

// Name returns "BeginRealtimeReconnectCycle".
func (BeginRealtimeReconnectCycle) Name() string { return "BeginRealtimeReconnectCycle" }

func (in BeginRealtimeReconnectCycle) step(s *State) (Effects, error) {
	return step(s, in, beginRealtimeReconnectCycleRules)
}

var beginRealtimeReconnectCycleRules = []rule[BeginRealtimeReconnectCycle]{{
	name: "BeginRealtimeReconnectCycle", from: livePhases,
	guards: []guard[BeginRealtimeReconnectCycle]{
		realtimeRegistered[BeginRealtimeReconnectCycle](),
		{guardRealtimeReattachReq, func(s *State, _ BeginRealtimeReconnectCycle) bool { return s.RealtimeReattachRequired }},
		{guardRealtimeCycleIdle, func(s *State, _ BeginRealtimeReconnectCycle) bool {
			return s.RealtimeReconnectCycleState == ReconnectIdle
		}},
	},
	update: func(s *State, in BeginRealtimeReconnectCycle) {
		s.RealtimeReconnectCycleState = ReconnectReconnecting
		s.RealtimeReconnectAttemptCount = 1
		s.RealtimeReconnectNextRetryAtMs = in.NextRetryAtMs
		s.RealtimeReconnectDeadlineAtMs = in.DeadlineAtMs
	},
	emit: func(_ *State, in BeginRealtimeReconnectCycle) Effects {
		return Effects{RealtimeReconnectProgressProjected{AttemptCount: 1, NextRetryAtMs: in.NextRetryAtMs, DeadlineAtMs: in.DeadlineAtMs}}
	},
}}

// ScheduleRealtimeReconnectRetry counts one more attempt of the running reconnect cycle
// and records its retry time (spec §9.2); the deadline is kept.
type ScheduleRealtimeReconnectRetry struct {
	NextRetryAtMs Opt[uint64] `json:"next_retry_at_ms,omitzero"`
}

// Name returns "ScheduleRealtimeReconnectRetry".
func (ScheduleRealtimeReconnectRetry) Name() string { return "ScheduleRealtimeReconnectRetry" }

func (in ScheduleRealtimeReconnectRetry) step(s *State) (Effects, error) {
	return step(s, in, scheduleRealtimeReconnectRetryRules)
}

func cycleReconnecting[I any]() guard[I] {
	return guard[I]{guardRealtimeCycleRunning, func(s *State, _ I) bool {
		return s.RealtimeReconnectCycleState == ReconnectReconnecting
	}}
}

var scheduleRealtimeReconnectRetryRules = []rule[ScheduleRealtimeReconnectRetry]{{
	name: "ScheduleRealtimeReconnectRetry", from: livePhases,
	guards: []guard[ScheduleRealtimeReconnectRetry]{
		realtimeRegistered[ScheduleRealtimeReconnectRetry](),
		cycleReconnecting[ScheduleRealtimeReconnectRetry](),
	},
	update: func(s *State, in ScheduleRealtimeReconnectRetry) {
		s.RealtimeReconnectAttemptCount++
		s.RealtimeReconnectNextRetryAtMs = in.NextRetryAtMs
	},
	emit: func(s *State, in ScheduleRealtimeReconnectRetry) Effects {
		return Effects{RealtimeReconnectProgressProjected{
			AttemptCount: s.RealtimeReconnectAttemptCount, NextRetryAtMs: in.NextRetryAtMs, DeadlineAtMs: s.RealtimeReconnectDeadlineAtMs,
		}}
	},
}}

// ExhaustRealtimeReconnectCycle ends the running reconnect cycle as exhausted (spec §9.2);
// the public channel status then reads Error.
type ExhaustRealtimeReconnectCycle struct{}

// Name returns "ExhaustRealtimeReconnectCycle".
func (ExhaustRealtimeReconnectCycle) Name() string { return "ExhaustRealtimeReconnectCycle" }

func (in ExhaustRealtimeReconnectCycle) step(s *State) (Effects, error) {
	return step(s, in, exhaustRealtimeReconnectCycleRules)
}

func emitReconnectCleared[I any](*State, I) Effects {
	return Effects{RealtimeReconnectProgressProjected{}}
}

var exhaustRealtimeReconnectCycleRules = []rule[ExhaustRealtimeReconnectCycle]{{
	name: "ExhaustRealtimeReconnectCycle", from: livePhases,
	guards: []guard[ExhaustRealtimeReconnectCycle]{
		realtimeRegistered[ExhaustRealtimeReconnectCycle](),
		cycleReconnecting[ExhaustRealtimeReconnectCycle](),
	},
	update: func(s *State, _ ExhaustRealtimeReconnectCycle) {
		s.resetRealtimeReconnect()
		s.RealtimeReconnectCycleState = ReconnectExhausted
	},
	emit: emitReconnectCleared[ExhaustRealtimeReconnectCycle],
}}

// ClearRealtimeReconnectProgress resets the reconnect cycle to Idle whatever its state
// (spec §9.2).
type ClearRealtimeReconnectProgress struct{}

// Name returns "ClearRealtimeReconnectProgress".
func (ClearRealtimeReconnectProgress) Name() string { return "ClearRealtimeReconnectProgress" }

func (in ClearRealtimeReconnectProgress) step(s *State) (Effects, error) {
	return step(s, in, clearRealtimeReconnectProgressRules)
}

var clearRealtimeReconnectProgressRules = []rule[ClearRealtimeReconnectProgress]{{
	name: "ClearRealtimeReconnectProgress", from: livePhases,
	guards: []guard[ClearRealtimeReconnectProgress]{realtimeRegistered[ClearRealtimeReconnectProgress]()},
	update: func(s *State, _ ClearRealtimeReconnectProgress) { s.resetRealtimeReconnect() },
	emit:   emitReconnectCleared[ClearRealtimeReconnectProgress],
}}

// ---------------------------------------------------------------------------------------
// Live topology reconfigure inputs (spec §9.2, §9.4)
// ---------------------------------------------------------------------------------------

// BeginLiveTopologyReconfigure starts a live topology reconfigure for the holder of the
// current authority epoch (spec §9.2): Idle → Reconfiguring.
type BeginLiveTopologyReconfigure struct {
	AuthorityEpoch uint64 `json:"authority_epoch"`
}

// Name returns "BeginLiveTopologyReconfigure".
func (BeginLiveTopologyReconfigure) Name() string { return "BeginLiveTopologyReconfigure" }

func (in BeginLiveTopologyReconfigure) presentedEpoch() uint64 { return in.AuthorityEpoch }

func (in BeginLiveTopologyReconfigure) step(s *State) (Effects, error) {
	return step(s, in, beginLiveTopologyReconfigureRules)
}

func emitTopologyPhase[I any](s *State, _ I) Effects {
	return Effects{LiveTopologyPhaseChanged{NewPhase: s.LiveTopologyPhase}}
}

var beginLiveTopologyReconfigureRules = []rule[BeginLiveTopologyReconfigure]{{
	name: "BeginLiveTopologyReconfigure", from: livePhases,
	guards: []guard[BeginLiveTopologyReconfigure]{
		realtimeRegistered[BeginLiveTopologyReconfigure](),
		realtimeAuthorityMatches[BeginLiveTopologyReconfigure](),
		realtimeTopologyIdle[BeginLiveTopologyReconfigure](guardTopologyIdle),
	},
	update: func(s *State, _ BeginLiveTopologyReconfigure) { s.LiveTopologyPhase = TopologyReconfiguring },
	emit:   emitTopologyPhase[BeginLiveTopologyReconfigure],
}}

// MarkLiveTopologyDetached is the "safe to detach" gate (spec §9.2): accepted once the
// turn is at a safe boundary, it drops the binding and rotates the epoch (Reconfiguring →
// Detached). The shell retries it until accepted. If the session has an active live
// channel, the machine also asks the shell to close it (LiveChannelCloseRequested).
type MarkLiveTopologyDetached struct{}

// Name returns "MarkLiveTopologyDetached".
func (MarkLiveTopologyDetached) Name() string { return "MarkLiveTopologyDetached" }

func (in MarkLiveTopologyDetached) step(s *State) (Effects, error) {
	return step(s, in, markLiveTopologyDetachedRules)
}

var markLiveTopologyDetachedRules = []rule[MarkLiveTopologyDetached]{{
	name: "MarkLiveTopologyDetached", from: livePhases,
	guards: []guard[MarkLiveTopologyDetached]{
		realtimeRegistered[MarkLiveTopologyDetached](),
		realtimeTopologyIs[MarkLiveTopologyDetached](guardTopologyReconfiguring, TopologyReconfiguring),
		{guardTopologySafeBoundary, func(s *State, _ MarkLiveTopologyDetached) bool { return s.AtSafeBoundary() }},
	},
	update: func(s *State, _ MarkLiveTopologyDetached) {
		s.LiveTopologyPhase = TopologyDetached
		s.unbindRealtime(false)
	},
	emit: func(s *State, _ MarkLiveTopologyDetached) Effects {
		changed := LiveTopologyPhaseChanged{NewPhase: s.LiveTopologyPhase}
		if ch, ok := s.activeLiveChannel(); ok {
			return Effects{changed, LiveChannelCloseRequested{
				SessionID: s.SessionID.Get(), ChannelID: ch, Reason: CloseRequestTopology,
			}}
		}
		return Effects{changed}
	},
}}

// ApplyLiveTopologyIdentity records that the host applied the new LLM identity (spec
// §9.2): Detached → HostIdentityApplied.
type ApplyLiveTopologyIdentity struct{}

// Name returns "ApplyLiveTopologyIdentity".
func (ApplyLiveTopologyIdentity) Name() string { return "ApplyLiveTopologyIdentity" }

func (in ApplyLiveTopologyIdentity) step(s *State) (Effects, error) {
	return step(s, in, applyLiveTopologyIdentityRules)
}

var applyLiveTopologyIdentityRules = []rule[ApplyLiveTopologyIdentity]{{
	name: "ApplyLiveTopologyIdentity", from: livePhases,
	guards: []guard[ApplyLiveTopologyIdentity]{
		realtimeRegistered[ApplyLiveTopologyIdentity](),
		realtimeTopologyIs[ApplyLiveTopologyIdentity](guardTopologyDetached, TopologyDetached),
	},
	update: func(s *State, _ ApplyLiveTopologyIdentity) { s.LiveTopologyPhase = TopologyHostIdentityApplied },
	emit:   emitTopologyPhase[ApplyLiveTopologyIdentity],
}}

// ApplyLiveTopologyVisibility records that the host installed and persisted the new tool
// visibility (spec §9.2): HostIdentityApplied → HostVisibilityApplied.
type ApplyLiveTopologyVisibility struct{}

// Name returns "ApplyLiveTopologyVisibility".
func (ApplyLiveTopologyVisibility) Name() string { return "ApplyLiveTopologyVisibility" }

func (in ApplyLiveTopologyVisibility) step(s *State) (Effects, error) {
	return step(s, in, applyLiveTopologyVisibilityRules)
}

var applyLiveTopologyVisibilityRules = []rule[ApplyLiveTopologyVisibility]{{
	name: "ApplyLiveTopologyVisibility", from: livePhases,
	guards: []guard[ApplyLiveTopologyVisibility]{
		realtimeRegistered[ApplyLiveTopologyVisibility](),
		realtimeTopologyIs[ApplyLiveTopologyVisibility](guardTopologyIdentity, TopologyHostIdentityApplied),
	},
	update: func(s *State, _ ApplyLiveTopologyVisibility) { s.LiveTopologyPhase = TopologyHostVisibilityApplied },
	emit:   emitTopologyPhase[ApplyLiveTopologyVisibility],
}}

// CompleteLiveTopology ends a successful reconfigure (spec §9.2): HostVisibilityApplied →
// Idle. The binding stays detached; LiveTopologyCompletion says whether to attach again.
type CompleteLiveTopology struct{}

// Name returns "CompleteLiveTopology".
func (CompleteLiveTopology) Name() string { return "CompleteLiveTopology" }

func (in CompleteLiveTopology) step(s *State) (Effects, error) {
	return step(s, in, completeLiveTopologyRules)
}

var completeLiveTopologyRules = []rule[CompleteLiveTopology]{{
	name: "CompleteLiveTopology", from: livePhases,
	guards: []guard[CompleteLiveTopology]{
		realtimeRegistered[CompleteLiveTopology](),
		realtimeTopologyIs[CompleteLiveTopology](guardTopologyVisibility, TopologyHostVisibilityApplied),
	},
	update: func(s *State, _ CompleteLiveTopology) { s.LiveTopologyPhase = TopologyIdle },
	emit:   emitTopologyPhase[CompleteLiveTopology],
}}

// AbortLiveTopologyBeforeDetach abandons a reconfigure that has not detached yet (spec
// §9.2): Reconfiguring → Idle, binding and epoch untouched, so the caller may retry.
type AbortLiveTopologyBeforeDetach struct{}

// Name returns "AbortLiveTopologyBeforeDetach".
func (AbortLiveTopologyBeforeDetach) Name() string { return "AbortLiveTopologyBeforeDetach" }

func (in AbortLiveTopologyBeforeDetach) step(s *State) (Effects, error) {
	return step(s, in, abortLiveTopologyBeforeDetachRules)
}

var abortLiveTopologyBeforeDetachRules = []rule[AbortLiveTopologyBeforeDetach]{{
	name: "AbortLiveTopologyBeforeDetach", from: livePhases,
	guards: []guard[AbortLiveTopologyBeforeDetach]{
		realtimeRegistered[AbortLiveTopologyBeforeDetach](),
		realtimeTopologyIs[AbortLiveTopologyBeforeDetach](guardTopologyReconfiguring, TopologyReconfiguring),
	},
	update: func(s *State, _ AbortLiveTopologyBeforeDetach) { s.LiveTopologyPhase = TopologyIdle },
	emit:   emitTopologyPhase[AbortLiveTopologyBeforeDetach],
}}

// FailLiveTopologyAfterDetach ends a reconfigure whose host work failed after the detach
// (spec §9.2): back to Idle, binding gone, reattach required, epoch rotated.
type FailLiveTopologyAfterDetach struct{}

// Name returns "FailLiveTopologyAfterDetach".
func (FailLiveTopologyAfterDetach) Name() string { return "FailLiveTopologyAfterDetach" }

func (in FailLiveTopologyAfterDetach) step(s *State) (Effects, error) {
	return step(s, in, failLiveTopologyAfterDetachRules)
}

var failLiveTopologyAfterDetachRules = []rule[FailLiveTopologyAfterDetach]{{
	name: "FailLiveTopologyAfterDetach", from: livePhases,
	guards: []guard[FailLiveTopologyAfterDetach]{
		realtimeRegistered[FailLiveTopologyAfterDetach](),
		{guardTopologyPastDetach, func(s *State, _ FailLiveTopologyAfterDetach) bool {
			switch s.LiveTopologyPhase {
			case TopologyDetached, TopologyHostIdentityApplied, TopologyHostVisibilityApplied:
				return true
			}
			return false
		}},
	},
	update: func(s *State, _ FailLiveTopologyAfterDetach) {
		s.LiveTopologyPhase = TopologyIdle
		s.unbindRealtime(true)
	},
	emit: emitTopologyPhase[FailLiveTopologyAfterDetach],
}}

// ---------------------------------------------------------------------------------------
// Effects
// ---------------------------------------------------------------------------------------

// RealtimeIntentProjected reports the new realtime intent bit (spec §9.2; external: a
// notice to observers).
type RealtimeIntentProjected struct {
	effect
	Present bool `json:"present"`
}

// Name returns "RealtimeIntentProjected".
func (RealtimeIntentProjected) Name() string { return "RealtimeIntentProjected" }

// RealtimeBindingRotated reports the authority epoch a new binding was minted under (spec
// §9.2; local: the shell hands RealtimeAttachmentSignalAuthority{session_id, epoch} to the
// provider, and every provider callback presents it).
type RealtimeBindingRotated struct {
	effect
	AuthorityEpoch uint64 `json:"authority_epoch"`
}

// Name returns "RealtimeBindingRotated".
func (RealtimeBindingRotated) Name() string { return "RealtimeBindingRotated" }

// RealtimeReconnectProgressProjected reports the reconnect cycle's progress (spec §9.2;
// external: published as the channel status). Zero attempts and no times mean "no cycle".
type RealtimeReconnectProgressProjected struct {
	effect
	AttemptCount  uint64      `json:"attempt_count"`
	NextRetryAtMs Opt[uint64] `json:"next_retry_at_ms,omitzero"`
	DeadlineAtMs  Opt[uint64] `json:"deadline_at_ms,omitzero"`
}

// Name returns "RealtimeReconnectProgressProjected".
func (RealtimeReconnectProgressProjected) Name() string { return "RealtimeReconnectProgressProjected" }

// LiveTopologyPhaseChanged reports the live topology phase after the input (spec §9.2;
// external). The DSL effect has no fields; NewPhase is our addition so observers need not
// read the state.
type LiveTopologyPhaseChanged struct {
	effect
	NewPhase LiveTopologyPhase `json:"new_phase"`
}

// Name returns "LiveTopologyPhaseChanged".
func (LiveTopologyPhaseChanged) Name() string { return "LiveTopologyPhaseChanged" }

// LiveChannelCloseRequested asks the shell to close a live channel (local; our joining rule
// between the topology plane and the live channel plane, see the top of this file). The
// shell closes the channel through the live adapter and records it with
// RecordLiveCloseClosed.
type LiveChannelCloseRequested struct {
	effect
	SessionID string                 `json:"session_id"`
	ChannelID string                 `json:"channel_id"`
	Reason    LiveChannelCloseReason `json:"reason"`
}

// Name returns "LiveChannelCloseRequested".
func (LiveChannelCloseRequested) Name() string { return "LiveChannelCloseRequested" }

// LiveChannelCloseReason says why the machine asks for a live channel to be closed.
type LiveChannelCloseReason = enum[liveChannelCloseReasonNames]

type liveChannelCloseReasonNames struct{}

func (liveChannelCloseReasonNames) enumName() string   { return "LiveChannelCloseReason" }
func (liveChannelCloseReasonNames) variants() []string { return liveChannelCloseReasonNamesList[:] }

var liveChannelCloseReasonNamesList = [...]string{"", "topology"}

// LiveChannelCloseReason variants.
const (
	// CloseRequestTopology: a live topology reconfigure detached the session's binding.
	CloseRequestTopology LiveChannelCloseReason = 1 + iota
)

// ---------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------

// checkRealtimeInvariants holds spec §9.1. realtime_binding_epoch_consistency is the DSL's
// own invariant; the others follow from the §9.2 updates and catch corrupt snapshots.
func (s *State) checkRealtimeInvariants() error {
	epoch, bound := s.RealtimeBindingAuthorityEpoch.Lookup()
	switch {
	case !s.RealtimeBindingState.Valid() || !s.RealtimeReconnectCycleState.Valid() || !s.LiveTopologyPhase.Valid():
		return broken("realtime enumerations hold declared variants")
	case (s.RealtimeBindingState == BindingUnbound) == bound:
		return broken("realtime_binding_epoch_consistency: Unbound iff no authority epoch")
	case s.RealtimeNextAuthorityEpoch == 0 || (bound && epoch >= s.RealtimeNextAuthorityEpoch):
		return broken("realtime authority epoch is below realtime_next_authority_epoch (epochs start at 1)")
	case s.RealtimeReattachRequired && bound:
		return broken("realtime_reattach_required only while unbound")
	case (s.RealtimeReconnectCycleState == ReconnectReconnecting) != (s.RealtimeReconnectAttemptCount > 0):
		return broken("realtime reconnect attempts counted only while Reconnecting")
	case s.RealtimeReconnectCycleState != ReconnectReconnecting &&
		(s.RealtimeReconnectNextRetryAtMs.Present() || s.RealtimeReconnectDeadlineAtMs.Present()):
		return broken("realtime reconnect retry and deadline only while Reconnecting")
	case s.liveTopologyPastDetach() && bound:
		return broken("live topology past detach keeps the binding Unbound")
	}
	return nil
}

func (s *State) liveTopologyPastDetach() bool {
	switch s.LiveTopologyPhase {
	case TopologyDetached, TopologyHostIdentityApplied, TopologyHostVisibilityApplied:
		return true
	}
	return false
}

// ---------------------------------------------------------------------------------------
// Projections (spec §9.3)
// ---------------------------------------------------------------------------------------

// RealtimeAttachmentStatus projects the binding fields onto the shell-facing status (spec
// §9.3): a required reattach wins over everything; otherwise the binding state, with
// Unbound split by the intent bit.
func (s *State) RealtimeAttachmentStatus() RealtimeAttachmentStatus {
	if s.RealtimeReattachRequired {
		return AttachmentReattachRequired
	}
	switch s.RealtimeBindingState {
	case BindingBindingNotReady:
		return AttachmentBindingNotReady
	case BindingBindingReady:
		return AttachmentBindingReady
	case BindingReplacementPending:
		return AttachmentReplacementPending
	}
	if s.RealtimeIntentPresent {
		return AttachmentIntentPresentUnbound
	}
	return AttachmentUnattached
}

// RealtimeChannelStatus is the public realtime channel status (spec §9.3). Timestamps are
// RFC 3339 in UTC. Optional fields are left out of JSON when absent, as upstream does.
type RealtimeChannelStatus struct {
	State        RealtimeChannelState `json:"state"`
	AttemptCount uint32               `json:"attempt_count"`
	NextRetryAt  Opt[string]          `json:"next_retry_at,omitzero"`
	DeadlineAt   Opt[string]          `json:"deadline_at,omitzero"`
	Reason       Opt[string]          `json:"reason,omitzero"`
}

// Reasons of the public channel status (spec §9.3), as upstream words them.
const (
	ReasonReconnectExhausted  = "realtime reconnect attempts exhausted"
	ReasonNoRealtimeChannel   = "no realtime channel is open for this target"
	ReasonAttachmentPending   = "realtime attachment is pending"
	ReasonReplacementPending  = "realtime attachment replacement is pending"
	ReasonReattachRequiredMsg = "realtime attachment requires reattach"
)

// RealtimeChannelStatus projects the machine's attachment and reconnect fields into the
// public status (spec §9.3). An exhausted cycle reads Error. Attempt count, retry and
// deadline are filled only while the status is Reconnecting and a machine reconnect cycle
// is running; the attempt count is clamped to the wire's u32.
func (s *State) RealtimeChannelStatus() RealtimeChannelStatus {
	if s.RealtimeReconnectCycleState == ReconnectExhausted {
		return RealtimeChannelStatus{State: RealtimeChannelError, Reason: Some(ReasonReconnectExhausted)}
	}
	var out RealtimeChannelStatus
	switch s.RealtimeAttachmentStatus() {
	case AttachmentUnattached:
		out = RealtimeChannelStatus{State: RealtimeChannelClosed, Reason: Some(ReasonNoRealtimeChannel)}
	case AttachmentIntentPresentUnbound, AttachmentBindingNotReady:
		out = RealtimeChannelStatus{State: RealtimeChannelOpening, Reason: Some(ReasonAttachmentPending)}
	case AttachmentBindingReady:
		out = RealtimeChannelStatus{State: RealtimeChannelReady}
	case AttachmentReplacementPending:
		out = RealtimeChannelStatus{State: RealtimeChannelReconnecting, Reason: Some(ReasonReplacementPending)}
	default:
		out = RealtimeChannelStatus{State: RealtimeChannelReconnecting, Reason: Some(ReasonReattachRequiredMsg)}
	}
	if out.State == RealtimeChannelReconnecting && s.RealtimeReconnectCycleState == ReconnectReconnecting &&
		(s.RealtimeReconnectAttemptCount > 0 || s.RealtimeReconnectNextRetryAtMs.Present() || s.RealtimeReconnectDeadlineAtMs.Present()) {
		out.AttemptCount = uint32(min(s.RealtimeReconnectAttemptCount, uint64(^uint32(0))))
		out.NextRetryAt = rfc3339FromMs(s.RealtimeReconnectNextRetryAtMs)
		out.DeadlineAt = rfc3339FromMs(s.RealtimeReconnectDeadlineAtMs)
	}
	return out
}

// maxRFC3339Ms is 9999-12-31T23:59:59.999Z, the last instant RFC 3339 can write.
const maxRFC3339Ms = 253402300799999

// rfc3339FromMs renders milliseconds since the Unix epoch as RFC 3339 in UTC the way the
// Rust shell did (chrono's to_rfc3339): "+00:00" for the zone and a fraction only when the
// milliseconds are not zero. It formats a given instant; it never reads a clock. An
// instant beyond year 9999 is rendered absent.
func rfc3339FromMs(ms Opt[uint64]) Opt[string] {
	v, ok := ms.Lookup()
	if !ok || v > maxRFC3339Ms {
		return None[string]()
	}
	layout := "2006-01-02T15:04:05-07:00"
	if v%1000 != 0 {
		layout = "2006-01-02T15:04:05.000-07:00"
	}
	return Some(time.UnixMilli(int64(v)).UTC().Format(layout))
}

// RealtimeAttachmentSignalAuthority is the token handed to a realtime provider (spec
// §9.3): every provider callback presents it, and a stale epoch is rejected.
type RealtimeAttachmentSignalAuthority struct {
	SessionID      string `json:"session_id"`
	AuthorityEpoch uint64 `json:"authority_epoch"`
}

// RealtimeAuthority reads the current binding authority back from the state, as the shell
// does after attach_live or replace_realtime_attachment. With no binding it is an Internal
// error: the attach input was accepted but left no epoch (a guard regression).
func (s *State) RealtimeAuthority() (RealtimeAttachmentSignalAuthority, error) {
	epoch, ok := s.RealtimeBindingAuthorityEpoch.Lookup()
	if !ok || !s.registered() {
		return RealtimeAttachmentSignalAuthority{}, &Rejection{
			Kind: KindInternal, Phase: s.LifecyclePhase, Input: "RealtimeAuthority",
			Reason: "the machine holds no realtime binding authority epoch; guard regression",
		}
	}
	return RealtimeAttachmentSignalAuthority{SessionID: s.SessionID.Get(), AuthorityEpoch: epoch}, nil
}

// ---------------------------------------------------------------------------------------
// Shell decisions (spec §9.4), pure
// ---------------------------------------------------------------------------------------

// RealtimeTransportAction is what the shell must do to the realtime transport (spec §9.4).
type RealtimeTransportAction = enum[realtimeTransportActionNames]

type realtimeTransportActionNames struct{}

func (realtimeTransportActionNames) enumName() string { return "RealtimeTransportAction" }
func (realtimeTransportActionNames) variants() []string {
	return realtimeTransportActionNamesList[:]
}

var realtimeTransportActionNamesList = [...]string{"", "NoOp", "HydrateFirst", "Attach", "Replace", "Detach"}

// RealtimeTransportAction variants.
const (
	// TransportNoOp: nothing to do.
	TransportNoOp RealtimeTransportAction = 1 + iota
	// TransportHydrateFirst: the machine's LLM state is not resolved; hydrate it (host call,
	// then HydrateSessionLlmState) and ask again with hydrated = true.
	TransportHydrateFirst
	// TransportAttach: apply BeginRealtimeBinding, then read RealtimeAuthority.
	TransportAttach
	// TransportReplace: apply ReplaceRealtimeBinding, then read RealtimeAuthority.
	TransportReplace
	// TransportDetach: apply DetachRealtimeBinding.
	TransportDetach
)

// RealtimeTransportDecision is a §9.4 decision about the realtime transport.
type RealtimeTransportDecision struct {
	Action RealtimeTransportAction `json:"action"`
}

// Input returns the machine input that carries the decision out, or nil when there is
// none (NoOp, HydrateFirst).
func (d RealtimeTransportDecision) Input() Input {
	switch d.Action {
	case TransportAttach:
		return BeginRealtimeBinding{}
	case TransportReplace:
		return ReplaceRealtimeBinding{}
	case TransportDetach:
		return DetachRealtimeBinding{}
	}
	return nil
}

// Operation names of the §9.4 shell operations, used in refusals.
const (
	OpAttachLive                = "attach_live"
	OpReplaceRealtimeAttachment = "replace_realtime_attachment"
	OpRealtimeBootstrap         = "realtime_bootstrap_eligibility"
	OpPublishRealtimeSignal     = "publish_realtime_attachment_signal"
	OpReconfigureLiveTopology   = "reconfigure_live_topology"
)

const unknownModelForRealtimeCheck = "<unknown>"

// checkRealtimeAttach is the attach_live / replace_realtime_attachment precondition of spec
// §9.4: a live executor attachment (phase Attached or Running, else NotReady reporting
// Idle as upstream does), and a realtime-capable model when the capability surface is
// known (known and not realtime: ValidationFailed; unknown: allowed).
func (s *State) checkRealtimeAttach(op string) error {
	if s.LifecyclePhase != PhaseAttached && s.LifecyclePhase != PhaseRunning {
		return &Rejection{
			Kind: KindNotReady, Phase: PhaseIdle, Input: op,
			Reason: fmt.Sprintf("%s needs a live executor attachment (runtime Attached or Running; the session is %s)", op, s.LifecyclePhase),
		}
	}
	if surface, known := s.CurrentSessionCapabilitySurface.Lookup(); known && !surface.Realtime {
		model := unknownModelForRealtimeCheck
		if id, ok := s.CurrentSessionLlmIdentity.Lookup(); ok {
			model = id.Model
		}
		return &Rejection{
			Kind: KindValidationFailed, Phase: s.LifecyclePhase, Input: op,
			Reason: fmt.Sprintf("%s: session model '%s' does not support realtime; reconfigure to a realtime-capable model (e.g. gpt-realtime) before attach", op, model),
		}
	}
	return nil
}

// AttachLive is the attach_live decision of spec §9.4: Attach when the preconditions hold,
// else the typed refusal (the state is not touched either way).
func (s *State) AttachLive() (RealtimeTransportDecision, error) {
	if err := s.checkRealtimeAttach(OpAttachLive); err != nil {
		return RealtimeTransportDecision{}, err
	}
	return RealtimeTransportDecision{Action: TransportAttach}, nil
}

// ReplaceRealtimeAttachment is the replace_realtime_attachment decision of spec §9.4:
// Replace under the attach_live preconditions.
func (s *State) ReplaceRealtimeAttachment() (RealtimeTransportDecision, error) {
	if err := s.checkRealtimeAttach(OpReplaceRealtimeAttachment); err != nil {
		return RealtimeTransportDecision{}, err
	}
	return RealtimeTransportDecision{Action: TransportReplace}, nil
}

// realtimeLlmResolved reports whether the machine holds a resolved identity and capability
// surface (the shell's "cached and Resolved").
func (s *State) realtimeLlmResolved() bool {
	return s.CurrentSessionLlmIdentity.Present() && s.CurrentSessionCapabilitySurface.Present() &&
		s.CurrentSessionCapabilitySurfaceStatus == SurfaceResolved
}

// CapabilityDrivenRealtimeTransport is apply_capability_driven_realtime_transport of spec
// §9.4: the resolved model's realtime capability drives the transport. With hydrated =
// false and no resolved surface it answers HydrateFirst; once hydrated, no surface means
// NoOp. Then: realtime and unbound → Attach (under the attach_live preconditions, whose
// refusal is returned); realtime and bound → NoOp (the caller keeps its authority); not
// realtime and bound → Detach; not realtime and unbound → NoOp. Bound means the attachment
// status is BindingNotReady, BindingReady or ReplacementPending.
func (s *State) CapabilityDrivenRealtimeTransport(hydrated bool) (RealtimeTransportDecision, error) {
	surface, ok := s.CurrentSessionCapabilitySurface.Lookup()
	if !hydrated && (!ok || s.CurrentSessionCapabilitySurfaceStatus != SurfaceResolved) {
		return RealtimeTransportDecision{Action: TransportHydrateFirst}, nil
	}
	if !ok {
		return RealtimeTransportDecision{Action: TransportNoOp}, nil
	}
	var bound bool
	switch s.RealtimeAttachmentStatus() {
	case AttachmentBindingNotReady, AttachmentBindingReady, AttachmentReplacementPending:
		bound = true
	}
	switch {
	case surface.Realtime && !bound:
		return s.AttachLive()
	case !surface.Realtime && bound:
		return RealtimeTransportDecision{Action: TransportDetach}, nil
	}
	return RealtimeTransportDecision{Action: TransportNoOp}, nil
}

// RealtimeBootstrapEligibility is the machine-owned answer to "may this session bootstrap
// realtime?" (spec §9.4). HydrateFirst: the machine's LLM state is not resolved; the shell
// hydrates and asks again with hydrated = true. Otherwise the session is eligible and
// Status is its channel status.
type RealtimeBootstrapEligibility struct {
	HydrateFirst bool                  `json:"hydrate_first"`
	Status       RealtimeChannelStatus `json:"status"`
}

// RealtimeBootstrapEligibility decides realtime bootstrap eligibility (spec §9.4), fail
// closed: eligible only when the identity and capability surface are resolved and the
// surface supports realtime. After hydration an unresolved surface is ValidationFailed
// ("…eligibility is unresolved…"); a non-realtime model is ValidationFailed ("…does not
// support realtime…").
func (s *State) RealtimeBootstrapEligibility(hydrated bool) (RealtimeBootstrapEligibility, error) {
	if !s.realtimeLlmResolved() {
		if !hydrated {
			return RealtimeBootstrapEligibility{HydrateFirst: true}, nil
		}
		id := s.CurrentSessionLlmIdentity.Get()
		return RealtimeBootstrapEligibility{}, &Rejection{
			Kind: KindValidationFailed, Phase: s.LifecyclePhase, Input: OpRealtimeBootstrap,
			Reason: fmt.Sprintf("realtime bootstrap eligibility is unresolved for provider '%s' model '%s'", id.Provider, id.Model),
		}
	}
	if !s.CurrentSessionCapabilitySurface.Get().Realtime {
		return RealtimeBootstrapEligibility{}, &Rejection{
			Kind: KindValidationFailed, Phase: s.LifecyclePhase, Input: OpRealtimeBootstrap,
			Reason: fmt.Sprintf("session model '%s' does not support realtime; reconfigure to a realtime-capable model before opening realtime",
				s.CurrentSessionLlmIdentity.Get().Model),
		}
	}
	return RealtimeBootstrapEligibility{Status: s.RealtimeChannelStatus()}, nil
}

// RealtimeBootstrapHostMissing is the refusal of spec §9.4 when the LLM state must be
// hydrated but no reconfigure host is configured (cause says why).
func (s *State) RealtimeBootstrapHostMissing(cause string) error {
	return &Rejection{
		Kind: KindValidationFailed, Phase: s.LifecyclePhase, Input: OpRealtimeBootstrap,
		Reason: fmt.Sprintf("realtime bootstrap eligibility is unresolved for session %s: %s", s.SessionID.Get(), cause),
	}
}

// PublishRealtimeAttachmentSignal builds the PublishRealtimeSignal input for a provider
// callback (spec §9.4). Only BindingNotReady, BindingReady and ReplacementPending may be
// published; any other status is refused with ValidationFailed before the machine.
func PublishRealtimeAttachmentSignal(authority RealtimeAttachmentSignalAuthority, status RealtimeAttachmentStatus) (PublishRealtimeSignal, error) {
	var next RealtimeBindingState
	switch status {
	case AttachmentBindingNotReady:
		next = BindingBindingNotReady
	case AttachmentBindingReady:
		next = BindingBindingReady
	case AttachmentReplacementPending:
		next = BindingReplacementPending
	default:
		return PublishRealtimeSignal{}, &Rejection{
			Kind: KindValidationFailed, Input: OpPublishRealtimeSignal,
			Reason: fmt.Sprintf("realtime signal cannot publish projection-only status %s", status),
		}
	}
	return PublishRealtimeSignal{AuthorityEpoch: authority.AuthorityEpoch, NextBindingState: next}, nil
}

// LiveTopologyCompletion is the last step of reconfigure_live_topology (spec §9.4 step 8),
// after CompleteLiveTopology: a realtime-capable target attaches again (a new epoch, under
// the attach_live preconditions); any other target is a ValidationFailed refusal saying
// the reconfigure completed detached.
func (s *State) LiveTopologyCompletion(target ResolvedSessionLlmReconfigure) (RealtimeTransportDecision, error) {
	if target.TargetCapabilitySurface.Realtime {
		return s.AttachLive()
	}
	return RealtimeTransportDecision{}, &Rejection{
		Kind: KindValidationFailed, Phase: s.LifecyclePhase, Input: OpReconfigureLiveTopology,
		Reason: fmt.Sprintf("target model '%s' has no realtime capability; live topology reconfigure completed detached", target.TargetIdentity.Model),
	}
}

// ---------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------

var realtimeCatalogue = []InputSpec{
	specOf("realtime", OriginCaller, "Record whether the session wants a realtime attachment.", projectRealtimeIntentRules),
	specOf("realtime", OriginCaller, "Begin a realtime binding under a new authority epoch (not during a topology reconfigure).", beginRealtimeBindingRules),
	specOf("realtime", OriginCaller, "Replace the realtime binding under a new authority epoch (not during a topology reconfigure).", replaceRealtimeBindingRules),
	specOf("realtime", OriginCaller, "Drop the realtime binding; the intent bit stays.", detachRealtimeBindingRules),
	specOf("realtime", OriginCaller, "Drop the realtime binding and require a reattach.", requireRealtimeReattachRules),
	specOf("realtime", OriginCaller, "Require a reattach, for the holder of the current authority epoch.", requireRealtimeReattachForAuthorityRules),
	specOf("realtime", OriginCaller, "Provider callback: publish the binding state under the current authority epoch.", publishRealtimeSignalRules),
	specOf("realtime", OriginCaller, "Start a reconnect cycle after a reattach was required.", beginRealtimeReconnectCycleRules),
	specOf("realtime", OriginCaller, "Count one more reconnect attempt and record its retry time.", scheduleRealtimeReconnectRetryRules),
	specOf("realtime", OriginCaller, "End the reconnect cycle as exhausted.", exhaustRealtimeReconnectCycleRules),
	specOf("realtime", OriginCaller, "Reset the reconnect cycle to Idle.", clearRealtimeReconnectProgressRules),
	specOf("realtime", OriginCaller, "Begin a live topology reconfigure for the holder of the current authority epoch.", beginLiveTopologyReconfigureRules),
	specOf("realtime", OriginCaller, "Detach the realtime binding once the turn is at a safe boundary (retry until accepted).", markLiveTopologyDetachedRules),
	specOf("realtime", OriginCaller, "Record that the host applied the new LLM identity.", applyLiveTopologyIdentityRules),
	specOf("realtime", OriginCaller, "Record that the host installed and persisted the new tool visibility.", applyLiveTopologyVisibilityRules),
	specOf("realtime", OriginCaller, "Complete a live topology reconfigure.", completeLiveTopologyRules),
	specOf("realtime", OriginCaller, "Abandon a live topology reconfigure before the detach; the binding is kept.", abortLiveTopologyBeforeDetachRules),
	specOf("realtime", OriginCaller, "Fail a live topology reconfigure after the detach; a reattach is required.", failLiveTopologyAfterDetachRules),
}

var realtimeEffects = []Effect{
	RealtimeIntentProjected{}, RealtimeBindingRotated{}, RealtimeReconnectProgressProjected{},
	LiveTopologyPhaseChanged{}, LiveChannelCloseRequested{},
}
