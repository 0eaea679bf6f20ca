package workflows_test

import (
	"testing"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

func TestWorkflowIDRoundTrip(t *testing.T) {
	cases := []struct {
		workflowID string
		session    string
		ok         bool
	}{
		{workflows.WorkflowID("s1"), "s1", true},
		{workflows.WorkflowID("a/b:c"), "a/b:c", true},
		{workflows.WorkflowID(""), "", false},
		{workflows.UnboundWorkflowID, "", false},
	}
	for _, c := range cases {
		got, ok := workflows.SessionIDOf(c.workflowID)
		if got != c.session || ok != c.ok {
			t.Errorf("SessionIDOf(%q) = %q, %v; want %q, %v", c.workflowID, got, ok, c.session, c.ok)
		}
	}
}

func TestCallerInputsAreTheCataloguesCallerInputs(t *testing.T) {
	callers := map[string]bool{}
	for _, sp := range workflows.CallerInputs() {
		callers[sp.Name] = true
	}
	for _, sp := range machine.Catalogue() {
		if callers[sp.Name] != (sp.Origin == machine.OriginCaller) {
			t.Errorf("%s (origin %s): offered to callers = %v", sp.Name, sp.Origin, callers[sp.Name])
		}
	}
}

func TestUnboundInputsAreCatalogued(t *testing.T) {
	want := []machine.Input{machine.UnboundCommand("c", machine.CommandInterrupt), machine.UnboundChannelRequest("c", machine.RequestStatus), machine.UnboundWebsocketAdmission("c", "", 1)}
	got := map[string]bool{}
	for _, sp := range workflows.UnboundInputs() {
		got[sp.Name] = true
	}
	if len(got) != len(want) {
		t.Errorf("unbound inputs = %v, want %d", got, len(want))
	}
	for _, in := range want {
		if !got[in.Name()] {
			t.Errorf("the unbound authority does not accept %s", in.Name())
		}
	}
}

func TestSearchAttributesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, sa := range workflows.SearchAttributes() {
		if seen[sa.Name] || sa.Type == 0 {
			t.Errorf("search attribute %q duplicated or untyped", sa.Name)
		}
		seen[sa.Name] = true
	}
	if len(workflows.SearchAttributeTypes()) != len(workflows.SearchAttributes()) {
		t.Error("SearchAttributeTypes and SearchAttributes disagree")
	}
}
