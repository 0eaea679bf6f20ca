package supervisor_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meerkat-temporal/meerkat/plugins/internal/supervisor"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

func TestVerifyChecksum(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plugin")
	if err := os.WriteFile(path, []byte("binary"), 0o700); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("binary"))
	good := hex.EncodeToString(sum[:])
	other := strings.Repeat("ab", 32)
	tests := map[string]struct {
		path, want string
		errHas     []string
	}{
		"match":        {path: path, want: good},
		"upper case":   {path: path, want: strings.ToUpper(good)},
		"mismatch":     {path: path, want: other, errHas: []string{path, good, other}},
		"not hex":      {path: path, want: "xyz", errHas: []string{"not a hex SHA-256"}},
		"missing file": {path: filepath.Join(dir, "none"), want: good, errHas: []string{"no such file"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := supervisor.VerifyChecksum(tc.path, tc.want)
			if len(tc.errHas) == 0 {
				if err != nil {
					t.Fatalf("VerifyChecksum = %v, want nil", err)
				}
				return
			}
			if pluginerr.ReasonOf(err) != pluginerr.PluginRefused {
				t.Fatalf("VerifyChecksum = %v, want reason %s", err, pluginerr.PluginRefused)
			}
			for _, s := range tc.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}
