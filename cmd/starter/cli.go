package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// Defaults of the global flags.
const (
	defaultAddress   = "127.0.0.1:7233"
	defaultNamespace = "default"
	defaultUIURL     = "http://127.0.0.1:8233"
	defaultTimeout   = 2 * time.Minute
	addressEnv       = "MEERKAT_TEMPORAL_ADDRESS"
)

// globals are the flags every command accepts (before the command, or among its own).
type globals struct {
	address   string
	namespace string
	uiURL     string
	json      bool
	timeout   time.Duration
	tlsCert   string
	tlsKey    string
	tlsCA     string
	tlsName   string
}

// register adds the global flags to fs, bound to g.
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.address, "address", g.address, "host:port of the Temporal frontend (env "+addressEnv+")")
	fs.StringVar(&g.namespace, "namespace", g.namespace, "Temporal namespace")
	fs.StringVar(&g.uiURL, "ui-url", g.uiURL, "base URL of the Temporal Web UI, for session links")
	fs.BoolVar(&g.json, "json", g.json, "print one JSON document on stdout instead of text")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "time limit of the command (of each step for demo)")
	fs.StringVar(&g.tlsCert, "tls-cert", g.tlsCert, "client certificate file (mutual TLS)")
	fs.StringVar(&g.tlsKey, "tls-key", g.tlsKey, "client key file (mutual TLS)")
	fs.StringVar(&g.tlsCA, "tls-ca", g.tlsCA, "CA bundle that signs the server's certificate")
	fs.StringVar(&g.tlsName, "tls-server-name", g.tlsName, "server name to verify on the server's certificate")
}

func (g *globals) tlsEnabled() bool {
	return g.tlsCert != "" || g.tlsKey != "" || g.tlsCA != "" || g.tlsName != ""
}

func (g *globals) validate() error {
	if (g.tlsCert == "") != (g.tlsKey == "") {
		return usagef("--tls-cert and --tls-key go together: give both or neither")
	}
	if g.timeout <= 0 {
		return usagef("--timeout must be positive, got %s", g.timeout)
	}
	if g.address == "" {
		return usagef("--address is empty: give the host:port of the Temporal frontend")
	}
	return nil
}

// loadTLS builds the client TLS configuration, as the worker does for --temporal-address.
func (g *globals) loadTLS() (*tls.Config, error) {
	cfg := &tls.Config{ServerName: g.tlsName, MinVersion: tls.VersionTLS12}
	if g.tlsCert != "" {
		pair, err := tls.LoadX509KeyPair(g.tlsCert, g.tlsKey)
		if err != nil {
			return nil, fmt.Errorf("tls: client certificate %s: %w", g.tlsCert, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if g.tlsCA != "" {
		pem, err := os.ReadFile(g.tlsCA)
		if err != nil {
			return nil, fmt.Errorf("tls: CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: the CA bundle %s holds no PEM certificate", g.tlsCA)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// A command is one `starter` subcommand.
type command struct {
	// name is the command's words, e.g. "live token issue".
	name string
	// args is the synopsis of its positional arguments, e.g. "<session> <text>".
	args string
	// summary is one line for `starter help`.
	summary string
	// nargs is the number of positional arguments: min and max (-1 = any).
	nargs [2]int
	// setup registers the command's own flags on fs and returns the function that runs
	// it with the positional arguments (called once fs is parsed).
	setup func(fs *flag.FlagSet) func(ctx context.Context, a *app, args []string) error
	// stepTimeouts commands apply --timeout to each of their steps themselves instead of
	// to the whole command.
	stepTimeouts bool
}

// commands is every command, in the order `starter help` lists them.
var commands []*command

func init() {
	commands = []*command{
		startCommand, listCommand, describeCommand, stateCommand, sendCommand, waitCommand,
		conversationCommand, stopCommand, cancelCommand, destroyCommand, reconfigureLlmCommand,
		liveOpenCommand, liveStatusCommand, liveCloseCommand, liveCommandCommand, liveTokenIssueCommand, liveTokenPresentCommand,
		topologyCommand, demoCommand, helpCommand,
	}
}

// findCommand returns the command whose words start args, the longest such, and the
// arguments after its words.
func findCommand(args []string) (*command, []string) {
	var best *command
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(words) <= len(args) && slices.Equal(words, args[:len(words)]) {
			if best == nil || len(words) > len(strings.Fields(best.name)) {
				best = c
			}
		}
	}
	if best == nil {
		return nil, args
	}
	return best, args[len(strings.Fields(best.name)):]
}

// app is one invocation of starter.
type app struct {
	g      globals
	stdout io.Writer
	stderr io.Writer
	cmd    *command
	tc     client.Client
	sc     *sessionclient.Client
}

// run is the whole program: it parses args, runs one command and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, g: globals{
		address: defaultAddress, namespace: defaultNamespace, uiURL: defaultUIURL, timeout: defaultTimeout,
	}}
	if env := os.Getenv(addressEnv); env != "" {
		a.g.address = env
	}
	err := a.run(ctx, args)
	if a.tc != nil {
		a.tc.Close()
	}
	return a.report(err)
}

func (a *app) run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("starter", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a.g.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			a.printHelp(a.stdout)
			return nil
		}
		return usagef("%v", err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return usagef("no command given")
	}
	cmd, cmdArgs := findCommand(rest)
	if cmd == nil {
		return usagef("unknown command %q%s", strings.Join(rest[:min(len(rest), 2)], " "), suggest(rest))
	}
	a.cmd = cmd
	cfs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	runCmd := cmd.setup(cfs)
	a.g.register(cfs)
	pos, err := parseInterspersed(cfs, cmdArgs)
	if errors.Is(err, flag.ErrHelp) {
		a.printCommandUsage(a.stdout, cmd)
		return nil
	}
	if err != nil {
		return usagef("%v", err)
	}
	if n := len(pos); n < cmd.nargs[0] || (cmd.nargs[1] >= 0 && n > cmd.nargs[1]) {
		return usagef("%s takes %s, got %d argument%s", cmd.name, cmd.args, n, plural(n))
	}
	if err := a.g.validate(); err != nil {
		return err
	}
	if !cmd.stepTimeouts {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.g.timeout)
		defer cancel()
	}
	return runCmd(ctx, a, pos)
}

