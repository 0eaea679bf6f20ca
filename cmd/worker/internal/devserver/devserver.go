// Package devserver runs a real Temporal server inside the worker process: one SQLite file
// in a data directory (WAL mode), a namespace with a retention of at least seven days and
// the project's search attributes, plus the Temporal Web UI on localhost.
//
// It owns the server's configuration, its data directory layout and the version check
// that refuses a data directory written by another server version (the SQLite schema has
// no migrations). It must not import the workflows, activities or plugins packages: the
// caller passes the search attributes it needs.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/meerkat-temporal/meerkat/cmd/worker/internal/logbridge"
	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/headers"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Files inside the data directory.
const (
	DatabaseFile = "temporal.db"
	VersionFile  = "temporal-server.version"
)

// MinRetention is the shortest retention the namespace is given.
const MinRetention = 7 * 24 * time.Hour

// Options configure the embedded server. Zero values take the documented defaults.
type Options struct {
	DataDir      string        // required; created if missing
	Namespace    string        // default "default"
	Retention    time.Duration // default and minimum MinRetention
	Host         string        // interface to bind; default 127.0.0.1
	FrontendPort int           // default 7233
	UIPort       int           // default 8233; negative disables the UI
	// SearchAttributes are registered on the namespace and verified by listing them.
	SearchAttributes map[string]enumspb.IndexedValueType
	Logger           hclog.Logger // default: discard
}

// Server is a running embedded Temporal server (and UI).
type Server struct {
	FrontendAddress string // host:port of the gRPC frontend
	UIURL           string // empty when the UI is disabled
	DataDir         string

	srv temporal.Server
	ui  *uiserver.Server
	log hclog.Logger
}

// ErrVersionMismatch is returned by Start when the data directory was written by another
// Temporal server version.
var ErrVersionMismatch = errors.New("devserver: data directory belongs to another Temporal server version")

// ErrPortInUse is returned by Start when a port it needs is taken.
var ErrPortInUse = errors.New("devserver: port already in use")

