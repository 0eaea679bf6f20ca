package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/meerkat-temporal/meerkat/workflows"
)

var topologyCommand = &command{
	name: "topology", args: "<session> --epoch N --model M [--provider P]", nargs: [2]int{1, 1},
	summary: "Move a realtime session to another LLM at a safe boundary (live topology reconfigure); prints the new authority epoch.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		var rf llmFlags
		rf.register(fs)
		epoch := fs.Uint64("epoch", 0, "the realtime binding authority `epoch` you hold (see `starter describe`)")
		return func(ctx context.Context, a *app, args []string) error {
			if *epoch == 0 {
				return usagef("--epoch is required: the session's current realtime authority epoch (shown by `starter describe %s`)", args[0])
			}
			req, err := rf.request()
			if err != nil {
				return err
			}
			if err := a.connect(ctx); err != nil {
				return err
			}
			res, err := a.sc.ReconfigureLiveTopology(ctx, args[0], workflows.LiveTopologyRequest{AuthorityEpoch: *epoch, Reconfigure: req})
			if err != nil {
				return err
			}
			llm, err := a.sc.LlmIdentity(ctx, args[0])
			if err != nil {
				return err
			}
			doc := topologyDoc{Session: args[0], PreviousEpoch: *epoch, Result: res, LlmIdentity: llm}
			return a.emit(doc, func(w io.Writer) {
				fields(w,
					"session", args[0],
					"authority epoch", fmt.Sprintf("%d → %d", *epoch, res.Authority.AuthorityEpoch),
					"llm", identityString(llm.Identity),
					"capabilities", surfaceString(llm.Surface),
				)
			})
		}
	},
}

type topologyDoc struct {
	Session       string                       `json:"session"`
	PreviousEpoch uint64                       `json:"previous_epoch"`
	Result        workflows.LiveTopologyResult `json:"result"`
	LlmIdentity   workflows.LlmIdentity        `json:"llm_identity"`
}
