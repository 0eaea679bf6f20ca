package workflows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

var testIdentity = machine.SessionLlmIdentity{Model: "gpt-realtime", Provider: machine.ProviderOpenAI}

// openLiveChannel opens a session and admits a live channel for it.
func openLiveChannel(t *testing.T, sc *sessionclient.Client, session string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	channel := machine.NewChannelID(session, [16]byte{1, 2, 3})
	fx, err := sc.Apply(ctx, session, machine.ResolveLiveOpenAdmission{SessionID: session, ChannelID: channel, LlmIdentity: testIdentity})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := fx[0].(machine.LiveOpenAdmissionResolved); !ok || !r.Admitted {
		t.Fatalf("open admission = %v", fx)
	}
	return channel
}

// TestRealTokenNeverInHistory issues a WebSocket token through the client, admits it,
// and then searches the whole history, the queries and the search attributes for the
// token and its secret part: only the digest is there.
func TestRealTokenNeverInHistory(t *testing.T) {
	tc, sc := realClient(t, sessionclient.Options{})
	ctx := context.Background()
	const session = "tokens"
	channel := openLiveChannel(t, sc, session)

	token, _, err := sc.IssueWebsocketToken(ctx, session, channel, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	fx, err := sc.AdmitWebsocketToken(ctx, token, channel)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := fx[0].(machine.LiveWebsocketTokenAdmissionResolved); !ok || !r.Admitted {
		t.Fatalf("admission = %v", fx)
	}
	// The same token again is refused: it is single use.
	fx, err = sc.AdmitWebsocketToken(ctx, token, channel)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := fx[0].(machine.LiveWebsocketTokenAdmissionResolved); !ok || r.Admitted {
		t.Fatalf("second admission = %v", fx)
	}
	// A raw token sent to the workflow is refused before it reaches history.
	_, err = sc.Apply(ctx, session, machine.ResolveLiveWebsocketTokenAdmission{SessionID: session, ChannelID: channel, Token: token, ObservedAtMs: 1})
	if !strings.Contains(err.Error(), "digest") {
		t.Fatalf("raw token update: %v, want a refusal asking for the digest", err)
	}

	// The binary encoding holds payload bytes and strings verbatim (JSON would base64 the
	// payloads and hide them from the search).
	secret := token[strings.LastIndexByte(token, '.')+1:]
	var events []byte
	for _, e := range history(t, tc, workflows.WorkflowID(session), "") {
		b, err := proto.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, b...)
	}
	if !bytes.Contains(events, []byte(machine.TokenDigest(token))) {
		t.Fatal("the token's digest is not in history: the search looks in the wrong place")
	}
	var haystack strings.Builder
	haystack.Write(events)
	desc, err := tc.DescribeWorkflowExecution(ctx, workflows.WorkflowID(session), "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(desc)
	if err != nil {
		t.Fatal(err)
	}
	haystack.Write(b)
	for _, q := range []string{workflows.QueryMachineState, workflows.QueryLiveRouting, workflows.QueryShellStatus} {
		v, err := tc.QueryWorkflow(ctx, workflows.WorkflowID(session), "", q)
		if err != nil {
			t.Fatal(err)
		}
		var raw json.RawMessage
		if err := v.Get(&raw); err != nil {
			t.Fatal(err)
		}
		haystack.Write(raw)
	}
	text := haystack.String()
	if strings.Contains(text, token) || strings.Contains(text, secret) {
		t.Fatal("the token or its secret appears in history, search attributes or queries")
	}
}

// TestRealUnboundAuthority: requests no session owns are answered by the singleton, whose
// sequence counters are shared across calls; routing finds the owner of a known channel.
func TestRealUnboundAuthority(t *testing.T) {
	_, sc := realClient(t, sessionclient.Options{})
	ctx := context.Background()
	owned := openLiveChannel(t, sc, "routed")
	route, err := sc.RouteLive(ctx, "", owned)
	if err != nil || route.SessionID != "routed" || !route.Ownership.ActiveChannel {
		t.Fatalf("route of an owned channel = %+v, %v", route, err)
	}
	orphan := machine.NewChannelID("nobody", [16]byte{9})
	route, err = sc.RouteLive(ctx, "", orphan)
	if err != nil || route.SessionID != "" {
		t.Fatalf("route of an orphan channel = %+v, %v", route, err)
	}
	before := unboundCommandSequence(t, sc)
	for i := range 3 {
		fx, err := sc.RejectUnboundCommand(ctx, orphan, machine.CommandInterrupt)
		if err != nil {
			t.Fatal(err)
		}
		r := fx[0].(machine.LiveCommandRejectionResolved)
		if r.Sequence != before+uint64(i)+1 || r.Rejection != machine.CommandRejectionChannelNotFound {
			t.Fatalf("rejection %d = %+v, want sequence %d", i, r, before+uint64(i)+1)
		}
	}
	token, _ := sessionclient.MintLiveToken("nobody")
	fx, err := sc.AdmitWebsocketToken(ctx, token, orphan)
	if err != nil {
		t.Fatal(err)
	}
	if r := fx[0].(machine.LiveWebsocketTokenAdmissionResolved); r.Admitted || r.Rejection.Get() != machine.WebsocketChannelNotBound {
		t.Fatalf("unbound admission = %+v", r)
	}
}

// unboundCommandSequence reads the unbound authority's command rejection counter (0
// before the singleton first ran).
func unboundCommandSequence(t *testing.T, sc *sessionclient.Client) uint64 {
	t.Helper()
	st, err := sc.UnboundState(context.Background())
	if err != nil {
		return 0
	}
	return st.LiveCommandRejectionSequence
}

// TestRealOpenLive opens a channel end to end (client, workflow, loopback live adapter),
// admits its token once, and refuses a second channel for the same session as an outcome.
func TestRealOpenLive(t *testing.T) {
	_, sc := realClient(t, sessionclient.Options{})
	ctx := context.Background()
	const session = "open-live"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	opened, err := sc.OpenLive(ctx, session, time.Minute, testIdentity)
	if err != nil {
		t.Fatal(err)
	}
	if !opened.Result.Admission.Admitted || opened.Token == "" || opened.Result.Token.Get().Token != machine.TokenDigest(opened.Token) {
		t.Fatalf("open = %+v", opened)
	}
	fx, err := sc.AdmitWebsocketToken(ctx, opened.Token, opened.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if r := fx[0].(machine.LiveWebsocketTokenAdmissionResolved); !r.Admitted {
		t.Fatalf("admission = %+v", r)
	}
	second, err := sc.OpenLive(ctx, session, time.Minute, testIdentity)
	if err != nil || second.Result.Admission.Admitted || second.Token != "" || second.Result.Admission.Rejection.Get() != machine.OpenAlreadyBound {
		t.Fatalf("second open = %+v, %v", second, err)
	}
}
