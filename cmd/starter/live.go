package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

const defaultTokenTTL = 5 * time.Minute

var liveOpenCommand = &command{
	name: "live open", args: "<session> [--ttl D] [--model M --provider P]", nargs: [2]int{1, 1},
	summary: "Open a live channel for the session; prints the channel id and its single-use WebSocket token.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		ttl := fs.Duration("ttl", defaultTokenTTL, "lifetime of the WebSocket token")
		model := fs.String("model", "", "LLM `model` to bind when the session has no LLM identity of its own")
		provider := fs.String("provider", "", "`provider` of --model")
		return func(ctx context.Context, a *app, args []string) error {
			if *ttl <= 0 {
				return usagef("--ttl must be positive, got %s", *ttl)
			}
			var identity machine.SessionLlmIdentity
			if *model != "" || *provider != "" {
				if *model == "" || *provider == "" {
					return usagef("--model and --provider go together: give both or neither")
				}
				p, err := parseProvider(*provider)
				if err != nil {
					return err
				}
				identity = machine.SessionLlmIdentity{Model: *model, Provider: p}
			}
			return runLiveOpen(ctx, a, args[0], *ttl, identity)
		}
	},
}

// liveOpenDoc is the result of live open. Token is the secret the client presents; the
// session only holds its digest.
type liveOpenDoc struct {
	Session   string                   `json:"session"`
	ChannelID string                   `json:"channel_id"`
	Admitted  bool                     `json:"admitted"`
	Token     string                   `json:"token,omitempty"`
	Result    workflows.LiveOpenResult `json:"result"`
}

func runLiveOpen(ctx context.Context, a *app, session string, ttl time.Duration, identity machine.SessionLlmIdentity) error {
	if err := a.connect(ctx); err != nil {
		return err
	}
	opened, err := a.sc.OpenLive(ctx, session, ttl, identity)
	if err != nil {
		return err
	}
	adm := opened.Result.Admission
	doc := liveOpenDoc{Session: session, ChannelID: opened.ChannelID, Admitted: adm.Admitted, Token: opened.Token, Result: opened.Result}
	if err := a.emit(doc, func(w io.Writer) { printLiveOpen(w, doc) }); err != nil {
		return err
	}
	if !adm.Admitted {
		return refusedf("live open for session %s not admitted: %s", session, orNone(optString(adm.Rejection)))
	}
	return nil
}

func printLiveOpen(w io.Writer, d liveOpenDoc) {
	adm := d.Result.Admission
	if !adm.Admitted {
		fields(w, "session", d.Session, "admitted", "no", "rejection", optString(adm.Rejection))
		return
	}
	expires := ""
	if t, ok := d.Result.Token.Lookup(); ok {
		expires = time.UnixMilli(int64(t.ExpiresAtMs)).Local().Format(time.TimeOnly)
	}
	fields(w,
		"session", d.Session,
		"channel", d.ChannelID,
		"status", d.Result.Status.String(),
		"bound to", identityString(adm.BoundLlmIdentity),
		"token", d.Token,
		"expires", expires,
	)
	fmt.Fprintf(w, "Present the token once: starter live token present '%s' %s\n", d.Token, d.ChannelID)
}

var liveStatusCommand = &command{
	name: "live status", args: "<session> <channel>", nargs: [2]int{2, 2},
	summary: "Show what the session recorded about a live channel: routing, bound identity, last status and command.",
	setup:   noFlags(runLiveStatus),
}

type liveStatusDoc struct {
	Session string                `json:"session"`
	Channel workflows.LiveChannel `json:"channel"`
}

func runLiveStatus(ctx context.Context, a *app, args []string) error {
	session, channel := args[0], args[1]
	ch, err := a.sc.LiveChannel(ctx, session, channel)
	if err != nil {
		return err
	}
	if !ch.Known {
		ch.ChannelID = channel
	}
	return a.emit(liveStatusDoc{Session: session, Channel: ch}, func(w io.Writer) {
		if !ch.Known {
			fmt.Fprintf(w, "channel %s: session %s has never seen it\n", channel, session)
			return
		}
		fields(w,
			"channel", ch.ChannelID,
			"active", fmt.Sprint(ch.Active),
			"bound to", identityString(ch.BoundLlmIdentity),
			"status", optString(ch.Status),
			"close", optString(ch.CloseStatus),
			"last command", optString(ch.CommandKind),
			"command rejection", optString(ch.CommandRejectionReason),
			"refresh", optString(ch.RefreshStatus),
		)
	})
}