func (o *Options) defaults() error {
	if o.DataDir == "" {
		return errors.New("devserver: a data directory is required")
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Retention < MinRetention {
		o.Retention = MinRetention
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.FrontendPort == 0 {
		o.FrontendPort = 7233
	}
	if o.UIPort == 0 {
		o.UIPort = 8233
	}
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	return nil
}

// Start checks the data directory and the ports, creates the schema on first use,
// registers the namespace and search attributes, starts the server and the UI, and
// verifies the search attributes. Everything that can be checked is checked before
// anything starts.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("devserver: creating data directory: %w", err)
	}
	dbPath := filepath.Join(opts.DataDir, DatabaseFile)
	fresh, err := checkVersion(opts.DataDir, dbPath)
	if err != nil {
		return nil, err
	}
	ports, err := reservePorts(opts)
	if err != nil {
		return nil, err
	}

	sqlCfg := &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: dbPath,
		ConnectAttributes: map[string]string{
			"mode":         "rwc",
			"journal_mode": "wal",
			"synchronous":  "2",
			"busy_timeout": "10000",
		},
	}
	if fresh {
		if err := sqliteschema.SetupSchema(sqlCfg); err != nil {
			return nil, fmt.Errorf("devserver: creating the schema in %s: %w", dbPath, err)
		}
		if err := os.WriteFile(filepath.Join(opts.DataDir, VersionFile), []byte(headers.ServerVersion+"\n"), 0o644); err != nil {
			return nil, fmt.Errorf("devserver: writing the version file: %w", err)
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig("active", opts.Namespace, false, opts.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("devserver: namespace %q: %w", opts.Namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(opts.Retention)
	if err := sqliteschema.CreateNamespaces(sqlCfg, ns); err != nil {
		return nil, fmt.Errorf("devserver: creating namespace %q: %w", opts.Namespace, err)
	}

	frontend := net.JoinHostPort(opts.Host, strconv.Itoa(opts.FrontendPort))
	cfg := serverConfig(opts, sqlCfg, frontend, ports)
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: static.SingleLocalHost(frontend),
			primitives.HistoryService:  static.SingleLocalHost(net.JoinHostPort(opts.Host, strconv.Itoa(ports.history))),
			primitives.MatchingService: static.SingleLocalHost(net.JoinHostPort(opts.Host, strconv.Itoa(ports.matching))),
			primitives.WorkerService:   static.SingleLocalHost(net.JoinHostPort(opts.Host, strconv.Itoa(ports.worker))),
		}),
		temporal.WithLogger(logbridge.Server(opts.Logger.Named("temporal"))),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): []dynamicconfig.ConstrainedValue{{Value: true}},
			dynamicconfig.FrontendPersistenceMaxQPS.Key():               []dynamicconfig.ConstrainedValue{{Value: 10000}},
			dynamicconfig.HistoryPersistenceMaxQPS.Key():                []dynamicconfig.ConstrainedValue{{Value: 45000}},
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("devserver: configuring the server: %w", err)
	}
	s := &Server{FrontendAddress: frontend, DataDir: opts.DataDir, srv: srv, log: opts.Logger}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("devserver: starting the server: %w", err)
	}
	if opts.UIPort > 0 {
		s.ui = uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
			Host:                opts.Host,
			Port:                opts.UIPort,
			TemporalGRPCAddress: frontend,
			EnableUI:            true,
			DefaultNamespace:    opts.Namespace,
			HideLogs:            true,
			DisableNewsFetch:    true,
			CORS:                uiconfig.CORS{CookieInsecure: true},
		}))
		go func() {
			if err := s.ui.Start(); err != nil {
				opts.Logger.Error("web UI stopped", "error", err)
			}
		}()
		s.UIURL = "http://" + net.JoinHostPort(opts.Host, strconv.Itoa(opts.UIPort))
	}
	if err := s.ensureSearchAttributes(ctx, opts.Namespace, opts.SearchAttributes); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Stop stops the UI and the server.
func (s *Server) Stop() {
	if s.ui != nil {
		s.ui.Stop()
	}
	if err := s.srv.Stop(); err != nil {
		s.log.Warn("stopping the Temporal server", "error", err)
	}
}

// checkVersion reports whether the database is new, and refuses a data directory written
// by another server version.
func checkVersion(dir, dbPath string) (fresh bool, err error) {
	_, statErr := os.Stat(dbPath)
	if errors.Is(statErr, os.ErrNotExist) {
		return true, nil
	}
	if statErr != nil {
		return false, fmt.Errorf("devserver: reading %s: %w", dbPath, statErr)
	}
	raw, err := os.ReadFile(filepath.Join(dir, VersionFile))
	if err != nil {
		return false, fmt.Errorf("%w: %s has no %s, so the server version that wrote it is unknown; move the data directory aside and start with an empty one, or write %q into that file if you know it was created by this version",
			ErrVersionMismatch, dbPath, VersionFile, headers.ServerVersion)
	}
	if have := strings.TrimSpace(string(raw)); have != headers.ServerVersion {
		return false, fmt.Errorf("%w: %s was created by Temporal server %s but this worker embeds %s, and the SQLite schema has no migrations; run the worker release that embeds %s on it, or start with a new --data-dir",
			ErrVersionMismatch, dir, have, headers.ServerVersion, have)
	}
	return false, nil
}

// servicePorts are the ports of the internal services, picked free at start.
type servicePorts struct {
	history, matching, worker int
	membership                [4]int
}

