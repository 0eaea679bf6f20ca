package main

import (
	"context"
	"flag"
	"io"
	"strconv"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// liveCommandKinds maps the CLI's command words to the machine's live commands.
var liveCommandKinds = map[string]machine.LiveCommandPublicKind{
	"send-input":   machine.CommandSendInput,
	"commit-input": machine.CommandCommitInput,
	"interrupt":    machine.CommandInterrupt,
	"truncate":     machine.CommandTruncateAssistantOutput,
}

// checkChannelOwner refuses a channel id that does not name session, before anything is
// sent: the channel's own session prefix is what routes the request.
func checkChannelOwner(session, channel string) error {
	owner, err := machine.ParseChannelID(channel)
	if err != nil {
		return usagef("%v (live open prints the channel id)", err)
	}
	if owner != session {
		return usagef("channel %s belongs to session %s, not %s", channel, owner, session)
	}
	return nil
}

var liveCloseCommand = &command{
	name: "live close", args: "<session> <channel>", nargs: [2]int{2, 2},
	summary: "Close a live channel through the live adapter; prints the recorded close or the adapter's classified refusal.",
	setup:   func(*flag.FlagSet) func(context.Context, *app, []string) error { return runLiveClose },
}

func runLiveClose(ctx context.Context, a *app, args []string) error {
	session, channel := args[0], args[1]
	if err := checkChannelOwner(session, channel); err != nil {
		return err
	}
	if err := a.connect(ctx); err != nil {
		return err
	}
	res, err := a.sc.CloseLive(ctx, channel)
	if err != nil {
		return err
	}
	if c, ok := res.Closed.Lookup(); ok {
		return emitLiveOutcome(a, res, "close", channel, []string{"closed", c.Status.String(), "sequence", strconv.FormatUint(c.Sequence, 10), "detail", res.Detail}, "", "", "")
	}
	r := res.Rejection.Get()
	return emitLiveOutcome(a, res, "close", channel, nil, r.Rejection.String(), r.PublicErrorClass.String(), res.Detail)
}

// emitLiveOutcome prints the outcome of a live request: the fields of what the session
// recorded, or the host's refusal as the machine classified it, which exits 3.
func emitLiveOutcome(a *app, doc any, what, channel string, recorded []string, rejection, class, detail string) error {
	if err := a.emit(doc, func(w io.Writer) {
		if recorded != nil {
			fields(w, append([]string{"channel", channel}, recorded...)...)
			return
		}
		fields(w, "channel", channel, "rejected", rejection, "error class", class, "detail", detail)
	}); err != nil {
		return err
	}
	if recorded == nil {
		return refusedf("live %s on %s refused: %s %s", what, channel, rejection, detail)
	}
	return nil
}

var liveCommandCommand = &command{
	name: "live command", args: "<session> <channel> <send-input|commit-input|interrupt|truncate> [--text T] [--item-id ID --audio-end-ms N]", nargs: [2]int{3, 3},
	summary: "Send a live command through the live adapter; prints its acceptance sequence or the classified refusal.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		text := fs.String("text", "", "text of send-input")
		item := fs.String("item-id", "", "assistant item of truncate")
		audioEnd := fs.Uint64("audio-end-ms", 0, "audio the user heard of the truncated item, in ms")
		return func(ctx context.Context, a *app, args []string) error {
			session, channel, word := args[0], args[1], args[2]
			kind, ok := liveCommandKinds[word]
			if !ok {
				return usagef("unknown live command %q: use send-input, commit-input, interrupt or truncate", word)
			}
			if err := checkChannelOwner(session, channel); err != nil {
				return err
			}
			if err := a.connect(ctx); err != nil {
				return err
			}
			res, err := a.sc.LiveCommand(ctx, workflows.LiveCommandRequest{ChannelID: channel, Command: kind, Text: *text, ItemID: *item, AudioEndMs: *audioEnd})
			if err != nil {
				return err
			}
			if c, ok := res.Accepted.Lookup(); ok {
				return emitLiveOutcome(a, res, word, channel, []string{"accepted", c.Command.String(), "sequence", strconv.FormatUint(c.CommandAcceptanceSequence, 10)}, "", "", "")
			}
			r := res.Rejection.Get()
			return emitLiveOutcome(a, res, word, channel, nil, r.Rejection.String(), r.PublicErrorClass.String(), res.Detail)
		}
	},
}