// parseInterspersed parses flags anywhere among the positional arguments, as people
// type them (`send s1 "hi" --wait`); everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// connect dials Temporal once; commands call it after checking their arguments, so a
// usage error never waits for a connection. Dialing checks the server's health, so an
// unreachable address fails here with a message that says what to do.
func (a *app) connect(ctx context.Context) error {
	if a.sc != nil {
		return nil
	}
	opts := client.Options{
		HostPort: a.g.address, Namespace: a.g.namespace,
		Logger: log.NewStructuredLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelError}))),
	}
	if a.g.tlsEnabled() {
		cfg, err := a.g.loadTLS()
		if err != nil {
			return &unreachableError{address: a.g.address, err: err}
		}
		opts.ConnectionOptions.TLS = cfg
	}
	dialCtx, cancel := context.WithTimeout(ctx, min(a.g.timeout, 15*time.Second))
	defer cancel()
	tc, err := client.DialContext(dialCtx, opts)
	if err != nil {
		return &unreachableError{address: a.g.address, err: err}
	}
	a.tc = tc
	a.sc = sessionclient.New(tc, sessionclient.Options{
		Logger: slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	return nil
}

// suggest proposes the commands that start with the first word given.
func suggest(args []string) string {
	var names []string
	for _, c := range commands {
		if strings.HasPrefix(c.name, args[0]) {
			names = append(names, c.name)
		}
	}
	if len(names) == 0 {
		return "; run `starter help` for the list"
	}
	return "; did you mean: " + strings.Join(names, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// printHelp lists every command and the global flags.
func (a *app) printHelp(w io.Writer) {
	fmt.Fprintln(w, "starter drives Meerkat sessions on Temporal.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: starter [global flags] <command> [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	tw := newTable(w)
	for _, c := range commands {
		tw.row("  "+c.name+" "+c.args, c.summary)
	}
	tw.flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "global flags (before the command, or among its flags):")
	fs := flag.NewFlagSet("starter", flag.ContinueOnError)
	g := a.g
	g.register(fs)
	printFlags(w, fs, nil)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "exit codes: 0 success, 1 failure, 2 usage error, 3 rejected by the session")
}

// printCommandUsage prints one command's synopsis and its own flags.
func (a *app) printCommandUsage(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: starter [global flags] %s %s\n", c.name, c.args)
	fmt.Fprintf(w, "\n%s\n", c.summary)
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.setup(fs)
	if hasFlags(fs) {
		fmt.Fprintln(w, "\nflags:")
		printFlags(w, fs, nil)
	}
	fmt.Fprintln(w, "\nRun `starter help` for the global flags.")
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func printFlags(w io.Writer, fs *flag.FlagSet, skip map[string]bool) {
	tw := newTable(w)
	fs.VisitAll(func(f *flag.Flag) {
		if skip[f.Name] {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		left := "  --" + f.Name
		if name != "" {
			left += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" {
			usage += " (default " + f.DefValue + ")"
		}
		tw.row(left, usage)
	})
	tw.flush()
}

var helpCommand = &command{
	name: "help", args: "[command]", summary: "Show the commands, or one command's usage.", nargs: [2]int{0, -1},
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		return func(_ context.Context, a *app, args []string) error {
			if len(args) == 0 {
				a.printHelp(a.stdout)
				return nil
			}
			c, rest := findCommand(args)
			if c == nil || len(rest) > 0 {
				return usagef("no command %q%s", strings.Join(args, " "), suggest(args))
			}
			a.printCommandUsage(a.stdout, c)
			return nil
		}
	},
}