// reservePorts checks that the frontend and UI ports are free and picks free ports for the
// internal services, so a clash is reported before anything starts (the UI server would
// otherwise exit the whole process).
func reservePorts(opts Options) (ports servicePorts, err error) {
	for _, p := range []struct {
		name string
		port int
	}{{"frontend", opts.FrontendPort}, {"frontend HTTP", opts.FrontendPort + 10}, {"web UI", opts.UIPort}} {
		if p.port <= 0 {
			continue
		}
		l, lerr := net.Listen("tcp", net.JoinHostPort(opts.Host, strconv.Itoa(p.port)))
		if lerr != nil {
			return ports, fmt.Errorf("%w: the %s port %d on %s is taken (%v); stop whatever uses it or choose another port", ErrPortInUse, p.name, p.port, opts.Host, lerr)
		}
		l.Close()
	}
	free := func() (int, error) {
		l, err := net.Listen("tcp", net.JoinHostPort(opts.Host, "0"))
		if err != nil {
			return 0, err
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port, nil
	}
	for _, dst := range []*int{&ports.history, &ports.matching, &ports.worker, &ports.membership[0], &ports.membership[1], &ports.membership[2], &ports.membership[3]} {
		if *dst, err = free(); err != nil {
			return ports, fmt.Errorf("devserver: finding a free port: %w", err)
		}
	}
	return ports, nil
}

func serverConfig(opts Options, sqlCfg *config.SQL, frontend string, ports servicePorts) *config.Config {
	service := func(grpc, membership int) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: grpc, MembershipPort: membership, BindOnIP: opts.Host}}
	}
	frontendService := service(opts.FrontendPort, ports.membership[0])
	frontendService.RPC.HTTPPort = opts.FrontendPort + 10
	return &config.Config{
		Global: config.Global{Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: opts.Host}},
		Persistence: config.Persistence{
			DefaultStore:     sqliteplugin.PluginName,
			VisibilityStore:  sqliteplugin.PluginName,
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
		},
		ClusterMetadata: &cluster.Config{
			FailoverVersionIncrement: 10,
			MasterClusterName:        "active",
			CurrentClusterName:       "active",
			ClusterInformation: map[string]cluster.ClusterInformation{
				"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			"frontend": frontendService,
			"history":  service(ports.history, ports.membership[1]),
			"matching": service(ports.matching, ports.membership[2]),
			"worker":   service(ports.worker, ports.membership[3]),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: frontend},
	}
}

// ensureSearchAttributes registers the attributes (idempotent) and verifies each exists
// with the right type by listing them.
func (s *Server) ensureSearchAttributes(ctx context.Context, namespace string, want map[string]enumspb.IndexedValueType) error {
	c, err := client.Dial(client.Options{HostPort: s.FrontendAddress, Namespace: namespace, Logger: logbridge.SDK(s.log.Named("sdk"))})
	if err != nil {
		return fmt.Errorf("devserver: connecting to the embedded server: %w", err)
	}
	defer c.Close()
	return EnsureSearchAttributes(ctx, c.OperatorService(), namespace, want, true)
}

// EnsureSearchAttributes checks that every wanted search attribute exists on the
// namespace with the wanted type. With register set it first adds the missing ones. The
// error names every attribute that is missing or has the wrong type.
func EnsureSearchAttributes(ctx context.Context, ops operatorservice.OperatorServiceClient, namespace string, want map[string]enumspb.IndexedValueType, register bool) error {
	if len(want) == 0 {
		return nil
	}
	if register {
		if _, err := ops.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: want}); err != nil {
			return fmt.Errorf("devserver: registering search attributes on %q: %w", namespace, err)
		}
	}
	resp, err := ops.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("devserver: listing search attributes of %q: %w", namespace, err)
	}
	var problems []string
	for name, typ := range want {
		got, ok := resp.GetCustomAttributes()[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s (%s) is missing", name, typ))
		case got != typ:
			problems = append(problems, fmt.Sprintf("%s is %s, want %s", name, got, typ))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("devserver: search attributes of namespace %q: %s; register them with `temporal operator search-attribute create --namespace %s --name <name> --type <type>`",
			namespace, strings.Join(problems, "; "), namespace)
	}
	return nil
}
