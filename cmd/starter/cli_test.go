package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"slices"
	"strings"
	"testing"
)

func TestFindCommand(t *testing.T) {
	cases := []struct {
		args     []string
		want     string // "" = none
		wantRest []string
	}{
		{[]string{"start", "s1"}, "start", []string{"s1"}},
		{[]string{"live", "open", "s1", "--ttl", "1m"}, "live open", []string{"s1", "--ttl", "1m"}},
		{[]string{"live", "token", "issue", "s1", "ch"}, "live token issue", []string{"s1", "ch"}},
		{[]string{"live", "token", "present", "tok", "ch"}, "live token present", []string{"tok", "ch"}},
		{[]string{"live"}, "", []string{"live"}},
		{[]string{"live", "token"}, "", []string{"live", "token"}},
		{[]string{"reconfigure-llm", "s1"}, "reconfigure-llm", []string{"s1"}},
		{[]string{"bogus"}, "", []string{"bogus"}},
	}
	for _, c := range cases {
		cmd, rest := findCommand(c.args)
		got := ""
		if cmd != nil {
			got = cmd.name
		}
		if got != c.want || !slices.Equal(rest, c.wantRest) {
			t.Errorf("findCommand(%q) = %q %q, want %q %q", c.args, got, rest, c.want, c.wantRest)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	cases := []struct {
		args    []string
		wantPos []string
		wantW   bool
		wantID  string
		wantErr bool
	}{
		{[]string{"s1", "hello", "--wait"}, []string{"s1", "hello"}, true, "", false},
		{[]string{"--wait", "s1", "--id", "x", "hello"}, []string{"s1", "hello"}, true, "x", false},
		{[]string{"s1", "--", "--wait"}, []string{"s1", "--wait"}, false, "", false},
		{[]string{"s1", "-id=y", "hi"}, []string{"s1", "hi"}, false, "y", false},
		{[]string{"s1", "--nope"}, nil, false, "", true},
		{[]string{"s1", "--id"}, nil, false, "", true},
	}
	for _, c := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(new(bytes.Buffer))
		wait := fs.Bool("wait", false, "")
		id := fs.String("id", "", "")
		pos, err := parseInterspersed(fs, c.args)
		if (err != nil) != c.wantErr {
			t.Errorf("%q: err = %v, want error %v", c.args, err, c.wantErr)
			continue
		}
		if err == nil && (!slices.Equal(pos, c.wantPos) || *wait != c.wantW || *id != c.wantID) {
			t.Errorf("%q: pos %q wait %v id %q; want %q %v %q", c.args, pos, *wait, *id, c.wantPos, c.wantW, c.wantID)
		}
	}
}

// TestUsageErrors: every bad invocation exits 2 before any connection is made (the
// address points nowhere), prints the command's usage on stderr and, with --json, one
// error document on stdout.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		stderr string // substring
	}{
		{"no command", nil, "no command given"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"incomplete command", []string{"live"}, "did you mean: live open"},
		{"unknown global flag", []string{"--bogus", "list"}, "flag provided but not defined"},
		{"missing session", []string{"start"}, "start takes <session>, got 0 arguments"},
		{"too many", []string{"describe", "a", "b"}, "got 2 arguments"},
		{"send without text", []string{"send", "s1"}, "usage: starter [global flags] send"},
		{"send empty text", []string{"send", "s1", "  "}, "the text to send is empty"},
		{"bad flag value", []string{"live", "open", "s1", "--ttl", "soon"}, "invalid value"},
		{"negative ttl", []string{"live", "token", "issue", "s1", "ch", "--ttl", "-1s"}, "--ttl must be positive"},
		{"reconfigure without model", []string{"reconfigure-llm", "s1"}, "--model is required"},
		{"unknown provider", []string{"reconfigure-llm", "s1", "--model", "m", "--provider", "acme"}, `unknown provider "acme"`},
		{"params not an object", []string{"reconfigure-llm", "s1", "--model", "m", "--provider-params", "[1]"}, "must be a JSON object"},
		{"params and clear", []string{"reconfigure-llm", "s1", "--model", "m", "--provider-params", "{}", "--clear-provider-params"}, "contradict"},
		{"topology without epoch", []string{"topology", "s1", "--model", "m"}, "--epoch is required"},
		{"state input and machine", []string{"state", "s1", "--input", "x", "--machine"}, "give one of them"},
		{"list bad limit", []string{"list", "--limit", "0"}, "--limit must be positive"},
		{"list positional", []string{"list", "x"}, "got 1 argument"},
		{"not a token", []string{"live", "token", "present", "nope", "ch"}, "is not a live token"},
		{"close: not a channel", []string{"live", "close", "s1", "ch"}, "live open prints the channel id"},
		{"close: another session's channel", []string{"live", "close", "s1", "live:s2:00000000000000000000000000000000"}, "belongs to session s2, not s1"},
		{"unknown live command", []string{"live", "command", "s1", "live:s1:00000000000000000000000000000000", "shout"}, `unknown live command "shout"`},
		{"tls half", []string{"--tls-cert", "c.pem", "list"}, "--tls-cert and --tls-key go together"},
		{"zero timeout", []string{"--timeout", "0s", "list"}, "--timeout must be positive"},
		{"demo bad model", []string{"demo", "--chat-model", "echo"}, "write it as Provider/model"},
		{"help unknown", []string{"help", "nope"}, `no command "nope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"--address", "127.0.0.1:1"}, c.args...)
			if code := run(context.Background(), args, &stdout, &stderr); code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.stderr) || !strings.Contains(stderr.String(), "usage: starter") {
				t.Fatalf("stderr lacks %q and the usage:\n%s", c.stderr, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Fatalf("stdout without --json: %q", stdout.String())
			}
			stdout.Reset()
			if code := run(context.Background(), append([]string{"--json"}, args...), &stdout, new(bytes.Buffer)); code != exitUsage {
				t.Fatalf("--json: exit %d", code)
			}
			var doc struct{ Error failure }
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || doc.Error.Code != exitUsage || doc.Error.Kind != "usage" {
				t.Fatalf("--json error document %q: %+v, %v", stdout.String(), doc, err)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"help", "live", "token", "issue"}, {"send", "-h"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"--address", "127.0.0.1:1"}, args...), &stdout, &stderr); code != exitOK {
			t.Fatalf("%q: exit %d: %s", args, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "usage: starter [global flags]") {
			t.Fatalf("%q: no usage:\n%s", args, stdout.String())
		}
	}
	var stdout bytes.Buffer
	run(context.Background(), []string{"help"}, &stdout, new(bytes.Buffer))
	for _, c := range commands {
		if !strings.Contains(stdout.String(), c.name+" ") {
			t.Errorf("help does not list %q", c.name)
		}
	}
}

// TestUnreachable: a connection failure exits 1 and says how to fix it.
func TestUnreachable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--address", "127.0.0.1:1", "--timeout", "5s", "--json", "describe", "s1"}, &stdout, &stderr)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d", code, exitFailure)
	}
	var doc struct{ Error failure }
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || doc.Error.Kind != "unreachable" || !strings.Contains(doc.Error.Hint, "cmd/worker") {
		t.Fatalf("document %q: %+v %v", stdout.String(), doc, err)
	}
	if !strings.Contains(stderr.String(), "cannot reach Temporal at 127.0.0.1:1") {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

func TestAddressFromEnvironment(t *testing.T) {
	t.Setenv(addressEnv, "127.0.0.1:1")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--timeout", "5s", "list"}, new(bytes.Buffer), &stderr); code != exitFailure || !strings.Contains(stderr.String(), "127.0.0.1:1") {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
}
