package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/meerkat-temporal/meerkat/machine"
)

var reconfigureLlmCommand = &command{
	name: "reconfigure-llm", args: "<session> --model M [--provider P] [--provider-params JSON|--clear-provider-params]", nargs: [2]int{1, 1},
	summary: "Switch the session's LLM; prints the capability and tool-visibility change.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		var rf llmFlags
		rf.register(fs)
		return func(ctx context.Context, a *app, args []string) error {
			req, err := rf.request()
			if err != nil {
				return err
			}
			if err := a.connect(ctx); err != nil {
				return err
			}
			report, err := a.sc.ReconfigureSessionLlm(ctx, args[0], req)
			if err != nil {
				return err
			}
			return a.emit(reconfigureDoc{Session: args[0], Report: report}, func(w io.Writer) {
				printReconfigure(w, args[0], report)
			})
		}
	},
}

// llmFlags are the flags of an LLM reconfigure request.
type llmFlags struct {
	model, provider, params string
	clearParams             bool
}

func (f *llmFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.model, "model", "", "the `model` to switch to (required)")
	fs.StringVar(&f.provider, "provider", "", "the model's `provider` (Anthropic, OpenAI, Gemini, SelfHosted, Other); default: keep")
	fs.StringVar(&f.params, "provider-params", "", "provider parameters as a JSON `object`; default: keep")
	fs.BoolVar(&f.clearParams, "clear-provider-params", false, "remove the provider parameters")
}

func (f *llmFlags) request() (machine.SessionLlmReconfigureRequest, error) {
	var req machine.SessionLlmReconfigureRequest
	if f.model == "" {
		return req, usagef("--model is required")
	}
	req.Model = machine.Some(f.model)
	if f.provider != "" {
		p, err := parseProvider(f.provider)
		if err != nil {
			return req, err
		}
		req.Provider = machine.Some(p)
	}
	switch {
	case f.params != "" && f.clearParams:
		return req, usagef("--provider-params and --clear-provider-params contradict each other: give one")
	case f.params != "":
		var obj map[string]any
		if err := json.Unmarshal([]byte(f.params), &obj); err != nil {
			return req, usagef("--provider-params must be a JSON object: %v", err)
		}
		req.ProviderParams = machine.SetTo(json.RawMessage(f.params))
	case f.clearParams:
		req.ProviderParams = machine.ClearValue[json.RawMessage]()
	}
	if err := req.Validate(); err != nil {
		return req, usagef("%v", err)
	}
	return req, nil
}

type reconfigureDoc struct {
	Session string                              `json:"session"`
	Report  machine.SessionLlmReconfigureReport `json:"report"`
}

func printReconfigure(w io.Writer, session string, r machine.SessionLlmReconfigureReport) {
	id := func(i machine.SessionLlmIdentity) string {
		if i.Model == "" {
			return "none"
		}
		return i.Provider.String() + "/" + i.Model
	}
	caps := "unchanged"
	if r.CapabilityDelta.Changed {
		caps = orNone(surfaceString(r.CapabilityDelta.Previous)) + " → " + orNone(surfaceString(r.CapabilityDelta.Current))
	}
	v := r.ToolVisibilityDelta
	visibility := v.PreviousCapabilityBaseFilter.String() + " → " + v.CurrentCapabilityBaseFilter.String()
	switch {
	case v.CommittedVisibleSetChanged:
		visibility += " (visible tools changed"
		if v.RevisionBumped {
			visibility += ", revision bumped"
		}
		visibility += ")"
	default:
		visibility += " (visible tools unchanged)"
	}
	fields(w,
		"session", session,
		"llm", id(r.PreviousIdentity)+" → "+id(r.NewIdentity),
		"capabilities", caps,
		"tool filter", visibility,
		"rollback", fmt.Sprint(r.RollbackOccurred),
	)
}
