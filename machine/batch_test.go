package machine

import (
	"slices"
	"testing"
)

func TestNextRunBatch(t *testing.T) {
	accept := func(s *State, id string, lane InputLane) {
		t.Helper()
		req := AcceptRequest{InputID: id, InputKind: KindPeerMessage, InputOrigin: OriginPeer, Durability: DurabilityDurable, RequestedLane: Some(lane)}
		if lane == LaneQueue {
			req = AcceptRequest{InputID: id, InputKind: KindPrompt, InputOrigin: OriginOperator, Durability: DurabilityDurable}
		}
		res, err := s.Accept(req)
		if err != nil || res.Outcome.Outcome != AcceptAccepted {
			t.Fatalf("accept %s: %+v %v", id, res, err)
		}
	}
	tests := []struct {
		name   string
		queued []string
		steer  []string
		want   []string
	}{
		{name: "nothing waits"},
		{name: "oldest queued runs alone", queued: []string{"q1", "q2", "q3"}, want: []string{"q1"}},
		{name: "steer inputs run first, together", queued: []string{"q1"}, steer: []string{"s1", "s2"}, want: []string{"s1", "s2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSession("s")
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tt.queued {
				accept(&s, id, LaneQueue)
			}
			for _, id := range tt.steer {
				accept(&s, id, LaneSteer)
			}
			if got := s.NextRunBatch(); !slices.Equal(got, tt.want) {
				t.Fatalf("NextRunBatch = %v, want %v", got, tt.want)
			}
		})
	}
}
