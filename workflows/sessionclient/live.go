package sessionclient

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// MintLiveToken makes a fresh token owned by sessionID (machine.NewLiveToken over 256
// random bits) and its digest. Only the digest is ever sent to a workflow.
func MintLiveToken(sessionID string) (token, digest string) {
	var random [32]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails (Go 1.24+)
	token = machine.NewLiveToken(sessionID, random)
	return token, machine.TokenDigest(token)
}

// IssueWebsocketToken mints a WebSocket token for the session's channel, records its
// digest with the session (RecordLiveWebsocketTokenIssued) and, once the machine
// accepted it, returns the token. The token itself never leaves this process except to
// the caller.
func (c *Client) IssueWebsocketToken(ctx context.Context, sessionID, channelID string, ttl time.Duration) (string, machine.Effects, error) {
	token, digest := MintLiveToken(sessionID)
	fx, err := c.Apply(ctx, sessionID, machine.RecordLiveWebsocketTokenIssued{
		SessionID: sessionID, ChannelID: channelID, Token: digest,
		IssuedAtMs: uint64(time.Now().UnixMilli()), TTLMs: uint64(ttl.Milliseconds()),
	})
	if err != nil {
		return "", nil, err
	}
	return token, fx, nil
}

// IssueWebrtcToken is IssueWebsocketToken for a WebRTC answer token.
func (c *Client) IssueWebrtcToken(ctx context.Context, sessionID, channelID string, ttl time.Duration) (string, machine.Effects, error) {
	token, digest := MintLiveToken(sessionID)
	fx, err := c.Apply(ctx, sessionID, machine.RecordLiveWebrtcTokenIssued{
		SessionID: sessionID, ChannelID: channelID, Token: digest,
		IssuedAtMs: uint64(time.Now().UnixMilli()), TTLMs: uint64(ttl.Milliseconds()),
	})
	if err != nil {
		return "", nil, err
	}
	return token, fx, nil
}

// Route is where a live request goes (spec §8.7). An empty SessionID means no session
// owns the token or channel: the unbound authority answers.
type Route struct {
	SessionID string
	Ownership workflows.LiveOwnership
}

// RouteLive finds the session that owns a live request, asking only the sessions named
// in the identifiers themselves (machine.LiveRouteCandidates: the token's session, then
// the channel's), never scanning. token may be "" for requests without one.
func (c *Client) RouteLive(ctx context.Context, token, channelID string) (Route, error) {
	digest := ""
	if token != "" {
		digest = machine.TokenDigest(token)
	}
	var routes []Route
	for _, session := range machine.LiveRouteCandidates(token, channelID) {
		v, err := c.tc.QueryWorkflow(ctx, workflows.WorkflowID(session), "", workflows.QueryLiveOwnership, digest, channelID)
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			continue
		}
		if err != nil {
			return Route{}, err
		}
		var own workflows.LiveOwnership
		if err := v.Get(&own); err != nil {
			return Route{}, err
		}
		routes = append(routes, Route{SessionID: session, Ownership: own})
	}
	for _, r := range routes {
		if r.Ownership.WebrtcToken || r.Ownership.WebsocketToken {
			return r, nil
		}
	}
	for _, r := range routes {
		if r.Ownership.ActiveChannel {
			return r, nil
		}
	}
	return Route{}, nil
}

// AdmitWebsocketToken admits a WebSocket upgrade: routed to the token's owner, else the
// channel's owner, else the unbound authority (spec §8.7), with only the token's digest
// sent. The effects carry the admission outcome.
func (c *Client) AdmitWebsocketToken(ctx context.Context, token, channelID string) (machine.Effects, error) {
	route, err := c.RouteLive(ctx, token, channelID)
	if err != nil {
		return nil, err
	}
	now := uint64(time.Now().UnixMilli())
	digest := machine.TokenDigest(token)
	if route.SessionID == "" {
		return c.Unbound(ctx, machine.UnboundWebsocketAdmission(channelID, digest, now))
	}
	return c.Apply(ctx, route.SessionID, machine.ResolveLiveWebsocketTokenAdmission{
		SessionID: route.SessionID, ChannelID: channelID, Token: digest, ObservedAtMs: now,
	})
}

// RejectUnboundCommand answers a live command for a channel no session owns.
func (c *Client) RejectUnboundCommand(ctx context.Context, channelID string, command machine.LiveCommandPublicKind) (machine.Effects, error) {
	return c.Unbound(ctx, machine.UnboundCommand(channelID, command))
}

// RejectUnboundChannelRequest answers a status, close, refresh or WebRTC answer request
// for a channel no session owns.
func (c *Client) RejectUnboundChannelRequest(ctx context.Context, channelID string, request machine.LiveChannelRequestPublicKind) (machine.Effects, error) {
	return c.Unbound(ctx, machine.UnboundChannelRequest(channelID, request))
}

// LiveChannel returns a session's routing and status projection of a channel.
func (c *Client) LiveChannel(ctx context.Context, sessionID, channelID string) (workflows.LiveChannel, error) {
	return query[workflows.LiveChannel](ctx, c, sessionID, workflows.QueryLiveChannel, channelID)
}

// OpenedLive is an opened live channel: its id, the WebSocket token (returned only to the
// caller; the session holds its digest) and the session's report.
type OpenedLive struct {
	ChannelID string
	Token     string
	Result    workflows.LiveOpenResult
}

// OpenLive opens a live channel for the session (spec §8.8): it mints the channel id and
// the token here, sends the token's digest only, and returns the token once the session
// recorded it. A refused admission (the session already has a channel, a topology
// reconfigure is running) is Result.Admission with Admitted false, not an error.
// identity is bound when the session has no LLM identity of its own.
func (c *Client) OpenLive(ctx context.Context, sessionID string, ttl time.Duration, identity machine.SessionLlmIdentity) (OpenedLive, error) {
	var random [16]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails (Go 1.24+)
	channel := machine.NewChannelID(sessionID, random)
	token, digest := MintLiveToken(sessionID)
	res, err := operation[workflows.LiveOpenResult](ctx, c, sessionID, workflows.OpLiveOpen, workflows.LiveOpenRequest{
		ChannelID: channel, TokenDigest: digest, TokenTTLMs: uint64(ttl.Milliseconds()), LlmIdentity: identity,
	})
	out := OpenedLive{ChannelID: channel, Result: res}
	if err == nil && res.Token.Present() {
		out.Token = token
	}
	return out, err
}