var liveTokenIssueCommand = &command{
	name: "live token issue", args: "<session> <channel> [--webrtc] [--ttl D]", nargs: [2]int{2, 2},
	summary: "Mint a single-use WebSocket (or WebRTC answer) token for a channel; the session records its digest only.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		webrtc := fs.Bool("webrtc", false, "issue a WebRTC answer token instead of a WebSocket token")
		ttl := fs.Duration("ttl", defaultTokenTTL, "lifetime of the token")
		return func(ctx context.Context, a *app, args []string) error {
			if *ttl <= 0 {
				return usagef("--ttl must be positive, got %s", *ttl)
			}
			return runTokenIssue(ctx, a, args[0], args[1], *webrtc, *ttl)
		}
	},
}

type tokenIssueDoc struct {
	Session   string          `json:"session"`
	ChannelID string          `json:"channel_id"`
	Kind      string          `json:"kind"` // websocket or webrtc
	Token     string          `json:"token"`
	ExpiresAt time.Time       `json:"expires_at"`
	Effects   machine.Effects `json:"effects"`
}

func runTokenIssue(ctx context.Context, a *app, session, channel string, webrtc bool, ttl time.Duration) error {
	if err := a.connect(ctx); err != nil {
		return err
	}
	issue, kind := a.sc.IssueWebsocketToken, "websocket"
	if webrtc {
		issue, kind = a.sc.IssueWebrtcToken, "webrtc"
	}
	token, fx, err := issue(ctx, session, channel, ttl)
	if err != nil {
		return err
	}
	doc := tokenIssueDoc{Session: session, ChannelID: channel, Kind: kind, Token: token, Effects: fx}
	for _, e := range fx {
		switch e := e.(type) {
		case machine.LiveWebsocketTokenIssued:
			doc.ExpiresAt = time.UnixMilli(int64(e.ExpiresAtMs))
		case machine.LiveWebrtcTokenIssued:
			doc.ExpiresAt = time.UnixMilli(int64(e.ExpiresAtMs))
		}
	}
	return a.emit(doc, func(w io.Writer) {
		fields(w, "session", session, "channel", channel, "kind", kind, "token", token,
			"expires", doc.ExpiresAt.Local().Format(time.TimeOnly))
	})
}

var liveTokenPresentCommand = &command{
	name: "live token present", args: "<token> <channel>", nargs: [2]int{2, 2},
	summary: "Present a WebSocket token for a channel (the upgrade's admission); routed to the token's session.",
	setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
		return runTokenPresent // checks the token's form before it connects
	},
}

type tokenPresentDoc struct {
	// Session is the session that answered; "" when the unbound authority did.
	Session   string                                       `json:"session"`
	ChannelID string                                       `json:"channel_id"`
	Admitted  bool                                         `json:"admitted"`
	Admission *machine.LiveWebsocketTokenAdmissionResolved `json:"admission,omitempty"`
	Effects   machine.Effects                              `json:"effects"`
}

func runTokenPresent(ctx context.Context, a *app, args []string) error {
	token, channel := args[0], args[1]
	if _, err := machine.ParseLiveToken(token); err != nil {
		return usagef("%q is not a live token: %v", token, err)
	}
	if err := a.connect(ctx); err != nil {
		return err
	}
	fx, err := a.sc.AdmitWebsocketToken(ctx, token, channel)
	if err != nil {
		return err
	}
	doc := tokenPresentDoc{ChannelID: channel, Effects: fx}
	for _, e := range fx {
		if r, ok := e.(machine.LiveWebsocketTokenAdmissionResolved); ok {
			doc.Admission, doc.Admitted, doc.Session = &r, r.Admitted, r.SessionID
		}
	}
	if doc.Admission == nil {
		return fmt.Errorf("the admission of channel %s answered no LiveWebsocketTokenAdmissionResolved (effects: %s)", channel, effectNames(fx))
	}
	err = a.emit(doc, func(w io.Writer) {
		r := doc.Admission
		pairs := []string{"channel", channel, "session", orNone(doc.Session), "admitted", yesNo(r.Admitted)}
		if !r.Admitted {
			pairs = append(pairs, "rejection", optString(r.Rejection), "error class", optString(r.PublicErrorClass))
		}
		fields(w, pairs...)
	})
	if err != nil {
		return err
	}
	if !doc.Admitted {
		return refusedf("token not admitted for channel %s: %s", channel, orNone(optString(doc.Admission.Rejection)))
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
