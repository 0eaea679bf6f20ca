package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// emit prints doc as one JSON document with --json, else calls human.
func (a *app) emit(doc any, human func(w io.Writer)) error {
	if a.g.json {
		return writeJSON(a.stdout, doc)
	}
	human(a.stdout)
	return nil
}

func writeJSON(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// table aligns rows of cells in columns.
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer) *table {
	return &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
}

func (t *table) row(cells ...string) {
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() { _ = t.tw.Flush() }

// fields prints "key  value" pairs aligned; an empty value prints as "-".
func fields(w io.Writer, pairs ...string) {
	t := newTable(w)
	for i := 0; i+1 < len(pairs); i += 2 {
		t.row(pairs[i], orDash(pairs[i+1]))
	}
	t.flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// uiLink is the Web UI page of a session's workflow.
func uiLink(base, namespace, sessionID string) string {
	return strings.TrimRight(base, "/") + "/namespaces/" + url.PathEscape(namespace) + "/workflows/" + url.PathEscape(workflows.WorkflowID(sessionID))
}

// effectNames lists the effects' names, or "none".
func effectNames(fx machine.Effects) string {
	if len(fx) == 0 {
		return "none"
	}
	return strings.Join(fx.Names(), ", ")
}

// identityString is "Provider/model", or "" when absent.
func identityString(id machine.Opt[machine.SessionLlmIdentity]) string {
	v, ok := id.Lookup()
	if !ok {
		return ""
	}
	return v.Provider.String() + "/" + v.Model
}

// optString prints an optional value, or "" when absent.
func optString[T comparable](o machine.Opt[T]) string {
	v, ok := o.Lookup()
	if !ok {
		return ""
	}
	return fmt.Sprint(v)
}

// ago is a short age, e.g. "3m ago".
func ago(t time.Time, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
}

// surfaceString lists the capabilities a model has, e.g. "vision, image_tool_results".
func surfaceString(s machine.Opt[machine.SessionLlmCapabilitySurface]) string {
	v, ok := s.Lookup()
	if !ok {
		return ""
	}
	var out []string
	for _, c := range []struct {
		on   bool
		name string
	}{
		{v.SupportsTemperature, "temperature"}, {v.SupportsThinking, "thinking"}, {v.SupportsReasoning, "reasoning"},
		{v.InlineVideo, "inline_video"}, {v.Vision, "vision"}, {v.ImageInput, "image_input"},
		{v.ImageToolResults, "image_tool_results"}, {v.SupportsWebSearch, "web_search"},
		{v.ImageGeneration, "image_generation"}, {v.Realtime, "realtime"},
	} {
		if c.on {
			out = append(out, c.name)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// parseProvider reads a provider as the DSL spells it, in any case ("openai" is OpenAI).
func parseProvider(s string) (machine.Provider, error) {
	var names []string
	for p := machine.ProviderAnthropic; p.Valid(); p++ {
		if strings.EqualFold(p.String(), s) {
			return p, nil
		}
		names = append(names, p.String())
	}
	return 0, usagef("unknown provider %q (one of %s)", s, strings.Join(names, ", "))
}

// phaseString is the visible phase with what it means for input, e.g.
// "Attached (AcceptsInput)", "Stopped (RejectsInput, Terminal)".
func phaseString(rt workflows.RuntimeState) string {
	c := rt.Classification
	s := rt.VisiblePhase.String() + " (" + c.InputAdmission.String()
	if c.Terminality == machine.LifecycleTerminal {
		s += ", " + c.Terminality.String()
	}
	return s + ")"
}
