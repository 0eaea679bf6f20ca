package machine

import (
	"reflect"
	"testing"
)

// spec §1.9, §8.7: the unbound authority is an initialised machine with no session, whose
// counters are shared by every unbound call.
func TestUnboundAuthority(t *testing.T) {
	u := NewUnboundAuthority()
	if u.LifecyclePhase != PhaseIdle || u.SessionID.Present() || u.LiveOpenAdmissionSequence != 0 || len(u.LiveWebsocketTokens) != 0 {
		t.Fatalf("%v", u)
	}
	if err := u.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	orphan := NewChannelID("gone", [16]byte{1})
	commands := []LiveCommandPublicKind{CommandSendInput, CommandCommitInput, CommandInterrupt, CommandTruncateAssistantOutput}
	for i, c := range commands {
		fx := mustApply(t, &u, UnboundCommand(orphan, c))
		want := LiveCommandRejectionResolved{ChannelID: orphan, Command: c, Rejection: CommandRejectionChannelNotFound, PublicErrorClass: CommandClassInvalidParams, Sequence: uint64(i + 1)}
		if !reflect.DeepEqual(fx, Effects{want}) {
			t.Fatalf("%v", fx)
		}
	}
	requests := []RecordLiveChannelRequestRejected{
		UnboundChannelRequest(orphan, RequestStatus), UnboundChannelRequest(orphan, RequestClose),
		UnboundChannelRequest(orphan, RequestRefresh), UnboundWebrtcAnswer(orphan),
	}
	for i, in := range requests {
		fx := mustApply(t, &u, in)
		want := LiveChannelRequestRejectionResolved{ChannelID: orphan, Request: in.Request, Rejection: RequestRejectionChannelNotFound, PublicErrorClass: RequestClassInvalidParams, Sequence: uint64(i + 1)}
		if !reflect.DeepEqual(fx, Effects{want}) {
			t.Fatalf("%v", fx)
		}
	}
	if requests[3].Request != RequestWebrtcAnswer {
		t.Fatal("UnboundWebrtcAnswer")
	}
	// A WebSocket upgrade: always ChannelNotBound / InvalidToken, whatever the token.
	for i, tok := range []string{"", "tok", NewLiveToken("gone", [32]byte{2})} {
		fx := mustApply(t, &u, UnboundWebsocketAdmission(orphan, tok, 5))
		want := LiveWebsocketTokenAdmissionResolved{ChannelID: orphan, Token: tok, Rejection: Some(WebsocketChannelNotBound),
			PublicErrorClass: Some(WebsocketClassInvalidToken), Sequence: uint64(i + 1)}
		if !reflect.DeepEqual(fx, Effects{want}) {
			t.Fatalf("%v", fx)
		}
	}
	for _, in := range []Input{UnboundWebsocketAdmission(orphan, "tok", 0), UnboundWebsocketAdmission("", "tok", 5), UnboundCommand("", CommandInterrupt), UnboundChannelRequest("", RequestStatus)} {
		if _, err := applyChecked(t, &u, in); KindOf(err) != KindRejected {
			t.Fatalf("%+v: %v", in, err)
		}
	}
	if u.LiveCommandRejectionSequence != 4 || u.LiveChannelRequestRejectionSequence != 4 || u.LiveWebsocketTokenAdmissionSequence != 3 {
		t.Fatal("guard rejections must not advance the counters")
	}
}
