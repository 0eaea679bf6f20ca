package main

import (
	"context"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// openedChannels is the live adapter as the activities call it; it remembers every
// channel opened through this worker process, so releaseLostChannels never touches one.
type openedChannels struct {
	live.Host
	mu  sync.Mutex
	ids map[string]bool
}

func newOpenedChannels(h live.Host) *openedChannels {
	return &openedChannels{Host: h, ids: map[string]bool{}}
}

// OpenChannel opens the channel and remembers it.
func (o *openedChannels) OpenChannel(ctx context.Context, req *live.OpenChannelRequest) (*live.OpenChannelResponse, error) {
	resp, err := o.Host.OpenChannel(ctx, req)
	if err == nil {
		o.mu.Lock()
		o.ids[req.ChannelID] = true
		o.mu.Unlock()
	}
	return resp, err
}

func (o *openedChannels) has(channelID string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.ids[channelID]
}

// releaseLostChannels runs once after an embedded server's worker starts. A live channel
// lives in the live adapter process, which died with the previous worker; sessions that
// still hold one are asked to close it (live_close), the adapter answers that it has no
// such channel, and the session releases the binding, so it can open a new one. Channels
// opened through this process are left alone. It only runs with the embedded server: on
// a shared cluster other workers' adapters may hold the channels.
func releaseLostChannels(ctx context.Context, sc *sessionclient.Client, opened *openedChannels, log hclog.Logger) {
	sessions, err := sc.ListSessions(ctx, sessionclient.ListFilter{
		OpenOnly: true, Query: workflows.SALiveChannel.GetName() + " IS NOT NULL", Limit: 10_000,
	})
	if err != nil {
		log.Warn("listing the sessions that hold a live channel failed; their channels stay bound until closed", "error", err)
		return
	}
	for _, s := range sessions {
		if s.LiveChannel == "" || opened.has(s.LiveChannel) {
			continue
		}
		res, err := sc.CloseLive(ctx, s.LiveChannel)
		switch {
		case err != nil:
			log.Warn("releasing a live channel lost with the previous adapter process failed", "session", s.SessionID, "channel", s.LiveChannel, "error", err)
		case res.Closed.Present():
			log.Info("released a live channel lost with the previous adapter process", "session", s.SessionID, "channel", s.LiveChannel)
		}
	}
}
