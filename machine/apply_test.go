package machine

import (
	"maps"
	"testing"
)

// The journal restores map writes, deletions and clears made while staged.
func TestStageJournalRestoresMaps(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	s.LiveActiveChannelBySession = map[string]string{"a": "1", "b": "2"}
	s.LiveChannelSessionByChannel = map[string]string{"1": "a"}
	want := maps.Clone(s.LiveActiveChannelBySession)

	st := &Staged{s: &s, before: s}
	s.journal = st
	put(&s, &s.LiveActiveChannelBySession, "a", "changed")
	put(&s, &s.LiveActiveChannelBySession, "c", "new")
	del(&s, s.LiveActiveChannelBySession, "b")
	del(&s, s.LiveActiveChannelBySession, "missing")
	clearMap(&s, &s.LiveChannelSessionByChannel)
	put(&s, &s.LiveChannelIdentityByChannel, "x", SessionLlmIdentity{Model: "m"})
	s.journal = nil
	s.Applied++
	st.applied = s.Applied

	if !st.Restore() {
		t.Fatal("restore refused")
	}
	if !maps.Equal(s.LiveActiveChannelBySession, want) || len(s.LiveChannelSessionByChannel) != 1 || s.LiveChannelIdentityByChannel != nil {
		t.Fatalf("not restored: %v %v %v", s.LiveActiveChannelBySession, s.LiveChannelSessionByChannel, s.LiveChannelIdentityByChannel)
	}
	if st.Restore() {
		t.Fatal("a second restore must be refused")
	}
}

// Restore is compare-and-restore: once another input was accepted it refuses.
func TestStageRestoreOnlyIfCurrent(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	st, fx, err := s.Stage(StopRuntimeExecutor{Reason: "x"})
	if err != nil || len(fx) != 2 {
		t.Fatal(err)
	}
	if _, err := s.Apply(Recover{}); err != nil {
		t.Fatal(err)
	}
	if st.Restore() {
		t.Fatal("restored over a later input")
	}
	st, _, err = s.Stage(RuntimeExecutorExited{})
	if err != nil || s.LifecyclePhase != PhaseStopped {
		t.Fatal(err)
	}
	if !st.Restore() || s.LifecyclePhase != PhaseIdle {
		t.Fatal("restore of the current staged input")
	}
	if _, _, err := s.Stage(nil); KindOf(err) != KindValidationFailed {
		t.Fatal(err)
	}
	if _, _, err := s.Stage(Commit{RunID: "r"}); KindOf(err) != KindNotReady {
		t.Fatal(err)
	}
	if got := (Effects{RuntimeNotice{}, WakeInterrupt{}}).Names(); len(got) != 2 || got[1] != "WakeInterrupt" {
		t.Fatal(got)
	}
}
