package workflows_test

import (
	"flag"
	"os"
	"testing"

	"github.com/meerkat-temporal/meerkat/workflows"
)

var update = flag.Bool("update", false, "rewrite MESSAGES.md")

// TestMessageTable keeps MESSAGES.md equal to the names the code registers.
func TestMessageTable(t *testing.T) {
	want := workflows.MessageTable()
	if *update {
		if err := os.WriteFile("MESSAGES.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("MESSAGES.md")
	if err != nil || string(got) != want {
		t.Fatalf("MESSAGES.md is stale (err %v); run go test ./workflows -run TestMessageTable -update", err)
	}
}
