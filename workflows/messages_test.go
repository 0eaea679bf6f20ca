package workflows_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/meerkat-temporal/meerkat/workflows"
)

var update = flag.Bool("update", false, "rewrite the message reference in README.md")

// The README's message reference sits between these markers.
const (
	beginMessages = "<!-- BEGIN MESSAGE REFERENCE -->\n"
	endMessages   = "<!-- END MESSAGE REFERENCE -->\n"
)

// TestMessageTable keeps the README's message reference equal to the names the code
// registers.
func TestMessageTable(t *testing.T) {
	const readme = "../README.md"
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := bytes.Index(data, []byte(beginMessages)), bytes.Index(data, []byte(endMessages))
	if begin < 0 || end < begin {
		t.Fatalf("%s has no %q … %q section", readme, beginMessages, endMessages)
	}
	got := string(data[begin+len(beginMessages) : end])
	want := workflows.MessageTable()
	if *update {
		out := append(append(append([]byte{}, data[:begin+len(beginMessages)]...), want...), data[end:]...)
		if err := os.WriteFile(readme, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Fatalf("the message reference in README.md is stale; run go test ./workflows -run TestMessageTable -update")
	}
}
