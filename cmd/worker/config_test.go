package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "worker.json")
	if err := os.WriteFile(file, []byte(`{"data_dir":"/from/file","ui_port":9000,"log_level":"debug"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		check   func(Config) bool
		wantErr string
	}{
		{"defaults", nil, func(c Config) bool { return c.DataDir == "meerkat-data" && c.FrontendPort == 7233 && c.UIPort == 8233 }, ""},
		{"file then flags", []string{"-config", file, "-data-dir", "/flag"}, func(c Config) bool {
			return c.DataDir == "/flag" && c.UIPort == 9000 && c.LogLevel == "debug"
		}, ""},
		{"plugin manifest", []string{"-plugins", "/etc/plugins.json"}, func(c Config) bool { return c.PluginManifest == "/etc/plugins.json" }, ""},
		{"external cluster", []string{"-temporal-address", "h:7233", "-tls-ca", "ca.pem"}, func(c Config) bool { return c.TLS.Enabled() }, ""},
		{"tls without address", []string{"-tls-ca", "ca.pem"}, nil, "only with --temporal-address"},
		{"half a key pair", []string{"-temporal-address", "h:1", "-tls-cert", "c"}, nil, "both --tls-cert and --tls-key"},
		{"ui on frontend", []string{"-ui-port", "7233"}, nil, "collides"},
		{"bad level", []string{"-log-level", "loud"}, nil, "log_level"},
		{"stray argument", []string{"serve"}, nil, `unexpected argument "serve"`},
		{"missing file", []string{"-config", "/nope.json"}, nil, "config file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(cfg) {
				t.Fatalf("%+v %v", cfg, err)
			}
		})
	}
}
