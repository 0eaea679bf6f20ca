// Command worker runs the Meerkat session runtime: with no flags, an embedded Temporal
// server on a SQLite file, the Temporal Web UI, the built-in plugins and the worker that
// runs every session workflow. With --temporal-address it joins an existing cluster
// instead and starts no server.
//
// The same binary is also the built-in plugins: the worker re-executes itself with
// MEERKAT_BUILTIN_PLUGIN set, and then serves that plugin instead.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/cmd/worker/internal/devserver"
	"github.com/meerkat-temporal/meerkat/cmd/worker/internal/logbridge"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

func main() {
	if builtinPlugin() {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

// run is the whole program: it returns when ctx is cancelled (SIGINT, SIGTERM) after
// draining the worker and the plugins and stopping the embedded server.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	log := hclog.New(&hclog.LoggerOptions{
		Name: "meerkat", Level: hclog.LevelFromString(cfg.LogLevel), Output: stderr, JSONFormat: cfg.LogJSON,
	})
	started := time.Now()

	address := cfg.TemporalAddress
	if address == "" {
		srv, err := devserver.Start(ctx, devserver.Options{
			DataDir: cfg.DataDir, Namespace: cfg.Namespace, Host: cfg.Host,
			FrontendPort: cfg.FrontendPort, UIPort: cfg.UIPort,
			SearchAttributes: workflows.SearchAttributeTypes(), Logger: log,
		})
		if err != nil {
			return err
		}
		defer srv.Stop()
		address = srv.FrontendAddress
		fmt.Fprintf(stdout, "Temporal frontend: %s\n", srv.FrontendAddress)
		if srv.UIURL != "" {
			fmt.Fprintf(stdout, "Web UI:            %s/namespaces/%s/workflows\n", srv.UIURL, cfg.Namespace)
		}
		fmt.Fprintf(stdout, "Data directory:    %s\n", srv.DataDir)
	}

	opts := client.Options{HostPort: address, Namespace: cfg.Namespace, Logger: logbridge.SDK(log.Named("sdk"))}
	if cfg.TLS.Enabled() {
		tlsCfg, err := loadTLS(cfg.TLS)
		if err != nil {
			return err
		}
		opts.ConnectionOptions.TLS = tlsCfg
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return fmt.Errorf("connecting to Temporal at %s: %w", address, err)
	}
	defer c.Close()
	if cfg.TemporalAddress != "" {
		if err := devserver.EnsureSearchAttributes(ctx, c.OperatorService(), cfg.Namespace, workflows.SearchAttributeTypes(), false); err != nil {
			return err
		}
	}

	plugins, err := startPlugins(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := plugins.Close(closeCtx); err != nil {
			log.Warn("stopping plugins", "error", err)
		}
	}()

	w := worker.New(c, cfg.TaskQueue, worker.Options{})
	workflows.RegisterWorkflows(w)
	opened := newOpenedChannels(plugins.Live)
	w.RegisterActivity(&activities.Activities{LLM: plugins.LLM, Live: opened})
	if err := w.Start(); err != nil {
		return fmt.Errorf("starting the worker: %w", err)
	}
	sc := sessionclient.New(c, sessionclient.Options{TaskQueue: cfg.TaskQueue})
	// The live adapter's status and close observations are recorded in their sessions.
	forwarder := &activities.ObservationForwarder{Live: plugins.Live, Sink: sc, Logger: log.Named("live-observations")}
	forwarded := make(chan error, 1)
	go func() { forwarded <- forwarder.Run(ctx) }()
	reconciled := make(chan struct{})
	go func() {
		defer close(reconciled)
		if cfg.TemporalAddress == "" {
			releaseLostChannels(ctx, sc, opened, log.Named("live-reconcile"))
		}
	}()
	log.Info("ready", "task_queue", cfg.TaskQueue, "namespace", cfg.Namespace, "startup", time.Since(started).Round(time.Millisecond))
	fmt.Fprintf(stdout, "Worker ready on task queue %q (started in %s)\n", cfg.TaskQueue, time.Since(started).Round(time.Millisecond))

	<-ctx.Done()
	log.Info("shutting down: draining the worker, then the plugins, then the server")
	err = <-forwarded
	<-reconciled
	w.Stop()
	return err
}

// loadTLS builds the client TLS configuration for an existing cluster.
func loadTLS(t TLSConfig) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: t.ServerName, MinVersion: tls.VersionTLS12}
	if t.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls: CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("tls: the CA bundle holds no PEM certificate")
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
